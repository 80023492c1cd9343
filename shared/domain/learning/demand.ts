import { localDate } from '../dates';
import { businessDayOnOrAfter, businessDaysThrough, type IsBusinessDay } from './business-days';
import { meanOf, standardDeviationOf } from './statistics';

/**
 * Demand of one item, learned from the stock levels the bridge sees (webhooks and the sweep).
 *
 * The bridge never sees a sale; it sees the on-hand quantity after each change. Consumption is
 * what the stock lost, and only that: a goods receipt raises the stock by a known quantity and a
 * staff correction (棚卸) sets it to what was counted, and neither is demand. A rise nobody
 * explained is a correction too, never negative demand: netting it against consumption would
 * shrink the reorder point every time somebody finds a box.
 *
 * Days are business days: the reorder point multiplies demand by a lead time in business days,
 * so what leaves the shelf on a closed day (a Saturday shipment) belongs to the next business
 * day, when it is also what staff see missing.
 */

/** Why the stock changed, when the caller knows it. */
export type StockCause =
  /** A goods receipt of an order line: `received` units came in (the stock may show less). */
  | { kind: 'receipt'; received: number }
  /** A staff correction (棚卸 adjustment): the new quantity is a count, not a movement. */
  | { kind: 'correction' };

/** The on-hand quantity of one item at an instant, as a notification or the sweep saw it. */
export interface StockObservation {
  /** ISO 8601 instant. */
  at: string;
  /** On hand after the change. */
  quantity: number;
  /** Absent: an ordinary change, so a fall is demand and a rise an unexplained correction. */
  cause?: StockCause;
}

/** A change that is not demand, kept so that a report can show it. */
export interface StockAdjustment {
  at: string;
  /** The business day it falls on. */
  date: string;
  /** Signed change not explained by demand or a receipt's quantity. */
  quantity: number;
  /**
   * `correction`: a staff correction; `unexplained-increase`: a rise without a cause;
   * `receipt-surplus`: the stock rose by more than the receipt brought.
   */
  kind: 'correction' | 'unexplained-increase' | 'receipt-surplus';
}

/** The demand of one business day. */
export interface DailyDemand {
  date: string;
  quantity: number;
}

/** What {@link demandHistory} learns from a series of observations. */
export interface DemandHistory {
  /** Every business day of the window the history covers, oldest first (0 on a quiet day). */
  days: DailyDemand[];
  /** Goods receipts inside the window, and the quantity they brought. */
  receipts: { count: number; quantity: number };
  /** Corrections and unexplained rises inside the window, oldest first. */
  adjustments: StockAdjustment[];
}

/** Default window: about three months of business days. */
export const DEFAULT_DEMAND_WINDOW_DAYS = 60;

/** How {@link demandHistory} counts days. */
export interface DemandHistoryOptions {
  isBusinessDay: IsBusinessDay;
  /** The app's IANA time zone: an instant belongs to the local date it falls on there. */
  timeZone: string;
  /**
   * The last day counted (`YYYY-MM-DD`), normally yesterday: today is not over, and counting it
   * would read its half day as a slow day. Time is a parameter; the domain reads no clock.
   */
  through: string;
  /** Business days counted back from `through`; defaults to {@link DEFAULT_DEMAND_WINDOW_DAYS}. */
  windowDays?: number;
}

function instantOf(observation: StockObservation): number {
  const time = Date.parse(observation.at);
  if (Number.isNaN(time)) throw new RangeError(`"${observation.at}" is not an ISO instant`);
  if (!Number.isFinite(observation.quantity)) {
    throw new RangeError(`stock at ${observation.at} is ${observation.quantity}, not a number`);
  }
  return time;
}

