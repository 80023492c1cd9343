import fc from 'fast-check';
import { UnknownAppError } from '../../shared/config/load-config';
import { lineStatus, type PurchaseOrder } from '../../shared/domain/purchase-order';
import { notificationSchema, type KintoneNotification } from '../../shared/kintone/notification';
import {
  processNotification,
  type DispatchOutcome,
} from '../../shared/use-cases/process-notification';
import type { InMemoryBridgeState } from '../fakes/in-memory-order-store';
import { FAKE_PDF, sendFailure } from '../fakes/recording-fax-gateway';
import { loadWebhookFixture, type WebhookFixtureName } from '../fixtures/kintone-webhooks';
import { dispatchHarness, lowNotification, type Harness } from '../support/dispatch-harness';

/** 2026-11-28 11:15 in Tokyo, the time of the fixture's edit. */
const NOW_ISO = '2026-11-28T02:15:00.000Z';
/** The id and `$revision` of update-record-low.json. */
const LOW_ID = '6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c0002';
const LOW_REVISION = 5;
const FIRST_ORDER = 'PO-20261128-0001';
const ORDER_REASON = '在庫数 18 ≤ 発注点 20: 84本を発注 (入数12の倍数、最大在庫100まで)';
const ITEM = { appId: '12', recordId: '7' };

/** The app's gathering rule is `immediate` in these tests: today's one order per record. */
function harness(options: { fax?: boolean } = {}): Harness {
  return dispatchHarness({
    ...options,
    configure: (raw) => {
      for (const app of raw.apps) app.gathering = { rule: 'immediate' };
    },
  });
}

function fixture(name: WebhookFixtureName): KintoneNotification {
  return notificationSchema.parse(loadWebhookFixture(name));
}

/** What kintone shows once the bridge's write-back of the first order has landed. */
const WRITTEN_BACK = {
  発注状況: '発注依頼済',
  発注番号: FIRST_ORDER,
  発注日時: '2026-11-28T02:15:00Z',
  発注理由: ORDER_REASON,
};
/** The record's write of its order: only what changes (納品予定日 is empty already). */
const ORDER_WRITE = WRITTEN_BACK;
const WRITE_BACK_CODES = Object.keys(ORDER_WRITE);

function kinds(order: PurchaseOrder | undefined): string[] {
  return order?.log.map((event) => event.kind) ?? [];
}

