import { commentOnOrder, orderRecordExists } from './order-record';
import { findApp } from '../config/load-config';
import type { FaxStatusUpdate } from '../ports/fax-gateway';
import { reportIfAllChannelsFailed, type AttentionDeps } from './needs-attention';

export interface FaxStatusOutcome {
  orderNumber: string | undefined;
  result: 'recorded' | 'duplicate' | 'unknown-order' | 'no-order-number';
  /** Every channel had failed, and staff were told on the record. */
  needsAttention: boolean;
}

/**
 * Records a fax's final status on its order. A failed fax is commented on the kintone record;
 * when no other channel reached the supplier either, the record gets 要対応 and the operators'
 * alarm fires. A status already recorded changes nothing (the gateway retries callbacks).
 */
export async function recordFaxStatus(
  update: FaxStatusUpdate,
  deps: AttentionDeps,
): Promise<FaxStatusOutcome> {
  const outcome: FaxStatusOutcome = {
    orderNumber: update.orderNumber,
    result: 'recorded',
    needsAttention: false,
  };
  if (!update.orderNumber) {
    deps.logger.warn('fax status without an order number skipped', { faxId: update.faxId });
    return { ...outcome, result: 'no-order-number' };
  }
  const order = await deps.store.findOrderByNumber(update.orderNumber);
  if (!order) {
    deps.logger.warn('fax status for an unknown order skipped', {
      orderNumber: update.orderNumber,
      faxId: update.faxId,
    });
    return { ...outcome, result: 'unknown-order' };
  }
  if (order.steps.faxStatus === update.status && order.steps.faxDetail === update.detail) {
    // An earlier attempt may have recorded the status and then failed to tell staff.
    const attention = await reportIfAllChannelsFailed(order, deps);
    return { ...outcome, result: 'duplicate', needsAttention: attention.reported };
  }
  const key = { appId: order.appId, recordId: order.recordId };
  // A deleted record or an app no longer configured cannot take a comment (kintone answers
  // 404), and failing would make the gateway retry the callback for days.
  const recordExists =
    findApp(deps.config, order.appId) !== undefined && (await orderRecordExists(order, deps.store));
  if (update.status === 'failed' && recordExists) {
    await commentOnOrder(
      deps.kintone,
      order,
      `発注依頼 ${update.orderNumber} のFAXを送信できませんでした: ${update.detail ?? '理由不明'}`,
    );
  }
  const updated = await deps.store.recordOrderStep(key, order.cycle, {
    kind: 'fax-status',
    at: update.at,
    status: update.status,
    ...(update.detail !== undefined ? { detail: update.detail } : {}),
  });
  deps.logger[update.status === 'delivered' ? 'info' : 'warn']('fax status recorded', {
    orderNumber: update.orderNumber,
    status: update.status,
    detail: update.detail,
  });
  const attention = await reportIfAllChannelsFailed(updated, deps);
  return { ...outcome, needsAttention: attention.reported };
}
