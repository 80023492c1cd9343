import { addDays, isCalendarDate, localDate, zonedInstant } from './dates';

/**
 * Business days and business hours (営業日・営業時間): which calendar days a company (or a
 * supplier) works, and counting days and hours over them. Pure: the public holidays come in as a
 * function (the adapter reads a maintained holiday list), the closed days as configuration data.
 *
 * Rules, documented once:
 * - A day is closed when it is a public holiday, inside a closed date range (年末年始, お盆) or
 *   on a weekly closed weekday (土日). The name of a closed day is, in that order of priority,
 *   the holiday's name (元日), the range's name (年末年始), or the weekday (土曜).
 * - `addBusinessDays(date, n)` counts like lead times always did, only over business days: the
 *   start date itself is day 0 (never counted), the result is the n-th business day strictly
 *   after it. With no closed day in between it is `addDays(date, n)`. `n = 0` is the date
 *   itself when it is a business day, else the next business day (the start then counts among
 *   the skipped days).
 * - Business hours are `[start, end)` local wall time of each business day in the given zone.
 * - The delivery calendar of an order is {@link combineCalendars}: a day counts only when the
 *   supplier works (it ships) AND the company is open (it receives). Its business hours are the
 *   company's.
 */

/** One closed date range, both ends inclusive, `YYYY-MM-DD`. */
export interface ClosedDateRange {
  from: string;
  to: string;
  /** What staff call it: 年末年始, お盆, 夏季休業. */
  name: string;
}

/** Business hours as local wall-clock `HH:MM`, `start` before `end`. */
export interface BusinessHours {
  start: string;
  end: string;
}

/** What a calendar is built from. */
export interface CalendarRules {
  /** The public holiday's name on `date` (`YYYY-MM-DD`), undefined on an ordinary day. */
  publicHoliday?: (date: string) => string | undefined;
  /** Weekdays closed every week, 0 = Sunday … 6 = Saturday (`[0, 6]`: 土日). */
  weeklyClosedDays: readonly number[];
  closedDates: readonly ClosedDateRange[];
  /** Defaults to {@link DEFAULT_BUSINESS_HOURS}. */
  businessHours?: BusinessHours;
}

/** Why a day is closed: `holiday` (public), `closed` (a date range), `weekly` (土日). */
export type ClosedKind = 'holiday' | 'closed' | 'weekly';

/** A closed day and its name. */
export interface ClosedDay {
  date: string;
  name: string;
  kind: ClosedKind;
}

/** The result of {@link BusinessCalendar.addBusinessDays}. */
export interface BusinessDaysResult {
  /** The n-th business day after the start (`YYYY-MM-DD`). */
  date: string;
  /** The closed days passed over between the start (excluded) and `date`, in date order. */
  skipped: ClosedDay[];
}

/** A calendar of business days and hours. Every method is pure. */
export interface BusinessCalendar {
  readonly businessHours: BusinessHours;
  /** The closed day's name and kind, undefined on a business day. */
  closure(date: string): { name: string; kind: ClosedKind } | undefined;
  isBusinessDay(date: string): boolean;
  /** The first business day strictly after `date`. */
  nextBusinessDay(date: string): string;
  /** `date` itself when a business day, else the next one. */
  businessDayOnOrAfter(date: string): string;
  /** See the module's rules: the start is day 0; `n` must be a whole number ≥ 0. */
  addBusinessDays(date: string, n: number): BusinessDaysResult;
  /**
   * The instant `hours` business hours after `instant` (an instant outside business hours
   * starts counting at the next opening). `hours` ≥ 0, fractions allowed.
   */
  addBusinessHours(instant: Date, hours: number, timeZone: string): Date;
  /** Business hours in `[from, to)` (0 when `to` ≤ `from`), fractional. */
  businessHoursBetween(from: Date, to: Date, timeZone: string): number;
}

/** 09:00–18:00, a Japanese office day. */
export const DEFAULT_BUSINESS_HOURS: BusinessHours = { start: '09:00', end: '18:00' };

/** 土日: the weekly closed days when the configuration names none. */
export const DEFAULT_WEEKLY_CLOSED_DAYS: readonly number[] = [0, 6];

