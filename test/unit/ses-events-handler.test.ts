import type { SNSEvent } from 'aws-lambda';
import { createSesEventsHandler } from '../../functions/ses-events/handler';
import { parseConfig } from '../../shared/config/load-config';
import type { BridgeConfig } from '../../shared/config/schema';
import {
  channelsOf,
  type OrderEvent,
  type PurchaseOrder,
} from '../../shared/domain/purchase-order';
import { CapturingLogger } from '../fakes/capturing-logger';
import {
  FAKE_PDF,
  RecordingFaxGateway,
  recordingFaxSending,
  sendFailure,
} from '../fakes/recording-fax-gateway';
import { RecordingKintoneRecordWriter } from '../fakes/recording-kintone-writer';
import { RecordingMetrics } from '../fakes/recording-metrics';
import { loadDemoConfigJson } from '../fixtures/kintone-webhooks';
import { lambdaContext } from '../support/api-gateway';
import {
  bounceEvent,
  complaintEvent,
  deliveryEvent,
  FIXTURE_SUPPLIER,
  rejectEvent,
  sendEvent,
  snsEvent,
} from './fixtures/ses-events';
import type { FaxSending } from '../../shared/ports/fax-gateway';
import {
  eventsAfterSeal,
  orderLine,
  PurchaseOrderBook,
  sealedOrder,
} from '../support/purchase-orders';

const ORDER_NUMBER = 'PO-20261128-0001';
const KEY = { appId: '12', recordId: '7' };
const STATUS_FIELD = '配信状況';
const NOW_ISO = '2026-11-28T09:00:00.000Z';
const BOUNCE_DETAIL = `Permanent/General: smtp; 550 5.1.1 user unknown (${FIXTURE_SUPPLIER})`;
/** The one comment for a bounce the bridge answered with a fax: what happened, what it did. */
const FAX_FALLBACK_COMMENT =
  `発注依頼 ${ORDER_NUMBER} のメールを配信できませんでした: 不達 (Permanent/General: smtp; 550 5.1.1 user unknown), ${FIXTURE_SUPPLIER}\n` +
  '代わりに FAX 0312345678 で送信しました。仕入先への別途の連絡は不要です (二重発注になります)。\n' +
  '仕入先のメールアドレスは確認し、必要なら直してください。';

/** What staff read when every channel failed: the reason written as 発注理由 and commented. */
function attentionReason(failures: string): string {
  return `発注依頼 ${ORDER_NUMBER} を送れませんでした (${failures})。仕入先に電話などで発注を伝えてください。`;
}

/** The 要対応 write-back of the order: the order's number and time stay, the reason says why. */
function attentionWrite(failures: string) {
  return {
    ...KEY,
    values: {
      発注状況: '要対応',
      発注番号: ORDER_NUMBER,
      発注日時: '2026-11-28T02:15:00Z',
      発注理由: attentionReason(failures),
    },
  };
}

function attentionComment(failures: string) {
  return { ...KEY, text: `【要対応】${attentionReason(failures)}` };
}

/** The demo config, with 配信状況 mapped as writeBack.deliveryStatus unless `null`. */
function config(deliveryStatusField: string | null = STATUS_FIELD): BridgeConfig {
  const raw = loadDemoConfigJson();
  const apps = raw.apps as Record<string, Record<string, unknown>>[];
  const app = apps[0] ?? {};
  if (deliveryStatusField !== null) {
    app.writeBack = { ...app.writeBack, deliveryStatus: deliveryStatusField };
  }
  return parseConfig(raw);
}

const EMAILED: OrderEvent = {
  kind: 'email-sent',
  at: '2026-11-28T02:15:01.000Z',
  messageId: 'ses-1',
};

/** The emailed order; `supplierFax` gives the supplier a fax number to fall back to. */
function order(supplierFax?: string): PurchaseOrder {
  return sealedOrder({
    orderNumber: ORDER_NUMBER,
    channels: [{ kind: 'email', address: FIXTURE_SUPPLIER }],
    supplier: {
      code: 'S-001',
      name: '株式会社サンプル文具',
      email: FIXTURE_SUPPLIER,
      ...(supplierFax !== undefined ? { fax: supplierFax } : {}),
    },
    log: [EMAILED],
  });
}

