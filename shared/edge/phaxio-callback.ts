/**
 * Phaxio (API v2) send-fax status callbacks: signature check and parsing.
 *
 * Phaxio POSTs the callback as a multipart form to the `callback_url` given when the fax was
 * sent, with the fields `success`, `is_test`, `direction` and `fax` (the fax object as JSON):
 * https://www.phaxio.com/docs/api/v2/faxes/send_callback and
 * https://www.phaxio.com/docs/api/v2/intro/objects (fax and recipient objects).
 *
 * Signature (https://www.phaxio.com/docs/security/callbacks): the callback URL exactly as it
 * was submitted to Phaxio (trailing slashes and query included), then each POST field's name
 * and value in name order, then each file part's name and the SHA-1 hex digest of its content
 * in name order, all concatenated without delimiters; HMAC-SHA1 of that string keyed with the
 * account's callback token, hex, in the `X-Phaxio-Signature` header.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import './zod-mini-messages';
import type { FaxStatusUpdate } from '../ports/fax-gateway';

/** Header carrying the callback signature (Node lower-cases incoming header names). */
export const PHAXIO_SIGNATURE_HEADER = 'x-phaxio-signature';

/** Tag under which the bridge sends the order number (`tag[order_number]`). */
export const PHAXIO_ORDER_NUMBER_TAG = 'order_number';

/** Failure details can be long; kintone comments and records should not be. */
const MAX_DETAIL_LENGTH = 500;

/** A file part of a callback request (Phaxio attaches the PDF to received-fax callbacks). */
export interface PhaxioCallbackFile {
  /** The form part name, e.g. `file`. */
  name: string;
  content: Buffer;
}

/** What {@link signPhaxioCallback} signs. */
export interface PhaxioCallbackContent {
  /** The callback URL exactly as submitted to Phaxio, not as reconstructed from the request. */
  url: string;
  /** Non-file form fields, by name. */
  fields: Readonly<Record<string, string>>;
  files?: readonly PhaxioCallbackFile[];
  /** The account's callback token (Phaxio console, callback settings). */
  token: string;
}

/** What {@link verifyPhaxioSignature} checks. */
export interface PhaxioSignedCallback extends PhaxioCallbackContent {
  /** The `X-Phaxio-Signature` header value; undefined when the header is missing. */
  signature: string | undefined;
}

/**
 * A callback body that is not a usable Phaxio send-fax status. The caller should answer 400
 * and log it; Phaxio retries failed callbacks, so a fix on our side still gets the status.
 */
export class PhaxioCallbackError extends Error {
  override readonly name: string = 'PhaxioCallbackError';
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Computes the `X-Phaxio-Signature` value for a callback, as Phaxio does. The local emulator
 * signs with it; receivers use {@link verifyPhaxioSignature}.
 *
 * @example
 * ```ts
 * // The vector from Phaxio's Ruby client tests:
 * signPhaxioCallback({ url: 'example.com', fields: { test: 'true' }, token: 'test-callback-token' });
 * // '663099785e5eff09f0cd6f2bd5d78c852f3b670d'
 * ```
 */
export function signPhaxioCallback(content: PhaxioCallbackContent): string {
  if (content.token === '') {
    throw new TypeError('The Phaxio callback token is empty; set it from the Phaxio console.');
  }
  const fieldPart = Object.keys(content.fields)
    .sort(byName)
    .map((name) => `${name}${content.fields[name] ?? ''}`)
    .join('');
  const filePart = [...(content.files ?? [])]
    .sort((a, b) => byName(a.name, b.name))
    .map((file) => `${file.name}${createHash('sha1').update(file.content).digest('hex')}`)
    .join('');
  return createHmac('sha1', content.token)
    .update(`${content.url}${fieldPart}${filePart}`, 'utf8')
    .digest('hex');
}

/**
 * True when `signature` is Phaxio's signature of this callback under `token`. Compares in
 * constant time; a missing or malformed signature is simply false.
 *
 * `url` must be the callback URL as the bridge submitted it (configuration), not one rebuilt
 * from the incoming request: behind API Gateway or a tunnel the host and path differ.
 *
 * @example
 * ```ts
 * const ok = verifyPhaxioSignature({
 *   url: config.faxCallbackUrl,
 *   fields,
 *   files: [],
 *   signature: headers['x-phaxio-signature'],
 *   token: secrets.phaxioCallbackToken,
 * });
 * if (!ok) return { statusCode: 403 };
 * ```
 */
export function verifyPhaxioSignature(callback: PhaxioSignedCallback): boolean {
  const received = callback.signature?.trim().toLowerCase() ?? '';
  if (!/^[0-9a-f]{40}$/.test(received)) return false;
  const expected = signPhaxioCallback(callback);
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(received, 'hex'));
}

