import fc from 'fast-check';
import {
  KINTONE_CALL_BUDGET_EXCEEDED,
  KINTONE_CALL_BUDGET_WARNING,
  KINTONE_CALL_NOT_COUNTED,
  KINTONE_CALL_WARN_THRESHOLDS,
  KINTONE_DAILY_CALL_LIMIT,
  KintoneCallBudget,
  kintoneCallWarnThresholds,
  kintoneQuotaDay,
  kintoneQuotaDayEnd,
} from '../../shared/adapters/kintone/kintone-call-budget';
import type { Counters } from '../../shared/ports/counters';
import { InMemoryBridgeState } from '../fakes/in-memory-order-store';
import { RecordingLogger } from '../fakes/recording-logger';
import { RecordingMetrics } from '../fakes/recording-metrics';

const APP = '12';
/** 2026-11-29 15:00 JST: inside the quota day 2026-11-29. */
const NOW = new Date('2026-11-29T06:00:00.000Z');
const DAY = '2026-11-29';

describe('kintoneQuotaDay', () => {
  it.each([
    // [instant, quota day]: the day turns at 09:00 JST (00:00 UTC), not at midnight in Japan.
    ['2026-11-30T08:59:59.999+09:00', '2026-11-29'],
    ['2026-11-30T09:00:00.000+09:00', '2026-11-30'],
    ['2026-11-30T00:00:00.000+09:00', '2026-11-29'],
    ['2026-11-29T23:59:59.999Z', '2026-11-29'],
    ['2026-11-30T00:00:00.000Z', '2026-11-30'],
    ['2027-01-01T08:59:59.999+09:00', '2026-12-31'],
    ['2028-02-29T09:00:00.000+09:00', '2028-02-29'],
  ])('puts %s in the quota day %s', (instant, day) => {
    expect(kintoneQuotaDay(new Date(instant))).toBe(day);
  });

  it('ends every quota day at the next 09:00 JST, one day after it began', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        (now) => {
          const day = kintoneQuotaDay(now);
          const end = Date.parse(kintoneQuotaDayEnd(day));
          expect(end).toBeGreaterThan(now.getTime());
          expect(end - now.getTime()).toBeLessThanOrEqual(86_400_000);
          expect(new Date(end).toLocaleString('en-GB', { timeZone: 'Asia/Tokyo' })).toMatch(
            /, 09:00:00$/,
          );
        },
      ),
    );
  });

  it('refuses an invalid date', () => {
    expect(() => kintoneQuotaDay(new Date('not a date'))).toThrow(RangeError);
  });
});

describe('warn thresholds', () => {
  it('are 80 % and 95 % of the 10,000 calls a day', () => {
    expect(KINTONE_DAILY_CALL_LIMIT).toBe(10_000);
    expect(KINTONE_CALL_WARN_THRESHOLDS).toEqual([8_000, 9_500]);
    expect(kintoneCallWarnThresholds(999)).toEqual([800, 950]);
  });
});