describe('processNotification: an order', () => {
  it('orders 84本 when 在庫数 falls to 18: emails, writes back, comments, records each step', async () => {
    // Prepare
    const { deps, state, mailer, kintone, logger } = harness();

    // Act
    const outcome = await processNotification(lowNotification(), deps);

    // Assess
    expect(outcome).toEqual({
      notificationId: LOW_ID,
      decision: { kind: 'order', reason: ORDER_REASON },
      orderNumber: FIRST_ORDER,
      orderNumbers: [FIRST_ORDER],
      emailed: true,
      faxed: false,
      wroteFields: WRITE_BACK_CODES,
      commented: true,
      items: [
        {
          itemId: '7',
          sku: 'A-100',
          decision: { kind: 'order', reason: ORDER_REASON },
          orderNumber: FIRST_ORDER,
          line: 'ordered',
        },
      ],
    });
    // (and the app's default ship-to, when config/demo.json gives one)
    expect(mailer.sent).toEqual([
      expect.objectContaining({
        orderNumber: FIRST_ORDER,
        orderedAt: NOW_ISO,
        orderDate: '2026-11-28',
        desiredDeliveryDate: '2026-12-01',
        supplier: {
          code: 'S-001',
          name: '株式会社サンプル文具',
          email: 'order@sample-bungu.example.jp',
          fax: '03-1234-5678',
        },
        lines: [
          { lineId: '7', sku: 'A-100', name: 'ボールペン 黒 0.5mm', quantity: 84, unit: '本' },
        ],
        company: deps.config.company,
        reason: ORDER_REASON,
        timeZone: 'Asia/Tokyo',
      }),
    ]);
    // One write of the record (the order's and the record's own values together), one comment.
    expect(kintone.updates).toEqual([{ ...ITEM, values: ORDER_WRITE }]);
    expect(kintone.writeCalls()).toBe(1);
    expect(kintone.comments).toEqual([
      {
        ...ITEM,
        text: [
          `発注依頼 ${FIRST_ORDER} を 株式会社サンプル文具 様へ送信しました (メール order@sample-bungu.example.jp)。`,
          '・A-100 ボールペン 黒 0.5mm: 84本',
          '納品希望日: 2026-12-01',
          `理由: ${ORDER_REASON}`,
        ].join('\n'),
      },
    ]);
    const [order] = state.allOrders();
    expect(order).toMatchObject({
      orderNumber: FIRST_ORDER,
      appId: '12',
      dueAt: NOW_ISO,
      lines: [{ lineId: '7', item: { ...ITEM, itemId: '7', cycle: 1 }, addedBy: LOW_ID }],
    });
    expect(kinds(order)).toEqual(['created', 'sealed', 'email-sent', 'written-back', 'commented']);
    expect(await state.listDue(new Date('2030-01-01T00:00:00Z'), 10)).toEqual([]);
    expect(state.marker(LOW_ID)?.done).toMatchObject({
      revision: LOW_REVISION,
      decision: { kind: 'order' },
    });
    expect(logger.entries.map((entry) => entry.message)).toEqual([
      'decided',
      'order created',
      'order request emailed',
      'notification processed',
    ]);
  });

  it('treats the same notification delivered again as a duplicate and sends nothing', async () => {
    // Prepare
    const { deps, mailer, kintone } = harness();
    await processNotification(lowNotification(), deps);

    // Act
    const outcome = await processNotification(lowNotification(), deps);

    // Assess
    expect(outcome.decision.kind).toBe('duplicate');
    expect(outcome).toMatchObject({ emailed: false, wroteFields: [], commented: false });
    expect(mailer.sent).toHaveLength(1);
    expect(kintone.updates).toHaveLength(1);
    expect(kintone.comments).toHaveLength(1);
  });

  it('treats another notification of an already processed revision as a replay', async () => {
    // Prepare
    const { deps, state, mailer, kintone } = harness();
    await processNotification(lowNotification(), deps);

    // Act
    const outcome = await processNotification(
      lowNotification({ id: 'replayed-id', revision: LOW_REVISION }),
      deps,
    );

    // Assess
    expect(outcome.decision).toEqual({ kind: 'replay', reason: 'リビジョン 5 は処理済み' });
    expect(mailer.sent).toHaveLength(1);
    expect(kintone.updates).toHaveLength(1);
    expect(kintone.comments).toHaveLength(1);
    expect(state.allOrders()).toHaveLength(1);
  });

  it('ignores a lower revision arriving after a higher one (stale), even if it is short', async () => {
    // Prepare
    const { deps, state, mailer, kintone } = harness();
    await processNotification(
      lowNotification({ id: 'newer', revision: 6, values: { 在庫数: '50' } }),
      deps,
    );

    // Act
    const outcome = await processNotification(lowNotification(), deps);

    // Assess
    expect(outcome.decision).toEqual({
      kind: 'stale',
      reason: '古い更新のため無視 (リビジョン 5 < 処理済み 6)',
    });
    expect(mailer.sent).toEqual([]);
    expect(kintone.updates).toEqual([]);
    expect(kintone.comments).toEqual([]);
    expect(state.allOrders()).toEqual([]);
  });

  it('writes nothing for the webhook fired by its own write-back (no loop)', async () => {
    // Prepare
    const { deps, mailer, kintone } = harness();
    await processNotification(lowNotification(), deps);
    const echo = lowNotification({ id: 'echo', revision: 6, values: WRITTEN_BACK });

    // Act
    const outcome = await processNotification(echo, deps);

    // Assess
    const open = { kind: 'order-open', reason: `発注依頼 ${FIRST_ORDER} (84本) の入荷待ち` };
    expect(outcome).toEqual({
      notificationId: 'echo',
      decision: open,
      orderNumber: FIRST_ORDER,
      orderNumbers: [FIRST_ORDER],
      emailed: false,
      faxed: false,
      wroteFields: [],
      commented: false,
      items: [
        { itemId: '7', sku: 'A-100', decision: open, orderNumber: FIRST_ORDER, line: 'ordered' },
      ],
    });
    expect(mailer.sent).toHaveLength(1);
    expect(kintone.updates).toHaveLength(1);
    expect(kintone.comments).toHaveLength(1);
  });
});

