import type { SNSEvent } from 'aws-lambda';
import { createSesEventsHandler } from '../../functions/ses-events/handler';
import { parseConfig } from '../../shared/config/load-config';
import type { BridgeConfig } from '../../shared/config/schema';
import type { StoredOrder } from '../../shared/ports/bridge-store';
import { CapturingLogger } from '../fakes/capturing-logger';
import { InMemoryBridgeStore } from '../fakes/in-memory-bridge-store';
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

const ORDER_NUMBER = 'PO-20261128-0001';
const KEY = { appId: '12', recordId: '7' };
const STATUS_FIELD = '配信状況';

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

function order(): StoredOrder {
  return {
    ...KEY,
    cycle: 1,
    status: 'open',
    request: {
      orderNumber: ORDER_NUMBER,
      orderedAt: '2026-11-28T02:15:00.000Z',
      orderDate: '2026-11-28',
      desiredDeliveryDate: '2026-12-01',
      supplier: { code: 'S-001', name: '株式会社サンプル文具', email: FIXTURE_SUPPLIER },
      lines: [{ sku: 'A-100', name: 'ボールペン 黒 0.5mm', quantity: 84, unit: '本' }],
      company: {
        name: '株式会社デモ商事',
        address: '東京都千代田区丸の内1-1-1',
        phone: '03-0000-1111',
        email: 'purchasing@demo-shoji.example.jp',
      },
      reason: '在庫数 18 ≤ 発注点 20',
    },
    reflectedInKintone: false,
    createdAt: '2026-11-28T02:15:00.000Z',
    createdByNotificationId: 'n-1',
    steps: { emailSentAt: '2026-11-28T02:15:01.000Z', emailMessageId: 'ses-1' },
  };
}

async function harness(appConfig: BridgeConfig = config()) {
  const store = new InMemoryBridgeStore();
  await store.createOrder(order());
  const kintone = new RecordingKintoneRecordWriter();
  const metrics = new RecordingMetrics();
  const logger = new CapturingLogger({ serviceName: 'test', logLevel: 'DEBUG' });
  const handler = createSesEventsHandler({
    config: appConfig,
    store,
    kintone,
    logger,
    metrics,
    now: () => new Date('2026-11-28T09:00:00.000Z'),
  });
  const send = (event: SNSEvent) => handler(event, lambdaContext);
  const steps = async () => (await store.findOrderByNumber(ORDER_NUMBER))?.steps;
  return { store, kintone, metrics, logger, send, steps };
}

