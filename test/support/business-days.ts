import { calendarFromConfig } from '../../shared/adapters/calendar/calendar-from-config';
import { loadConfigFile } from '../../shared/config/load-config';
import { lineDeliveryOf, type LineDelivery } from '../../shared/domain/business-calendar';
import { localDate } from '../../shared/domain/dates';
import { withDeliveryNote } from '../../shared/domain/reason';

/**
 * What the demo configuration's business days (土日, Japanese holidays, 年末年始, お盆) make of
 * a lead time from a day: tests on the real clock expect the date and the reason's note of the
 * day they run on (a Friday order with a lead time of 3 skips the weekend).
 */
const demo = calendarFromConfig(loadConfigFile('config/demo.json'));

/** The desired delivery date of a line placed at `at` with this lead time. */
export function demoDelivery(
  leadTimeDays: number,
  at: Date = new Date(),
  supplierCode?: string,
): LineDelivery {
  return lineDeliveryOf(demo.deliveryFor(supplierCode), localDate(at, 'Asia/Tokyo'), leadTimeDays);
}

/** The record's reason of a line placed at `at`: the decision's, with the delivery note if any. */
export function demoReason(
  reason: string,
  leadTimeDays: number,
  at: Date = new Date(),
  supplierCode?: string,
): string {
  return withDeliveryNote(reason, demoDelivery(leadTimeDays, at, supplierCode).note);
}
