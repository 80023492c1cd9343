import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createFaxStatusHandler } from '../../functions/fax-status/handler';
import { loadConfigFile } from '../../shared/config/load-config';
import type { OrderChannel } from '../../shared/domain/channels';
import { PHAXIO_ORDER_NUMBER_TAG, signPhaxioCallback } from '../../shared/edge/phaxio-callback';
import type { OrderEvent, PurchaseOrder } from '../../shared/domain/purchase-order';
import { CapturingLogger } from '../fakes/capturing-logger';
import { RecordingKintoneRecordWriter } from '../fakes/recording-kintone-writer';
import { RecordingMetrics } from '../fakes/recording-metrics';
import { httpApiEvent, lambdaContext } from '../support/api-gateway';
import { eventsAfterSeal, PurchaseOrderBook, sealedOrder } from '../support/purchase-orders';

const ORDER_NUMBER = 'PO-20261128-0001';
const KEY = { appId: '12', recordId: '7' };
const TOKEN = 'phaxio-callback-token-for-tests';
/** The callback URL as the bridge submitted it with the fax (query included, as Phaxio signs it). */
const CALLBACK_URL = 'https://bridge.example.jp/webhooks/fax?v=1';
const NOW_ISO = '2026-11-28T09:00:00.000Z';
const COMPLETED_AT = '2026-11-28T02:20:00.000Z';
const EMAIL = 'order@sample-bungu.example.jp';
const EMAIL_CHANNEL: OrderChannel = { kind: 'email', address: EMAIL };
const FAX_CHANNEL: OrderChannel = { kind: 'fax', number: '+81312345678', national: '0312345678' };
const FAX_FAILURE = 'No answer (lineError)';
const FAX_FAILED_COMMENT = `発注依頼 ${ORDER_NUMBER} のFAXを送信できませんでした: ${FAX_FAILURE}`;
const BOUNCE_DETAIL = `Permanent/General: smtp; 550 5.1.1 user unknown (${EMAIL})`;

const FAX_SENT: OrderEvent[] = [
  { kind: 'fax-sent', at: '2026-11-28T02:15:01.000Z', faxId: '123456', gateway: 'phaxio' },
];
const EMAIL_SENT: OrderEvent = {
  kind: 'email-sent',
  at: '2026-11-28T02:15:00.000Z',
  messageId: 'ses-1',
};
const EMAIL_BOUNCED: OrderEvent[] = [
  EMAIL_SENT,
  { kind: 'delivery', at: '2026-11-28T02:15:03.000Z', status: 'bounced', detail: BOUNCE_DETAIL },
];
const EMAIL_DELIVERED: OrderEvent[] = [
  EMAIL_SENT,
  {
    kind: 'delivery',
    at: '2026-11-28T02:15:02.000Z',
    status: 'delivered',
    detail: `250 2.6.0 Message received (${EMAIL})`,
  },
];

function order(log: OrderEvent[]): PurchaseOrder {
  return sealedOrder({
    orderNumber: ORDER_NUMBER,
    channels: [EMAIL_CHANNEL, FAX_CHANNEL],
    supplier: { name: '株式会社サンプル文具', email: EMAIL, fax: '03-1234-5678' },
    log,
  });
}

/** Phaxio's fax object (API v2) for a one-recipient send, as its callback carries it. */
function faxObject(
  status: 'success' | 'failure' | 'inprogress',
  orderNumber: string = ORDER_NUMBER,
): Record<string, unknown> {
  const failed = status === 'failure';
  return {
    id: 123456,
    direction: 'sent',
    num_pages: 1,
    status,
    is_test: false,
    created_at: '2026-11-28T11:15:01+09:00',
    caller_id: null,
    from_number: null,
    completed_at: '2026-11-28T11:20:00+09:00',
    cost: 7,
    tags: { [PHAXIO_ORDER_NUMBER_TAG]: orderNumber },
    recipients: [
      {
        phone_number: '+81312345678',
        status,
        retry_count: 0,
        completed_at: '2026-11-28T11:20:00+09:00',
        bitrate: 14400,
        resolution: 8040,
        error_type: failed ? 'lineError' : null,
        error_message: failed ? 'No answer' : null,
        error_id: failed ? 34 : null,
      },
    ],
    error_type: failed ? 'lineError' : null,
    error_message: failed ? 'No answer' : null,
    error_id: failed ? 34 : null,
  };
}

/** The form fields of Phaxio's send callback, in the order the emulator sends them. */
function callbackFields(fax: Record<string, unknown> | string): Record<string, string> {
  return {
    direction: 'sent',
    fax: typeof fax === 'string' ? fax : JSON.stringify(fax),
    is_test: 'false',
    success: String(typeof fax !== 'string' && fax.status === 'success'),
  };
}

