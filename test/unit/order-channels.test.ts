import fc from 'fast-check';
import type { OrderChannel } from '../../shared/domain/channels';
import type { SupplierContact } from '../../shared/domain/item';
import type { OrderRequest } from '../../shared/domain/order';
import {
  addFaxFallback,
  allChannelsFailed,
  channelFailures,
  channelsOf,
  describeChannels,
  sendPendingChannels,
  type ChannelDeps,
} from '../../shared/use-cases/order-channels';
import type { OrderSteps, StoredOrder } from '../../shared/ports/bridge-store';
import type { FaxGateway, OutgoingFax, SentFax } from '../../shared/ports/fax-gateway';
import type { OrderMailer, SentMail } from '../../shared/ports/order-mailer';
import { InMemoryBridgeStore } from '../fakes/in-memory-bridge-store';
import {
  FAKE_PDF,
  RecordingFaxGateway,
  recordingFaxSending,
  sendFailure,
} from '../fakes/recording-fax-gateway';
import { RecordingLogger } from '../fakes/recording-logger';
import { RecordingMetrics } from '../fakes/recording-metrics';
import { RecordingOrderMailer } from '../fakes/recording-order-mailer';

const ORDER_NUMBER = 'PO-20261128-0001';
const KEY = { appId: '12', recordId: '7' };
const NOW_ISO = '2026-11-28T02:15:00.000Z';
const EMAIL = 'order@sample-bungu.example.jp';
const EMAIL_CHANNEL: OrderChannel = { kind: 'email', address: EMAIL };
const FAX_CHANNEL: OrderChannel = { kind: 'fax', number: '+81312345678', national: '0312345678' };
const WITH_FAX: SupplierContact = {
  name: '株式会社サンプル文具',
  email: EMAIL,
  fax: '03-1234-5678',
};
const EMAIL_ONLY: SupplierContact = { name: '株式会社サンプル文具', email: EMAIL };

function request(supplier: SupplierContact): OrderRequest {
  return {
    orderNumber: ORDER_NUMBER,
    orderedAt: NOW_ISO,
    orderDate: '2026-11-28',
    desiredDeliveryDate: '2026-12-01',
    supplier,
    lines: [{ sku: 'A-100', name: 'ボールペン 黒 0.5mm', quantity: 84, unit: '本' }],
    company: {
      name: '株式会社デモ商事',
      address: '東京都千代田区丸の内1-1-1',
      phone: '03-0000-1111',
      email: 'purchasing@demo-shoji.example.jp',
    },
    reason: '在庫数 18 ≤ 発注点 20',
  };
}

/** An order as the dispatcher creates it; `channels: undefined` is an order from before fax. */
function order(
  options: { channels?: OrderChannel[]; supplier?: SupplierContact; steps?: OrderSteps } = {},
): StoredOrder {
  return {
    ...KEY,
    cycle: 1,
    status: 'open',
    ...('channels' in options
      ? options.channels && { channels: options.channels }
      : { channels: [EMAIL_CHANNEL] }),
    request: request(options.supplier ?? WITH_FAX),
    reflectedInKintone: false,
    createdAt: NOW_ISO,
    createdByNotificationId: 'n-1',
    steps: options.steps ?? {},
  };
}

async function harness(
  stored: StoredOrder,
  options: { mailer?: OrderMailer | null; gateway?: FaxGateway | null } = {},
) {
  const store = new InMemoryBridgeStore();
  const { order: created } = await store.createOrder(stored);
  const mailer = new RecordingOrderMailer();
  const gateway = new RecordingFaxGateway();
  const metrics = new RecordingMetrics();
  const logger = new RecordingLogger();
  const usedMailer = options.mailer === undefined ? mailer : options.mailer;
  const usedGateway = options.gateway === undefined ? gateway : options.gateway;
  const deps: ChannelDeps = {
    store,
    logger,
    metrics,
    now: () => new Date(NOW_ISO),
    ...(usedMailer ? { mailer: usedMailer } : {}),
    ...(usedGateway ? { fax: recordingFaxSending(usedGateway) } : {}),
  };
  const current = async (): Promise<StoredOrder> => {
    const found = await store.findOrderByNumber(ORDER_NUMBER);
    if (!found) throw new Error(`${ORDER_NUMBER} is not in the store`);
    return found;
  };
  return { store, order: created, mailer, gateway, metrics, logger, deps, current };
}

