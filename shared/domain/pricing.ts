import type { TaxClass } from './purchase-order';

/**
 * Prices and 消費税 of an order, in whole yen. Pure.
 *
 * - A line's amount (金額) is its unit price times its quantity; a fraction of a yen (a unit
 *   price such as ¥0.5, or a fractional quantity) is rounded by the order's rounding rule.
 * - The tax is computed once per rate and order (not per line), on the sum of that rate's
 *   amounts, and rounded once with the rule: the habit of the qualified-invoice system
 *   (適格請求書), so that the order and the supplier's invoice agree.
 * - Without a unit price on every line there are no totals: a total over some lines only would
 *   read as the order's.
 */

/** How a fraction of a yen is rounded: 切り捨て (the most common), 四捨五入, 切り上げ. */
export type TaxRounding = 'floor' | 'round' | 'ceil';

/** The rates and the rounding rule, as the configuration's `tax` gives them (plain data). */
export interface TaxRules {
  /** Standard rate in percent (10). */
  standardRatePercent: number;
  /** Reduced rate in percent (8, 軽減税率). */
  reducedRatePercent: number;
  rounding: TaxRounding;
}

/** The rules of Japan's 消費税 since October 2019, rounding down. */
export const DEFAULT_TAX_RULES: TaxRules = {
  standardRatePercent: 10,
  reducedRatePercent: 8,
  rounding: 'floor',
};

/**
 * Largest amount (line amount, subtotal or total) the bridge computes: ten trillion yen. Far
 * above any purchase order, and small enough that an amount times a rate in percent is still
 * an exact integer in a double (below `Number.MAX_SAFE_INTEGER`).
 */
export const MAX_YEN = 10_000_000_000_000;

/** One line as prices see it. */
export interface PricedLine {
  quantity: number;
  /** Yen per unit; absent when the item has no price. */
  unitPrice?: number;
  /** `standard` when absent. */
  taxClass?: TaxClass;
}

/** The tax of one rate over the order. */
export interface RateTotal {
  taxClass: TaxClass;
  ratePercent: number;
  /** Sum of the amounts at this rate (税抜), the base of the tax. */
  taxable: number;
  /** `taxable × rate`, rounded once. */
  tax: number;
}

/** An order's money: 小計, 消費税 per rate, 合計 (税込). */
export interface OrderTotals {
  /** Sum of the line amounts (税抜). */
  subtotal: number;
  /** One entry per rate that has lines: standard first, then reduced. */
  byRate: RateTotal[];
  /** Sum of the rates' taxes. */
  tax: number;
  /** `subtotal + tax`. */
  total: number;
  rounding: TaxRounding;
}

/** A number the prices cannot work with: negative, not finite, or past {@link MAX_YEN}. */
export class PriceRangeError extends RangeError {
  override readonly name = 'PriceRangeError';
}

/** True for a unit price the bridge accepts: a finite number from 0 to {@link MAX_YEN}. */
export function isValidUnitPrice(value: number): boolean {
  return Number.isFinite(value) && value >= 0 && value <= MAX_YEN;
}

/**
 * Rounds `value` (non-negative) to whole yen by `rounding`. Floating-point noise is removed
 * first, so `0.1 × 3` is 0.3 and `1.15 × 100` is 115, not 114.99999999999999 floored to 114.
 */
export function roundYen(value: number, rounding: TaxRounding): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new PriceRangeError(`cannot round ${value} to yen`);
  }
  const nearest = Math.round(value);
  // Within a few units in the last place of an integer: that integer (the product's noise).
  if (Math.abs(value - nearest) <= Number.EPSILON * 16 * Math.max(1, value)) return nearest;
  const micros = Math.round(value * 1e6) / 1e6;
  switch (rounding) {
    case 'floor':
      return Math.floor(micros);
    case 'ceil':
      return Math.ceil(micros);
    case 'round':
      return Math.round(micros);
  }
}

function checkYen(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_YEN) {
    throw new PriceRangeError(`${what} ${value} is outside 0 to ${MAX_YEN} yen`);
  }
  return value;
}

/**
 * A line's amount: unit price × quantity in whole yen.
 *
 * @throws PriceRangeError when the unit price or quantity is negative or not finite, or the
 *   amount exceeds {@link MAX_YEN}.
 * @example
 * lineAmount(120, 84); // 10080
 * lineAmount(0.5, 3, 'floor'); // 1
 */
