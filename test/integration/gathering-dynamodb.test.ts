import { wireStores } from '../../functions/store-wiring';
import {
  activeLines,
  lineStatus,
  type OrderEvent,
  type PurchaseOrder,
} from '../../shared/domain/purchase-order';
import type { KintoneNotification } from '../../shared/kintone/notification';
import type { OrderStore } from '../../shared/ports/order-store';
import { processNotification } from '../../shared/use-cases/process-notification';
import { sendDueOrders } from '../../shared/use-cases/send-due-orders';
import { dispatchHarness, lowNotification, type Harness } from '../support/dispatch-harness';
import { useBridgeTables } from '../support/dynalite';
import { checkGatheringProperty } from '../support/gathering-property';

/**
 * The one dispatch pipeline and the scheduled send on the DynamoDB adapters (dynalite), as the
 * dispatch and send-due-orders functions wire them: claims, gathering and the seal are the
 * table's conditional writes here, not the fake's.
 */

const tables = useBridgeTables('gathering-dispatch');
const T0 = new Date('2026-11-28T02:15:00Z');
const DUE = new Date('2026-11-28T02:45:00Z');
const FIRST = 'PO-20261128-0001';

async function harness(orders?: (store: OrderStore) => OrderStore): Promise<Harness> {
  const h = dispatchHarness({
    now: T0,
    configure: (raw) => {
      for (const app of raw.apps) app.gathering = { rule: 'window', minutes: 30 };
    },
  });
  const stores = wireStores(
    { client: tables.documentClient, tableName: await tables.newTable() },
    h.deps.now,
  );
  Object.assign(h.deps, { ...stores, orders: orders ? orders(stores.orders) : stores.orders });
  return h;
}

function drop(n: number, values: Record<string, string> = {}, revision = 5): KintoneNotification {
  return lowNotification({
    id: `drop-${n}-${revision}`,
    recordId: String(n),
    revision,
    values: { 品番: `A-10${n}`, 品名: `品目${n}`, ...values },
  });
}

describe('gathering on DynamoDB', () => {
  it('gathers 5 records into one order of 5 lines, sent once at its due time', async () => {
    // Prepare
    const h = await harness();
    for (const n of [1, 2, 3, 4, 5]) {
      await processNotification(drop(n), h.deps);
      h.advance(4);
    }

    // Act
    const early = await sendDueOrders(h.deps, new Date('2026-11-28T02:44:00Z'));
    const due = await sendDueOrders(h.deps, DUE);
    const again = await sendDueOrders(h.deps, new Date('2026-11-28T03:00:00Z'));

    // Assess
    expect(early.sent).toEqual([]);
    expect(due).toMatchObject({ sent: [FIRST], settled: [FIRST], failed: [], parked: [] });
    expect(again.sent).toEqual([]);
    expect(h.mailer.sent.map((request) => request.lines.map((line) => line.sku))).toEqual([
      ['A-101', 'A-102', 'A-103', 'A-104', 'A-105'],
    ]);
    expect(h.kintone.bulkUpdates).toHaveLength(1);
    expect(h.kintone.comments).toHaveLength(5);
    expect(await h.deps.orders.listDue(new Date('2030-01-01T00:00:00Z'), 10)).toEqual([]);
  });

  it('adds no second line for a replay or a re-edit, and drops a line whose item recovers', async () => {
    // Prepare
    const h = await harness();
    await processNotification(drop(1), h.deps);
    await processNotification(drop(2), h.deps);
    const shown = { ...(h.kintone.updates[0]?.values ?? {}) };

    // Act
    const duplicate = await processNotification(drop(1), h.deps);
    const shorter = await processNotification(drop(1, { ...shown, 在庫数: '2' }, 6), h.deps);
    const recovered = await processNotification(drop(2, { 在庫数: '90' }, 6), h.deps);
    await sendDueOrders(h.deps, DUE);

    // Assess
    expect(duplicate.decision.kind).toBe('duplicate');
    expect(shorter).toMatchObject({ orderNumber: FIRST, decision: { kind: 'order-open' } });
    expect(recovered.items[0]?.line).toBe('dropped');
    const order = (await h.deps.orders.get(FIRST)) as PurchaseOrder;
    expect(order.lines.map((line) => [line.lineId, lineStatus(order, line.lineId)])).toEqual([
      ['1', 'ordered'],
      ['2', 'dropped'],
    ]);
    expect(h.mailer.sent.map((request) => request.lines.map((line) => line.sku))).toEqual([
      ['A-101'],
    ]);
    // The dropped item orders again on a new order (the first one is sealed).
    const again = await processNotification(drop(2, { 在庫数: '1' }, 7), h.deps);
    expect(again).toMatchObject({ orderNumber: 'PO-20261128-0002', items: [{ line: 'waiting' }] });
  });

  it('sends once when the run dies between sealing and sending', async () => {
    // Prepare: the seal is stored, then the function dies.
    let crashed = false;
    const h = await harness(
      (store) =>
        new Proxy(store, {
          get(target, property, receiver) {
            if (property !== 'append') return Reflect.get(target, property, receiver) as unknown;
            return async (orderNumber: string, event: OrderEvent) => {
              const order = await target.append(orderNumber, event);
              if (event.kind === 'sealed' && !crashed) {
                crashed = true;
                throw new Error('Task timed out');
              }
              return order;
            };
          },
        }),
    );
    await processNotification(drop(1), h.deps);
    await processNotification(drop(2), h.deps);

    // Act
    const first = await sendDueOrders(h.deps, DUE);
    const rerun = await sendDueOrders(h.deps, new Date('2026-11-28T02:50:00Z'));

    // Assess
    expect(first.failed.map((entry) => entry.orderNumber)).toEqual([FIRST]);
    expect(rerun.sent).toEqual([FIRST]);
    expect(h.mailer.sent).toHaveLength(1);
    expect(h.mailer.sent[0]?.orderedAt).toBe(DUE.toISOString());
    const order = (await h.deps.orders.get(FIRST)) as PurchaseOrder;
    expect(activeLines(order)).toHaveLength(2);
    expect(order.log.filter((event) => event.kind === 'sealed')).toHaveLength(1);
  });

  it('keeps the gathering property on the DynamoDB adapters', async () => {
    // A fresh table per run: few runs, each a whole story of edits and scheduler runs.
    await checkGatheringProperty(() => harness(), 12);
  }, 120_000);
});
