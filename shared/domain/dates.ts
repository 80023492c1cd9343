/**
 * Calendar-date helpers. Dates the staff see (snooze, desired delivery) are calendar days in
 * the app's time zone, not instants, so they travel as `YYYY-MM-DD` strings.
 */

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const MS_PER_DAY = 86_400_000;

/**
 * Building a DateTimeFormat costs far more than formatting with one, and every evaluation
 * needs one for the same few zones; the cache holds no state that changes an answer.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function parseCalendarDate(date: string): { year: number; month: number; day: number } | null {
  const match = CALENDAR_DATE.exec(date);
  if (match === null) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  // Date.UTC silently rolls 2026-02-30 over to March; a real date survives the round trip.
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== month - 1 ||
    probe.getUTCDate() !== day
  ) {
    return null;
  }
  return { year, month, day };
}

/**
 * Whether `value` is an existing calendar date written `YYYY-MM-DD`.
 *
 * @example
 * isCalendarDate('2028-02-29'); // true
 * isCalendarDate('2026-02-30'); // false
 */
export function isCalendarDate(value: string): boolean {
  return parseCalendarDate(value) !== null;
}

/**
 * The calendar date (`YYYY-MM-DD`) that `now` falls on in `timeZone`.
 *
 * @throws RangeError when `timeZone` is not an IANA zone or `now` is an invalid Date; both are
 * configuration or caller errors that validation at the edge should have caught.
 * @example
 * localDate(new Date('2026-11-28T15:30:00Z'), 'Asia/Tokyo'); // '2026-11-29'
 */
export function localDate(now: Date, timeZone: string): string {
  // formatToParts rather than format(): the ordering of 'en-CA' output is an ICU convention,
  // the parts are a contract.
  const parts = formatterFor(timeZone).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value);
  return `${pad(part('year'), 4)}-${pad(part('month'), 2)}-${pad(part('day'), 2)}`;
}

/**
 * The calendar date `days` days after `date` (before it when negative).
 *
 * @throws RangeError when `date` is not a `YYYY-MM-DD` calendar date, `days` is not an
 * integer, or the result leaves the range a Date can represent.
 * @example
 * addDays('2026-11-28', 3); // '2026-12-01'
 * addDays('2026-12-30', 3); // '2027-01-02'
 */
export function addDays(date: string, days: number): string {
  const parsed = parseCalendarDate(date);
  if (parsed === null) {
    throw new RangeError(`addDays: "${date}" is not a YYYY-MM-DD calendar date`);
  }
  if (!Number.isInteger(days)) {
    throw new RangeError(`addDays: ${days} is not a whole number of days`);
  }
  // UTC midnight has no daylight-saving gaps, so adding whole days is exact.
  const shifted = new Date(Date.UTC(parsed.year, parsed.month - 1, parsed.day) + days * MS_PER_DAY);
  if (Number.isNaN(shifted.getTime())) {
    throw new RangeError(`addDays: ${date} + ${days} days is outside the supported date range`);
  }
  return `${pad(shifted.getUTCFullYear(), 4)}-${pad(shifted.getUTCMonth() + 1, 2)}-${pad(shifted.getUTCDate(), 2)}`;
}

/** Wall-clock formatters by zone, cached like {@link formatterFor}: every offset needs one. */
const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at `at`, in ms (Asia/Tokyo: 9 h), from its wall clock then. */
function zoneOffsetMs(at: number, timeZone: string): number {
  let formatter = wallClockFormatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallClockFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return asUtc - Math.floor(at / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `timeZone` reads `date` `time` (HH:MM).
 *
 * @example
 * zonedInstant('2026-12-02', '15:00', 'Asia/Tokyo'); // 2026-12-02T06:00:00.000Z
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // The zone's offset at the guess, then once more at the corrected instant (DST edges).
  const guess = wall - zoneOffsetMs(wall, timeZone);
  return new Date(wall - zoneOffsetMs(guess, timeZone));
}

/** The instant a calendar date (YYYY-MM-DD) begins in the zone. */
export function startOfDay(date: string, timeZone: string): Date {
  return zonedInstant(date, '00:00', timeZone);
}