export function lineAmount(
  unitPrice: number,
  quantity: number,
  rounding: TaxRounding = 'floor',
): number {
  if (!isValidUnitPrice(unitPrice))
    throw new PriceRangeError(`unit price ${unitPrice} is not usable`);
  if (!Number.isFinite(quantity) || quantity < 0) {
    throw new PriceRangeError(`quantity ${quantity} is not usable for an amount`);
  }
  const product = unitPrice * quantity;
  if (!(product <= MAX_YEN)) throw new PriceRangeError(`amount ${product} exceeds ${MAX_YEN} yen`);
  return checkYen(roundYen(product, rounding), 'amount');
}

/** The rate in percent of a tax class. */
export function ratePercentOf(taxClass: TaxClass | undefined, rules: TaxRules): number {
  return taxClass === 'reduced' ? rules.reducedRatePercent : rules.standardRatePercent;
}

/**
 * `taxable × ratePercent / 100` rounded once by `rounding`, in integer arithmetic (no
 * floating-point division).
 */
export function taxOf(taxable: number, ratePercent: number, rounding: TaxRounding): number {
  checkYen(taxable, 'taxable amount');
  if (!Number.isSafeInteger(ratePercent) || ratePercent < 0 || ratePercent > 100) {
    throw new PriceRangeError(`tax rate ${ratePercent}% is not a whole percent from 0 to 100`);
  }
  const product = taxable * ratePercent;
  const remainder = product % 100;
  const whole = (product - remainder) / 100;
  switch (rounding) {
    case 'floor':
      return whole;
    case 'ceil':
      return whole + (remainder > 0 ? 1 : 0);
    case 'round':
      return whole + (remainder >= 50 ? 1 : 0);
  }
}

/** True when at least one line has a unit price (the order shows money at all). */
export function hasPrices(lines: readonly PricedLine[]): boolean {
  return lines.some((line) => line.unitPrice !== undefined);
}

/**
 * The order's totals: subtotal, tax per rate (rounded once per rate), total. Undefined when
 * the order has no lines or a line has no unit price.
 *
 * @throws PriceRangeError for an unusable unit price or quantity, or amounts past {@link MAX_YEN}.
 * @example
 * // 軽減税率 mixed: coffee at 8 %, paper cups at 10 %
 * orderTotals(
 *   [
 *     { unitPrice: 1280, quantity: 3, taxClass: 'reduced' },
 *     { unitPrice: 398, quantity: 5 },
 *   ],
 *   DEFAULT_TAX_RULES,
 * );
 * // { subtotal: 5830, byRate: [{ standard 10 %, taxable 1990, tax 199 }, { reduced 8 %, taxable 3840, tax 307 }],
 * //   tax: 506, total: 6336, rounding: 'floor' }
 */
export function orderTotals(
  lines: readonly PricedLine[],
  rules: TaxRules,
): OrderTotals | undefined {
  if (lines.length === 0 || lines.some((line) => line.unitPrice === undefined)) return undefined;
  const taxable: Record<TaxClass, number> = { standard: 0, reduced: 0 };
  const present = new Set<TaxClass>();
  for (const line of lines) {
    const taxClass = line.taxClass ?? 'standard';
    present.add(taxClass);
    taxable[taxClass] = checkYen(
      taxable[taxClass] + lineAmount(line.unitPrice ?? 0, line.quantity, rules.rounding),
      'subtotal',
    );
  }
  const byRate = (['standard', 'reduced'] as const)
    .filter((taxClass) => present.has(taxClass))
    .map((taxClass): RateTotal => {
      const ratePercent = ratePercentOf(taxClass, rules);
      return {
        taxClass,
        ratePercent,
        taxable: taxable[taxClass],
        tax: taxOf(taxable[taxClass], ratePercent, rules.rounding),
      };
    });
  const subtotal = checkYen(taxable.standard + taxable.reduced, 'subtotal');
  const tax = byRate.reduce((sum, rate) => sum + rate.tax, 0);
  return {
    subtotal,
    byRate,
    tax,
    total: checkYen(subtotal + tax, 'total'),
    rounding: rules.rounding,
  };
}
