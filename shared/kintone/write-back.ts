import type { DeliveryStatus } from '../domain/purchase-order';
import type { AppConfig } from '../config/schema';
import type { Decision } from '../domain/decision';
import type { RecordedOutcome } from '../domain/item';
import type { OrderRequest } from '../domain/order';
import type { FieldValues } from '../ports/kintone-record-writer';

/**
 * What the bridge writes back to kintone, reduced to the fields whose value actually changes.
 * Writing only changes is what keeps the bridge loop-free: the webhook that our own update
 * fires leads to the same desired values, so nothing is written the second time.
 */

/**
 * Desired values per write-back role. `deliveryDate` and `deliveryStatus` belong to one order
 * (the supplier's promised date, SES's delivery status): a new order empties them, so staff
 * never read the previous order's date or delivery as this order's.
 */
export type WriteBackOutcome = Partial<RecordedOutcome>;
type Outcome = WriteBackOutcome;

/** Every write-back role, in the order staff meet them on a record. */
export const WRITE_BACK_ROLES = [
  'status',
  'orderNumber',
  'orderedAt',
  'reason',
  'deliveryDate',
  'deliveryStatus',
] as const;

/** kintone DATETIME values have minute precision: write and compare them that way. */
export function toKintoneDateTime(iso: string): string {
  const date = new Date(iso);
  // A value staff typed by hand may not parse; compare it as it is rather than throw.
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace(/:\d{2}\.\d{3}Z$/, ':00Z');
}

/**
 * Desired write-back for an order that has been sent. The previous order's answer fields are
 * emptied (written once per order, with the order's own values, so it costs no extra call).
 */
export function orderOutcome(
  app: AppConfig,
  request: OrderRequest,
  since: OrderSinceSent = {},
): Outcome {
  return {
    // A write-back retried after the supplier already answered (or SES reported) must not
    // undo what that answer wrote.
    ...(since.answered ? {} : { status: app.statuses.ordered, deliveryDate: '' }),
    ...(since.deliveryReported ? {} : { deliveryStatus: '' }),
    orderNumber: request.orderNumber,
    orderedAt: toKintoneDateTime(request.orderedAt),
    reason: request.reason,
  };
}

/** What reached the order's record after the send, before its write-back (a retry). */
export interface OrderSinceSent {
  /** The supplier answered on the order page. */
  answered?: boolean;
  /** SES reported the email's delivery. */
  deliveryReported?: boolean;
}

/**
 * Desired write-back while an order exists but its send failed for now (SES or the fax gateway
 * down or throttling): status 送信待ち with what happened and what staff should (not) do.
 */
export function sendingOutcome(app: AppConfig, request: OrderRequest, reason: string): Outcome {
  return {
    status: app.statuses.sending,
    orderNumber: request.orderNumber,
    orderedAt: toKintoneDateTime(request.orderedAt),
    reason,
    deliveryDate: '',
    deliveryStatus: '',
  };
}

/**
 * The reason shown while an order waits for its send to be retried.
 *
 * @example
 * sendingReason(app, 'PO-20261202-0001', 'SES: Throttling');
 * // '発注依頼 PO-20261202-0001 を作成しましたが、まだ送信できていません (SES: Throttling)。自動で再送します。…'
 */
export function sendingReason(app: AppConfig, orderNumber: string, failure: string): string {
  return (
    `発注依頼 ${orderNumber} を作成しましたが、まだ送信できていません (${failure})。` +
    `自動で再送します。送信されると「${app.statuses.ordered}」になります。` +
    '二重発注になるため、仕入先へ別途発注しないでください。' +
    `しばらくたっても変わらない場合は運用担当者に連絡してください。`
  );
}

/**
 * Written when a notification of the record could not be processed at all, after every retry
 * (it went to the dead letters) or at once when retrying cannot help (the notification itself is
 * wrong). The bridge does not know whether an order was due: staff must look.
 */
export function unprocessedOutcome(app: AppConfig, reason: string): Outcome {
  return { status: app.statuses.failed, reason };
}

/** How every {@link unprocessedReason} begins. */
export const UNPROCESSED_REASON_PREFIX = 'この変更の通知を処理できませんでした';

/**
 * The reason written with {@link unprocessedOutcome}: what happened, and what staff may do
 * without ordering twice. A notification that went to the dead letters (`retried`) is still
 * replayed by the operators once the cause is fixed, and a re-save of the record is evaluated
 * anew: either can send the bridge's order, so a manual order must be reported to them.
 */
export function unprocessedReason(problem: string, retried: boolean): string {
  return (
    `${UNPROCESSED_REASON_PREFIX} (${problem})。` +
    (retried
      ? '何度か再試行しましたが失敗し、運用担当者が確認できる場所に保管しました。' +
        '原因が直ると、運用担当者の再実行かレコードの保存し直しで改めて判定され、必要なら発注されます。'
      : '在庫と発注が必要かを確認してください。値や設定を直してレコードを保存し直すと、改めて判定されます。') +
    '急ぎで仕入先へ直接発注した場合は、二重発注にならないよう運用担当者に伝えてください。'
  );
}

