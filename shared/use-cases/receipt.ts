import type { AppConfig } from '../config/schema';
import { receivedQuantity } from '../domain/follow-up';
import type { RecordedOutcome } from '../domain/item';
import type { PurchaseOrder, PurchaseOrderLine } from '../domain/purchase-order';
import type { WriteBackOutcome } from '../kintone/write-back';
import type { OrderStore } from '../ports/order-store';

/**
 * Receipt of part of a line (issue 12). Staff close a line by setting the receipt status (the
 * first of `statuses.closed`, 入荷済 by default) next to the order number. With
 * `fields.receivedQuantity` (入荷数) mapped and filled in below the line's quantity, the line
 * is NOT closed: its order gets `line-received` with that total, the item stays on order for
 * the rest (`quantityOnOrder` is what remains) and the record shows `statuses.partiallyReceived`
 * (一部入荷) with what came and what is still on order. A later 入荷済 with the full quantity
 * (or an empty 入荷数) closes the line as before; any other closing status (キャンセル) closes it
 * whatever the quantity. Follow-up goes on for the rest (its 納期遅延 included).
 */

/**
 * The total received when this edit of the record is a partial receipt of `line`, else
 * undefined (not mapped, not filled in, not the receipt status, or all of it received).
 */
export function partialReceiptOf(
  app: AppConfig,
  recorded: RecordedOutcome,
  line: PurchaseOrderLine,
): number | undefined {
  const received = recorded.receivedQuantity;
  if (app.fields.receivedQuantity === undefined || received === undefined) return undefined;
  if (recorded.status !== app.statuses.closed[0]) return undefined;
  return received < line.quantity ? received : undefined;
}

/** Appends `line-received` unless the order already records this total for the line. */
export async function recordPartialReceipt(
  orders: Pick<OrderStore, 'append'>,
  order: PurchaseOrder,
  line: PurchaseOrderLine,
  received: number,
  at: string,
): Promise<PurchaseOrder> {
  if (receivedQuantity(order, line.lineId) === received) return order;
  return orders.append(order.orderNumber, {
    kind: 'line-received',
    at,
    lineId: line.lineId,
    quantity: received,
  });
}

/** What the record says after a partial receipt. */
export function partialReceiptReason(
  order: PurchaseOrder,
  line: PurchaseOrderLine,
  received: number,
): string {
  const rest = Math.max(0, line.quantity - received);
  return (
    `発注 ${order.orderNumber} の ${line.quantity}${line.unit} のうち ${received}${line.unit} が入荷しました。` +
    `残り ${rest}${line.unit} は発注中です (全数入荷したら入荷数を ${line.quantity} にして入荷済にしてください)。`
  );
}

/** The record's fields after a partial receipt: 一部入荷, the order number and the reason. */
export function partialReceiptOutcome(
  app: AppConfig,
  order: PurchaseOrder,
  line: PurchaseOrderLine,
): WriteBackOutcome {
  return {
    status: app.statuses.partiallyReceived,
    orderNumber: order.orderNumber,
    reason: partialReceiptReason(order, line, receivedQuantity(order, line.lineId)),
  };
}
