import type { BridgeStore, StoredOrder } from '../ports/bridge-store';
import type { FieldValues, KintoneRecordWriter, RowValues } from '../ports/kintone-record-writer';

/**
 * Where an order lives in kintone: a record, or rows of a record's table. Every step that
 * writes an order's outcome (dispatch, delivery, fax status, the supplier's answer, 要対応)
 * goes through here, so a row order is written into its rows and never onto the record.
 */

/** The kintone record of an order (for a row order, the record holding its table). */
export function orderRecordId(order: StoredOrder): string {
  return order.rows?.recordId ?? order.recordId;
}

/**
 * True while the order's kintone record exists, as far as the bridge knows (kintone reported no
 * deletion). A deleted record cannot take a write or a comment: kintone answers 404, and a
 * callback failing on it would be retried for days. For a row order this is the record holding
 * the table, which is what kintone's delete notification names.
 */
export async function orderRecordExists(
  order: StoredOrder,
  store: Pick<BridgeStore, 'loadItem'>,
): Promise<boolean> {
  const { item } = await store.loadItem({ appId: order.appId, recordId: orderRecordId(order) });
  return item.deletedAt === undefined;
}

/**
 * Writes field values for an order: onto its record, or into each of its rows (other rows and
 * values kept). `perRow` adds a row's own values (its line's reason) over `values`; `onlyRows`
 * limits the write to those rows (the ones still open, for a late answer). Returns
 * the field codes written; nothing is written, and no call made, when there is nothing to set.
 */
export async function writeOrderFields(
  kintone: KintoneRecordWriter,
  order: StoredOrder,
  values: FieldValues,
  perRow?: (rowId: string) => FieldValues,
  onlyRows?: ReadonlySet<string>,
): Promise<string[]> {
  if (!order.rows) {
    if (Object.keys(values).length === 0) return [];
    await kintone.updateFields(order.appId, order.recordId, values);
    return Object.keys(values);
  }
  const rows: RowValues = {};
  for (const { rowId } of order.rows.members) {
    if (onlyRows && !onlyRows.has(rowId)) continue;
    const rowValues = { ...values, ...perRow?.(rowId) };
    if (Object.keys(rowValues).length > 0) rows[rowId] = rowValues;
  }
  if (Object.keys(rows).length === 0) return [];
  const { updatedRows } = await kintone.updateRows(
    order.appId,
    order.rows.recordId,
    order.rows.subtable,
    rows,
  );
  return [...new Set(updatedRows.flatMap((rowId) => Object.keys(rows[rowId] ?? {})))];
}

/** Adds a comment to the order's record. */
export async function commentOnOrder(
  kintone: KintoneRecordWriter,
  order: StoredOrder,
  text: string,
): Promise<void> {
  await kintone.addComment(order.appId, orderRecordId(order), text);
}

/**
 * The rows of a row order whose share is still open: not received or cancelled, the row not
 * deleted. One read per row.
 */
export async function openRowIds(
  order: StoredOrder,
  store: Pick<BridgeStore, 'loadItem'>,
): Promise<Set<string>> {
  const open = new Set<string>();
  for (const member of order.rows?.members ?? []) {
    const { item, currentOrder } = await store.loadItem({
      appId: order.appId,
      recordId: member.itemRecordId,
    });
    if (
      item.deletedAt === undefined &&
      item.cycle === member.cycle &&
      currentOrder?.status === 'open' &&
      currentOrder.request.orderNumber === order.request.orderNumber
    ) {
      open.add(member.rowId);
    }
  }
  return open;
}

/**
 * The order as its supplier sees it: a row order stays open while any of its rows is still
 * waiting for goods. The order itself is kept at its first row, and closing that row (goods of
 * that line received) closes the stored order; the supplier may still answer for the rest.
 * Reads the rows only for a row order whose stored status is closed.
 */
export async function withSupplierStatus(
  order: StoredOrder,
  store: Pick<BridgeStore, 'loadItem'>,
): Promise<StoredOrder> {
  if (order.status === 'open' || !order.rows) return order;
  return (await openRowIds(order, store)).size > 0 ? { ...order, status: 'open' } : order;
}
