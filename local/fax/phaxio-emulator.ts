/**
 * A local stand-in for Phaxio's REST API v2, the fax provider of `PhaxioFaxGateway`:
 * `POST /v2/faxes` and `GET /v2/faxes/:id` as documented at
 * https://www.phaxio.com/docs/api/v2/faxes/create_and_send_fax, then the send callback
 * (https://www.phaxio.com/docs/api/v2/faxes/send_callback) signed with `X-Phaxio-Signature`
 * (https://www.phaxio.com/docs/security/callbacks), plus an outbox page and fault injection.
 *
 * Known limitations (by design):
 * - One recipient (`to`) and one PDF (`file`) per fax; no `content_url`, batching,
 *   `header_text`, cancel or resend. Other file types get 422, where Phaxio would convert them.
 * - One callback attempt (Phaxio retries failed callbacks up to 16 times over days); the
 *   result is shown on the outbox page and in `faxes()`.
 * - Error messages are the emulator's own wording; Phaxio's envelope `{ success: false,
 *   message }` and the HTTP statuses (401, 404, 422, 500) are kept.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { listenOn } from '../listen';
import {
  PHAXIO_ORDER_NUMBER_TAG,
  PHAXIO_SIGNATURE_HEADER,
  signPhaxioCallback,
} from '../../shared/edge/phaxio-callback';
import { FaxIndex, type ReceivedFax } from './fax-index';
import { renderOutboxPage } from './outbox-page';

export type { ReceivedFax } from './fax-index';

/** `http-500`: the next POST /v2/faxes answers 500 and stores nothing. `fax-failure`: it is
 * accepted, and its callback reports a failed transmission. */
export type PhaxioFaultKind = 'http-500' | 'fax-failure';

/** Route for injecting failures over HTTP: `POST {"failNext": 1, "kind": "http-500"}`. */
export const PHAXIO_FAULTS_ROUTE = '/__faults';

/** Phaxio's documented upload limit is far above a one-page order form; this bounds memory. */
const MAX_REQUEST_BYTES = 20 * 1024 * 1024;
const MAX_CONTROL_BODY_BYTES = 4096;
/** A receiver that hangs must not hold the emulator's close() for long. */
const CALLBACK_TIMEOUT_MS = 10_000;
const E164 = /^\+[1-9]\d{6,14}$/;
const TAG_FIELD = /^tag\[([^\]]+)\]$/;

/** What the emulator reports for an injected transmission failure (a Phaxio error type). */
const SIMULATED_FAILURE = {
  errorType: 'lineError',
  errorMessage: 'No answer (simulated by the local Phaxio emulator)',
} as const;

/** Options of {@link startPhaxioEmulator}. */
export interface PhaxioEmulatorOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Faxes go to `DATA_DIR/fax/<id>.pdf` with an index `DATA_DIR/fax/index.json`. */
  dataDir: string;
  /** Signs callbacks; the receiver verifies with the same token. */
  callbackToken: string;
  /** Credentials POST /v2/faxes accepts (HTTP basic auth, or api_key/api_secret fields). */
  apiKey: string;
  apiSecret: string;
  /** Simulated transmission time before the callback; defaults to 50 ms. */
  callbackDelayMs?: number;
  /** One line per request and per callback; silent by default. */
  log?: (line: string) => void;
  /** Clock for fax timestamps. */
  now?: () => Date;
}

/** A running emulator. */
export interface PhaxioEmulator {
  /** API base for `PhaxioFaxGateway({ baseUrl })`, e.g. `http://127.0.0.1:PORT/v2`. */
  baseUrl: string;
  /** HTML page listing received faxes (time, number, order number, status, PDF link). */
  outboxUrl: string;
  /** `POST {"failNext": n, "kind": "http-500" | "fax-failure"}`; `GET` shows what is pending. */
  faultsUrl: string;
  port: number;
  /** Every accepted fax, oldest first. */
  faxes(): ReceivedFax[];
  /** Path of a stored fax's PDF. */
  pdfPath(id: number): string;
  /** Makes the next `n` POST /v2/faxes fail as `kind` (default `http-500`); 0 cancels. */
  failNext(n: number, kind?: PhaxioFaultKind): void;
  /** Resolves when every accepted fax has completed and its callback has been answered. */
  idle(): Promise<void>;
  /** Stops listening; faxes still queued are completed after the next start. */
  close(): Promise<void>;
}