describe('processNotification: retries redo only the missing steps', () => {
  it('after the write-back failed: does not email again, writes back and comments', async () => {
    // Prepare
    const { deps, state, mailer, kintone } = harness();
    kintone.failures.push(new Error('kintone answered 503'));
    await expect(processNotification(lowNotification(), deps)).rejects.toThrow(
      'kintone answered 503',
    );
    const [afterFailure] = state.allOrders();

    // Act
    const outcome = await processNotification(lowNotification(), deps);

    // Assess
    expect(kinds(afterFailure)).toEqual(['created', 'sealed', 'email-sent']);
    expect(state.marker(LOW_ID)?.done.decision).toEqual({ kind: 'order', reason: ORDER_REASON });
    expect(outcome).toMatchObject({
      orderNumber: FIRST_ORDER,
      decision: { kind: 'order', reason: ORDER_REASON },
      emailed: false,
      faxed: false,
      wroteFields: WRITE_BACK_CODES,
      commented: true,
    });
    expect(mailer.sent.map((request) => request.orderNumber)).toEqual([FIRST_ORDER]);
    expect(kintone.updates).toEqual([{ ...ITEM, values: ORDER_WRITE }]);
    expect(kintone.comments).toHaveLength(1);
    expect(state.allOrders()).toHaveLength(1);
  });

  it('after the email failed: sends it under the order number allocated the first time', async () => {
    // Prepare
    const { deps, state, mailer, kintone, metrics } = harness();
    mailer.failures.push(new Error('SES throttled'));
    await expect(processNotification(lowNotification(), deps)).rejects.toThrow('SES throttled');
    const afterFailure = state.allOrders();

    // Act
    const outcome = await processNotification(lowNotification(), deps);

    // Assess
    // Nothing was sent; the record was told once (送信待ち), which the order remembers.
    expect(afterFailure.map(kinds)).toEqual([['created', 'sealed', 'send-delayed']]);
    expect(afterFailure[0]?.log[2]).toMatchObject({
      reason: expect.stringContaining('まだ送信できていません'),
    });
    expect(outcome).toMatchObject({
      orderNumber: FIRST_ORDER,
      emailed: true,
      faxed: false,
      wroteFields: WRITE_BACK_CODES,
      commented: true,
    });
    expect(mailer.sent.map((request) => request.orderNumber)).toEqual([FIRST_ORDER]);
    expect(state.allOrders()).toHaveLength(1);
    expect(state.callsOf('allocateOrderNumber')).toHaveLength(1);
    expect(metrics.total('OrdersCreated')).toBe(1);
    expect(metrics.total('OrderSendsDelayed')).toBe(1);
    // While the send waited for its retry, the record said so (送信待ち), then the order.
    expect(kintone.updates).toEqual([
      {
        ...ITEM,
        values: {
          ...ORDER_WRITE,
          納品予定日: '',
          発注状況: '送信待ち',
          発注理由: expect.stringMatching(
            /^発注依頼 PO-20261128-0001 を作成しましたが、まだ送信できていません \(Error: SES throttled\)。自動で再送します。.*仕入先へ別途発注しないでください。/,
          ),
        },
      },
      { ...ITEM, values: ORDER_WRITE },
    ]);
    expect(kintone.comments).toHaveLength(1);
  });

  it('shows 送信待ち only until something reached the supplier, and survives kintone failing too', async () => {
    // Prepare: SES fails and the kintone write of 送信待ち fails as well
    const { deps, state, mailer, kintone } = harness();
    mailer.failures.push(new Error('SES throttled'));
    kintone.failures.push(new Error('kintone 503'));

    // Act
    const failure = processNotification(lowNotification(), deps);

    // Assess: the send's own error reaches the queue (it is retried), not kintone's
    await expect(failure).rejects.toThrow('SES throttled');
    expect(kintone.updates).toEqual([]);
    expect(state.allOrders().map(kinds)).toEqual([['created', 'sealed']]);
  });

  it('after the comment failed: adds only the comment', async () => {
    // Prepare
    const { deps, state, mailer, kintone } = harness();
    kintone.commentFailures.push(new Error('kintone answered 429'));
    await expect(processNotification(lowNotification(), deps)).rejects.toThrow(
      'kintone answered 429',
    );
    const commentsAfterFailure = kintone.comments.length;

    // Act
    const outcome = await processNotification(lowNotification(), deps);

    // Assess
    expect(commentsAfterFailure).toBe(0);
    expect(outcome).toMatchObject({
      orderNumber: FIRST_ORDER,
      emailed: false,
      faxed: false,
      wroteFields: [],
      commented: true,
    });
    expect(mailer.sent).toHaveLength(1);
    expect(kintone.updates).toHaveLength(1);
    expect(kintone.comments).toEqual([expect.objectContaining({ ...ITEM })]);
    expect(kinds(state.allOrders()[0])).toEqual([
      'created',
      'sealed',
      'email-sent',
      'written-back',
      'commented',
    ]);
  });
});

