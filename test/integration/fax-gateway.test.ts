import { SESClient, type SendRawEmailCommandInput } from '@aws-sdk/client-ses';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPhaxioEmulator, type PhaxioEmulator } from '../../local/fax/phaxio-emulator';
import { startSesFaultProxy, type SesFaultProxy } from '../../local/ses/fault-proxy';
import {
  EmailToFaxGateway,
  type EmailToFaxGatewayOptions,
} from '../../shared/adapters/fax/email-to-fax-gateway';
import { FaxGatewayError } from '../../shared/adapters/fax/fax-gateway-errors';
import { PhaxioFaxGateway } from '../../shared/adapters/fax/phaxio-fax-gateway';
import {
  parsePhaxioCallback,
  PHAXIO_SIGNATURE_HEADER,
  verifyPhaxioSignature,
} from '../../shared/edge/phaxio-callback';
import type { OutgoingFax } from '../../shared/ports/fax-gateway';
import { startFaxCallbackServer, type FaxCallbackServer } from '../support/fax-callback-server';
import { startSesLocal, type SesLocal } from '../support/ses-local';

const API_KEY = 'local-phaxio-key';
const API_SECRET = 'local-phaxio-secret';
const CALLBACK_TOKEN = 'local-phaxio-callback-token';
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n' +
    '2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n3 0 obj <</Type /Page>> endobj\n%%EOF\n',
);

function sampleFax(overrides: Partial<OutgoingFax> = {}): OutgoingFax {
  return {
    to: '+81312345678',
    pdf: PDF,
    fileName: 'PO-20261128-0001.pdf',
    orderNumber: 'PO-20261128-0001',
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<FaxGatewayError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof FaxGatewayError)) {
    throw new Error(`expected a FaxGatewayError, got ${String(error)}`);
  }
  return error;
}

