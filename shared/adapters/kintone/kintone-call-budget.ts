/**
 * kintone's daily request limit, watched from the bridge's side. kintone allows each app a
 * fixed number of REST requests a day and refuses the rest until its daily reset; the bridge
 * cannot ask kintone how many are left, so it counts its own requests per app and quota day in
 * the bridge store and warns operators before the limit is reached.
 *
 * @module
 */
import { NO_METRICS, type BridgeMetrics } from '../../ports/bridge-metrics';
import type { Counters } from '../../ports/counters';
import type { BridgeLogger } from '../../ports/logger';

/** kintone's limit of REST API requests per app and day (Standard course). */
export const KINTONE_DAILY_CALL_LIMIT = 10_000;

/** Shares of the daily limit, in percent, at which the budget warns (once each per app and day). */
export const KINTONE_CALL_WARN_PERCENTS = [80, 95] as const;

/** The hour, in Japan time, at which kintone starts counting an app's requests afresh. */
export const KINTONE_QUOTA_RESET_HOUR_JST = 9;

/** Japan time is UTC+9 all year (no daylight saving time). */
const JST_UTC_OFFSET_HOURS = 9;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 24 * MS_PER_HOUR;
/** How far a quota day's start lies after 00:00 UTC of its date (0: 09:00 JST is 00:00 UTC). */
const QUOTA_DAY_START_OFFSET_MS =
  (KINTONE_QUOTA_RESET_HOUR_JST - JST_UTC_OFFSET_HOURS) * MS_PER_HOUR;

/** Log message of a threshold crossing (operators search the logs for it). */
export const KINTONE_CALL_BUDGET_WARNING = 'kintone daily call budget running low';
/** Log message of each call past the daily limit. */
export const KINTONE_CALL_BUDGET_EXCEEDED = 'kintone daily call limit exceeded';
/** Log message when a call could not be counted. */
export const KINTONE_CALL_NOT_COUNTED = 'kintone call not counted; calling kintone anyway';

/**
 * The counts at which the budget warns for a daily limit: the first count at or above each of
 * {@link KINTONE_CALL_WARN_PERCENTS}.
 *
 * @example
 * kintoneCallWarnThresholds(10_000); // [8000, 9500]
 */
export function kintoneCallWarnThresholds(dailyLimit: number): number[] {
  return KINTONE_CALL_WARN_PERCENTS.map((percent) => Math.ceil((dailyLimit * percent) / 100));
}

/** The counts at which the budget warns under {@link KINTONE_DAILY_CALL_LIMIT}: 8,000 and 9,500. */
export const KINTONE_CALL_WARN_THRESHOLDS: readonly number[] =
  kintoneCallWarnThresholds(KINTONE_DAILY_CALL_LIMIT);

/**
 * The kintone quota day that `now` falls in, named by the date (in Japan) on which it began.
 * A quota day runs from 09:00 JST to 09:00 JST the next day, so 08:59 JST still counts
 * towards the previous date's requests. As 09:00 JST is 00:00 UTC, this is the UTC date.
 *
 * @example
 * kintoneQuotaDay(new Date('2026-11-30T08:59:59+09:00')); // '2026-11-29'
 * kintoneQuotaDay(new Date('2026-11-30T09:00:00+09:00')); // '2026-11-30'
 */
