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

type Outcome = Partial<RecordedOutcome>;

/** kintone DATETIME values have minute precision: write and compare them that way. */
export function toKintoneDateTime(iso: string): string {
  const date = new Date(iso);
  // A value staff typed by hand may not parse; compare it as it is rather than throw.
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace(/:\d{2}\.\d{3}Z$/, ':00Z');
}

/** Desired write-back for an order that has been sent. */
export function orderOutcome(app: AppConfig, request: OrderRequest): Outcome {
  return {
    status: app.statuses.ordered,
    orderNumber: request.orderNumber,
    orderedAt: toKintoneDateTime(request.orderedAt),
    reason: request.reason,
  };
}

/**
 * Desired write-back for a decision that created no order. Only problems are written (and
 * cleared once fixed): an ordinary "no order needed" costs no kintone call.
 */
export function decisionOutcome(
  app: AppConfig,
  decision: Decision,
  recorded: RecordedOutcome,
): Outcome {
  if (decision.kind === 'cannot-evaluate') {
    return { status: app.statuses.needsAttention, reason: decision.reason };
  }
  const recovered = decision.kind === 'no-order' || decision.kind === 'snoozed';
  if (recovered && recorded.status === app.statuses.needsAttention) {
    return { status: app.statuses.idle, reason: decision.reason };
  }
  return {};
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
  for (const key of ['status', 'orderNumber', 'orderedAt', 'reason'] as const) {
    const code = app.writeBack[key];
    const value = desired[key];
    if (code === undefined || value === undefined) continue;
    const current =
      key === 'orderedAt' && recorded?.orderedAt
        ? toKintoneDateTime(recorded.orderedAt)
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