describe('processNotification: closing an order', () => {
  it('closes the open line when staff mark it 入荷済, then orders again on the next shortage', async () => {
    // Prepare
    const { deps, state, mailer, kintone } = harness();
    await processNotification(lowNotification(), deps);
    const received = lowNotification({
      id: 'received',
      revision: 6,
      values: { ...WRITTEN_BACK, 発注状況: '入荷済', 在庫数: '102' },
    });

    // Act
    const closing = await processNotification(received, deps);
    const reordering = await processNotification(
      lowNotification({
        id: 'short-again',
        revision: 7,
        values: { ...WRITTEN_BACK, 発注状況: '入荷済', 在庫数: '10' },
      }),
      deps,
    );

    // Assess
    expect(closing).toMatchObject({
      closedOrderNumber: FIRST_ORDER,
      decision: { kind: 'no-order' },
      orderNumbers: [],
      emailed: false,
      faxed: false,
      wroteFields: [],
      commented: false,
    });
    expect(reordering).toMatchObject({
      decision: { kind: 'order' },
      orderNumber: 'PO-20261128-0002',
      emailed: true,
      faxed: false,
      commented: true,
    });
    expect(
      state.allOrders().map((order) => ({
        orderNumber: order.orderNumber,
        cycle: order.lines[0]?.item.cycle,
        line: lineStatus(order, '7'),
      })),
    ).toEqual([
      { orderNumber: FIRST_ORDER, cycle: 1, line: 'closed' },
      { orderNumber: 'PO-20261128-0002', cycle: 2, line: 'ordered' },
    ]);
    expect(state.allOrders()[0]?.log).toContainEqual(
      expect.objectContaining({ kind: 'line-closed', lineId: '7', status: '入荷済' }),
    );
    expect(mailer.sent.map((request) => request.orderNumber)).toEqual([
      FIRST_ORDER,
      'PO-20261128-0002',
    ]);
    expect(kintone.updates[1]?.values).toMatchObject({
      発注状況: '発注依頼済',
      発注番号: 'PO-20261128-0002',
    });
  });

  it('orders again in the same notification when staff cancel the order and stock is still short', async () => {
    // Prepare
    const { deps, state, mailer } = harness();
    await processNotification(lowNotification(), deps);
    const cancelled = lowNotification({
      id: 'cancelled',
      revision: 6,
      values: { ...WRITTEN_BACK, 発注状況: 'キャンセル' },
    });

    // Act
    const outcome = await processNotification(cancelled, deps);

    // Assess
    expect(outcome).toMatchObject({
      closedOrderNumber: FIRST_ORDER,
      decision: { kind: 'order' },
      orderNumber: 'PO-20261128-0002',
      emailed: true,
      faxed: false,
    });
    expect(state.allOrders().map((order) => lineStatus(order, '7'))).toEqual(['closed', 'ordered']);
    expect(mailer.sent.map((request) => request.orderNumber)).toEqual([
      FIRST_ORDER,
      'PO-20261128-0002',
    ]);
  });
});

