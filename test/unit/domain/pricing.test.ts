import fc from 'fast-check';
import {
  DEFAULT_TAX_RULES,
  hasPrices,
  lineAmount,
  MAX_YEN,
  orderTotals,
  PriceRangeError,
  roundYen,
  taxOf,
  type PricedLine,
  type TaxRounding,
  type TaxRules,
} from '../../../shared/domain/pricing';

const ROUNDINGS: readonly TaxRounding[] = ['floor', 'round', 'ceil'];

describe('line amounts', () => {
  it('is unit price times quantity in whole yen', () => {
    expect(lineAmount(120, 84)).toBe(10_080);
    expect(lineAmount(0, 5)).toBe(0);
  });

  it('rounds a fraction of a yen by the rule, without floating-point noise', () => {
    expect(lineAmount(0.5, 3, 'floor')).toBe(1);
    expect(lineAmount(0.5, 3, 'round')).toBe(2);
    expect(lineAmount(0.5, 3, 'ceil')).toBe(2);
    // 1.15 * 100 is 114.99999999999999 in doubles; the amount is 115.
    expect(lineAmount(1.15, 100, 'floor')).toBe(115);
    expect(lineAmount(0.1, 3, 'ceil')).toBe(1);
    expect(roundYen(0.30000000000000004, 'ceil')).toBe(1);
    expect(roundYen(2.0000000000000004, 'ceil')).toBe(2);
  });

  it.each([
    [-1, 1],
    [Number.NaN, 1],
    [Number.POSITIVE_INFINITY, 1],
    [MAX_YEN + 1, 1],
    [120, -1],
    [120, Number.NaN],
    [MAX_YEN, 2],
  ])('refuses unit price %p × quantity %p', (unitPrice, quantity) => {
    expect(() => lineAmount(unitPrice, quantity)).toThrow(PriceRangeError);
  });
});

describe('tax of one rate', () => {
  it('rounds once, in integer arithmetic', () => {
    expect(taxOf(1990, 10, 'floor')).toBe(199);
    expect(taxOf(3845, 8, 'floor')).toBe(307); // 307.6
    expect(taxOf(3845, 8, 'round')).toBe(308);
    expect(taxOf(3840, 8, 'ceil')).toBe(308); // 307.2
    expect(taxOf(3825, 8, 'round')).toBe(306); // exactly 306.0
    expect(taxOf(3850, 8, 'ceil')).toBe(308); // exactly 308
    expect(taxOf(MAX_YEN, 10, 'floor')).toBe(MAX_YEN / 10);
  });

  it('refuses rates that are not whole percent', () => {
    expect(() => taxOf(100, 8.5, 'floor')).toThrow(PriceRangeError);
    expect(() => taxOf(100, 101, 'floor')).toThrow(PriceRangeError);
  });
});

describe('order totals', () => {
  it('computes a 軽減税率 mixed order, each rate rounded once', () => {
    const totals = orderTotals(
      [
        { unitPrice: 1280, quantity: 3, taxClass: 'reduced' }, // coffee beans 3840
        { unitPrice: 398, quantity: 5 }, // paper cups 1990
        { unitPrice: 0.5, quantity: 11, taxClass: 'reduced' }, // 5.5 -> 5
      ],
      DEFAULT_TAX_RULES,
    );
    expect(totals).toEqual({
      subtotal: 5835,
      byRate: [
        { taxClass: 'standard', ratePercent: 10, taxable: 1990, tax: 199 },
        { taxClass: 'reduced', ratePercent: 8, taxable: 3845, tax: 307 },
      ],
      tax: 506,
      total: 6341,
      rounding: 'floor',
    });
  });

  it('rounds per rate, not per line (the per-line sum would differ)', () => {
    // Three lines of ¥105 at 8 %: per line 8.4 -> 8 each (24); once per rate 315 * 8 % = 25.2 -> 25.
    const lines: PricedLine[] = [1, 2, 3].map(() => ({
      unitPrice: 105,
      quantity: 1,
      taxClass: 'reduced',
    }));
    expect(orderTotals(lines, DEFAULT_TAX_RULES)?.tax).toBe(25);
  });

  it('uses the configured rates and rounding', () => {
    const rules: TaxRules = { standardRatePercent: 10, reducedRatePercent: 8, rounding: 'ceil' };
    expect(orderTotals([{ unitPrice: 99, quantity: 1 }], rules)).toMatchObject({
      subtotal: 99,
      tax: 10,
      total: 109,
      rounding: 'ceil',
    });
  });

  it('has no totals without a price on every line, and none for no lines', () => {
    expect(orderTotals([{ quantity: 3 }], DEFAULT_TAX_RULES)).toBeUndefined();
    expect(
      orderTotals([{ unitPrice: 120, quantity: 3 }, { quantity: 1 }], DEFAULT_TAX_RULES),
    ).toBeUndefined();
    expect(orderTotals([], DEFAULT_TAX_RULES)).toBeUndefined();
    expect(hasPrices([{ quantity: 1 }])).toBe(false);
    expect(hasPrices([{ quantity: 1 }, { quantity: 1, unitPrice: 0 }])).toBe(true);
  });

  it('refuses an order whose total passes MAX_YEN', () => {
    expect(() =>
      orderTotals(
        [
          { unitPrice: MAX_YEN, quantity: 1 },
          { unitPrice: 1, quantity: 1 },
        ],
        DEFAULT_TAX_RULES,
      ),
    ).toThrow(PriceRangeError);
  });
});

