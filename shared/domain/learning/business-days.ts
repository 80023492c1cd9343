import { addDays, isCalendarDate } from '../dates';

/**
 * Counting business days for the learning. Demand and lead times are both in business days of
 * the same calendar, so that d × L in the reorder point means "what leaves the shelf while an
 * order is on its way". The calendar comes in as a predicate (a {@link BusinessCalendar}'s
 * `isBusinessDay` fits) so the learning needs nothing else of it.
 */

/** Whether a `YYYY-MM-DD` date is a business day. */
export type IsBusinessDay = (date: string) => boolean;

/** Longest run of closed days the walks accept, as in business-calendar (a year). */
const MAX_CLOSED_RUN_DAYS = 366;

/** Longest span counted day by day (20 years): beyond it the input is a mistake. */
const MAX_SPAN_DAYS = 7320;

function requireDate(date: string, what: string): void {
  if (!isCalendarDate(date)) throw new RangeError(`${what}: "${date}" is not a YYYY-MM-DD date`);
}

/**
 * Business days in `(from, to]`: the day an order is sent is day 0, as in
 * `BusinessCalendar.addBusinessDays`, so `addBusinessDays(from, n).date === to` gives `n` when `to`
 * is a business day. 0 when `to` ≤ `from`.
 *
 * @example
 * businessDaysBetween('2026-12-04', '2026-12-08', weekdays); // 2 (Fri → Tue: Mon, Tue)
 */
export function businessDaysBetween(
  from: string,
  to: string,
  isBusinessDay: IsBusinessDay,
): number {
  requireDate(from, 'businessDaysBetween');
  requireDate(to, 'businessDaysBetween');
  let count = 0;
  let day = from;
  for (let pass = 0; day < to; pass++) {
    if (pass > MAX_SPAN_DAYS) throw new RangeError(`${from}–${to} is longer than 20 years`);
    day = addDays(day, 1);
    if (isBusinessDay(day)) count++;
  }
  return count;
}

/** `date` itself when a business day, else the next business day. */
export function businessDayOnOrAfter(date: string, isBusinessDay: IsBusinessDay): string {
  requireDate(date, 'businessDayOnOrAfter');
  let day = date;
  for (let run = 0; run <= MAX_CLOSED_RUN_DAYS; run++) {
    if (isBusinessDay(day)) return day;
    day = addDays(day, 1);
  }
  throw new RangeError(`no business day within ${MAX_CLOSED_RUN_DAYS} days from ${date}`);
}

/**
 * The last `count` business days up to and including `through` (when it is one), oldest first.
 */
export function businessDaysThrough(
  through: string,
  count: number,
  isBusinessDay: IsBusinessDay,
): string[] {
  requireDate(through, 'businessDaysThrough');
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`businessDaysThrough: ${count} is not a whole number of days ≥ 0`);
  }
  const days: string[] = [];
  let day = through;
  let closedRun = 0;
  while (days.length < count) {
    if (isBusinessDay(day)) {
      days.push(day);
      closedRun = 0;
    } else if (++closedRun > MAX_CLOSED_RUN_DAYS) {
      throw new RangeError(`no business day within ${MAX_CLOSED_RUN_DAYS} days before ${day}`);
    }
    day = addDays(day, -1);
  }
  return days.reverse();
}

/**
 * Calendar days that hold `businessDays` business days of a five-day week: what a window of
 * business days spans before holidays, which the callers cover with a margin of their own.
 *
 * @example
 * calendarDaysSpanning(60); // 84
 */
export function calendarDaysSpanning(businessDays: number): number {
  return Math.ceil((businessDays * 7) / 5);
}
