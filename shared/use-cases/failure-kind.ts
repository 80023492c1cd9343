/**
 * Telling a failure that may go away (retry it) from one that never will (park it). A FIFO
 * queue holds back every later notification of the same record while one is retried, so a
 * notification that can never succeed must not be retried: it would take the record's next
 * real shortage into the dead letters with it. Errors are read by their shape (status, code,
 * AWS SDK metadata), so this layer needs no adapter's error classes.
 */

export type FailureKind = 'transient' | 'permanent';

/** Network failures of Node's sockets and fetch: the other side may be back soon. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  // axios (the kintone client) without an answer.
  'ERR_NETWORK',
]);

/** kintone's codes for "try again": too many requests, revision conflict after our retries. */
const KINTONE_TRANSIENT_CODES = new Set(['GAIA_TO04', 'GAIA_CO02', 'GAIA_DA02']);

/** Errors by name that say the notification (or our reading of it) is wrong. */
const PERMANENT_NAMES = new Set([
  'MalformedMessageError',
  'UnknownAppError',
  'ZodError',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'BridgeStoreInputError',
  'CorruptBridgeItemError',
  'ClaimCheckNotFoundError',
  'ClaimCheckCorruptError',
]);

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  status?: unknown;
  retryable?: unknown;
  $retryable?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
}

function shapeOf(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
}

function isHttpTransient(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Whether retrying `error` can help. Unknown errors count as transient: a retry costs little,
 * and a failure that persists still ends in the dead letters, where operators see it.
 *
 * @example
 * failureKind(Object.assign(new Error('Throttling'), { $retryable: {} })); // 'transient'
 * failureKind(new TypeError("Cannot read properties of null (reading 'x')")); // 'permanent'
 */
export function failureKind(error: unknown): FailureKind {
  const e = shapeOf(error);
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : '';

  // A channel's own verdict (ChannelSendError.retryable) is the contract with the dispatcher.
  if (typeof e.retryable === 'boolean') return e.retryable ? 'transient' : 'permanent';
  if (e.$retryable !== undefined) return 'transient';
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return 'transient';
  if (typeof e.code === 'string' && KINTONE_TRANSIENT_CODES.has(e.code)) return 'transient';
  // fetch reports a network failure as a TypeError whose cause carries the socket's code.
  const cause = e.cause !== error ? shapeOf(e.cause) : {};
  if (typeof cause.code === 'string' && NETWORK_CODES.has(cause.code)) return 'transient';

  // The DynamoDB marshaller refuses numbers past Number.MAX_SAFE_INTEGER: the value came in
  // with the notification and will come in again on every retry.
  if (/MAX_SAFE_INTEGER|BigInt/.test(message)) return 'permanent';
  if (PERMANENT_NAMES.has(name)) return 'permanent';

  // kintone (KintoneRestAPIError: status) and the AWS SDK ($metadata.httpStatusCode): a 4xx
  // other than 408/429 is a request the service will refuse again (a missing field, a deleted
  // record, a validation error).
  const status =
    typeof e.status === 'number'
      ? e.status
      : typeof e.$metadata?.httpStatusCode === 'number'
        ? e.$metadata.httpStatusCode
        : undefined;
  if (status !== undefined) return isHttpTransient(status) ? 'transient' : 'permanent';
  if (e.$fault === 'client') return 'permanent';

  return 'transient';
}

/**
 * An error in one line, for logs, the failure log and the record: the name and message, never
 * a stack, cut to `max` characters.
 */
export function describeFailure(error: unknown, max = 300): string {
  const e = shapeOf(error);
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const text =
    error instanceof Error || typeof e.message === 'string'
      ? `${name}: ${String(e.message)}`
      : String(error);
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
