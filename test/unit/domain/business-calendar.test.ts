import fc from 'fast-check';
import { calendarFromConfig } from '../../../shared/adapters/calendar/calendar-from-config';
import {
  HOLIDAY_LIST_LAST_DATE,
  japanesePublicHolidays,
} from '../../../shared/adapters/calendar/holiday-jp';
import { calendarSchema } from '../../../shared/config/schema';
import {
  combineCalendars,
  createBusinessCalendar,
  deliveryDateNote,
  EVERY_DAY_OPEN,
  lineDeliveryOf,
  skippedDaysText,
  type BusinessCalendar,
} from '../../../shared/domain/business-calendar';
import { addDays, localDate } from '../../../shared/domain/dates';
import { zonedInstant } from '../../../shared/domain/dates';
import { orderDueAt } from '../../../shared/domain/gathering';
import { evaluateReorder } from '../../../shared/domain/evaluate-reorder';

const TOKYO = 'Asia/Tokyo';

/** The company of the examples: 土日, Japanese holidays, 年末年始 and お盆 from its configuration. */
const calendars = calendarFromConfig({
  calendar: calendarSchema.parse({
    closedDates: [
      { from: '2026-12-29', to: '2027-01-03', name: '年末年始' },
      { from: '2027-08-12', to: '2027-08-16', name: 'お盆' },
    ],
  }),
  suppliers: {
    'S-001': { closedDates: [{ from: '2027-01-06', to: '2027-01-06', name: '棚卸' }] },
    // A supplier that works on Saturdays (the company still receives on weekdays only).
    'S-SAT': { weeklyClosedDays: [0], closedDates: [] },
  },
});
const company = calendars.company;

describe('the company calendar (config + holiday list)', () => {
  it.each([
    ['2026-12-28', true], // Monday
    ['2026-12-29', false], // 年末年始
    ['2027-01-01', false], // 元日
    ['2027-01-04', true],
    ['2026-12-05', false], // Saturday
    ['2026-12-06', false], // Sunday
    ['2027-05-03', false], // 憲法記念日
    ['2027-08-13', false], // お盆
    ['2027-08-17', true],
  ])('%s is a business day: %s', (date, open) => {
    expect(company.isBusinessDay(date)).toBe(open);
  });

  it('names a closed day by its holiday first, then its range, then its weekday', () => {
    expect(company.closure('2027-01-01')).toEqual({ name: '元日', kind: 'holiday' });
    expect(company.closure('2027-01-02')).toEqual({ name: '年末年始', kind: 'closed' });
    expect(company.closure('2026-12-05')).toEqual({ name: '土曜', kind: 'weekly' });
    expect(company.closure('2026-12-07')).toBeUndefined();
  });

  it('skips 年末年始 and 元日: Monday 12-28 + 3 business days is 2027-01-06', () => {
    const result = company.addBusinessDays('2026-12-28', 3);
    expect(result.date).toBe('2027-01-06');
    expect(result.skipped.map((day) => `${day.date} ${day.name}`)).toEqual([
      '2026-12-29 年末年始',
      '2026-12-30 年末年始',
      '2026-12-31 年末年始',
      '2027-01-01 元日',
      '2027-01-02 年末年始',
      '2027-01-03 年末年始',
    ]);
    expect(deliveryDateNote(result, 3)).toBe('納品希望日 2027-01-06 (年末年始・元日を除く3営業日)');
  });

  it('skips Golden Week: Wednesday 2027-04-28 + 3 is 2027-05-07', () => {
    const result = company.addBusinessDays('2027-04-28', 3);
    expect(result.date).toBe('2027-05-07');
    expect(skippedDaysText(result.skipped)).toBe(
      '昭和の日・憲法記念日・みどりの日・こどもの日・土日',
    );
  });

  it('skips お盆 set in the configuration', () => {
    const result = company.addBusinessDays('2027-08-11', 1);
    expect(result.date).toBe('2027-08-17');
    expect(skippedDaysText(result.skipped)).toBe('お盆');
  });

  it('skips a weekend: Friday + 1 is Monday; a Saturday order with lead time 0 is Monday', () => {
    expect(company.addBusinessDays('2026-12-04', 1)).toMatchObject({ date: '2026-12-07' });
    const saturday = lineDeliveryOf(company, '2026-12-05', 0);
    expect(saturday.date).toBe('2026-12-07');
    expect(saturday.note).toBe('納品希望日 2026-12-07 (土日を除く)');
  });

  it('counts calendar days when nothing is closed in between (no note)', () => {
    expect(lineDeliveryOf(company, '2026-12-01', 3)).toEqual({ date: '2026-12-04', skipped: [] });
    expect(deliveryDateNote({ date: '2026-12-04', skipped: [] }, 3)).toBe(
      '納品希望日 2026-12-04 (3営業日)',
    );
  });
});