describe('PhaxioFaxGateway against the local Phaxio emulator', () => {
  let dataDir: string;
  let phaxio: PhaxioEmulator;
  let receiver: FaxCallbackServer;
  let callbackUrl: string;
  let gateway: PhaxioFaxGateway;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fax-emulator-'));
    receiver = await startFaxCallbackServer();
    callbackUrl = `${receiver.origin}/webhooks/fax?token=bridge-webhook-token`;
    phaxio = await startPhaxioEmulator({
      dataDir,
      callbackToken: CALLBACK_TOKEN,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      callbackDelayMs: 10,
    });
    gateway = new PhaxioFaxGateway({
      baseUrl: phaxio.baseUrl,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      callbackUrl,
    });
  });

  afterEach(async () => {
    await phaxio.idle();
    phaxio.failNext(0);
  });

  afterAll(async () => {
    await phaxio?.close();
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores the fax and sends a signed callback that parses to delivered', async () => {
    // Act
    const sent = await gateway.sendFax(sampleFax());
    const callback = await receiver.next();

    // Assess: the emulator kept the PDF and the order tag.
    expect(sent.gateway).toBe('phaxio');
    const stored = phaxio.faxes().find((fax) => String(fax.id) === sent.faxId);
    expect(stored).toMatchObject({
      to: '+81312345678',
      fileName: 'PO-20261128-0001.pdf',
      numPages: 1,
      tags: { order_number: 'PO-20261128-0001' },
    });
    expect(readFileSync(phaxio.pdfPath(Number(sent.faxId)))).toEqual(PDF);

    // Assess: the callback went to the submitted URL, signed as Phaxio documents.
    expect(callback.path).toBe('/webhooks/fax?token=bridge-webhook-token');
    const signature = callback.headers[PHAXIO_SIGNATURE_HEADER];
    expect(
      verifyPhaxioSignature({
        url: callbackUrl,
        fields: callback.fields,
        files: callback.files,
        signature: typeof signature === 'string' ? signature : undefined,
        token: CALLBACK_TOKEN,
      }),
    ).toBe(true);
    expect(parsePhaxioCallback(callback.fields)).toEqual({
      faxId: sent.faxId,
      orderNumber: 'PO-20261128-0001',
      status: 'delivered',
      at: expect.any(String),
    });
  });

  it('answers an injected 500 with a retryable error, then accepts exactly one fax', async () => {
    // Prepare
    const before = phaxio.faxes().length;
    phaxio.failNext(1, 'http-500');

    // Act
    const error = await rejection(gateway.sendFax(sampleFax({ orderNumber: 'PO-RETRY' })));
    const afterFailure = phaxio.faxes().length;
    const retried = await gateway.sendFax(sampleFax({ orderNumber: 'PO-RETRY' }));

    // Assess
    expect(error).toMatchObject({ retryable: true, status: 500 });
    expect(afterFailure).toBe(before);
    const forOrder = phaxio.faxes().filter((fax) => fax.tags.order_number === 'PO-RETRY');
    expect(forOrder.map((fax) => String(fax.id))).toEqual([retried.faxId]);
  });

  it('reports an injected transmission failure in the callback', async () => {
    // Prepare
    phaxio.failNext(1, 'fax-failure');

    // Act
    const sent = await gateway.sendFax(sampleFax({ orderNumber: 'PO-FAIL' }));
    let callback = await receiver.next();
    while (JSON.parse(callback.fields.fax ?? '{}').id !== Number(sent.faxId)) {
      callback = await receiver.next();
    }

    // Assess
    expect(callback.fields.success).toBe('false');
    expect(parsePhaxioCallback(callback.fields)).toMatchObject({
      faxId: sent.faxId,
      orderNumber: 'PO-FAIL',
      status: 'failed',
      detail: expect.stringContaining('No answer'),
    });
  });

  it('refuses wrong credentials with a non-retryable error that does not show the secret', async () => {
    // Prepare
    const wrong = new PhaxioFaxGateway({
      baseUrl: phaxio.baseUrl,
      apiKey: API_KEY,
      apiSecret: 'wrong-secret-value',
      callbackUrl,
    });
    const before = phaxio.faxes().length;

    // Act
    const error = await rejection(wrong.sendFax(sampleFax()));

    // Assess
    expect(error).toMatchObject({ retryable: false, status: 401, code: 'Unauthorized' });
    expect(error.message).not.toContain('wrong-secret-value');
    expect(phaxio.faxes()).toHaveLength(before);
  });

  it('serves the fax over GET /v2/faxes/:id, the outbox page and the PDF link', async () => {
    // Prepare
    const sent = await gateway.sendFax(sampleFax({ orderNumber: 'PO-<b>&"1"' }));
    await phaxio.idle();
    const auth = `Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')}`;

    // Act
    const api = await fetch(`${phaxio.baseUrl}/faxes/${sent.faxId}`, {
      headers: { authorization: auth },
    });
    const page = await fetch(phaxio.outboxUrl);
    const html = await page.text();
    const pdf = await fetch(new URL(`/faxes/${sent.faxId}.pdf`, phaxio.outboxUrl));

    // Assess
    expect(await api.json()).toMatchObject({
      success: true,
      data: { id: Number(sent.faxId), status: 'success', tags: { order_number: 'PO-<b>&"1"' } },
    });
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('PO-&lt;b&gt;&amp;&quot;1&quot;');
    expect(html).not.toContain('PO-<b>');
    expect(html).toContain(`/faxes/${sent.faxId}.pdf`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer())).toEqual(PDF);
  });

  it('takes failures over HTTP like the SES fault proxy', async () => {
    // Act
    const control = await fetch(phaxio.faultsUrl, {
      method: 'POST',
      body: JSON.stringify({ failNext: 1, kind: 'http-500' }),
    });
    const error = await rejection(gateway.sendFax(sampleFax()));

    // Assess
    expect(await control.json()).toEqual({ failNext: 1, kind: 'http-500' });
    expect(error.retryable).toBe(true);
  });

  it('keeps every fax and its status across a restart', async () => {
    // Prepare
    const before = phaxio.faxes();
    await phaxio.close();

    // Act
    phaxio = await startPhaxioEmulator({
      dataDir,
      callbackToken: CALLBACK_TOKEN,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      callbackDelayMs: 10,
    });
    gateway = new PhaxioFaxGateway({
      baseUrl: phaxio.baseUrl,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      callbackUrl,
    });
    const next = await gateway.sendFax(sampleFax());

    // Assess
    expect(phaxio.faxes().slice(0, before.length)).toEqual(before);
    expect(Number(next.faxId)).toBe(Math.max(...before.map((fax) => fax.id)) + 1);
  });
});

