import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  createSupplierPageHandler,
  MAX_ANSWERS_PER_HOUR,
  MAX_FORM_BYTES,
  type SupplierPageHandler,
} from '../../functions/supplier-page/handler';
import { loadConfigFile } from '../../shared/config/load-config';
import type { BridgeConfig } from '../../shared/config/schema';
import type { OrderEvent, PurchaseOrder } from '../../shared/domain/purchase-order';
import type { SupplierAnswer } from '../../shared/domain/supplier-answer';
import { signOrderLink } from '../../shared/edge/order-link';
import { pageText } from '../../shared/documents/page-text';
import { supplierIdentity } from '../../shared/domain/supplier-answer';
import { CapturingLogger } from '../fakes/capturing-logger';
import { InMemoryBridgeState } from '../fakes/in-memory-order-store';
import { orderLine, sealedOrder } from '../support/purchase-orders';
import { RecordingKintoneRecordWriter } from '../fakes/recording-kintone-writer';
import { lambdaContext } from '../support/api-gateway';

const SIGNING_KEY = 'order-link-signing-key-for-tests-0123456789';
const ORDER_NUMBER = 'PO-20261128-0001';
const KEY = { appId: '12', recordId: '7' };
/** 16:10 in Tokyo on 2026-11-29; "today" for the form is 2026-11-29. */
const NOW = new Date('2026-11-29T07:10:00.000Z');
const NOW_ISO = NOW.toISOString();
const NOW_SECONDS = NOW.getTime() / 1000;
const LINK_EXPIRES_AT = NOW_SECONDS + 30 * 86_400;
const SUPPLIER = {
  code: 'S-001',
  name: '株式会社サンプル文具',
  email: 'order@sample-bungu.example.jp',
};
const FORM = 'application/x-www-form-urlencoded';
const CONFIRM = { action: 'confirm', deliveryDate: '2026-12-03' };
const PARTIAL = {
  action: 'partial',
  partialDeliveryDate: '2026-12-04',
  quantity: '48',
  note: '残りは12月中旬に納品します',
};

const LINK = 'https://orders.example.jp/o/token';

/** The order as emailed: sealed with its link, one line (record 7 of app 12). */
function order(
  options: { lines?: PurchaseOrder['lines']; appId?: string; log?: OrderEvent[] } = {},
): PurchaseOrder {
  const sealed = sealedOrder({
    orderNumber: ORDER_NUMBER,
    supplier: SUPPLIER,
    channels: [{ kind: 'email', address: SUPPLIER.email }],
    ...(options.lines ? { lines: options.lines } : {}),
    ...(options.appId ? { appId: options.appId } : {}),
    log: [
      { kind: 'email-sent', at: '2026-11-28T02:15:01.000Z', messageId: 'm-1' },
      { kind: 'written-back', at: '2026-11-28T02:15:02.000Z', lineIds: ['7'] },
      ...(options.log ?? []),
    ],
  });
  sealed.log[1] = {
    kind: 'sealed',
    at: '2026-11-28T02:15:00.000Z',
    orderDate: '2026-11-28',
    supplierPageUrl: LINK,
  };
  return sealed;
}

/** The order with every line closed by staff (goods received). */
function closedOrder(): PurchaseOrder {
  return order({
    log: [{ kind: 'line-closed', at: '2026-12-01T00:00:00.000Z', lineId: '7', status: '入荷済' }],
  });
}

/** The in-memory state, with the page nonces still live (issued and not used up). */
class PageState extends InMemoryBridgeState {
  private readonly live = new Map<string, { orderNumber: string; expiresAt: number }>();

  override async issuePageNonce(orderNumber: string, nonce: string, expiresAt: number) {
    await super.issuePageNonce(orderNumber, nonce, expiresAt);
    this.live.set(nonce, { orderNumber, expiresAt });
  }

  override async consumePageNonce(orderNumber: string, nonce: string, now: Date) {
    const used = await super.consumePageNonce(orderNumber, nonce, now);
    if (used) this.live.delete(nonce);
    return used;
  }

  pageNonces(): { nonce: string; orderNumber: string; expiresAt: number }[] {
    return [...this.live].map(([nonce, issued]) => ({ nonce, ...issued }));
  }
}

