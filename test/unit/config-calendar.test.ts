import { calendarFromConfig } from '../../shared/adapters/calendar/calendar-from-config';
import { parseConfig } from '../../shared/config/load-config';
import { appMayGather, gatheringFor } from '../../shared/config/gathering';
import { demoConfigJson } from '../support/dispatch-harness';

/** The configuration's `calendar` and `suppliers` keys, validated and turned into calendars. */

function parsed(change: (raw: ReturnType<typeof demoConfigJson>) => void) {
  const raw = demoConfigJson();
  change(raw);
  return parseConfig(raw);
}

describe('calendar configuration', () => {
  it('closes Saturdays, Sundays and public holidays, 09:00-18:00, without a calendar key', () => {
    // Act
    const config = parsed((raw) => {
      delete raw['calendar'];
    });

    // Assess
    expect(config.calendar).toEqual({
      weeklyClosedDays: [0, 6],
      closedDates: [],
      businessHours: { start: '09:00', end: '18:00' },
    });
    expect(config.suppliers).toEqual({});
    const { company } = calendarFromConfig(config);
    expect(company.isBusinessDay('2026-12-05')).toBe(false); // Saturday
    expect(company.isBusinessDay('2026-11-23')).toBe(false); // 勤労感謝の日
    expect(company.isBusinessDay('2026-12-29')).toBe(true); // no 年末年始 configured
  });

  it.each([
    ['every weekday closed', { weeklyClosedDays: [0, 1, 2, 3, 4, 5, 6] }],
    ['a weekday out of range', { weeklyClosedDays: [7] }],
    ['a weekday twice', { weeklyClosedDays: [0, 0] }],
    [
      'a range that ends before it starts',
      { closedDates: [{ from: '2027-01-03', to: '2026-12-29', name: '年末年始' }] },
    ],
    [
      'a date that is not one',
      { closedDates: [{ from: '2026-02-30', to: '2026-03-01', name: 'x' }] },
    ],
    [
      'a range over a year',
      { closedDates: [{ from: '2026-12-29', to: '2028-01-03', name: '年末年始' }] },
    ],
    [
      'a range without a name',
      { closedDates: [{ from: '2026-12-29', to: '2027-01-03', name: '' }] },
    ],
    [
      'business hours ending before they start',
      { businessHours: { start: '18:00', end: '09:00' } },
    ],
  ])('refuses %s', (_what, calendar) => {
    expect(() =>
      parsed((raw) => {
        raw['calendar'] = calendar;
      }),
    ).toThrow(/calendar/);
  });

  it("gives a supplier its own closed days on top of the company's", () => {
    // Act
    const config = parsed((raw) => {
      raw['suppliers'] = {
        'S-001': { closedDates: [{ from: '2027-08-10', to: '2027-08-18', name: '夏季休業' }] },
      };
    });

    // Assess
    const calendars = calendarFromConfig(config);
    expect(calendars.deliveryFor('S-001').closure('2027-08-10')).toEqual({
      name: '夏季休業',
      kind: 'closed',
    });
    expect(calendars.company.isBusinessDay('2027-08-10')).toBe(true);
    // The demo's お盆 (company) still closes the supplier's delivery days.
    expect(calendars.deliveryFor('S-002').isBusinessDay('2027-08-12')).toBe(false);
  });
});

describe('a supplier gathering rule (suppliers.<code>.gathering)', () => {
  it('wins over the app rule for that supplier only', () => {
    // Prepare
    const config = parsed((raw) => {
      raw['suppliers'] = { 'S-002': { gathering: { rule: 'cutoff', times: ['10:00', '15:00'] } } };
    });
    const [app] = config.apps;
    if (app === undefined) throw new Error('no app');

    // Act
    const rules = ['S-002', 'S-001', 'constructor', undefined].map((code) =>
      gatheringFor(config, app, code),
    );

    // Assess
    expect(rules).toEqual([
      { rule: 'cutoff', times: ['10:00', '15:00'] },
      app.gathering,
      app.gathering,
      app.gathering,
    ]);
    expect(appMayGather(config, app)).toBe(true);
    expect(appMayGather({ suppliers: {} }, app)).toBe(app.gathering.rule !== 'immediate');
  });

  it.each([
    ['an unknown rule', { rule: 'weekly' }],
    ['a cut-off time that is not one', { rule: 'cutoff', times: ['25:00'] }],
    ['a window of no minutes', { rule: 'window', minutes: 0 }],
  ])('refuses %s, naming the supplier', (_what, gathering) => {
    expect(() =>
      parsed((raw) => {
        raw['suppliers'] = { 'S-002': { gathering } };
      }),
    ).toThrow(/suppliers\.S-002\.gathering/);
  });
});