describe('ses-events handler', () => {
  it('records a delivery on the order and as 配信済 in kintone, without a comment', async () => {
    // Prepare
    const { kintone, metrics, send, steps } = await harness();

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
    expect(await steps()).toMatchObject({
      deliveryStatus: 'delivered',
      deliveryAt: '2026-11-28T02:15:02.000Z',
      deliveryDetail: `250 2.6.0 Message received (${FIXTURE_SUPPLIER})`,
    });
    expect(kintone.updates).toEqual([{ ...KEY, values: { [STATUS_FIELD]: '配信済' } }]);
    expect(kintone.comments).toEqual([]);
    expect(metrics.totals()).toEqual({});
  });

  it('records a bounce as 不達 with a comment giving the reason and address, and counts it', async () => {
    // Prepare
    const { kintone, metrics, send, steps } = await harness();

    // Act
    await send(snsEvent(bounceEvent(ORDER_NUMBER)));

    // Assess
    expect(await steps()).toMatchObject({
      deliveryStatus: 'bounced',
      deliveryAt: '2026-11-28T02:15:03.000Z',
      deliveryDetail: `Permanent/General: smtp; 550 5.1.1 user unknown (${FIXTURE_SUPPLIER})`,
    });
    expect(kintone.updates).toEqual([{ ...KEY, values: { [STATUS_FIELD]: '不達' } }]);
    expect(kintone.comments).toEqual([
      {
        ...KEY,
        text:
          `発注依頼 ${ORDER_NUMBER} のメールを配信できませんでした: 不達 (Permanent/General: smtp; 550 5.1.1 user unknown), ${FIXTURE_SUPPLIER}\n` +
          '仕入先のメールアドレスを確認し、電話や FAX で発注を伝えてください。',
      },
    ]);
    expect(metrics.totals()).toEqual({ EmailBounces: 1 });
  });

  it.each([
    ['a complaint', complaintEvent(ORDER_NUMBER), 'complained', '苦情', '迷惑メールとして報告'],
    [
      'a reject',
      rejectEvent(ORDER_NUMBER),
      'rejected',
      '拒否',
      '配信できませんでした: 拒否 (Bad content)',
    ],
  ])('records %s with its status and a comment', async (_what, sesEvent, status, label, text) => {
    // Prepare
    const { kintone, metrics, send, steps } = await harness();

    // Act
    await send(snsEvent(sesEvent));

    // Assess
    expect((await steps())?.deliveryStatus).toBe(status);
    expect(kintone.updates).toEqual([{ ...KEY, values: { [STATUS_FIELD]: label } }]);
    expect(kintone.comments).toHaveLength(1);
    expect(kintone.comments[0]?.text).toContain(text);
    expect(kintone.comments[0]?.text).toContain(FIXTURE_SUPPLIER);
    expect(metrics.totals()).toEqual({});
  });

  it('moves from 配信済 to 苦情 when a complaint follows the delivery', async () => {
    // Prepare
    const { kintone, send, steps } = await harness();

    // Act
    await send(snsEvent(deliveryEvent(ORDER_NUMBER)));
    await send(snsEvent(complaintEvent(ORDER_NUMBER)));

    // Assess
    expect((await steps())?.deliveryStatus).toBe('complained');
    expect(kintone.updates.map((u) => u.values[STATUS_FIELD])).toEqual(['配信済', '苦情']);
  });

  it('keeps a bounce when the Delivery event arrives after it', async () => {
    // Prepare
    const { kintone, send, steps } = await harness();
    await send(snsEvent(bounceEvent(ORDER_NUMBER)));

    // Act
    const [outcome] = await send(snsEvent(deliveryEvent(ORDER_NUMBER)));

    // Assess
    expect(outcome?.result).toBe('superseded');
    expect((await steps())?.deliveryStatus).toBe('bounced');
    expect(kintone.updates).toHaveLength(1);
  });

  it('ignores an event older than the recorded one', async () => {
    // Prepare
    const { kintone, send, steps } = await harness();
    await send(snsEvent(complaintEvent(ORDER_NUMBER, '2026-11-28T06:00:00.000Z')));

    // Act
    const [outcome] = await send(
      snsEvent(bounceEvent(ORDER_NUMBER, { at: '2026-11-28T02:15:03.000Z' })),
    );

    // Assess
    expect(outcome?.result).toBe('superseded');
    expect((await steps())?.deliveryStatus).toBe('complained');
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
    expect(kintone.updates).toHaveLength(1);
    expect(kintone.comments).toHaveLength(1);
    expect(metrics.totals()).toEqual({ EmailBounces: 1 });
  });

  it('writes the status field only when it changes, but comments on every new failure', async () => {
    // Prepare
    const { kintone, send, steps } = await harness();
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

    // Assess
    expect(kintone.updates).toHaveLength(1);
    expect(kintone.comments).toHaveLength(2);
    expect(kintone.comments[1]?.text).toContain('Transient/MailboxFull');
    expect((await steps())?.deliveryDetail).toContain('Transient/MailboxFull');
  });

  it('comments on a bounce but writes no field when writeBack.deliveryStatus is not mapped', async () => {
    // Prepare
    const { kintone, send, steps } = await harness(config(null));

    // Act
    await send(snsEvent(bounceEvent(ORDER_NUMBER)));

    // Assess
    expect(kintone.updates).toEqual([]);
    expect(kintone.comments).toHaveLength(1);
    expect((await steps())?.deliveryStatus).toBe('bounced');
  });

  it('keeps the status in the bridge only when the kintone record was deleted', async () => {
    // Prepare
    const { store, kintone, send, steps } = await harness();
    await store.markDeleted(KEY, '2026-11-28T04:00:00.000Z');

    // Act
    await send(snsEvent(bounceEvent(ORDER_NUMBER)));

    // Assess
    expect(kintone.updates).toEqual([]);
    expect(kintone.comments).toEqual([]);
    expect((await steps())?.deliveryStatus).toBe('bounced');
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
    const { kintone, logger, send, steps } = await harness();
    kintone.commentFailures.push(new Error('kintone 503'));
    const event = snsEvent(bounceEvent(ORDER_NUMBER));

    // Act
    const failed = send(event);
    await expect(failed).rejects.toThrow('kintone 503');
    const stepsAfterFailure = await steps();
    await send(event);

    // Assess
    expect(stepsAfterFailure?.deliveryStatus).toBeUndefined();
    expect(logger.withMessage('SES event failed; Lambda will retry it')).toHaveLength(1);
    expect((await steps())?.deliveryStatus).toBe('bounced');
    expect(kintone.comments).toHaveLength(1);
    expect(kintone.updates.map((u) => u.values[STATUS_FIELD])).toEqual(['不達', '不達']);
  });
});