describe('delivery calendars: the supplier ships and the company receives', () => {
  it('skips the supplier own closed day too', () => {
    const delivery = lineDeliveryOf(calendars.deliveryFor('S-001'), '2026-12-28', 3);
    expect(delivery.date).toBe('2027-01-07');
    expect(delivery.note).toBe('納品希望日 2027-01-07 (年末年始・元日・棚卸を除く3営業日)');
  });

  it('counts no Saturday for a supplier that works it: the company does not receive then', () => {
    expect(calendars.deliveryFor('S-SAT').addBusinessDays('2026-12-04', 1).date).toBe('2026-12-07');
  });

  it('is the company calendar for a supplier without own closed days', () => {
    expect(calendars.deliveryFor('S-999')).toBe(company);
    expect(calendars.deliveryFor(undefined)).toBe(company);
  });
});

describe('business hours (09:00–18:00 Tokyo)', () => {
  it('carries hours over the evening and the weekend', () => {
    // Friday 2026-12-04 17:00 + 2 business hours = Monday 10:00.
    const friday = new Date('2026-12-04T08:00:00Z');
    expect(company.addBusinessHours(friday, 2, TOKYO).toISOString()).toBe(
      '2026-12-07T01:00:00.000Z',
    );
    expect(company.businessHoursBetween(friday, new Date('2026-12-07T01:00:00Z'), TOKYO)).toBe(2);
  });

  it('starts counting at the next opening when outside business hours', () => {
    // Sunday night + 1 hour = Monday 10:00; 年末年始 evening + 9 = the first day's close.
    expect(company.addBusinessHours(new Date('2026-12-06T13:00:00Z'), 1, TOKYO).toISOString()).toBe(
      '2026-12-07T01:00:00.000Z',
    );
    expect(company.addBusinessHours(new Date('2026-12-28T10:00:00Z'), 9, TOKYO).toISOString()).toBe(
      '2027-01-04T09:00:00.000Z',
    );
  });
});

describe('gathering cut-offs on business days', () => {
  const cutoff = { rule: 'cutoff', times: ['10:00', '15:00'] } as const;

  it('moves a cut-off on a closed day to the next business day first cut-off', () => {
    // Friday 16:00 → Monday 10:00 (not Saturday 10:00).
    expect(orderDueAt(cutoff, new Date('2026-12-04T07:00:00Z'), TOKYO, company).toISOString()).toBe(
      '2026-12-07T01:00:00.000Z',
    );
    // 2026-12-28 16:00 → 2027-01-04 10:00, after 年末年始.
    expect(orderDueAt(cutoff, new Date('2026-12-28T07:00:00Z'), TOKYO, company).toISOString()).toBe(
      '2027-01-04T01:00:00.000Z',
    );
  });

  it('keeps the same-day cut-off on a business day, and calendar days without a calendar', () => {
    const at = new Date('2026-12-04T02:30:00Z');
    expect(orderDueAt(cutoff, at, TOKYO, company).toISOString()).toBe('2026-12-04T06:00:00.000Z');
    expect(orderDueAt(cutoff, new Date('2026-12-04T07:00:00Z'), TOKYO).toISOString()).toBe(
      '2026-12-05T01:00:00.000Z',
    );
  });
});

describe('the reorder decision', () => {
  it('counts the lead time in business days of the policy calendar', () => {
    const decision = evaluateReorder({
      mapped: {
        ok: true,
        item: {
          sku: 'A-100',
          name: 'ボールペン',
          unit: '本',
          onHand: 5,
          reorderPoint: 20,
          maxStock: 100,
          packSize: 1,
          minimumOrder: 0,
          onOrder: 0,
          reserved: 0,
          leadTimeDays: 3,
          supplier: { name: 'サンプル文具' },
          recorded: { status: '未発注', orderNumber: '', orderedAt: '', reason: '' },
        },
      } as Parameters<typeof evaluateReorder>[0]['mapped'],
      state: {},
      notification: { id: 'n-1', revision: 2 },
      policy: { closedStatuses: ['入荷済'], timeZone: TOKYO, deliveryCalendar: company },
      now: new Date('2026-12-28T01:00:00Z'),
    });
    expect(decision).toMatchObject({ kind: 'order', desiredDeliveryDate: '2027-01-06' });
  });
});

describe('the holiday list adapter', () => {
  it('names Japanese public holidays, substitute holidays included', () => {
    expect(japanesePublicHolidays.nameOf('2027-01-01')).toBe('元日');
    expect(japanesePublicHolidays.nameOf('2026-05-06')).toContain('振替休日');
    expect(japanesePublicHolidays.nameOf('2026-12-02')).toBeUndefined();
    expect(japanesePublicHolidays.nameOf('constructor')).toBeUndefined();
    expect(HOLIDAY_LIST_LAST_DATE >= '2050-01-01').toBe(true);
  });
});