interface CallbackOptions {
  /** `multipart` as Phaxio and the emulator send it (the default), or `urlencoded`. */
  encoding?: 'multipart' | 'urlencoded';
  /** Overrides the computed signature; null leaves the header out. */
  signature?: string | null;
  /** The URL the signature is computed over (the submitted callback URL unless told). */
  signedUrl?: string;
  token?: string;
}

/**
 * An API Gateway event for `POST /webhooks/fax` carrying a signed Phaxio callback. Like the
 * emulator, the form is serialised by the platform's own FormData encoder, so the multipart
 * boundary and part headers are what fetch puts on the wire.
 */
async function callbackEvent(
  fields: Record<string, string>,
  options: CallbackOptions = {},
): Promise<APIGatewayProxyEventV2> {
  const signature =
    options.signature === undefined
      ? signPhaxioCallback({
          url: options.signedUrl ?? CALLBACK_URL,
          fields,
          token: options.token ?? TOKEN,
        })
      : options.signature;
  let body: FormData | URLSearchParams;
  if (options.encoding === 'urlencoded') {
    body = new URLSearchParams(fields);
  } else {
    body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
  }
  const encoded = new Request(CALLBACK_URL, { method: 'POST', body });
  return rawEvent(
    Buffer.from(await encoded.arrayBuffer()),
    encoded.headers.get('content-type') ?? '',
    signature,
  );
}

function rawEvent(
  body: Buffer,
  contentType: string,
  signature: string | null,
): APIGatewayProxyEventV2 {
  const base = httpApiEvent({
    body: body.toString('base64'),
    isBase64Encoded: true,
    path: '/webhooks/fax',
  });
  return {
    ...base,
    routeKey: 'POST /webhooks/fax',
    rawQueryString: 'v=1',
    queryStringParameters: { v: '1' },
    headers: {
      ...base.headers,
      'content-type': contentType,
      'content-length': String(body.byteLength),
      'user-agent': 'Phaxio-Callback',
      // API Gateway keeps the case the client sent; the handler must not depend on it.
      ...(signature === null ? {} : { 'X-Phaxio-Signature': signature }),
    },
  };
}

async function harness(log: OrderEvent[]) {
  const orders = new PurchaseOrderBook(order(log));
  const kintone = new RecordingKintoneRecordWriter();
  const metrics = new RecordingMetrics();
  const logger = new CapturingLogger({ serviceName: 'test', logLevel: 'DEBUG' });
  const handler = createFaxStatusHandler({
    config: loadConfigFile('config/demo.json'),
    orders,
    kintone,
    logger,
    metrics,
    now: () => new Date(NOW_ISO),
    callback: async () => ({ callbackUrl: CALLBACK_URL, callbackToken: TOKEN }),
  });
  const send = async (event: APIGatewayProxyEventV2) => {
    const response = (await handler(event, lambdaContext)) as APIGatewayProxyStructuredResultV2;
    return { statusCode: response.statusCode, body: JSON.parse(String(response.body)) as unknown };
  };
  const stored = async () => orders.current(ORDER_NUMBER);
  /** What happened after the sends (the events after those the order started with). */
  const events = async () => eventsAfterSeal(await stored()).slice(log.length);
  return { orders, kintone, metrics, logger, send, stored, events };
}

function attentionReason(failures: string): string {
  return `発注依頼 ${ORDER_NUMBER} を送れませんでした (${failures})。仕入先に電話などで発注を伝えてください。`;
}

const BOTH_FAILED = attentionReason(`メール不達: ${BOUNCE_DETAIL}、FAX送信失敗: ${FAX_FAILURE}`);
const ATTENTION_WRITE = {
  ...KEY,
  values: {
    発注状況: '要対応',
    発注番号: ORDER_NUMBER,
    発注日時: '2026-11-28T02:15:00Z',
    発注理由: BOTH_FAILED,
  },
};

