import { loadConfigFile } from '../../shared/config/load-config';
import { DEFAULT_TAX_RULES } from '../../shared/domain/pricing';
import type { OrderEvent, PurchaseOrder } from '../../shared/domain/purchase-order';
import { reportIfAllChannelsFailed } from '../../shared/use-cases/needs-attention';
import { sendOrReportSending, since } from '../../shared/use-cases/send-or-report';
import { sendFailure } from '../fakes/recording-fax-gateway';
import { RecordingKintoneRecordWriter } from '../fakes/recording-kintone-writer';
import { RecordingLogger } from '../fakes/recording-logger';
import { RecordingMetrics } from '../fakes/recording-metrics';
import { RecordingOrderMailer } from '../fakes/recording-order-mailer';
import {
  eventsAfterSeal,
  ORDER_NUMBER,
  orderLine,
  PurchaseOrderBook,
  sealedOrder,
  SUPPLIER_EMAIL_ONLY,
} from '../support/purchase-orders';

const NOW_ISO = '2026-11-28T03:00:00.000Z';
const FAILED: OrderEvent = { kind: 'email-failed', at: NOW_ISO, detail: 'MessageRejected' };
const REASON =
  `発注依頼 ${ORDER_NUMBER} を送れませんでした (メール送信不可: MessageRejected)。` +
  '仕入先に電話などで発注を伝えてください。';

/** Lines on records 7 and 8 of app 12, and rows 368 and 369 of record 3 of app 15. */
function order(appId: '12' | '15', log: OrderEvent[] = []): PurchaseOrder {
  const lines =
    appId === '12'
      ? [orderLine({ recordId: '7' }), orderLine({ recordId: '8', sku: 'A-101' })]
      : [
          orderLine({ appId, recordId: '3', rowId: '368' }),
          orderLine({ appId, recordId: '3', rowId: '369', sku: 'A-101' }),
        ];
  return sealedOrder({ appId, lines, supplier: SUPPLIER_EMAIL_ONLY, log });
}

function harness(stored: PurchaseOrder) {
  const orders = new PurchaseOrderBook(stored);
  const kintone = new RecordingKintoneRecordWriter();
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const mailer = new RecordingOrderMailer();
  const deps = {
    config: loadConfigFile('config/demo.json'),
    orders,
    kintone,
    logger,
    metrics,
    mailer,
    now: () => new Date(NOW_ISO),
    documents: { tax: DEFAULT_TAX_RULES, timeZone: 'Asia/Tokyo' },
  };
  return { orders, kintone, logger, metrics, mailer, deps };
}

