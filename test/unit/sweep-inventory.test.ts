import { readFileSync } from 'node:fs';
import { parseConfig } from '../../shared/config/load-config';
import { notificationSchema } from '../../shared/kintone/notification';
import type {
  InventoryPage,
  InventoryReader,
  ReadRecord,
} from '../../shared/ports/inventory-reader';
import type { ItemKey, ItemState } from '../../shared/ports/item-states';
import {
  SWEEP_SHORTAGE_FOUND,
  SWEEP_STOPPED_FOR_BUDGET,
  sweepInventory,
  type SweepDeps,
} from '../../shared/use-cases/sweep-inventory';
import { RecordingLogger } from '../fakes/recording-logger';
import { RecordingMetrics } from '../fakes/recording-metrics';
import { RecordingNotificationQueue } from '../fakes/recording-queue';
import { processNotification } from '../../shared/use-cases/process-notification';
import { dispatchHarness, lowNotification } from '../support/dispatch-harness';

const config = parseConfig(JSON.parse(readFileSync('config/demo.json', 'utf8')), 'demo');
const APP = '12';
const SITE = '15';

function item(id: number, revision: number, onHand: string): ReadRecord {
  return {
    $id: { type: '__ID__', value: String(id) },
    $revision: { type: '__REVISION__', value: String(revision) },
    品番: { type: 'SINGLE_LINE_TEXT', value: `X-${id}` },
    品名: { type: 'SINGLE_LINE_TEXT', value: `item ${id}` },
    在庫数: { type: 'NUMBER', value: onHand },
    発注点: { type: 'NUMBER', value: '10' },
    最大在庫: { type: 'NUMBER', value: '50' },
    仕入先名: { type: 'SINGLE_LINE_TEXT', value: '文具' },
    仕入先メール: { type: 'SINGLE_LINE_TEXT', value: 'order@example.jp' },
    発注状況: { type: 'DROP_DOWN', value: '未発注' },
  };
}

/** A reader over fixed pages per app, with a budget count per page. */
function readerOf(pages: Record<string, InventoryPage[]>): InventoryReader & { closed: string[] } {
  const closed: string[] = [];
  return {
    closed,
    read: (appId) => {
      let calls = 0;
      const list = pages[appId] ?? [{ records: [] }];
      return {
        get calls() {
          return calls;
        },
        restarts: 0,
        async *[Symbol.asyncIterator]() {
          calls += 1;
          try {
            for (const page of list) {
              calls += 1;
              yield page;
            }
          } finally {
            closed.push(appId);
          }
        },
      };
    },
  };
}

function deps(
  reader: InventoryReader,
  states: ItemState[] = [],
): SweepDeps & {
  queue: RecordingNotificationQueue;
  logger: RecordingLogger;
  metrics: RecordingMetrics;
} {
  return {
    config,
    reader,
    items: {
      load: async (keys: readonly ItemKey[]) =>
        keys.map(
          (key) =>
            states.find(
              (state) => state.key.recordId === key.recordId && state.key.appId === key.appId,
            ) ?? {
              key,
              cycle: 1,
            },
        ),
    },
    queue: new RecordingNotificationQueue(),
    logger: new RecordingLogger(),
    metrics: new RecordingMetrics(),
    now: () => new Date('2026-12-01T01:00:00Z'),
  };
}

