/**
 * The queue message the webhook and sweep functions send and the dispatch function reads: a
 * notification as JSON text that SQS accepts, or, when that text is over SQS's size limit, a
 * small reference to a copy in the claim-check store. Only the sweep still writes claim checks
 * (a kintone record can be larger than a webhook payload); the webhook queues every notification
 * as is, and dispatch resolves references from the sweep and from an older webhook.
 *
 * @module
 */
import * as z from 'zod/mini';
import './zod-mini-messages';
import type { ClaimCheckStore } from '../ports/claim-checks';

/**
 * SQS's maximum message size (1 MiB), counting the body and the message attributes: SQS's limit
 * since 2025 (256 KiB before), and the size the stack sets on the notification queue and its
 * dead-letter queue (a queue created before then keeps 256 KiB unless it is set). kintone sends
 * at most 1 MB per webhook, so a trimmed notification fits one message.
 */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

/**
 * The largest body queued as is. SQS counts message attributes (names, types, values) in the
 * same 1 MiB; the margin leaves room for a few without re-checking here.
 */
export const MAX_QUEUED_BODY_BYTES = SQS_MAX_MESSAGE_BYTES - 4_096;

/** The top-level key that marks a queue message as a claim-check reference. */
export const CLAIM_CHECK_KEY = 'claimCheck';

/**
 * Characters SQS accepts in a message body: `#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD |
 * #x10000-#x10FFFF` (XML 1.0's Char production). The `u` flag makes a lone surrogate one
 * "character" here, so it matches too.
 */
const SQS_REJECTED_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** True when SQS would accept `text` as a message body, character-wise. */
export function hasOnlySqsCharacters(text: string): boolean {
  SQS_REJECTED_CHARACTER.lastIndex = 0;
  const rejected = SQS_REJECTED_CHARACTER.test(text);
  SQS_REJECTED_CHARACTER.lastIndex = 0;
  return !rejected;
}

/**
 * JSON text of `value` holding only characters SQS accepts, so that `JSON.parse` gives back
 * exactly `value`.
 *
 * `JSON.stringify` already escapes C0 controls and lone surrogates; what is left outside
 * SQS's set is U+FFFE and U+FFFF (kintone stores them in text fields). Outside strings JSON
 * text is ASCII, so every such character is inside a string (a value or a key), where a
 * `\uXXXX` escape stands for exactly that character.
 *
 * @throws RangeError when `value` is nested too deeply for `JSON.stringify`.
 * @example
 * encodeForQueue({ name: 'ボールペン\uFFFF黒' }); // '{"name":"ボールペン\\uffff黒"}'
 */
export function encodeForQueue(value: unknown): string {
  const json = JSON.stringify(value);
  // Those two are all there can be (see above), and two plain searches cost a fraction of the
  // regular expression's walk over every code point: the webhook encodes every notification.
  if (!json.includes('\uFFFE') && !json.includes('\uFFFF')) return json;
  return json.replace(SQS_REJECTED_CHARACTER, (character) =>
    Array.from({ length: character.length }, (_, i) => unicodeEscape(character.charCodeAt(i))).join(
      '',
    ),
  );
}

function unicodeEscape(codeUnit: number): string {
  return `\\u${codeUnit.toString(16).padStart(4, '0')}`;
}

/** What a claim-check reference carries besides the id: enough to find the record in logs. */
export interface ClaimCheckSummary {
  notificationId: string;
  type: string;
  app: { id: string };
  recordId: string;
}

const claimCheckReferenceSchema = z.object({
  [CLAIM_CHECK_KEY]: z.object({ id: z.string().check(z.minLength(1)) }),
  notificationId: z.string(),
  type: z.string(),
  app: z.object({ id: z.string() }),
  recordId: z.string(),
});

/** A queue message that stands for a notification kept in the claim-check store. */
export type ClaimCheckReference = z.infer<typeof claimCheckReferenceSchema>;

/** The queue body for one notification, and whether it went through the claim check. */
export interface QueueBody {
  body: string;
  claimCheckId?: string;
}

/**
 * True when `encoded` (from {@link encodeForQueue}) fits one queue message as is
 * ({@link MAX_QUEUED_BODY_BYTES}), as {@link queueBodyFor} decides. The webhook, which writes
 * no claim checks, refuses a notification for which it is false.
 *
 * @example
 * if (!fitsInQueue(encoded)) throw new PayloadTooLargeError(MAX_QUEUED_BODY_BYTES, message);
 */
export function fitsInQueue(encoded: string): boolean {
  return fitsIn(encoded, MAX_QUEUED_BODY_BYTES);
}

/** True when the text's UTF-8 form is at most `maxBytes`. */
function fitsIn(text: string, maxBytes: number): boolean {
  // At most 3 UTF-8 bytes per UTF-16 code unit: only a long text needs its bytes counted.
  return text.length * 3 <= maxBytes || Buffer.byteLength(text, 'utf8') <= maxBytes;
}

/**
 * The body to queue for a notification whose JSON text (from {@link encodeForQueue}) is
 * `encoded`: the text itself when it fits {@link MAX_QUEUED_BODY_BYTES}, else a reference to
 * a copy put in `claimChecks`.
 *
 * The sweep calls it for every record it queues (a kintone record can be larger than a webhook
 * payload); the webhook does not (its notifications fit, see {@link fitsInQueue}). Dispatch
 * calls it with a smaller `maxBytes` for the body of a notification it parks, which is kept in
 * a DynamoDB item (at most 400 KB).
 *
 * @throws Error when the notification needs a claim check and there is no store: a wiring
 * mistake (the sweep logs it and skips the record).
 * @example
 * const { body } = await queueBodyFor(encodeForQueue(notification), summary, claimChecks, now);
 */
