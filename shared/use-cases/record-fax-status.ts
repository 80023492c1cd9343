import { findApp } from '../config/load-config';
import type { OrderEvent, PurchaseOrder } from '../domain/purchase-order';
import type { FaxStatusUpdate } from '../ports/fax-gateway';
import type { OrderLedger } from '../ports/order-ledger';
import type { OrderStore } from '../ports/order-store';
import { reportIfAllChannelsFailed, type AttentionDeps } from './needs-attention';
import { commentOnLines, openLines } from './order-record';
import { writeOrderLedger } from './write-order-ledger';

/** Collaborators of {@link recordFaxStatus}. */
export interface FaxStatusRecordDeps extends AttentionDeps {
  orders: Pick<OrderStore, 'get' | 'append'>;
  /**
   * The order app (発注管理, `orderApp`): a failed fax shows there (送信失敗, or 要対応 when no
   * channel is left), in one PUT; a delivered one changes nothing it shows and costs no call.
   */
  ledger?: OrderLedger;
}

export interface FaxStatusOutcome {
  orderNumber: string | undefined;
  result: 'recorded' | 'duplicate' | 'unknown-order' | 'no-order-number';
  /** Every channel had failed, and staff were told on the records. */
  needsAttention: boolean;
}

/** The fax status recorded last, if any. */
function lastFaxStatus(
  order: PurchaseOrder,
): Extract<OrderEvent, { kind: 'fax-status' }> | undefined {
  const statuses = order.log.filter(
    (event): event is Extract<OrderEvent, { kind: 'fax-status' }> => event.kind === 'fax-status',
  );
  return statuses[statuses.length - 1];
}

/**
 * Records a fax's final status on its order (`fax-status`). A failed fax is commented on the
 * record of every open line; when no other channel reached the supplier either, the records get
 * 要対応 and the operators' alarm fires. A status already recorded changes nothing (the gateway
 * retries callbacks); a record deleted in kintone, or an app no longer configured, is skipped,
 * as failing would make the gateway retry the callback for days.
 */
export async function recordFaxStatus(
  update: FaxStatusUpdate,
  deps: FaxStatusRecordDeps,
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
  const order = await deps.orders.get(update.orderNumber);
  if (!order) {
    deps.logger.warn('fax status for an unknown order skipped', {
      orderNumber: update.orderNumber,
      faxId: update.faxId,
    });
    return { ...outcome, result: 'unknown-order' };
  }
  const recorded = lastFaxStatus(order);
  if (recorded?.status === update.status && recorded.detail === update.detail) {
    // An earlier attempt may have recorded the status and then failed to tell staff.
    const attention = await reportIfAllChannelsFailed(order, deps);
    // Also catches up a record an earlier attempt failed to write (no call when it is current).
    await writeOrderLedger(attention.order, deps);
    return { ...outcome, result: 'duplicate', needsAttention: attention.reported };
  }
  const app = findApp(deps.config, order.appId);
  const lineIds = openLines(order).map((line) => line.lineId);
  if (update.status === 'failed' && app && lineIds.length > 0) {
    await commentOnLines(
      deps.kintone,
      order,
      lineIds,
      `発注依頼 ${update.orderNumber} のFAXを送信できませんでした: ${update.detail ?? '理由不明'}`,
      { logger: deps.logger },
    );
  }
  const updated = await deps.orders.append(order.orderNumber, {
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
  await writeOrderLedger(attention.order, deps);
  return { ...outcome, needsAttention: attention.reported };
}
