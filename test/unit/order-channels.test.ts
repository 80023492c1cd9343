import fc from 'fast-check';
import type { OrderRequest } from '../../shared/domain/order';
import { DEFAULT_TAX_RULES } from '../../shared/domain/pricing';
import {
  channelsOf,
  channelState,
  type OrderEvent,
  type PurchaseOrder,
} from '../../shared/domain/purchase-order';
import {
  addFaxFallback,
  allChannelsFailed,
  channelFailures,
  describeChannels,
  sendOrderOnChannels,
  type ChannelDeps,
} from '../../shared/use-cases/order-channels';
import type { FaxGateway, OutgoingFax, SentFax } from '../../shared/ports/fax-gateway';
import type { OrderMailer, SentMail } from '../../shared/ports/order-mailer';
import {
  FAKE_PDF,
  RecordingFaxGateway,
  recordingFaxSending,
  sendFailure,
} from '../fakes/recording-fax-gateway';
import { RecordingLogger } from '../fakes/recording-logger';
import { RecordingMetrics } from '../fakes/recording-metrics';
import { RecordingOrderMailer } from '../fakes/recording-order-mailer';
import {
  EMAIL,
  EMAIL_CHANNEL,
  eventsAfterSeal,
  FAX_CHANNEL,
  ORDER_NUMBER,
  orderLine,
  PurchaseOrderBook,
  sealedOrder,
  SUPPLIER_EMAIL_ONLY,
  SUPPLIER_WITH_FAX,
} from '../support/purchase-orders';

const NOW_ISO = '2026-11-28T02:15:30.000Z';
const WITH_FAX = SUPPLIER_WITH_FAX;
const EMAIL_ONLY = SUPPLIER_EMAIL_ONLY;

/** A sealed order as the due orders' send takes it. */
function order(
  options: {
    channels?: PurchaseOrder['channels'];
    supplier?: PurchaseOrder['supplier'];
    log?: OrderEvent[];
  } = {},
): PurchaseOrder {
  return sealedOrder(options);
}

async function harness(
  stored: PurchaseOrder,
  options: { mailer?: OrderMailer | null; gateway?: FaxGateway | null } = {},
) {
  const orders = new PurchaseOrderBook(stored);
  const mailer = new RecordingOrderMailer();
  const gateway = new RecordingFaxGateway();
  const metrics = new RecordingMetrics();
  const logger = new RecordingLogger();
  const usedMailer = options.mailer === undefined ? mailer : options.mailer;
  const usedGateway = options.gateway === undefined ? gateway : options.gateway;
  const deps: ChannelDeps = {
    orders,
    logger,
    metrics,
    now: () => new Date(NOW_ISO),
    documents: { tax: DEFAULT_TAX_RULES, timeZone: 'Asia/Tokyo' },
    ...(usedMailer ? { mailer: usedMailer } : {}),
    ...(usedGateway ? { fax: recordingFaxSending(usedGateway) } : {}),
  };
  const current = async (): Promise<PurchaseOrder> => orders.current(ORDER_NUMBER);
  return { orders, order: orders.current(), mailer, gateway, metrics, logger, deps, current };
}