describe('sendPendingChannels', () => {
  it('sends on both channels and records each', async () => {
    // Prepare
    const h = await harness(order({ channels: [EMAIL_CHANNEL, FAX_CHANNEL] }));

    // Act
    const report = await sendPendingChannels(h.order, h.deps);

    // Assess
    expect(report).toMatchObject({ emailed: true, faxed: true });
    expect(h.mailer.sent.map((sent) => sent.orderNumber)).toEqual([ORDER_NUMBER]);
    expect(h.gateway.sent).toEqual([
      {
        to: '+81312345678',
        pdf: FAKE_PDF,
        fileName: `${ORDER_NUMBER}.pdf`,
        orderNumber: ORDER_NUMBER,
      },
    ]);
    expect(report.order.steps).toEqual({
      emailSentAt: NOW_ISO,
      emailMessageId: 'message-1',
      faxSentAt: NOW_ISO,
      faxId: 'fax-1',
      faxGateway: 'recording',
    });
    expect(await h.current()).toEqual(report.order);
    expect(h.metrics.totals()).toEqual({ EmailsSent: 1, FaxesSent: 1 });
  });

  it('records a permanent email failure and falls back to fax in the same call', async () => {
    // Prepare
    const h = await harness(order());
    h.mailer.failures.push(sendFailure('Email address is not verified', { retryable: false }));

    // Act
    const report = await sendPendingChannels(h.order, h.deps);

    // Assess
    expect(report).toMatchObject({ emailed: false, faxed: true });
    expect(report.order.channels).toEqual([EMAIL_CHANNEL, FAX_CHANNEL]);
    expect(report.order.steps).toEqual({
      emailFailedAt: NOW_ISO,
      emailFailure: 'Email address is not verified',
      faxSentAt: NOW_ISO,
      faxId: 'fax-1',
      faxGateway: 'recording',
    });
    expect(h.gateway.sent.map((fax) => fax.to)).toEqual(['+81312345678']);
    expect(allChannelsFailed(report.order)).toBe(false);
    expect(h.logger.withMessage('email failed: falling back to fax')).toHaveLength(1);
    expect(h.metrics.totals()).toEqual({ FaxesSent: 1 });
  });

  it('leaves every channel failed when the email fails for good and there is no fax', async () => {
    // Prepare
    const h = await harness(order({ supplier: EMAIL_ONLY }));
    h.mailer.failures.push(sendFailure('MessageRejected', { retryable: false }));

    // Act
    const report = await sendPendingChannels(h.order, h.deps);

    // Assess
    expect(report).toMatchObject({ emailed: false, faxed: false });
    expect(report.order.channels).toEqual([EMAIL_CHANNEL]);
    expect(h.gateway.sent).toEqual([]);
    expect(allChannelsFailed(report.order)).toBe(true);
    expect(channelFailures(report.order)).toEqual(['メール送信不可: MessageRejected']);
  });

  it('does not fall back when no fax gateway is configured', async () => {
    // Prepare
    const h = await harness(order(), { gateway: null });
    h.mailer.failures.push(sendFailure('MessageRejected', { retryable: false }));

    // Act
    const report = await sendPendingChannels(h.order, h.deps);

    // Assess
    expect(report.order.channels).toEqual([EMAIL_CHANNEL]);
    expect(allChannelsFailed(report.order)).toBe(true);
  });

  it.each([
    ['retryable: true', sendFailure('SES throttled', { retryable: true })],
    ['no retryable flag', new Error('SES throttled')],
  ])('throws a temporary email failure (%s) and records nothing for it', async (_what, failure) => {
    // Prepare
    const h = await harness(order({ channels: [EMAIL_CHANNEL, FAX_CHANNEL] }));
    h.mailer.failures.push(failure);

    // Act
    const sending = sendPendingChannels(h.order, h.deps);

    // Assess: the fax waits too, so the retry sends both in their order.
    await expect(sending).rejects.toBe(failure);
    expect((await h.current()).steps).toEqual({});
    expect(h.gateway.sent).toEqual([]);
  });

  it('sends only what is pending on the rerun after a temporary fax failure', async () => {
    // Prepare
    const h = await harness(order({ channels: [EMAIL_CHANNEL, FAX_CHANNEL] }));
    h.gateway.failures.push(sendFailure('Phaxio answered 503', { retryable: true }));
    await expect(sendPendingChannels(h.order, h.deps)).rejects.toThrow('Phaxio answered 503');
    const afterFailure = await h.current();

    // Act
    const report = await sendPendingChannels(afterFailure, h.deps);
    const again = await sendPendingChannels(report.order, h.deps);

    // Assess
    expect(afterFailure.steps).toEqual({ emailSentAt: NOW_ISO, emailMessageId: 'message-1' });
    expect(report).toMatchObject({ emailed: false, faxed: true });
    expect(again).toMatchObject({ emailed: false, faxed: false });
    expect(h.mailer.sent).toHaveLength(1);
    expect(h.gateway.sent).toHaveLength(1);
    expect(h.metrics.totals()).toEqual({ EmailsSent: 1, FaxesSent: 1 });
  });

  it('sends the fallback fax on the rerun when it failed for a while after the email failed', async () => {
    // Prepare
    const h = await harness(order());
    h.mailer.failures.push(sendFailure('MessageRejected', { retryable: false }));
    h.gateway.failures.push(sendFailure('Phaxio answered 502', { retryable: true }));
    await expect(sendPendingChannels(h.order, h.deps)).rejects.toThrow('Phaxio answered 502');

    // Act
    const report = await sendPendingChannels(await h.current(), h.deps);

    // Assess
    expect(report.faxed).toBe(true);
    expect(report.order.channels).toEqual([EMAIL_CHANNEL, FAX_CHANNEL]);
    expect(h.mailer.sent).toEqual([]);
    expect(h.gateway.sent).toHaveLength(1);
  });

  it('records a fax the gateway refuses as failed, without throwing', async () => {
    // Prepare
    const h = await harness(order({ channels: [FAX_CHANNEL] }));
    h.gateway.failures.push(sendFailure('Phaxio: invalid number', { retryable: false }));

    // Act
    const report = await sendPendingChannels(h.order, h.deps);

    // Assess
    expect(report).toMatchObject({ emailed: false, faxed: false });
    expect(report.order.steps).toEqual({
      faxStatus: 'failed',
      faxDetail: 'Phaxio: invalid number',
      faxStatusAt: NOW_ISO,
    });
    expect(channelFailures(report.order)).toEqual(['FAX送信失敗: Phaxio: invalid number']);
    expect(allChannelsFailed(report.order)).toBe(true);
    expect(h.logger.withMessage('order request fax refused')).toHaveLength(1);
  });

  it('lets email channels wait where no mailer is given (the fax callback)', async () => {
    // Prepare
    const h = await harness(order({ channels: [EMAIL_CHANNEL, FAX_CHANNEL] }), { mailer: null });

    // Act
    const report = await sendPendingChannels(h.order, h.deps);

    // Assess
    expect(report).toMatchObject({ emailed: false, faxed: true });
    expect(report.order.steps.emailSentAt).toBeUndefined();
    expect(report.order.steps.emailFailedAt).toBeUndefined();
  });

  it('emails an order stored before channels existed to the supplier’s address', async () => {
    // Prepare
    const h = await harness(order({ channels: undefined }));

    // Act
    const report = await sendPendingChannels(h.order, h.deps);

    // Assess
    expect(report).toMatchObject({ emailed: true, faxed: false });
    expect(h.gateway.sent).toEqual([]);
  });
});

