import { orderTotals, type TaxRules } from './pricing';
import { activeLines, type PurchaseOrder } from './purchase-order';

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

/** The order's total (税込) from its active lines, undefined when a line has no price. */
export function orderTotal(order: PurchaseOrder, tax: TaxRules): number | undefined {
  return orderTotals(activeLines(order), tax)?.total;
}

function yen(amount: number): string {
  return `${amount.toLocaleString('ja-JP')}円`;
}