describe('sendOrderOnChannels', () => {
  it('sends on both channels and appends each outcome', async () => {
    // Prepare
    const h = await harness(order({ channels: [EMAIL_CHANNEL, FAX_CHANNEL] }));

    // Act
    const report = await sendOrderOnChannels(h.order, h.deps);

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
    expect(eventsAfterSeal(report.order)).toEqual([
      { kind: 'email-sent', at: NOW_ISO, messageId: 'message-1' },
      { kind: 'fax-sent', at: NOW_ISO, faxId: 'fax-1', gateway: 'recording' },
    ]);
    expect(await h.current()).toEqual(report.order);
    expect(h.metrics.totals()).toEqual({ EmailsSent: 1, FaxesSent: 1 });
  });

  it('sends the document view of the sealed order: its lines, date and link', async () => {
    // Prepare
    const lines = [
      orderLine({ recordId: '7' }),
      orderLine({ recordId: '8', sku: 'A-101', name: '赤', quantity: 12 }),
    ];
    const sealed = sealedOrder({ lines });
    sealed.log[1] = {
      kind: 'sealed',
      at: '2026-11-28T02:15:00.000Z',
      orderDate: '2026-11-28',
      supplierPageUrl: 'https://orders.example.jp/o/abc',
    };
    const h = await harness(sealed);

    // Act
    await sendOrderOnChannels(h.order, h.deps);

    // Assess
    expect(h.mailer.sent).toHaveLength(1);
    expect(h.mailer.sent[0]).toMatchObject({
      orderNumber: ORDER_NUMBER,
      orderDate: '2026-11-28',
      desiredDeliveryDate: '2026-12-01',
      supplierPageUrl: 'https://orders.example.jp/o/abc',
      lines: [
        { lineId: '7', sku: 'A-100', quantity: 84 },
        { lineId: '8', sku: 'A-101', quantity: 12 },
      ],
    });
  });

  it('appends a permanent email failure and falls back to fax in the same call', async () => {
    // Prepare
    const h = await harness(order());
    h.mailer.failures.push(sendFailure('Email address is not verified', { retryable: false }));

    // Act
    const report = await sendOrderOnChannels(h.order, h.deps);

    // Assess
    expect(report).toMatchObject({ emailed: false, faxed: true });
    expect(channelsOf(report.order)).toEqual([EMAIL_CHANNEL, FAX_CHANNEL]);
    expect(eventsAfterSeal(report.order)).toEqual([
      { kind: 'email-failed', at: NOW_ISO, detail: 'Email address is not verified' },
      { kind: 'channel-added', at: NOW_ISO, channel: FAX_CHANNEL },
      { kind: 'fax-sent', at: NOW_ISO, faxId: 'fax-1', gateway: 'recording' },
    ]);
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
    const report = await sendOrderOnChannels(h.order, h.deps);

    // Assess
    expect(report).toMatchObject({ emailed: false, faxed: false });
    expect(channelsOf(report.order)).toEqual([EMAIL_CHANNEL]);
    expect(h.gateway.sent).toEqual([]);
    expect(allChannelsFailed(report.order)).toBe(true);
    expect(channelFailures(report.order)).toEqual(['メール送信不可: MessageRejected']);
  });

  it('does not fall back when no fax gateway is configured', async () => {
    // Prepare
    const h = await harness(order(), { gateway: null });
    h.mailer.failures.push(sendFailure('MessageRejected', { retryable: false }));

    // Act
    const report = await sendOrderOnChannels(h.order, h.deps);

    // Assess
    expect(channelsOf(report.order)).toEqual([EMAIL_CHANNEL]);
    expect(allChannelsFailed(report.order)).toBe(true);
  });

  it.each([
    ['retryable: true', sendFailure('SES throttled', { retryable: true })],
    ['no retryable flag', new Error('SES throttled')],
  ])('throws a temporary email failure (%s) and appends nothing for it', async (_what, failure) => {
    // Prepare
    const h = await harness(order({ channels: [EMAIL_CHANNEL, FAX_CHANNEL] }));
    h.mailer.failures.push(failure);

    // Act
    const sending = sendOrderOnChannels(h.order, h.deps);

    // Assess: the fax waits too, so the retry sends both in their order.
    await expect(sending).rejects.toBe(failure);
    expect(eventsAfterSeal(await h.current())).toEqual([]);
    expect(h.gateway.sent).toEqual([]);
  });

  it('sends only what is pending on the rerun after a temporary fax failure', async () => {
    // Prepare
    const h = await harness(order({ channels: [EMAIL_CHANNEL, FAX_CHANNEL] }));
    h.gateway.failures.push(sendFailure('Phaxio answered 503', { retryable: true }));
    await expect(sendOrderOnChannels(h.order, h.deps)).rejects.toThrow('Phaxio answered 503');
    const afterFailure = await h.current();

    // Act
    const report = await sendOrderOnChannels(afterFailure, h.deps);
    const again = await sendOrderOnChannels(report.order, h.deps);

    // Assess
    expect(eventsAfterSeal(afterFailure)).toEqual([
      { kind: 'email-sent', at: NOW_ISO, messageId: 'message-1' },
    ]);
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
    await expect(sendOrderOnChannels(h.order, h.deps)).rejects.toThrow('Phaxio answered 502');

    // Act
    const report = await sendOrderOnChannels(await h.current(), h.deps);

    // Assess
    expect(report.faxed).toBe(true);
    expect(channelsOf(report.order)).toEqual([EMAIL_CHANNEL, FAX_CHANNEL]);
    expect(h.mailer.sent).toEqual([]);
    expect(h.gateway.sent).toHaveLength(1);
  });

  it('appends a fax the gateway refuses as failed, without throwing', async () => {
    // Prepare
    const h = await harness(order({ channels: [FAX_CHANNEL] }));
    h.gateway.failures.push(sendFailure('Phaxio: invalid number', { retryable: false }));

    // Act
    const report = await sendOrderOnChannels(h.order, h.deps);

    // Assess
    expect(report).toMatchObject({ emailed: false, faxed: false });
    expect(eventsAfterSeal(report.order)).toEqual([
      { kind: 'fax-status', at: NOW_ISO, status: 'failed', detail: 'Phaxio: invalid number' },
    ]);
    expect(channelFailures(report.order)).toEqual(['FAX送信失敗: Phaxio: invalid number']);
    expect(allChannelsFailed(report.order)).toBe(true);
    expect(h.logger.withMessage('order request fax refused')).toHaveLength(1);
  });

  it('lets email channels wait where no mailer is given (the fax callback)', async () => {
    // Prepare
    const h = await harness(order({ channels: [EMAIL_CHANNEL, FAX_CHANNEL] }), { mailer: null });

    // Act
    const report = await sendOrderOnChannels(h.order, h.deps);

    // Assess
    expect(report).toMatchObject({ emailed: false, faxed: true });
    expect(channelState(report.order, 'email')).toEqual({ state: 'pending' });
  });

  it('refuses an order that is not sealed, sending nothing', async () => {
    // Prepare
    const gathering = order();
    gathering.log = gathering.log.filter((event) => event.kind !== 'sealed');
    const h = await harness(gathering);

    // Act
    const sending = sendOrderOnChannels(h.order, h.deps);

    // Assess
    await expect(sending).rejects.toThrow('is not sealed yet');
    expect(h.mailer.sent).toEqual([]);
    expect(h.orders.appended).toEqual([]);
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
    expect(channelsOf(second)).toEqual([EMAIL_CHANNEL, FAX_CHANNEL]);
    expect(channelsOf(await h.current())).toEqual([EMAIL_CHANNEL, FAX_CHANNEL]);
    expect(h.orders.kinds()).toEqual(['channel-added']);
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
    expect(channelsOf(result)).toEqual([EMAIL_CHANNEL]);
    expect(h.orders.appended).toEqual([]);
  });
});

