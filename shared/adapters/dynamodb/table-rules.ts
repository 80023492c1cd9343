/**
 * Rules of the bridge table that every store implementation (the DynamoDB adapters and the
 * in-memory fakes used by tests) must agree on: key shapes, order numbers, counters, nonces and
 * expiry times. Kept in one place so the adapters and the fakes cannot drift apart.
 *
 * @module
 */

/** Days a processed-notification marker is kept before DynamoDB's TTL may remove it. */
export const DEFAULT_PROCESSED_TTL_DAYS = 30;

/** Reason stored as the last decision when kintone reports the record deleted (shown to staff). */
export const DELETED_RECORD_REASON = 'kintone でレコードが削除されました。';

const ORDER_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const ORDER_SEQUENCE_DIGITS = 4;
const SECONDS_PER_DAY = 86_400;
/** Page nonces are random and URL-safe; anything else never was issued (and is not stored). */
const PAGE_NONCE_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;
/** A rate window: a day, an hour or a minute, as the start of an ISO timestamp. */
const RATE_WINDOW_PATTERN = /^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2})?)?$/;
/**
 * How long a rate counter is kept after its window starts. Windows are at most a day long and
 * TTL deletion is lazy, so the counter outlives its window either way; two days is a margin.
 */
const RATE_COUNTER_TTL_SECONDS = 2 * SECONDS_PER_DAY;
/**
 * How long an app's kintone call counter is kept after its quota day's date begins (00:00 UTC,
 * which is 09:00 JST, kintone's reset). The day itself lasts one of these; the rest is a margin
 * for late retries and for reading yesterday's count.
 */
const KINTONE_CALL_COUNTER_TTL_SECONDS = 3 * SECONDS_PER_DAY;

/** Thrown when a stored value cannot be used as given (a caller bug, not a transient fault). */
export class BridgeStoreInputError extends Error {
  override readonly name = 'BridgeStoreInputError';
}

/**
 * Turns an order date into the compact day used in order numbers and counter keys.
 *
 * @example
 * orderNumberDay('2026-11-28'); // '20261128'
 */
export function orderNumberDay(orderDate: string): string {
  const match = ORDER_DATE_PATTERN.exec(orderDate);
  if (!match) {
    throw new BridgeStoreInputError(
      `Order date "${orderDate}" is not YYYY-MM-DD; pass the calendar date in the ordering company's time zone.`,
    );
  }
  return `${match[1]}${match[2]}${match[3]}`;
}

/** Rejects prefixes that would make order numbers ambiguous or empty. */
export function assertOrderNumberPrefix(prefix: string): void {
  // '#' separates key parts, so it must not appear inside one.
  if (!/^[A-Za-z0-9_-]+$/.test(prefix)) {
    throw new BridgeStoreInputError(
      `Order number prefix "${prefix}" must be letters, digits, "-" or "_" (e.g. "PO").`,
    );
  }
}

/**
 * Formats an allocated sequence number.
 *
 * @example
 * formatOrderNumber('PO', '20261128', 1); // 'PO-20261128-0001'
 */
export function formatOrderNumber(prefix: string, day: string, sequence: number): string {
  return `${prefix}-${day}-${String(sequence).padStart(ORDER_SEQUENCE_DIGITS, '0')}`;
}

/** True when `nonce` has the shape of a page nonce (so it may be used as part of a key). */
export function isPageNonce(nonce: string): boolean {
  return PAGE_NONCE_PATTERN.test(nonce);
}

/** Rejects a nonce that could not have come from a random generator (a caller bug). */
export function assertPageNonce(nonce: string): void {
  if (!isPageNonce(nonce)) {
    throw new BridgeStoreInputError(
      'A page nonce must be 16-128 URL-safe characters; generate it with randomBytes(16).toString("base64url").',
    );
  }
}

/** Rejects order numbers that cannot be part of a key ('#' separates key parts). */
export function assertKeyOrderNumber(orderNumber: string): void {
  if (orderNumber === '' || orderNumber.includes('#')) {
    throw new BridgeStoreInputError(
      `Order number "${orderNumber}" must be non-empty and contain no "#".`,
    );
  }
}

/** Epoch seconds of a date, as the TTL attribute and nonce expiries hold them. */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** True while a nonce that expires at `expiresAt` (epoch seconds) may still be used. */
export function nonceIsLive(expiresAt: number, now: Date): boolean {
  return expiresAt > epochSeconds(now);
}

/**
 * Epoch seconds at which the counter of a rate window may expire.
 *
 * @example
 * rateCounterExpiresAt('2026-11-29T07'); // 1796108400 (two days after 07:00 UTC)
 */
export function rateCounterExpiresAt(window: string): number {
  const match = RATE_WINDOW_PATTERN.exec(window);
  const start = match
    ? Date.parse(`${window}${'T00:00:00'.slice(window.length - 10)}Z`)
    : Number.NaN;
  if (Number.isNaN(start)) {
    throw new BridgeStoreInputError(
      `Rate window "${window}" is not YYYY-MM-DD, YYYY-MM-DDTHH or YYYY-MM-DDTHH:MM (UTC); ` +
        'use now.toISOString().slice(0, 13) for an hourly window.',
    );
  }
  return Math.floor(start / 1000) + RATE_COUNTER_TTL_SECONDS;
}

/** Rejects an app id or quota day that cannot be part of a kintone call counter's key. */
export function assertKintoneCallCounterKey(appId: string, day: string): void {
  if (appId === '' || appId.includes('#')) {
    throw new BridgeStoreInputError(
      `kintone app id "${appId}" must be non-empty and contain no "#".`,
    );
  }
  kintoneCallCounterExpiresAt(day);
}

/**
 * Epoch seconds at which an app's kintone call counter for a quota day may expire: three days
 * after the day's date begins in UTC.
 *
 * @example
 * kintoneCallCounterExpiresAt('2026-11-29'); // 1796169600 (2026-12-02T00:00:00Z)
 */
export function kintoneCallCounterExpiresAt(day: string): number {
  const start = ORDER_DATE_PATTERN.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  // Date.parse accepts 2026-02-30 (as March 2): the round trip rejects such days.
  if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== day) {
    throw new BridgeStoreInputError(
      `kintone quota day "${day}" is not a YYYY-MM-DD date; compute it with kintoneQuotaDay(now).`,
    );
  }
  return Math.floor(start / 1000) + KINTONE_CALL_COUNTER_TTL_SECONDS;
}

/**
 * Epoch seconds at which a processed marker written at `at` may expire.
 *
 * @example
 * processedExpiresAt('2026-11-28T00:00:00Z', 30); // 1798416000
 */
export function processedExpiresAt(at: string, ttlDays: number): number {
  const millis = Date.parse(at);
  if (Number.isNaN(millis)) {
    throw new BridgeStoreInputError(`Completion time "${at}" is not an ISO timestamp.`);
  }
  return Math.floor(millis / 1000) + Math.round(ttlDays * SECONDS_PER_DAY);
}

/** Rejects TTLs that would expire markers immediately or never. */
export function assertProcessedTtlDays(days: number): void {
  if (!Number.isFinite(days) || days <= 0) {
    throw new BridgeStoreInputError(`processedTtlDays must be a positive number, got ${days}.`);
  }
}
