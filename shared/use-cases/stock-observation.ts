import { learningFor } from '../config/learning';
import type { AppConfig, BridgeConfig } from '../config/schema';
import type { Decision } from '../domain/decision';
import { receivedQuantity } from '../domain/follow-up';
import type { MappedItem } from '../domain/item';
import type { PurchaseOrder, PurchaseOrderLine } from '../domain/purchase-order';
import type { ItemKey } from '../ports/item-states';
import type { BridgeLogger } from '../ports/logger';
import type { ItemStockObservation, StockHistory } from '../ports/stock-history';
import { describeFailure } from './failure-kind';

/**
 * What the dispatcher tells the learning (issue 14) about each notification: the items' stock
 * as the record shows it, the goods receipts of this edit, the orders placed, and in shadow
 * mode the orders it would have placed. One write per notification, and never its failure: an
 * order must not wait for the learning.
 */

/** An item of the notification as the dispatcher decided it (a subset of its work item). */
export interface ObservedItem {
  key: ItemKey;
  mapped: MappedItem;
  decision: Decision;
  /** Units a goods receipt of the item's line brought with this edit. */
  receipt?: number;
  /** Shadow mode: the quantity the bridge would have ordered. */
  shadowOrder?: number;
  /** The order line the item was put on by this notification. */
  ordered?: { orderNumber: string; quantity: number };
}

/** Units a receipt of `line` brings when the received total becomes `total` (default: all). */
export function receiptQuantity(
  order: PurchaseOrder,
  line: PurchaseOrderLine,
  total: number = line.quantity,
): number {
  return Math.max(0, total - receivedQuantity(order, line.lineId));
}

/** True when the app runs in shadow mode: orders are recorded, never placed. */
export function inShadowMode(config: BridgeConfig, app: AppConfig): boolean {
  return learningFor(config, app)?.shadow === true;
}

/**
 * Shadow mode: every item due for an order is recorded as a would-be order and decided
 * `no-order` instead, so nothing is placed, sent or written as ordered.
 */
export function shadowDueItems<T extends ObservedItem>(items: T[]): void {
  for (const item of items) {
    if (item.decision.kind !== 'order') continue;
    item.shadowOrder = item.decision.quantity;
    item.decision = {
      kind: 'no-order',
      reason: `シャドーモード (送信していません): ${item.decision.reason}`,
    };
  }
}

/** The observations of the notification's items (none for a stale or replayed revision). */
export function observationsOf(
  appId: string,
  at: string,
  items: readonly ObservedItem[],
): ItemStockObservation[] {
  return items.flatMap((item): ItemStockObservation[] => {
    const { decision, mapped } = item;
    // An old revision shows old values, and a replay the same ones again.
    if (!mapped.ok || decision.kind === 'stale' || decision.kind === 'replay') return [];
    const snapshot = mapped.item;
    const recorded = snapshot.recorded;
    return [
      {
        appId,
        itemId: item.key.recordId,
        sku: snapshot.sku,
        name: snapshot.name,
        ...(snapshot.supplier.code !== undefined ? { supplierCode: snapshot.supplier.code } : {}),
        at,
        quantity: snapshot.onHand,
        reorderPoint: snapshot.reorderPoint,
        ...(snapshot.maxStock !== undefined ? { maxStock: snapshot.maxStock } : {}),
        leadTimeDays: snapshot.leadTimeDays,
        ...(snapshot.onOrder !== undefined ? { onOrder: snapshot.onOrder } : {}),
        ...(snapshot.stockChangeReason !== undefined
          ? { changeReason: snapshot.stockChangeReason }
          : {}),
        ...(item.receipt !== undefined && item.receipt > 0
          ? { cause: { kind: 'receipt' as const, received: item.receipt } }
          : {}),
        ...(item.ordered ? { ordered: item.ordered } : {}),
        ...(item.shadowOrder !== undefined ? { wouldOrder: { quantity: item.shadowOrder } } : {}),
        ...(recorded.orderNumber !== ''
          ? {
              recordedOrder: {
                orderNumber: recorded.orderNumber,
                ...(recorded.orderedAt !== '' ? { orderedAt: recorded.orderedAt } : {}),
              },
            }
          : {}),
      },
    ];
  });
}

/** True when the notification's stock is recorded: the app learns and there is a history. */
export function recordsStock(
  deps: { config: BridgeConfig; stockHistory?: StockHistory },
  app: AppConfig,
): boolean {
  return deps.stockHistory !== undefined && learningFor(deps.config, app) !== undefined;
}

/**
 * Records the notification's observations when the app learns (one write); a failure is
 * logged, not thrown.
 */
export async function recordStock(
  deps: { config: BridgeConfig; stockHistory?: StockHistory; logger: BridgeLogger },
  app: AppConfig,
  notificationId: string,
  at: string,
  items: readonly ObservedItem[],
): Promise<void> {
  if (!deps.stockHistory || !recordsStock(deps, app)) return;
  const observations = observationsOf(app.appId, at, items);
  if (observations.length === 0) return;
  try {
    await deps.stockHistory.record(app.appId, notificationId, observations);
  } catch (error) {
    deps.logger.warn('stock history not recorded: the learning misses this change', {
      appId: app.appId,
      notificationId,
      error: describeFailure(error),
    });
  }
}
