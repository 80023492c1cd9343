import { findApp } from '../config/load-config';
import type { BridgeConfig } from '../config/schema';
import { orderRequestOf } from '../domain/order-request';
import { activeLines, type PurchaseOrder } from '../domain/purchase-order';
import { attentionOutcome, attentionReason, changedFields } from '../kintone/write-back';
import { NO_METRICS, type BridgeMetrics } from '../ports/bridge-metrics';
import type { KintoneRecordWriter } from '../ports/kintone-record-writer';
import type { BridgeLogger } from '../ports/logger';
import type { OrderStore } from '../ports/order-store';
import { allChannelsFailed, channelFailures, documentOptionsOf } from './order-channels';
import { commentOnLines, openLines, writeLineFields } from './order-record';

/** Collaborators of {@link reportIfAllChannelsFailed} (and of the callbacks built on it). */
export interface AttentionDeps {
  config: BridgeConfig;
  orders: Pick<OrderStore, 'append'>;
  kintone: KintoneRecordWriter;
  logger: BridgeLogger;
  metrics?: BridgeMetrics;
  now: () => Date;
}

/** What {@link reportIfAllChannelsFailed} did. */
export interface AttentionReport {
  order: PurchaseOrder;
  /** Staff were told now (this call). */
  reported: boolean;
  /** Field codes written to the lines' records. */
  wroteFields: string[];
}

/** True once staff were told that every channel failed (`needs-attention` is in the log). */
export function attentionReported(order: PurchaseOrder): boolean {
  return order.log.some((event) => event.kind === 'needs-attention');
}

/**
 * When every channel of an order has failed, tells staff on the record of every open line
 * (status 要対応 with the reason, one comment per record) and counts OrdersNeedingAttention,
 * which raises the operators' alarm; then appends `needs-attention` and `written-back` for the
 * lines. Does nothing while a channel may still reach the supplier, or when staff were already
 * told. Lines closed by staff keep what they set, and lines whose record was deleted in kintone
 * are skipped: both count as written (nothing is left to write); an app no longer configured is
 * told nothing, only the alarm.
 *
 * kintone is written before the log, so a failure in between repeats the write (the same
 * values) and perhaps the comment on the retry, never loses them.
 */
export async function reportIfAllChannelsFailed(
  order: PurchaseOrder,
  deps: AttentionDeps,
): Promise<AttentionReport> {
  if (!allChannelsFailed(order) || attentionReported(order)) {
    return { order, reported: false, wroteFields: [] };
  }
  const { orderNumber } = order;
  const app = findApp(deps.config, order.appId);
  const reason = attentionReason(orderNumber, channelFailures(order));
  const lineIds = openLines(order).map((line) => line.lineId);
  let wroteFields: string[] = [];
  if (app && lineIds.length > 0) {
    const request = orderRequestOf(order, documentOptionsOf(deps.config));
    const changes = changedFields(app, attentionOutcome(app, request, reason));
    const context = { subtable: app.subtable?.field, logger: deps.logger };
    const written = await writeLineFields(deps.kintone, order, lineIds, () => changes, context);
    wroteFields = written.fields;
    await commentOnLines(deps.kintone, order, written.lineIds, `【要対応】${reason}`, context);
  }
  (deps.metrics ?? NO_METRICS).count('OrdersNeedingAttention');
  deps.logger.error('every channel to the supplier failed: staff must contact them', {
    orderNumber,
    reason,
  });
  const at = deps.now().toISOString();
  let updated = await deps.orders.append(orderNumber, { kind: 'needs-attention', at, reason });
  // Every active line is done: written, or its record gone, or closed by staff (they keep what
  // they set), so no write-back step is left for the order.
  const done = activeLines(order).map((line) => line.lineId);
  if (done.length > 0) {
    updated = await deps.orders.append(orderNumber, { kind: 'written-back', at, lineIds: done });
  }
  return { order: updated, reported: true, wroteFields };
}