describe('reportIfAllChannelsFailed', () => {
  it('writes 要対応 with the reason to every line’s record, comments once each, and logs it', async () => {
    // Prepare
    const h = harness(order('12', [FAILED]));

    // Act
    const result = await reportIfAllChannelsFailed(h.orders.current(), h.deps);

    // Assess
    const values = {
      発注状況: '要対応',
      発注番号: ORDER_NUMBER,
      発注日時: '2026-11-28T02:15:00Z',
      発注理由: REASON,
    };
    expect(h.kintone.bulkUpdates).toEqual([
      {
        appId: '12',
        records: [
          { recordId: '7', values },
          { recordId: '8', values },
        ],
      },
    ]);
    expect(h.kintone.comments).toEqual([
      { appId: '12', recordId: '7', text: `【要対応】${REASON}` },
      { appId: '12', recordId: '8', text: `【要対応】${REASON}` },
    ]);
    expect(result.reported).toBe(true);
    expect(result.wroteFields.sort()).toEqual(Object.keys(values).sort());
    expect(eventsAfterSeal(result.order).slice(1)).toEqual([
      { kind: 'needs-attention', at: NOW_ISO, reason: REASON },
      { kind: 'written-back', at: NOW_ISO, lineIds: ['7', '8'] },
    ]);
    expect(h.metrics.totals()).toEqual({ OrdersNeedingAttention: 1 });
    expect(
      h.logger.withMessage('every channel to the supplier failed: staff must contact them'),
    ).toHaveLength(1);
  });

  it('writes the rows of a table record in one table write and comments on the record once', async () => {
    // Prepare
    const h = harness(order('15', [FAILED]));

    // Act
    await reportIfAllChannelsFailed(h.orders.current(), h.deps);

    // Assess
    expect(h.kintone.rowUpdates).toHaveLength(1);
    expect(h.kintone.rowUpdates[0]).toMatchObject({ recordId: '3', subtable: '在庫明細' });
    expect(Object.keys(h.kintone.rowUpdates[0]?.rows ?? {})).toEqual(['368', '369']);
    expect(h.kintone.rowUpdates[0]?.rows['368']).toMatchObject({ 明細_発注状況: '要対応' });
    expect(h.kintone.comments.map((comment) => comment.recordId)).toEqual(['3']);
  });

  it.each([
    ['a channel is still pending', []],
    ['the email was sent', [{ kind: 'email-sent', at: NOW_ISO, messageId: 'm-1' }]],
    ['staff were told already', [FAILED, { kind: 'needs-attention', at: NOW_ISO, reason: 'r' }]],
  ] as [string, OrderEvent[]][])('does nothing while %s', async (_what, log) => {
    // Prepare
    const h = harness(order('12', log));

    // Act
    const result = await reportIfAllChannelsFailed(h.orders.current(), h.deps);

    // Assess
    expect(result.reported).toBe(false);
    expect(h.kintone.updates).toEqual([]);
    expect(h.kintone.comments).toEqual([]);
    expect(h.orders.appended).toEqual([]);
    expect(h.metrics.totals()).toEqual({});
  });

  it('skips a deleted record, tells the others, and still raises the alarm', async () => {
    // Prepare
    const h = harness(order('12', [FAILED]));
    h.kintone.deletedRecords.add('7');

    // Act
    const result = await reportIfAllChannelsFailed(h.orders.current(), h.deps);

    // Assess
    expect(h.kintone.updates.map((update) => update.recordId)).toEqual(['8']);
    expect(h.kintone.comments.map((comment) => comment.recordId)).toEqual(['8']);
    expect(h.orders.kinds()).toEqual(['needs-attention', 'written-back']);
    expect(result.reported).toBe(true);
    expect(h.metrics.totals()).toEqual({ OrdersNeedingAttention: 1 });
  });

  it('leaves closed lines alone', async () => {
    // Prepare
    const h = harness(
      order('12', [FAILED, { kind: 'line-closed', at: NOW_ISO, lineId: '8', status: '入荷済' }]),
    );

    // Act
    await reportIfAllChannelsFailed(h.orders.current(), h.deps);

    // Assess
    expect(h.kintone.updates.map((update) => update.recordId)).toEqual(['7']);
    expect(h.orders.appended.at(-1)?.event).toMatchObject({
      kind: 'written-back',
      lineIds: ['7', '8'],
    });
  });

  it('appends nothing when kintone fails, so the retry tells staff', async () => {
    // Prepare
    const h = harness(order('12', [FAILED]));
    h.kintone.commentFailures.push(new Error('kintone 503'));

    // Act
    const first = reportIfAllChannelsFailed(h.orders.current(), h.deps);

    // Assess
    await expect(first).rejects.toThrow('kintone 503');
    expect(h.orders.appended).toEqual([]);
    expect((await reportIfAllChannelsFailed(h.orders.current(), h.deps)).reported).toBe(true);
    expect(h.metrics.totals()).toEqual({ OrdersNeedingAttention: 1 });
  });
});