describe('fax-status handler: verified callbacks', () => {
  it.each(['multipart', 'urlencoded'] as const)(
    'records a delivered fax (%s) without writing to kintone',
    async (encoding) => {
      // Prepare
      const { kintone, metrics, send, events } = await harness([...EMAIL_BOUNCED, ...FAX_SENT]);

      // Act
      const response = await send(
        await callbackEvent(callbackFields(faxObject('success')), { encoding }),
      );

      // Assess
      expect(response).toEqual({
        statusCode: 200,
        body: { status: 'recorded', orderNumber: ORDER_NUMBER },
      });
      expect(await events()).toEqual([
        { kind: 'fax-status', at: COMPLETED_AT, status: 'delivered' },
      ]);
      expect(kintone.updates).toEqual([]);
      expect(kintone.comments).toEqual([]);
      expect(metrics.totals()).toEqual({});
    },
  );

  it('marks the order 要対応 when the fax failed and the email had failed too', async () => {
    // Prepare
    const { kintone, metrics, logger, send, events } = await harness([
      ...EMAIL_BOUNCED,
      ...FAX_SENT,
    ]);

    // Act
    const response = await send(await callbackEvent(callbackFields(faxObject('failure'))));

    // Assess
    expect(response).toEqual({
      statusCode: 200,
      body: { status: 'recorded', orderNumber: ORDER_NUMBER },
    });
    expect(await events()).toEqual([
      { kind: 'fax-status', at: COMPLETED_AT, status: 'failed', detail: FAX_FAILURE },
      { kind: 'needs-attention', at: NOW_ISO, reason: BOTH_FAILED },
      { kind: 'written-back', at: NOW_ISO, lineIds: ['7'] },
    ]);
    expect(kintone.updates).toEqual([ATTENTION_WRITE]);
    expect(kintone.comments).toEqual([
      { ...KEY, text: FAX_FAILED_COMMENT },
      { ...KEY, text: `【要対応】${BOTH_FAILED}` },
    ]);
    expect(metrics.totals()).toEqual({ OrdersNeedingAttention: 1 });
    expect(
      logger.withMessage('every channel to the supplier failed: staff must contact them'),
    ).toHaveLength(1);
  });

  it('only comments when the fax failed but the email was delivered', async () => {
    // Prepare
    const { kintone, metrics, send, events } = await harness([...EMAIL_DELIVERED, ...FAX_SENT]);

    // Act
    const response = await send(await callbackEvent(callbackFields(faxObject('failure'))));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(await events()).toEqual([
      { kind: 'fax-status', at: COMPLETED_AT, status: 'failed', detail: FAX_FAILURE },
    ]);
    expect(kintone.updates).toEqual([]);
    expect(kintone.comments).toEqual([{ ...KEY, text: FAX_FAILED_COMMENT }]);
    expect(metrics.totals()).toEqual({});
  });

  it('does nothing more for the same callback sent again', async () => {
    // Prepare
    const { kintone, metrics, send } = await harness([...EMAIL_BOUNCED, ...FAX_SENT]);
    const event = await callbackEvent(callbackFields(faxObject('failure')));
    await send(event);

    // Act
    const again = await send(event);

    // Assess
    expect(again).toEqual({
      statusCode: 200,
      body: { status: 'duplicate', orderNumber: ORDER_NUMBER },
    });
    expect(kintone.updates).toEqual([ATTENTION_WRITE]);
    expect(kintone.comments).toHaveLength(2);
    expect(metrics.totals()).toEqual({ OrdersNeedingAttention: 1 });
  });

  it('reports 要対応 on the redelivery when writing it failed the first time', async () => {
    // Prepare: the fax status is recorded, then the 要対応 write fails (kintone 503).
    const { kintone, metrics, send, events } = await harness([...EMAIL_BOUNCED, ...FAX_SENT]);
    kintone.updateFailures.push(new Error('kintone 503'));
    const event = await callbackEvent(callbackFields(faxObject('failure')));
    const failed = await send(event);

    // Act: Phaxio retries a callback that was not answered 2xx.
    const retried = await send(event);

    // Assess
    expect(failed.statusCode).toBe(500);
    expect(retried).toEqual({
      statusCode: 200,
      body: { status: 'duplicate', orderNumber: ORDER_NUMBER },
    });
    expect((await events()).map((event) => event.kind)).toEqual([
      'fax-status',
      'needs-attention',
      'written-back',
    ]);
    expect(kintone.updates).toEqual([ATTENTION_WRITE]);
    expect(kintone.comments).toEqual([
      { ...KEY, text: FAX_FAILED_COMMENT },
      { ...KEY, text: `【要対応】${BOTH_FAILED}` },
    ]);
    expect(metrics.totals()).toEqual({ OrdersNeedingAttention: 1 });
  });

  it('keeps the status in the bridge only when the kintone record was deleted', async () => {
    // Prepare
    const { kintone, metrics, send, events } = await harness([...EMAIL_BOUNCED, ...FAX_SENT]);
    kintone.deletedRecords.add(KEY.recordId);

    // Act
    const response = await send(await callbackEvent(callbackFields(faxObject('failure'))));

    // Assess: nothing is sent to a record kintone no longer has; the alarm still counts it.
    expect(response.statusCode).toBe(200);
    expect((await events()).map((event) => event.kind)).toEqual([
      'fax-status',
      'needs-attention',
      'written-back',
    ]);
    expect(kintone.updates).toEqual([]);
    expect(kintone.comments).toEqual([]);
    expect(metrics.totals()).toEqual({ OrdersNeedingAttention: 1 });
  });

  it('answers 200 unknown-order for a fax the bridge has no order for, and stores nothing', async () => {
    // Prepare
    const { orders, kintone, send } = await harness([...EMAIL_BOUNCED, ...FAX_SENT]);

    // Act
    const response = await send(
      await callbackEvent(callbackFields(faxObject('failure', 'PO-20990101-0001'))),
    );

    // Assess: Phaxio would retry anything else for days; retrying cannot help.
    expect(response).toEqual({
      statusCode: 200,
      body: { status: 'unknown-order', orderNumber: 'PO-20990101-0001' },
    });
    expect(orders.appended).toEqual([]);
    expect(kintone.comments).toEqual([]);
  });
});

