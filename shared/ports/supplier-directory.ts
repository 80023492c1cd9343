import type { SupplierContact } from '../domain/item';

/**
 * Where a supplier's current contact is read by its code: a kintone supplier master app in
 * production, an in-memory map in tests. Asked only when an order is due, so a notification
 * that needs no order costs no read.
 */
export interface SupplierDirectory {
  /**
   * The supplier with this code, or undefined when the directory has none. Only the values
   * the directory holds are set (`name` may be `''` when its name field is empty). Throws when
   * the directory cannot be read; the dispatcher's queue then retries the notification.
   */
  find(code: string): Promise<SupplierContact | undefined>;
}