describe('addFaxFallback', () => {
  it('adds the supplier’s fax once, however often it is called', async () => {
    // Prepare
    const h = await harness(order());

    // Act
    const first = await addFaxFallback(h.order, h.deps);
    const second = await addFaxFallback(first, h.deps);

    // Assess
    expect(second.channels).toEqual([EMAIL_CHANNEL, FAX_CHANNEL]);
    expect((await h.current()).channels).toEqual([EMAIL_CHANNEL, FAX_CHANNEL]);
    expect(h.store.calls.filter((call) => call.method === 'recordOrderStep')).toHaveLength(1);
  });

  it.each([
    ['the supplier has no fax', order({ supplier: EMAIL_ONLY }), {}],
    ['the fax number is invalid', order({ supplier: { ...WITH_FAX, fax: '03-1234' } }), {}],
    ['no gateway is configured', order(), { gateway: null }],
  ] as const)('adds nothing when %s', async (_why, stored, options) => {
    // Prepare
    const h = await harness(stored, options);

    // Act
    const result = await addFaxFallback(h.order, h.deps);

    // Assess
    expect(result.channels).toEqual([EMAIL_CHANNEL]);
    expect(h.store.calls.filter((call) => call.method === 'recordOrderStep')).toEqual([]);
  });
});

describe('channelFailures and allChannelsFailed', () => {
  const bounced: OrderSteps = {
    emailSentAt: NOW_ISO,
    deliveryStatus: 'bounced',
    deliveryDetail: 'Permanent/General (order@sample-bungu.example.jp)',
  };
  const cases: [string, StoredOrder, string[], boolean][] = [
    ['nothing sent yet', order(), [], false],
    ['the email sent', order({ steps: { emailSentAt: NOW_ISO } }), [], false],
    [
      'the email delivered',
      order({ steps: { emailSentAt: NOW_ISO, deliveryStatus: 'delivered' } }),
      [],
      false,
    ],
    [
      'the email complained about (it arrived)',
      order({ steps: { emailSentAt: NOW_ISO, deliveryStatus: 'complained' } }),
      [],
      false,
    ],
    [
      'the email bounced',
      order({ steps: bounced }),
      ['メール不達: Permanent/General (order@sample-bungu.example.jp)'],
      true,
    ],
    [
      'the email rejected',
      order({ steps: { deliveryStatus: 'rejected', deliveryDetail: 'Bad content' } }),
      ['メール不達: Bad content'],
      true,
    ],
    [
      'the email refused by SES (counted once, even when also rejected)',
      order({
        steps: {
          emailFailedAt: NOW_ISO,
          emailFailure: 'MessageRejected',
          deliveryStatus: 'rejected',
          deliveryDetail: 'Bad content',
        },
      }),
      ['メール送信不可: MessageRejected'],
      true,
    ],
    [
      'the email bounced and the fax sent',
      order({ channels: [EMAIL_CHANNEL, FAX_CHANNEL], steps: { ...bounced, faxSentAt: NOW_ISO } }),
      ['メール不達: Permanent/General (order@sample-bungu.example.jp)'],
      false,
    ],
    [
      'the email bounced and the fax delivered',
      order({
        channels: [EMAIL_CHANNEL, FAX_CHANNEL],
        steps: { ...bounced, faxSentAt: NOW_ISO, faxStatus: 'delivered' },
      }),
      ['メール不達: Permanent/General (order@sample-bungu.example.jp)'],
      false,
    ],
    [
      'the email bounced and the fax failed',
      order({
        channels: [EMAIL_CHANNEL, FAX_CHANNEL],
        steps: { ...bounced, faxStatus: 'failed', faxDetail: 'No answer' },
      }),
      ['メール不達: Permanent/General (order@sample-bungu.example.jp)', 'FAX送信失敗: No answer'],
      true,
    ],
    [
      'the fax failed while the email was delivered',
      order({
        channels: [EMAIL_CHANNEL, FAX_CHANNEL],
        steps: { emailSentAt: NOW_ISO, deliveryStatus: 'delivered', faxStatus: 'failed' },
      }),
      ['FAX送信失敗: '],
      false,
    ],
    [
      'a legacy order whose email bounced',
      order({ channels: undefined, steps: bounced }),
      ['メール不達: Permanent/General (order@sample-bungu.example.jp)'],
      true,
    ],
    [
      'a legacy order without an address (no channel at all)',
      order({ channels: undefined, supplier: { name: 'S' }, steps: bounced }),
      [],
      false,
    ],
  ];

  it.each(cases)('with %s', (_what, stored, failures, allFailed) => {
    expect(channelFailures(stored)).toEqual(failures);
    expect(allChannelsFailed(stored)).toBe(allFailed);
  });

  it('reads the channels of an order stored before channels existed from its supplier', () => {
    expect(channelsOf(order({ channels: undefined }))).toEqual([EMAIL_CHANNEL]);
    expect(channelsOf(order({ channels: undefined, supplier: { name: 'S' } }))).toEqual([]);
  });
});

