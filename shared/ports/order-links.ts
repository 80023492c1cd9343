import type { SupplierContact } from '../domain/item';

/** Signs the link to an order's page, where the supplier answers without an account. */
export interface OrderLinkSigner {
  /** The full URL of the order's page, signed for this supplier, valid from `now`. */
  sign(orderNumber: string, supplier: SupplierContact, now: Date): Promise<string>;
}