export function kintoneQuotaDay(now: Date): string {
  const millis = now.getTime();
  if (Number.isNaN(millis)) throw new RangeError('kintoneQuotaDay needs a valid date.');
  return new Date(millis - QUOTA_DAY_START_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * When kintone next resets the daily count after the quota day `day` (an ISO timestamp).
 *
 * @example
 * kintoneQuotaDayEnd('2026-11-29'); // '2026-11-30T00:00:00.000Z' (09:00 JST)
 */
export function kintoneQuotaDayEnd(day: string): string {
  return new Date(
    Date.parse(`${day}T00:00:00Z`) + QUOTA_DAY_START_OFFSET_MS + MS_PER_DAY,
  ).toISOString();
}

/** What a {@link KintoneCallBudget} needs. */
export interface KintoneCallBudgetDeps {
  /** Where the counts live: the bridge table's counters, shared by every function that calls kintone. */
  store: Pick<Counters, 'countKintoneCall'>;
  logger: BridgeLogger;
  /** Counts `KintoneCallBudgetWarnings` on each crossing; nothing is counted without it. */
  metrics?: BridgeMetrics;
  now: () => Date;
  /** The app's daily limit (default {@link KINTONE_DAILY_CALL_LIMIT}). */
  dailyLimit?: number;
}

/**
 * Counts every kintone REST request the bridge makes, per app and quota day, and warns as an
 * app's count reaches 80 % and 95 % of kintone's daily limit: a WARN log with the app, day and
 * count, and the `KintoneCallBudgetWarnings` metric (alarmed). The counter is atomic, so exactly
 * one request sees each count and each crossing is reported once, however many functions run
 * at the same time. Past the limit every request is still made (kintone refuses it, and the
 * queue retries the step later) and logged as an ERROR; the first one also counts the metric.
 *
 * Counting never stands in the way of a request: when the store fails, the request is made
 * uncounted and a WARN says so. (A count lost that way can also skip a threshold; the next
 * threshold, or the limit, is still reported.)
 *
 * @example
 * const budget = new KintoneCallBudget({ store, logger, metrics, now: () => new Date() });
 * await budget.call('12', () => client.record.updateRecord({ app: '12', id: 3, record }));
 */
export class KintoneCallBudget {
  private readonly dailyLimit: number;
  private readonly thresholds: readonly number[];

  constructor(private readonly deps: KintoneCallBudgetDeps) {
    this.dailyLimit = deps.dailyLimit ?? KINTONE_DAILY_CALL_LIMIT;
    if (!Number.isInteger(this.dailyLimit) || this.dailyLimit < 1) {
      throw new RangeError(
        `The kintone daily call limit must be a whole number of at least 1, got ${this.dailyLimit}.`,
      );
    }
    this.thresholds = kintoneCallWarnThresholds(this.dailyLimit);
  }

  /**
   * Counts one request to the app and makes it. Wrap each attempt separately (inside the retry
   * loop): kintone counts every request it receives, refused ones as well, as far as is known,
   * so the budget errs on the side of counting them. The count never decides whether the
   * request is made, so both go at once (the count's write does not delay the request); the
   * call ends when both have, so no count is left running when a function finishes.
   */
  async call<T>(appId: string, request: () => Promise<T>): Promise<T> {
    const counting = this.count(appId);
    try {
      return await request();
    } finally {
      await counting;
    }
  }

  /**
   * As {@link call}, and says how far the app's day has got: its count with this request
   * (absent when it could not be counted) and the daily limit. The sweep reads it to stop
   * before it eats the budget the notifications need.
   */
  async callCounted<T>(
    appId: string,
    request: () => Promise<T>,
  ): Promise<{ value: T; count?: number; limit: number }> {
    const count = await this.count(appId);
    const value = await request();
    return { value, ...(count !== undefined ? { count } : {}), limit: this.dailyLimit };
  }

  private async count(appId: string): Promise<number | undefined> {
    const { logger } = this.deps;
    let day: string | undefined;
    let count: number;
    try {
      day = kintoneQuotaDay(this.deps.now());
      count = await this.deps.store.countKintoneCall(appId, day);
    } catch (error) {
      logger.warn(KINTONE_CALL_NOT_COUNTED, {
        appId,
        ...(day !== undefined ? { day } : {}),
        error:
          error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      return undefined;
    }
    const details = {
      appId,
      day,
      count,
      limit: this.dailyLimit,
      resetsAt: kintoneQuotaDayEnd(day),
    };
    if (this.thresholds.includes(count)) {
      logger.warn(KINTONE_CALL_BUDGET_WARNING, {
        ...details,
        percent: Math.floor((count * 100) / this.dailyLimit),
      });
      this.metrics().count('KintoneCallBudgetWarnings');
    } else if (count > this.dailyLimit) {
      logger.error(KINTONE_CALL_BUDGET_EXCEEDED, details);
      if (count === this.dailyLimit + 1) this.metrics().count('KintoneCallBudgetWarnings');
    }
    return count;
  }

  private metrics(): BridgeMetrics {
    return this.deps.metrics ?? NO_METRICS;
  }
}
