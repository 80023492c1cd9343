import type { BridgeConfig } from '../../config/schema';
import {
  calendarsOf,
  createBusinessCalendar,
  type BusinessCalendar,
  type Calendars,
} from '../../domain/business-calendar';
import type { PublicHolidays } from '../../ports/holidays';
import { japanesePublicHolidays } from './holiday-jp';

/**
 * The company's and the suppliers' calendars from the configuration (`calendar`, `suppliers`)
 * and the public holiday list: Japanese public holidays close the company and every supplier,
 * the company's `closedDates` close the company (so no delivery counts on them), a supplier's
 * `closedDates` and `weeklyClosedDays` (the company's weekly days without them) close the
 * supplier.
 *
 * @throws RangeError when the configured rules leave no business day (validated by the schema).
 * @example
 * const calendars = calendarFromConfig(config);
 * calendars.deliveryFor('SUP-01').addBusinessDays('2026-12-28', 3);
 * // { date: '2027-01-06', skipped: [{ date: '2026-12-29', name: '年末年始', kind: 'closed' }, …] }
 */
export function calendarFromConfig(
  config: Pick<BridgeConfig, 'calendar' | 'suppliers'>,
  holidays: PublicHolidays = japanesePublicHolidays,
): Calendars {
  const publicHoliday = (date: string) => holidays.nameOf(date);
  const { calendar } = config;
  const company = createBusinessCalendar({
    publicHoliday,
    weeklyClosedDays: calendar.weeklyClosedDays,
    closedDates: calendar.closedDates,
    businessHours: calendar.businessHours,
  });
  const suppliers: Record<string, BusinessCalendar> = {};
  for (const [code, own] of Object.entries(config.suppliers)) {
    suppliers[code] = createBusinessCalendar({
      publicHoliday,
      weeklyClosedDays: own.weeklyClosedDays ?? calendar.weeklyClosedDays,
      closedDates: own.closedDates,
      businessHours: calendar.businessHours,
    });
  }
  return calendarsOf(company, suppliers);
}
