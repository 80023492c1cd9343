import fc from 'fast-check';
import { addDays } from '../../../shared/domain/dates';
import { supplierScorecards, type ScorecardOrder } from '../../../shared/domain/learning/scorecard';
import { at, businessDaysFrom, pick, seeded, TIME_ZONE, weekdays } from './generate';

const FC = { seed: 14, numRuns: 20 } as const;
const options = { asOf: '2027-06-30', timeZone: TIME_ZONE, isBusinessDayFor: () => weekdays };

/**
 * 120 orders of S-1 with known truth: each arrives on time in full with chance 0.8 (else a day
 * late or short by one), is answered after 1–11 hours (uniform: median 6) and takes 3–7 business
 * days (uniform: mean 5, σ √2).
 */
function generatedOrders(seed: number): ScorecardOrder[] {
  const random = seeded(seed);
  const days = businessDaysFrom('2026-06-01', 260);
  return Array.from({ length: 120 }, (_, i) => {
    const sent = days[i * 2] as string;
    const leadTime = pick(random, [3, 4, 5, 6, 7]);
    const received = days[i * 2 + leadTime] as string;
    const good = random() < 0.8;
    const late = !good && random() < 0.5;
    const ordered = 12;
    return {
      supplierCode: 'S-1',
      sentAt: at(sent, '10:00'),
      // Late: the desired date was the day before the goods came.
      desiredDate: late ? addDays(received, -1) : received,
      answeredAt: new Date(
        Date.parse(at(sent, '10:00')) + (1 + random() * 10) * 3_600_000,
      ).toISOString(),
      lines: [
        {
          ordered,
          receipts: [{ at: at(received, '14:00'), quantity: good || late ? ordered : ordered - 1 }],
        },
      ],
    };
  });
}

describe('supplierScorecards against known rates', () => {
  // 120 orders: the OTIF rate's standard error is √(0.8 × 0.2 / 120) ≈ 0.037; 0.12 is over 3 of them.
  it('OTIF within 0.12 of 0.8, median answer within 1.5 h of 6 h, lead time within 12 % of 5', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const [card] = supplierScorecards(generatedOrders(seed), options);
        expect(card?.orders).toBe(120);
        expect(card?.judged).toBe(120);
        expect(Math.abs((card?.otifRate as number) - 0.8)).toBeLessThan(0.12);
        expect(Math.abs((card?.medianAnswerHours as number) - 6)).toBeLessThan(1.5);
        expect(Math.abs((card?.leadTime?.mean as number) / 5 - 1)).toBeLessThan(0.12);
        expect(
          Math.abs((card?.leadTime?.standardDeviation as number) / Math.SQRT2 - 1),
        ).toBeLessThan(0.25);
      }),
      FC,
    );
  });

  it('judges an order once complete or past due, in full only by the end of the desired date', () => {
    const line = (ordered: number, ...receipts: [string, number][]) => ({
      ordered,
      receipts: receipts.map(([date, quantity]) => ({ at: at(date, '15:00'), quantity })),
    });
    const order = (desiredDate: string, ...lines: ReturnType<typeof line>[]): ScorecardOrder => ({
      supplierCode: 'S-2',
      sentAt: at('2026-12-01', '09:00'),
      desiredDate,
      lines,
    });
    const [card] = supplierScorecards(
      [
        order('2026-12-04', line(10, ['2026-12-03', 6], ['2026-12-04', 4])), // OTIF in two parts
        order('2026-12-04', line(10, ['2026-12-03', 10]), line(5, ['2026-12-07', 5])), // one line late
        order('2026-12-04', line(10, ['2026-12-03', 9])), // short, past due: a miss
        order('2026-12-10', line(10)), // not due yet: not judged
      ],
      { ...options, asOf: '2026-12-08' },
    );
    expect(card).toMatchObject({ orders: 4, judged: 3, onTimeInFull: 1, answered: 0 });
    expect(card?.medianAnswerHours).toBeUndefined();
    expect(card?.leadTime?.receipts).toBe(4);
    expect(supplierScorecards([], options)).toEqual([]);
  });
});
