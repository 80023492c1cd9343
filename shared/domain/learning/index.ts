/**
 * Learning from the stream (issue 14): the pure core. Everything here is a function of plain
 * data; time, calendars and the zone come in as parameters; nothing reads a clock or a store.
 * Propose, never impose: the results are suggestions for staff.
 *
 * The flow the use cases wire, per item:
 *
 * ```ts
 * // 1. Demand per business day from the item's stock observations (webhooks and the sweep).
 * //    The caller marks goods receipts (with their quantity) and 棚卸 corrections.
 * const history = demandHistory(observations, {
 *   isBusinessDay: calendars.company.isBusinessDay, timeZone, through: yesterday, windowDays: 60,
 * });
 * const demand = estimateDemand(history.days.map((day) => day.quantity)); // mean or SBA by ADI
 *
 * // 2. Lead times per supplier (and per item with ≥ 5 receipts) from sent → received.
 * const learned = learnLeadTimes(receipts, {
 *   isBusinessDayFor: (code) => calendars.deliveryFor(code).isBusinessDay, timeZone,
 * });
 * const leadTime = leadTimeFor(learned, supplierCode, sku); // undefined: use the configured one
 *
 * // 3. The suggestion, or why there is none (short history, no demand, too few demand days).
 * const result = suggestReorder({
 *   demand,
 *   leadTime: leadTime ? planningLeadTime(leadTime) : { days: item.leadTimeDays, standardDeviation: 0 },
 *   serviceLevel: 0.95, orderCycleDays: 10,
 * });
 * if (result.kind === 'suggestion' && changedMaterially(previousWritten, result)) {
 *   // write 推奨発注点 = result.reorderPoint, 推奨最大在庫 = result.orderUpTo,
 *   // 推定リードタイム = result.leadTimeDays, and result.reason (one Japanese line)
 * }
 *
 * // 4. Per supplier, and 5. shadow mode's report:
 * supplierScorecards(orders, { asOf: today, timeZone, isBusinessDayFor });
 * compareShadow(wouldBeOrders, actualOrders);
 * ```
 *
 * Units: demand per business day, lead times in business days (sent day = day 0, as
 * `addBusinessDays`), answer latency and shadow timing in elapsed hours. Every function throws
 * RangeError only on input the edge should have rejected (invalid dates, service level outside
 * 0.5–0.9999, negative lead time).
 *
 * Signatures:
 * - `demandHistory(observations: readonly StockObservation[], options: DemandHistoryOptions): DemandHistory`
 * - `estimateDemand(daily: readonly number[], options?: { alpha?: number }): DemandEstimate`
 * - `sbaForecast(daily, alpha?) / crostonForecast(daily, alpha?): number`
 * - `estimateLeadTime(days: readonly number[], alpha?: number): LeadTimeEstimate | undefined`
 * - `leadTimeDaysOf(sentAt: string, receivedAt: string, isBusinessDay, timeZone): number`
 * - `learnLeadTimes(receipts: readonly LeadTimeReceipt[], options: LearnLeadTimesOptions): LearnedLeadTimes`
 * - `leadTimeFor(learned, supplierCode, sku): (LeadTimeEstimate & { scope }) | undefined`
 * - `planningLeadTime(estimate, basis?: 'mean' | 'ewma' | 'lastThree'): PlanningLeadTime`
 * - `suggestReorder(input: SuggestionInput): ReorderSuggestion | NoSuggestion`
 * - `changedMaterially(previous: SuggestedLevels | undefined, next: SuggestedLevels, rule?): boolean`
 * - `supplierScorecards(orders: readonly ScorecardOrder[], options: ScorecardOptions): SupplierScorecard[]`
 * - `compareShadow(shadow, actual: readonly ShadowOrderRecord[], options?): ShadowComparison[]`
 * - `zOfServiceLevel(serviceLevel: number): number`
 */

export {
  ADI_CUTOFF,
  CV2_CUTOFF,
  DEFAULT_CROSTON_ALPHA,
  DEFAULT_DEMAND_WINDOW_DAYS,
  crostonForecast,
  demandHistory,
  estimateDemand,
  sbaForecast,
} from './demand';
export type {
  DailyDemand,
  DemandEstimate,
  DemandHistory,
  DemandHistoryOptions,
  DemandPattern,
  StockAdjustment,
  StockCause,
  StockObservation,
} from './demand';

export {
  DEFAULT_LEAD_TIME_ALPHA,
  DEFAULT_MIN_ITEM_RECEIPTS,
  estimateLeadTime,
  itemKey,
  leadTimeDaysOf,
  leadTimeFor,
  learnLeadTimes,
  planningLeadTime,
} from './lead-time';
export type {
  LeadTimeBasis,
  LeadTimeEstimate,
  LeadTimeReceipt,
  LearnedLeadTimes,
  LearnLeadTimesOptions,
} from './lead-time';

export {
  DEFAULT_MATERIAL_CHANGE,
  DEFAULT_MIN_DEMAND_DAYS,
  DEFAULT_MIN_HISTORY_DAYS,
  DEFAULT_ORDER_CYCLE_DAYS,
  DEFAULT_SERVICE_LEVEL,
  changedMaterially,
  suggestReorder,
} from './reorder-suggestion';
export type {
  MaterialChangeRule,
  NoSuggestion,
  PlanningLeadTime,
  ReorderSuggestion,
  SuggestedLevels,
  SuggestionInput,
} from './reorder-suggestion';

export { supplierScorecards } from './scorecard';
export type {
  ScorecardLine,
  ScorecardOptions,
  ScorecardOrder,
  SupplierScorecard,
} from './scorecard';

export { DEFAULT_MATCH_WITHIN_HOURS, compareShadow } from './shadow';
export type { ShadowComparison, ShadowOrderRecord } from './shadow';

export { MAX_SERVICE_LEVEL, MIN_SERVICE_LEVEL, zOfServiceLevel } from './statistics';
export { businessDaysBetween, calendarDaysSpanning, type IsBusinessDay } from './business-days';
