import type { SupplierContact } from './item';

/** The ordering company's block, printed on every order request. */
export interface CompanyBlock {
  name: string;
  postalCode?: string;
  address: string;
  phone: string;
  fax?: string;
  /** Address order requests are sent from (and replies go to). */
  email: string;
  contactName?: string;
}

export interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  unit: string;
  /** The SUBTABLE row the line was ordered for, when the app keeps items in rows. */
  rowId?: string;
  /** Why this line was ordered, when the order has several lines (each row has its own). */
  reason?: string;
}

/**
 * A 発注依頼 ready to send: everything the supplier sees. Built once per order and stored, so
 * that a retry renders exactly the same request under the same order number.
 */
export interface OrderRequest {
  orderNumber: string;
  /** ISO timestamp at which the order was created. */
  orderedAt: string;
  /** Calendar date of the order (YYYY-MM-DD) in the ordering company's time zone. */
  orderDate: string;
  desiredDeliveryDate: string;
  supplier: SupplierContact;
  lines: OrderLine[];
  company: CompanyBlock;
  /** Why the bridge ordered (Japanese), also written to kintone. */
  reason: string;
  /** The signed page where the supplier answers (email link, QR code on the fax). */
  supplierPageUrl?: string;
}
