import type { ItemSnapshot, OpenOrderRef } from './item';

/**
 * Quantities are kept to this many decimals: enough for 0.1 kg-style packs, and it removes
 * binary noise such as 0.1 * 3 = 0.30000000000000004 before a number reaches a supplier.
 */
export const QUANTITY_DECIMALS = 6;

/**
 * Largest magnitude of any quantity the domain accepts or decides. Past it a double no longer
 * holds every integer (pack rounding and sums go wrong) and DynamoDB's marshaller refuses the
 * number, so a decision that carried one would fail on every retry.
 */
export const MAX_SAFE_QUANTITY = Number.MAX_SAFE_INTEGER;

/**
 * Whether a quantity is finite and within {@link MAX_SAFE_QUANTITY}.
 *
 * @example
 * isSafeQuantity(84); // true
 * isSafeQuantity(1e30); // false
 */
export function isSafeQuantity(value: number): boolean {
  return Number.isFinite(value) && Math.abs(value) <= MAX_SAFE_QUANTITY;
}

/** Smallest pack size the rounding can represent (10^-QUANTITY_DECIMALS). */
export const MIN_PACK_SIZE = 10 ** -QUANTITY_DECIMALS;

/**
 * How close a quotient must be to a whole number of packs to count as that number: 0.3 / 0.1
 * is 2.9999999999999996 in binary, which must be 3 packs, not 4.
 */
const PACK_TOLERANCE = 1e-9;

/**
 * Above this magnitude `Math.round(x * 10^6)` would exceed the integers a double holds
 * exactly, and the binary noise is already below the sixth decimal anyway.
 */
const ROUNDING_LIMIT = 1e9;

/**
 * Rounds to {@link QUANTITY_DECIMALS} decimals, leaving huge or non-finite values alone.
 *
 * @example
 * roundQuantity(0.1 + 0.2); // 0.3
 */
export function roundQuantity(value: number): number {
  if (!Number.isFinite(value) || Math.abs(value) >= ROUNDING_LIMIT) return value;
  const factor = 10 ** QUANTITY_DECIMALS;
  // `+ 0` turns -0 into 0 so that it never prints as "-0".
  return Math.round(value * factor) / factor + 0;
}

/** The terms of the inventory position, so that a reason can show how it was reached. */
export interface PositionBreakdown {
  onHand: number;
  /** On order as kintone records it (0 when the app has no such field). */
  onOrder: number;
  /** The bridge's own open orders that kintone's on-order field does not include yet. */
  bridgeOnOrder: number;
  /** Promised to customers (0 when the app has no such field). */
  reserved: number;
  position: number;
}

type PositionInputs = Pick<ItemSnapshot, 'onHand' | 'onOrder' | 'reserved'>;

/**
 * The inventory position with each of its terms: on hand + on order + the bridge's open
 * orders not yet reflected in kintone - reserved.
 *
 * @example
 * positionBreakdown({ onHand: 18, onOrder: 8, reserved: 4 }, []).position; // 22
 */
export function positionBreakdown(
  item: PositionInputs,
  openOrders: readonly OpenOrderRef[],
): PositionBreakdown {
  const onOrder = item.onOrder ?? 0;
  const reserved = item.reserved ?? 0;
  // An order the staff already typed into kintone's on-order field is in `onOrder`; counting
  // it again would hide a real shortage.
  const bridgeOnOrder = openOrders
    .filter((order) => !order.reflectedInKintone)
    .reduce((sum, order) => sum + order.quantity, 0);
  const position = roundQuantity(item.onHand + onOrder + bridgeOnOrder - reserved);
  return { onHand: item.onHand, onOrder, bridgeOnOrder, reserved, position };
}

/**
 * The inventory position that triggers reordering: what is on hand and on its way (including
 * the bridge's own orders kintone does not show yet), minus what is promised.
 *
 * @example
 * inventoryPosition({ onHand: 18, onOrder: 8 }, [
 *   { orderNumber: 'PO-20261128-0001', quantity: 84, reflectedInKintone: false },
 * ]); // 110
 */
export function inventoryPosition(
  item: PositionInputs,
  openOrders: readonly OpenOrderRef[],
): number {
  return positionBreakdown(item, openOrders).position;
}

/** The item fields that decide an order quantity. */
export type QuantityRule = Pick<
  ItemSnapshot,
  'reorderPoint' | 'maxStock' | 'reorderQuantity' | 'packSize' | 'minimumOrder'
>;

/** An order quantity and what shaped it, for the reason shown to staff. */
export interface QuantityPlan {
  quantity: number;
  /**
   * - `order-up-to`: maxStock - position (s, S).
   * - `fixed`: the fixed reorder quantity covered the shortfall (s, Q).
   * - `shortfall`: the fixed quantity was too small, so the shortfall up to the reorder point
   *   was ordered instead.
   */
  basis: 'order-up-to' | 'fixed' | 'shortfall';
  /** The amount wanted before the supplier's minimum and the pack size were applied. */
  needed: number;
  /** True when the supplier's minimum, not the need, set the amount before pack rounding. */
  raisedToMinimum: boolean;
}

/**
 * Plans the order for an item whose position has fallen to its reorder point.
 *
 * Expects an item that passed validation (finite numbers, packSize >= {@link MIN_PACK_SIZE},
 * minimumOrder >= 0, maxStock or a positive reorderQuantity). Without either, the shortfall up
 * to the reorder point is ordered so that the function stays total.
 *
 * @example
 * planOrderQuantity(
 *   { reorderPoint: 20, maxStock: 100, packSize: 12, minimumOrder: 24 },
 *   18,
 * ); // { quantity: 84, basis: 'order-up-to', needed: 82, raisedToMinimum: false }
 */
export function planOrderQuantity(rule: QuantityRule, position: number): QuantityPlan {
  let needed: number;
  let basis: QuantityPlan['basis'];
  if (rule.maxStock !== undefined) {
    needed = roundQuantity(rule.maxStock - position);
    basis = 'order-up-to';
  } else {
    const fixed = rule.reorderQuantity ?? 0;
    const shortfall = roundQuantity(rule.reorderPoint - position);
    basis = shortfall > fixed ? 'shortfall' : 'fixed';
    needed = Math.max(fixed, shortfall);
  }
  const raisedToMinimum = rule.minimumOrder > needed;
  // The pack size is the smallest positive amount that can be ordered; flooring at it is what
  // guarantees the result is never 0, whatever rounding happens below.
  const wanted = Math.max(needed, rule.minimumOrder, rule.packSize);
  // Always round UP: rounding down is how other systems end up ordering 0 or too little.
  const packs = Math.ceil(wanted / rule.packSize - PACK_TOLERANCE);
  const quantity = roundQuantity(packs * rule.packSize);
  return { quantity, basis, needed, raisedToMinimum };
}

/**
 * The quantity to order: order-up-to `maxStock` when set, otherwise the fixed
 * `reorderQuantity` raised to cover the shortfall up to the reorder point; then at least the
 * supplier's minimum, rounded up to whole packs. Always > 0, a multiple of `packSize` and
 * >= `minimumOrder` for a validated item (see {@link planOrderQuantity}).
 *
 * @example
 * computeOrderQuantity({ reorderPoint: 20, maxStock: 100, packSize: 12, minimumOrder: 24 }, 18); // 84
 * computeOrderQuantity({ reorderPoint: 10, reorderQuantity: 20, packSize: 1, minimumOrder: 0 }, -30); // 40
 */
export function computeOrderQuantity(rule: QuantityRule, position: number): number {
  return planOrderQuantity(rule, position).quantity;
}