/**
 * PHP serialises an empty map as `[]`, so a fax without tags may carry `"tags": []`.
 * Tag values are strings, but numeric-looking ones may arrive as numbers.
 */
const tagsSchema = z.pipe(
  z.transform((value: unknown) => (Array.isArray(value) && value.length === 0 ? {} : value)),
  z.record(z.string(), z.pipe(z.union([z.string(), z.number()]), z.transform(String))),
);

const nullableText = z.nullish(z.string());

const recipientSchema = z.object({
  phone_number: nullableText,
  status: z.string(),
  error_type: nullableText,
  error_message: nullableText,
  completed_at: nullableText,
});

const faxObjectSchema = z.object({
  id: z.pipe(
    z.union([z.number().check(z.int(), z.nonnegative()), z.string().check(z.regex(/^\d+$/))]),
    z.transform(String),
  ),
  direction: nullableText,
  status: z.string(),
  tags: z.nullish(tagsSchema),
  recipients: z.nullish(z.array(recipientSchema)),
  error_type: nullableText,
  error_message: nullableText,
  created_at: nullableText,
  completed_at: nullableText,
});

const callbackFieldsSchema = z.object({
  fax: z.string(),
  direction: z.optional(z.string()),
  success: z.optional(z.string()),
  /** API v1 put the failure reason here; kept as a last resort for the detail. */
  message: z.optional(z.string()),
});

/** Statuses after which Phaxio sends the send callback (https://www.phaxio.com/docs/statuses). */
const FINAL_STATUSES: Readonly<Record<string, FaxStatusUpdate['status']>> = {
  success: 'delivered',
  failure: 'failed',
  // The bridge sends to one recipient, so "some recipients got it" cannot mean the supplier did.
  partialsuccess: 'failed',
};

/** Options for {@link parsePhaxioCallback}. */
export interface ParsePhaxioCallbackOptions {
  /** Used as `at` when the fax object has no `completed_at` (passed in: no clock reads here). */
  receivedAt?: Date;
}

/**
 * Turns the form fields of a verified Phaxio send callback into a {@link FaxStatusUpdate}:
 * `success` becomes `delivered`; `failure` (and `partialsuccess`) becomes `failed` with
 * Phaxio's error message as `detail`. The order number comes from `tag[order_number]`.
 *
 * @throws PhaxioCallbackError when the body is not a final send-fax status (malformed JSON,
 *   missing fields, a received-fax callback, or a status such as `inprogress`).
 *
 * @example
 * ```ts
 * parsePhaxioCallback({ success: 'true', direction: 'sent', is_test: 'false',
 *   fax: '{"id":123,"status":"success","tags":{"order_number":"PO-1"},"completed_at":"2026-11-28T02:20:00Z"}' });
 * // { faxId: '123', orderNumber: 'PO-1', status: 'delivered', at: '2026-11-28T02:20:00.000Z' }
 * ```
 */