describe('channelFailures and allChannelsFailed', () => {
  const emailed: OrderEvent = { kind: 'email-sent', at: NOW_ISO, messageId: 'm-1' };
  const bounced: OrderEvent[] = [
    emailed,
    {
      kind: 'delivery',
      at: NOW_ISO,
      status: 'bounced',
      detail: `Permanent/General (${EMAIL})`,
    },
  ];
  const delivery = (status: 'delivered' | 'complained'): OrderEvent => ({
    kind: 'delivery',
    at: NOW_ISO,
    status,
    detail: '',
  });
  const faxSent: OrderEvent = { kind: 'fax-sent', at: NOW_ISO, faxId: 'f-1', gateway: 'phaxio' };
  const both = [EMAIL_CHANNEL, FAX_CHANNEL];
  const cases: [string, PurchaseOrder, string[], boolean][] = [
    ['nothing sent yet', order(), [], false],
    ['the email sent', order({ log: [emailed] }), [], false],
    ['the email delivered', order({ log: [emailed, delivery('delivered')] }), [], false],
    [
      'the email complained about (it arrived)',
      order({ log: [emailed, delivery('complained')] }),
      [],
      false,
    ],
    [
      'the email bounced',
      order({ log: bounced }),
      [`メール不達: Permanent/General (${EMAIL})`],
      true,
    ],
    [
      'the email rejected',
      order({
        log: [
          emailed,
          { kind: 'delivery', at: NOW_ISO, status: 'rejected', detail: 'Bad content' },
        ],
      }),
      ['メール不達: Bad content'],
      true,
    ],
    [
      'the email refused by SES',
      order({ log: [{ kind: 'email-failed', at: NOW_ISO, detail: 'MessageRejected' }] }),
      ['メール送信不可: MessageRejected'],
      true,
    ],
    [
      'the email bounced and the fax sent',
      order({ channels: both, log: [...bounced, faxSent] }),
      [`メール不達: Permanent/General (${EMAIL})`],
      false,
    ],
    [
      'the email bounced and the fax delivered',
      order({
        channels: both,
        log: [...bounced, faxSent, { kind: 'fax-status', at: NOW_ISO, status: 'delivered' }],
      }),
      [`メール不達: Permanent/General (${EMAIL})`],
      false,
    ],
    [
      'the email bounced and the fax failed',
      order({
        channels: both,
        log: [
          ...bounced,
          faxSent,
          { kind: 'fax-status', at: NOW_ISO, status: 'failed', detail: 'No answer' },
        ],
      }),
      [`メール不達: Permanent/General (${EMAIL})`, 'FAX送信失敗: No answer'],
      true,
    ],
    [
      'the fax failed while the email was delivered',
      order({
        channels: both,
        log: [
          emailed,
          delivery('delivered'),
          { kind: 'fax-status', at: NOW_ISO, status: 'failed' },
        ],
      }),
      ['FAX送信失敗: '],
      false,
    ],
    [
      'the email bounced and the fallback fax added, not yet sent',
      order({ log: [...bounced, { kind: 'channel-added', at: NOW_ISO, channel: FAX_CHANNEL }] }),
      [`メール不達: Permanent/General (${EMAIL})`],
      false,
    ],
    ['an order without any channel', order({ channels: [] }), [], false],
  ];

  it.each(cases)('with %s', (_what, stored, failures, allFailed) => {
    expect(channelFailures(stored)).toEqual(failures);
    expect(allChannelsFailed(stored)).toBe(allFailed);
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

describe('sendOrderOnChannels: property', () => {
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
            await sendOrderOnChannels(await h.current(), h.deps);
            done = true;
          } catch (error) {
            expect(error).toMatchObject({ retryable: true });
          }
        }
        const final = await h.current();
        const rerun = await sendOrderOnChannels(final, h.deps);

        // Assess
        expect(mailer.sent.length).toBeLessThanOrEqual(1);
        expect(gateway.sent.length).toBeLessThanOrEqual(1);
        expect(rerun).toMatchObject({ emailed: false, faxed: false });
        const kinds = final.log.map((event) => event.kind);
        const count = (kind: OrderEvent['kind']) => kinds.filter((k) => k === kind).length;
        for (const channel of channelsOf(final)) {
          expect(channelState(final, channel.kind).state).not.toBe('pending');
          if (channel.kind === 'email') {
            expect(count('email-sent') + count('email-failed')).toBe(1);
            expect(mailer.sent).toHaveLength(count('email-sent'));
          } else {
            expect(count('fax-sent') + count('fax-status')).toBe(1);
            expect(gateway.sent).toHaveLength(count('fax-sent'));
          }
        }
        // The fallback is taken exactly when the email failed for good and there is a fax.
        const hasFax = channelsOf(final).some((channel) => channel.kind === 'fax');
        if (setup === 'email, supplier with fax') {
          expect(hasFax).toBe(count('email-failed') === 1);
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
