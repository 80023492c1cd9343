import type { AppConfig } from '../config/schema';
import { formatNumber } from '../domain/reason';
import type { PurchaseOrder, PurchaseOrderLine } from '../domain/purchase-order';
import type { WriteBackOutcome } from './write-back';

/**
 * What an item's record shows about its line of a gathered order before the order is sent:
 * 待機中 while the line waits (the item is on order, the number is known), and the notice when
 * the line was taken off the order again (the item recovered, or staff closed it).
 */

/** The due time as staff read it: `12/02 15:00` in the configured time zone. */
export function dueTimeText(dueAt: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('ja-JP', {
    timeZone,
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(dueAt));
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('month')}/${part('day')} ${part('hour')}:${part('minute')}`;
}

/**
 * The reason a waiting line shows: the order it is on, its own quantity, when the order goes out,
 * and why the line was ordered.
 *
 * @example
 * waitingReason(order, line, 'Asia/Tokyo');
 * // '発注依頼 PO-20261202-0001 に 84本 を追加しました。12/02 15:00 にまとめて送信します。在庫数 18 ≤ …'
 */
export function waitingReason(
  order: PurchaseOrder,
  line: PurchaseOrderLine,
  timeZone: string,
): string {
  return (
    `発注依頼 ${order.orderNumber} に ${formatNumber(line.quantity)}${line.unit} を追加しました。` +
    `${dueTimeText(order.dueAt, timeZone)} にまとめて送信します。${line.reason}`
  );
}

/** Desired write-back of a line waiting for its order: 待機中, the number and the line's reason. */
export function waitingOutcome(
  app: AppConfig,
  order: PurchaseOrder,
  line: PurchaseOrderLine,
  timeZone: string,
): WriteBackOutcome {
  return {
    status: app.statuses.waiting,
    orderNumber: order.orderNumber,
    reason: waitingReason(order, line, timeZone),
  };
}

/** How every reason of a line taken off its order begins. */
export const DROPPED_REASON_PREFIX = '発注待ちから外しました';

/** The reason of a line taken off its gathering order: why (the item's decision, staff's status). */
export function droppedReason(why: string): string {
  return `${DROPPED_REASON_PREFIX}: ${why}`;
}

/** Why a line is dropped when staff set a closing status (入荷済, キャンセル) while it waited. */
export function closedByStaffWhy(status: string): string {
  return `送信前に「${status}」にされたため、この品目は発注しません`;
}

/**
 * Desired write-back of a dropped line: back to 未発注 without the order's number when the item
 * recovered; the closing status staff set stays when they closed it.
 */
export function droppedOutcome(app: AppConfig, reason: string, byStaff: boolean): WriteBackOutcome {
  return byStaff ? { reason } : { status: app.statuses.idle, orderNumber: '', reason };
}

/** The record comment for lines of this record taken off their orders before the send. */
export function droppedComment(
  drops: readonly { orderNumber: string; sku: string; name: string; why: string }[],
): string {
  return [
    `${DROPPED_REASON_PREFIX} (まだ仕入先へは送っていません)。`,
    ...drops.map((drop) => `・${drop.orderNumber} ${drop.sku} ${drop.name}: ${drop.why}`),
  ].join('\n');
}
