import type { StockCause } from '../domain/learning';

/**
 * What the learning (issue 14) keeps between notifications: the stock of each item as the
 * notifications showed it, with the levels staff set and what the bridge ordered (or, in shadow
 * mode, would have ordered), and the suggestion last written to each item.
 */

/** The stock of one item (a record, or a table row) as one notification showed it. */
export interface ItemStockObservation {
  appId: string;
  /** The record id, or `record:row` for a table row (as `ItemKey.recordId`). */
  itemId: string;
  sku: string;
  /** 品名, for the report. */
  name?: string;
  supplierCode?: string;
  /** ISO 8601 instant the notification was processed at. */
  at: string;
  /** On hand (在庫数). */
  quantity: number;
  /** 発注点 as staff set it. */
  reorderPoint?: number;
  /** 最大在庫 as staff set it. */
  maxStock?: number;
  /** The lead time (business days) the record gives: the suggestion's fallback. */
  leadTimeDays?: number;
  /** 発注残 as the record showed it, when the app maps it. */
  onOrder?: number;
  /** A goods receipt (入荷済 or 一部入荷 of an order line with this edit) or a correction. */
  cause?: StockCause;
  /** 入出庫区分 as the record showed it (`fields.stockChangeReason`), when the app maps it. */
  changeReason?: string;
  /** The bridge put the item on this order with this notification. */
  ordered?: { orderNumber: string; quantity: number };
  /** Shadow mode: the order the bridge would have placed (and did not). */
  wouldOrder?: { quantity: number };
  /** The order number the record shows (staff's own in shadow mode), and its 発注日時. */
  recordedOrder?: { orderNumber: string; orderedAt?: string };
}

/** A suggestion as last written to an item's record. */
export interface WrittenSuggestion {
  itemId: string;
  reorderPoint: number;
  orderUpTo: number;
  leadTimeDays: number;
  /** ISO instant it was written at. */
  writtenAt: string;
}

/** Items' stock over time, and the learning's memory of what it wrote. */
export interface StockHistory {
  /**
   * Records the observations of one notification (every item of the record) in one write, at
   * the observations' `at`. A retried notification may add a second entry with the same
   * values: a repeated quantity is no demand, and readers count an order once by its number.
   */
  record(
    appId: string,
    notificationId: string,
    observations: readonly ItemStockObservation[],
  ): Promise<void>;

  /** The app's observations with `from <= at < to`, oldest first. */
  list(appId: string, from: string, to: string): Promise<ItemStockObservation[]>;

  /** The suggestions last written to the app's items. */
  lastWritten(appId: string): Promise<WrittenSuggestion[]>;

  /** Remembers the suggestions just written (replacing each item's previous one). */
  rememberWritten(appId: string, written: readonly WrittenSuggestion[]): Promise<void>;

  /**
   * Claims the app's daily learning run for `day` (`YYYY-MM-DD`) at `now`, held until
   * `holdUntil`: the first claim of the day, or a claim of a run of that day that failed (see
   * {@link failRun}) or was never finished once its time has come. Undefined when the day's run
   * is done, held by a run still going, waiting for its retry, or a later day has been claimed.
   */
  claimRun(
    appId: string,
    day: string,
    now: Date,
    holdUntil: Date,
  ): Promise<LearningRunClaim | undefined>;

  /** The claimed run of `day` is done: no other claim of that day succeeds. */
  finishRun(appId: string, day: string): Promise<void>;

  /** The claimed run of `day` failed: it may be claimed again from `retryAt`. */
  failRun(appId: string, day: string, retryAt: Date): Promise<void>;
}

/** A claimed daily learning run. */
export interface LearningRunClaim {
  /** 1 for the day's first claim, then 2, 3, … for its retries. */
  attempt: number;
}
