import { parseConfig } from '../../shared/config/load-config';
import { calendarsOf, createBusinessCalendar } from '../../shared/domain/business-calendar';
import { addDays, zonedInstant } from '../../shared/domain/dates';
import type { ItemStockObservation } from '../../shared/ports/stock-history';
import { learnReorderPoints, type LearnDeps } from '../../shared/use-cases/learn-reorder-points';
import { InMemoryBridgeState } from '../fakes/in-memory-order-store';
import { InMemoryStockHistory } from '../fakes/in-memory-stock-history';
import { RecordingKintoneRecordWriter } from '../fakes/recording-kintone-writer';
import { RecordingLogger } from '../fakes/recording-logger';
import { demoConfigJson } from '../support/dispatch-harness';
import { lineFor, orderFixture } from '../support/purchase-order-fixtures';
import { normal, simulateItem, trueReorderPoint } from './learning/generate';

/** Weekdays only, as the simulation's: holidays would move demand to the next day. */
const calendars = calendarsOf(
  createBusinessCalendar({ weeklyClosedDays: [0, 6], closedDates: [] }),
);

const FIELDS = {
  reorderPoint: '推奨発注点',
  orderUpTo: '推奨最大在庫',
  leadTimeDays: '推定リードタイム',
  reason: '推奨理由',
};

function learningDeps(learning: Record<string, unknown> = { fields: FIELDS }) {
  const raw = demoConfigJson();
  // App 12 learns; app 15 (a table app without 最大在庫) does not.
  const app = raw.apps.find((candidate) => candidate.appId === '12');
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
async function feedSimulation(
  { history, state }: ReturnType<typeof learningDeps>,
  seed: number,
  itemId = '1',
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
    appId: '12',
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
    await history.record('12', `${itemId}-n-${(n += 1)}`, [observation]);
  }
  for (const [index, receipt] of simulated.receipts.entries()) {
    const orderNumber = `PO-${itemId}-${String(index + 1).padStart(4, '0')}`;
    // Each order's line its own item id: only the SKU and supplier matter to lead times.
    const line = lineFor(`${itemId}0${index}`, 1, { sku: base.sku, quantity: 100 });
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
    await history.record('12', `${itemId}-order-${index}`, [
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

// d = 8/day (σ_d ≈ 2.52 after rounding), L = 5 business days exactly (σ_L = 0), 95 %.
const TRUE_ROP = trueReorderPoint(8, Math.sqrt(2.5 ** 2 + 1 / 12), 5, 0);
/** From 60 business days of history: every seed's 推奨発注点 within 15 % of the true ROP. */
const TOLERANCE = 0.15;

describe('learnReorderPoints (issue 14)', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'writes a 推奨発注点 within 15 %% of the true ROP, learned lead time 5 (seed %i)',
    async (seed) => {
      // Prepare
      const subject = learningDeps();
      const now = await feedSimulation(subject, seed);

      // Act
      const outcome = await learnReorderPoints(subject.deps, now);

      // Assess
      expect(outcome.apps[0]).toMatchObject({ appId: '12', ran: true, items: 1, written: 1 });
      expect(outcome.kintoneCalls).toBe(1);
      const [bulk] = subject.kintone.bulkUpdates;
      expect(bulk?.records).toEqual([
        {
          recordId: '1',
          values: {
            推奨発注点: expect.any(String),
            推奨最大在庫: expect.any(String),
            推定リードタイム: '5',
            推奨理由: expect.stringContaining('リードタイム'),
          },
        },
      ]);
      const suggested = Number(bulk?.records[0]?.values['推奨発注点']);
      expect(Math.abs(suggested - TRUE_ROP) / TRUE_ROP).toBeLessThan(TOLERANCE);
    },
  );

  it('runs once a day, and writes again only when the suggestion changed materially', async () => {
    // Prepare
    const subject = learningDeps();
    const now = await feedSimulation(subject, 11);
    await learnReorderPoints(subject.deps, now);

    // Act
    const again = await learnReorderPoints(subject.deps, new Date(now.getTime() + 3_600_000));
    const tomorrow = await learnReorderPoints(subject.deps, new Date(now.getTime() + 86_400_000));

    // Assess
    expect(again.apps[0]).toMatchObject({ ran: false, written: 0 });
    expect(tomorrow.apps[0]).toMatchObject({ ran: true, suggestions: 1, written: 0 });
    expect(subject.kintone.bulkUpdates).toHaveLength(1);
  });

  it("leaves staff's own 発注点 and 最大在庫 alone unless the app opts in", async () => {
    // Prepare
    const kept = learningDeps();
    const overwritten = learningDeps({ fields: FIELDS, overwriteStaffFields: true });
    const now = await feedSimulation(kept, 12);
    await feedSimulation(overwritten, 12);

    // Act
    await learnReorderPoints(kept.deps, now);
    await learnReorderPoints(overwritten.deps, now);

    // Assess
    expect(Object.keys(kept.kintone.updates[0]?.values ?? {})).not.toContain('発注点');
    const values = overwritten.kintone.updates[0]?.values ?? {};
    expect(Object.keys(values)).toEqual(expect.arrayContaining(['発注点', '最大在庫']));
    expect(values['発注点']).toBe(values['推奨発注点']);
    expect(Number(values['発注点'])).toBeGreaterThan(40);
  });

  it('spends one kintone call per 100 items written (101 items: 2 calls)', async () => {
    // Prepare
    const subject = learningDeps();
    let now = new Date();
    for (let item = 1; item <= 101; item++)
      now = await feedSimulation(subject, 100 + item, String(item));

    // Act
    const outcome = await learnReorderPoints(subject.deps, now);

    // Assess
    expect(outcome.apps[0]).toMatchObject({ items: 101, written: 101, kintoneCalls: 2 });
    expect(subject.kintone.bulkUpdates.map((bulk) => bulk.records.length)).toEqual([100, 1]);
  });
});