describe('processNotification: records that cannot be evaluated', () => {
  const problem = '「在庫数」が数値ではありません ("abc")';

  it('writes 要確認 and the reason when 在庫数 is not a number', async () => {
    // Prepare
    const { deps, state, mailer, kintone } = harness();

    // Act
    const outcome = await processNotification(lowNotification({ values: { 在庫数: 'abc' } }), deps);

    // Assess
    const decision = { kind: 'cannot-evaluate', reason: problem };
    expect(outcome).toEqual({
      notificationId: LOW_ID,
      decision,
      orderNumbers: [],
      emailed: false,
      faxed: false,
      wroteFields: ['発注状況', '発注理由'],
      commented: false,
      items: [{ itemId: '7', sku: '', decision }],
    });
    expect(kintone.updates).toEqual([
      { ...ITEM, values: { 発注状況: '要確認', 発注理由: problem } },
    ]);
    expect(mailer.sent).toEqual([]);
    expect(state.allOrders()).toEqual([]);
  });

  it('writes nothing for the webhook of its own 要確認 write-back', async () => {
    // Prepare
    const { deps, kintone } = harness();
    await processNotification(lowNotification({ values: { 在庫数: 'abc' } }), deps);
    const echo = lowNotification({
      id: 'echo',
      revision: 6,
      values: { 在庫数: 'abc', 発注状況: '要確認', 発注理由: problem },
    });

    // Act
    const outcome = await processNotification(echo, deps);

    // Assess
    expect(outcome.decision.kind).toBe('cannot-evaluate');
    expect(outcome.wroteFields).toEqual([]);
    expect(kintone.updates).toHaveLength(1);
  });

  it('clears 要確認 back to 未発注 once staff fix the value', async () => {
    // Prepare
    const { deps, kintone } = harness();
    await processNotification(lowNotification({ values: { 在庫数: 'abc' } }), deps);
    const fixed = lowNotification({
      id: 'fixed',
      revision: 6,
      values: { 在庫数: '50', 発注状況: '要確認', 発注理由: problem },
    });

    // Act
    const outcome = await processNotification(fixed, deps);

    // Assess
    expect(outcome.decision).toEqual({
      kind: 'no-order',
      reason: '在庫数 50 > 発注点 20: 発注不要',
    });
    expect(kintone.updates[1]).toEqual({
      ...ITEM,
      values: { 発注状況: '未発注', 発注理由: '在庫数 50 > 発注点 20: 発注不要' },
    });
  });
});

