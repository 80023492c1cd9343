import {
  FaxGatewayError,
  PhaxioFaxGateway,
  type PhaxioFaxGatewayOptions,
} from '../../shared/adapters/fax/phaxio-fax-gateway';
import type { OutgoingFax } from '../../shared/ports/fax-gateway';

const API_SECRET = 'phaxio-secret-never-in-messages';
const CALLBACK_URL = 'https://bridge.example.jp/webhooks/fax?token=callback-secret';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <</Type /Page>> endobj\n%%EOF\n');

const FAX: OutgoingFax = {
  to: '+81312345678',
  pdf: PDF,
  fileName: 'PO-20261128-0001.pdf',
  orderNumber: 'PO-20261128-0001',
};

interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
  form: FormData;
}

/** A fetch that records each request (parsed as Phaxio would) and answers with `respond`. */
function recordingFetch(respond: () => Response | Promise<Response>): {
  fetch: typeof globalThis.fetch;
  requests: RecordedRequest[];
} {
  const requests: RecordedRequest[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    requests.push({
      url: request.url,
      method: request.method,
      headers: request.headers,
      form: await request.formData(),
    });
    return respond();
  };
  return { fetch, requests };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

function gateway(fetch: typeof globalThis.fetch, overrides: Partial<PhaxioFaxGatewayOptions> = {}) {
  return new PhaxioFaxGateway({
    baseUrl: 'https://api.phaxio.test/v2/',
    apiKey: 'key-1',
    apiSecret: API_SECRET,
    callbackUrl: CALLBACK_URL,
    fetch,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<FaxGatewayError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof FaxGatewayError))
    throw new Error(`expected FaxGatewayError, got ${String(error)}`);
  return error;
}

describe('PhaxioFaxGateway', () => {
  it('POSTs the documented multipart request with basic auth and returns the fax id', async () => {
    // Prepare
    const { fetch, requests } = recordingFetch(() =>
      json(200, { success: true, message: 'Fax queued for sending', data: { id: 55315341 } }),
    );

    // Act
    const sent = await gateway(fetch).sendFax(FAX);

    // Assess
    expect(sent).toEqual({ faxId: '55315341', gateway: 'phaxio' });
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('https://api.phaxio.test/v2/faxes');
    expect(request?.headers.get('authorization')).toBe(
      `Basic ${Buffer.from(`key-1:${API_SECRET}`).toString('base64')}`,
    );
    const form = request?.form ?? new FormData();
    expect(form.get('to')).toBe('+81312345678');
    expect(form.get('callback_url')).toBe(CALLBACK_URL);
    expect(form.get('tag[order_number]')).toBe('PO-20261128-0001');
    const file = form.get('file');
    if (file === null || typeof file === 'string') throw new Error('file part missing');
    expect(file.name).toBe('PO-20261128-0001.pdf');
    expect(file.type).toBe('application/pdf');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(PDF);
  });

  it.each([
    [500, true, 'ProviderError'],
    [503, true, 'ProviderError'],
    [429, true, 'RateLimited'],
    [401, false, 'Unauthorized'],
    [422, false, 'Rejected'],
  ])('maps HTTP %i to retryable=%s (%s)', async (status, retryable, code) => {
    // Prepare
    const { fetch } = recordingFetch(() => json(status, { success: false, message: 'Nope' }));

    // Act
    const error = await failure(gateway(fetch).sendFax(FAX));

    // Assess
    expect(error).toMatchObject({ retryable, status, code });
    expect(error.message).toContain('PO-20261128-0001');
    expect(error.message).toContain('Nope');
  });

  it('never puts the API secret or the callback token into a message, even when echoed', async () => {
    // Prepare
    const { fetch } = recordingFetch(() =>
      json(422, { success: false, message: `bad secret ${API_SECRET} for ${CALLBACK_URL}` }),
    );

    // Act
    const error = await failure(gateway(fetch).sendFax(FAX));

    // Assess
    expect(error.message).not.toContain(API_SECRET);
    expect(error.message).not.toContain('callback-secret');
    expect(error.message).toContain('[redacted]');
  });

  it('treats a 200 with success=false as a rejection, not a sent fax', async () => {
    const { fetch } = recordingFetch(() => json(200, { success: false, message: 'Invalid file' }));
    await expect(gateway(fetch).sendFax(FAX)).rejects.toMatchObject({ retryable: false });
  });

  it('reports a proxy’s non-JSON 502 as retryable', async () => {
    const { fetch } = recordingFetch(
      () => new Response('<html>Bad gateway</html>', { status: 502 }),
    );
    await expect(gateway(fetch).sendFax(FAX)).rejects.toMatchObject({
      retryable: true,
      status: 502,
    });
  });

  it('reports a network error as retryable', async () => {
    // Prepare
    const fetch: typeof globalThis.fetch = () =>
      Promise.reject(
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
        }),
      );

    // Act
    const error = await failure(gateway(fetch).sendFax(FAX));

    // Assess
    expect(error).toMatchObject({ retryable: true, code: 'NetworkError' });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('gives up after timeoutMs and reports it as retryable', async () => {
    // Prepare: a fetch that only ends when aborted.
    const fetch: typeof globalThis.fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });

    // Act
    const error = await failure(gateway(fetch, { timeoutMs: 20 }).sendFax(FAX));

    // Assess
    expect(error).toMatchObject({ retryable: true, code: 'Timeout' });
  });

  it('refuses a number that is not E.164 without calling Phaxio', async () => {
    // Prepare
    const { fetch, requests } = recordingFetch(() => json(200, {}));

    // Act
    const error = await failure(gateway(fetch).sendFax({ ...FAX, to: '03-1234-5678' }));

    // Assess
    expect(error).toMatchObject({ retryable: false, code: 'InvalidNumber' });
    expect(requests).toHaveLength(0);
  });
});