async function harness(
  appConfig: BridgeConfig = config(),
  options: { supplierFax?: string; fax?: FaxSending } = {},
) {
  const orders = new PurchaseOrderBook(order(options.supplierFax));
  const kintone = new RecordingKintoneRecordWriter();
  const metrics = new RecordingMetrics();
  const logger = new CapturingLogger({ serviceName: 'test', logLevel: 'DEBUG' });
  const handler = createSesEventsHandler({
    config: appConfig,
    orders,
    kintone,
    logger,
    metrics,
    now: () => new Date(NOW_ISO),
    ...(options.fax ? { fax: options.fax } : {}),
  });
  const send = (event: SNSEvent) => handler(event, lambdaContext);
  const stored = async () => orders.current(ORDER_NUMBER);
  /** What happened to the order after it was emailed. */
  const events = async () => eventsAfterSeal(await stored()).slice(1);
  /** The order's last event of a kind. */
  const last = async <K extends OrderEvent['kind']>(kind: K) =>
    (await events()).filter((event) => event.kind === kind).pop() as
      Extract<OrderEvent, { kind: K }> | undefined;
  return { orders, kintone, metrics, logger, send, stored, events, last };
}

/** A harness whose supplier has a fax, with a recording gateway to fall back to. */
async function faxHarness() {
  const gateway = new RecordingFaxGateway();
  const h = await harness(config(), {
    supplierFax: '03-1234-5678',
    fax: recordingFaxSending(gateway),
  });
  return { ...h, gateway };
}