describe('fax-status handler: rejected callbacks', () => {
  it.each<[string, CallbackOptions]>([
    ['a forged signature', { signature: 'f'.repeat(40) }],
    ['a signature made with another token', { token: 'someone-elses-token' }],
    ['a signature over another URL', { signedUrl: 'https://bridge.example.jp/webhooks/fax' }],
    ['no signature header', { signature: null }],
    ['a signature that is not hex', { signature: 'not-a-signature' }],
  ])('answers 403 for %s and stores nothing', async (_what, options) => {
    // Prepare
    const { orders, kintone, metrics, send, stored } = await harness([
      ...EMAIL_BOUNCED,
      ...FAX_SENT,
    ]);
    const before = await stored();

    // Act
    const response = await send(await callbackEvent(callbackFields(faxObject('failure')), options));

    // Assess
    expect(response).toEqual({
      statusCode: 403,
      body: {
        error: {
          code: 'forbidden',
          message: 'The X-Phaxio-Signature does not match this callback.',
        },
      },
    });
    expect(await stored()).toEqual(before);
    expect(orders.appended).toEqual([]);
    expect(kintone.updates).toEqual([]);
    expect(kintone.comments).toEqual([]);
    expect(metrics.totals()).toEqual({});
  });

  it('answers 403 when a verified field was changed on the way', async () => {
    // Prepare: signed as delivered, tampered to failed.
    const { kintone, send, events } = await harness([...EMAIL_BOUNCED, ...FAX_SENT]);
    const signature = signPhaxioCallback({
      url: CALLBACK_URL,
      fields: callbackFields(faxObject('success')),
      token: TOKEN,
    });

    // Act
    const response = await send(
      await callbackEvent(callbackFields(faxObject('failure')), { signature }),
    );

    // Assess
    expect(response.statusCode).toBe(403);
    expect(await events()).toEqual([]);
    expect(kintone.comments).toEqual([]);
  });

  it.each([
    ['a fax field that is not JSON', callbackFields('{"id": 123456,')],
    ['a fax object without a status', callbackFields(JSON.stringify({ id: 123456 }))],
    ['a status that is not final', callbackFields(faxObject('inprogress'))],
    ['no fax field at all', { success: 'true', direction: 'sent' }],
    ['a received-fax callback', { ...callbackFields(faxObject('success')), direction: 'received' }],
  ])('answers 400 for a signed callback with %s', async (_what, fields) => {
    // Prepare
    const { kintone, send, stored } = await harness([...EMAIL_BOUNCED, ...FAX_SENT]);
    const before = await stored();

    // Act
    const response = await send(await callbackEvent(fields));

    // Assess
    expect(response).toMatchObject({ statusCode: 400, body: { error: { code: 'bad_request' } } });
    expect(await stored()).toEqual(before);
    expect(kintone.comments).toEqual([]);
  });

  it.each([
    ['a JSON body', Buffer.from('{"fax":"{}"}'), 'application/json'],
    ['a multipart body without its boundary', Buffer.from('--x\r\n'), 'multipart/form-data'],
    ['no content type', Buffer.from('fax=1'), ''],
  ])('answers 400 for %s', async (_what, body, contentType) => {
    // Prepare
    const { kintone, send, stored } = await harness([...EMAIL_BOUNCED, ...FAX_SENT]);
    const before = await stored();

    // Act
    const response = await send(rawEvent(body, contentType, 'f'.repeat(40)));

    // Assess
    expect(response).toMatchObject({ statusCode: 400, body: { error: { code: 'bad_request' } } });
    expect(await stored()).toEqual(before);
    expect(kintone.comments).toEqual([]);
  });
});
