import { lineStatus, orderStatus, type OrderEvent } from '../../shared/domain/purchase-order';
import type { SupplierContact } from '../../shared/domain/item';
import {
  isRecordNotification,
  notificationSchema,
  type KintoneNotification,
} from '../../shared/kintone/notification';
import { processNotification } from '../../shared/use-cases/process-notification';
import { sendDueOrders } from '../../shared/use-cases/send-due-orders';
import type { CompletedNotification as CompletedDone } from '../../shared/ports/processed-notifications';
import { InMemoryBridgeState } from '../fakes/in-memory-order-store';
import { loadWebhookFixture } from '../fixtures/kintone-webhooks';
import { dispatchHarness } from '../support/dispatch-harness';

/** 2026-11-29 10:00 in Tokyo. */
const NOW = new Date('2026-11-29T01:00:00Z');
const FIRST = 'PO-20261129-0001';
const SECOND = 'PO-20261129-0002';
const B200_REASON = '在庫数 4 ≤ 発注点 10: 20個を発注 (発注量20)';

const SUPPLIERS: Record<string, SupplierContact> = {
  'S-002': { code: 'S-002', name: '紙の山田商店', email: 'sales@yamada-paper.example.jp' },
  'S-003': {
    code: 'S-003',
    name: 'オフィス機器サービス株式会社',
    email: 'support@office-kiki.example.jp',
  },
};

/**
 * App 15 (拠点在庫, items in the rows of 在庫明細) with `immediate` orders, as today;
 * `supplierSettings` is the configuration's `suppliers` (their own gathering rules).
 */
function harness(supplierSettings?: Record<string, unknown>) {
  const h = dispatchHarness({
    now: NOW,
    suppliers: SUPPLIERS,
    configure: (raw) => {
      for (const app of raw.apps) app.gathering = { rule: 'immediate' };
      if (supplierSettings) raw.suppliers = supplierSettings;
    },
  });
  const suppliers = h.deps.suppliers as unknown as { lookups: string[] };
  return { ...h, suppliers };
}

type RowEdit = Record<string, string>;

const SITE_WRITE_BACK = dispatchHarness().config.apps.find((app) => app.appId === '15')
  ?.writeBack as Record<string, string>;
const EMPTY_TEXT = () => ({ type: 'SINGLE_LINE_TEXT', value: '' });

/**
 * update-record-subtable.json (record 3 大阪倉庫: B-200 and B-201 of S-002 low, B-202 of S-003
 * fine) with rows edited by row id; a code the row lacks is added as a text field.
 */
function siteNotification(
  edit: {
    id?: string;
    revision?: number;
    rows?: Record<string, RowEdit>;
    /** Leave the rows as the fixture has them: without the bridge's write-back fields. */
    withoutWriteBackFields?: boolean;
  } = {},
): KintoneNotification {
  const raw = loadWebhookFixture('update-record-subtable.json') as {
    id: string;
    record: Record<string, { type: string; value: unknown }>;
  };
  const table = raw.record['在庫明細'] as {
    value: Array<{ id: string; value: Record<string, { type: string; value: string }> }>;
  };
  for (const row of table.value) {
    // The documented fixture's table has no write-back fields; app 15's table has them (empty).
    if (!edit.withoutWriteBackFields) {
      for (const code of Object.values(SITE_WRITE_BACK)) row.value[code] ??= EMPTY_TEXT();
    }
    for (const [code, value] of Object.entries(edit.rows?.[row.id] ?? {})) {
      row.value[code] = { type: row.value[code]?.type ?? 'SINGLE_LINE_TEXT', value };
    }
  }
  if (edit.revision !== undefined) {
    raw.record.$revision = { type: '__REVISION__', value: String(edit.revision) };
  }
  return notificationSchema.parse({ ...raw, id: edit.id ?? raw.id });
}

/** Rows as kintone shows them once the bridge wrote an order into them. */
function orderedRow(orderNumber: string, reason: string): RowEdit {
  return {
    明細_発注状況: '発注依頼済',
    明細_発注番号: orderNumber,
    明細_発注日時: '2026-11-29T01:00:00Z',
    明細_発注理由: reason,
  };
}

/** The table write of an order: only what changes (明細_納品予定日 is empty already). */
function orderWrite(orderNumber: string, reason: string): RowEdit {
  return orderedRow(orderNumber, reason);
}