// Property tests over random calendars: a random set of weekly closed days (never all seven),
// random closed ranges and random "holidays".
const dateArb = fc.integer({ min: 0, max: 3_000 }).map((offset) => addDays('2026-01-01', offset));
const calendarArb: fc.Arbitrary<BusinessCalendar> = fc
  .record({
    weekly: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 5 }),
    ranges: fc.array(
      fc.tuple(dateArb, fc.integer({ min: 0, max: 20 })).map(([from, length]) => ({
        from,
        to: addDays(from, length),
        name: '休業',
      })),
      { maxLength: 4 },
    ),
    holidays: fc.uniqueArray(dateArb, { maxLength: 30 }),
  })
  .map(({ weekly, ranges, holidays }) => {
    const set = new Set(holidays);
    return createBusinessCalendar({
      weeklyClosedDays: weekly,
      closedDates: ranges,
      publicHoliday: (date) => (set.has(date) ? '祝日' : undefined),
    });
  });

function businessDaysIn(calendar: BusinessCalendar, after: string, through: string): number {
  let count = 0;
  for (let day = addDays(after, 1); day <= through; day = addDays(day, 1)) {
    if (calendar.isBusinessDay(day)) count += 1;
  }
  return count;
}

describe('business days, properties', () => {
  it('lands on a business day exactly n business days later, skipping exactly the closed days', () => {
    fc.assert(
      fc.property(calendarArb, dateArb, fc.integer({ min: 1, max: 40 }), (calendar, date, n) => {
        const result = calendar.addBusinessDays(date, n);
        expect(calendar.isBusinessDay(result.date)).toBe(true);
        expect(result.date > date).toBe(true);
        expect(businessDaysIn(calendar, date, result.date)).toBe(n);
        const closed: string[] = [];
        for (let day = addDays(date, 1); day < result.date; day = addDays(day, 1)) {
          if (!calendar.isBusinessDay(day)) closed.push(day);
        }
        expect(result.skipped.map((day) => day.date)).toEqual(closed);
      }),
    );
  });

  it('adds up: (d + a) + b = d + (a + b) for a ≥ 1', () => {
    fc.assert(
      fc.property(
        calendarArb,
        dateArb,
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        (calendar, date, a, b) => {
          const first = calendar.addBusinessDays(date, a).date;
          expect(calendar.addBusinessDays(first, b).date).toBe(
            calendar.addBusinessDays(date, a + b).date,
          );
        },
      ),
    );
  });

  it('is calendar days when every day is open', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 0, max: 400 }), (date, n) => {
        expect(EVERY_DAY_OPEN.addBusinessDays(date, n)).toEqual({
          date: addDays(date, n),
          skipped: [],
        });
      }),
    );
  });

  it('combined: a day is open only when both calendars are', () => {
    fc.assert(
      fc.property(calendarArb, calendarArb, dateArb, (first, second, date) => {
        expect(combineCalendars(first, second).isBusinessDay(date)).toBe(
          first.isBusinessDay(date) && second.isBusinessDay(date),
        );
      }),
    );
  });

  it('business hours: the hours between t and t + h are h', () => {
    const instantArb = fc
      .integer({ min: 0, max: 2 * 365 * 24 * 60 })
      .map((minutes) => new Date(Date.UTC(2026, 0, 1) + minutes * 60_000));
    fc.assert(
      fc.property(
        calendarArb,
        instantArb,
        fc.integer({ min: 0, max: 200 * 4 }).map((quarters) => quarters / 4),
        (calendar, instant, hours) => {
          const later = calendar.addBusinessHours(instant, hours, TOKYO);
          expect(later.getTime()).toBeGreaterThanOrEqual(instant.getTime());
          expect(calendar.businessHoursBetween(instant, later, TOKYO)).toBeCloseTo(hours, 6);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('cut-offs on business days, properties', () => {
  it('is the first cut-off after the line that falls on a business day', () => {
    const instantArb = fc
      .integer({ min: 0, max: 2 * 365 * 24 * 60 })
      .map((minutes) => new Date(Date.UTC(2026, 0, 1) + minutes * 60_000));
    const timesArb = fc.uniqueArray(
      fc
        .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
        .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
      { minLength: 1, maxLength: 4 },
    );
    fc.assert(
      fc.property(calendarArb, instantArb, timesArb, (calendar, at, times) => {
        const due = orderDueAt({ rule: 'cutoff', times }, at, TOKYO, calendar);
        expect(due.getTime()).toBeGreaterThan(at.getTime());
        expect(calendar.isBusinessDay(localDateOf(due))).toBe(true);
        // No cut-off on a business day lies between the line and the due time.
        for (let day = localDateOf(at); day <= localDateOf(due); day = addDays(day, 1)) {
          if (!calendar.isBusinessDay(day)) continue;
          for (const time of times) {
            const cut = zonedInstant(day, time, TOKYO).getTime();
            if (cut > at.getTime()) expect(cut).toBeGreaterThanOrEqual(due.getTime());
          }
        }
      }),
      { numRuns: 80 },
    );
  });
});

function localDateOf(at: Date): string {
  return localDate(at, TOKYO);
}
