import type { BusinessCalendar } from './business-calendar';
import type { ShipTo, TaxClass } from './purchase-order';

/**
 * The item as the alert logic sees it: plain numbers and strings, already mapped from a
 * kintone record by the app's configuration. Nothing here knows a field code.
 */
export interface ItemSnapshot {
  appId: string;
  recordId: string;
  /** kintone `$revision` of the record this snapshot was read from. */
  revision: number;
  sku: string;
  name: string;
  unit: string;
  onHand: number;
  reorderPoint: number;
  /** Order-up-to level (s, S policy). When set it wins over `reorderQuantity`. */
  maxStock?: number;
  /** Fixed reorder quantity (s, Q policy), raised to cover the shortfall when needed. */
  reorderQuantity?: number;
  /** Orders are whole multiples of this (1 when the supplier sells singles). */
  packSize: number;
  /** The supplier's minimum order quantity (0 when there is none). */
  minimumOrder: number;
  /** Quantity on order as kintone records it, when the app has such a field. */
  onOrder?: number;
  /** Quantity promised to customers, when the app has such a field. */
  reserved?: number;
  leadTimeDays: number;
  /** Calendar date (YYYY-MM-DD) through which alerts for this item are snoozed. */
  snoozeUntil?: string;
  supplier: SupplierContact;
  /** Yen per unit, when the app maps a unit price field and the record has a value. */
  unitPrice?: number;
  /** 消費税 class, when the app maps a tax rate field: `reduced` for 軽減税率 items. */
  taxClass?: TaxClass;
  /** Where the item is delivered (納品先), resolved from the site field or the app's default. */
  shipTo?: ShipTo;
  /** Why the stock changed, as staff chose it (入出庫区分), when the app maps such a field. */
  stockChangeReason?: string;
  /** What kintone currently shows in the bridge's write-back fields. */
  recorded: RecordedOutcome;
}

export interface SupplierContact {
  code?: string;
  name: string;
  email?: string;
  fax?: string;
  /** The supplier's channel as the record states it; absent means the app's default. */
  channel?: 'email' | 'fax' | 'both';
}

/** The write-back fields as currently stored on the kintone record. */
export interface RecordedOutcome {
  status: string;
  orderNumber: string;
  orderedAt: string;
  reason: string;
  /** The previous answer's promised date and the email's delivery status, when mapped. */
  deliveryDate?: string;
  deliveryStatus?: string;
  /** 入荷数 staff entered (`fields.receivedQuantity`), when mapped and filled in. */
  receivedQuantity?: number;
}

/**
 * Result of mapping a record: either a usable snapshot, or the problems that make the
 * record impossible to evaluate (each a Japanese sentence naming the field code).
 */
export type MappedItem =
  | { ok: true; item: ItemSnapshot }
  | {
      ok: false;
      appId: string;
      recordId: string;
      revision: number;
      problems: string[];
      recorded: RecordedOutcome;
      /** Stock and reorder point, when both could be read despite the problems. */
      levels?: { onHand: number; reorderPoint: number };
    };

/** The bridge's own open order for an item, as the alert state remembers it. */
export interface OpenOrderRef {
  orderNumber: string;
  quantity: number;
  /**
   * True when kintone's on-order field already includes this order (the app's staff type
   * the bridge's orders into it), so the position must not count it twice.
   */
  reflectedInKintone: boolean;
}

/** What the bridge remembers about one item between notifications. */
export interface ItemAlertState {
  /** Highest `$revision` fully processed so far. */
  lastRevision?: number;
  openOrder?: OpenOrderRef;
}

/** The notification being evaluated, reduced to what the decision needs. */
export interface NotificationRef {
  id: string;
  revision: number;
}

/** Per-app rules that are not item data. */
export interface ReorderPolicy {
  /** Values of the status field that mean the open order is finished (received, cancelled). */
  closedStatuses: readonly string[];
  /** IANA time zone in which dates (snooze, delivery date) are read, e.g. `Asia/Tokyo`. */
  timeZone: string;
  /**
   * The business days the lead time counts (the company's and the supplier's, combined); without
   * it, calendar days.
   */
  deliveryCalendar?: BusinessCalendar;
}
