import fc from 'fast-check';
import { activeLines, lineStatus, type PurchaseOrder } from '../../shared/domain/purchase-order';
import type { KintoneNotification } from '../../shared/kintone/notification';
import { processNotification } from '../../shared/use-cases/process-notification';
import { sendDueOrders } from '../../shared/use-cases/send-due-orders';
import { lowNotification, type Harness } from './dispatch-harness';

/**
 * The gathering property, for the in-memory bridge state and the DynamoDB adapters alike: any
 * sequence of edits of three records of one supplier (short or not, staff cancelling, kintone
 * failing a write) and scheduler runs (SES failing for now) keeps every item on at most one
 * active line, sends every order at most once, and leaves no shortage without an order on its
 * way once the scheduler has run on.
 *
 * @param newHarness a dispatch harness whose app 12 gathers for 30 minutes, from 11:15 in Tokyo.
 */

type Step =
  | { kind: 'edit'; record: number; stock: number; cancel: boolean; kintoneFails: boolean }
  | { kind: 'run'; minutes: number; sesFails: boolean };

const LATER = new Date('2030-01-01T00:00:00Z');

function drop(n: number, values: Record<string, string>, revision: number): KintoneNotification {
  return lowNotification({
    id: `drop-${n}-${revision}`,
    recordId: String(n),
    revision,
    values: { 品番: `A-10${n}`, 品名: `品目${n}`, ...values },
  });
}

export async function checkGatheringProperty(
  newHarness: () => Promise<Harness>,
  numRuns: number,
): Promise<void> {
  const steps = fc.array(
    fc.oneof(
      fc.record({
        kind: fc.constant('edit' as const),
        record: fc.integer({ min: 1, max: 3 }),
        stock: fc.integer({ min: 0, max: 60 }),
        cancel: fc.boolean(),
        kintoneFails: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant('run' as const),
        minutes: fc.integer({ min: 1, max: 40 }),
        sesFails: fc.boolean(),
      }),
    ),
    { minLength: 1, maxLength: 14 },
  );

  const property = fc.asyncProperty(steps, async (plan: Step[]) => {
    const h = await newHarness();
    // Every order is reported by the notification that created it: read them through the port.
    const numbers = new Set<string>();
    const allOrders = async (): Promise<PurchaseOrder[]> => {
      const orders = await Promise.all([...numbers].sort().map((n) => h.deps.orders.get(n)));
      return orders.filter((order): order is PurchaseOrder => order !== undefined);
    };
    const shown = new Map<number, Record<string, string>>();
    const revisions = new Map<number, number>();
    const lastStock = new Map<number, number>();
    let applied = 0;
    const applyWrites = () => {
      for (const update of h.kintone.updates.slice(applied)) {
        const n = Number(update.recordId);
        shown.set(n, { ...(shown.get(n) ?? {}), ...update.values });
      }
      applied = h.kintone.updates.length;
    };
    const deliver = async (n: number) => {
      const revision = (revisions.get(n) ?? 4) + 1;
      revisions.set(n, revision);
      const values = { ...(shown.get(n) ?? {}), 在庫数: String(lastStock.get(n)) };
      // Delivered until processed, as the queue does.
      for (let attempt = 0; ; attempt++) {
        try {
          const outcome = await processNotification(drop(n, values, revision), h.deps);
          for (const number of outcome.orderNumbers) numbers.add(number);
          return outcome;
        } catch (error) {
          if (attempt >= 3) throw error;
        }
      }
    };

    // Act
    for (const step of plan) {
      if (step.kind === 'edit') {
        const current = shown.get(step.record) ?? {};
        if (step.cancel && current['発注番号']) {
          shown.set(step.record, { ...current, 発注状況: 'キャンセル' });
        }
        lastStock.set(step.record, step.stock);
        // kintone fails the first write of this edit (the queue retries the notification).
        if (step.kintoneFails) h.kintone.updateFailures.push(new Error('kintone 503'));
        await deliver(step.record);
        h.kintone.updateFailures.length = 0;
        applyWrites();
        // The webhook of our own write: nothing more to write, no line added.
        const lines = (await allOrders()).flatMap((order) => order.lines).length;
        if (h.kintone.updates.length > 0) {
          const echo = await deliver(step.record);
          expect(echo.wroteFields).toEqual([]);
          expect((await allOrders()).flatMap((order) => order.lines)).toHaveLength(lines);
        }
      } else {
        if (step.sesFails) h.mailer.failures.push(new Error('SES throttled'));
        await sendDueOrders(h.deps, h.advance(step.minutes));
        h.mailer.failures.length = 0;
        applyWrites();
      }
      // Invariant: an item is on at most one active line.
      for (const n of [1, 2, 3]) {
        const active = (await allOrders()).flatMap((order) =>
          order.lines.filter(
            (line) =>
              line.item.itemId === String(n) &&
              !['dropped', 'closed'].includes(lineStatus(order, line.lineId)),
          ),
        );
        expect(active.length).toBeLessThanOrEqual(1);
      }
    }
    // The scheduler runs on long after the last edit.
    for (const minutes of [180, 5]) await sendDueOrders(h.deps, h.advance(minutes));

    // Assess
    const emailed = h.mailer.sent.map((request) => request.orderNumber);
    expect(new Set(emailed).size).toBe(emailed.length);
    expect(await h.deps.orders.listDue(LATER, 100)).toEqual([]);
    for (const order of await allOrders()) {
      const sent = emailed.includes(order.orderNumber);
      // An order with a line neither dropped nor closed by staff went out; one whose every
      // line was dropped did not.
      const open = order.lines.filter(
        (line) => !['dropped', 'closed'].includes(lineStatus(order, line.lineId)),
      );
      if (open.length > 0) expect(sent).toBe(true);
      if (activeLines(order).length === 0) expect(sent).toBe(false);
    }
    for (const [n, stock] of lastStock) {
      const status = shown.get(n)?.['発注状況'] ?? '';
      if (stock > 20 || ['入荷済', 'キャンセル'].includes(status)) continue;
      const onOrder = (await allOrders()).some((order) =>
        order.lines.some(
          (line) =>
            line.item.itemId === String(n) &&
            !['dropped', 'closed'].includes(lineStatus(order, line.lineId)),
        ),
      );
      expect(onOrder).toBe(true);
    }
  });

  await fc.assert(property, { numRuns });
}