describe('describeChannels', () => {
  it('names each channel as staff read it', () => {
    expect(describeChannels([EMAIL_CHANNEL, FAX_CHANNEL])).toBe(`メール ${EMAIL}、FAX 0312345678`);
  });
});

type Outcome = 'ok' | 'retryable' | 'permanent';

/** A mailer and gateway that play a script of per-attempt outcomes, then succeed. */
function scripted(outcomes: Outcome[]) {
  const script = [...outcomes];
  return async <T>(label: string, succeed: () => Promise<T>): Promise<T> => {
    const outcome = script.shift() ?? 'ok';
    if (outcome === 'ok') return succeed();
    throw sendFailure(`${label}: ${outcome}`, { retryable: outcome === 'retryable' });
  };
}

describe('sendPendingChannels: property', () => {
  it('never sends a channel twice and ends with every channel sent or failed, under any outcomes', async () => {
    // Prepare
    const setups = {
      'email, supplier without fax': order({ supplier: EMAIL_ONLY }),
      'email, supplier with fax': order(),
      'email and fax': order({ channels: [EMAIL_CHANNEL, FAX_CHANNEL] }),
      'fax only': order({ channels: [FAX_CHANNEL] }),
    };
    const outcomes = fc.array(fc.constantFrom<Outcome>('ok', 'retryable', 'permanent'), {
      maxLength: 6,
    });

    const property = fc.asyncProperty(
      fc.constantFrom(...(Object.keys(setups) as (keyof typeof setups)[])),
      outcomes,
      outcomes,
      async (setup, mailerOutcomes, gatewayOutcomes) => {
        const mailer = new RecordingOrderMailer();
        const gateway = new RecordingFaxGateway();
        const mail = scripted(mailerOutcomes);
        const fax = scripted(gatewayOutcomes);
        const h = await harness(setups[setup], {
          mailer: {
            sendOrderRequest: (sent: OrderRequest): Promise<SentMail> =>
              mail('SES', () => mailer.sendOrderRequest(sent)),
          },
          gateway: {
            sendFax: (sent: OutgoingFax): Promise<SentFax> =>
              fax('Phaxio', () => gateway.sendFax(sent)),
          },
        });

        // Act: rerun as the queue would, until a run completes.
        const maxRuns = mailerOutcomes.length + gatewayOutcomes.length + 1;
        let runs = 0;
        for (let done = false; !done;) {
          runs += 1;
          expect(runs).toBeLessThanOrEqual(maxRuns);
          try {
            await sendPendingChannels(await h.current(), h.deps);
            done = true;
          } catch (error) {
            expect(error).toMatchObject({ retryable: true });
          }
        }
        const final = await h.current();
        const rerun = await sendPendingChannels(final, h.deps);

        // Assess
        expect(mailer.sent.length).toBeLessThanOrEqual(1);
        expect(gateway.sent.length).toBeLessThanOrEqual(1);
        expect(rerun).toMatchObject({ emailed: false, faxed: false });
        const { steps } = final;
        for (const channel of channelsOf(final)) {
          if (channel.kind === 'email') {
            expect([steps.emailSentAt, steps.emailFailedAt].filter(Boolean)).toHaveLength(1);
            expect(mailer.sent).toHaveLength(steps.emailSentAt ? 1 : 0);
          } else {
            expect([steps.faxSentAt, steps.faxStatus].filter(Boolean)).toHaveLength(1);
            expect(gateway.sent).toHaveLength(steps.faxSentAt ? 1 : 0);
          }
        }
        // The fallback is taken exactly when the email failed for good and there is a fax.
        const hasFax = channelsOf(final).some((channel) => channel.kind === 'fax');
        if (setup === 'email, supplier with fax') {
          expect(hasFax).toBe(steps.emailFailedAt !== undefined);
        }
        if (setup === 'email, supplier without fax') expect(hasFax).toBe(false);
        expect(h.metrics.totals()).toEqual({
          ...(mailer.sent.length > 0 ? { EmailsSent: 1 } : {}),
          ...(gateway.sent.length > 0 ? { FaxesSent: 1 } : {}),
        });
      },
    );

    // Act & Assess: on a violation fast-check fails with the shrunk outcomes.
    await fc.assert(property, { numRuns: 300 });
  });
});
