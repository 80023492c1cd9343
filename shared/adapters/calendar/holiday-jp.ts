import holidayJp from '@holiday-jp/holiday_jp';
import type { PublicHolidays } from '../../ports/holidays';

/**
 * Japanese public holidays from `@holiday-jp/holiday_jp` (the holiday_jp project's list,
 * generated from the Cabinet Office's announcements: 祝日, 振替休日 and 国民の休日, 1970–2050).
 * The list is data bundled with the function (about 230 kB unminified): no network call. A date
 * past the list's last year has no holiday; updating the package extends it.
 */
const holidays: Readonly<Record<string, { name: string } | undefined>> = holidayJp.holidays;

/** The last date the list covers. */
export const HOLIDAY_LIST_LAST_DATE = Object.keys(holidays).sort().at(-1) ?? '';

export const japanesePublicHolidays: PublicHolidays = {
  // An own-property lookup: the object's keys are the dates, and a date like "constructor" is
  // never asked (callers pass YYYY-MM-DD), but hasOwn keeps the prototype out regardless.
  nameOf: (date) => (Object.hasOwn(holidays, date) ? holidays[date]?.name : undefined),
};