/**
 * Daily demand per business day from one item's stock observations.
 *
 * The window is the last `windowDays` business days through `through`, cut to start on the first
 * business day after the day of the first observation: before it the stock was not seen, and an
 * unseen day is unknown, not a quiet one (the day of the first observation itself is only half
 * seen). Between observations the stock did not change, so a day without any is a day of zero
 * demand. The demand of the change observed at `at` belongs to the business day on or after the
 * local date of `at`.
 *
 * Observations are sorted by time first (ties keep their order). The caller tells receipts and
 * corrections apart; a change that merges a receipt with consumption without saying so cannot be
 * told apart here.
 *
 * @throws RangeError on an observation with an invalid instant or a non-finite quantity.
 * @example
 * demandHistory(
 *   [
 *     { at: '2026-12-01T00:00:00Z', quantity: 50 },
 *     { at: '2026-12-02T01:00:00Z', quantity: 44 }, // 6 used
 *     { at: '2026-12-02T05:00:00Z', quantity: 64, cause: { kind: 'receipt', received: 24 } }, // 4 used
 *     { at: '2026-12-03T02:00:00Z', quantity: 70, cause: { kind: 'correction' } }, // not demand
 *   ],
 *   { isBusinessDay: weekdays, timeZone: 'Asia/Tokyo', through: '2026-12-03' },
 * ).days; // [{ date: '2026-12-02', quantity: 10 }, { date: '2026-12-03', quantity: 0 }]
 */
export function demandHistory(
  observations: readonly StockObservation[],
  options: DemandHistoryOptions,
): DemandHistory {
  const { isBusinessDay, timeZone, through } = options;
  const windowDays = options.windowDays ?? DEFAULT_DEMAND_WINDOW_DAYS;
  const sorted = observations
    .map((observation) => ({ observation, time: instantOf(observation) }))
    .sort((a, b) => a.time - b.time);
  const empty: DemandHistory = { days: [], receipts: { count: 0, quantity: 0 }, adjustments: [] };
  const first = sorted[0];
  if (first === undefined) return empty;

  const firstSeen = localDate(new Date(first.time), timeZone);
  const window = businessDaysThrough(through, windowDays, isBusinessDay).filter(
    (day) => day > firstSeen,
  );
  if (window.length === 0) return empty;
  const start = window[0] as string;
  const demandByDay = new Map(window.map((day) => [day, 0]));
  const receipts = { count: 0, quantity: 0 };
  const adjustments: StockAdjustment[] = [];

  let previous = first.observation.quantity;
  for (const { observation, time } of sorted.slice(1)) {
    const day = businessDayOnOrAfter(localDate(new Date(time), timeZone), isBusinessDay);
    const inWindow = day >= start && day <= through;
    const change = observation.quantity - previous;
    previous = observation.quantity;
    let demand = 0;
    let adjustment: StockAdjustment | undefined;
    const cause = observation.cause;
    if (cause?.kind === 'correction') {
      if (change !== 0)
        adjustment = { at: observation.at, date: day, quantity: change, kind: 'correction' };
    } else if (cause?.kind === 'receipt') {
      if (inWindow) {
        receipts.count++;
        receipts.quantity += cause.received;
      }
      // Stock before + received − used = stock after: what is missing of the receipt was used.
      const used = cause.received - change;
      if (used > 0) demand = used;
      else if (used < 0) {
        adjustment = { at: observation.at, date: day, quantity: -used, kind: 'receipt-surplus' };
      }
    } else if (change < 0) {
      demand = -change;
    } else if (change > 0) {
      adjustment = {
        at: observation.at,
        date: day,
        quantity: change,
        kind: 'unexplained-increase',
      };
    }
    if (!inWindow) continue;
    if (demand > 0) demandByDay.set(day, (demandByDay.get(day) ?? 0) + demand);
    if (adjustment !== undefined) adjustments.push(adjustment);
  }
  return {
    days: window.map((date) => ({ date, quantity: demandByDay.get(date) ?? 0 })),
    receipts,
    adjustments,
  };
}

/**
 * Syntetos–Boylan–Croston categories: `intermittent` and `lumpy` have ADI above
 * {@link ADI_CUTOFF} (demand on fewer than about three days in four), `erratic` and `lumpy` have
 * demand sizes with CV² above {@link CV2_CUTOFF}. `none`: no demand in the window.
 */
export type DemandPattern = 'smooth' | 'erratic' | 'intermittent' | 'lumpy' | 'none';

/** Average demand interval above which the mean is replaced by SBA (Syntetos & Boylan 2005). */
export const ADI_CUTOFF = 1.32;
/** Squared coefficient of variation of the demand sizes above which demand is erratic. */
export const CV2_CUTOFF = 0.49;
/** Croston / SBA smoothing constant: the literature's usual 0.05–0.2, in the middle. */
export const DEFAULT_CROSTON_ALPHA = 0.1;

