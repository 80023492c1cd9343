import {
  activeLines,
  lineStatus,
  orderStatus,
  type OrderEvent,
  type PurchaseOrder,
} from '../../shared/domain/purchase-order';
import { notificationSchema, type KintoneNotification } from '../../shared/kintone/notification';
import { processNotification } from '../../shared/use-cases/process-notification';
import { sendDueOrders } from '../../shared/use-cases/send-due-orders';
import { MAX_YEN } from '../../shared/domain/pricing';
import { InMemoryBridgeState } from '../fakes/in-memory-order-store';
import { loadWebhookFixture } from '../fixtures/kintone-webhooks';
import { dispatchHarness, lowNotification, type Harness } from '../support/dispatch-harness';
import { checkGatheringProperty } from '../support/gathering-property';

/**
 * Gathered orders: items of one supplier and ship-to that fall due within a window (or before
 * a cut-off) become one order with a line per item, sealed and sent by the scheduled send.
 */

/** 2026-11-28 11:15 in Tokyo. */
const T0 = new Date('2026-11-28T02:15:00Z');
const FIRST = 'PO-20261128-0001';
const SECOND = 'PO-20261128-0002';
const LATER = new Date('2030-01-01T00:00:00Z');

type GatheringRule =
  { rule: 'immediate' } | { rule: 'window'; minutes: number } | { rule: 'cutoff'; times: string[] };

function harness(
  gathering: GatheringRule = { rule: 'window', minutes: 30 },
  extra: { shipTo?: boolean; suppliers?: Record<string, { gathering: GatheringRule }> } = {},
): Harness {
  return dispatchHarness({
    now: T0,
    links: true,
    configure: (raw) => {
      const app = raw.apps.find((candidate) => candidate.appId === '12');
      if (!app) throw new Error('config/demo.json has no app 12');
      app.gathering = gathering;
      if (extra.suppliers) raw.suppliers = extra.suppliers;
      if (extra.shipTo) {
        raw.deliveryAddresses = {
          東京倉庫: { name: '東京倉庫', postalCode: '135-0061', address: '東京都江東区豊洲1-1' },
          大阪倉庫: {
            name: '大阪倉庫',
            postalCode: '530-0001',
            address: '大阪府大阪市北区梅田1-1',
          },
        };
        (app.fields as Record<string, string>).shipTo = '保管場所';
        app.shipTo = { default: '東京倉庫' };
      }
    },
  });
}

/** Item `n` (record `n`, SKU A-10n) falling to 在庫数 18, as a fresh notification. */
function drop(n: number, values: Record<string, string> = {}, revision = 5): KintoneNotification {
  return lowNotification({
    id: `drop-${n}-${revision}`,
    recordId: String(n),
    revision,
    values: { 品番: `A-10${n}`, 品名: `品目${n}`, ...values },
  });
}

function waitingOf(h: Harness, recordId: string) {
  return h.kintone.updates.filter((update) => update.recordId === recordId);
}

function kinds(order: PurchaseOrder | undefined): OrderEvent['kind'][] {
  return order?.log.map((event) => event.kind) ?? [];
}

