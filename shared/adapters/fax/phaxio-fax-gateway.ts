import * as z from 'zod/mini';
import '../../edge/zod-mini-messages';
import { PHAXIO_ORDER_NUMBER_TAG } from '../../edge/phaxio-callback';
import type { FaxGateway, OutgoingFax, SentFax } from '../../ports/fax-gateway';
import { FaxGatewayError } from './fax-gateway-errors';

export { FaxGatewayError } from './fax-gateway-errors';

/** Phaxio's production API base (https://www.phaxio.com/docs/api/v2/intro/authentication). */
export const PHAXIO_API_BASE_URL = 'https://api.phaxio.com/v2';

/** A Lambda should give up on a stuck upload well before its own timeout. */
const DEFAULT_TIMEOUT_MS = 30_000;

/** Phaxio's messages are short; a proxy's HTML error page is not, and is cut to this. */
const MAX_PROVIDER_MESSAGE_LENGTH = 300;

/** E.164: `+`, a country code not starting with 0, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/;

/** Collaborators and settings for {@link PhaxioFaxGateway}. */
export interface PhaxioFaxGatewayOptions {
  /** API base URL; defaults to {@link PHAXIO_API_BASE_URL}. The local emulator gives its own. */
  baseUrl?: string;
  apiKey: string;
  apiSecret: string;
  /**
   * Where Phaxio POSTs the send status. Submitted with every fax, so Phaxio signs callbacks
   * over exactly this string: configure the receiver with the same value.
   */
  callbackUrl: string;
  /** HTTP client; defaults to the global `fetch`. Tests inject a recording one. */
  fetch?: typeof globalThis.fetch;
  /** Upload timeout; defaults to 30 s. A timeout is retryable (see {@link PhaxioFaxGateway}). */
  timeoutMs?: number;
}

/** Phaxio's JSON envelope (https://www.phaxio.com/docs/api/v2/faxes/create_and_send_fax). */
const envelopeSchema = z.object({
  success: z.boolean(),
  message: z.optional(z.string()),
  data: z.optional(
    z.object({
      id: z.union([z.number().check(z.int(), z.nonnegative()), z.string().check(z.regex(/^\d+$/))]),
    }),
  ),
});

/**
 * Sends faxes through Phaxio's REST API v2 (now part of Sinch): `POST {baseUrl}/faxes` as
 * multipart/form-data with HTTP basic auth (API key and secret), the fields `to` (E.164),
 * `file` (the PDF, with its file name), `callback_url` and `tag[order_number]`
 * (https://www.phaxio.com/docs/api/v2/faxes/create_and_send_fax). Phaxio answers
 * `{ success, message, data: { id } }`; the id is returned as `faxId`, and the send callback
 * later reports the outcome (see `parsePhaxioCallback`).
 *
 * Failures throw {@link FaxGatewayError}: 5xx, 429, timeouts and network errors are
 * retryable, other 4xx (bad credentials, rejected number or file) are not. A timeout is
 * ambiguous (Phaxio may have queued the fax before the answer was lost), so a retry after one
 * can send a second fax; the other retryable cases cannot.
 *
 * @example
 * ```ts
 * const gateway = new PhaxioFaxGateway({
 *   apiKey, apiSecret,
 *   callbackUrl: 'https://bridge.example.jp/webhooks/fax?token=...',
 * });
 * const { faxId } = await gateway.sendFax({ to: '+81312345678', pdf, fileName: 'PO-1.pdf', orderNumber: 'PO-1' });
 * ```
 */
export class PhaxioFaxGateway implements FaxGateway {
  readonly #faxesUrl: string;
  readonly #authorization: string;
  readonly #secrets: readonly string[];
  readonly #callbackUrl: string;
  readonly #fetch: typeof globalThis.fetch;
  readonly #timeoutMs: number;

