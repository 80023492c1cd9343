import fc from 'fast-check';
import { zonedInstant } from '../../../shared/domain/dates';
import { orderDueAt } from '../../../shared/domain/gathering';

const TOKYO = 'Asia/Tokyo';

describe('orderDueAt', () => {
  it('sends an immediate order when its first line falls due', () => {
    const at = new Date('2026-12-02T02:30:00.000Z');
    expect(orderDueAt({ rule: 'immediate' }, at, TOKYO)).toEqual(at);
  });

  it('sends a window order the given minutes after its first line', () => {
    const at = new Date('2026-12-02T02:30:00.000Z');
    expect(orderDueAt({ rule: 'window', minutes: 30 }, at, TOKYO).toISOString()).toBe(
      '2026-12-02T03:00:00.000Z',
    );
  });

  it.each([
    // 11:30 in Tokyo: the 15:00 cut-off of the same day.
    ['2026-12-02T02:30:00.000Z', '2026-12-02T06:00:00.000Z'],
    // 09:59 in Tokyo: 10:00.
    ['2026-12-02T00:59:00.000Z', '2026-12-02T01:00:00.000Z'],
    // Exactly 10:00: the next one, 15:00 (a line that falls due at a cut-off misses it).
    ['2026-12-02T01:00:00.000Z', '2026-12-02T06:00:00.000Z'],
    // 16:00 in Tokyo: 10:00 the next day.
    ['2026-12-02T07:00:00.000Z', '2026-12-03T01:00:00.000Z'],
    // 23:30 in Tokyo on 31 December: 10:00 on 1 January.
    ['2026-12-31T14:30:00.000Z', '2027-01-01T01:00:00.000Z'],
  ])('sends a line that fell due at %s at the next cut-off, %s', (at, due) => {
    const policy = { rule: 'cutoff' as const, times: ['15:00', '10:00'] };
    expect(orderDueAt(policy, new Date(at), TOKYO).toISOString()).toBe(due);
  });

  it('reads cut-off times on the wall clock of a zone with daylight saving', () => {
    // 2026-03-08 is the first day of daylight saving time in New York (UTC-4 from 02:00).
    expect(zonedInstant('2026-03-07', '10:00', 'America/New_York').toISOString()).toBe(
      '2026-03-07T15:00:00.000Z',
    );
    expect(zonedInstant('2026-03-09', '10:00', 'America/New_York').toISOString()).toBe(
      '2026-03-09T14:00:00.000Z',
    );
  });

  it('always gives a cut-off after the line and at most a day later', () => {
    const times = fc.uniqueArray(
      fc
        .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
        .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
      { minLength: 1, maxLength: 6 },
    );
    const instant = fc.date({
      min: new Date('2026-01-01T00:00:00Z'),
      max: new Date('2030-01-01T00:00:00Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(times, instant, (cutoffs, at) => {
        const due = orderDueAt({ rule: 'cutoff', times: cutoffs }, at, TOKYO);
        expect(due.getTime()).toBeGreaterThan(at.getTime());
        expect(due.getTime() - at.getTime()).toBeLessThanOrEqual(86_400_000);
        const wall = new Intl.DateTimeFormat('en-GB', {
          timeZone: TOKYO,
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        }).format(due);
        expect(cutoffs).toContain(wall);
      }),
    );
  });
});