describe('processNotification: fax', () => {
  /** A supplier reached by fax only: no address, 発注方法 FAX. */
  const FAX_ONLY = { 仕入先メール: '', 仕入先FAX: '03-1234-5678', 発注方法: 'FAX' };
  const FAX_NOT_CONFIGURED = `${ORDER_REASON} → 送信できません: FAX送信が設定されていません (設定ファイルの fax)`;

  it('faxes the order to a fax-only supplier, writes back 発注依頼済 and comments the number', async () => {
    // Prepare
    const { deps, state, mailer, kintone, gateway } = harness({ fax: true });

    // Act
    const outcome = await processNotification(lowNotification({ values: FAX_ONLY }), deps);

    // Assess
    expect(outcome).toMatchObject({
      notificationId: LOW_ID,
      decision: { kind: 'order', reason: ORDER_REASON },
      orderNumber: FIRST_ORDER,
      emailed: false,
      faxed: true,
      wroteFields: WRITE_BACK_CODES,
      commented: true,
    });
    expect(gateway.sent).toEqual([
      {
        to: '+81312345678',
        pdf: FAKE_PDF,
        fileName: `${FIRST_ORDER}.pdf`,
        orderNumber: FIRST_ORDER,
      },
    ]);
    expect(mailer.sent).toEqual([]);
    expect(kintone.updates).toEqual([{ ...ITEM, values: ORDER_WRITE }]);
    expect(kintone.comments).toEqual([
      {
        ...ITEM,
        text: [
          `発注依頼 ${FIRST_ORDER} を 株式会社サンプル文具 様へ送信しました (FAX 0312345678)。`,
          '・A-100 ボールペン 黒 0.5mm: 84本',
          '納品希望日: 2026-12-01',
          `理由: ${ORDER_REASON}`,
        ].join('\n'),
      },
    ]);
    const [order] = state.allOrders();
    expect(order?.channels).toEqual([
      { kind: 'fax', number: '+81312345678', national: '0312345678' },
    ]);
    expect(order?.log).toEqual([
      { kind: 'created', at: NOW_ISO, by: LOW_ID },
      { kind: 'sealed', at: NOW_ISO, orderDate: '2026-11-28' },
      { kind: 'fax-sent', at: NOW_ISO, faxId: 'fax-1', gateway: 'recording' },
      { kind: 'written-back', at: NOW_ISO, lineIds: ['7'] },
      { kind: 'commented', at: NOW_ISO, lineIds: ['7'] },
    ]);
  });

  it('sends no second fax for the webhook of its own write-back', async () => {
    // Prepare
    const { deps, kintone, gateway } = harness({ fax: true });
    await processNotification(lowNotification({ values: FAX_ONLY }), deps);
    const echo = lowNotification({
      id: 'echo',
      revision: 6,
      values: { ...FAX_ONLY, ...WRITTEN_BACK },
    });

    // Act
    const outcome = await processNotification(echo, deps);

    // Assess
    expect(outcome).toMatchObject({ faxed: false, wroteFields: [], commented: false });
    expect(gateway.sent).toHaveLength(1);
    expect(kintone.updates).toHaveLength(1);
  });

  it('emails and faxes a supplier whose record says メールとFAX', async () => {
    // Prepare
    const { deps, mailer, kintone, gateway } = harness({ fax: true });

    // Act
    const outcome = await processNotification(
      lowNotification({ values: { 発注方法: 'メールとFAX' } }),
      deps,
    );

    // Assess
    expect(outcome).toMatchObject({ emailed: true, faxed: true, commented: true });
    expect(mailer.sent).toHaveLength(1);
    expect(gateway.sent).toHaveLength(1);
    expect(kintone.comments[0]?.text).toContain(
      '(メール order@sample-bungu.example.jp、FAX 0312345678)',
    );
  });

  it('faxes in the same run when SES refuses the address for good', async () => {
    // Prepare
    const { deps, state, mailer, kintone, gateway } = harness({ fax: true });
    mailer.failures.push(sendFailure('Address blacklisted', { retryable: false }));

    // Act
    const outcome = await processNotification(lowNotification(), deps);

    // Assess
    expect(outcome).toMatchObject({ emailed: false, faxed: true, wroteFields: WRITE_BACK_CODES });
    expect(gateway.sent.map((fax) => fax.to)).toEqual(['+81312345678']);
    expect(kintone.updates).toEqual([{ ...ITEM, values: ORDER_WRITE }]);
    expect(state.allOrders()[0]?.log).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'email-failed', detail: 'Address blacklisted' }),
        expect.objectContaining({ kind: 'fax-sent', faxId: 'fax-1' }),
      ]),
    );
  });

  it('writes 要対応 instead of 発注依頼済 when every channel is refused', async () => {
    // Prepare
    const { deps, state, mailer, kintone, gateway, metrics } = harness({ fax: true });
    mailer.failures.push(sendFailure('Address blacklisted', { retryable: false }));
    gateway.failures.push(sendFailure('Phaxio: invalid number', { retryable: false }));
    const reason = `発注依頼 ${FIRST_ORDER} を送れませんでした (メール送信不可: Address blacklisted、FAX送信失敗: Phaxio: invalid number)。仕入先に電話などで発注を伝えてください。`;

    // Act
    const outcome = await processNotification(lowNotification(), deps);

    // Assess
    expect(outcome).toMatchObject({ emailed: false, faxed: false, commented: true });
    expect(kintone.updates).toEqual([
      { ...ITEM, values: { ...WRITTEN_BACK, 発注状況: '要対応', 発注理由: reason } },
    ]);
    expect(kintone.comments).toEqual([{ ...ITEM, text: `【要対応】${reason}` }]);
    expect(state.allOrders()[0]?.log).toContainEqual(
      expect.objectContaining({ kind: 'needs-attention', reason }),
    );
    expect(metrics.total('OrdersNeedingAttention')).toBe(1);
    // Nothing is left to do until someone acts: the order is off the due list.
    expect(await state.listDue(new Date('2030-01-01T00:00:00Z'), 10)).toEqual([]);
  });

  it('creates no order and writes 要確認 when the supplier needs a fax and none is configured', async () => {
    // Prepare
    const { deps, state, mailer, kintone } = harness();

    // Act
    const outcome = await processNotification(lowNotification({ values: FAX_ONLY }), deps);

    // Assess
    const decision = { kind: 'cannot-evaluate', reason: FAX_NOT_CONFIGURED };
    expect(outcome).toEqual({
      notificationId: LOW_ID,
      decision,
      orderNumbers: [],
      emailed: false,
      faxed: false,
      wroteFields: ['発注状況', '発注理由'],
      commented: false,
      items: [{ itemId: '7', sku: 'A-100', decision }],
    });
    expect(kintone.updates).toEqual([
      { ...ITEM, values: { 発注状況: '要確認', 発注理由: FAX_NOT_CONFIGURED } },
    ]);
    expect(kintone.comments).toEqual([]);
    expect(mailer.sent).toEqual([]);
    expect(state.allOrders()).toEqual([]);
    expect(state.callsOf('allocateOrderNumber')).toEqual([]);
  });

  it('writes nothing for the webhook of its own 要確認 about the missing fax setup', async () => {
    // Prepare
    const { deps, state, kintone } = harness();
    await processNotification(lowNotification({ values: FAX_ONLY }), deps);
    const echo = lowNotification({
      id: 'echo',
      revision: 6,
      values: { ...FAX_ONLY, 発注状況: '要確認', 発注理由: FAX_NOT_CONFIGURED },
    });

    // Act
    const outcome = await processNotification(echo, deps);

    // Assess
    expect(outcome).toMatchObject({
      notificationId: 'echo',
      decision: { kind: 'cannot-evaluate', reason: FAX_NOT_CONFIGURED },
      emailed: false,
      faxed: false,
      wroteFields: [],
      commented: false,
    });
    expect(kintone.updates).toHaveLength(1);
    expect(state.allOrders()).toEqual([]);
  });

  it.each([
    ['03-1234', 'FAX番号が正しくありません ("03-1234")'],
    [
      '03-1234-5678 内線12',
      'FAX番号に数字とハイフン以外の文字が含まれています ("03-1234-5678 内線12")',
    ],
  ])('sends nothing to the invalid fax number %j and writes 要確認 with why', async (fax, why) => {
    // Prepare
    const { deps, state, mailer, kintone, gateway } = harness({ fax: true });

    // Act
    const outcome = await processNotification(
      lowNotification({ values: { ...FAX_ONLY, 仕入先FAX: fax } }),
      deps,
    );

    // Assess
    const reason = `${ORDER_REASON} → 送信できません: ${why}`;
    expect(outcome.decision).toEqual({ kind: 'cannot-evaluate', reason });
    expect(kintone.updates).toEqual([
      { ...ITEM, values: { 発注状況: '要確認', 発注理由: reason } },
    ]);
    expect(gateway.sent).toEqual([]);
    expect(mailer.sent).toEqual([]);
    expect(state.allOrders()).toEqual([]);
  });
});

