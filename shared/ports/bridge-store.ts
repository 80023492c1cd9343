import type { DecisionKind } from '../domain/decision';
import type { OrderChannel } from '../domain/channels';
import type { OrderRequest } from '../domain/order';
import type { SupplierAnswer } from '../domain/supplier-answer';

/** Identifies one inventory item: one kintone record of one app. */
export interface ItemKey {
  appId: string;
  recordId: string;
}

/** What SES last reported about the order request email. */
export const DELIVERY_STATUSES = ['delivered', 'bounced', 'complained', 'rejected'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Steps of one order, recorded as each completes so a retry redoes only what is missing. */
export interface OrderSteps {
  emailSentAt?: string;
  emailMessageId?: string;
  writtenBackAt?: string;
  commentedAt?: string;
  /** Delivery status from SES events, with the event's time and a short description. */
  deliveryStatus?: DeliveryStatus;
  deliveryDetail?: string;
  deliveryAt?: string;
  /** The email could not be sent at all (rejected address, refused by SES): not retried. */
  emailFailedAt?: string;
  emailFailure?: string;
  /** The fax gateway accepted the fax. */
  faxSentAt?: string;
  faxId?: string;
  faxGateway?: string;
  /** The fax's final outcome: from the gateway's status callback, or a refused upload. */
  faxStatus?: FaxOutcome;
  faxDetail?: string;
  faxStatusAt?: string;
  /**
   * A send failed for now and the record was told so (送信待ち) — once per order: the webhook
   * of that write must not set off another write while the outage lasts.
   */
  sendDelayedAt?: string;
  sendDelayedReason?: string;
  /** Every channel failed; staff were told on the record (status 要対応). */
  attentionAt?: string;
  attentionReason?: string;
  /** The supplier's current answer on the order page, and when it was given. */
  supplierAnswer?: SupplierAnswer;
  supplierAnswerAt?: string;
  /**
   * Every answer recorded, oldest first, so a change of answer stays visible; only the newest
   * {@link SUPPLIER_ANSWER_HISTORY_LIMIT} are kept.
   */
  supplierAnswerHistory?: SupplierAnswerEntry[];
}

/** One answer as the order's history keeps it. */
export interface SupplierAnswerEntry {
  at: string;
  answer: SupplierAnswer;
}

/** How many answers an order's history keeps (the page's rate limit keeps it from churning). */
export const SUPPLIER_ANSWER_HISTORY_LIMIT = 20;

export type FaxOutcome = 'delivered' | 'failed';

export type OrderStep =
  | { kind: 'email-sent'; at: string; messageId: string }
  | { kind: 'written-back'; at: string }
  | { kind: 'commented'; at: string }
  | { kind: 'delivery'; at: string; status: DeliveryStatus; detail: string }
  | { kind: 'email-failed'; at: string; detail: string }
  | { kind: 'fax-sent'; at: string; faxId: string; gateway: string }
  | { kind: 'fax-status'; at: string; status: FaxOutcome; detail?: string }
  /** Adds a channel after the order was created (fax as the fallback for a failed email). */
  | { kind: 'channel-added'; at: string; channel: OrderChannel }
  | { kind: 'needs-attention'; at: string; reason: string }
  | { kind: 'send-delayed'; at: string; reason: string }
  /** The supplier answered on the order page (a later answer replaces it; history keeps both). */
  | { kind: 'supplier-answer'; at: string; answer: SupplierAnswer };

export type OrderStatus = 'open' | 'closed';

/** One SUBTABLE row of an order: the row, and where its membership is kept. */
export interface OrderRowMember {
  /** kintone's row id inside the record's table. */
  rowId: string;
  /** The row's item key (`recordId` of {@link ItemKey}, see `rowItemId`). */
  itemRecordId: string;
  /** The row's cycle this order belongs to. */
  cycle: number;
}

/**
 * Where an order's lines live when the app keeps items in a SUBTABLE: one kintone record, one
 * table, one row per line. The order itself is kept at its first row (the lead); every other
 * row holds a membership ({@link StoredOrder.memberOf}) so its own state knows the order.
 */
export interface OrderRows {
  /** The kintone record holding the table. */
  recordId: string;
  /** Field code of the SUBTABLE. */
  subtable: string;
  members: OrderRowMember[];
}

/**
 * One order. An item's orders are numbered by cycle (1, 2, ...): at most one order exists per
 * cycle, and the cycle only advances when its order is closed. That is what makes "one order
 * per shortage" hold under retries: creating the order for a cycle is a conditional write.
 */
export interface StoredOrder {
  appId: string;
  recordId: string;
  cycle: number;
  /**
   * Where the request goes, resolved when the order was created (addresses checked). Orders
   * stored before channels existed have none and went by email.
   */
  channels?: OrderChannel[];
  status: OrderStatus;
  request: OrderRequest;
  /** True when the app's on-order field includes the bridge's orders. */
  reflectedInKintone: boolean;
  createdAt: string;
  createdByNotificationId: string;
  steps: OrderSteps;
  closedAt?: string;
  /** The kintone status value that closed it (入荷済, キャンセル, ...). */
  closedStatus?: string;
  /** Set when the lines are rows of a SUBTABLE; write-back goes to those rows. */
  rows?: OrderRows;
  /**
   * Set on a row's membership in an order kept at its lead row: a copy of the request for the
   * row's own state, without steps. Memberships are never found by order number.
   */
  memberOf?: { recordId: string; cycle: number };
}

/** What the bridge remembers about one item. */
export interface ItemRecord {
  appId: string;
  recordId: string;
  /** Current order cycle; starts at 1. */
  cycle: number;
  /** Highest `$revision` fully processed. */
  lastRevision?: number;
  lastDecision?: { kind: DecisionKind | 'deleted'; reason: string; at: string };
  deletedAt?: string;
}

export interface LoadedItem {
  item: ItemRecord;
  /** The order of the item's current cycle, if one was created. */
  currentOrder?: StoredOrder;
}

export interface CompletedNotification {
  notificationId: string;
  key: ItemKey;
  /** Revision the notification carried; the item's lastRevision only ever grows. */
  revision?: number;
  decision: { kind: DecisionKind | 'deleted'; reason: string };
  at: string;
}

/** The bridge's state: items, orders, processed notifications, order numbers. */
export interface BridgeStore {
  /** True when the notification id was completed before (a replay). */
  hasProcessed(notificationId: string): Promise<boolean>;

  /** Loads an item's state; a never-seen item comes back as cycle 1 with nothing else. */
  loadItem(key: ItemKey): Promise<LoadedItem>;

  /**
   * Allocates the next order number for a date, e.g. `PO-20261128-0001`. Numbers are unique;
   * a crash between allocation and {@link createOrder} leaves a gap, never a duplicate.
   */
  allocateOrderNumber(prefix: string, orderDate: string): Promise<string>;

  /**
   * Creates the order of `order.cycle` unless that cycle already has one, in which case the
   * existing order is returned with `created: false` (a retry, or a concurrent twin).
   */
  createOrder(order: StoredOrder): Promise<{ order: StoredOrder; created: boolean }>;

  /**
   * Finds an order by its number (any cycle, open or closed); undefined when there is none.
   * The order comes back as stored now, steps included.
   */
  findOrderByNumber(orderNumber: string): Promise<StoredOrder | undefined>;

  /** Records a completed step of an order and returns the updated order. */
  recordOrderStep(key: ItemKey, cycle: number, step: OrderStep): Promise<StoredOrder>;

  /** Closes the order of `cycle` and moves the item to the next cycle. Idempotent. */
  closeOrder(key: ItemKey, cycle: number, closedAt: string, closedStatus: string): Promise<void>;

  /** Marks a notification done and raises the item's lastRevision. Idempotent. */
  completeNotification(done: CompletedNotification): Promise<void>;

  /** Remembers that the record was deleted in kintone. */
  markDeleted(key: ItemKey, at: string): Promise<void>;

  /**
   * Remembers a nonce rendered into an order page's form, valid for that order until
   * `expiresAt` (epoch seconds). Nonces are random; issuing the same one twice replaces it.
   */
  issuePageNonce(orderNumber: string, nonce: string, expiresAt: number): Promise<void>;

  /**
   * Uses up a page nonce: true exactly once for a nonce issued for this order and not expired
   * at `now`; false when it is unknown, expired, issued for another order or already used.
   */
  consumePageNonce(orderNumber: string, nonce: string, now: Date): Promise<boolean>;

  /**
   * Counts one request to an order's page in a time window (such as `2026-11-29T07`, one
   * hour) and returns the count so far, this request included. Counting is atomic.
   */
  countPageRequest(orderNumber: string, window: string): Promise<number>;

  /**
   * Counts one kintone API request to an app on a quota day (`YYYY-MM-DD`, from
   * `kintoneQuotaDay(now)`) and returns the day's count so far, this request included.
   * Counting is atomic, so of concurrent callers exactly one sees each number.
   */
  countKintoneCall(appId: string, day: string): Promise<number>;
}
