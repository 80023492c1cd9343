import { parseConfig } from '../../shared/config/load-config';
import { calendarsOf, createBusinessCalendar } from '../../shared/domain/business-calendar';
import { addDays, zonedInstant } from '../../shared/domain/dates';
import type { ItemStockObservation } from '../../shared/ports/stock-history';
import type { LearnDeps } from '../../shared/use-cases/learn-reorder-points';
import { InMemoryBridgeState } from '../fakes/in-memory-order-store';
import { InMemoryStockHistory } from '../fakes/in-memory-stock-history';
import { RecordingKintoneRecordWriter } from '../fakes/recording-kintone-writer';
import { RecordingLogger } from '../fakes/recording-logger';
import { normal, simulateItem } from '../unit/learning/generate';
import { demoConfigJson } from './dispatch-harness';
import { lineFor, orderFixture } from './purchase-order-fixtures';

/**
 * The learning's collaborators in memory, and simulated items fed into them as the dispatcher
 * would have recorded them (issue 14).
 */

/** Weekdays only, as the simulation's: holidays would move demand to the next day. */
export const calendars = calendarsOf(
  createBusinessCalendar({ weeklyClosedDays: [0, 6], closedDates: [] }),
);

export const FIELDS = {
  reorderPoint: '推奨発注点',
  orderUpTo: '推奨最大在庫',
  leadTimeDays: '推定リードタイム',
  reason: '推奨理由',
};

export function learningDeps(learning: Record<string, unknown> = { fields: FIELDS }, appId = '12') {
  const raw = demoConfigJson();
  // App 12 learns (or `appId`: 15 is the table app, its items rows); the others do not.
  const app = raw.apps.find((candidate) => candidate.appId === appId);
  if (app) app.learning = learning;
  const config = parseConfig(raw);
  const history = new InMemoryStockHistory();
  const state = new InMemoryBridgeState();
  const kintone = new RecordingKintoneRecordWriter();
  const deps: LearnDeps = {
    config,
    stockHistory: history,
    orders: state,
    kintone,
    calendars,
    logger: new RecordingLogger(),
  };
  return { deps, history, state, kintone };
}

/**
 * Feeds one simulated item (item 1 of app 12, supplier S-1) into the history the dispatcher
 * would have recorded, and its orders (sent, then closed as 入荷済) into the order store.
 * Returns the morning after the last simulated day.
 */
export async function feedSimulation(
  { history, state }: ReturnType<typeof learningDeps>,
  seed: number,
  itemId = '1',
  appId = '12',
): Promise<Date> {
  const simulated = simulateItem({
    seed,
    days: 120,
    demand: (random) => normal(random, 8, 2.5),
    leadTime: () => 5,
    orderAt: 120,
    orderQuantity: 100,
    initialStock: 200,
  });
  const base = {
    appId,
    itemId,
    sku: `A-${itemId}`,
    name: 'ボールペン',
    supplierCode: 'S-1',
    reorderPoint: 20,
    maxStock: 100,
    leadTimeDays: 3,
  };
  let n = 0;
  for (const seen of simulated.observations) {
    const observation: ItemStockObservation = { ...base, ...seen };
    await history.record(appId, `${itemId}-n-${(n += 1)}`, [observation]);
  }
  for (const [index, receipt] of simulated.receipts.entries()) {
    const orderNumber = `PO-${itemId}-${String(index + 1).padStart(4, '0')}`;
    // Each order's line its own item id: only the SKU and supplier matter to lead times.
    const line = lineFor(`${itemId}0${index}`, 1, {
      sku: base.sku,
      quantity: 100,
      desiredDeliveryDate: receipt.receivedAt.slice(0, 10),
    });
    await state.create(
      orderFixture(orderNumber, [line], {
        sealed: true,
        groupKey: orderNumber,
        supplier: { code: 'S-1', name: 'サプライヤー', email: 's1@example.jp' },
      }),
    );
    await state.append(orderNumber, { kind: 'email-sent', at: receipt.sentAt, messageId: 'm' });
    await state.append(orderNumber, {
      kind: 'line-closed',
      at: receipt.receivedAt,
      lineId: line.lineId,
      status: '入荷済',
    });
    // What the dispatcher records with the notification that placed the line.
    const before = simulated.observations.filter((o) => o.at <= receipt.sentAt).at(-1);
    await history.record(appId, `${itemId}-order-${index}`, [
      {
        ...base,
        at: receipt.sentAt,
        quantity: before?.quantity ?? 0,
        ordered: { orderNumber, quantity: 100 },
      },
    ]);
  }
  return zonedInstant(addDays(simulated.through, 1), '03:00', 'Asia/Tokyo');
}