const faultRequestSchema = z.object({
  failNext: z.number().int().min(0),
  kind: z.enum(['http-500', 'fax-failure']).optional(),
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Starts the emulator on 127.0.0.1. Faxes accepted before a restart are kept (and those still
 * queued complete and call back after it).
 *
 * @example
 * ```ts
 * const phaxio = await startPhaxioEmulator({ dataDir: '.data', callbackToken, apiKey, apiSecret });
 * const gateway = new PhaxioFaxGateway({ baseUrl: phaxio.baseUrl, apiKey, apiSecret, callbackUrl });
 * phaxio.failNext(1, 'http-500');
 * ```
 */
export async function startPhaxioEmulator(options: PhaxioEmulatorOptions): Promise<PhaxioEmulator> {
  if (options.callbackToken === '' || options.apiKey === '' || options.apiSecret === '') {
    throw new TypeError('The Phaxio emulator needs a callback token, an API key and a secret.');
  }
  const index = new FaxIndex(options.dataDir);
  const log = options.log ?? (() => undefined);
  const now = options.now ?? (() => new Date());
  const delayMs = options.callbackDelayMs ?? 50;
  const pending: { count: number; kind: PhaxioFaultKind } = { count: 0, kind: 'http-500' };
  const timers = new Map<number, NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  const failNext = (n: number, kind: PhaxioFaultKind = 'http-500'): void => {
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`failNext needs a whole number of failures >= 0, got ${n}`);
    }
    pending.count = n;
    pending.kind = kind;
  };

  const schedule = (id: number): void => {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(id);
      const work = complete(id).finally(() => inFlight.delete(work));
      inFlight.add(work);
    }, delayMs);
    timers.set(id, timer);
  };

  const complete = async (id: number): Promise<void> => {
    const queued = index.get(id);
    if (queued === undefined || queued.status !== 'queued') return;
    const fax = index.update(id, {
      status: queued.outcome,
      completedAt: now().toISOString(),
      ...(queued.outcome === 'failure' ? SIMULATED_FAILURE : {}),
    });
    if (fax?.callbackUrl === undefined) return;
    const callback = await sendCallback(fax, fax.callbackUrl, options.callbackToken, now);
    index.update(id, { callback });
    log(
      `phaxio: callback for fax ${id} (${fax.status}) -> ${redactUrl(fax.callbackUrl)}: ` +
        (callback.status !== undefined ? `HTTP ${callback.status}` : `failed: ${callback.error}`),
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    if (path === PHAXIO_FAULTS_ROUTE) {
      await handleControl(req, res, pending, failNext);
      return;
    }
    if (path === '/v2/faxes' && req.method === 'POST') {
      const body = await readBody(req, MAX_REQUEST_BYTES);
      const form = await parseForm(body, req.headers['content-type'] ?? '');
      authenticate(req, form, url, options);
      if (pending.count > 0 && pending.kind === 'http-500') {
        pending.count -= 1;
        throw new HttpError(500, 'Internal server error (injected by the local Phaxio emulator)');
      }
      const accepted = await accept(form);
      const outcome = pending.count > 0 && pending.kind === 'fax-failure' ? 'failure' : 'success';
      if (outcome === 'failure') pending.count -= 1;
      const fax = index.add(
        {
          createdAt: now().toISOString(),
          to: accepted.to,
          fileName: accepted.fileName,
          fileSize: accepted.pdf.length,
          numPages: countPages(accepted.pdf),
          tags: accepted.tags,
          ...(accepted.callbackUrl !== undefined ? { callbackUrl: accepted.callbackUrl } : {}),
          status: 'queued',
          outcome,
        },
        accepted.pdf,
      );
      schedule(fax.id);
      log(
        `phaxio: POST /v2/faxes -> fax ${fax.id} to ${fax.to}` +
          ` (order ${fax.tags[PHAXIO_ORDER_NUMBER_TAG] ?? '-'}, ${outcome})`,
      );
      sendJson(res, 200, {
        success: true,
        message: 'Fax queued for sending',
        data: { id: fax.id },
      });
      return;
    }
    const apiFax = /^\/v2\/faxes\/(\d+)$/.exec(path);
    if (apiFax && req.method === 'GET') {
      authenticate(req, new FormData(), url, options);
      const fax = index.get(Number(apiFax[1]));
      if (fax === undefined) throw new HttpError(404, 'Fax not found');
      sendJson(res, 200, {
        success: true,
        message: 'Retrieved fax successfully',
        data: faxObject(fax),
      });
      return;
    }
    if ((path === '/faxes' || path === '/faxes/' || path === '/') && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(renderOutboxPage(index.all(), PHAXIO_ORDER_NUMBER_TAG));
      return;
    }
    const pdf = /^\/faxes\/(\d+)\.pdf$/.exec(path);
    if (pdf && req.method === 'GET') {
      const fax = index.get(Number(pdf[1]));
      if (fax === undefined) throw new HttpError(404, 'Fax not found');
      res.writeHead(200, {
        'content-type': 'application/pdf',
        'content-disposition': `inline; filename="${fax.id}.pdf"`,
      });
      res.end(readFileSync(index.pdfPath(fax.id)));
      return;
    }
    throw new HttpError(404, `No route for ${req.method} ${path}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const internal = stringField(error, 'message') ?? String(error);
      // Like Phaxio, answer with a message for the client's mistakes and keep internals in the log.
      const message = error instanceof HttpError ? internal : 'Internal server error';
      log(
        `phaxio: ${req.method} ${new URL(req.url ?? '/', 'http://x').pathname} -> ${status}: ${internal}`,
      );
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJson(res, status, { success: false, message });
    });
  });

  const port = await listenOn(server, {
    port: options.port ?? 0,
    host: '127.0.0.1',
    service: 'Phaxio emulator',
  });
  // Faxes accepted before a restart that never completed get their callback now.
  for (const fax of index.all()) if (fax.status === 'queued') schedule(fax.id);

  const origin = `http://127.0.0.1:${port}`;
  return {
    baseUrl: `${origin}/v2`,
    outboxUrl: `${origin}/faxes`,
    faultsUrl: `${origin}${PHAXIO_FAULTS_ROUTE}`,
    port,
    faxes: () => index.all(),
    pdfPath: (id) => index.pdfPath(id),
    failNext,
    idle: async () => {
      while (timers.size > 0 || inFlight.size > 0) {
        await Promise.all(inFlight);
        if (timers.size > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    },
    close: async () => {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.all(inFlight);
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

interface AcceptedFax {
  to: string;
  pdf: Buffer;
  fileName: string;
  tags: Record<string, string>;
  callbackUrl?: string;
}

/** Validates a create-fax form as Phaxio would (422 with a message) and extracts the fax. */
async function accept(form: FormData): Promise<AcceptedFax> {
  const recipients = [...form.getAll('to'), ...form.getAll('to[]')];
  const to = recipients[0];
  if (typeof to !== 'string' || to === '') throw new HttpError(422, 'The to parameter is required');
  if (recipients.length > 1) {
    throw new HttpError(422, 'The local Phaxio emulator accepts one recipient per fax');
  }
  if (!E164.test(to)) {
    throw new HttpError(422, `Phone number ${to} is not in E.164 format (+[country code][number])`);
  }
  if (form.has('content_url') || form.has('content_url[]')) {
    throw new HttpError(422, 'The local Phaxio emulator does not render content_url');
  }
  const files = [...form.getAll('file'), ...form.getAll('file[]')];
  const file = files[0];
  if (file === undefined || typeof file === 'string') {
    throw new HttpError(422, 'You must provide at least one file or content_url');
  }
  if (files.length > 1)
    throw new HttpError(422, 'The local Phaxio emulator accepts one file per fax');
  const pdf = Buffer.from(await file.arrayBuffer());
  if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') {
    throw new HttpError(
      422,
      `${file.name} is not a PDF; the local Phaxio emulator accepts PDFs only`,
    );
  }
  return { to, pdf, fileName: file.name, tags: tagsOf(form), ...callbackOf(form) };
}

function tagsOf(form: FormData): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [name, value] of form.entries()) {
    const tag = TAG_FIELD.exec(name);
    if (tag?.[1] !== undefined && typeof value === 'string') tags[tag[1]] = value;
  }
  return tags;
}

function callbackOf(form: FormData): { callbackUrl?: string } {
  const value = form.get('callback_url');
  if (value === null || value === '') return {};
  if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:/.test(value)) {
    throw new HttpError(422, 'The callback_url parameter must be an http(s) URL');
  }
  return { callbackUrl: value };
}

async function parseForm(body: Buffer, contentType: string): Promise<FormData> {
  let form: FormData;
  try {
    // The Web Request parser handles multipart and urlencoded bodies without a dependency.
    form = await new Request('http://127.0.0.1/v2/faxes', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    }).formData();
  } catch {
    throw new HttpError(422, 'The request body must be multipart/form-data');
  }
  return form;
}

/** HTTP basic auth (recommended by Phaxio) or `api_key`/`api_secret` parameters. */
function authenticate(
  req: IncomingMessage,
  form: FormData,
  url: URL,
  options: PhaxioEmulatorOptions,
): void {
  let key: string | undefined;
  let secret: string | undefined;
  const header = req.headers.authorization ?? '';
  if (/^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) {
      key = decoded.slice(0, colon);
      secret = decoded.slice(colon + 1);
    }
  } else {
    const formKey = form.get('api_key');
    const formSecret = form.get('api_secret');
    key = typeof formKey === 'string' ? formKey : (url.searchParams.get('api_key') ?? undefined);
    secret =
      typeof formSecret === 'string'
        ? formSecret
        : (url.searchParams.get('api_secret') ?? undefined);
  }
  if (
    key === undefined ||
    secret === undefined ||
    !sameSecret(key, options.apiKey) ||
    !sameSecret(secret, options.apiSecret)
  ) {
    throw new HttpError(401, 'Invalid API credentials: check the API key and secret');
  }
}

/** Constant-time comparison of values of any length (hashing first equalises the lengths). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The fax as Phaxio's API and callbacks show it (https://www.phaxio.com/docs/api/v2/intro/objects). */
function faxObject(fax: ReceivedFax): Record<string, unknown> {
  const done = fax.status !== 'queued';
  const error = fax.status === 'failure';
  return {
    id: fax.id,
    direction: 'sent',
    num_pages: fax.numPages,
    cost: done && !error ? 7 * fax.numPages : 0,
    status: fax.status,
    // The emulator stands in for production keys, so the bridge's production path runs.
    is_test: false,
    created_at: fax.createdAt,
    caller_id: null,
    from_number: null,
    to_number: null,
    recipients: [
      {
        phone_number: fax.to,
        status: fax.status,
        retry_count: 0,
        completed_at: fax.completedAt ?? null,
        bitrate: done && !error ? 14400 : null,
        resolution: done && !error ? 7700 : null,
        error_type: fax.errorType ?? null,
        error_message: fax.errorMessage ?? null,
        error_id: null,
      },
    ],
    tags: fax.tags,
    error_type: fax.errorType ?? null,
    error_message: fax.errorMessage ?? null,
    error_id: null,
    completed_at: fax.completedAt ?? null,
  };
}

/**
 * POSTs the send callback as Phaxio does: a multipart form with `success`, `is_test`,
 * `direction` and `fax` (JSON), signed over exactly these fields and the callback URL as it
 * was submitted. Credentials in the URL (`https://user:pass@host/...`, which Phaxio supports)
 * become a basic-auth header, because fetch refuses URLs with credentials.
 */
async function sendCallback(
  fax: ReceivedFax,
  callbackUrl: string,
  token: string,
  now: () => Date,
): Promise<NonNullable<ReceivedFax['callback']>> {
  const fields: Record<string, string> = {
    direction: 'sent',
    fax: JSON.stringify(faxObject(fax)),
    is_test: 'false',
    success: String(fax.status === 'success'),
  };
  const signature = signPhaxioCallback({ url: callbackUrl, fields, token });
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const target = new URL(callbackUrl);
  const headers: Record<string, string> = { [PHAXIO_SIGNATURE_HEADER]: signature };
  if (target.username !== '' || target.password !== '') {
    const user = decodeURIComponent(target.username);
    const password = decodeURIComponent(target.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  const at = now().toISOString();
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers,
      body: form,
      signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return { at, status: response.status };
  } catch (error) {
    // Duck typing: fetch's errors (and their socket `cause`) may come from another realm.
    const message = stringField(error, 'message') ?? String(error);
    const cause: unknown =
      typeof error === 'object' && error !== null ? Reflect.get(error, 'cause') : undefined;
    const detail = stringField(cause, 'code') ?? stringField(cause, 'message');
    return { at, error: detail === undefined ? message : `${message} (${detail})` };
  }
}

function stringField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const found: unknown = Reflect.get(value, key);
  return typeof found === 'string' ? found : undefined;
}

/** Logs must not show a callback token or password. */
function redactUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}${parsed.search === '' ? '' : '?…'}`;
}

/** PDF page objects (`/Type /Page`, not `/Pages`); a guess good enough for the outbox. */
function countPages(pdf: Buffer): number {
  const matches = pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g);
  return Math.max(1, matches?.length ?? 0);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new HttpError(413, `Request body over ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  pending: { count: number; kind: PhaxioFaultKind },
  failNext: (n: number, kind?: PhaxioFaultKind) => void,
): Promise<void> {
  if (req.method === 'GET') {
    sendJson(res, 200, { failNext: pending.count, kind: pending.kind });
    return;
  }
  if (req.method !== 'POST') throw new HttpError(405, `Use GET or POST on ${PHAXIO_FAULTS_ROUTE}`);
  const body = await readBody(req, MAX_CONTROL_BODY_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'Body must be JSON like {"failNext": 1, "kind": "http-500"}');
  }
  const parsed = faultRequestSchema.safeParse(json);
  if (!parsed.success) {
    throw new HttpError(
      400,
      'Expected {"failNext": <whole number >= 0>, "kind"?: "http-500" | "fax-failure"}',
    );
  }
  failNext(parsed.data.failNext, parsed.data.kind);
  sendJson(res, 200, { failNext: pending.count, kind: pending.kind });
}
