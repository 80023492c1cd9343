import type { BusinessCalendar } from './business-calendar';
import { addDays, localDate } from './dates';

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

/** The instant at which the wall clock in `timeZone` reads `date` `time` (HH:MM). */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // The zone's offset at the guess, then once more at the corrected instant (DST edges).
  let instant = wall - offsetMs(new Date(wall), timeZone);
  instant = wall - offsetMs(new Date(instant), timeZone);
  return new Date(instant);
}

function offsetMs(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(
    value('year'),
    value('month') - 1,
    value('day'),
    value('hour'),
    value('minute'),
    value('second'),
  );
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}