/**
 * Desired write-back for a decision that created no order. Only problems are written (and
 * cleared once fixed): an ordinary "no order needed" costs no kintone call.
 */
export function decisionOutcome(
  app: AppConfig,
  decision: Decision,
  recorded: RecordedOutcome,
  context: DecisionContext = {},
): Outcome {
  if (decision.kind === 'cannot-evaluate') {
    return { status: app.statuses.needsAttention, reason: decision.reason };
  }
  const recovered = decision.kind === 'no-order' || decision.kind === 'snoozed';
  // With needsAttention and failed the same value (both 要対応), the status alone cannot tell a
  // fixed record from an order nobody received: only the bridge's own record of the failure
  // can, and a failed send stays visible until staff close it.
  const showsFailedOrder =
    context.failedOrderNumber !== undefined &&
    recorded.status === app.statuses.failed &&
    recorded.orderNumber === context.failedOrderNumber;
  if (recovered && recorded.status === app.statuses.needsAttention && !showsFailedOrder) {
    return { status: app.statuses.idle, reason: decision.reason };
  }
  return {};
}

/** What the bridge knows beyond the record when deciding what to write. */
export interface DecisionContext {
  /** The item's order whose every channel failed (staff were told 要対応), if any. */
  failedOrderNumber?: string;
}

/**
 * The fields to update: desired values that differ from what the record shows. Without
 * `recorded` (a callback that has no record at hand) every desired value is written.
 */
export function changedFields(
  app: AppConfig,
  desired: Outcome,
  recorded?: RecordedOutcome,
): FieldValues {
  const changes: FieldValues = {};
  for (const key of WRITE_BACK_ROLES) {
    const code = app.writeBack[key];
    const value = desired[key];
    if (code === undefined || value === undefined) continue;
    const current =
      key === 'orderedAt' && recorded?.orderedAt
        ? toKintoneDateTime(recorded.orderedAt)
        : recorded && (key === 'deliveryDate' || key === 'deliveryStatus')
          ? (recorded[key] ?? '')
          : recorded?.[key];
    if (current !== value) changes[code] = value;
  }
  return changes;
}

/** The record comment that summarises an order for staff: what, to whom, by which channels. */
export function orderComment(request: OrderRequest, sentVia: string): string {
  const lines = request.lines.map(
    (line) => `・${line.sku} ${line.name}: ${line.quantity}${line.unit}`,
  );
  return [
    `発注依頼 ${request.orderNumber} を ${request.supplier.name} 様へ送信しました (${sentVia})。`,
    ...lines,
    `納品希望日: ${request.desiredDeliveryDate}`,
    `理由: ${request.reason}`,
  ].join('\n');
}

/** The reason written when no channel reached the supplier. */
export function attentionReason(orderNumber: string, failures: readonly string[]): string {
  return `発注依頼 ${orderNumber} を送れませんでした (${failures.join('、')})。仕入先に電話などで発注を伝えてください。`;
}

/** Desired write-back when every channel failed: status 要対応 with the reason. */
export function attentionOutcome(app: AppConfig, request: OrderRequest, reason: string): Outcome {
  return {
    status: app.statuses.failed,
    orderNumber: request.orderNumber,
    orderedAt: toKintoneDateTime(request.orderedAt),
    reason,
  };
}

/**
 * Write-back fields the configuration maps that the record (or the table row) does not have.
 * Checked before an order is placed: an order sent to the supplier whose outcome can never be
 * written would leave staff blind and fail every retry.
 *
 * @example
 * missingWriteBackFields(app, (code) => code in record); // ['発注理由']
 */
export function missingWriteBackFields(app: AppConfig, has: (code: string) => boolean): string[] {
  return Object.values(app.writeBack).filter(
    (code): code is string => code !== undefined && !has(code),
  );
}

/** The reason for an order that could not be placed because write-back fields are missing. */
export function missingWriteBackReason(shortage: string, missing: readonly string[]): string {
  return (
    `${shortage} → 発注できません: 書き戻し先のフィールド ${missing.map((code) => `「${code}」`).join('')} がありません。` +
    '設定の writeBack のフィールドコードを確認してください (npm run doctor)。'
  );
}

/** Only the values of fields the record (or row) has: a write naming another field fails. */
export function writableFields(values: FieldValues, has: (code: string) => boolean): FieldValues {
  return Object.fromEntries(Object.entries(values).filter(([code]) => has(code)));
}

/** The status as staff read it in kintone. */
export const DELIVERY_STATUS_LABELS: Readonly<Record<DeliveryStatus, string>> = {
  delivered: '配信済',
  bounced: '不達',
  complained: '苦情',
  rejected: '拒否',
};
