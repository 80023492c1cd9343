/**
 * The Japanese sentences staff read in kintone's reason field. Kept apart from the decision
 * logic so that wording can change without touching a rule, and so tests can pin each form.
 */
import type { PositionBreakdown, QuantityPlan, QuantityRule } from './quantity';
import { roundQuantity } from './quantity';

/** Separator between several problems in one reason, as in Japanese enumerations. */
export const PROBLEM_SEPARATOR = '、';

/**
 * A number as staff expect to read it: no trailing zeros, no binary noise.
 *
 * @example
 * formatNumber(1.5); // '1.5'
 * formatNumber(84); // '84'
 * formatNumber(0.1 + 0.2); // '0.3'
 */
export function formatNumber(value: number): string {
  const rounded = roundQuantity(value);
  // A tiny non-zero value would round to "0", which misstates what was entered.
  return rounded === 0 && value !== 0 ? String(value) : String(rounded);
}

/**
 * A reason followed by the line's delivery date note (see `business-calendar`).
 *
 * @example
 * withDeliveryNote('在庫数 18 ≤ 発注点 20: 84本を発注', '納品希望日 2027-01-06 (年末年始・元日を除く3営業日)');
 * // '在庫数 18 ≤ 発注点 20: 84本を発注。納品希望日 2027-01-06 (年末年始・元日を除く3営業日)'
 */
export function withDeliveryNote(reason: string, note: string | undefined): string {
  return note === undefined ? reason : `${reason}。${note}`;
}

/**
 * @example
 * ownWriteEchoReason(16); // 'ブリッジ自身の書き込み (リビジョン 16) の通知: 変更なし'
 */
export function ownWriteEchoReason(revision: number): string {
  return `ブリッジ自身の書き込み (リビジョン ${revision}) の通知: 変更なし`;
}

/**
 * @example
 * staleReason(4, 5); // '古い更新のため無視 (リビジョン 4 < 処理済み 5)'
 */
export function staleReason(revision: number, lastRevision: number): string {
  return `古い更新のため無視 (リビジョン ${revision} < 処理済み ${lastRevision})`;
}

/**
 * @example
 * replayReason(5); // 'リビジョン 5 は処理済み'
 */
export function replayReason(revision: number): string {
  return `リビジョン ${revision} は処理済み`;
}

/**
 * `unit` is unknown when the record could not be mapped; the quantity is then shown bare.
 *
 * @example
 * orderOpenReason('PO-20261128-0001', 84, '本'); // '発注依頼 PO-20261128-0001 (84本) の入荷待ち'
 */
export function orderOpenReason(orderNumber: string, quantity: number, unit?: string): string {
  return `発注依頼 ${orderNumber} (${formatNumber(quantity)}${unit ?? ''}) の入荷待ち`;
}

/**
 * Several problems in one sentence, so staff can fix them all in one edit.
 *
 * @example
 * problemsReason(['在庫数がマイナスです (-3)', '最大在庫も発注量も未設定です']);
 * // '在庫数がマイナスです (-3)、最大在庫も発注量も未設定です'
 */
export function problemsReason(problems: readonly string[]): string {
  // An empty list would write an empty reason, which reads as "nothing happened".
  if (problems.length === 0) return 'レコードの内容を評価できませんでした';
  return problems.join(PROBLEM_SEPARATOR);
}

/** Sentences for item values the rules cannot work with, each naming the value found. */
export const itemProblem = {
  notFinite: (label: string, value: number): string =>
    `${label}が有限の数値ではありません (${String(value)})`,
  tooLarge: (label: string, value: number): string =>
    `${label}の値が大きすぎます (${String(value)})`,
  negative: (label: string, value: number): string =>
    `${label}がマイナスです (${formatNumber(value)})`,
  notPositive: (label: string, value: number): string =>
    `${label}は0より大きくしてください (${formatNumber(value)})`,
  packTooSmall: (value: number, minimum: number): string =>
    `入数が小さすぎます (${formatNumber(value)}、${formatNumber(minimum)}以上にしてください)`,
  leadTimeNotWholeDays: (value: number): string =>
    `リードタイムは整数の日数にしてください (${formatNumber(value)})`,
  leadTimeTooLong: (value: number, maximum: number): string =>
    `リードタイムが長すぎます (${formatNumber(value)}日、最大${maximum}日)`,
  noQuantityRule: (): string => '最大在庫も発注量も未設定です',
  maxStockNotAboveReorderPoint: (maxStock: number, reorderPoint: number): string =>
    `最大在庫 ${formatNumber(maxStock)} が発注点 ${formatNumber(reorderPoint)} 以下です`,
  badSnoozeDate: (value: string): string =>
    `スヌーズ期限が YYYY-MM-DD の日付ではありません (${JSON.stringify(value)})`,
  positionOverflow: (): string => '在庫ポジションを計算できません (数値が大きすぎます)',
  quantityOverflow: (): string => '発注数を計算できません (数値が大きすぎます)',
};