export async function queueBodyFor(
  encoded: string,
  summary: ClaimCheckSummary,
  claimChecks: ClaimCheckStore | undefined,
  at: Date,
  maxBytes: number = MAX_QUEUED_BODY_BYTES,
): Promise<QueueBody> {
  if (fitsIn(encoded, maxBytes)) return { body: encoded };
  if (claimChecks === undefined) {
    throw new Error(
      `notification ${summary.notificationId} is over the limit of ${maxBytes} bytes and there is no claim-check store; wire one (the Lambda wiring reads TABLE_NAME)`,
    );
  }
  const id = await claimChecks.put(encoded, at);
  const reference: ClaimCheckReference = {
    [CLAIM_CHECK_KEY]: { id },
    notificationId: summary.notificationId,
    type: summary.type,
    app: { id: summary.app.id },
    recordId: summary.recordId,
  };
  return { body: encodeForQueue(reference), claimCheckId: id };
}

/** A queue message that is not what the webhook function sends; retrying will not help. */
export class UnreadableQueueMessageError extends Error {
  override readonly name = 'UnreadableQueueMessageError';
}

/**
 * The notification (as parsed JSON, not yet validated) that a queue body stands for: the body
 * itself, or for a claim-check reference the stored copy.
 *
 * @throws UnreadableQueueMessageError when the body or the stored copy is not JSON, a
 * reference arrives without a store, or the stored copy is another notification's.
 * @throws the store's error when the copy cannot be read (gone: `ClaimCheckNotFoundError`).
 * @example
 * const raw = await resolveQueuedNotification(record.body, deps.claimChecks);
 * notificationSchema.parse(raw);
 */
export async function resolveQueuedNotification(
  body: string,
  claimChecks: ClaimCheckStore | undefined,
): Promise<unknown> {
  const raw = parseJson(body, 'the message body');
  if (!isClaimCheckReference(raw)) return raw;
  const reference = claimCheckReferenceSchema.safeParse(raw);
  if (!reference.success) {
    throw new UnreadableQueueMessageError(
      `the message has a "${CLAIM_CHECK_KEY}" key but is not a claim-check reference (it needs ${CLAIM_CHECK_KEY}.id, notificationId, type, app.id and recordId)`,
    );
  }
  const { id } = reference.data[CLAIM_CHECK_KEY];
  if (claimChecks === undefined) {
    throw new UnreadableQueueMessageError(
      `the message refers to claim check ${id} (notification ${reference.data.notificationId}), but this function has no claim-check store; wire one (the Lambda wiring reads TABLE_NAME) and redrive the message`,
    );
  }
  const stored = parseJson(await claimChecks.get(id), `claim check ${id}`);
  const storedId =
    typeof stored === 'object' && stored !== null ? (stored as { id?: unknown }).id : undefined;
  if (storedId !== reference.data.notificationId) {
    throw new UnreadableQueueMessageError(
      `claim check ${id} holds notification ${JSON.stringify(storedId)}, not ${reference.data.notificationId} as the message says`,
    );
  }
  return stored;
}

/** True for a message whose top level carries the claim-check key (kintone never sends it). */
export function isClaimCheckReference(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && CLAIM_CHECK_KEY in raw;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UnreadableQueueMessageError(`${what} is not JSON`);
  }
}

/** What a queue message says about itself, read without trusting it. */
export interface QueuedMessageIdentity {
  notificationId?: string;
  appId?: string;
  recordId?: string;
  type?: string;
  /** The record the message carried, unvalidated (a record notification's `record`). */
  record?: Record<string, unknown>;
}

const KINTONE_DECIMAL_ID = /^[1-9]\d{0,15}$/;

function shortText(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 256 ? value : undefined;
}

/**
 * The ids a queue message carries (a notification, or a claim-check reference), as far as they
 * can be read: a message that failed validation, or sits in the dead letters, may still name its
 * record. Ids that are not kintone's decimal ids are left out.
 *
 * @example
 * describeQueuedMessage('{"id":"n-1","type":"UPDATE_RECORD","app":{"id":"12"},"record":{"$id":{"value":"7"}}}');
 * // { notificationId: 'n-1', appId: '12', recordId: '7', type: 'UPDATE_RECORD', record: {…} }
 */
export function describeQueuedMessage(body: string): QueuedMessageIdentity {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return {};
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const message = raw as Record<string, unknown>;
  const app = message.app as { id?: unknown } | undefined;
  const record =
    typeof message.record === 'object' && message.record !== null && !Array.isArray(message.record)
      ? (message.record as Record<string, unknown>)
      : undefined;
  const recordIdField = (record?.$id as { value?: unknown } | undefined)?.value;
  const identity: QueuedMessageIdentity = {};
  const notificationId = shortText(message.id) ?? shortText(message.notificationId);
  if (notificationId) identity.notificationId = notificationId;
  const appId = shortText(app?.id);
  if (appId && KINTONE_DECIMAL_ID.test(appId)) identity.appId = appId;
  const recordId = shortText(recordIdField) ?? shortText(message.recordId);
  if (recordId && KINTONE_DECIMAL_ID.test(recordId)) identity.recordId = recordId;
  const type = shortText(message.type);
  if (type) identity.type = type;
  if (record) identity.record = record;
  return identity;
}