function tokenFor(
  claims: Partial<{ orderNumber: string; supplier: string; expiresAt: number }> = {},
  key = SIGNING_KEY,
): string {
  return signOrderLink(
    {
      orderNumber: ORDER_NUMBER,
      supplier: supplierIdentity(SUPPLIER),
      expiresAt: LINK_EXPIRES_AT,
      ...claims,
    },
    key,
  );
}

interface PageEventOptions {
  method?: 'GET' | 'POST';
  query?: Record<string, string>;
  body?: string;
  contentType?: string;
  /** Leave out pathParameters, as a route without a parameter would. */
  rawPathOnly?: boolean;
}

/** An HTTP API (payload 2.0) event for `GET|POST /o/{token}`. */
function pageEvent(token: string, options: PageEventOptions = {}): APIGatewayProxyEventV2 {
  const method = options.method ?? 'GET';
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  return {
    version: '2.0',
    routeKey: `${method} /o/{token}`,
    rawPath: `/o/${token}`,
    rawQueryString,
    headers: {
      accept: 'text/html',
      host: 'abc123def4.execute-api.ap-northeast-1.amazonaws.com',
      'user-agent': 'Mozilla/5.0',
      ...(options.body !== undefined ? { 'content-type': options.contentType ?? FORM } : {}),
    },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.rawPathOnly ? {} : { pathParameters: { token } }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123def4',
      domainName: 'abc123def4.execute-api.ap-northeast-1.amazonaws.com',
      domainPrefix: 'abc123def4',
      http: {
        method,
        path: `/o/${token}`,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.10',
        userAgent: 'Mozilla/5.0',
      },
      requestId: 'Cj3kTgXYtjMEJ2g=',
      routeKey: `${method} /o/{token}`,
      stage: '$default',
      time: '29/Nov/2026:07:10:00 +0000',
      timeEpoch: NOW.getTime(),
    },
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: false,
  };
}

interface Harness {
  handler: SupplierPageHandler;
  store: PageState;
  kintone: RecordingKintoneRecordWriter;
  logger: CapturingLogger;
  token: string;
  /** Opens the page and returns the form's nonce. */
  open(query?: Record<string, string>): Promise<string>;
  /** Posts the fields with a fresh nonce from a GET of the page. */
  answer(fields: Record<string, string>, query?: Record<string, string>): Promise<Response>;
  post(fields: Record<string, string>, query?: Record<string, string>): Promise<Response>;
  storedOrder(): Promise<PurchaseOrder | undefined>;
  /** The answers on the order, oldest first. */
  answers(): Promise<SupplierAnswer[]>;
}

type Response = APIGatewayProxyStructuredResultV2 & { headers: Record<string, string> };

async function harness(
  stored: PurchaseOrder = order(),
  config: BridgeConfig = loadConfigFile('config/demo.json'),
): Promise<Harness> {
  // Prepare
  const store = new PageState();
  await store.create(stored);
  const kintone = new RecordingKintoneRecordWriter();
  const logger = new CapturingLogger({ serviceName: 'supplier-page-test', logLevel: 'DEBUG' });
  const handler = createSupplierPageHandler({
    config,
    orders: store,
    nonces: store,
    counters: store,
    kintone,
    logger,
    now: () => new Date(NOW),
    signingKey: async () => SIGNING_KEY,
  });
  const token = tokenFor();
  const invoke = async (event: APIGatewayProxyEventV2) =>
    (await handler(event, lambdaContext)) as Response;
  const post = (fields: Record<string, string>, query?: Record<string, string>) =>
    invoke(
      pageEvent(token, {
        method: 'POST',
        body: new URLSearchParams(fields).toString(),
        ...(query ? { query } : {}),
      }),
    );
  const open = async (query?: Record<string, string>) =>
    formNonceOf(await invoke(pageEvent(token, query ? { query } : {})));
  return {
    handler,
    store,
    kintone,
    logger,
    token,
    open,
    post,
    answer: async (fields, query) => post({ ...fields, nonce: await open(query) }, query),
    storedOrder: () => store.get(ORDER_NUMBER),
    answers: async () =>
      ((await store.get(ORDER_NUMBER))?.log ?? []).flatMap((event) =>
        event.kind === 'supplier-answer' ? [event.answer] : [],
      ),
  };
}

async function call(handler: SupplierPageHandler, event: APIGatewayProxyEventV2) {
  return (await handler(event, lambdaContext)) as Response;
}