/**
 * `在庫数 18` when only the stock on hand counts, otherwise the position with every term that
 * moved it, so staff can check the arithmetic against kintone.
 *
 * @example
 * describePosition({ onHand: 18, onOrder: 8, bridgeOnOrder: 0, reserved: 0, position: 26 });
 * // '在庫ポジション 26 (在庫数 18 + 発注残 8)'
 */
export function describePosition(breakdown: PositionBreakdown): string {
  const terms: string[] = [];
  if (breakdown.onOrder !== 0) terms.push(`+ 発注残 ${formatNumber(breakdown.onOrder)}`);
  if (breakdown.bridgeOnOrder !== 0) {
    terms.push(`+ 発注依頼中 ${formatNumber(breakdown.bridgeOnOrder)}`);
  }
  if (breakdown.reserved !== 0) terms.push(`- 引当 ${formatNumber(breakdown.reserved)}`);
  if (terms.length === 0) return `在庫数 ${formatNumber(breakdown.onHand)}`;
  return `在庫ポジション ${formatNumber(breakdown.position)} (在庫数 ${formatNumber(breakdown.onHand)} ${terms.join(' ')})`;
}

/**
 * @example
 * noOrderReason({ onHand: 50, onOrder: 0, bridgeOnOrder: 0, reserved: 0, position: 50 }, 20);
 * // '在庫数 50 > 発注点 20: 発注不要'
 */
export function noOrderReason(breakdown: PositionBreakdown, reorderPoint: number): string {
  return `${describePosition(breakdown)} > 発注点 ${formatNumber(reorderPoint)}: 発注不要`;
}

/**
 * An item at or below its reorder point whose record has problems: the order that is due and
 * why it was not placed.
 *
 * @example
 * shortButBlockedReason(5, 20, '「仕入先メール」がメールアドレスではありません ("x")');
 * // '在庫数 5 ≤ 発注点 20 で発注が必要ですが、発注できません: 「仕入先メール」がメールアドレスではありません ("x")'
 */
export function shortButBlockedReason(
  onHand: number,
  reorderPoint: number,
  problems: string,
): string {
  return `在庫数 ${formatNumber(onHand)} ≤ 発注点 ${formatNumber(reorderPoint)} で発注が必要ですが、発注できません: ${problems}`;
}

/**
 * @example
 * snoozedReason(
 *   { onHand: 18, onOrder: 0, bridgeOnOrder: 0, reserved: 0, position: 18 },
 *   20,
 *   '2026-12-05',
 * ); // '在庫数 18 ≤ 発注点 20 ですが 2026-12-05 までスヌーズ中'
 */
export function snoozedReason(
  breakdown: PositionBreakdown,
  reorderPoint: number,
  snoozeUntil: string,
): string {
  return `${describePosition(breakdown)} ≤ 発注点 ${formatNumber(reorderPoint)} ですが ${snoozeUntil} までスヌーズ中`;
}

/**
 * Why this quantity: the position against the reorder point, then only the rules that shaped
 * the amount (pack multiple, order-up-to level or fixed quantity or shortfall, supplier
 * minimum). The parenthesis is left out when no rule applies.
 *
 * @example
 * orderReason(
 *   { onHand: 18, onOrder: 0, bridgeOnOrder: 0, reserved: 0, position: 18 },
 *   { reorderPoint: 20, maxStock: 100, packSize: 12, minimumOrder: 24 },
 *   { quantity: 84, basis: 'order-up-to', needed: 82, raisedToMinimum: false },
 *   '本',
 * ); // '在庫数 18 ≤ 発注点 20: 84本を発注 (入数12の倍数、最大在庫100まで)'
 */
export function orderReason(
  breakdown: PositionBreakdown,
  rule: QuantityRule,
  plan: QuantityPlan,
  unit: string,
): string {
  const notes: string[] = [];
  // A pack of 1 constrains nothing; any other size (12, or 0.5 kg) is worth telling.
  if (rule.packSize !== 1) notes.push(`入数${formatNumber(rule.packSize)}の倍数`);
  if (plan.basis === 'order-up-to' && rule.maxStock !== undefined) {
    notes.push(`最大在庫${formatNumber(rule.maxStock)}まで`);
  } else if (plan.basis === 'fixed' && rule.reorderQuantity !== undefined) {
    notes.push(`発注量${formatNumber(rule.reorderQuantity)}`);
  } else if (plan.basis === 'shortfall') {
    notes.push(`発注点までの不足分${formatNumber(plan.needed)}`);
  }
  if (plan.raisedToMinimum) notes.push(`最小発注数${formatNumber(rule.minimumOrder)}`);
  const head = `${describePosition(breakdown)} ≤ 発注点 ${formatNumber(rule.reorderPoint)}: ${formatNumber(plan.quantity)}${unit}を発注`;
  return notes.length === 0 ? head : `${head} (${notes.join(PROBLEM_SEPARATOR)})`;
}