export function parsePhaxioCallback(
  fields: Readonly<Record<string, string>>,
  options: ParsePhaxioCallbackOptions = {},
): FaxStatusUpdate {
  const form = callbackFieldsSchema.safeParse(fields);
  if (!form.success) {
    throw new PhaxioCallbackError(
      'Phaxio callback without a "fax" field; is the callback URL used for something else?',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(form.data.fax);
  } catch {
    throw new PhaxioCallbackError('Phaxio callback "fax" field is not JSON.');
  }
  const parsed = faxObjectSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'fax';
    throw new PhaxioCallbackError(
      `Phaxio callback "fax" object is not as documented at ${where}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const fax = parsed.data;
  const direction = form.data.direction ?? fax.direction ?? 'sent';
  if (direction !== 'sent') {
    throw new PhaxioCallbackError(
      `Phaxio callback for a ${direction} fax ${fax.id}; only send callbacks belong here.`,
    );
  }
  const status = FINAL_STATUSES[fax.status];
  if (status === undefined) {
    throw new PhaxioCallbackError(
      `Phaxio callback for fax ${fax.id} has status "${fax.status}", which is not final.`,
    );
  }

  const orderNumber = fax.tags?.[PHAXIO_ORDER_NUMBER_TAG];
  return {
    faxId: fax.id,
    ...(orderNumber !== undefined && orderNumber !== '' ? { orderNumber } : {}),
    status,
    ...(status === 'failed' ? { detail: failureDetail(fax, form.data.message) } : {}),
    at: completionTime(fax, options.receivedAt),
  };
}

function failureDetail(fax: z.infer<typeof faxObjectSchema>, legacyMessage?: string): string {
  const recipient = fax.recipients?.find((r) => r.error_message || r.error_type);
  const message = fax.error_message || recipient?.error_message || legacyMessage || undefined;
  const type = fax.error_type || recipient?.error_type || undefined;
  const text =
    message !== undefined
      ? type !== undefined && !message.includes(type)
        ? `${message} (${type})`
        : message
      : type !== undefined
        ? `Phaxio: ${type}`
        : fax.status === 'partialsuccess'
          ? 'Phaxio reported partial success: not every recipient received the fax.'
          : 'Phaxio reported the fax as failed without a reason.';
  return text.length > MAX_DETAIL_LENGTH ? `${text.slice(0, MAX_DETAIL_LENGTH - 1)}…` : text;
}

function completionTime(fax: z.infer<typeof faxObjectSchema>, receivedAt?: Date): string {
  const recipientDone = fax.recipients?.find((r) => r.completed_at)?.completed_at;
  for (const candidate of [fax.completed_at, recipientDone]) {
    if (candidate) {
      const time = new Date(candidate);
      if (!Number.isNaN(time.getTime())) return time.toISOString();
    }
  }
  if (receivedAt !== undefined) return receivedAt.toISOString();
  throw new PhaxioCallbackError(
    `Phaxio callback for fax ${fax.id} has no completed_at; pass receivedAt to use the arrival time.`,
  );
}

/** The parts of a callback request body, ready for {@link verifyPhaxioSignature}. */
export interface PhaxioCallbackForm {
  fields: Record<string, string>;
  files: PhaxioCallbackFile[];
}

/**
 * Reads a callback body (multipart/form-data as Phaxio sends it, or urlencoded) with the Web
 * `Request` parser, so no multipart dependency is needed. A field sent twice keeps its last
 * value, which is what the signature of a well-formed callback covers anyway.
 *
 * @throws PhaxioCallbackError when the body cannot be parsed as a form.
 *
 * @example
 * ```ts
 * const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
 * const { fields, files } = await readPhaxioCallbackForm(body, event.headers['content-type'] ?? '');
 * ```
 */
export async function readPhaxioCallbackForm(
  body: Buffer,
  contentType: string,
): Promise<PhaxioCallbackForm> {
  let form: FormData;
  try {
    form = await new Request('http://phaxio-callback.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    }).formData();
  } catch (error) {
    throw new PhaxioCallbackError(
      `Phaxio callback body is not a form (${contentType || 'no content type'}): ${String(error)}`,
    );
  }
  const fields: Record<string, string> = {};
  const files: PhaxioCallbackFile[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') fields[name] = value;
    else files.push({ name, content: Buffer.from(await value.arrayBuffer()) });
  }
  return { fields, files };
}