/** The demand of one item per business day, as the reorder point uses it. */
export interface DemandEstimate {
  /** `mean` for smooth and erratic demand, `sba` for intermittent and lumpy (see ADI). */
  method: 'mean' | 'sba';
  pattern: DemandPattern;
  /** Business days in the history. */
  days: number;
  /** Days with any demand. */
  demandDays: number;
  /** Total demand over the history. */
  total: number;
  /** d: the forecast demand per business day. */
  mean: number;
  /** σ_d: the sample standard deviation of the daily demand, zero days included. */
  standardDeviation: number;
  /** Average demand interval, days per demand day; undefined without demand. */
  adi: number | undefined;
  /** CV² of the non-zero demand sizes; undefined below two demand days. */
  cv2: number | undefined;
}

/**
 * Croston's method with the Syntetos–Boylan approximation (SBA): the size of a demand and the
 * interval between demands are smoothed separately, and the forecast per day is
 * (1 − α/2) · size / interval. Croston's own size / interval is biased high (E[z/p] > E[z]/E[p]);
 * the (1 − α/2) factor removes most of that bias, and on the intermittent series of the tests
 * SBA lands closer to the true rate than Croston (see demand.test.ts).
 *
 * Initialised with the first demand and the days up to it; updated only on demand days, so
 * trailing zero days do not lower it (that is TSB's job, and an item gone quiet shows up in the
 * total of its window anyway).
 *
 * @example
 * sbaForecast([0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 4], 0.1); // ≈ 1.19: 0.95 × size 4 / interval 3.19
 */
export function sbaForecast(daily: readonly number[], alpha = DEFAULT_CROSTON_ALPHA): number {
  return crostonForecast(daily, alpha) * (1 - alpha / 2);
}

/** Croston's size / interval forecast, without SBA's correction (kept for comparison). */
export function crostonForecast(daily: readonly number[], alpha = DEFAULT_CROSTON_ALPHA): number {
  if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`Croston alpha ${alpha} is not in (0, 1]`);
  let size: number | undefined;
  let interval = 0;
  let sinceLast = 1;
  for (const quantity of daily) {
    if (quantity > 0) {
      if (size === undefined) {
        size = quantity;
        interval = sinceLast;
      } else {
        size += alpha * (quantity - size);
        interval += alpha * (sinceLast - interval);
      }
      sinceLast = 1;
    } else {
      sinceLast++;
    }
  }
  return size === undefined ? 0 : size / interval;
}

/**
 * d and σ_d from a daily demand series (oldest first, one value per business day).
 *
 * Smooth and erratic demand (ADI ≤ 1.32) use the plain mean of the window: demand happens most
 * days and the mean is the unbiased estimate. Intermittent and lumpy demand (ADI > 1.32) use SBA,
 * because there the mean of a window swings with where the few demand days happen to fall, and
 * Croston-type methods weight recent sizes and intervals instead. σ_d is the spread of the daily
 * series in both cases: safety stock covers the day-to-day variation whatever the forecast.
 *
 * @example
 * estimateDemand([3, 4, 2, 5, 3, 4]).mean; // 3.5, method 'mean'
 * estimateDemand([0, 0, 0, 6, 0, 0, 0, 0, 5, 0]).method; // 'sba'
 */
export function estimateDemand(
  daily: readonly number[],
  options: { alpha?: number } = {},
): DemandEstimate {
  const sizes = daily.filter((quantity) => quantity > 0);
  const total = sizes.reduce((sum, quantity) => sum + quantity, 0);
  const standardDeviation = standardDeviationOf(daily);
  const adi = sizes.length === 0 ? undefined : daily.length / sizes.length;
  const sizeMean = meanOf(sizes);
  const cv2 = sizes.length < 2 ? undefined : (standardDeviationOf(sizes) / sizeMean) ** 2;
  const base = { days: daily.length, demandDays: sizes.length, total, adi, cv2, standardDeviation };
  if (adi === undefined) return { ...base, method: 'mean', pattern: 'none', mean: 0 };
  const erratic = cv2 !== undefined && cv2 > CV2_CUTOFF;
  if (adi <= ADI_CUTOFF) {
    return {
      ...base,
      method: 'mean',
      pattern: erratic ? 'erratic' : 'smooth',
      mean: meanOf(daily),
    };
  }
  return {
    ...base,
    method: 'sba',
    pattern: erratic ? 'lumpy' : 'intermittent',
    mean: sbaForecast(daily, options.alpha),
  };
}
