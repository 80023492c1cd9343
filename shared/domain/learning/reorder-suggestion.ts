import type { DemandEstimate } from './demand';
import { zOfServiceLevel } from './statistics';

/**
 * Suggested reorder point and order-up-to level for one item: proposed to staff, never imposed.
 *
 * - ROP = d × L + SS, SS = z × √(L × σ_d² + d² × σ_L²): the demand during the lead time plus
 *   cover for both demand and lead time varying, at a cycle service level (95 % by default).
 *   d and σ_d per business day, L and σ_L in business days.
 * - Order-up-to S = ROP + d × orderCycleDays: an (s, S) policy whose order lasts one order
 *   cycle beyond the reorder point. Not EOQ: that needs ordering and holding costs the bridge
 *   does not have, and staff reason in "about two weeks of stock" rather than in costs.
 * - Results are whole units rounded up: a fraction of a unit of safety is still a unit to keep.
 */

/** The service level a suggestion aims for unless configured. */
export const DEFAULT_SERVICE_LEVEL = 0.95;
/** Business days an order is meant to last beyond the reorder point (two working weeks). */
export const DEFAULT_ORDER_CYCLE_DAYS = 10;
/** Business days of demand history below which nothing is suggested (about a month). */
export const DEFAULT_MIN_HISTORY_DAYS = 20;
/** Demand days an intermittent item needs: SBA from one or two demands is a guess. */
export const DEFAULT_MIN_DEMAND_DAYS = 4;

/** The lead time a suggestion plans with (a learned `LeadTimeEstimate`'s ewma, or configured). */
export interface PlanningLeadTime {
  /** L, business days. */
  days: number;
  /** σ_L, business days (0 for a configured lead time nobody measured). */
  standardDeviation: number;
}

/** What {@link suggestReorder} works from. */
export interface SuggestionInput {
  demand: DemandEstimate;
  leadTime: PlanningLeadTime;
  /** Cycle service level in [0.5, 0.9999]; defaults to {@link DEFAULT_SERVICE_LEVEL}. */
  serviceLevel?: number;
  /** Defaults to {@link DEFAULT_ORDER_CYCLE_DAYS}. */
  orderCycleDays?: number;
  /** Defaults to {@link DEFAULT_MIN_HISTORY_DAYS}. */
  minHistoryDays?: number;
  /** Defaults to {@link DEFAULT_MIN_DEMAND_DAYS}. */
  minDemandDays?: number;
}

/** The numbers of a suggestion as staff see them (whole units), and before rounding. */
export interface ReorderSuggestion {
  kind: 'suggestion';
  /** 推奨発注点. */
  reorderPoint: number;
  /** 推奨最大在庫. */
  orderUpTo: number;
  safetyStock: number;
  /** 推定リードタイム (business days, as planned with). */
  leadTimeDays: number;
  serviceLevel: number;
  z: number;
  /** The same before rounding up: for comparisons and scale checks. */
  exact: { reorderPoint: number; orderUpTo: number; safetyStock: number };
  /** One line for staff: 「平均出荷 3.2/日 × リードタイム 5.0日 + 安全在庫 7 (サービス率95%) …」. */
  reason: string;
}

/** Why nothing is suggested, with a line for staff. */
export interface NoSuggestion {
  kind: 'no-suggestion';
  code: 'short-history' | 'few-demand-days' | 'no-demand';
  reason: string;
}

/** Rounding up tolerates float noise: 50.000000000001 is 50, not 51. */
const ROUNDING_SLACK = 1e-9;

function roundUp(value: number): number {
  return Math.max(0, Math.ceil(value - ROUNDING_SLACK));
}

/** d as the reason shows it: one decimal, two below 1 so that 0.06/日 is not 「0.1/日」. */
function rate(value: number): string {
  return value < 1 ? value.toFixed(2) : value.toFixed(1);
}

function percent(serviceLevel: number): string {
  return `${Number((serviceLevel * 100).toFixed(2))}%`;
}

