import { KintoneRestAPIError } from '@kintone/rest-api-client';

/**
 * Retries of kintone REST calls. The official client does not retry, and kintone answers
 * 429 `GAIA_TO04` above 100 concurrent requests per domain and 503 with an HTML page during
 * maintenance (which the client turns into a plain `Error('503: Service Unavailable')`).
 */

/** Attempts in all, the first included. */
export const DEFAULT_KINTONE_RETRY_ATTEMPTS = 5;
/** Cap of the first wait; each later cap doubles. */
export const DEFAULT_KINTONE_RETRY_BASE_DELAY_MS = 500;
/** No single wait is longer than this. */
export const DEFAULT_KINTONE_RETRY_MAX_DELAY_MS = 8_000;
/** kintone's code for "too many concurrent requests" (answered with 429). */
export const KINTONE_TOO_MANY_REQUESTS_CODE = 'GAIA_TO04';
/** kintone's code for a stale `revision` on update (optimistic locking). */
export const KINTONE_REVISION_CONFLICT_CODE = 'GAIA_CO02';

/** Socket errors worth another attempt: the connection failed or was cut, kintone is fine. */
const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EPIPE',
  'EAI_AGAIN',
]);

/** The client's message for a non-JSON error body: `${status}: ${statusText}`. */
const TEXT_ERROR_STATUS = /^(\d{3}):/;

/** Why a failed call is retried. */
export type KintoneRetryReason = 'rate-limited' | 'unavailable' | 'bad-gateway' | 'network';

/** What {@link KintoneRetryOptions.onRetry} is told before each wait. */
export interface KintoneRetryInfo {
  /** The attempt that just failed, from 1. */
  attempt: number;
  /** Attempts in all. */
  attempts: number;
  /** How long the next attempt waits. */
  delayMs: number;
  reason: KintoneRetryReason;
  error: unknown;
}

export interface KintoneRetryOptions {
  /** Attempts in all, the first included (default {@link DEFAULT_KINTONE_RETRY_ATTEMPTS}). */
  attempts?: number;
  /** Cap of the first wait in ms (default {@link DEFAULT_KINTONE_RETRY_BASE_DELAY_MS}). */
  baseDelayMs?: number;
  /** Largest single wait in ms (default {@link DEFAULT_KINTONE_RETRY_MAX_DELAY_MS}). */
  maxDelayMs?: number;
  /** Waits; tests pass one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1), as Math.random (the default). */
  random?: () => number;
  /** Called before each wait, e.g. to log or count the retry. */
  onRetry?: (info: KintoneRetryInfo) => void;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function reasonForStatus(status: number): KintoneRetryReason | undefined {
  if (status === 429) return 'rate-limited';
  if (status === 503) return 'unavailable';
  if (status === 502 || status === 504) return 'bad-gateway';
  return undefined;
}

/**
 * Why a failed kintone call is worth retrying, or undefined when it is not: 4xx answers
 * (CB_VA01 validation, CB_NO02 permission, GAIA_RE01 not found, GAIA_IA02 invalid API token,
 * GAIA_CO02 revision conflict) and 500 give the same answer again.
 */
export function kintoneRetryReason(error: unknown): KintoneRetryReason | undefined {
  if (error instanceof KintoneRestAPIError) {
    if (error.code === KINTONE_TOO_MANY_REQUESTS_CODE) return 'rate-limited';
    return reasonForStatus(error.status);
  }
  if (!(error instanceof Error)) return undefined;
  // A non-JSON answer (the maintenance page, a proxy's error page) keeps only its status.
  const status = TEXT_ERROR_STATUS.exec(error.message)?.[1];
  if (status !== undefined) return reasonForStatus(Number(status));
  // axios copies the socket's code onto its error; fetch-style errors keep it in `cause`.
  const code = errorCode(error) ?? errorCode(error.cause);
  return code !== undefined && TRANSIENT_NETWORK_CODES.has(code) ? 'network' : undefined;
}

/**
 * True for kintone's answer to an update whose `revision` is stale (`GAIA_CO02`): nothing
 * was written, and the caller should re-read the record and apply its change again.
 */
export function isRevisionConflict(error: unknown): boolean {
  return error instanceof KintoneRestAPIError && error.code === KINTONE_REVISION_CONFLICT_CODE;
}

/**
 * The wait before attempt `attempt + 1`: "full jitter", a uniform draw below an
 * exponentially growing cap, so that the many clients kintone just turned away with 429 do
 * not all come back at the same moment.
 */
export function kintoneRetryDelay(
  attempt: number,
  options: Pick<KintoneRetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'> = {},
): number {
  const base = options.baseDelayMs ?? DEFAULT_KINTONE_RETRY_BASE_DELAY_MS;
  const max = options.maxDelayMs ?? DEFAULT_KINTONE_RETRY_MAX_DELAY_MS;
  const random = options.random ?? Math.random;
  const cap = Math.min(max, base * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}

/**
 * The longest the retries of one call can wait in all (requests not counted). With the
 * defaults 0.5 + 1 + 2 + 4 = 7.5 s, well inside a Lambda's time even with slow answers.
 */
export function maxKintoneRetryWaitMs(options: KintoneRetryOptions = {}): number {
  const attempts = options.attempts ?? DEFAULT_KINTONE_RETRY_ATTEMPTS;
  let total = 0;
  for (let attempt = 1; attempt < attempts; attempt += 1) {
    total += kintoneRetryDelay(attempt, { ...options, random: () => 1 });
  }
  return total;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs a kintone call, retrying rate limits (429 / GAIA_TO04), maintenance (503), gateway
 * errors (502, 504) and dropped connections with exponential backoff and full jitter. Any
 * other failure is thrown at once, unchanged; after the last attempt its error is thrown.
 *
 * Only wrap calls that are safe to repeat: a retry after a dropped connection or a 504 may
 * repeat a write kintone already made.
 *
 * @example
 * const { record } = await withKintoneRetry(() => client.record.getRecord({ app: '12', id: 1 }), {
 *   onRetry: ({ attempt, reason, delayMs }) => logger.warn('kintone retry', { attempt, reason, delayMs }),
 * });
 */
export async function withKintoneRetry<T>(
  call: () => Promise<T>,
  options: KintoneRetryOptions = {},
): Promise<T> {
  const attempts = Math.max(1, Math.floor(options.attempts ?? DEFAULT_KINTONE_RETRY_ATTEMPTS));
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const reason = kintoneRetryReason(error);
      if (reason === undefined || attempt >= attempts) throw error;
      const delayMs = kintoneRetryDelay(attempt, options);
      options.onRetry?.({ attempt, attempts, delayMs, reason, error });
      await sleep(delayMs);
    }
  }
}