describe('order totals (properties)', () => {
  const rules = fc.record({
    standardRatePercent: fc.integer({ min: 0, max: 100 }),
    reducedRatePercent: fc.integer({ min: 0, max: 100 }),
    rounding: fc.constantFrom(...ROUNDINGS),
  });
  const line = fc.record({
    unitPrice: fc.oneof(
      fc.integer({ min: 0, max: 1_000_000 }),
      fc.integer({ min: 0, max: 100_000 }).map((cents) => cents / 100),
    ),
    quantity: fc.oneof(
      fc.integer({ min: 0, max: 100_000 }),
      fc.integer({ min: 0, max: 10_000 }).map((tenths) => tenths / 10),
    ),
    taxClass: fc.constantFrom('standard' as const, 'reduced' as const, undefined),
  });
  const lines = fc.array(line, { minLength: 1, maxLength: 40 });

  it('adds up: integer yen, subtotal = Σ amounts = Σ taxable, total = subtotal + Σ tax', () => {
    fc.assert(
      fc.property(lines, rules, (ls, r) => {
        const totals = orderTotals(ls, r);
        expect(totals).toBeDefined();
        if (totals === undefined) return;
        const amounts = ls.map((l) => lineAmount(l.unitPrice, l.quantity, r.rounding));
        const sum = amounts.reduce((a, b) => a + b, 0);
        expect(totals.subtotal).toBe(sum);
        expect(totals.byRate.reduce((a, rate) => a + rate.taxable, 0)).toBe(sum);
        expect(totals.tax).toBe(totals.byRate.reduce((a, rate) => a + rate.tax, 0));
        expect(totals.total).toBe(totals.subtotal + totals.tax);
        for (const value of [totals.subtotal, totals.tax, totals.total, ...amounts]) {
          expect(Number.isSafeInteger(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });

  it('rounds each rate once: within one yen of the exact tax, in the rule direction', () => {
    fc.assert(
      fc.property(lines, rules, (ls, r) => {
        const totals = orderTotals(ls, r);
        for (const rate of totals?.byRate ?? []) {
          const exact = (rate.taxable * rate.ratePercent) / 100;
          expect(Math.abs(rate.tax - exact)).toBeLessThan(1);
          if (r.rounding === 'floor') expect(rate.tax).toBeLessThanOrEqual(exact + 1e-9);
          if (r.rounding === 'ceil') expect(rate.tax).toBeGreaterThanOrEqual(exact - 1e-9);
        }
      }),
    );
  });

  it('does not depend on the order of the lines', () => {
    fc.assert(
      fc.property(lines, rules, (ls, r) => {
        expect(orderTotals([...ls].reverse(), r)).toEqual(orderTotals(ls, r));
      }),
    );
  });

  it('floor never exceeds round, which never exceeds ceil', () => {
    fc.assert(
      fc.property(lines, (ls) => {
        const tax = (rounding: TaxRounding) =>
          orderTotals(ls, { ...DEFAULT_TAX_RULES, rounding })?.tax ?? 0;
        expect(tax('floor')).toBeLessThanOrEqual(tax('round'));
        expect(tax('round')).toBeLessThanOrEqual(tax('ceil'));
      }),
    );
  });

  it('throws only PriceRangeError for any double as price or quantity', () => {
    fc.assert(
      fc.property(fc.double(), fc.double(), (unitPrice, quantity) => {
        try {
          const amount = lineAmount(unitPrice, quantity);
          expect(Number.isSafeInteger(amount)).toBe(true);
          expect(amount).toBeLessThanOrEqual(MAX_YEN);
        } catch (error) {
          expect(error).toBeInstanceOf(PriceRangeError);
        }
      }),
    );
  });
});