function requireNonNegative(value: number, what: string): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${what} ${value} is not ≥ 0`);
}

/**
 * A suggested reorder point and order-up-to level, or why there is none yet.
 *
 * Nothing is suggested from fewer than `minHistoryDays` business days (three days of data say
 * nothing about a month), from an intermittent item with fewer than `minDemandDays` demand days,
 * or for an item without any demand in its window (a suggested 0 would read as "stop stocking
 * it", which is staff's call, not the bridge's).
 *
 * @throws RangeError when the service level is outside [0.5, 0.9999] or the lead time or order
 * cycle is negative: configuration the edge validates.
 * @example
 * suggestReorder({ demand, leadTime: { days: 5, standardDeviation: 1 } });
 * // { kind: 'suggestion', reorderPoint: 24, orderUpTo: 56, safetyStock: 8, reason:
 * //   '平均出荷 3.2/日 × リードタイム 5.0日 + 安全在庫 8 (サービス率95%) = 発注点 24、最大在庫 56 (発注点 + 10営業日分)' }
 */
export function suggestReorder(input: SuggestionInput): ReorderSuggestion | NoSuggestion {
  const serviceLevel = input.serviceLevel ?? DEFAULT_SERVICE_LEVEL;
  const z = zOfServiceLevel(serviceLevel);
  const orderCycleDays = input.orderCycleDays ?? DEFAULT_ORDER_CYCLE_DAYS;
  const minHistoryDays = input.minHistoryDays ?? DEFAULT_MIN_HISTORY_DAYS;
  const minDemandDays = input.minDemandDays ?? DEFAULT_MIN_DEMAND_DAYS;
  const { demand, leadTime } = input;
  requireNonNegative(leadTime.days, 'lead time');
  requireNonNegative(leadTime.standardDeviation, 'lead-time deviation');
  requireNonNegative(orderCycleDays, 'order cycle');

  if (demand.days < minHistoryDays) {
    return {
      kind: 'no-suggestion',
      code: 'short-history',
      reason: `在庫の記録が${demand.days}営業日分しかないため推奨値を出しません (${minHistoryDays}営業日分から)`,
    };
  }
  if (demand.demandDays === 0) {
    return {
      kind: 'no-suggestion',
      code: 'no-demand',
      reason: `直近${demand.days}営業日に出荷がないため推奨値を出しません`,
    };
  }
  if (demand.method === 'sba' && demand.demandDays < minDemandDays) {
    return {
      kind: 'no-suggestion',
      code: 'few-demand-days',
      reason: `直近${demand.days}営業日で出荷が${demand.demandDays}日しかないため推奨値を出しません (${minDemandDays}日から)`,
    };
  }

  const d = demand.mean;
  const sigmaD = demand.standardDeviation;
  const L = leadTime.days;
  const sigmaL = leadTime.standardDeviation;
  const safetyStock = z * Math.sqrt(L * sigmaD ** 2 + d ** 2 * sigmaL ** 2);
  const reorderPoint = d * L + safetyStock;
  const orderUpTo = reorderPoint + d * orderCycleDays;
  const rounded = {
    reorderPoint: roundUp(reorderPoint),
    safetyStock: roundUp(safetyStock),
    // Never below the reorder point it is built on, whatever the rounding did.
    orderUpTo: Math.max(roundUp(orderUpTo), roundUp(reorderPoint)),
  };
  const method = demand.method === 'sba' ? ' (間欠需要・SBA)' : '';
  const reason =
    `平均出荷 ${rate(d)}/日${method} × リードタイム ${L.toFixed(1)}日 + 安全在庫 ${rounded.safetyStock}` +
    ` (サービス率${percent(serviceLevel)}) = 発注点 ${rounded.reorderPoint}` +
    `、最大在庫 ${rounded.orderUpTo} (発注点 + ${orderCycleDays}営業日分)`;
  return {
    kind: 'suggestion',
    ...rounded,
    leadTimeDays: L,
    serviceLevel,
    z,
    exact: { reorderPoint, orderUpTo, safetyStock },
    reason,
  };
}

/** The numbers a written suggestion holds (what is on the record now, or about to be). */
export interface SuggestedLevels {
  reorderPoint: number;
  orderUpTo: number;
  /** Compared when both sides have it. */
  leadTimeDays?: number;
}

/** When a new suggestion is worth writing over the previous one. */
export interface MaterialChangeRule {
  /** Relative change, of the previous value (default 0.1: 10 %). */
  relative: number;
  /** Absolute change, in units or days (default 1). */
  absolute: number;
}

export const DEFAULT_MATERIAL_CHANGE: MaterialChangeRule = { relative: 0.1, absolute: 1 };

/**
 * Whether `next` differs enough from `previous` to be written: some number moved by at least
 * `relative` of its previous value AND by at least `absolute`. Both, so that 2 → 3 (50 %, 1
 * unit) is written but 200 → 201 (0.5 %) is not, and 0.4 → 0.5 days of lead time is no news.
 * Without a previous suggestion everything is news.
 *
 * @example
 * changedMaterially({ reorderPoint: 20, orderUpTo: 50 }, { reorderPoint: 21, orderUpTo: 52 }); // false
 * changedMaterially({ reorderPoint: 20, orderUpTo: 50 }, { reorderPoint: 23, orderUpTo: 52 }); // true
 */
export function changedMaterially(
  previous: SuggestedLevels | undefined,
  next: SuggestedLevels,
  rule: MaterialChangeRule = DEFAULT_MATERIAL_CHANGE,
): boolean {
  if (previous === undefined) return true;
  const moved = (before: number, after: number): boolean => {
    const change = Math.abs(after - before);
    return change >= rule.absolute && change >= rule.relative * Math.abs(before);
  };
  if (moved(previous.reorderPoint, next.reorderPoint)) return true;
  if (moved(previous.orderUpTo, next.orderUpTo)) return true;
  return (
    previous.leadTimeDays !== undefined &&
    next.leadTimeDays !== undefined &&
    moved(previous.leadTimeDays, next.leadTimeDays)
  );
}
