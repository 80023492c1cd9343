import { findApp } from '../config/load-config';
import type { BridgeConfig } from '../config/schema';
import { attentionOutcome, attentionReason, changedFields } from '../kintone/write-back';
import type { RecordedOutcome } from '../domain/item';
import { NO_METRICS, type BridgeMetrics } from '../ports/bridge-metrics';
import type { BridgeStore, StoredOrder } from '../ports/bridge-store';
import type { KintoneRecordWriter } from '../ports/kintone-record-writer';
import type { BridgeLogger } from '../ports/logger';
import { allChannelsFailed, channelFailures } from './order-channels';
import { commentOnOrder, orderRecordExists, writeOrderFields } from './order-record';

export interface AttentionDeps {
  config: BridgeConfig;
  store: BridgeStore;
  kintone: KintoneRecordWriter;
  logger: BridgeLogger;
  metrics?: BridgeMetrics;
  now: () => Date;
}

/**
 * When every channel of an order has failed, tells staff on the kintone record (status 要対応,
 * the reason, a comment) and counts OrdersNeedingAttention, which raises the operators' alarm.
 * Does nothing while a channel may still reach the supplier, or when staff were already told.
 *
 * @param recorded what the record shows now, when known (the dispatcher knows it; callbacks do
 *   not): only changed fields are written then.
 */
export async function reportIfAllChannelsFailed(
  order: StoredOrder,
  deps: AttentionDeps,
  recorded?: RecordedOutcome,
): Promise<{ order: StoredOrder; reported: boolean; wroteFields: string[] }> {
  if (!allChannelsFailed(order) || order.steps.attentionAt)
    return { order, reported: false, wroteFields: [] };
  const app = findApp(deps.config, order.appId);
  const reason = attentionReason(order.request.orderNumber, channelFailures(order));
  const key = { appId: order.appId, recordId: order.recordId };
  let wroteFields: string[] = [];
  if (app && (await orderRecordExists(order, deps.store))) {
    const desired = attentionOutcome(app, order.request, reason);
    // A row order's rows are compared with the table as read just before writing instead.
    const changes = changedFields(app, desired, order.rows ? undefined : recorded);
    wroteFields = await writeOrderFields(deps.kintone, order, changes);
    await commentOnOrder(deps.kintone, order, `【要対応】${reason}`);
  }
  (deps.metrics ?? NO_METRICS).count('OrdersNeedingAttention');
  deps.logger.error('every channel to the supplier failed: staff must contact them', {
    orderNumber: order.request.orderNumber,
    reason,
  });
  const updated = await deps.store.recordOrderStep(key, order.cycle, {
    kind: 'needs-attention',
    at: deps.now().toISOString(),
    reason,
  });
  return { order: updated, reported: true, wroteFields };
}