function bodyOf(response: APIGatewayProxyStructuredResultV2): string {
  return String(response.body ?? '');
}

function formNonceOf(response: APIGatewayProxyStructuredResultV2): string {
  const nonce = /name="nonce" value="([^"]+)"/.exec(bodyOf(response))?.[1];
  if (nonce === undefined) throw new Error(`no form nonce in the page:\n${bodyOf(response)}`);
  return nonce;
}

function cspNonceOf(response: Response): string {
  const nonce = /style-src 'nonce-([^']+)'/.exec(response.headers['content-security-policy'] ?? '');
  if (!nonce?.[1]) throw new Error('no CSP nonce');
  return nonce[1];
}

/** The headers every response of the page must carry, for the response's own CSP nonce. */
function securityHeaders(cspNonce: string): Record<string, string> {
  return {
    'content-security-policy': `default-src 'none'; style-src 'nonce-${cspNonce}'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
    'content-type': 'text/html; charset=utf-8',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
  };
}

function expectSecurityHeaders(response: Response): void {
  expect(response.headers).toEqual(expect.objectContaining(securityHeaders(cspNonceOf(response))));
}

describe('GET /o/{token}', () => {
  it('renders the order with a form, a fresh nonce and the security headers', async () => {
    // Prepare
    const page = await harness();

    // Act
    const response = await call(page.handler, pageEvent(page.token));

    // Assess
    expect(response.statusCode).toBe(200);
    const cspNonce = cspNonceOf(response);
    expect(response.headers).toEqual(securityHeaders(cspNonce));
    expect(cspNonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const html = bodyOf(response);
    expect(html).toContain(`<style nonce="${cspNonce}">`);
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain(ORDER_NUMBER);
    expect(html).toContain(`<form method="post" action="./${page.token}"`);
    expect(html).toContain(`href="./${page.token}?lang=en"`);
    const formNonce = formNonceOf(response);
    expect(formNonce).not.toBe(cspNonce);
    expect(page.store.pageNonces()).toEqual([
      { nonce: formNonce, orderNumber: ORDER_NUMBER, expiresAt: NOW_SECONDS + 2 * 3600 },
    ]);
  });

  it('switches to English with ?lang=en and links back to Japanese', async () => {
    // Prepare
    const page = await harness();

    // Act
    const response = await call(page.handler, pageEvent(page.token, { query: { lang: 'en' } }));

    // Assess
    const html = bodyOf(response);
    expect(response.statusCode).toBe(200);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain(pageText('en').orderTitle);
    expect(html).toContain(`action="./${page.token}?lang=en"`);
    expect(html).toContain(`href="./${page.token}"`);
  });

  it('reads the token from the raw path when the route gives no path parameter', async () => {
    // Prepare
    const page = await harness();

    // Act
    const response = await call(page.handler, pageEvent(page.token, { rawPathOnly: true }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toContain(ORDER_NUMBER);
  });

  it('answers every link that does not open the order with the same 404 page', async () => {
    // Prepare
    const page = await harness();
    const genuine = page.token;
    const lastChar = genuine.at(-1) === 'A' ? 'B' : 'A';
    const links = {
      tampered: `${genuine.slice(0, -1)}${lastChar}`,
      expired: tokenFor({ expiresAt: NOW_SECONDS - 1 }),
      unknownOrder: tokenFor({ orderNumber: 'PO-20261128-0099' }),
      otherSupplier: tokenFor({ supplier: 'S-002' }),
      otherKey: tokenFor({}, 'another-signing-key-0123456789abcdef'),
      otherOrderNumber: genuine.replace(ORDER_NUMBER, 'PO-20261128-0002'),
      malformed: 'not-a-token',
    };

    // Act
    const responses = await Promise.all(
      Object.values(links).map((token) => call(page.handler, pageEvent(token))),
    );
    const posted = await call(
      page.handler,
      pageEvent(links.expired, { method: 'POST', body: new URLSearchParams(CONFIRM).toString() }),
    );

    // Assess
    const normalised = [...responses, posted].map((response) => ({
      statusCode: response.statusCode,
      // Each response has its own CSP nonce; everything else must be identical.
      body: bodyOf(response).replaceAll(cspNonceOf(response), 'NONCE'),
    }));
    for (const response of [...responses, posted]) expectSecurityHeaders(response);
    expect(new Set(normalised.map((response) => JSON.stringify(response))).size).toBe(1);
    expect(normalised[0]?.statusCode).toBe(404);
    expect(normalised[0]?.body).toContain(pageText('ja').invalidLinkTitle);
    expect(normalised[0]?.body).not.toContain(ORDER_NUMBER);
    expect(normalised[0]?.body).not.toContain(SUPPLIER.name);
    expect(page.kintone.updates).toEqual([]);
    expect(page.store.pageNonces()).toEqual([]);
  });

  it('shows a closed order without a form', async () => {
    // Prepare
    const page = await harness(closedOrder());

    // Act
    const response = await call(page.handler, pageEvent(page.token));

    // Assess
    const html = bodyOf(response);
    expect(response.statusCode).toBe(200);
    expect(html).toContain(ORDER_NUMBER);
    expect(html).toContain(pageText('ja').closedNotice);
    expect(html).not.toContain('<form');
    expect(page.store.pageNonces()).toEqual([]);
  });

  it('thanks the supplier on ?done=1, the page the answer redirects to', async () => {
    // Prepare
    const page = await harness();

    // Act
    const response = await call(page.handler, pageEvent(page.token, { query: { done: '1' } }));

    // Assess
    expect(response.statusCode).toBe(200);
    expectSecurityHeaders(response);
    expect(bodyOf(response)).toContain(pageText('ja').thankYouMessage);
  });
});

describe('POST /o/{token}', () => {
  it('records a confirmation in kintone and on the order, then redirects to the thank-you page', async () => {
    // Prepare
    const page = await harness();

    // Act
    const response = await page.answer(CONFIRM);

    // Assess
    expect(response.statusCode).toBe(303);
    expect(response.headers).toEqual({
      ...securityHeaders(cspNonceOf(response)),
      location: `./${page.token}?done=1`,
    });
    expect(page.kintone.updates).toEqual([
      { ...KEY, values: { 発注状況: '受注確認済', 納品予定日: '2026-12-03' } },
    ]);
    expect(page.kintone.comments).toHaveLength(1);
    expect(page.kintone.comments[0]?.text).toContain(
      `${SUPPLIER.name} 様が発注依頼 ${ORDER_NUMBER} を受注しました。`,
    );
    expect(page.kintone.comments[0]?.text).toContain('納品予定日: 2026-12-03');
    const stored = await page.storedOrder();
    expect(stored?.log.filter((event) => event.kind === 'supplier-answer')).toEqual([
      {
        kind: 'supplier-answer',
        at: NOW_ISO,
        answer: { kind: 'confirmed', deliveryDate: '2026-12-03' },
      },
    ]);
    expect(page.store.pageNonces()).toEqual([]);
  });

  it('shows the answer on record when the page is opened again', async () => {
    // Prepare
    const page = await harness();
    await page.answer(CONFIRM);

    // Act
    const response = await call(page.handler, pageEvent(page.token));

    // Assess
    const html = bodyOf(response);
    expect(html).toContain('ご回答済み');
    expect(html).toContain('<form');
  });

  it('changes nothing when the same answer is sent again', async () => {
    // Prepare
    const page = await harness();
    await page.answer(CONFIRM);

    // Act
    const again = await page.answer(CONFIRM);

    // Assess
    expect(again.statusCode).toBe(303);
    expect(page.kintone.updates).toHaveLength(1);
    expect(page.kintone.comments).toHaveLength(1);
    expect(await page.answers()).toHaveLength(1);
  });

  it('records a change to a partial answer as an update', async () => {
    // Prepare
    const page = await harness();
    await page.answer(CONFIRM);

    // Act
    const response = await page.answer(PARTIAL);

    // Assess
    expect(response.statusCode).toBe(303);
    expect(page.kintone.updates[1]).toEqual({
      ...KEY,
      values: { 発注状況: '一部受注', 納品予定日: '2026-12-04' },
    });
    const comment = page.kintone.comments[1]?.text ?? '';
    expect(comment).toMatch(/^回答が変更されました。/);
    expect(comment).toContain('一部のみ受注しました');
    expect(comment).toContain('数量: 48本');
    expect(comment).toContain('備考: 残りは12月中旬に納品します');
    expect(comment).toContain('変更前の回答: 受注（納品予定日: 2026-12-03）');
    const answers = await page.answers();
    expect(answers.at(-1)).toEqual({
      kind: 'partial',
      deliveryDate: '2026-12-04',
      quantity: 48,
      note: '残りは12月中旬に納品します',
    });
    expect(answers.map((answer) => answer.kind)).toEqual(['confirmed', 'partial']);
  });

  it('clears the promised delivery date when a confirmation is changed to a decline', async () => {
    // Prepare
    const page = await harness();
    await page.answer(CONFIRM);

    // Act
    await page.answer({ action: 'decline', reason: '在庫が確保できませんでした' });

    // Assess
    expect(page.kintone.updates[1]).toEqual({
      ...KEY,
      values: { 発注状況: '辞退', 納品予定日: '' },
    });
    expect(page.kintone.comments[1]?.text).toContain('理由: 在庫が確保できませんでした');
  });

  it('keeps the language through the redirect', async () => {
    // Prepare
    const page = await harness();

    // Act
    const response = await page.answer(CONFIRM, { lang: 'en' });

    // Assess
    expect(response.headers.location).toBe(`./${page.token}?done=1&lang=en`);
  });

  it('refuses a used nonce with a different answer and shows the form again with a new one', async () => {
    // Prepare
    const page = await harness();
    const nonce = await page.open();
    await page.post({ ...CONFIRM, nonce });

    // Act
    const replay = await page.post({ ...PARTIAL, nonce });

    // Assess
    expect(replay.statusCode).toBe(400);
    expectSecurityHeaders(replay);
    const html = bodyOf(replay);
    expect(html).toContain('ページの有効期限が切れました');
    expect(html).toContain('残りは12月中旬に納品します');
    const fresh = formNonceOf(replay);
    expect(fresh).not.toBe(nonce);
    expect(page.kintone.updates).toHaveLength(1);
    expect((await page.answers()).map((answer) => answer.kind)).toEqual(['confirmed']);
    // The new nonce works.
    expect((await page.post({ ...PARTIAL, nonce: fresh })).statusCode).toBe(303);
  });

  it('treats a double tap (same nonce, same answer) as the answer it already recorded', async () => {
    // Prepare
    const page = await harness();
    const nonce = await page.open();
    await page.post({ ...CONFIRM, nonce });

    // Act
    const second = await page.post({ ...CONFIRM, nonce });

    // Assess
    expect(second.statusCode).toBe(303);
    expect(page.kintone.updates).toHaveLength(1);
  });

  it('refuses a nonce that was never issued', async () => {
    // Prepare
    const page = await harness();

    // Act
    const response = await page.post({ ...CONFIRM, nonce: 'bm90LWlzc3VlZC1ub25jZQ' });
    const withoutNonce = await page.post(CONFIRM);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(withoutNonce.statusCode).toBe(400);
    expect(page.kintone.updates).toEqual([]);
    expect(await page.answers()).toEqual([]);
  });

  it('returns an invalid answer with its errors, the values kept and a new nonce', async () => {
    // Prepare
    const page = await harness();
    const nonce = await page.open();

    // Act
    const response = await page.post({
      action: 'partial',
      partialDeliveryDate: '2026-12-04',
      quantity: '90',
      note: '',
      nonce,
    });

    // Assess
    expect(response.statusCode).toBe(422);
    expectSecurityHeaders(response);
    const html = bodyOf(response);
    expect(html).toContain(pageText('ja').errorSummaryTitle);
    expect(html).toContain(pageText('ja').errors.noteRequired);
    expect(html).toMatch(/name="quantity"[^>]*value="90"/);
    expect(html).toMatch(/value="2026-12-04"/);
    const fresh = formNonceOf(response);
    expect(fresh).not.toBe(nonce);
    expect(page.kintone.updates).toEqual([]);
    expect(page.logger.text()).toContain('"fields":["quantity","note"]');
  });

  it(`allows ${MAX_ANSWERS_PER_HOUR} posts per order per hour, then answers 429`, async () => {
    // Prepare
    const page = await harness();
    for (let index = 0; index < MAX_ANSWERS_PER_HOUR; index += 1) {
      await page.post({ ...CONFIRM, nonce: 'bm90LWlzc3VlZC1ub25jZQ' });
    }

    // Act
    const limited = await page.answer(CONFIRM);

    // Assess
    expect(limited.statusCode).toBe(429);
    expectSecurityHeaders(limited);
    // 07:10:00 UTC: the window ends at 08:00.
    expect(limited.headers['retry-after']).toBe('3000');
    expect(bodyOf(limited)).toContain('送信回数が上限に達しました');
    expect(page.kintone.updates).toEqual([]);
  });

  it('refuses an answer to a closed order and shows the order without a form', async () => {
    // Prepare
    const page = await harness(closedOrder());

    // Act
    const response = await page.post({ ...CONFIRM, nonce: 'bm90LWlzc3VlZC1ub25jZQ' });

    // Assess
    expect(response.statusCode).toBe(409);
    expectSecurityHeaders(response);
    expect(bodyOf(response)).toContain(pageText('ja').closedNotice);
    expect(bodyOf(response)).not.toContain('<form');
    expect(page.kintone.updates).toEqual([]);
    expect(await page.answers()).toEqual([]);
  });

  it('refuses a form larger than 16 KB and a body that is not a form', async () => {
    // Prepare
    const page = await harness();
    const nonce = await page.open();

    // Act
    const tooLarge = await call(
      page.handler,
      pageEvent(page.token, {
        method: 'POST',
        body: new URLSearchParams({
          ...CONFIRM,
          nonce,
          note: 'あ'.repeat(MAX_FORM_BYTES),
        }).toString(),
      }),
    );
    const json = await call(
      page.handler,
      pageEvent(page.token, {
        method: 'POST',
        body: JSON.stringify({ ...CONFIRM, nonce }),
        contentType: 'application/json',
      }),
    );

    // Assess
    expect(tooLarge.statusCode).toBe(413);
    expect(json.statusCode).toBe(415);
    for (const response of [tooLarge, json]) expectSecurityHeaders(response);
    expect(page.kintone.updates).toEqual([]);
  });

  it('keeps the answer on the order only when the kintone record was deleted', async () => {
    // Prepare
    const page = await harness();
    page.kintone.deletedRecords.add(KEY.recordId);

    // Act
    const response = await page.answer(CONFIRM);

    // Assess
    expect(response.statusCode).toBe(303);
    expect(page.kintone.updates).toEqual([]);
    expect(page.kintone.comments).toEqual([]);
    expect((await page.answers()).map((answer) => answer.kind)).toEqual(['confirmed']);
    expect(
      page.logger.withMessage(
        'supplier answer kept on the order only: the kintone records are gone',
      ),
    ).toHaveLength(1);
  });

  it('shows a failure page when kintone fails, and records nothing so a retry writes again', async () => {
    // Prepare
    const page = await harness();
    page.kintone.updateFailures.push(new Error('kintone answered 503'));

    // Act
    const failed = await page.answer(CONFIRM);
    const retried = await page.answer(CONFIRM);

    // Assess
    expect(failed.statusCode).toBe(500);
    expectSecurityHeaders(failed);
    expect(bodyOf(failed)).toContain(pageText('ja').failureMessage);
    expect(bodyOf(failed)).not.toContain('503');
    expect(page.logger.withMessage('order page request failed')).toHaveLength(1);
    expect(retried.statusCode).toBe(303);
    expect(page.kintone.updates).toHaveLength(1);
  });
});

describe('an order made for SUBTABLE rows, with several lines', () => {
  /** Three rows of record 3 of app 15 (拠点在庫) ordered from one supplier as one request. */
  function rowsOrder(): PurchaseOrder {
    const row = (rowId: string, sku: string, name: string, quantity: number, unit: string) =>
      orderLine({ appId: '15', recordId: '3', rowId, sku, name, quantity, unit });
    return order({
      appId: '15',
      lines: [
        row('368', 'B-200', 'コピー用紙 A4 500枚', 20, '個'),
        row('369', 'B-201', 'トナー TN-29J', 3, '個'),
        row('370', 'B-202', 'ホチキス針', 5, '箱'),
      ],
    });
  }
  const PER_LINE = {
    action: 'partial',
    partialDeliveryDate: '2026-12-04',
    'quantity-1': '２０',
    'quantity-2': '1',
    'quantity-3': '0',
    note: 'B-202 は廃番です',
  };

  it('asks for a quantity per line, each starting at the ordered quantity', async () => {
    // Prepare
    const page = await harness(rowsOrder(), loadConfigFile('config/demo.json'));

    // Act
    const response = await call(page.handler, pageEvent(page.token));

    // Assess
    const html = bodyOf(response);
    expect(response.statusCode).toBe(200);
    expect(html).not.toMatch(/name="quantity"/);
    expect(html).toMatch(/name="quantity-1" id="f-quantity-1" value="20" min="0" max="20"/);
    expect(html).toMatch(/name="quantity-2" id="f-quantity-2" value="3" min="0" max="3"/);
    expect(html).toMatch(/name="quantity-3" id="f-quantity-3" value="5" min="0" max="5"/);
    expect(html).toContain('<label for="f-quantity-3">B-202 ホチキス針</label>');
  });

  it('records a partial answer per line: a status per row, one comment, the answer on the order', async () => {
    // Prepare
    const page = await harness(rowsOrder(), loadConfigFile('config/demo.json'));

    // Act
    const response = await page.answer(PER_LINE);

    // Assess
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`./${page.token}?done=1`);
    expect(page.kintone.updates).toEqual([]);
    expect(page.kintone.rowUpdates).toEqual([
      {
        appId: '15',
        recordId: '3',
        subtable: '在庫明細',
        rows: {
          '368': { 明細_発注状況: '受注確認済', 明細_納品予定日: '2026-12-04' },
          '369': { 明細_発注状況: '一部受注', 明細_納品予定日: '2026-12-04' },
          '370': { 明細_発注状況: '辞退' },
        },
      },
    ]);
    expect(page.kintone.comments).toHaveLength(1);
    expect(page.kintone.comments[0]).toMatchObject({ appId: '15', recordId: '3' });
    const comment = page.kintone.comments[0]?.text ?? '';
    expect(comment).toContain('一部のみ受注しました。\n数量:\n');
    expect(comment).toContain('・B-200 コピー用紙 A4 500枚: 20個（発注 20個）');
    expect(comment).toContain('・B-201 トナー TN-29J: 1個（発注 3個）');
    expect(comment).toContain('・B-202 ホチキス針: 0箱（発注 5箱）');
    expect(await page.answers()).toEqual([
      {
        kind: 'partial',
        deliveryDate: '2026-12-04',
        lines: [
          { lineId: '3:368', sku: 'B-200', rowId: '368', quantity: 20 },
          { lineId: '3:369', sku: 'B-201', rowId: '369', quantity: 1 },
          { lineId: '3:370', sku: 'B-202', rowId: '370', quantity: 0 },
        ],
        note: 'B-202 は廃番です',
      },
    ]);
  });

  it('shows the answer per line when the page is opened again, and a repeat writes nothing', async () => {
    // Prepare
    const page = await harness(rowsOrder(), loadConfigFile('config/demo.json'));
    await page.answer(PER_LINE);

    // Act
    const reopened = await call(page.handler, pageEvent(page.token));
    const again = await page.answer({ ...PER_LINE, 'quantity-1': '20' });

    // Assess
    const html = bodyOf(reopened);
    expect(html).toContain('B-201 トナー TN-29J: 1個\nB-202 ホチキス針: 0箱</dd>');
    expect(html).toMatch(/name="quantity-2" id="f-quantity-2" value="1"/);
    expect(html).toMatch(/name="quantity-3" id="f-quantity-3" value="0"/);
    expect(again.statusCode).toBe(303);
    expect(page.kintone.rowUpdates).toHaveLength(1);
    expect(page.kintone.comments).toHaveLength(1);
  });

  it('returns every line at its ordered quantity as an error, with the values kept', async () => {
    // Prepare
    const page = await harness(rowsOrder(), loadConfigFile('config/demo.json'));

    // Act
    const response = await page.answer({
      ...PER_LINE,
      'quantity-1': '20',
      'quantity-2': '３',
      'quantity-3': '5',
    });

    // Assess
    expect(response.statusCode).toBe(422);
    const html = bodyOf(response);
    const message = pageText('ja').errors.lineQuantitiesAllFull;
    expect(html).toContain(`<li><a href="#f-quantity-1">${message}</a></li>`);
    expect(html).toContain(`<p class="error-message" id="err-lineQuantities">${message}</p>`);
    expect(html).toMatch(/name="quantity-2" id="f-quantity-2" value="３"/);
    expect(page.kintone.rowUpdates).toEqual([]);
    expect(page.logger.text()).toContain('"fields":["lineQuantities"]');
    expect(await page.answers()).toEqual([]);
  });
});

describe('an order with lines on records of their own', () => {
  /** Records 7 and 8 of app 12, one line each. */
  function twoRecords(log: OrderEvent[] = []): PurchaseOrder {
    return order({
      lines: [
        orderLine({ recordId: '7', sku: 'A-100', name: 'ボールペン 黒', quantity: 84 }),
        orderLine({ recordId: '8', sku: 'A-101', name: 'ボールペン 赤', quantity: 12 }),
      ],
      log,
    });
  }
  const BY_LINE = {
    action: 'partial',
    partialDeliveryDate: '2026-12-04',
    'quantity-1': '84',
    'quantity-2': '6',
    note: '赤は半数のみ',
  };

  it('takes a quantity per line, under each line’s id, and writes each record its own', async () => {
    // Prepare
    const page = await harness(twoRecords());

    // Act
    const response = await page.answer(BY_LINE);

    // Assess
    expect(response.statusCode).toBe(303);
    expect(page.kintone.updates).toEqual([
      { appId: '12', recordId: '7', values: { 発注状況: '受注確認済', 納品予定日: '2026-12-04' } },
      { appId: '12', recordId: '8', values: { 発注状況: '一部受注', 納品予定日: '2026-12-04' } },
    ]);
    expect(page.kintone.bulkUpdates).toHaveLength(1);
    expect(page.kintone.comments.map((comment) => comment.recordId)).toEqual(['7', '8']);
    expect(page.kintone.comments[1]?.text).toContain('・A-101 ボールペン 赤: 6本（発注 12本）');
    expect(await page.answers()).toEqual([
      expect.objectContaining({
        lines: [
          { lineId: '7', sku: 'A-100', quantity: 84 },
          { lineId: '8', sku: 'A-101', quantity: 6 },
        ],
      }),
    ]);
  });

  it('still takes answers while one line is received, and writes only the other', async () => {
    // Prepare
    const page = await harness(
      twoRecords([{ kind: 'line-closed', at: NOW_ISO, lineId: '7', status: '入荷済' }]),
    );

    // Act
    const opened = await call(page.handler, pageEvent(page.token));
    const response = await page.answer(CONFIRM);

    // Assess
    expect(bodyOf(opened)).toContain('<form');
    expect(response.statusCode).toBe(303);
    expect(page.kintone.updates.map((update) => update.recordId)).toEqual(['8']);
  });
});

describe('an order that has no page', () => {
  it('answers 404 for an order still gathering its lines', async () => {
    // Prepare
    const gathering = order();
    gathering.log = gathering.log.filter((event) => event.kind === 'created');
    const page = await harness(gathering);

    // Act
    const response = await call(page.handler, pageEvent(page.token));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).not.toContain(ORDER_NUMBER);
  });
});

describe('logs', () => {
  it('never contain the token, and name the order only once the link is verified', async () => {
    // Prepare
    const page = await harness();
    const expired = tokenFor({ expiresAt: NOW_SECONDS - 1 });

    // Act
    await call(page.handler, pageEvent(expired));
    await page.answer(CONFIRM);
    await page.answer(PARTIAL);
    await page.post({ action: 'partial', nonce: await page.open() });
    await page.post({ ...CONFIRM, nonce: 'bm90LWlzc3VlZC1ub25jZQ' });

    // Assess
    const text = page.logger.text();
    expect(text).not.toContain(page.token);
    expect(text).not.toContain(expired);
    // No part of the signature either.
    expect(text).not.toContain(page.token.split('.')[2] ?? page.token);
    const [refused] = page.logger.withMessage('order page link refused');
    expect(refused).toEqual(expect.objectContaining({ problem: 'expired' }));
    expect(refused).not.toHaveProperty('orderNumber');
    expect(page.logger.withMessage('supplier answer recorded')).toEqual([
      expect.objectContaining({ orderNumber: ORDER_NUMBER, answer: 'confirmed', changed: false }),
      expect.objectContaining({ orderNumber: ORDER_NUMBER, answer: 'partial', changed: true }),
    ]);
  });
});