describe('sendOrReportSending', () => {
  const SENDING_REASON =
    `発注依頼 ${ORDER_NUMBER} を作成しましたが、まだ送信できていません (ChannelSendError: SES throttled)。` +
    '自動で再送します。送信されると「発注依頼済」になります。二重発注になるため、仕入先へ別途発注しないでください。' +
    'しばらくたっても変わらない場合は運用担当者に連絡してください。';

  it('sends the order and reports what was sent', async () => {
    // Prepare
    const h = harness(order('12'));

    // Act
    const report = await sendOrReportSending(h.orders.current(), h.deps);

    // Assess
    expect(report).toMatchObject({ emailed: true, faxed: false });
    expect(h.kintone.updates).toEqual([]);
  });

  it('shows 送信待ち on every line once per order, then rethrows for the queue’s retry', async () => {
    // Prepare
    const h = harness(order('12'));
    const failure = sendFailure('SES throttled', { retryable: true });
    h.mailer.failures.push(failure, failure);

    // Act
    const first = sendOrReportSending(h.orders.current(), h.deps);
    await expect(first).rejects.toBe(failure);
    const second = sendOrReportSending(h.orders.current(), h.deps);
    await expect(second).rejects.toBe(failure);

    // Assess
    const values = {
      発注状況: '送信待ち',
      発注番号: ORDER_NUMBER,
      発注日時: '2026-11-28T02:15:00Z',
      発注理由: SENDING_REASON,
      納品予定日: '',
    };
    expect(h.kintone.bulkUpdates).toEqual([
      {
        appId: '12',
        records: [
          { recordId: '7', values },
          { recordId: '8', values },
        ],
      },
    ]);
    expect(h.orders.kinds()).toEqual(['send-delayed']);
    expect(h.metrics.totals()).toEqual({ OrderSendsDelayed: 2 });
  });

  it('shows nothing once a channel reached the supplier', async () => {
    // Prepare: the email went out; the fax fails for now.
    const h = harness(order('12', [{ kind: 'email-sent', at: NOW_ISO, messageId: 'm-1' }]));
    const current = h.orders.current();
    current.channels.push({ kind: 'fax', number: '+81312345678', national: '0312345678' });
    h.orders.orders.set(ORDER_NUMBER, current);
    const failure = sendFailure('Phaxio answered 503', { retryable: true });
    const deps = {
      ...h.deps,
      fax: {
        gateway: { sendFax: () => Promise.reject(failure) },
        renderPdf: async () => Buffer.from(''),
        region: 'JP',
      },
    };

    // Act
    const sending = sendOrReportSending(h.orders.current(), deps);

    // Assess
    await expect(sending).rejects.toBe(failure);
    expect(h.kintone.updates).toEqual([]);
    expect(h.orders.appended).toEqual([]);
  });

  it('rethrows the send’s failure when kintone fails too, and shows 送信待ち on the retry', async () => {
    // Prepare
    const h = harness(order('12'));
    const failure = sendFailure('SES throttled', { retryable: true });
    h.mailer.failures.push(failure, failure);
    h.kintone.updateFailures.push(new Error('kintone 503'));

    // Act
    await expect(sendOrReportSending(h.orders.current(), h.deps)).rejects.toBe(failure);
    await expect(sendOrReportSending(h.orders.current(), h.deps)).rejects.toBe(failure);

    // Assess
    expect(h.logger.withMessage('could not show 送信待ち on the record')).toHaveLength(1);
    expect(h.kintone.bulkUpdates).toHaveLength(1);
    expect(h.orders.kinds()).toEqual(['send-delayed']);
  });
});

describe('since', () => {
  it('tells whether an answer or a delivery report reached the order', () => {
    expect(since(order('12'))).toEqual({ answered: false, deliveryReported: false });
    expect(
      since(
        order('12', [
          { kind: 'delivery', at: NOW_ISO, status: 'delivered', detail: '' },
          {
            kind: 'supplier-answer',
            at: NOW_ISO,
            answer: { kind: 'declined', reason: '廃番' },
          },
        ]),
      ),
    ).toEqual({ answered: true, deliveryReported: true });
  });
});