describe('EmailToFaxGateway against aws-ses-v2-local', () => {
  let ses: SesLocal;
  let proxy: SesFaultProxy;
  let client: SESClient;
  let viaProxy: SESClient;
  /** The raw MIME of every SendRawEmail, captured at the SDK's edge. */
  const rawMessages: Buffer[] = [];

  function captureRawMime(target: SESClient): void {
    target.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as Partial<SendRawEmailCommandInput>;
        if (input.RawMessage?.Data) rawMessages.push(Buffer.from(input.RawMessage.Data));
        return next(args);
      },
      { step: 'initialize', name: 'captureRawMime' },
    );
  }

  function faxGateway(overrides: Partial<EmailToFaxGatewayOptions> = {}): EmailToFaxGateway {
    return new EmailToFaxGateway({
      client,
      from: 'purchasing@stock-shoji.example.jp',
      fromName: '株式会社ストック商事',
      gatewayDomain: 'fax.example.jp',
      numberFormat: 'national',
      textCharset: 'iso-2022-jp',
      coverText: '株式会社サンプル文具 御中\n発注書をお送りします。',
      now: () => new Date('2026-11-28T02:15:05.000Z'),
      ...overrides,
    });
  }

  function headerSection(raw: Buffer): string {
    const text = raw.toString('latin1');
    return text.slice(0, text.indexOf('\r\n\r\n'));
  }

  beforeAll(async () => {
    ses = await startSesLocal();
    proxy = await startSesFaultProxy({ target: ses.endpoint });
    const credentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };
    client = new SESClient({ region: 'ap-northeast-1', endpoint: ses.endpoint, credentials });
    // One attempt, so the test sees the throttling instead of the SDK's own retry.
    viaProxy = new SESClient({
      region: 'ap-northeast-1',
      endpoint: proxy.endpoint,
      credentials,
      maxAttempts: 1,
    });
    captureRawMime(client);
  });

  beforeEach(async () => {
    await ses.clear();
    rawMessages.length = 0;
  });

  afterAll(async () => {
    client?.destroy();
    viaProxy?.destroy();
    await proxy?.close();
    await ses?.close();
  });

  it('mails the PDF to NUMBER@gateway with an ISO-2022-JP text part', async () => {
    // Act
    const sent = await faxGateway().sendFax(sampleFax());

    // Assess: what SES stored.
    const [email] = await ses.emails();
    expect(sent).toEqual({ faxId: email?.messageId, gateway: 'email-to-fax' });
    expect(email?.destination.to).toEqual(['0312345678@fax.example.jp']);
    expect(email?.subject).toBe('発注書 PO-20261128-0001');
    // mailparser decoded the JIS text independently of our encoder.
    expect(email?.body.text?.trim()).toBe('株式会社サンプル文具 御中\n発注書をお送りします。');
    expect(email?.attachments).toEqual([
      expect.objectContaining({ contentType: 'application/pdf', filename: 'PO-20261128-0001.pdf' }),
    ]);
    expect(Buffer.from(email?.attachments[0]?.content ?? '', 'base64')).toEqual(PDF);

    // Assess: the raw MIME.
    const [raw] = rawMessages;
    if (raw === undefined) throw new Error('no raw MIME captured');
    const text = raw.toString('latin1');
    expect(headerSection(raw)).toMatch(/^To: 0312345678@fax\.example\.jp$/m);
    expect(headerSection(raw)).toMatch(/^Subject: =\?ISO-2022-JP\?B\?/m);
    const part =
      /Content-Type: text\/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n([\s\S]*?)\r\n--/.exec(
        text,
      );
    expect(part?.[1]).toBeDefined();
    const body = Buffer.from(part?.[1] ?? '', 'latin1');
    expect([...body].every((byte) => byte < 0x80)).toBe(true);
    expect(body.includes('\x1b$B')).toBe(true);
    expect(new TextDecoder('iso-2022-jp').decode(body)).toBe(
      '株式会社サンプル文具 御中\r\n発注書をお送りします。',
    );
  });

  it('keeps CR/LF in values out of the headers', async () => {
    // Act
    await faxGateway({ fromName: 'Stock\r\nBcc: evil@example.com' }).sendFax(
      sampleFax({
        orderNumber: 'PO-1\r\nBcc: evil@example.com',
        fileName: 'po.pdf\r\nBcc: evil@example.com',
      }),
    );

    // Assess
    const [raw] = rawMessages;
    if (raw === undefined) throw new Error('no raw MIME captured');
    expect(headerSection(raw)).not.toMatch(/^Bcc:/im);
    expect(raw.toString('latin1')).not.toMatch(/\r\nBcc:/i);
    const [email] = await ses.emails();
    expect(email?.destination.to).toEqual(['0312345678@fax.example.jp']);
    expect(email?.destination.bcc).toEqual([]);
  });

  it('writes E.164 addresses and a UTF-8 text part when configured so', async () => {
    // Act
    await faxGateway({ numberFormat: 'e164', textCharset: 'utf-8' }).sendFax(sampleFax());

    // Assess
    const [email] = await ses.emails();
    expect(email?.destination.to).toEqual(['+81312345678@fax.example.jp']);
    expect(email?.body.text?.trim()).toBe('株式会社サンプル文具 御中\n発注書をお送りします。');
    expect(rawMessages[0]?.toString('latin1')).toContain('Content-Type: text/plain; charset=utf-8');
  });

  it('refuses an invalid number or a foreign one for a national gateway without sending', async () => {
    // Act
    const invalid = await rejection(faxGateway().sendFax(sampleFax({ to: '+8131234' })));
    const foreign = await rejection(faxGateway().sendFax(sampleFax({ to: '+12125551234' })));

    // Assess
    expect(invalid).toMatchObject({ retryable: false, code: 'InvalidNumber' });
    expect(invalid.message).toContain('FAX番号が正しくありません');
    expect(foreign).toMatchObject({ retryable: false, code: 'InvalidNumber' });
    expect(await ses.emails()).toEqual([]);
  });

  it('reports SES throttling as retryable', async () => {
    // Prepare
    proxy.failNext(1, 'throttle');

    // Act
    const error = await rejection(faxGateway({ client: viaProxy }).sendFax(sampleFax()));

    // Assess
    expect(error).toMatchObject({ retryable: true, code: 'Throttling', status: 400 });
    expect(await ses.emails()).toEqual([]);
  });
});