/**
 * Longest run of consecutive closed days a calendar may have: beyond it the rules are a mistake
 * (every weekday closed, a range over years) and counting would never end.
 */
export const MAX_CLOSED_RUN_DAYS = 366;

/** Widest span {@link BusinessCalendar.businessHoursBetween} walks day by day (10 years). */
const MAX_HOURS_SPAN_DAYS = 3660;

const WEEKDAY_KANJI = ['日', '月', '火', '水', '木', '金', '土'] as const;
const HOUR_MS = 3_600_000;
const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** 0 = Sunday … 6 = Saturday of a `YYYY-MM-DD` date. */
export function weekdayOf(date: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

function requireDate(date: string, what: string): void {
  if (!isCalendarDate(date)) throw new RangeError(`${what}: "${date}" is not a YYYY-MM-DD date`);
}

function minutesOf(time: string): number {
  const match = CLOCK.exec(time);
  if (match === null) throw new RangeError(`"${time}" is not a HH:MM time of day`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * A calendar from its rules.
 *
 * @throws RangeError when a closed range or the business hours are malformed, or when every
 * weekday is closed.
 * @example
 * const calendar = createBusinessCalendar({
 *   publicHoliday: (date) => (date === '2027-01-01' ? '元日' : undefined),
 *   weeklyClosedDays: [0, 6],
 *   closedDates: [{ from: '2026-12-29', to: '2027-01-03', name: '年末年始' }],
 * });
 * calendar.addBusinessDays('2026-12-28', 3).date; // '2027-01-06'
 */
export function createBusinessCalendar(rules: CalendarRules): BusinessCalendar {
  const weekly = new Set(rules.weeklyClosedDays);
  for (const day of weekly) {
    if (!Number.isInteger(day) || day < 0 || day > 6) {
      throw new RangeError(`weekly closed day ${day} is not 0 (Sunday) … 6 (Saturday)`);
    }
  }
  if (weekly.size === 7) throw new RangeError('every weekday is closed: no business day is left');
  for (const range of rules.closedDates) {
    requireDate(range.from, 'closed date range');
    requireDate(range.to, 'closed date range');
    if (range.to < range.from) {
      throw new RangeError(`closed date range ${range.from}–${range.to} ends before it starts`);
    }
  }
  const businessHours = rules.businessHours ?? DEFAULT_BUSINESS_HOURS;
  if (minutesOf(businessHours.start) >= minutesOf(businessHours.end)) {
    throw new RangeError(
      `business hours ${businessHours.start}–${businessHours.end} end before they start`,
    );
  }
  const ranges = [...rules.closedDates];
  return calendarOf(businessHours, (date) => {
    const holiday = rules.publicHoliday?.(date);
    if (holiday !== undefined) return { name: holiday, kind: 'holiday' };
    const range = ranges.find((candidate) => candidate.from <= date && date <= candidate.to);
    if (range !== undefined) return { name: range.name, kind: 'closed' };
    const weekday = weekdayOf(date);
    if (weekly.has(weekday)) return { name: `${WEEKDAY_KANJI[weekday]}曜`, kind: 'weekly' };
    return undefined;
  });
}

/**
 * The calendar of days both work: closed when either is (the first's name wins when both are),
 * with the first's business hours. For an order: `combineCalendars(company, supplier)`.
 */
export function combineCalendars(
  first: BusinessCalendar,
  second: BusinessCalendar,
): BusinessCalendar {
  return calendarOf(first.businessHours, (date) => first.closure(date) ?? second.closure(date));
}

/** Every day a business day, 09:00–18:00: counting business days is counting calendar days. */
export const EVERY_DAY_OPEN: BusinessCalendar = calendarOf(DEFAULT_BUSINESS_HOURS, () => undefined);

function calendarOf(
  businessHours: BusinessHours,
  closure: (date: string) => { name: string; kind: ClosedKind } | undefined,
): BusinessCalendar {
  const isBusinessDay = (date: string): boolean => closure(date) === undefined;
  /** The first business day after `date` (strictly), collecting the closed days passed. */
  const next = (date: string, skipped?: ClosedDay[]): string => {
    let day = date;
    for (let run = 0; run <= MAX_CLOSED_RUN_DAYS; run++) {
      day = addDays(day, 1);
      const closed = closure(day);
      if (closed === undefined) return day;
      skipped?.push({ date: day, ...closed });
    }
    throw new RangeError(`no business day within ${MAX_CLOSED_RUN_DAYS} days after ${date}`);
  };
  /** The business window `[open, close)` of a business day, as epoch ms. */
  const windowOf = (date: string, timeZone: string): [number, number] => [
    zonedInstant(date, businessHours.start, timeZone).getTime(),
    zonedInstant(date, businessHours.end, timeZone).getTime(),
  ];

  return {
    businessHours,
    closure,
    isBusinessDay: (date) => {
      requireDate(date, 'isBusinessDay');
      return isBusinessDay(date);
    },
    nextBusinessDay: (date) => {
      requireDate(date, 'nextBusinessDay');
      return next(date);
    },
    businessDayOnOrAfter: (date) => {
      requireDate(date, 'businessDayOnOrAfter');
      return isBusinessDay(date) ? date : next(date);
    },
    addBusinessDays: (date, n) => {
      requireDate(date, 'addBusinessDays');
      if (!Number.isInteger(n) || n < 0) {
        throw new RangeError(`addBusinessDays: ${n} is not a whole number of days ≥ 0`);
      }
      const skipped: ClosedDay[] = [];
      if (n === 0) {
        const closed = closure(date);
        if (closed === undefined) return { date, skipped };
        // Lead time 0 on a closed day: that day too is passed over.
        skipped.push({ date, ...closed });
        return { date: next(date, skipped), skipped };
      }
      let day = date;
      for (let count = 0; count < n; count++) day = next(day, skipped);
      return { date: day, skipped };
    },
    addBusinessHours: (instant, hours, timeZone) => {
      if (!Number.isFinite(hours) || hours < 0) {
        throw new RangeError(`addBusinessHours: ${hours} is not a number of hours ≥ 0`);
      }
      let remaining = hours * HOUR_MS;
      let at = instant.getTime();
      let day = localDate(instant, timeZone);
      if (!isBusinessDay(day)) day = next(day);
      // Each pass consumes one business day's window; the bound only guards a runaway loop.
      for (let pass = 0; pass < MAX_HOURS_SPAN_DAYS * 2; pass++) {
        const [open, close] = windowOf(day, timeZone);
        const from = Math.max(at, open);
        if (from < close) {
          const available = close - from;
          if (remaining <= available) return new Date(from + remaining);
          remaining -= available;
        }
        day = next(day);
        at = windowOf(day, timeZone)[0];
      }
      throw new RangeError(`addBusinessHours: ${hours} hours is too far ahead`);
    },
    businessHoursBetween: (from, to, timeZone) => {
      const start = from.getTime();
      const end = to.getTime();
      if (!(end > start)) return 0;
      let total = 0;
      let day = localDate(from, timeZone);
      const last = localDate(to, timeZone);
      for (let pass = 0; day <= last; pass++) {
        if (pass > MAX_HOURS_SPAN_DAYS) {
          throw new RangeError('businessHoursBetween: the span is longer than 10 years');
        }
        if (isBusinessDay(day)) {
          const [open, close] = windowOf(day, timeZone);
          const overlap = Math.min(close, end) - Math.max(open, start);
          if (overlap > 0) total += overlap;
        }
        day = addDays(day, 1);
      }
      return total / HOUR_MS;
    },
  };
}

/**
 * The skipped days as staff read them: each name once, in the order met, the weekly closed
 * weekdays together at the end (土日).
 *
 * @example
 * skippedDaysText([
 *   { date: '2026-12-29', name: '年末年始', kind: 'closed' },
 *   { date: '2027-01-01', name: '元日', kind: 'holiday' },
 *   { date: '2027-01-09', name: '土曜', kind: 'weekly' },
 *   { date: '2027-01-10', name: '日曜', kind: 'weekly' },
 * ]); // '年末年始・元日・土日'
 */
export function skippedDaysText(skipped: readonly ClosedDay[]): string {
  const names: string[] = [];
  const weekdays = new Set<number>();
  for (const day of skipped) {
    if (day.kind === 'weekly') weekdays.add(weekdayOf(day.date));
    else if (!names.includes(day.name)) names.push(day.name);
  }
  if (weekdays.size === 1) {
    names.push(`${WEEKDAY_KANJI[[...weekdays][0] as number]}曜`);
  } else if (weekdays.size > 1) {
    // Monday first, Sunday last: 土日, not 日土.
    const order = [1, 2, 3, 4, 5, 6, 0].filter((weekday) => weekdays.has(weekday));
    names.push(order.map((weekday) => WEEKDAY_KANJI[weekday]).join(''));
  }
  return names.join('・');
}

/**
 * The delivery date note of a reason: the date and, when closed days were passed over, which.
 *
 * @example
 * deliveryDateNote({ date: '2027-01-06', skipped }, 3);
 * // '納品希望日 2027-01-06 (年末年始・元日・土日を除く3営業日)'
 * deliveryDateNote({ date: '2026-12-03', skipped: [] }, 2); // '納品希望日 2026-12-03 (2営業日)'
 * deliveryDateNote({ date: '2026-12-07', skipped: weekend }, 0); // '納品希望日 2026-12-07 (土日を除く)'
 */
export function deliveryDateNote(result: BusinessDaysResult, businessDays: number): string {
  const text = skippedDaysText(result.skipped);
  const count = businessDays === 0 ? '' : `${businessDays}営業日`;
  if (text === '') return `納品希望日 ${result.date} (${count || '当日'})`;
  return `納品希望日 ${result.date} (${text}を除く${count})`;
}

/**
 * The company's calendar and each supplier's delivery calendar: what the use cases are given
 * (built from the configuration and the holiday list by the wiring).
 */
export interface Calendars {
  /** The company's own business days (cut-offs, reminders). */
  company: BusinessCalendar;
  /**
   * The days an order from this supplier can count toward delivery: the company's combined with
   * the supplier's own closed days (the company's alone for a supplier without any).
   */
  deliveryFor(supplierCode: string | undefined): BusinessCalendar;
}

/**
 * {@link Calendars} from the company's calendar and the suppliers' own (by supplier code).
 *
 * @example
 * const calendars = calendarsOf(company, { 'SUP-01': supplierCalendar });
 * calendars.deliveryFor('SUP-01').isBusinessDay('2026-08-13'); // false when SUP-01 closes for お盆
 */
export function calendarsOf(
  company: BusinessCalendar,
  suppliers: Readonly<Record<string, BusinessCalendar>> = {},
): Calendars {
  const combined = new Map<string, BusinessCalendar>();
  return {
    company,
    deliveryFor: (supplierCode) => {
      if (supplierCode === undefined || !Object.hasOwn(suppliers, supplierCode)) return company;
      let calendar = combined.get(supplierCode);
      if (calendar === undefined) {
        calendar = combineCalendars(company, suppliers[supplierCode] as BusinessCalendar);
        combined.set(supplierCode, calendar);
      }
      return calendar;
    },
  };
}

/** A lead time counted in business days from an order date, as {@link lineDeliveryOf} gives it. */
export interface LineDelivery {
  /** The desired delivery date (`YYYY-MM-DD`). */
  date: string;
  /** The closed days passed over. */
  skipped: ClosedDay[];
  /** The reason's note ({@link deliveryDateNote}), only when closed days were passed over. */
  note?: string;
}

/**
 * The desired delivery date of a line: `leadTimeDays` business days of the delivery calendar
 * after the order date (day 0), and the note for its reason when closed days were skipped.
 *
 * @example
 * lineDeliveryOf(calendar, '2026-12-28', 3).note;
 * // '納品希望日 2027-01-06 (年末年始・元日を除く3営業日)'
 */
export function lineDeliveryOf(
  calendar: BusinessCalendar,
  orderDate: string,
  leadTimeDays: number,
): LineDelivery {
  const result = calendar.addBusinessDays(orderDate, leadTimeDays);
  return result.skipped.length === 0
    ? result
    : { ...result, note: deliveryDateNote(result, leadTimeDays) };
}