describe('gathering: one order per supplier within a window', () => {
  it('gathers 5 records of one supplier into one order with 5 lines, sealed at its due time and sent once', async () => {
    // Prepare: five items fall due within 20 minutes of a 30-minute window.
    const h = harness();
    const outcomes = [];
    for (const n of [1, 2, 3, 4, 5]) {
      outcomes.push(await processNotification(drop(n), h.deps));
      h.advance(5);
    }
    const callsWhileGathering = h.kintone.writeCalls();

    // Act: the scheduler runs just before the window closes, at its end, and once more.
    h.clock.now = new Date('2026-11-28T02:44:59Z');
    const early = await sendDueOrders(h.deps, h.deps.now());
    h.clock.now = new Date('2026-11-28T02:45:00Z');
    const due = await sendDueOrders(h.deps, h.deps.now());
    const again = await sendDueOrders(h.deps, new Date('2026-11-28T03:00:00Z'));

    // Assess: every item waited on the one order, then one email with five lines went out.
    expect(outcomes.map((outcome) => [outcome.orderNumber, outcome.items[0]?.line])).toEqual(
      Array.from({ length: 5 }, () => [FIRST, 'waiting']),
    );
    expect(outcomes.every((outcome) => !outcome.emailed)).toBe(true);
    expect(h.state.callsOf('create')).toHaveLength(1);
    expect(h.state.callsOf('addLines')).toHaveLength(4);
    expect(early).toEqual({ sent: [], settled: [], failed: [], parked: [], busy: [], more: false });
    expect(due).toMatchObject({ sent: [FIRST], settled: [FIRST], failed: [], parked: [] });
    expect(again.sent).toEqual([]);
    expect(h.mailer.sent).toHaveLength(1);
    const [request] = h.mailer.sent;
    expect(request?.orderNumber).toBe(FIRST);
    expect(request?.lines.map((line) => [line.lineId, line.sku, line.quantity])).toEqual([
      ['1', 'A-101', 84],
      ['2', 'A-102', 84],
      ['3', 'A-103', 84],
      ['4', 'A-104', 84],
      ['5', 'A-105', 84],
    ]);
    expect(request).toMatchObject({
      orderedAt: '2026-11-28T02:45:00.000Z',
      orderDate: '2026-11-28',
      supplierPageUrl: `https://bridge.example/o/${FIRST}`,
      linkExpiresAt: '2026-12-28T02:45:00.000Z',
    });
    const order = await h.state.get(FIRST);
    expect(kinds(order)).toEqual(['created', 'sealed', 'email-sent', 'written-back', 'commented']);
    expect(orderStatus(order as PurchaseOrder)).toBe('sent');
    // While gathering: one write per record (待機中); at the send: one bulk write for the five
    // records and one comment each.
    expect(callsWhileGathering).toBe(5);
    expect(h.kintone.bulkUpdates.slice(-1)[0]?.records.map((r) => r.recordId)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
    expect(h.kintone.writeCalls()).toBe(6);
    expect(h.kintone.comments.map((comment) => comment.recordId)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
    expect(h.kintone.comments[0]?.text).toContain('・A-101 品目1: 84本');
    expect(h.kintone.comments[0]?.text).toContain('(同じ発注書に他 4 品目)');
    expect(await h.state.listDue(LATER, 10)).toEqual([]);
  });

  it('shows 待機中 with the order number, the line quantity and its reason while the order gathers', async () => {
    // Prepare
    const h = harness();

    // Act
    await processNotification(drop(1), h.deps);

    // Assess
    expect(waitingOf(h, '1')).toEqual([
      {
        appId: '12',
        recordId: '1',
        values: {
          発注状況: '待機中',
          発注番号: FIRST,
          発注理由:
            `発注依頼 ${FIRST} に 84本 を追加しました。11/28 11:45 にまとめて送信します。` +
            '在庫数 18 ≤ 発注点 20: 84本を発注 (入数12の倍数、最大在庫100まで)',
        },
      },
    ]);
    expect(h.kintone.comments).toEqual([]);
    expect(h.mailer.sent).toEqual([]);
  });

  it('then writes 発注依頼済 with each line’s own quantity and reason to every record', async () => {
    // Prepare: two items short by different amounts.
    const h = harness();
    await processNotification(drop(1), h.deps);
    await processNotification(drop(2, { 在庫数: '3' }), h.deps);

    // Act
    await sendDueOrders(h.deps, new Date('2026-11-28T02:45:00Z'));

    // Assess
    const [bulk] = h.kintone.bulkUpdates;
    expect(bulk?.records).toEqual([
      {
        recordId: '1',
        values: expect.objectContaining({
          発注状況: '発注依頼済',
          発注番号: FIRST,
          発注日時: '2026-11-28T02:45:00Z',
          発注理由: '在庫数 18 ≤ 発注点 20: 84本を発注 (入数12の倍数、最大在庫100まで)',
        }),
      },
      {
        recordId: '2',
        values: expect.objectContaining({
          発注状況: '発注依頼済',
          発注番号: FIRST,
          発注理由: expect.stringMatching(/^在庫数 3 ≤ 発注点 20: 108本を発注/),
        }),
      },
    ]);
  });

  it('joins one order when two records of the group fall due at the same moment', async () => {
    // Prepare
    const h = harness();

    // Act: both find no gathering order; the second create meets the first one's.
    const outcomes = await Promise.all([
      processNotification(drop(1), h.deps),
      processNotification(drop(2), h.deps),
    ]);

    // Assess
    const orderNumber = outcomes[0]?.orderNumber;
    expect(outcomes.map((outcome) => outcome.orderNumber)).toEqual([orderNumber, orderNumber]);
    expect(h.state.callsOf('create')).toHaveLength(2);
    expect(h.state.callsOf('addLines')).toHaveLength(1);
    expect(h.state.allOrders()).toHaveLength(1);
    expect(
      h.state
        .allOrders()[0]
        ?.lines.map((line) => line.lineId)
        .sort(),
    ).toEqual(['1', '2']);
  });

  it('gives items of two ship-tos two orders', async () => {
    // Prepare
    const h = harness({ rule: 'window', minutes: 30 }, { shipTo: true });

    // Act
    await processNotification(drop(1, { 保管場所: '' }), h.deps);
    await processNotification(drop(2, { 保管場所: '大阪倉庫' }), h.deps);
    await processNotification(drop(3, { 保管場所: '' }), h.deps);
    await processNotification(drop(4, { 保管場所: '大阪倉庫' }), h.deps);
    const result = await sendDueOrders(h.deps, new Date('2026-11-28T02:45:00Z'));

    // Assess
    expect(result.sent).toEqual([FIRST, SECOND]);
    expect(
      h.mailer.sent.map((request) => [request.shipTo?.name, request.lines.map((line) => line.sku)]),
    ).toEqual([
      ['東京倉庫', ['A-101', 'A-103']],
      ['大阪倉庫', ['A-102', 'A-104']],
    ]);
    expect(h.mailer.sent[1]?.shipTo).toEqual({
      name: '大阪倉庫',
      postalCode: '530-0001',
      address: '大阪府大阪市北区梅田1-1',
    });
  });
});

describe('gathering: lines that leave the order before the send', () => {
  /** What record 1 shows while its line waits. */
  async function waitingRecord(h: Harness): Promise<Record<string, string>> {
    await processNotification(drop(1), h.deps);
    return { ...(waitingOf(h, '1')[0]?.values ?? {}) };
  }

  it('drops a waiting line whose item recovers, says so on the record, and sends the others', async () => {
    // Prepare
    const h = harness();
    const shown = await waitingRecord(h);
    await processNotification(drop(2), h.deps);
    h.advance(10);

    // Act: staff count 50 on the shelf of item 1.
    const outcome = await processNotification(drop(1, { ...shown, 在庫数: '50' }, 6), h.deps);
    const result = await sendDueOrders(h.deps, new Date('2026-11-28T02:45:00Z'));

    // Assess
    const reason = '発注待ちから外しました: 在庫数 50 > 発注点 20: 発注不要';
    expect(outcome.items).toEqual([
      {
        itemId: '1',
        sku: 'A-101',
        decision: { kind: 'no-order', reason },
        line: 'dropped',
      },
    ]);
    expect(waitingOf(h, '1').slice(1)).toEqual([
      {
        appId: '12',
        recordId: '1',
        values: { 発注状況: '未発注', 発注番号: '', 発注理由: reason },
      },
    ]);
    expect(h.kintone.comments.filter((comment) => comment.recordId === '1')).toEqual([
      {
        appId: '12',
        recordId: '1',
        text: [
          '発注待ちから外しました (まだ仕入先へは送っていません)。',
          `・${FIRST} A-101 品目1: 在庫数 50 > 発注点 20: 発注不要`,
        ].join('\n'),
      },
    ]);
    expect(result.sent).toEqual([FIRST]);
    expect(h.mailer.sent[0]?.lines.map((line) => line.sku)).toEqual(['A-102']);
    const order = (await h.state.get(FIRST)) as PurchaseOrder;
    expect(lineStatus(order, '1')).toBe('dropped');
    // The dropped record is not written at the send.
    expect(h.kintone.bulkUpdates.slice(-1)[0]?.records.map((r) => r.recordId)).toEqual(['2']);
  });

  it('drops a waiting line that staff cancel, keeping their status, and orders nothing for it', async () => {
    // Prepare
    const h = harness();
    const shown = await waitingRecord(h);

    // Act
    const outcome = await processNotification(
      drop(1, { ...shown, 発注状況: 'キャンセル' }, 6),
      h.deps,
    );
    const result = await sendDueOrders(h.deps, new Date('2026-11-28T02:45:00Z'));

    // Assess: the order had no other line, so nothing is sent and it is settled.
    expect(outcome.items[0]).toMatchObject({ line: 'dropped', decision: { kind: 'no-order' } });
    expect(waitingOf(h, '1')[1]?.values).toEqual({
      発注理由:
        '発注待ちから外しました: 送信前に「キャンセル」にされたため、この品目は発注しません',
    });
    expect(result).toMatchObject({ sent: [], settled: [FIRST] });
    expect(h.mailer.sent).toEqual([]);
    expect(orderStatus((await h.state.get(FIRST)) as PurchaseOrder)).toBe('empty');
    expect(await h.state.listDue(LATER, 10)).toEqual([]);
  });

  it('keeps a cancelled line off its order when the webhook of the notice comes back', async () => {
    // Prepare: staff cancel the waiting line; the bridge writes its notice into the reason.
    const h = harness();
    const shown = await waitingRecord(h);
    const cancelled = { ...shown, 発注状況: 'キャンセル' };
    await processNotification(drop(1, cancelled, 6), h.deps);
    const notice = { ...cancelled, ...(waitingOf(h, '1')[1]?.values ?? {}) };

    // Act: the echo of that write, then staff set the status back to order it after all.
    const echo = await processNotification(drop(1, notice, 7), h.deps);
    const reopened = await processNotification(
      drop(1, { ...notice, 発注状況: '未発注' }, 8),
      h.deps,
    );

    // Assess
    expect(echo).toMatchObject({
      wroteFields: [],
      orderNumbers: [],
      decision: { kind: 'no-order' },
    });
    expect(reopened).toMatchObject({ orderNumber: FIRST, items: [{ line: 'waiting' }] });
    const order = (await h.state.get(FIRST)) as PurchaseOrder;
    expect(order.lines.map((line) => [line.lineId, lineStatus(order, line.lineId)])).toEqual([
      ['1', 'dropped'],
      ['1#2', 'waiting'],
    ]);
  });

  it('drops the waiting line of a record deleted in kintone', async () => {
    // Prepare
    const h = harness();
    await processNotification(drop(1), h.deps);
    await processNotification(drop(2), h.deps);
    const deletion = notificationSchema.parse({
      ...loadWebhookFixture('delete-record.json'),
      recordId: '1',
    });

    // Act
    await processNotification(deletion, h.deps);
    await sendDueOrders(h.deps, new Date('2026-11-28T02:45:00Z'));

    // Assess
    expect(h.mailer.sent[0]?.lines.map((line) => line.sku)).toEqual(['A-102']);
    expect((await h.state.load([{ appId: '12', recordId: '1' }]))[0]?.deletedAt).toBeDefined();
  });

  it('orders an item again after its dropped line, on a new line of the same gathering order', async () => {
    // Prepare: item 1 waits, recovers, then falls again before the window closes.
    const h = harness();
    const shown = await waitingRecord(h);
    await processNotification(drop(1, { ...shown, 在庫数: '50' }, 6), h.deps);
    const idle = { ...shown, 発注状況: '未発注', 発注番号: '', 在庫数: '5' };

    // Act
    const again = await processNotification(drop(1, idle, 7), h.deps);
    await sendDueOrders(h.deps, new Date('2026-11-28T02:45:00Z'));

    // Assess
    expect(again).toMatchObject({ orderNumber: FIRST, items: [{ line: 'waiting' }] });
    const order = (await h.state.get(FIRST)) as PurchaseOrder;
    expect(order.lines.map((line) => line.lineId)).toEqual(['1', '1#2']);
    expect(activeLines(order).map((line) => line.quantity)).toEqual([96]);
    expect(h.mailer.sent[0]?.lines.map((line) => line.quantity)).toEqual([96]);
  });
});

describe('gathering: a waiting line counts as on order', () => {
  it('adds no second line for a replay, the echo of 待機中, or the same record edited again', async () => {
    // Prepare
    const h = harness();
    const first = drop(1);
    await processNotification(first, h.deps);
    const shown = { ...(waitingOf(h, '1')[0]?.values ?? {}) };

    // Act
    const duplicate = await processNotification(first, h.deps);
    const replay = await processNotification(
      lowNotification({
        id: 'replay',
        recordId: '1',
        revision: 5,
        values: { 品番: 'A-101', 品名: '品目1' },
      }),
      h.deps,
    );
    const echo = await processNotification(drop(1, shown, 6), h.deps);
    const shorter = await processNotification(drop(1, { ...shown, 在庫数: '2' }, 7), h.deps);
    await sendDueOrders(h.deps, new Date('2026-11-28T02:45:00Z'));

    // Assess
    expect(duplicate.decision.kind).toBe('duplicate');
    expect(replay.decision.kind).toBe('replay');
    expect(echo).toMatchObject({ wroteFields: [], items: [{ line: 'waiting' }] });
    expect(echo.decision).toEqual({
      kind: 'order-open',
      reason: `発注依頼 ${FIRST} (84本) の入荷待ち`,
    });
    expect(shorter).toMatchObject({
      orderNumber: FIRST,
      wroteFields: [],
      decision: { kind: 'order-open' },
    });
    expect(h.state.allOrders()).toHaveLength(1);
    expect(h.state.allOrders()[0]?.lines).toHaveLength(1);
    expect(h.mailer.sent).toHaveLength(1);
    expect(h.mailer.sent[0]?.lines.map((line) => line.quantity)).toEqual([84]);
    expect(waitingOf(h, '1')).toHaveLength(2);
  });

  it('writes 待機中 on the retry when the first attempt stopped after the line was added', async () => {
    // Prepare
    const h = harness();
    h.kintone.updateFailures.push(new Error('kintone 503'));
    await expect(processNotification(drop(1), h.deps)).rejects.toThrow('kintone 503');

    // Act
    const retried = await processNotification(drop(1), h.deps);

    // Assess
    expect(retried).toMatchObject({
      orderNumber: FIRST,
      decision: { kind: 'order' },
      items: [{ line: 'waiting' }],
    });
    expect(waitingOf(h, '1').map((update) => update.values['発注状況'])).toEqual(['待機中']);
    expect(h.state.allOrders()[0]?.lines).toHaveLength(1);
  });

  it('opens a new gathering order for a drop that comes after the seal', async () => {
    // Prepare: the order is sealed, its send failing for now.
    const h = harness();
    await processNotification(drop(1), h.deps);
    h.mailer.failures.push(new Error('SES throttled'));
    h.clock.now = new Date('2026-11-28T02:45:00Z');
    await sendDueOrders(h.deps, h.deps.now());

    // Act
    const late = await processNotification(drop(2), h.deps);

    // Assess
    expect(late).toMatchObject({ orderNumber: SECOND, items: [{ line: 'waiting' }] });
    expect((await h.state.get(SECOND))?.dueAt).toBe('2026-11-28T03:15:00.000Z');
  });
});

describe('gathering: the scheduled send', () => {
  it('sends once when a crash comes between sealing and sending', async () => {
    // Prepare: the store records the seal, then the function dies before the send.
    class CrashAfterSeal extends InMemoryBridgeState {
      crashed = false;
      override async append(orderNumber: string, event: OrderEvent) {
        const order = await super.append(orderNumber, event);
        if (event.kind === 'sealed' && !this.crashed) {
          this.crashed = true;
          throw new Error('Task timed out');
        }
        return order;
      }
    }
    const h = harness();
    const state = new CrashAfterSeal();
    Object.assign(h.deps, { orders: state, items: state, processed: state });
    await processNotification(drop(1), h.deps);
    await processNotification(drop(2), h.deps);
    const at = new Date('2026-11-28T02:45:00Z');

    // Act
    const crashed = await sendDueOrders(h.deps, at);
    const rerun = await sendDueOrders(h.deps, new Date('2026-11-28T02:50:00Z'));
    const third = await sendDueOrders(h.deps, new Date('2026-11-28T02:55:00Z'));

    // Assess
    expect(crashed).toMatchObject({ sent: [], failed: [{ orderNumber: FIRST }] });
    expect(rerun).toMatchObject({ sent: [FIRST], settled: [FIRST] });
    expect(third.sent).toEqual([]);
    expect(h.mailer.sent.map((request) => request.orderNumber)).toEqual([FIRST]);
    // The order date and link are the seal's, not the re-run's.
    expect(h.mailer.sent[0]?.orderedAt).toBe(at.toISOString());
    expect(kinds(await state.get(FIRST))).toEqual([
      'created',
      'sealed',
      'email-sent',
      'written-back',
      'commented',
    ]);
  });

  it('shows 送信待ち once when the send fails for now, and sends on the next run', async () => {
    // Prepare
    const h = harness();
    await processNotification(drop(1), h.deps);
    await processNotification(drop(2), h.deps);
    h.mailer.failures.push(new Error('SES throttled'));

    // Act
    const failed = await sendDueOrders(h.deps, new Date('2026-11-28T02:45:00Z'));
    const next = await sendDueOrders(h.deps, new Date('2026-11-28T02:50:00Z'));

    // Assess
    expect(failed).toMatchObject({ sent: [], failed: [{ orderNumber: FIRST }] });
    expect(next.sent).toEqual([FIRST]);
    expect(h.mailer.sent).toHaveLength(1);
    const [sending, ordered] = h.kintone.bulkUpdates;
    expect(sending?.records.map((r) => [r.recordId, r.values['発注状況']])).toEqual([
      ['1', '送信待ち'],
      ['2', '送信待ち'],
    ]);
    expect(ordered?.records.map((r) => [r.recordId, r.values['発注状況']])).toEqual([
      ['1', '発注依頼済'],
      ['2', '発注依頼済'],
    ]);
  });

  it('leaves an order another invocation just worked on for a later run, then takes it over', async () => {
    // Prepare: an immediate order whose send failed for now; the queue will retry it too.
    const h = harness({ rule: 'immediate' });
    h.mailer.failures.push(new Error('SES throttled'));
    await expect(processNotification(drop(1), h.deps)).rejects.toThrow('SES throttled');

    // Act: a run a minute later, and one past the quiet period.
    const soon = await sendDueOrders(h.deps, new Date('2026-11-28T02:16:00Z'));
    const later = await sendDueOrders(h.deps, new Date('2026-11-28T02:18:00Z'));
    const retry = await processNotification(drop(1), h.deps);

    // Assess: sent once, by the scheduled send; the notification's retry finds nothing to do.
    expect(soon).toMatchObject({ sent: [], busy: [FIRST] });
    expect(later).toMatchObject({ sent: [FIRST], settled: [FIRST], busy: [] });
    expect(retry).toMatchObject({ orderNumber: FIRST, emailed: false });
    expect(h.mailer.sent).toHaveLength(1);
  });

  it('leaves the record of a line staff closed after the seal as they set it', async () => {
    // Prepare: sealed, the send failing for now (送信待ち on both records).
    const h = harness();
    await processNotification(drop(1), h.deps);
    await processNotification(drop(2), h.deps);
    h.mailer.failures.push(new Error('SES throttled'));
    await sendDueOrders(h.deps, new Date('2026-11-28T02:45:00Z'));
    const sending = h.kintone.bulkUpdates[0]?.records.find((r) => r.recordId === '1')?.values;

    // Act: staff cancel item 1, then the next run sends.
    h.clock.now = new Date('2026-11-28T02:46:00Z');
    const cancel = await processNotification(
      drop(1, { ...sending, 発注状況: 'キャンセル' }, 6),
      h.deps,
    );
    const next = await sendDueOrders(h.deps, new Date('2026-11-28T02:50:00Z'));

    // Assess
    expect(cancel.closedOrderNumber).toBe(FIRST);
    expect(next.sent).toEqual([FIRST]);
    expect(h.kintone.bulkUpdates.slice(-1)[0]?.records.map((r) => r.recordId)).toEqual(['2']);
    expect(h.kintone.comments.map((comment) => comment.recordId)).toEqual(['2']);
  });

  it('does not let one failing order hold back another', async () => {
    // Prepare: two suppliers, two orders due at the same time.
    const h = harness();
    await processNotification(drop(1), h.deps);
    await processNotification(
      drop(2, {
        仕入先コード: 'S-009',
        仕入先名: '別商店',
        仕入先メール: 'order@betsu.example.jp',
      }),
      h.deps,
    );
    h.mailer.failures.push(new Error('SES throttled'));

    // Act
    const result = await sendDueOrders(h.deps, new Date('2026-11-28T02:45:00Z'));

    // Assess
    expect(result).toMatchObject({
      sent: [SECOND],
      settled: [SECOND],
      failed: [{ orderNumber: FIRST, error: 'Error: SES throttled' }],
      parked: [],
    });
    expect(await h.state.listDue(LATER, 10)).toEqual([FIRST]);
    expect(h.logger.entries.some((entry) => entry.level === 'error')).toBe(true);
  });

  it('reports an order as sent when the write-back after its email fails, and finishes it next run', async () => {
    // Prepare: one gathered order; kintone refuses the write-back after the email.
    const h = harness();
    await processNotification(drop(1), h.deps);
    h.kintone.updateFailures.push(new Error('kintone unavailable'));

    // Act
    const first = await sendDueOrders(h.deps, new Date('2026-11-28T02:45:00Z'));
    const next = await sendDueOrders(h.deps, new Date('2026-11-28T03:00:00Z'));

    // Assess: the supplier had it after the first run; the second only wrote it back.
    expect(first).toMatchObject({
      sent: [FIRST],
      settled: [],
      failed: [{ orderNumber: FIRST, error: 'Error: kintone unavailable' }],
    });
    expect(next).toMatchObject({ sent: [], settled: [FIRST], failed: [] });
    expect(h.mailer.sent).toHaveLength(1);
  });

  it("gives each record's comment its own line's delivery date when lead times differ", async () => {
    // Prepare: item 1 has a 3-day lead time, item 2 a 10-day one.
    const h = harness();
    await processNotification(drop(1, { リードタイム日数: '3' }), h.deps);
    await processNotification(drop(2, { リードタイム日数: '10' }), h.deps);

    // Act
    await sendDueOrders(h.deps, new Date('2026-11-28T02:45:00Z'));

    // Assess: the email asks for both dates; each comment names its own.
    expect(h.mailer.sent[0]?.lines.map((line) => line.desiredDeliveryDate)).toEqual([
      '2026-12-01',
      '2026-12-08',
    ]);
    const commentOf = (recordId: string) =>
      h.kintone.comments.find((comment) => comment.recordId === recordId)?.text ?? '';
    expect(commentOf('1')).toContain('納品希望日: 2026-12-01');
    expect(commentOf('2')).toContain('納品希望日: 2026-12-08');
  });

  it('parks an order that can never be sent as it is, and sends the others', async () => {
    // Prepare: an order of an app that was then removed from the configuration.
    const h = harness();
    await processNotification(drop(1), h.deps);
    await processNotification(drop(2, { 仕入先コード: 'S-009', 仕入先名: '別商店' }), h.deps);
    const order = (await h.state.get(FIRST)) as PurchaseOrder;
    await h.state.create({
      ...order,
      orderNumber: 'PO-20261128-0099',
      appId: '77',
      groupKey: '77|S-001|',
      lines: order.lines.map((line) => ({ ...line, item: { ...line.item, appId: '77' } })),
      log: [{ kind: 'created', at: order.createdAt, by: 'test' }],
    });

    // Act
    const result = await sendDueOrders(h.deps, new Date('2026-11-28T02:45:00Z'));

    // Assess
    expect(result.parked).toEqual([
      { orderNumber: 'PO-20261128-0099', error: expect.stringContaining('UnknownAppError') },
    ]);
    expect(result.sent).toEqual([FIRST, SECOND]);
    expect(h.metrics.total('OrdersNeedingAttention')).toBe(1);
    expect(kinds(await h.state.get('PO-20261128-0099'))).toEqual(['created', 'needs-attention']);
    expect(await h.state.listDue(LATER, 10)).toEqual([]);
  });

  it('parks an order whose documents cannot be rendered (an amount past the limit)', async () => {
    // Prepare: app 12 maps a unit price; one item's price times its quantity is out of range.
    const h = dispatchHarness({
      now: T0,
      configure: (raw) => {
        const app = raw.apps.find((candidate) => candidate.appId === '12');
        if (!app) throw new Error('config/demo.json has no app 12');
        app.gathering = { rule: 'window', minutes: 30 };
        (app.fields as Record<string, string>).unitPrice = '単価';
      },
    });
    await processNotification(drop(1, { 単価: String(MAX_YEN) }), h.deps);

    // Act
    const result = await sendDueOrders(h.deps, new Date('2026-11-28T02:45:00Z'));

    // Assess
    expect(result.parked).toEqual([
      { orderNumber: FIRST, error: expect.stringContaining('PriceRangeError') },
    ]);
    expect(h.mailer.sent).toEqual([]);
    expect(await h.state.listDue(LATER, 10)).toEqual([]);
    // Staff read that this order will not go out.
    expect(waitingOf(h, '1').slice(-1)[0]?.values).toEqual({
      発注状況: '要対応',
      発注番号: FIRST,
      発注理由: expect.stringMatching(
        /^発注依頼 PO-20261128-0001 を送れませんでした \(PriceRangeError: /,
      ),
    });
  });

  it('sends at most the batch size per run and says more are due', async () => {
    // Prepare
    const h = harness();
    await processNotification(drop(1), h.deps);
    await processNotification(drop(2, { 仕入先コード: 'S-009', 仕入先名: '別商店' }), h.deps);

    // Act
    const first = await sendDueOrders(
      { ...h.deps, batchSize: 1 },
      new Date('2026-11-28T02:45:00Z'),
    );
    const second = await sendDueOrders(
      { ...h.deps, batchSize: 1 },
      new Date('2026-11-28T02:46:00Z'),
    );

    // Assess
    expect(first).toMatchObject({ sent: [FIRST], more: true });
    expect(second).toMatchObject({ sent: [SECOND], more: true });
  });
});

describe('gathering: rules', () => {
  it('immediate: each notification sends its own order at once, as today', async () => {
    // Prepare
    const h = harness({ rule: 'immediate' });

    // Act
    const one = await processNotification(drop(1), h.deps);
    const two = await processNotification(drop(2), h.deps);
    const scheduled = await sendDueOrders(h.deps, LATER);

    // Assess
    expect([one, two].map((outcome) => [outcome.orderNumber, outcome.emailed])).toEqual([
      [FIRST, true],
      [SECOND, true],
    ]);
    expect(one.items[0]?.line).toBe('ordered');
    expect(h.mailer.sent.map((request) => request.lines.length)).toEqual([1, 1]);
    expect(scheduled.sent).toEqual([]);
    expect(h.state.callsOf('findGathering')).toEqual([]);
  });

  it('cut-off times: lines gather until the next cut-off in Tokyo, and a later one starts the next', async () => {
    // Prepare: 11:15 in Tokyo; cut-offs at 10:00 and 15:00.
    const h = harness({ rule: 'cutoff', times: ['10:00', '15:00'] });
    await processNotification(drop(1), h.deps);
    h.clock.now = new Date('2026-11-28T05:59:00Z');
    await processNotification(drop(2), h.deps);

    // Act
    const before = await sendDueOrders(h.deps, new Date('2026-11-28T05:59:59Z'));
    const atCutoff = await sendDueOrders(h.deps, new Date('2026-11-28T06:00:00Z'));
    h.clock.now = new Date('2026-11-28T06:30:00Z');
    const late = await processNotification(drop(3), h.deps);

    // Assess
    expect((await h.state.get(FIRST))?.dueAt).toBe('2026-11-28T06:00:00.000Z');
    expect(waitingOf(h, '1')[0]?.values['発注理由']).toContain('11/28 15:00 にまとめて送信します');
    expect(before.sent).toEqual([]);
    expect(atCutoff.sent).toEqual([FIRST]);
    expect(h.mailer.sent[0]?.lines.map((line) => line.sku)).toEqual(['A-101', 'A-102']);
    expect(late.orderNumber).toBe(SECOND);
    // After 15:00 the next cut-off is 10:00 the next morning.
    expect((await h.state.get(SECOND))?.dueAt).toBe('2026-11-29T01:00:00.000Z');
  });
});

describe("gathering: a supplier's own rule (suppliers.<code>.gathering)", () => {
  /** Record `n` of supplier S-009, whose orders go to another address. */
  const otherSupplier = (n: number) =>
    drop(n, {
      仕入先コード: 'S-009',
      仕入先名: '株式会社ほか',
      仕入先メール: 'order@hoka.example.jp',
    });

  it("gathers a supplier's items until its own cut-off while the app sends the others at once", async () => {
    // Prepare: the app is immediate; S-001 takes orders until 15:00 (it is 11:15 in Tokyo).
    const h = harness(
      { rule: 'immediate' },
      { suppliers: { 'S-001': { gathering: { rule: 'cutoff', times: ['15:00'] } } } },
    );

    // Act
    const first = await processNotification(drop(1), h.deps);
    const other = await processNotification(otherSupplier(2), h.deps);
    const second = await processNotification(drop(3), h.deps);
    const before = await sendDueOrders(h.deps, new Date('2026-11-28T05:59:59Z'));
    const atCutoff = await sendDueOrders(h.deps, new Date('2026-11-28T06:00:00Z'));

    // Assess: S-001's two items wait on one order, sent at 15:00; S-009's went at once.
    expect([first, other, second].map((outcome) => [outcome.orderNumber, outcome.emailed])).toEqual(
      [
        [FIRST, false],
        [SECOND, true],
        [FIRST, false],
      ],
    );
    expect(first.items[0]?.line).toBe('waiting');
    expect(waitingOf(h, '1')[0]?.values['発注理由']).toContain('11/28 15:00 にまとめて送信します');
    expect((await h.state.get(FIRST))?.dueAt).toBe('2026-11-28T06:00:00.000Z');
    expect(before.sent).toEqual([]);
    expect(atCutoff.sent).toEqual([FIRST]);
    expect(h.mailer.sent.map((request) => [request.supplier.name, request.lines.length])).toEqual([
      ['株式会社ほか', 1],
      ['株式会社サンプル文具', 2],
    ]);
  });

  it('sends a supplier that wants each item at once at once, while the app gathers the others', async () => {
    // Prepare: the app gathers for 30 minutes; S-009 is immediate.
    const h = harness(
      { rule: 'window', minutes: 30 },
      { suppliers: { 'S-009': { gathering: { rule: 'immediate' } } } },
    );

    // Act
    const gathered = await processNotification(drop(1), h.deps);
    const one = await processNotification(otherSupplier(2), h.deps);
    const two = await processNotification(otherSupplier(3), h.deps);

    // Assess
    expect(gathered.items[0]?.line).toBe('waiting');
    expect([one, two].map((outcome) => [outcome.orderNumber, outcome.emailed])).toEqual([
      [SECOND, true],
      ['PO-20261128-0003', true],
    ]);
    expect(h.mailer.sent.map((request) => request.lines.length)).toEqual([1, 1]);
    // Only the gathering supplier's order was looked up as a gathering order.
    expect(h.state.callsOf('findGathering')).toHaveLength(1);
  });
});

describe('gathering: property', () => {
  it('never puts an item on two lines, sends each order once, leaves no shortage unordered', async () => {
    await checkGatheringProperty(async () => harness(), 100);
  });
});
