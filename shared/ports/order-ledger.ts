/**
 * The order app (発注管理): one record per purchase order, kept by the bridge. The record's
 * fields are built by `kintone/order-ledger-record` (kintone's field shapes stay there); the
 * port only adds, finds and updates records and comments on them.
 */

/** One record's fields as kintone takes them: field code to `{ value }` (tables included). */
export type LedgerRecordValues = Record<string, { value: unknown }>;

export interface OrderLedger {
  /** The id of the record whose order number field holds `orderNumber`, if any (one GET). */
  findByOrderNumber(orderNumber: string): Promise<string | undefined>;
  /** Adds a record and returns its id (one POST). */
  add(values: LedgerRecordValues): Promise<string>;
  /** Updates the given fields of the record (one PUT, no revision check). */
  update(recordId: string, values: LedgerRecordValues): Promise<void>;
  /** Adds a comment to the record (one POST). */
  addComment(recordId: string, text: string): Promise<void>;
}
