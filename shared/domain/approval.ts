import { orderTotals, type TaxRules } from './pricing';
import {
  activeLines,
  approvalOf,
  type ApprovalStepOptions,
  type PurchaseOrder,
} from './purchase-order';

/**
 * Whether an order needs a person's approval (承認) before anything goes to the supplier: the
 * configuration names its app, its supplier (code or name), or an amount its total (税込, from
 * the lines' unit prices) is above. Pure: the caller passes the rules from the configuration.
 */

/** The configured reasons an order needs approval (each optional). */
export interface ApprovalRules {
  /** Every order of these apps. */
  apps?: readonly string[];
  /** Every order to these suppliers (their code, or their name when they have no code). */
  suppliers?: readonly string[];
  /** Orders whose total (税込) is above this many yen; an order without prices is not. */
  aboveAmount?: number;
}

/** What {@link approvalNeeded} decided. */
export type ApprovalNeed = { needed: false } | { needed: true; reason: string };

/**
 * Decides whether the order needs approval, and says why in Japanese (shown on the records).
 *
 * @example
 * approvalNeeded(order, { aboveAmount: 50_000 }, DEFAULT_TAX_RULES);
 * // { needed: true, reason: '合計 66,000円 が承認の基準 50,000円 を超えています' }
 */
export function approvalNeeded(
  order: PurchaseOrder,
  rules: ApprovalRules,
  tax: TaxRules,
): ApprovalNeed {
  const reasons: string[] = [];
  if (rules.apps?.includes(order.appId))
    reasons.push(`アプリ ${order.appId} の発注は承認が必要です`);
  const supplier = order.supplier;
  if (
    rules.suppliers?.some(
      (entry) => entry === supplier.code || entry === supplier.name || entry === supplier.email,
    )
  ) {
    reasons.push(`仕入先 ${supplier.name} への発注は承認が必要です`);
  }
  if (rules.aboveAmount !== undefined) {
    const total = orderTotal(order, tax);
    if (total !== undefined && total > rules.aboveAmount) {
      reasons.push(`合計 ${yen(total)} が承認の基準 ${yen(rules.aboveAmount)} を超えています`);
    }
  }
  return reasons.length > 0 ? { needed: true, reason: reasons.join('、') } : { needed: false };
}

/**
 * When the next approval step of an order awaiting approval falls due: the reminder, then the
 * flag, each once and counted from the request, as `remainingSteps` performs them. Undefined
 * when the order is not awaiting approval or neither step is left (reminded and flagged, or
 * not configured). The scheduled send needs not read the order before then.
 *
 * @example
 * // requested at 09:00, remind after 4 h, flag after 8 h, not reminded yet
 * nextApprovalCheckAt(order, { remindAfterMs: 4 * HOUR, flagAfterMs: 8 * HOUR }); // 13:00
 */
export function nextApprovalCheckAt(
  order: PurchaseOrder,
  rules: Pick<ApprovalStepOptions, 'remindAfterMs' | 'flagAfterMs'>,
): Date | undefined {
  const approval = approvalOf(order);
  if (approval.state !== 'awaiting') return undefined;
  const requestedAt = Date.parse(approval.requestedAt);
  if (Number.isNaN(requestedAt)) return undefined;
  const logged = (kind: 'approval-reminded' | 'approval-overdue') =>
    order.log.some((event) => event.kind === kind);
  const pending: number[] = [];
  if (rules.remindAfterMs !== undefined && !logged('approval-reminded')) {
    pending.push(requestedAt + rules.remindAfterMs);
  }
  if (rules.flagAfterMs !== undefined && !logged('approval-overdue')) {
    pending.push(requestedAt + rules.flagAfterMs);
  }
  return pending.length > 0 ? new Date(Math.min(...pending)) : undefined;
}

/** The order's total (税込) from its active lines, undefined when a line has no price. */
export function orderTotal(order: PurchaseOrder, tax: TaxRules): number | undefined {
  return orderTotals(activeLines(order), tax)?.total;
}

function yen(amount: number): string {
  return `${amount.toLocaleString('ja-JP')}円`;
}
