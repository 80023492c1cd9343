import type { SupplierContact } from './item';
import type { OrderTotals } from './pricing';
import type { TaxClass } from './purchase-order';

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
  /** The purchase order's line id (stable within the order), for answers per line. */
  lineId?: string;
  /** Yen per unit, when the item has a price. */
  unitPrice?: number;
  /** `unitPrice × quantity` in whole yen, when priced. */
  amount?: number;
  /** 消費税 class; absent means standard. Shown (※軽減税率) only on priced orders. */
  taxClass?: TaxClass;
  /**
   * This line's desired delivery date (YYYY-MM-DD), when the lines of the order differ in lead
   * time; the order's `desiredDeliveryDate` is then the latest of them.
   */
  desiredDeliveryDate?: string;
}

/** Where the supplier delivers (納品先), as the order shows it. */
export interface ShipToBlock {
  name: string;
  postalCode?: string;
  address: string;
  phone?: string;
  /** The person who receives the goods (担当). */
  contact?: string;
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
  /**
   * The ordering company's IANA time zone, in which the documents read `linkExpiresAt` (the
   * other dates are calendar dates already). `Asia/Tokyo` when absent.
   */
  timeZone?: string;
  /** ISO timestamp until which `supplierPageUrl` opens the order; the email states the date. */
  linkExpiresAt?: string;
  /** 納品先: where the goods go, when the app configures delivery addresses. */
  shipTo?: ShipToBlock;
  /**
   * 小計, 消費税 per rate and 合計, when every line has a unit price. Without any price the
   * order shows nothing about money.
   */
  totals?: OrderTotals;
  /**
   * A reminder of an unanswered order (issue 12): the same order under the same number,
   * marked 【再送・ご確認のお願い】 in the email's subject and body and on the fax.
   */
  reminder?: boolean;
}