/** The bridge's own table write of FIRST (rows 368 and 369) coming back as revision 15. */
function echoOfFirstOrder(
  request: { lines: ReadonlyArray<{ reason?: string }> } | undefined,
): KintoneNotification {
  return siteNotification({
    id: 'echo-1',
    revision: 15,
    rows: {
      '368': orderWrite(FIRST, request?.lines[0]?.reason ?? ''),
      '369': orderWrite(FIRST, request?.lines[1]?.reason ?? ''),
    },
  });
}

function kinds(events: readonly OrderEvent[] | undefined): string[] {
  return events?.map((event) => event.kind) ?? [];
}

describe('processNotification: items in a table (subtable rows)', () => {
  it('orders the two low rows of one supplier as one request with two lines, into their rows', async () => {
    // Prepare
    const { deps, mailer, kintone, suppliers } = harness();

    // Act
    const outcome = await processNotification(siteNotification(), deps);

    // Assess
    expect(outcome.orderNumbers).toEqual([FIRST]);
    expect(outcome.decision).toEqual({ kind: 'order', reason: `2行を発注 (${FIRST})` });
    expect(mailer.sent).toHaveLength(1);
    const [request] = mailer.sent;
    expect(request?.supplier).toEqual(SUPPLIERS['S-002']);
    expect(request?.lines).toEqual([
      {
        lineId: '3:368',
        sku: 'B-200',
        name: 'コピー用紙 A4 500枚',
        quantity: 20,
        unit: '個',
        rowId: '368',
        reason: expect.stringContaining('在庫数 4 ≤ 発注点 10'),
      },
      {
        lineId: '3:369',
        sku: 'B-201',
        name: 'トナー TN-29J',
        quantity: 3,
        unit: '個',
        rowId: '369',
        reason: expect.stringContaining('在庫数 1 ≤ 発注点 2'),
      },
    ]);
    expect(request?.reason.split('\n')).toEqual([
      expect.stringMatching(/^B-200: 在庫数 4 ≤ 発注点 10/),
      expect.stringMatching(/^B-201: 在庫数 1 ≤ 発注点 2/),
    ]);
    // One table write: each ordered row gets the order and its own reason; B-202 is not named.
    expect(kintone.updates).toEqual([]);
    expect(kintone.rowUpdates).toEqual([
      {
        appId: '15',
        recordId: '3',
        subtable: '在庫明細',
        rows: {
          '368': orderWrite(FIRST, request?.lines[0]?.reason ?? ''),
          '369': orderWrite(FIRST, request?.lines[1]?.reason ?? ''),
        },
      },
    ]);
    expect(kintone.comments).toHaveLength(1);
    expect(kintone.comments[0]).toMatchObject({ appId: '15', recordId: '3' });
    expect(kintone.comments[0]?.text).toContain('・B-200 コピー用紙 A4 500枚: 20個');
    expect(kintone.comments[0]?.text).toContain('・B-201 トナー TN-29J: 3個');
    expect(outcome.items.map((row) => [row.rowId, row.decision.kind, row.orderNumber])).toEqual([
      ['368', 'order', FIRST],
      ['369', 'order', FIRST],
      ['370', 'no-order', undefined],
    ]);
    // The master is read for the supplier of the due rows only (S-003's row is fine).
    expect(suppliers.lookups.every((code) => code === 'S-002')).toBe(true);
  });

  it('keeps one order with a line per row, each row claiming its own cycle', async () => {
    // Prepare
    const { deps, state } = harness();

    // Act
    await processNotification(siteNotification(), deps);

    // Assess
    const orders = state.allOrders();
    expect(orders).toHaveLength(1);
    expect(orders[0]?.lines.map((line) => line.item)).toEqual([
      { appId: '15', recordId: '3', rowId: '368', itemId: '3:368', cycle: 1 },
      { appId: '15', recordId: '3', rowId: '369', itemId: '3:369', cycle: 1 },
    ]);
    expect(kinds(orders[0]?.log)).toEqual([
      'created',
      'sealed',
      'email-sent',
      'written-back',
      'commented',
    ]);
    const states = await state.load([
      { appId: '15', recordId: '3' },
      { appId: '15', recordId: '3:368' },
      { appId: '15', recordId: '3:369' },
      { appId: '15', recordId: '3:370' },
    ]);
    expect(states.map((item) => item.orderNumber)).toEqual([undefined, FIRST, FIRST, undefined]);
    // The record's revision decides for its rows; a row on its line is remembered by the claim.
    expect(states.map((item) => item.lastRevision)).toEqual([14, undefined, undefined, 14]);
  });

  it('makes one order per supplier, one table write and one comment for both', async () => {
    // Prepare: B-202 of S-003 falls too.
    const { deps, mailer, kintone } = harness();

    // Act
    const outcome = await processNotification(
      siteNotification({ rows: { '370': { 明細_在庫数: '5' } } }),
      deps,
    );

    // Assess
    expect(outcome.orderNumbers).toEqual([FIRST, SECOND]);
    expect(mailer.sent.map((request) => [request.supplier.code, request.lines.length])).toEqual([
      ['S-002', 2],
      ['S-003', 1],
    ]);
    // A one-line order keeps the line's reason as the request's.
    expect(mailer.sent[1]?.reason).toBe('在庫数 5 ≤ 発注点 10: 50個を発注 (発注量50)');
    expect(kintone.rowUpdates).toHaveLength(1);
    expect(Object.keys(kintone.rowUpdates[0]?.rows ?? {})).toEqual(['368', '369', '370']);
    expect(kintone.rowUpdates[0]?.rows['370']?.明細_発注番号).toBe(SECOND);
    expect(kintone.comments).toHaveLength(1);
    expect(kintone.comments[0]?.text).toContain(FIRST);
    expect(kintone.comments[0]?.text).toContain(SECOND);
  });

  it("sends one supplier's rows at once and lets the other's wait for its own cut-off, in one save", async () => {
    // Prepare: B-202 of S-003 falls too; S-003 takes orders until 15:00 (it is 10:00 in Tokyo).
    const { deps, mailer, kintone } = harness({
      'S-003': { gathering: { rule: 'cutoff', times: ['15:00'] } },
    });

    // Act
    const outcome = await processNotification(
      siteNotification({ rows: { '370': { 明細_在庫数: '5' } } }),
      deps,
    );
    const atCutoff = await sendDueOrders(deps, new Date('2026-11-29T06:00:00Z'));

    // Assess: S-002's two rows went at once; S-003's row waited on its own order until 15:00.
    expect(outcome.orderNumbers).toEqual([FIRST, SECOND]);
    expect(outcome.items.map((item) => [item.rowId, item.line])).toEqual([
      ['368', 'ordered'],
      ['369', 'ordered'],
      ['370', 'waiting'],
    ]);
    expect(kintone.rowUpdates[0]?.rows['370']?.明細_発注状況).toBe('待機中');
    expect(atCutoff.sent).toEqual([SECOND]);
    expect(mailer.sent.map((request) => [request.supplier.code, request.lines.length])).toEqual([
      ['S-002', 2],
      ['S-003', 1],
    ]);
  });

  it('places two suppliers at once: when one group fails, the retry sends each order once', async () => {
    // Prepare: B-202 of S-003 falls too; the second order's create fails once.
    const { deps, mailer } = harness();
    const both = siteNotification({ rows: { '370': { 明細_在庫数: '5' } } });
    const create = deps.orders.create.bind(deps.orders);
    let creates = 0;
    deps.orders.create = (order) => {
      creates += 1;
      return creates === 2 ? Promise.reject(new Error('DynamoDB unavailable')) : create(order);
    };

    // Act
    await expect(processNotification(both, deps)).rejects.toThrow('DynamoDB unavailable');
    deps.orders.create = create;
    const retry = await processNotification(both, deps);

    // Assess: S-002's order was placed by the failed run and is sent by the retry (after the
    // new one, as a resumed order is), each once.
    expect(retry.orderNumbers).toEqual([FIRST, 'PO-20261129-0003']);
    expect(mailer.sent.map((sent) => sent.lines.map((line) => line.sku))).toEqual([
      ['B-202'],
      ['B-200', 'B-201'],
    ]);
  });

  it('costs no kintone call when no row needs an order', async () => {
    // Prepare
    const { deps, kintone, mailer, suppliers } = harness();
    const healthy = siteNotification({
      rows: { '368': { 明細_在庫数: '30' }, '369': { 明細_在庫数: '5' } },
    });

    // Act
    const outcome = await processNotification(healthy, deps);

    // Assess
    expect(outcome.decision).toEqual({ kind: 'no-order', reason: '3行を確認、発注なし' });
    expect(kintone.rowUpdates).toEqual([]);
    expect(kintone.updates).toEqual([]);
    expect(kintone.comments).toEqual([]);
    expect(mailer.sent).toEqual([]);
    expect(suppliers.lookups).toEqual([]);
  });

  it('does not order again while the rows order is open, and costs no call for that', async () => {
    // Prepare: the bridge's own write-back comes back as the next revision.
    const { deps, mailer, kintone } = harness();
    await processNotification(siteNotification(), deps);
    const echo = echoOfFirstOrder(mailer.sent[0]);

    // Act
    const outcome = await processNotification(echo, deps);

    // Assess
    expect(outcome.items.map((row) => row.decision.kind)).toEqual([
      'order-open',
      'order-open',
      'no-order',
    ]);
    expect(mailer.sent).toHaveLength(1);
    expect(kintone.rowUpdates).toHaveLength(1);
    expect(kintone.comments).toHaveLength(1);
  });

  it('settles only the rows whose decision changed: rows on their order line are not, the record takes the revision', async () => {
    // Prepare: the echo of the bridge's write shows the two ordered rows 発注依頼済 (order-open
    // on the lines the save placed); B-202 says what it said at revision 14.
    const { deps, mailer, state } = harness();
    await processNotification(siteNotification(), deps);
    const echo = echoOfFirstOrder(mailer.sent[0]);

    // Act
    const outcome = await processNotification(echo, deps);

    // Assess: the ordered rows' lines (and the claims naming them) are their decision.
    expect(outcome.items.map((row) => row.decision.kind)).toEqual([
      'order-open',
      'order-open',
      'no-order',
    ]);
    const [first, second] = state.callsOf('complete').map((call) => call.args[0] as CompletedDone);
    expect(first?.items?.map((item) => item.key.recordId)).toEqual(['3:370']);
    expect(second?.items).toEqual([]);
    const rows = await state.load([
      { appId: '15', recordId: '3' },
      { appId: '15', recordId: '3:368' },
      { appId: '15', recordId: '3:370' },
    ]);
    expect(rows.map((row) => row.lastRevision)).toEqual([15, undefined, 14]);
    expect(rows.map((row) => row.orderNumber)).toEqual([undefined, FIRST, undefined]);
    expect(rows[2]?.lastDecision?.kind).toBe('no-order');
    // The record's revision decides for every row: the same revision again is a replay.
    const again = await processNotification({ ...echo, id: 'echo-1-redelivered-as-new' }, deps);
    expect(again.items.map((row) => row.decision.kind)).toEqual(['replay', 'replay', 'replay']);
  });

  it('settles a row again once it leaves its line: received, its state says so', async () => {
    // Prepare: ordered, the echo settled no row, then staff mark B-200 received.
    const { deps, mailer, state } = harness();
    await processNotification(siteNotification(), deps);
    const reasons = mailer.sent[0]?.lines.map((line) => line.reason ?? '') ?? [];
    await processNotification(echoOfFirstOrder(mailer.sent[0]), deps);
    const received = siteNotification({
      id: 'received',
      revision: 16,
      rows: {
        '368': {
          ...orderWrite(FIRST, reasons[0] ?? ''),
          明細_発注状況: '入荷済',
          明細_在庫数: '50',
        },
        '369': orderWrite(FIRST, reasons[1] ?? ''),
      },
    });

    // Act
    await processNotification(received, deps);

    // Assess: B-200's close is settled; B-201, still on its line, is not written.
    const third = state.callsOf('complete').map((call) => call.args[0] as CompletedDone)[2];
    expect(third?.items?.map((item) => item.key.recordId)).toEqual(['3:368']);
    const [row] = await state.load([{ appId: '15', recordId: '3:368' }]);
    expect(row?.lastDecision?.kind).toBe('no-order');
    expect(row?.lastRevision).toBe(16);
    expect(row?.cycle).toBe(2);
  });

  it("closes one row's line when staff mark it received, and orders that row alone when it falls again", async () => {
    // Prepare
    const { deps, mailer } = harness();
    await processNotification(siteNotification(), deps);
    const reasons = mailer.sent[0]?.lines.map((line) => line.reason ?? '') ?? [];
    const received = siteNotification({
      id: 'received',
      revision: 16,
      rows: {
        '368': {
          ...orderedRow(FIRST, reasons[0] ?? ''),
          明細_発注状況: '入荷済',
          明細_在庫数: '24',
        },
        '369': orderedRow(FIRST, reasons[1] ?? ''),
      },
    });
    const fallsAgain = siteNotification({
      id: 'falls-again',
      revision: 17,
      rows: {
        '368': {
          ...orderedRow(FIRST, reasons[0] ?? ''),
          明細_発注状況: '入荷済',
          明細_在庫数: '3',
        },
        '369': orderedRow(FIRST, reasons[1] ?? ''),
      },
    });

    // Act
    const closing = await processNotification(received, deps);
    const again = await processNotification(fallsAgain, deps);

    // Assess
    expect(closing.items[0]?.decision.kind).toBe('no-order');
    expect(closing.closedOrderNumber).toBe(FIRST);
    expect(again.orderNumbers).toEqual([SECOND, FIRST]);
    expect(mailer.sent[1]?.lines.map((line) => line.sku)).toEqual(['B-200']);
    expect(again.items[1]?.decision.kind).toBe('order-open');
  });

  it('keeps a rows order open for its supplier until every row of it is received', async () => {
    // Prepare
    const { deps, state, mailer } = harness();
    await processNotification(siteNotification(), deps);
    const reasons = mailer.sent[0]?.lines.map((line) => line.reason ?? '') ?? [];
    const received = (rowIds: string[], id: string, revision: number) =>
      siteNotification({
        id,
        revision,
        rows: Object.fromEntries(
          ['368', '369'].map((rowId, index) => [
            rowId,
            {
              ...orderedRow(FIRST, reasons[index] ?? ''),
              ...(rowIds.includes(rowId) ? { 明細_発注状況: '入荷済', 明細_在庫数: '24' } : {}),
            },
          ]),
        ),
      });
    const status = async () => {
      const order = await state.get(FIRST);
      if (!order) throw new Error('order not found');
      return {
        order: orderStatus(order),
        lines: order.lines.map((line) => lineStatus(order, line.lineId)),
      };
    };

    // Act & Assess: B-200 is received first, then B-201.
    await processNotification(received(['368'], 'first-received', 15), deps);
    expect(await status()).toEqual({ order: 'sent', lines: ['closed', 'ordered'] });
    await processNotification(received(['368', '369'], 'all-received', 16), deps);
    expect(await status()).toEqual({ order: 'closed', lines: ['closed', 'closed'] });
  });

  it('writes 要確認 into a row whose supplier is not in the master, and orders the others', async () => {
    // Prepare
    const { deps, mailer, kintone } = harness();
    const unknownSupplier = siteNotification({ rows: { '369': { 明細_仕入先コード: 'S-999' } } });

    // Act
    const outcome = await processNotification(unknownSupplier, deps);

    // Assess
    expect(mailer.sent.map((request) => request.lines.map((line) => line.sku))).toEqual([
      ['B-200'],
    ]);
    expect(outcome.items[1]?.decision.kind).toBe('cannot-evaluate');
    // One table write: the order into its row, 要確認 into the other.
    expect(kintone.rowUpdates.map((update) => update.rows)).toEqual([
      {
        '368': orderWrite(FIRST, B200_REASON),
        '369': {
          明細_発注状況: '要確認',
          明細_発注理由: expect.stringContaining('仕入先マスタに仕入先コード "S-999" がありません'),
        },
      },
    ]);
  });

  it('writes 要確認 into a row with a value that is not a number, leaving the other rows alone', async () => {
    // Prepare
    const { deps, kintone } = harness();
    const typo = siteNotification({
      rows: { '368': { 明細_在庫数: '30' }, '369': { 明細_在庫数: 'five' } },
    });

    // Act
    await processNotification(typo, deps);

    // Assess
    expect(kintone.rowUpdates).toEqual([
      {
        appId: '15',
        recordId: '3',
        subtable: '在庫明細',
        rows: {
          '369': {
            明細_発注状況: '要確認',
            明細_発注理由: '「明細_在庫数」が数値ではありません ("five")',
          },
        },
      },
    ]);
  });

  it('resumes after a failed table write under the same order number, without a second email', async () => {
    // Prepare
    const { deps, mailer, kintone } = harness();
    kintone.updateFailures.push(new Error('kintone 503'));

    // Act
    await expect(processNotification(siteNotification(), deps)).rejects.toThrow('kintone 503');
    const retried = await processNotification(siteNotification(), deps);

    // Assess
    expect(mailer.sent).toHaveLength(1);
    expect(retried.orderNumbers).toEqual([FIRST]);
    expect(retried.items.map((row) => row.orderNumber)).toEqual([FIRST, FIRST, undefined]);
    expect(retried.decision).toEqual({ kind: 'order', reason: `2行を発注 (${FIRST})` });
    expect(kintone.rowUpdates).toHaveLength(1);
    expect(kintone.comments).toHaveLength(1);
  });

  it('crashing after the table write but before it is logged: the retry writes again and emails once', async () => {
    // Prepare: the store fails to log the write-back once.
    class CrashingState extends InMemoryBridgeState {
      crashed = false;
      override async append(orderNumber: string, event: OrderEvent) {
        if (event.kind === 'written-back' && !this.crashed) {
          this.crashed = true;
          throw new Error('DynamoDB unavailable');
        }
        return super.append(orderNumber, event);
      }
    }
    const state = new CrashingState();
    const { deps, mailer, kintone } = harness();
    Object.assign(deps, { orders: state, items: state, processed: state });

    // Act
    await expect(processNotification(siteNotification(), deps)).rejects.toThrow(
      'DynamoDB unavailable',
    );
    const retried = await processNotification(siteNotification(), deps);

    // Assess: one order, both rows on it, one email; the same values written twice.
    expect(retried.orderNumbers).toEqual([FIRST]);
    expect(retried.items.map((row) => row.orderNumber)).toEqual([FIRST, FIRST, undefined]);
    expect(mailer.sent).toHaveLength(1);
    expect(kintone.rowUpdates).toHaveLength(2);
    expect(kintone.rowUpdates[1]?.rows).toEqual(kintone.rowUpdates[0]?.rows);
    expect(kintone.comments).toHaveLength(1);
    expect(state.allOrders()).toHaveLength(1);
  });

  it('reports a replayed notification as a duplicate and writes nothing', async () => {
    // Prepare
    const { deps, mailer, kintone } = harness();
    await processNotification(siteNotification(), deps);

    // Act
    const replay = await processNotification(siteNotification(), deps);

    // Assess
    expect(replay.decision.kind).toBe('duplicate');
    expect(mailer.sent).toHaveLength(1);
    expect(kintone.rowUpdates).toHaveLength(1);
  });

  it('sends nothing for due rows that lack a write-back field, and says so in a comment', async () => {
    // Prepare: the documented fixture's rows have none of the write-back fields app 15 maps
    const { deps, mailer, kintone, state } = harness();

    // Act
    const outcome = await processNotification(
      siteNotification({ withoutWriteBackFields: true }),
      deps,
    );

    // Assess: no order, no email, no table write naming fields the rows lack; one comment
    expect(mailer.sent).toEqual([]);
    expect(state.allOrders()).toEqual([]);
    expect(kintone.rowUpdates).toEqual([]);
    expect(outcome.items.map((row) => row.decision.kind)).toEqual([
      'cannot-evaluate',
      'cannot-evaluate',
      'no-order',
    ]);
    expect(kintone.comments).toHaveLength(1);
    expect(kintone.comments[0]?.text).toContain(
      '【要確認】テーブル「在庫明細」に発注が必要な行があります',
    );
    expect(kintone.comments[0]?.text).toContain(
      '・B-200: 在庫数 4 ≤ 発注点 10: 20個を発注 (発注量20) → 発注できません: 書き戻し先のフィールド 「明細_発注状況」',
    );
    expect(kintone.comments[0]?.text).toContain('(npm run doctor)');
  });

  it('reports a record without the configured table, and writes nothing', async () => {
    // Prepare
    const { deps, kintone, logger } = harness();
    const raw = loadWebhookFixture('update-record-subtable.json') as {
      record: Record<string, unknown>;
    };
    delete raw.record['在庫明細'];

    // Act
    const outcome = await processNotification(notificationSchema.parse(raw), deps);

    // Assess
    expect(outcome.decision).toEqual({
      kind: 'cannot-evaluate',
      reason: 'テーブル「在庫明細」がレコードにありません',
    });
    expect(kintone.rowUpdates).toEqual([]);
    expect(logger.entries.some((entry) => entry.level === 'error')).toBe(true);
  });

  it('gathers the rows of two site records into one order, written into each table once', async () => {
    // Prepare: app 15 gathers for 30 minutes; record 4 is another site with the same rows.
    const h = dispatchHarness({
      now: NOW,
      suppliers: SUPPLIERS,
      configure: (raw) => {
        for (const app of raw.apps) app.gathering = { rule: 'window', minutes: 30 };
      },
    });
    const other = siteNotification({ id: 'site-4' });
    if (!isRecordNotification(other)) throw new Error('not a record notification');
    other.record.$id = { type: '__ID__', value: '4' };

    // Act
    const first = await processNotification(siteNotification(), h.deps);
    const second = await processNotification(other, h.deps);
    const result = await sendDueOrders(h.deps, new Date('2026-11-29T01:30:00Z'));

    // Assess: both records' rows waited on the one order, then one email with four lines.
    expect([first, second].map((outcome) => outcome.orderNumbers)).toEqual([[FIRST], [FIRST]]);
    expect(first.items.map((row) => row.line)).toEqual(['waiting', 'waiting', undefined]);
    expect(h.kintone.rowUpdates[0]?.rows['368']?.明細_発注状況).toBe('待機中');
    expect(result.sent).toEqual([FIRST]);
    expect(h.mailer.sent[0]?.lines.map((line) => line.lineId)).toEqual([
      '3:368',
      '3:369',
      '4:368',
      '4:369',
    ]);
    // While gathering one table write per record, at the send one more each, and a comment each.
    expect(h.kintone.rowUpdates.map((update) => update.recordId)).toEqual(['3', '4', '3', '4']);
    expect(h.kintone.rowUpdates[2]?.rows['368']?.明細_発注状況).toBe('発注依頼済');
    expect(h.kintone.comments.map((comment) => comment.recordId)).toEqual(['3', '4']);
  });
});