describe('sweepInventory', () => {
  it('queues each record the bridge has not processed at its revision, as its UPDATE_RECORD notification on the record group', async () => {
    // Arrange: record 1 processed at revision 3 (unchanged), 2 changed since, 3 never seen.
    const reader = readerOf({
      [APP]: [{ records: [item(1, 3, '5'), item(2, 5, '4'), item(3, 1, '40')] }],
    });
    const d = deps(reader, [
      { key: { appId: APP, recordId: '1' }, cycle: 1, lastRevision: 3 },
      { key: { appId: APP, recordId: '2' }, cycle: 1, lastRevision: 4 },
    ]);

    // Act
    const outcome = await sweepInventory(d);

    // Assess
    expect(d.queue.messages.map((m) => [m.notificationId, m.groupId])).toEqual([
      ['sweep-12-2-5', '12:2'],
      ['sweep-12-3-1', '12:3'],
    ]);
    const parsed = notificationSchema.parse(JSON.parse(d.queue.messages[0]?.body ?? ''));
    expect(parsed).toMatchObject({ id: 'sweep-12-2-5', type: 'UPDATE_RECORD', app: { id: APP } });
    expect(outcome.apps[0]).toMatchObject({ records: 3, queued: 2, shortages: 1 });
    expect(d.metrics.totals()).toMatchObject({
      RecordsSwept: 3,
      SweepRecordsQueued: 2,
      ShortagesFound: 1,
    });
    expect(d.logger.withMessage(SWEEP_SHORTAGE_FOUND)).toHaveLength(1);
  });

  it('does not count an item already on order as a shortage (the pipeline still gets its new revision)', async () => {
    const reader = readerOf({ [APP]: [{ records: [item(2, 5, '4')] }] });
    const d = deps(reader, [
      { key: { appId: APP, recordId: '2' }, cycle: 1, lastRevision: 4, orderNumber: 'PO-1' },
    ]);

    const outcome = await sweepInventory(d);

    expect(outcome.queued).toBe(1);
    expect(outcome.shortages).toBe(0);
  });

  it('stops reading an app when its calls today reach the budget share, says so, and goes on with the next app', async () => {
    const reader = readerOf({
      [APP]: [
        { records: [item(1, 1, '40')], budget: { count: 7999, limit: 10_000 } },
        { records: [item(2, 1, '40')], budget: { count: 8000, limit: 10_000 } },
        { records: [item(3, 1, '40')], budget: { count: 8001, limit: 10_000 } },
      ],
    });
    const d = deps(reader);

    const outcome = await sweepInventory(d);

    expect(outcome.apps.map((app) => app.appId)).toEqual([APP, SITE]);
    expect(outcome.apps[0]).toMatchObject({
      records: 2,
      stoppedEarly: { count: 8000, limit: 10_000, afterId: '2' },
    });
    expect(outcome.stoppedEarly).toBe(true);
    expect(reader.closed).toEqual([APP, SITE]);
    expect(d.logger.withMessage(SWEEP_STOPPED_FOR_BUDGET)).toEqual([
      expect.objectContaining({ level: 'warn' }),
    ]);
    expect(d.metrics.total('SweepsStoppedEarly')).toBe(1);
  });

  it('keeps only the mapped fields of a table app’s rows in the queued notification', async () => {
    const record: ReadRecord = {
      $id: { type: '__ID__', value: '1' },
      $revision: { type: '__REVISION__', value: '2' },
      拠点: { type: 'SINGLE_LINE_TEXT', value: '大阪倉庫' },
      在庫明細: {
        type: 'SUBTABLE',
        value: [
          {
            id: '7',
            value: {
              明細_品番: { type: 'SINGLE_LINE_TEXT', value: 'B-202' },
              明細_在庫数: { type: 'NUMBER', value: '4' },
              明細_発注点: { type: 'NUMBER', value: '10' },
              明細_発注量: { type: 'NUMBER', value: '50' },
              明細_仕入先コード: { type: 'SINGLE_LINE_TEXT', value: 'S-003' },
              明細_メモ: { type: 'SINGLE_LINE_TEXT', value: 'not mapped' },
            },
          },
        ],
      },
    };
    const d = deps(readerOf({ [SITE]: [{ records: [record] }] }));

    await sweepInventory(d);

    const body = JSON.parse(d.queue.messages[0]?.body ?? '{}') as {
      record: { 在庫明細: { value: Array<{ id: string; value: Record<string, unknown> }> } };
    };
    expect(d.queue.messages[0]?.groupId).toBe('15:1');
    expect(body.record.在庫明細.value[0]?.id).toBe('7');
    expect(Object.keys(body.record.在庫明細.value[0]?.value ?? {})).not.toContain('明細_メモ');
  });
});

describe('sweepInventory with the dispatcher (in memory)', () => {
  /** The records of update-record-low.json (A-100, 在庫数 18 below 20), as the cursor reads them. */
  function lowRecord(revision: number): ReadRecord {
    const notification = lowNotification({ revision });
    if (!('record' in notification)) throw new Error('not a record notification');
    return notification.record as ReadRecord;
  }

  async function sweepAndDispatch(h: ReturnType<typeof dispatchHarness>, record: ReadRecord) {
    const queue = new RecordingNotificationQueue();
    const outcome = await sweepInventory({
      config: h.config,
      reader: readerOf({ [APP]: [{ records: [record] }] }),
      items: h.state,
      queue,
      logger: new RecordingLogger(),
      now: () => new Date(h.clock.now),
    });
    const dispatched = [];
    for (const message of queue.messages) {
      dispatched.push(
        await processNotification(notificationSchema.parse(JSON.parse(message.body)), h.deps),
      );
    }
    return { outcome, dispatched };
  }

  it('orders a shortage no webhook brought exactly once; a sweep of the same revision queues nothing, one of a later revision orders nothing', async () => {
    const h = dispatchHarness();

    const first = await sweepAndDispatch(h, lowRecord(5));
    const again = await sweepAndDispatch(h, lowRecord(5));
    const later = await sweepAndDispatch(h, lowRecord(6));

    expect(first.outcome.shortages).toBe(1);
    expect(first.dispatched.map((outcome) => outcome.decision.kind)).toEqual(['order']);
    expect(h.mailer.sent).toHaveLength(1);
    expect(again.outcome.queued).toBe(0);
    expect(later.outcome.queued).toBe(1);
    expect(later.outcome.shortages).toBe(0);
    expect(later.dispatched.map((outcome) => outcome.decision.kind)).toEqual(['order-open']);
    expect(later.dispatched[0]?.wroteFields).toEqual([]);
    expect(h.mailer.sent).toHaveLength(1);
  });

  it('after the webhook of the same revision, the sweep queues nothing (idempotent with the notifications)', async () => {
    const h = dispatchHarness();
    await processNotification(lowNotification({ id: 'webhook-1', revision: 5 }), h.deps);

    const swept = await sweepAndDispatch(h, lowRecord(5));

    expect(swept.outcome.queued).toBe(0);
    expect(h.mailer.sent).toHaveLength(1);
  });
});
