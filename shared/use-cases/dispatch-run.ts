/**
 * What the steps of one record notification's dispatch share: its collaborators, the record,
 * the orders the run has read or written (each as last stored), and the orders it is to
 * complete. `processNotification` (process-notification.ts) runs the steps in order;
 * `DuePlacement` (place-due-items.ts) is the one that puts due items on orders.
 *
 * @module
 */
import type { AppConfig, BridgeConfig } from '../config/schema';
import type { Calendars } from '../domain/business-calendar';
import type { Decision } from '../domain/decision';
import type { MappedItem, RecordedOutcome } from '../domain/item';
import type { PurchaseOrder, PurchaseOrderLine } from '../domain/purchase-order';
import type { BridgeMetrics } from '../ports/bridge-metrics';
import type { FaxHandoff, FaxSending } from '../ports/fax-gateway';
import type { ItemKey, ItemState, ItemStateStore } from '../ports/item-states';
import type { KintoneRecordWriter } from '../ports/kintone-record-writer';
import type { BridgeLogger } from '../ports/logger';
import type { OrderLedger } from '../ports/order-ledger';
import type { OrderLinkSigner } from '../ports/order-links';
import type { OrderMailer } from '../ports/order-mailer';
import type { OrderStore } from '../ports/order-store';
import type { ProcessedNotifications } from '../ports/processed-notifications';
import type { StockHistory } from '../ports/stock-history';
import type { SupplierDirectory } from '../ports/supplier-directory';

/** Collaborators of the dispatcher, built once in the function's wiring. */
export interface DispatchDeps {
  config: BridgeConfig;
  /** The purchase orders (lines claim their items' cycles). */
  orders: OrderStore;
  /** What the bridge remembers per item (cycle, last revision, its open order). */
  items: ItemStateStore;
  /** Completed notifications, so a replay does nothing. */
  processed: ProcessedNotifications;
  mailer: OrderMailer;
  kintone: KintoneRecordWriter;
  logger: BridgeLogger;
  /** Injected so tests and replays control time. */
  now: () => Date;
  /** Counts OrdersCreated and EmailsSent; counts nothing when left out. */
  metrics?: BridgeMetrics;
  /** Renders and sends faxes here (tests); the deployed dispatcher has `faxHandoff` instead. */
  fax?: FaxSending;
  /**
   * Hands faxes to the fax function. Without it or `fax`, suppliers that need a fax get 要確認.
   */
  faxHandoff?: FaxHandoff;
  /** Signs the link to each order's page when it is sealed; without it, no page link. */
  orderLinks?: OrderLinkSigner;
  /**
   * The supplier master (config `supplierMaster`), asked only when an order is due; without
   * it the record's own supplier fields are used.
   */
  suppliers?: SupplierDirectory;
  /** The order app (発注管理): orders are written there as they move; nothing without it. */
  ledger?: OrderLedger;
  /**
   * Business days (`calendarFromConfig`): lead times count the supplier's delivery calendar and
   * cut-offs the company's; without it, calendar days.
   */
  calendars?: Calendars;
  /** The learning's stock history (issue 14): one write per notification of an app that learns. */
  stockHistory?: StockHistory;
}

/** One item of the notification's record, as read and decided. */
export interface ItemWork {
  key: ItemKey;
  rowId?: string;
  /** Field codes the row itself has (rows only): only these can be written. */
  cells?: ReadonlySet<string>;
  mapped: MappedItem;
  recorded: RecordedOutcome;
  state: ItemState;
  /** The item's cycle for a new line (advanced when this notification closed its line). */
  cycle: number;
  /** The order and line the item is on (active: neither dropped nor closed). */
  open?: { orderNumber: string; lineId: string };
  decision: Decision;
  /** Taken off a gathering order by this notification, and why. */
  dropped?: { orderNumber: string; why: string; byStaff: boolean };
  closedOrderNumber?: string;
  /** Staff received part of the line with this edit (入荷数 below the quantity): the total. */
  partialReceipt?: number;
  /** Units a goods receipt of the item's line brought with this edit (for the learning). */
  receipt?: number;
  /** Shadow mode: the quantity the bridge would have ordered (and did not). */
  shadowOrder?: number;
  writeBackMissing?: string[];
}

/** One record notification's dispatch: what its steps read and keep. */
export class DispatchRun {
  readonly at: string;
  /** The orders this run knows, by number, as last stored. */
  readonly orders = new Map<string, PurchaseOrder>();
  /** Orders to complete (send, write back, comment) in this run. */
  readonly toComplete = new Set<string>();

  constructor(
    readonly notificationId: string,
    /** The notification's record (a table's rows are items of it). */
    readonly recordId: string,
    readonly app: AppConfig,
    readonly deps: DispatchDeps,
    readonly now: Date,
  ) {
    this.at = now.toISOString();
  }

  /** Reads the order again and keeps it; undefined when there is no such order. */
  async refresh(orderNumber: string): Promise<PurchaseOrder | undefined> {
    const order = await this.deps.orders.get(orderNumber);
    if (order) this.orders.set(orderNumber, order);
    return order;
  }

  /** The order and line the item is on, as this run last stored them. */
  lineOf(item: ItemWork): { order: PurchaseOrder; line: PurchaseOrderLine } | undefined {
    if (!item.open) return undefined;
    const order = this.orders.get(item.open.orderNumber);
    const line = order?.lines.find((candidate) => candidate.lineId === item.open?.lineId);
    return order && line ? { order, line } : undefined;
  }
}
