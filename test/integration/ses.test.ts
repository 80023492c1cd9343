import { SESClient } from '@aws-sdk/client-ses';
import { decodeMimeWords } from '../../local/ses/ses-store';
import { FAULTS_ROUTE, startSesFaultProxy, type SesFaultProxy } from '../../local/ses/fault-proxy';
import {
  InvalidRecipientError,
  OrderMailerError,
  SesOrderMailer,
} from '../../shared/adapters/ses/ses-order-mailer';
import type { OrderRequest } from '../../shared/domain/order';
import { renderOrderEmail } from '../../shared/documents/order-email';
import { startSesLocal, type SesLocal } from '../support/ses-local';

const SUPPLIER_EMAIL = 'order@sample-bungu.example.jp';
const COMPANY_EMAIL = 'purchasing@stock-shoji.example.jp';

function sampleOrder(overrides: Partial<OrderRequest> = {}): OrderRequest {
  return {
    orderNumber: 'PO-20261128-0001',
    orderedAt: '2026-11-28T02:15:05.000Z',
    orderDate: '2026-11-28',
    desiredDeliveryDate: '2026-12-01',
    supplier: { code: 'S-001', name: '株式会社サンプル文具', email: SUPPLIER_EMAIL },
    lines: [{ sku: 'A-100', name: 'ボールペン 黒 0.5mm', quantity: 84, unit: '本' }],
    company: {
      name: '株式会社ストック商事',
      postalCode: '100-0005',
      address: '東京都千代田区丸の内1-1-1',
      phone: '03-0000-1111',
      email: COMPANY_EMAIL,
      contactName: '鈴木 一郎',
    },
    reason: '在庫数 18 が発注点 20 を下回ったため',
    ...overrides,
  };
}

