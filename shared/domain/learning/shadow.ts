import { medianOf } from './statistics';

/**
 * Shadow mode's report: what the bridge would have ordered (recorded, never sent) against what
 * staff actually ordered, per item. Each would-be order is paired with the nearest actual order
 * of the same item within `matchWithinHours`, each actual order used once; what is left over
 * on either side is an order only one of them placed.
 */

/** An order of one item: a would-be order of shadow mode, or one staff placed. */
export interface ShadowOrderRecord {
  sku: string;
  /** ISO instant. */
  at: string;
  quantity: number;
}

/** The comparison for one item. */
export interface ShadowComparison {
  sku: string;
  shadow: { count: number; quantity: number };
  actual: { count: number; quantity: number };
  /** Pairs of a would-be order and an actual one. */
  matched: number;
  /** Would-be orders without an actual order near them, and the reverse. */
  onlyShadow: number;
  onlyActual: number;
  /**
   * Median of (actual − would-be) over the pairs, in hours: positive when staff ordered later
   * than the bridge would have. Undefined without pairs.
   */
  medianTimingHours: number | undefined;
  /** Median of (actual − would-be) quantity over the pairs; undefined without pairs. */
  medianQuantityDifference: number | undefined;
}

/** Two weeks: farther apart, the two orders answer different shortages. */
export const DEFAULT_MATCH_WITHIN_HOURS = 14 * 24;

const HOUR_MS = 3_600_000;

/**
 * Per item (SKU order), the would-be orders against the actual ones.
 *
 * @example
 * compareShadow(
 *   [{ sku: 'A-100', at: '2026-12-01T01:00:00Z', quantity: 84 }],
 *   [{ sku: 'A-100', at: '2026-12-02T05:00:00Z', quantity: 96 }],
 * );
 * // [{ sku: 'A-100', matched: 1, medianTimingHours: 28, medianQuantityDifference: 12, … }]
 */
export function compareShadow(
  shadow: readonly ShadowOrderRecord[],
  actual: readonly ShadowOrderRecord[],
  options: { matchWithinHours?: number } = {},
): ShadowComparison[] {
  const within = (options.matchWithinHours ?? DEFAULT_MATCH_WITHIN_HOURS) * HOUR_MS;
  const skus = [...new Set([...shadow, ...actual].map((order) => order.sku))].sort();
  const timeOf = (order: ShadowOrderRecord): number => Date.parse(order.at);
  return skus.map((sku) => {
    const own = shadow.filter((o) => o.sku === sku).sort((a, b) => timeOf(a) - timeOf(b));
    const real = actual.filter((o) => o.sku === sku).sort((a, b) => timeOf(a) - timeOf(b));
    const used = new Set<number>();
    const timing: number[] = [];
    const quantity: number[] = [];
    for (const order of own) {
      let best: number | undefined;
      real.forEach((candidate, index) => {
        if (used.has(index)) return;
        const gap = Math.abs(timeOf(candidate) - timeOf(order));
        if (gap > within) return;
        if (
          best === undefined ||
          gap < Math.abs(timeOf(real[best] as ShadowOrderRecord) - timeOf(order))
        ) {
          best = index;
        }
      });
      if (best === undefined) continue;
      used.add(best);
      const match = real[best] as ShadowOrderRecord;
      timing.push((timeOf(match) - timeOf(order)) / HOUR_MS);
      quantity.push(match.quantity - order.quantity);
    }
    const sum = (orders: ShadowOrderRecord[]): number =>
      orders.reduce((total, order) => total + order.quantity, 0);
    return {
      sku,
      shadow: { count: own.length, quantity: sum(own) },
      actual: { count: real.length, quantity: sum(real) },
      matched: timing.length,
      onlyShadow: own.length - timing.length,
      onlyActual: real.length - timing.length,
      medianTimingHours: medianOf(timing),
      medianQuantityDifference: medianOf(quantity),
    };
  });
}
