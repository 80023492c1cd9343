import fc from 'fast-check';
import { addDays } from '../../../shared/domain/dates';
import { createBusinessCalendar } from '../../../shared/domain/business-calendar';
import {
  estimateLeadTime,
  leadTimeDaysOf,
  leadTimeFor,
  learnLeadTimes,
  planningLeadTime,
  type LeadTimeReceipt,
} from '../../../shared/domain/learning/lead-time';
import { at, REFERENCE_ITEM, simulateItem, TIME_ZONE, weekdays } from './generate';

const FC = { seed: 14, numRuns: 100 } as const;

describe('leadTimeDaysOf', () => {
  const calendar = createBusinessCalendar({
    weeklyClosedDays: [0, 6],
    closedDates: [{ from: '2026-12-29', to: '2027-01-03', name: '年末年始' }],
  });

  it('counts like addBusinessDays: the day sent is day 0', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 800 }),
        fc.integer({ min: 0, max: 30 }),
        (offset, n) => {
          const sent = calendar.businessDayOnOrAfter(addDays('2026-06-01', offset));
          const received = calendar.addBusinessDays(sent, n).date;
          expect(
            leadTimeDaysOf(
              at(sent, '17:00'),
              at(received, '10:00'),
              calendar.isBusinessDay,
              TIME_ZONE,
            ),
          ).toBe(n);
        },
      ),
      FC,
    );
  });

  it('takes the local dates: 01:00 UTC on Friday is Friday in Tokyo, received Tuesday = 2', () => {
    expect(
      leadTimeDaysOf('2026-12-04T01:00:00Z', '2026-12-08T03:00:00Z', weekdays, TIME_ZONE),
    ).toBe(2);
    expect(
      leadTimeDaysOf(
        at('2026-12-28', '17:00'),
        at('2027-01-05', '10:00'),
        calendar.isBusinessDay,
        TIME_ZONE,
      ),
    ).toBe(2);
    expect(() => leadTimeDaysOf('yesterday', '2026-12-08T03:00:00Z', weekdays, TIME_ZONE)).toThrow(
      RangeError,
    );
  });
});

describe('estimateLeadTime', () => {
  it('computes the doc example', () => {
    const estimate = estimateLeadTime([5, 4, 6, 5, 7], 0.3);
    expect(estimate?.receipts).toBe(5);
    expect(estimate?.ewma).toBeCloseTo(5.6441, 10);
    expect(estimate?.lastThree).toBe(6);
    expect(estimate?.mean).toBeCloseTo(5.4, 12);
    expect(estimate?.standardDeviation).toBeCloseTo(Math.sqrt(1.3), 12);
    expect(estimateLeadTime([])).toBeUndefined();
    expect(() => estimateLeadTime([3], 0)).toThrow(RangeError);
  });

  const samples = fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 40 });
  const alpha = fc.double({ min: 0.01, max: 1, noNaN: true });

  it('keeps every mean within the receipts and follows a shift of all of them', () => {
    fc.assert(
      fc.property(samples, alpha, fc.integer({ min: 1, max: 20 }), (days, a, shift) => {
        const estimate = estimateLeadTime(days, a);
        const shifted = estimateLeadTime(
          days.map((d) => d + shift),
          a,
        );
        if (estimate === undefined || shifted === undefined) throw new Error('no estimate');
        const low = Math.min(...days) - 1e-9;
        const high = Math.max(...days) + 1e-9;
        for (const value of [estimate.ewma, estimate.lastThree, estimate.mean]) {
          expect(value).toBeGreaterThanOrEqual(low);
          expect(value).toBeLessThanOrEqual(high);
        }
        expect(shifted.ewma).toBeCloseTo(estimate.ewma + shift, 9);
        expect(shifted.standardDeviation).toBeCloseTo(estimate.standardDeviation, 9);
        expect(estimateLeadTime(days, 1)?.ewma).toBe(days[days.length - 1]);
      }),
      FC,
    );
  });

  it('weights recent receipts: after a supplier slows down, ewma and lastThree lead the mean', () => {
    const estimate = estimateLeadTime([3, 3, 3, 3, 3, 3, 6, 6, 6], 0.3);
    expect(estimate?.lastThree).toBe(6);
    expect(estimate?.ewma).toBeGreaterThan(estimate?.mean as number);
    expect(planningLeadTime(estimate!, 'ewma').days).toBe(estimate?.ewma);
    expect(planningLeadTime(estimate!).days).toBe(estimate?.mean);
  });
});

describe('learnLeadTimes against the true lead times', () => {
  // From 200 seeds of this simulation (~34 receipts): worst error of the mean 15 %, of σ_L 21 %;
  // the test's 20 seeds must all be within 12 % and 25 %.
  it('lead times drawn uniformly from 3–7 business days: L within 12 % of 5, σ_L within 25 % of √2', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const item = simulateItem({ ...REFERENCE_ITEM, seed });
        const learned = learnLeadTimes(item.receipts, {
          isBusinessDayFor: () => weekdays,
          timeZone: TIME_ZONE,
        });
        const estimate = learned.bySupplier.get('S-1');
        expect(estimate?.receipts).toBe(item.trueLeadTimes.length);
        expect(Math.abs((estimate?.mean as number) / 5 - 1)).toBeLessThan(0.12);
        expect(Math.abs((estimate?.standardDeviation as number) / Math.SQRT2 - 1)).toBeLessThan(
          0.25,
        );
      }),
      { ...FC, numRuns: 20 },
    );
  });

  it('learns an item of its own only from enough receipts, else uses its supplier', () => {
    const receipt = (sku: string, sent: string, received: string): LeadTimeReceipt => ({
      supplierCode: 'S-1',
      sku,
      sentAt: at(sent, '17:00'),
      receivedAt: at(received, '10:00'),
    });
    const receipts = [
      // five receipts of 10 business days (two weeks).
      ...['2026-10-05', '2026-10-12', '2026-10-19', '2026-10-26', '2026-11-02'].map((day) =>
        receipt('A-1', day, addDays(day, 14)),
      ),
      // B-1: two receipts of 2 business days.
      receipt('B-1', '2026-11-02', '2026-11-04'),
      receipt('B-1', '2026-11-09', '2026-11-11'),
    ];
    const learned = learnLeadTimes(receipts, {
      isBusinessDayFor: () => weekdays,
      timeZone: TIME_ZONE,
    });
    expect(leadTimeFor(learned, 'S-1', 'A-1')).toMatchObject({
      scope: 'item',
      mean: 10,
      receipts: 5,
    });
    expect(leadTimeFor(learned, 'S-1', 'B-1')).toMatchObject({ scope: 'supplier', receipts: 7 });
    expect(leadTimeFor(learned, 'S-1', 'B-1')?.mean).toBeCloseTo(54 / 7, 12);
    expect(leadTimeFor(learned, 'S-2', 'A-1')).toBeUndefined();
  });
});