function sesClient(endpoint: string, maxAttempts?: number): SESClient {
  return new SESClient({
    region: 'ap-northeast-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  });
}

describe('SesOrderMailer against aws-ses-v2-local', () => {
  let ses: SesLocal;
  let proxy: SesFaultProxy;
  let direct: SESClient;
  let viaProxy: SESClient;

  beforeAll(async () => {
    ses = await startSesLocal();
    proxy = await startSesFaultProxy({ target: ses.endpoint });
    direct = sesClient(ses.endpoint);
    // One attempt, so the test sees the first failure instead of the SDK's own retry.
    viaProxy = sesClient(proxy.endpoint, 1);
  });

  beforeEach(async () => {
    await ses.clear();
    proxy.failNext(0);
  });

  afterAll(async () => {
    direct?.destroy();
    viaProxy?.destroy();
    await proxy?.close();
    await ses?.close();
  });

  it('delivers the Japanese order request with sender, recipient and both bodies intact', async () => {
    // Prepare
    const mailer = new SesOrderMailer({ client: direct, configurationSetName: 'order-requests' });
    const request = sampleOrder();
    const expected = renderOrderEmail(request);

    // Act
    const { messageId } = await mailer.sendOrderRequest(request);

    // Assess
    const emails = await ses.emails();
    expect(emails).toHaveLength(1);
    const [email] = emails;
    expect(email).toMatchObject({
      messageId,
      subject: '【発注依頼】PO-20261128-0001 株式会社ストック商事',
      replyTo: [COMPANY_EMAIL],
      destination: { to: [SUPPLIER_EMAIL], cc: [], bcc: [] },
      body: { text: expected.text, html: expected.html },
    });
    expect(email?.from).toMatch(
      /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <purchasing@stock-shoji\.example\.jp>$/,
    );
    expect(decodeMimeWords(email?.from ?? '')).toBe(`株式会社ストック商事 <${COMPANY_EMAIL}>`);
    expect(email?.body.text).toContain('株式会社サンプル文具 御中');
    expect(email?.body.html).toContain(
      '<td style="border:1px solid #000000;padding:4px 8px;color:#000000;text-align:left;">ボールペン 黒 0.5mm</td>',
    );
  });

  it('encodes a long Japanese company name in several words that decode back', async () => {
    // Prepare
    const name = '株式会社ストック商事　東日本物流センター　購買部　資材調達課';
    const mailer = new SesOrderMailer({ client: direct });

    // Act
    await mailer.sendOrderRequest(sampleOrder({ company: { ...sampleOrder().company, name } }));

    // Assess
    const [email] = await ses.emails();
    expect(email?.from.split(' ').length).toBeGreaterThan(2);
    expect(decodeMimeWords(email?.from ?? '')).toBe(`${name} <${COMPANY_EMAIL}>`);
  });

  it('lets no CR/LF in supplier or company names add a Bcc or any other header', async () => {
    // Prepare
    const injection = '\r\nBcc: evil@example.com\r\nX-Injected: 1';
    const mailer = new SesOrderMailer({ client: direct });
    const request = sampleOrder({
      supplier: { name: `株式会社サンプル文具${injection}`, email: `${SUPPLIER_EMAIL}\r\n` },
      company: { ...sampleOrder().company, name: `株式会社ストック商事${injection}` },
    });

    // Act
    await mailer.sendOrderRequest(request);

    // Assess
    const [email] = await ses.emails();
    expect(email?.destination).toEqual({ to: [SUPPLIER_EMAIL], cc: [], bcc: [] });
    expect(email?.headers ?? []).toEqual([]);
    expect(email?.subject).not.toMatch(/[\r\n]/);
    expect(email?.from).not.toMatch(/[\r\n]/);
    expect(decodeMimeWords(email?.from ?? '')).not.toMatch(/[\r\n]/);
    expect(email?.body.text?.split('\n')[0]).toBe(
      '株式会社サンプル文具 Bcc: evil@example.com X-Injected: 1 御中',
    );
  });

  it.each([
    ['no address', undefined],
    ['an empty address', ' \r\n'],
    ['two addresses', `${SUPPLIER_EMAIL}, evil@example.com`],
    ['an address with a header after it', `${SUPPLIER_EMAIL}\r\nBcc: evil@example.com`],
    ['a display name', `株式会社サンプル文具 <${SUPPLIER_EMAIL}>`],
  ])('refuses a supplier with %s without calling SES', async (_label, email) => {
    // Prepare
    const mailer = new SesOrderMailer({ client: direct });
    const request = sampleOrder({
      supplier: { name: '株式会社サンプル文具', ...(email === undefined ? {} : { email }) },
    });

    // Act
    const sending = mailer.sendOrderRequest(request);

    // Assess
    await expect(sending).rejects.toBeInstanceOf(InvalidRecipientError);
    await expect(sending).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('株式会社サンプル文具'),
    });
    expect(await ses.emails()).toEqual([]);
  });

  it('reports an SES outage as retryable and sends the same order on the next attempt', async () => {
    // Prepare
    const mailer = new SesOrderMailer({ client: viaProxy });
    const request = sampleOrder();
    proxy.failNext(1, 'unavailable');

    // Act
    const firstAttempt = mailer.sendOrderRequest(request).then(
      () => undefined,
      (error: unknown) => error,
    );
    const failure = await firstAttempt;
    const emailsAfterFailure = await ses.emails();
    const { messageId } = await mailer.sendOrderRequest(request);

    // Assess
    expect(failure).toBeInstanceOf(OrderMailerError);
    expect(failure).toMatchObject({
      retryable: true,
      code: 'ServiceUnavailable',
      statusCode: 503,
      cause: expect.objectContaining({ name: 'ServiceUnavailable' }),
    });
    expect(emailsAfterFailure).toEqual([]);
    const emails = await ses.emails();
    expect(emails).toHaveLength(1);
    expect(emails[0]?.messageId).toBe(messageId);
  });

  it('reports throttling injected over the control route as retryable', async () => {
    // Prepare
    const mailer = new SesOrderMailer({ client: viaProxy });
    const control = await fetch(`${proxy.endpoint}${FAULTS_ROUTE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: 1, kind: 'throttle' }),
    });

    // Act
    const sending = mailer.sendOrderRequest(sampleOrder());

    // Assess
    expect(await control.json()).toEqual({ failNext: 1, kind: 'throttle' });
    await expect(sending).rejects.toMatchObject({
      name: 'OrderMailerError',
      retryable: true,
      code: 'Throttling',
      statusCode: 400,
    });
    await expect(mailer.sendOrderRequest(sampleOrder())).resolves.toHaveProperty('messageId');
    expect(await ses.emails()).toHaveLength(1);
  });

  it('answers a malformed control request with 400 and injects nothing', async () => {
    // Act
    const response = await fetch(`${proxy.endpoint}${FAULTS_ROUTE}`, {
      method: 'POST',
      body: JSON.stringify({ failNext: -1, kind: 'explode' }),
    });

    // Assess
    expect(response.status).toBe(400);
    const state = await fetch(`${proxy.endpoint}${FAULTS_ROUTE}`).then((r) => r.json());
    expect(state).toMatchObject({ failNext: 0 });
  });

  it('reports a message SES refuses as not retryable', async () => {
    // Prepare: the emulator answers 400 to an empty subject, as SES would reject it.
    const mailer = new SesOrderMailer({
      client: direct,
      render: (request) => ({ ...renderOrderEmail(request), subject: '\r\n' }),
    });

    // Act
    const sending = mailer.sendOrderRequest(sampleOrder());

    // Assess
    await expect(sending).rejects.toMatchObject({
      name: 'OrderMailerError',
      retryable: false,
      statusCode: 400,
    });
    expect(await ses.emails()).toEqual([]);
  });

  it('reports an order that cannot be rendered as not retryable, without calling SES', async () => {
    // Prepare
    const mailer = new SesOrderMailer({ client: direct });

    // Act
    const sending = mailer.sendOrderRequest(sampleOrder({ desiredDeliveryDate: '12/01' }));

    // Assess
    await expect(sending).rejects.toMatchObject({
      name: 'OrderMailerError',
      retryable: false,
      code: 'RenderFailed',
      message: expect.stringContaining('desiredDeliveryDate "12/01"'),
    });
    expect(await ses.emails()).toEqual([]);
  });

  it('reports an unreachable endpoint as retryable', async () => {
    // Prepare: a proxy that is already closed leaves a port nobody listens on.
    const gone = await startSesFaultProxy({ target: ses.endpoint });
    await gone.close();
    const client = sesClient(gone.endpoint, 1);
    const mailer = new SesOrderMailer({ client });

    // Act
    const sending = mailer.sendOrderRequest(sampleOrder());

    // Assess
    await expect(sending).rejects.toMatchObject({ name: 'OrderMailerError', retryable: true });
    client.destroy();
  });
});