  constructor(options: PhaxioFaxGatewayOptions) {
    const baseUrl = (options.baseUrl ?? PHAXIO_API_BASE_URL).replace(/\/+$/, '');
    if (!/^https?:\/\//.test(baseUrl)) {
      throw new TypeError(`Phaxio baseUrl must be an http(s) URL, got ${JSON.stringify(baseUrl)}`);
    }
    if (options.apiKey === '' || options.apiSecret === '') {
      throw new TypeError('Phaxio apiKey and apiSecret must not be empty.');
    }
    if (!/^https?:\/\//.test(options.callbackUrl)) {
      throw new TypeError('Phaxio callbackUrl must be an http(s) URL Phaxio can reach.');
    }
    this.#faxesUrl = `${baseUrl}/faxes`;
    this.#authorization = `Basic ${Buffer.from(`${options.apiKey}:${options.apiSecret}`).toString('base64')}`;
    // The callback URL may carry a token or basic-auth password, so it is redacted as well.
    this.#secrets = [options.apiSecret, options.callbackUrl];
    this.#callbackUrl = options.callbackUrl;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async sendFax(fax: OutgoingFax): Promise<SentFax> {
    if (!E164.test(fax.to)) {
      throw new FaxGatewayError(
        `Order ${fax.orderNumber} was not faxed: ${JSON.stringify(fax.to)} is not an E.164 number ` +
          '(like +81312345678). Normalise the supplier’s fax number first.',
        { retryable: false, code: 'InvalidNumber' },
      );
    }

    const form = new FormData();
    form.append('to', fax.to);
    // A copy, because Blob wants a plain ArrayBuffer-backed view and Buffers may be pooled.
    form.append(
      'file',
      new Blob([new Uint8Array(fax.pdf)], { type: 'application/pdf' }),
      fax.fileName || `${fax.orderNumber}.pdf`,
    );
    form.append('callback_url', this.#callbackUrl);
    if (fax.orderNumber !== '') form.append(`tag[${PHAXIO_ORDER_NUMBER_TAG}]`, fax.orderNumber);

    let response: Response;
    let body: string;
    try {
      response = await this.#fetch(this.#faxesUrl, {
        method: 'POST',
        headers: { authorization: this.#authorization, accept: 'application/json' },
        body: form,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      body = await response.text();
    } catch (error) {
      throw this.#transportError(error, fax.orderNumber);
    }
    return this.#interpret(response.status, body, fax.orderNumber);
  }

  #interpret(status: number, body: string, orderNumber: string): SentFax {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const envelope = envelopeSchema.safeParse(json);
    const providerMessage = this.#redact(
      envelope.success ? (envelope.data.message ?? '') : body.slice(0, MAX_PROVIDER_MESSAGE_LENGTH),
    );

    if (status >= 200 && status < 300 && envelope.success && envelope.data.success) {
      const id = envelope.data.data?.id;
      if (id !== undefined) return { faxId: String(id), gateway: 'phaxio' };
      throw new FaxGatewayError(
        `Phaxio accepted order ${orderNumber} but returned no fax id; check the Phaxio endpoint.`,
        { retryable: false, status, code: 'MissingFaxId' },
      );
    }

    const retryable = status === 429 || status >= 500;
    const code =
      status === 401 || status === 403
        ? 'Unauthorized'
        : status === 429
          ? 'RateLimited'
          : status >= 500
            ? 'ProviderError'
            : 'Rejected';
    const next =
      code === 'Unauthorized'
        ? 'Check the Phaxio API key and secret in the configuration.'
        : retryable
          ? 'Retry later with the same order.'
          : 'Not retryable: fix the number or the PDF first.';
    const said = providerMessage === '' ? '' : `: ${providerMessage}`;
    throw new FaxGatewayError(
      `Phaxio did not accept order ${orderNumber} (HTTP ${status})${said}. ${next}`,
      { retryable, status, code },
    );
  }

  #transportError(error: unknown, orderNumber: string): FaxGatewayError {
    // Duck typing: fetch rejects with a DOMException (TimeoutError) or a TypeError whose
    // `cause` has the socket code, and either may come from another realm than ours.
    const timedOut = field(error, 'name') === 'TimeoutError';
    const reason = field(error, 'message') ?? String(error);
    const cause: unknown =
      typeof error === 'object' && error !== null ? Reflect.get(error, 'cause') : undefined;
    const causeDetail = field(cause, 'code') ?? field(cause, 'message');
    return new FaxGatewayError(
      timedOut
        ? `Phaxio did not answer within ${this.#timeoutMs} ms for order ${orderNumber}. ` +
            'Retry later; Phaxio may have queued it, so check its fax list for the order tag first.'
        : this.#redact(
            `Could not reach Phaxio for order ${orderNumber}: ${reason}` +
              `${causeDetail === undefined ? '' : ` (${causeDetail})`}. Retry later.`,
          ),
      { retryable: true, code: timedOut ? 'Timeout' : 'NetworkError', cause: error },
    );
  }

  #redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets)
      if (secret !== '') out = out.split(secret).join('[redacted]');
    return out;
  }
}

function field(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const found: unknown = Reflect.get(value, key);
  return typeof found === 'string' ? found : undefined;
}