describe('KintoneCallBudget with the in-memory store', () => {
  let store: InMemoryBridgeState;
  let logger: RecordingLogger;
  let metrics: RecordingMetrics;
  let budget: KintoneCallBudget;
  let requests: number;

  const request = async () => {
    requests += 1;
    return 'answer';
  };
  /** Makes `times` counted requests to the app, one after the other. */
  const callTimes = async (times: number) => {
    for (let i = 0; i < times; i += 1) await budget.call(APP, request);
  };

  beforeEach(() => {
    store = new InMemoryBridgeState();
    logger = new RecordingLogger();
    metrics = new RecordingMetrics();
    budget = new KintoneCallBudget({ store, logger, metrics, now: () => NOW });
    requests = 0;
  });

  it('counts each request for the app and quota day, and returns its answer', async () => {
    // Act
    const answer = await budget.call(APP, request);
    await budget.call(APP, request);

    // Assess
    expect(answer).toBe('answer');
    expect(store.kintoneCallCount(APP, DAY)).toBe(2);
    expect(logger.entries).toEqual([]);
    expect(metrics.counts).toEqual([]);
  });

  it('warns exactly once as the count reaches 8,000 and once at 9,500, counting the metric', async () => {
    // Prepare
    store.seedKintoneCallCount(APP, DAY, 7_998);

    // Act: 7,999 to 8,002, then 9,499 to 9,501.
    await callTimes(4);
    store.seedKintoneCallCount(APP, DAY, 9_498);
    await callTimes(3);

    // Assess
    const warnings = logger.withMessage(KINTONE_CALL_BUDGET_WARNING);
    expect(warnings).toEqual([
      expect.objectContaining({
        level: 'warn',
        extra: {
          appId: APP,
          day: DAY,
          count: 8_000,
          percent: 80,
          limit: 10_000,
          resetsAt: '2026-11-30T00:00:00.000Z',
        },
      }),
      expect.objectContaining({
        level: 'warn',
        extra: expect.objectContaining({ appId: APP, day: DAY, count: 9_500, percent: 95 }),
      }),
    ]);
    expect(logger.entries).toHaveLength(2);
    expect(metrics.totals()).toEqual({ KintoneCallBudgetWarnings: 2 });
    expect(requests).toBe(7);
  });

  it('warns once when concurrent requests cross a threshold together', async () => {
    // Prepare
    store.seedKintoneCallCount(APP, DAY, 7_995);

    // Act
    await Promise.all(Array.from({ length: 10 }, () => budget.call(APP, request)));

    // Assess
    expect(logger.withMessage(KINTONE_CALL_BUDGET_WARNING)).toHaveLength(1);
    expect(metrics.total('KintoneCallBudgetWarnings')).toBe(1);
  });

  it('keeps counting each app and quota day apart', async () => {
    // Prepare: app 12 is at 7,999 today; app 13 and tomorrow start from nothing.
    store.seedKintoneCallCount(APP, DAY, 7_999);
    let now = NOW;
    budget = new KintoneCallBudget({ store, logger, metrics, now: () => now });

    // Act
    await budget.call('13', request);
    now = new Date('2026-11-30T00:00:00.000Z');
    await budget.call(APP, request);

    // Assess
    expect(store.kintoneCallCount('13', DAY)).toBe(1);
    expect(store.kintoneCallCount(APP, '2026-11-30')).toBe(1);
    expect(store.kintoneCallCount(APP, DAY)).toBe(7_999);
    expect(logger.entries).toEqual([]);
  });

  it('still makes requests past the limit, logging an ERROR for each and counting the metric once', async () => {
    // Prepare
    store.seedKintoneCallCount(APP, DAY, 9_999);

    // Act: 10,000 (the limit itself is allowed), then 10,001 and 10,002.
    await callTimes(3);

    // Assess
    expect(requests).toBe(3);
    expect(logger.entries.map((entry) => [entry.level, entry.message, entry.extra.count])).toEqual([
      ['error', KINTONE_CALL_BUDGET_EXCEEDED, 10_001],
      ['error', KINTONE_CALL_BUDGET_EXCEEDED, 10_002],
    ]);
    expect(metrics.totals()).toEqual({ KintoneCallBudgetWarnings: 1 });
  });

  it('makes the request when the count cannot be stored, and says so', async () => {
    // Prepare: DynamoDB is down.
    const failing: Pick<Counters, 'countKintoneCall'> = {
      countKintoneCall: () => Promise.reject(new Error('connect ECONNREFUSED dynamodb')),
    };
    budget = new KintoneCallBudget({ store: failing, logger, metrics, now: () => NOW });

    // Act
    const answer = await budget.call(APP, request);

    // Assess
    expect(answer).toBe('answer');
    expect(requests).toBe(1);
    expect(logger.entries).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: KINTONE_CALL_NOT_COUNTED,
        extra: {
          appId: APP,
          day: DAY,
          error: { name: 'Error', message: 'connect ECONNREFUSED dynamodb' },
        },
      }),
    ]);
    expect(metrics.counts).toEqual([]);
  });

  it('makes the request without waiting for its count, and ends once the count is stored', async () => {
    // Prepare: a count that takes until the test lets it finish.
    let release: () => void = () => {};
    const stored = new Promise<void>((resolve) => {
      release = resolve;
    });
    let counted = false;
    const slow: Pick<Counters, 'countKintoneCall'> = {
      countKintoneCall: async () => {
        await stored;
        counted = true;
        return 1;
      },
    };
    budget = new KintoneCallBudget({ store: slow, logger, metrics, now: () => NOW });
    let ended = false;

    // Act
    const call = budget.call(APP, request).then((answer) => {
      ended = true;
      return answer;
    });
    await new Promise((resolve) => setImmediate(resolve));
    const before = { requests, ended };
    release();
    const answer = await call;

    // Assess
    expect(before).toEqual({ requests: 1, ended: false });
    expect(answer).toBe('answer');
    expect(counted).toBe(true);
  });

  it('lets the request’s own failure through unchanged', async () => {
    // Prepare
    const refused = new Error('kintone refused');

    // Act
    const result = budget.call(APP, () => Promise.reject(refused));

    // Assess
    await expect(result).rejects.toBe(refused);
    expect(store.kintoneCallCount(APP, DAY)).toBe(1);
  });

  it('takes a different daily limit', async () => {
    // Prepare
    budget = new KintoneCallBudget({ store, logger, metrics, now: () => NOW, dailyLimit: 20 });

    // Act
    await callTimes(21);

    // Assess
    expect(logger.entries.map((entry) => [entry.level, entry.extra.count])).toEqual([
      ['warn', 16],
      ['warn', 19],
      ['error', 21],
    ]);
    expect(() => new KintoneCallBudget({ store, logger, now: () => NOW, dailyLimit: 0 })).toThrow(
      RangeError,
    );
  });
});