describe('processNotification: other notifications', () => {
  it('remembers a deleted record', async () => {
    // Prepare
    const { deps, state, mailer, kintone } = harness();
    const deleted = fixture('delete-record.json');

    // Act
    const outcome = await processNotification(deleted, deps);

    // Assess
    expect(outcome.decision.kind).toBe('deleted');
    expect((await state.load([ITEM]))[0]?.deletedAt).toBe(NOW_ISO);
    expect(state.marker(deleted.id)?.done.decision.kind).toBe('deleted');
    expect(mailer.sent).toEqual([]);
    expect(kintone.updates).toEqual([]);
  });

  it('ignores a comment without touching the store', async () => {
    // Prepare
    const { deps, state } = harness();

    // Act
    const outcome = await processNotification(fixture('add-record-comment.json'), deps);

    // Assess
    expect(outcome.decision.kind).toBe('ignored');
    expect(state.calls).toEqual([]);
  });

  it('rejects a notification of an app that is not configured', async () => {
    // Prepare
    const { deps, mailer } = harness();

    // Act
    const processing = processNotification(lowNotification({ appId: '99' }), deps);

    // Assess
    await expect(processing).rejects.toThrow(UnknownAppError);
    await expect(processing).rejects.toMatchObject({ appId: '99' });
    expect(mailer.sent).toEqual([]);
  });
});

type InjectedFailure = 'mailer' | 'update' | 'comment';

interface Edit {
  stock: number;
  /** Staff mark the open order 入荷済 in the same edit. */
  receives: boolean;
  /** One-off failures of this edit's first attempts, each thrown once. */
  failures: InjectedFailure[];
}

