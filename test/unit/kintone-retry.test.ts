import { KintoneRestAPIError } from '@kintone/rest-api-client';
import fc from 'fast-check';
import {
  isRevisionConflict,
  kintoneRetryDelay,
  kintoneRetryReason,
  maxKintoneRetryWaitMs,
  withKintoneRetry,
  type KintoneRetryInfo,
  type KintoneRetryOptions,
} from '../../shared/adapters/kintone/kintone-retry';

/** An error as the official client builds it from kintone's JSON error body. */
function kintoneError(status: number, code: string): KintoneRestAPIError {
  return new KintoneRestAPIError({
    status,
    statusText: '',
    headers: {},
    data: { id: 'error-id', code, message: `${code} from kintone` },
  });
}

/** What the client throws for the HTML maintenance page. */
const maintenancePage = () => new Error('503: Service Unavailable');

function networkError(code: string): Error {
  return Object.assign(new Error(`socket: ${code}`), { code });
}

/** A call that fails with the given errors in turn, then answers `'done'`. */
function failingCall(...errors: unknown[]) {
  const state = { calls: 0 };
  const call = async () => {
    const error = errors[state.calls];
    state.calls += 1;
    if (error !== undefined) throw error;
    return 'done';
  };
  return { call, state };
}

/** Options that never wait for real and record each wait and retry. */
function recordingOptions(overrides: KintoneRetryOptions = {}) {
  const waits: number[] = [];
  const retries: KintoneRetryInfo[] = [];
  const options: KintoneRetryOptions = {
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    onRetry: (info) => retries.push(info),
    ...overrides,
  };
  return { options, waits, retries };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('withKintoneRetry', () => {
  it('retries 429 GAIA_TO04 and answers with the call that succeeds', async () => {
    // Prepare
    const { call, state } = failingCall(kintoneError(429, 'GAIA_TO04'));
    const { options, waits, retries } = recordingOptions();

    // Act
    const result = await withKintoneRetry(call, options);

    // Assess
    expect(result).toBe('done');
    expect(state.calls).toBe(2);
    expect(waits).toEqual([250]);
    expect(retries).toEqual([
      expect.objectContaining({ attempt: 1, attempts: 5, delayMs: 250, reason: 'rate-limited' }),
    ]);
  });

  it('retries the plain Error the client makes of the 503 maintenance page', async () => {
    // Prepare
    const { call, state } = failingCall(maintenancePage(), maintenancePage());
    const { options, waits, retries } = recordingOptions();

    // Act
    const result = await withKintoneRetry(call, options);

    // Assess
    expect(result).toBe('done');
    expect(state.calls).toBe(3);
    expect(waits).toEqual([250, 500]);
    expect(retries.map((info) => info.reason)).toEqual(['unavailable', 'unavailable']);
  });

  it.each([
    ['a JSON 503', kintoneError(503, 'GAIA_MA01'), 'unavailable'],
    ['a 502 page', new Error('502: Bad Gateway'), 'bad-gateway'],
    ['a JSON 504', kintoneError(504, 'GATEWAY'), 'bad-gateway'],
    ['a 429 whatever its code', kintoneError(429, 'OTHER'), 'rate-limited'],
    ['GAIA_TO04 whatever its status', kintoneError(400, 'GAIA_TO04'), 'rate-limited'],
    ['ECONNRESET', networkError('ECONNRESET'), 'network'],
    ['ETIMEDOUT', networkError('ETIMEDOUT'), 'network'],
    ['ECONNREFUSED', networkError('ECONNREFUSED'), 'network'],
    [
      'a socket error kept as the cause',
      new Error('fetch failed', { cause: networkError('ECONNRESET') }),
      'network',
    ],
  ])('retries %s', async (_label, error, reason) => {
    // Prepare
    const { call, state } = failingCall(error);
    const { options, retries } = recordingOptions();

    // Act
    await withKintoneRetry(call, options);

    // Assess
    expect(state.calls).toBe(2);
    expect(retries[0]?.reason).toBe(reason);
  });

  it('gives up after the attempts and throws the last error', async () => {
    // Prepare
    const errors = [1, 2, 3].map(() => kintoneError(429, 'GAIA_TO04'));
    const { call, state } = failingCall(...errors, 'never reached');
    const { options, waits } = recordingOptions({ attempts: 3 });

    // Act
    const error = await rejectionOf(withKintoneRetry(call, options));

    // Assess
    expect(error).toBe(errors[2]);
    expect(state.calls).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it.each([
    ['400 CB_VA01 validation', kintoneError(400, 'CB_VA01')],
    ['400 GAIA_IA02 invalid API token', kintoneError(400, 'GAIA_IA02')],
    ['403 CB_NO02 no permission', kintoneError(403, 'CB_NO02')],
    ['404 GAIA_RE01 record not found', kintoneError(404, 'GAIA_RE01')],
    ['409 GAIA_CO02 revision conflict', kintoneError(409, 'GAIA_CO02')],
    ['500 internal error', kintoneError(500, 'GAIA_UN03')],
    ['a 404 page', new Error('404: Not Found')],
    ['a programming error', new TypeError('x is undefined')],
    ['an unknown socket error', networkError('ENOTFOUND')],
    ['a thrown string', 'boom'],
  ])('throws %s at once, unchanged', async (_label, original) => {
    // Prepare
    const { call, state } = failingCall(original);
    const { options, waits } = recordingOptions();

    // Act
    const error = await rejectionOf(withKintoneRetry(call, options));

    // Assess
    expect(error).toBe(original);
    expect(state.calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('waits with full jitter below caps that double up to maxDelayMs', async () => {
    // Prepare
    const errors = [1, 2, 3, 4, 5, 6].map(() => maintenancePage());
    const low = recordingOptions({ attempts: 7, random: () => 0 });
    const high = recordingOptions({ attempts: 7, random: () => 0.999_999 });

    // Act
    await withKintoneRetry(failingCall(...errors).call, low.options);
    await withKintoneRetry(failingCall(...errors).call, high.options);

    // Assess
    expect(low.waits).toEqual([0, 0, 0, 0, 0, 0]);
    expect(high.waits).toEqual([499, 999, 1999, 3999, 7999, 7999]);
  });

  it('keeps the worst-case wait of the defaults well inside a Lambda invocation', () => {
    // Act
    const worst = maxKintoneRetryWaitMs();

    // Assess
    expect(worst).toBe(7_500);
    expect(worst).toBeLessThan(20_000);
  });
});

describe('kintoneRetryDelay', () => {
  it('always lies in [0, min(maxDelayMs, baseDelayMs * 2^(attempt-1)))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        (attempt, draw, baseDelayMs, maxDelayMs) => {
          const delay = kintoneRetryDelay(attempt, { baseDelayMs, maxDelayMs, random: () => draw });
          const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
          return Number.isInteger(delay) && delay >= 0 && delay < cap;
        },
      ),
    );
  });
});

describe('kintoneRetryReason and isRevisionConflict', () => {
  it('tells a revision conflict apart from other kintone errors', () => {
    // Act
    const conflict = kintoneError(409, 'GAIA_CO02');

    // Assess
    expect(isRevisionConflict(conflict)).toBe(true);
    expect(isRevisionConflict(kintoneError(400, 'CB_VA01'))).toBe(false);
    expect(isRevisionConflict(new Error('GAIA_CO02'))).toBe(false);
    expect(kintoneRetryReason(conflict)).toBeUndefined();
  });
});