describe('ses-events handler', () => {
  it('records a delivery on the order and as 配信済 in kintone, without a comment', async () => {
    // Prepare
    const { kintone, metrics, send, events } = await harness();

    // Act
    const outcomes = await send(snsEvent(deliveryEvent(ORDER_NUMBER)));

    // Assess
    expect(outcomes).toEqual([
      {
        orderNumber: ORDER_NUMBER,
        status: 'delivered',
        result: 'recorded',
        wroteField: STATUS_FIELD,
        commented: false,
      },
    ]);
    expect(await events()).toEqual([
      {
        kind: 'delivery',
        status: 'delivered',
        at: '2026-11-28T02:15:02.000Z',
        detail: `250 2.6.0 Message received (${FIXTURE_SUPPLIER})`,
      },
    ]);
    expect(kintone.updates).toEqual([{ ...KEY, values: { [STATUS_FIELD]: '配信済' } }]);
    expect(kintone.comments).toEqual([]);
    expect(metrics.totals()).toEqual({});
  });

  it('records a bounce as 不達 and, with no fax to fall back to, marks the order 要対応', async () => {
    // Prepare
    const { kintone, metrics, send, events } = await harness();

    // Act
    await send(snsEvent(bounceEvent(ORDER_NUMBER)));

    // Assess: the email was the only channel, so nobody has the order; staff must call.
    expect(await events()).toEqual([
      {
        kind: 'delivery',
        status: 'bounced',
        at: '2026-11-28T02:15:03.000Z',
        detail: BOUNCE_DETAIL,
      },
      {
        kind: 'needs-attention',
        at: NOW_ISO,
        reason: attentionReason(`メール不達: ${BOUNCE_DETAIL}`),
      },
      { kind: 'written-back', at: NOW_ISO, lineIds: ['7'] },
    ]);
    expect(kintone.updates).toEqual([
      { ...KEY, values: { [STATUS_FIELD]: '不達' } },
      attentionWrite(`メール不達: ${BOUNCE_DETAIL}`),
    ]);
    expect(kintone.comments).toEqual([attentionComment(`メール不達: ${BOUNCE_DETAIL}`)]);
    expect(metrics.totals()).toEqual({ EmailBounces: 1, OrdersNeedingAttention: 1 });
  });

  it('records a complaint as 苦情 with a comment, and nothing more: the email did arrive', async () => {
    // Prepare
    const { kintone, metrics, send, events, last } = await harness();

    // Act
    await send(snsEvent(complaintEvent(ORDER_NUMBER)));

    // Assess
    expect((await last('delivery'))?.status).toBe('complained');
    expect((await events()).map((event) => event.kind)).toEqual(['delivery']);
    expect(kintone.updates).toEqual([{ ...KEY, values: { [STATUS_FIELD]: '苦情' } }]);
    expect(kintone.comments).toEqual([
      {
        ...KEY,
        text:
          `発注依頼 ${ORDER_NUMBER} のメールは届きましたが、受信者が迷惑メールとして報告しました: 苦情 (abuse), ${FIXTURE_SUPPLIER}\n` +
          '仕入先に連絡し、発注依頼を受け取れる宛先を確認してください。',
      },
    ]);
    expect(metrics.totals()).toEqual({});
  });

  it('records a reject as 拒否 and, with no fax to fall back to, marks the order 要対応', async () => {
    // Prepare
    const { kintone, metrics, send, last } = await harness();
    const detail = `Bad content (${FIXTURE_SUPPLIER})`;

    // Act
    await send(snsEvent(rejectEvent(ORDER_NUMBER)));

    // Assess
    expect(await last('delivery')).toMatchObject({ status: 'rejected', detail });
    expect(await last('needs-attention')).toMatchObject({ at: NOW_ISO });
    expect(kintone.updates).toEqual([
      { ...KEY, values: { [STATUS_FIELD]: '拒否' } },
      attentionWrite(`メール不達: ${detail}`),
    ]);
    // One story: the 要対応 comment says what failed and that staff must contact the supplier.
    expect(kintone.comments).toEqual([attentionComment(`メール不達: ${detail}`)]);
    expect(metrics.totals()).toEqual({ OrdersNeedingAttention: 1 });
  });

  it('moves from 配信済 to 苦情 when a complaint follows the delivery', async () => {
    // Prepare
    const { kintone, send, last } = await harness();

    // Act
    await send(snsEvent(deliveryEvent(ORDER_NUMBER)));
    await send(snsEvent(complaintEvent(ORDER_NUMBER)));

    // Assess
    expect((await last('delivery'))?.status).toBe('complained');
    expect(kintone.updates.map((u) => u.values[STATUS_FIELD])).toEqual(['配信済', '苦情']);
  });

  it('keeps a bounce when the Delivery event arrives after it', async () => {
    // Prepare
    const { kintone, send, last } = await harness();
    await send(snsEvent(bounceEvent(ORDER_NUMBER)));

    // Act
    const [outcome] = await send(snsEvent(deliveryEvent(ORDER_NUMBER)));

    // Assess
    expect(outcome?.result).toBe('superseded');
    expect((await last('delivery'))?.status).toBe('bounced');
    expect(kintone.updates).toEqual([
      { ...KEY, values: { [STATUS_FIELD]: '不達' } },
      attentionWrite(`メール不達: ${BOUNCE_DETAIL}`),
    ]);
  });

  it('ignores an event older than the recorded one', async () => {
    // Prepare
    const { kintone, send, last } = await harness();
    await send(snsEvent(complaintEvent(ORDER_NUMBER, '2026-11-28T06:00:00.000Z')));

    // Act
    const [outcome] = await send(
      snsEvent(bounceEvent(ORDER_NUMBER, { at: '2026-11-28T02:15:03.000Z' })),
    );

    // Assess
    expect(outcome?.result).toBe('superseded');
    expect((await last('delivery'))?.status).toBe('complained');
    expect(kintone.comments).toHaveLength(1);
  });

  it('does nothing more for the same event delivered twice by SNS', async () => {
    // Prepare
    const { kintone, metrics, send } = await harness();
    const bounce = bounceEvent(ORDER_NUMBER);

    // Act
    await send(snsEvent(bounce));
    const [again] = await send(snsEvent(bounce));

    // Assess
    expect(again?.result).toBe('duplicate');
    expect(kintone.updates).toEqual([
      { ...KEY, values: { [STATUS_FIELD]: '不達' } },
      attentionWrite(`メール不達: ${BOUNCE_DETAIL}`),
    ]);
    expect(kintone.comments).toEqual([attentionComment(`メール不達: ${BOUNCE_DETAIL}`)]);
    expect(metrics.totals()).toEqual({ EmailBounces: 1, OrdersNeedingAttention: 1 });
  });

  it('writes the status field only when it changes, but comments on every new failure', async () => {
    // Prepare
    const { kintone, send, last } = await harness();
    await send(snsEvent(bounceEvent(ORDER_NUMBER)));

    // Act
    await send(
      snsEvent(
        bounceEvent(ORDER_NUMBER, {
          bounceType: 'Transient',
          subType: 'MailboxFull',
          at: '2026-11-28T03:00:00.000Z',
        }),
      ),
    );

    // Assess: 要対応 was reported once, with the first bounce; the second only comments.
    expect(kintone.updates).toEqual([
      { ...KEY, values: { [STATUS_FIELD]: '不達' } },
      attentionWrite(`メール不達: ${BOUNCE_DETAIL}`),
    ]);
    expect(kintone.comments.map((comment) => comment.text)).toEqual([
      `【要対応】${attentionReason(`メール不達: ${BOUNCE_DETAIL}`)}`,
      expect.stringContaining('不達 (Transient/MailboxFull'),
    ]);
    expect((await last('delivery'))?.detail).toContain('Transient/MailboxFull');
  });

  it('comments on a bounce but writes no field when writeBack.deliveryStatus is not mapped', async () => {
    // Prepare
    const { kintone, send, last } = await harness(config(null));

    // Act
    await send(snsEvent(bounceEvent(ORDER_NUMBER)));

    // Assess
    expect(kintone.updates).toEqual([attentionWrite(`メール不達: ${BOUNCE_DETAIL}`)]);
    expect(kintone.comments).toEqual([attentionComment(`メール不達: ${BOUNCE_DETAIL}`)]);
    expect((await last('delivery'))?.status).toBe('bounced');
  });

  it('keeps the status in the bridge only when the kintone record was deleted', async () => {
    // Prepare
    const { kintone, metrics, send, events, logger } = await harness();
    kintone.deletedRecords.add(KEY.recordId);

    // Act
    await send(snsEvent(bounceEvent(ORDER_NUMBER)));

    // Assess: the operators' alarm still counts the order nobody has.
    expect(kintone.updates).toEqual([]);
    expect(kintone.comments).toEqual([]);
    expect((await events()).map((event) => event.kind)).toEqual([
      'delivery',
      'needs-attention',
      'written-back',
    ]);
    expect(metrics.totals()).toEqual({ EmailBounces: 1, OrdersNeedingAttention: 1 });
    expect(
      logger.withMessage('kintone records deleted: the order was not written to them'),
    ).not.toHaveLength(0);
  });

  it('writes the status to each open line’s record and comments once per record', async () => {
    // Prepare: lines on records 7, 8 and 9; the goods of record 9's line arrived already.
    const { orders, kintone, send } = await harness(config(null));
    const multi = order();
    multi.lines = ['7', '8', '9'].map((recordId) => orderLine({ recordId }));
    multi.log.push({ kind: 'line-closed', at: NOW_ISO, lineId: '9', status: '入荷済' });
    orders.orders.set(ORDER_NUMBER, multi);
    const withStatus = await harness();
    withStatus.orders.orders.set(ORDER_NUMBER, structuredClone(multi));

    // Act
    await send(snsEvent(complaintEvent(ORDER_NUMBER)));
    await withStatus.send(snsEvent(deliveryEvent(ORDER_NUMBER)));

    // Assess
    expect(kintone.comments.map((comment) => comment.recordId)).toEqual(['7', '8']);
    expect(withStatus.kintone.bulkUpdates).toEqual([
      {
        appId: '12',
        records: [
          { recordId: '7', values: { [STATUS_FIELD]: '配信済' } },
          { recordId: '8', values: { [STATUS_FIELD]: '配信済' } },
        ],
      },
    ]);
  });

  it('logs and skips unknown orders, untagged emails, other event types and non-SES messages', async () => {
    // Prepare
    const { kintone, metrics, logger, send } = await harness();

    // Act
    const outcomes = await send(
      snsEvent(
        bounceEvent('PO-20990101-0001'),
        deliveryEvent(undefined),
        sendEvent(ORDER_NUMBER),
        { eventType: 'DeliveryDelay', mail: { tags: { orderNumber: [ORDER_NUMBER] } } },
        'not json',
        { hello: 'world' },
      ),
    );

    // Assess
    expect(outcomes.map((o) => o.result)).toEqual(['unknown-order', 'no-order-number']);
    expect(kintone.updates).toEqual([]);
    expect(kintone.comments).toEqual([]);
    expect(logger.withMessage('SES event for an unknown order skipped')).toHaveLength(1);
    expect(logger.withMessage('SES event without an order number tag skipped')).toHaveLength(1);
    expect(logger.withMessage('SES event type not recorded')).toHaveLength(2);
    expect(logger.withMessage('SNS message skipped: it is not an SES event')).toHaveLength(2);
    expect(metrics.totals()).toEqual({ EmailBounces: 1 });
  });

  it('throws when kintone fails, so Lambda retries, and the retry completes the work', async () => {
    // Prepare
    const { kintone, logger, send, events } = await harness();
    kintone.commentFailures.push(new Error('kintone 503'));
    const event = snsEvent(bounceEvent(ORDER_NUMBER));

    // Act
    const failed = send(event);
    await expect(failed).rejects.toThrow('kintone 503');
    const afterFailure = (await events()).map((e) => e.kind);
    await send(event);

    // Assess
    // The bounce was recorded; telling staff (要対応) failed and is redone by the retry.
    expect(afterFailure).toEqual(['delivery']);
    expect(logger.withMessage('SES event failed; Lambda will retry it')).toHaveLength(1);
    expect((await events()).map((e) => e.kind)).toEqual([
      'delivery',
      'needs-attention',
      'written-back',
    ]);
    expect(kintone.comments).toEqual([attentionComment(`メール不達: ${BOUNCE_DETAIL}`)]);
    expect(kintone.updates).toEqual([
      { ...KEY, values: { [STATUS_FIELD]: '不達' } },
      attentionWrite(`メール不達: ${BOUNCE_DETAIL}`),
      attentionWrite(`メール不達: ${BOUNCE_DETAIL}`),
    ]);
  });

  it('reports 要対応 on the retry when writing it failed after the bounce was recorded', async () => {
    // Prepare: without a status field, the first field write is the 要対応 one; it fails once.
    const { kintone, metrics, send, events } = await harness(config(null));
    kintone.updateFailures.push(new Error('kintone 503'));
    const event = snsEvent(bounceEvent(ORDER_NUMBER));

    // Act
    await expect(send(event)).rejects.toThrow('kintone 503');
    const afterFailure = (await events()).map((e) => e.kind);
    const [retried] = await send(event);

    // Assess: the bounce was already recorded, yet the retry still tells staff, once.
    expect(afterFailure).toEqual(['delivery']);
    expect(retried?.result).toBe('duplicate');
    expect((await events()).map((e) => e.kind)).toEqual([
      'delivery',
      'needs-attention',
      'written-back',
    ]);
    expect(kintone.updates).toEqual([attentionWrite(`メール不達: ${BOUNCE_DETAIL}`)]);
    expect(kintone.comments).toEqual([attentionComment(`メール不達: ${BOUNCE_DETAIL}`)]);
    expect(metrics.total('OrdersNeedingAttention')).toBe(1);
  });
});

