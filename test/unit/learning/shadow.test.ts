import fc from 'fast-check';
import { compareShadow, type ShadowOrderRecord } from '../../../shared/domain/learning/shadow';

const FC = { seed: 14, numRuns: 100 } as const;
const HOUR = 3_600_000;
const BASE = Date.parse('2026-12-01T00:00:00Z');
const order = (sku: string, hours: number, quantity: number): ShadowOrderRecord => ({
  sku,
  at: new Date(BASE + hours * HOUR).toISOString(),
  quantity,
});

describe('compareShadow', () => {
  it('computes the doc example', () => {
    expect(
      compareShadow(
        [{ sku: 'A-100', at: '2026-12-01T01:00:00Z', quantity: 84 }],
        [{ sku: 'A-100', at: '2026-12-02T05:00:00Z', quantity: 96 }],
      ),
    ).toEqual([
      {
        sku: 'A-100',
        shadow: { count: 1, quantity: 84 },
        actual: { count: 1, quantity: 96 },
        matched: 1,
        onlyShadow: 0,
        onlyActual: 0,
        medianTimingHours: 28,
        medianQuantityDifference: 12,
      },
    ]);
  });

  it('pairs nearest orders within the window and leaves the rest on their side', () => {
    const [a, b] = compareShadow(
      [order('A', 0, 10), order('A', 240, 10), order('A', 1000, 10), order('B', 0, 5)],
      [order('A', 250, 12), order('A', 20, 8)],
      { matchWithinHours: 48 },
    );
    expect(a).toMatchObject({
      matched: 2,
      onlyShadow: 1,
      onlyActual: 0,
      medianTimingHours: 15,
      medianQuantityDifference: 0,
    });
    expect(b).toMatchObject({
      matched: 0,
      onlyShadow: 1,
      onlyActual: 0,
      medianTimingHours: undefined,
    });
  });

  it('recovers a known lag: staff ordering d hours later than the bridge shows d', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: -48, max: 48 }),
        fc.integer({ min: -5, max: 5 }),
        (quantities, lag, extra) => {
          // Orders a week apart, staff lagging by `lag` hours and ordering `extra` more.
          const shadow = quantities.map((q, i) => order('X', i * 168, q));
          const actual = quantities.map((q, i) => order('X', i * 168 + lag, q + extra));
          const [result] = compareShadow(shadow, actual);
          expect(result).toMatchObject({
            matched: quantities.length,
            onlyShadow: 0,
            onlyActual: 0,
            medianTimingHours: lag,
            medianQuantityDifference: extra,
          });
          const swapped = compareShadow(actual, shadow)[0];
          expect(swapped?.medianTimingHours).toBe(0 - lag === 0 ? 0 : -lag);
          expect(result?.matched).toBe(swapped?.matched);
        },
      ),
      FC,
    );
  });
});
