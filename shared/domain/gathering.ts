import type { BusinessCalendar } from './business-calendar';
import { addDays, localDate, zonedInstant } from './dates';

/**
 * When a gathered order is due. The rule comes from the app's configuration (`gathering`); the
 * clock reading is the caller's, so this stays pure.
 */
export type GatheringPolicy =
  | { rule: 'immediate' }
  | { rule: 'window'; minutes: number }
  | { rule: 'cutoff'; times: readonly string[] };

const MINUTE_MS = 60_000;

/**
 * The moment an order whose first line fell due at `firstLineAt` is sealed and sent:
 * at once (`immediate`), `minutes` later (`window`), or at the next cut-off time of day in
 * `timeZone` strictly after `firstLineAt` (`cutoff`; after the last one, the first one of the
 * next day). With a `calendar`, cut-offs fall on its business days only: the next cut-off on a
 * closed day moves to the first cut-off of the next business day.
 *
 * @example
 * orderDueAt({ rule: 'cutoff', times: ['10:00', '15:00'] }, new Date('2026-12-02T02:30:00Z'), 'Asia/Tokyo');
 * // 2026-12-02T06:00:00.000Z (15:00 in Tokyo)
 */
export function orderDueAt(
  policy: GatheringPolicy,
  firstLineAt: Date,
  timeZone: string,
  calendar?: Pick<BusinessCalendar, 'isBusinessDay' | 'nextBusinessDay'>,
): Date {
  switch (policy.rule) {
    case 'immediate':
      return firstLineAt;
    case 'window':
      return new Date(firstLineAt.getTime() + policy.minutes * MINUTE_MS);
    case 'cutoff': {
      const today = localDate(firstLineAt, timeZone);
      const times = [...policy.times].sort();
      const days = calendar
        ? [today, calendar.nextBusinessDay(today), calendar.nextBusinessDay(addDays(today, 1))]
        : [today, addDays(today, 1), addDays(today, 2)];
      for (const day of days) {
        if (calendar && !calendar.isBusinessDay(day)) continue;
        for (const time of times) {
          const at = zonedInstant(day, time, timeZone);
          if (at.getTime() > firstLineAt.getTime()) return at;
        }
      }
      throw new RangeError(`no cut-off time after ${firstLineAt.toISOString()}`);
    }
  }
}