describe('ses-events handler: fax fallback', () => {
  it('faxes the order once after a hard bounce when the supplier has a fax, and does not mark it 要対応', async () => {
    // Prepare
    const { gateway, kintone, metrics, send, stored, events } = await faxHarness();

    // Act
    const [outcome] = await send(snsEvent(bounceEvent(ORDER_NUMBER)));

    // Assess
    expect(outcome).toEqual({
      orderNumber: ORDER_NUMBER,
      status: 'bounced',
      result: 'recorded',
      wroteField: STATUS_FIELD,
      commented: true,
    });
    expect(gateway.sent).toEqual([
      {
        to: '+81312345678',
        pdf: FAKE_PDF,
        fileName: `${ORDER_NUMBER}.pdf`,
        orderNumber: ORDER_NUMBER,
      },
    ]);
    const fax = { kind: 'fax', number: '+81312345678', national: '0312345678' } as const;
    expect(channelsOf(await stored())).toEqual([{ kind: 'email', address: FIXTURE_SUPPLIER }, fax]);
    expect(await events()).toEqual([
      {
        kind: 'delivery',
        status: 'bounced',
        at: '2026-11-28T02:15:03.000Z',
        detail: BOUNCE_DETAIL,
      },
      { kind: 'channel-added', at: NOW_ISO, channel: fax },
      { kind: 'fax-sent', at: NOW_ISO, faxId: 'fax-1', gateway: 'recording' },
    ]);
    expect(kintone.updates).toEqual([{ ...KEY, values: { [STATUS_FIELD]: '不達' } }]);
    expect(kintone.comments).toEqual([{ ...KEY, text: FAX_FALLBACK_COMMENT }]);
    expect(metrics.totals()).toEqual({ EmailBounces: 1, FaxesSent: 1 });
  });

  it('sends no second fax when SNS delivers the same bounce twice', async () => {
    // Prepare
    const { gateway, kintone, send } = await faxHarness();
    const bounce = bounceEvent(ORDER_NUMBER);
    await send(snsEvent(bounce));

    // Act
    const [again] = await send(snsEvent(bounce));

    // Assess
    expect(again?.result).toBe('duplicate');
    expect(gateway.sent).toHaveLength(1);
    expect(kintone.comments.map((comment) => comment.text)).toEqual([FAX_FALLBACK_COMMENT]);
  });

  it('sends no second fax for a later bounce of the same email', async () => {
    // Prepare
    const { gateway, send } = await faxHarness();
    await send(snsEvent(bounceEvent(ORDER_NUMBER)));

    // Act
    await send(
      snsEvent(bounceEvent(ORDER_NUMBER, { subType: 'NoEmail', at: '2026-11-28T03:00:00.000Z' })),
    );

    // Assess
    expect(gateway.sent).toHaveLength(1);
  });

  it('faxes on a reject too: the email never left SES', async () => {
    // Prepare
    const { gateway, kintone, send } = await faxHarness();

    // Act
    await send(snsEvent(rejectEvent(ORDER_NUMBER)));

    // Assess
    expect(gateway.sent.map((fax) => fax.to)).toEqual(['+81312345678']);
    expect(kintone.comments).toEqual([
      { ...KEY, text: FAX_FALLBACK_COMMENT.replace(/不達 \([^)]*\)/, '拒否 (Bad content)') },
    ]);
  });

  it('does not fall back to fax after a complaint: the email did arrive', async () => {
    // Prepare
    const { gateway, kintone, metrics, send, stored } = await faxHarness();

    // Act
    await send(snsEvent(complaintEvent(ORDER_NUMBER)));

    // Assess
    expect(gateway.sent).toEqual([]);
    expect(channelsOf(await stored())).toEqual([{ kind: 'email', address: FIXTURE_SUPPLIER }]);
    expect(kintone.comments).toHaveLength(1);
    expect(kintone.comments[0]?.text).toContain('迷惑メールとして報告');
    expect(metrics.totals()).toEqual({});
  });

  it('does not fall back to fax after a delivery', async () => {
    // Prepare
    const { gateway, send } = await faxHarness();

    // Act
    await send(snsEvent(deliveryEvent(ORDER_NUMBER)));

    // Assess
    expect(gateway.sent).toEqual([]);
  });

  it('sends the fax on the retry after the gateway failed for a while, and only one', async () => {
    // Prepare
    const { gateway, kintone, send, last } = await faxHarness();
    gateway.failures.push(sendFailure('Phaxio answered 503', { retryable: true }));
    const event = snsEvent(bounceEvent(ORDER_NUMBER));

    // Act
    await expect(send(event)).rejects.toThrow('Phaxio answered 503');
    await send(event);
    await send(event);

    // Assess
    expect(gateway.sent).toHaveLength(1);
    expect((await last('delivery'))?.status).toBe('bounced');
    expect((await last('fax-sent'))?.faxId).toBe('fax-1');
    expect(kintone.comments.map((comment) => comment.text)).toEqual([FAX_FALLBACK_COMMENT]);
  });

  it('marks the order 要対応 with both reasons when the gateway refuses the fallback fax', async () => {
    // Prepare
    const { gateway, kintone, metrics, send, last } = await faxHarness();
    gateway.failures.push(sendFailure('Phaxio: invalid number', { retryable: false }));
    const failures = `メール不達: ${BOUNCE_DETAIL}、FAX送信失敗: Phaxio: invalid number`;

    // Act
    await send(snsEvent(bounceEvent(ORDER_NUMBER)));

    // Assess
    expect(gateway.sent).toEqual([]);
    expect(await last('fax-status')).toMatchObject({
      status: 'failed',
      detail: 'Phaxio: invalid number',
    });
    expect((await last('needs-attention'))?.reason).toBe(attentionReason(failures));
    expect(kintone.updates).toEqual([
      { ...KEY, values: { [STATUS_FIELD]: '不達' } },
      attentionWrite(failures),
    ]);
    expect(kintone.comments).toEqual([attentionComment(failures)]);
    expect(metrics.totals()).toEqual({ EmailBounces: 1, OrdersNeedingAttention: 1 });
  });
});