/** One attempt per injected failure (mailer, update, comment) plus the one that succeeds. */
const MAX_ATTEMPTS = 4;
/** 発注点 of the fixture; the fixture has no 発注残 or 引当, so the position is 在庫数. */
const REORDER_POINT = 20;

/** Delivers a notification as SQS would: again and again until it is processed. */
async function deliverUntilProcessed(
  notification: KintoneNotification,
  { deps, mailer, kintone }: Harness,
  failures: InjectedFailure[],
): Promise<DispatchOutcome> {
  if (failures.includes('mailer')) mailer.failures.push(new Error('SES throttled'));
  if (failures.includes('update')) kintone.updateFailures.push(new Error('kintone update 503'));
  if (failures.includes('comment')) kintone.commentFailures.push(new Error('kintone 503'));
  let lastError: unknown;
  try {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        return await processNotification(notification, deps);
      } catch (error) {
        lastError = error;
      }
    }
  } finally {
    // A failure aimed at a step this notification never reached is not carried over.
    mailer.failures.length = 0;
    kintone.updateFailures.length = 0;
    kintone.commentFailures.length = 0;
  }
  throw lastError;
}

/** Orders whose line for the record is still open (not closed by staff). */
function openOrderCount(state: InMemoryBridgeState): number {
  return state.allOrders().filter((order) => lineStatus(order, '7') !== 'closed').length;
}

describe('processNotification: property', () => {
  it('emails each order exactly once, keeps one order open per shortage, under any failures', async () => {
    // Prepare
    const edits = fc.array(
      fc.record({
        stock: fc.integer({ min: 0, max: 200 }),
        receives: fc.boolean(),
        failures: fc.subarray<InjectedFailure>(['mailer', 'update', 'comment']),
      }),
      { minLength: 1, maxLength: 12 },
    );

    const property = fc.asyncProperty(edits, async (steps: Edit[]) => {
      // Act: each edit is delivered until processed, then the webhook of our own write-back;
      // the invariants that must hold between deliveries are checked as they happen.
      const h = harness();
      // The record's write-back fields as kintone shows them: our updates land here.
      const shown: Record<string, string> = {
        発注状況: '未発注',
        発注番号: '',
        発注日時: '',
        発注理由: '',
        納品予定日: '',
      };
      let revision = LOW_REVISION;
      for (const [index, step] of steps.entries()) {
        if (step.receives && shown['発注状況'] === '発注依頼済') shown['発注状況'] = '入荷済';
        revision += 1;
        const written = h.kintone.updates.length;
        await deliverUntilProcessed(
          lowNotification({
            id: `edit-${index}`,
            revision,
            values: { ...shown, 在庫数: String(step.stock) },
          }),
          h,
          step.failures,
        );
        const open = openOrderCount(h.state);
        expect(open).toBeLessThanOrEqual(1);
        // A shortage is never left without an order on its way.
        if (step.stock <= REORDER_POINT) expect(open).toBe(1);

        const writes = h.kintone.updates.slice(written);
        if (writes.length === 0) continue;
        for (const update of writes) Object.assign(shown, update.values);
        revision += 1;
        const echo = await processNotification(
          lowNotification({
            id: `echo-${index}`,
            revision,
            values: { ...shown, 在庫数: String(step.stock) },
          }),
          h.deps,
        );
        expect(echo).toMatchObject({ emailed: false, wroteFields: [], commented: false });
        expect(openOrderCount(h.state)).toBeLessThanOrEqual(1);
      }

      // Assess
      const emailed = h.mailer.sent.map((request) => request.orderNumber);
      const orders = h.state.allOrders();
      expect(emailed).toHaveLength(orders.length);
      expect(new Set(emailed).size).toBe(emailed.length);
      expect([...emailed].sort()).toEqual(orders.map((order) => order.orderNumber).sort());
      for (const order of orders) {
        expect(kinds(order)).toEqual(
          expect.arrayContaining(['email-sent', 'written-back', 'commented']),
        );
      }
      expect(await h.state.listDue(new Date('2030-01-01T00:00:00Z'), 100)).toEqual([]);
    });

    // Act & Assess: on a violation fast-check fails with the shrunk sequence of edits.
    await fc.assert(property, { numRuns: 150 });
  });
});