describe("processNotification: the echo of the bridge's own table write, by its revision", () => {
  const RECORD = { appId: '15', recordId: '3' };

  /** The keys of each state load since call `from` of the fake. */
  function loadsSince(state: InMemoryBridgeState, from: number): string[][] {
    return state.calls
      .slice(from)
      .filter((call) => call.method === 'load')
      .map((call) =>
        (call.args[0] as ReadonlyArray<{ recordId: string }>).map((key) => key.recordId),
      );
  }

  it('settles the echo with one read of the record state: no row state read, nothing written', async () => {
    // Prepare: kintone gives the bridge's write of revision 14 revision 15.
    const { deps, mailer, kintone, state } = harness();
    kintone.rowWriteRevisions.push({ fromRevision: 14, revision: 15 });
    await processNotification(siteNotification(), deps);
    const echo = echoOfFirstOrder(mailer.sent[0]);
    const from = state.calls.length;

    // Act
    const outcome = await processNotification(echo, deps);

    // Assess
    expect(loadsSince(state, from)).toEqual([['3']]);
    expect(outcome.decision).toEqual({
      kind: 'no-order',
      reason: 'ブリッジ自身の書き込み (リビジョン 15) の通知: 変更なし',
    });
    expect(outcome.items).toEqual([]);
    expect(mailer.sent).toHaveLength(1);
    expect(kintone.rowUpdates).toHaveLength(1);
    expect(kintone.comments).toHaveLength(1);
    const done = state.callsOf('complete').map((call) => call.args[0] as CompletedDone);
    expect(done[1]).toMatchObject({ notificationId: 'echo-1', revision: 15, items: [] });
    const [record, row] = await state.load([RECORD, { appId: '15', recordId: '3:368' }]);
    expect(record?.lastRevision).toBe(15);
    expect(row?.orderNumber).toBe(FIRST);
    // Revision 15 is processed now: the same revision again is a replay, by the full path.
    const again = await processNotification({ ...echo, id: 'echo-1-redelivered-as-new' }, deps);
    expect(again.items.map((item) => item.decision.kind)).toEqual(['replay', 'replay', 'replay']);
  });

  it('processes a staff save after its own write in full: every save has a new revision', async () => {
    // Prepare
    const { deps, mailer, kintone, state } = harness();
    kintone.rowWriteRevisions.push({ fromRevision: 14, revision: 15 });
    await processNotification(siteNotification(), deps);
    const reasons = mailer.sent[0]?.lines.map((line) => line.reason ?? '') ?? [];
    await processNotification(echoOfFirstOrder(mailer.sent[0]), deps);
    const received = siteNotification({
      id: 'received',
      revision: 16,
      rows: {
        '368': {
          ...orderedRow(FIRST, reasons[0] ?? ''),
          明細_発注状況: '入荷済',
          明細_在庫数: '50',
        },
        '369': orderedRow(FIRST, reasons[1] ?? ''),
      },
    });
    const from = state.calls.length;

    // Act
    const outcome = await processNotification(received, deps);

    // Assess
    expect(loadsSince(state, from)).toEqual([['3'], ['3:368', '3:369', '3:370']]);
    expect(outcome.closedOrderNumber).toBe(FIRST);
    expect(outcome.items.map((item) => item.decision.kind)).toEqual([
      'no-order',
      'order-open',
      'no-order',
    ]);
    const order = await state.get(FIRST);
    expect(order && lineStatus(order, '3:368')).toBe('closed');
  });

  it('takes the full path when its write was not on top of the revision it judged', async () => {
    // Prepare: staff saved revision 15 between the bridge's judging of 14 and its write (16).
    const { deps, mailer, kintone, state } = harness();
    kintone.rowWriteRevisions.push({ fromRevision: 15, revision: 16 });
    await processNotification(siteNotification(), deps);
    const echo = siteNotification({
      id: 'echo-16',
      revision: 16,
      rows: {
        '368': orderWrite(FIRST, mailer.sent[0]?.lines[0]?.reason ?? ''),
        '369': orderWrite(FIRST, mailer.sent[0]?.lines[1]?.reason ?? ''),
      },
    });
    const from = state.calls.length;

    // Act
    const outcome = await processNotification(echo, deps);

    // Assess
    expect(loadsSince(state, from)).toEqual([['3'], ['3:368', '3:369', '3:370']]);
    const [record] = await state.load([RECORD]);
    expect(record?.ownWriteRevision).toBeUndefined();
    expect(outcome.items.map((item) => item.decision.kind)).toEqual([
      'order-open',
      'order-open',
      'no-order',
    ]);
  });

  it('takes the full path when the record state names no own write, or another revision', async () => {
    // Prepare: one bridge's write reports no revision (a retry found its values in place);
    // the other's is 15, and the notification that comes is 17 (its echo was lost).
    const none = harness();
    await processNotification(siteNotification(), none.deps);
    const other = harness();
    other.kintone.rowWriteRevisions.push({ fromRevision: 14, revision: 15 });
    await processNotification(siteNotification(), other.deps);
    const [stored] = await other.state.load([RECORD]);
    const later = (revision: number, sent: typeof none.mailer.sent) =>
      siteNotification({
        id: `later-${revision}`,
        revision,
        rows: {
          '368': orderWrite(FIRST, sent[0]?.lines[0]?.reason ?? ''),
          '369': orderWrite(FIRST, sent[0]?.lines[1]?.reason ?? ''),
        },
      });
    const fromNone = none.state.calls.length;
    const fromOther = other.state.calls.length;

    // Act
    const unknown = await processNotification(later(15, none.mailer.sent), none.deps);
    const newer = await processNotification(later(17, other.mailer.sent), other.deps);

    // Assess
    expect(stored?.ownWriteRevision).toBe(15);
    const full = [['3'], ['3:368', '3:369', '3:370']];
    expect(loadsSince(none.state, fromNone)).toEqual(full);
    expect(loadsSince(other.state, fromOther)).toEqual(full);
    for (const outcome of [unknown, newer]) {
      expect(outcome.items.map((item) => item.decision.kind)).toEqual([
        'order-open',
        'order-open',
        'no-order',
      ]);
    }
  });
});
