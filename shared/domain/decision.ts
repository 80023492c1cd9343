/**
 * Every evaluation ends in exactly one decision, with a reason a person can read (Japanese,
 * because it is shown to staff in kintone).
 */
export type Decision =
  | OrderDecision
  | {
      kind: 'order-open';
      reason: string;
      orderNumber: string;
      closedOrderNumber?: undefined;
    }
  | { kind: 'no-order'; reason: string; closedOrderNumber?: string }
  | { kind: 'snoozed'; reason: string; closedOrderNumber?: string }
  | { kind: 'cannot-evaluate'; reason: string; closedOrderNumber?: string }
  /** Older `$revision` than already processed. */
  | { kind: 'stale'; reason: string; closedOrderNumber?: undefined }
  /** This revision was already evaluated (a replayed notification). */
  | { kind: 'replay'; reason: string; closedOrderNumber?: undefined };

export interface OrderDecision {
  kind: 'order';
  reason: string;
  quantity: number;
  /** Inventory position that triggered the order. */
  position: number;
  /**
   * Calendar date (YYYY-MM-DD) = today in the policy's time zone + lead time (business days of
   * the policy's `deliveryCalendar` when it has one).
   */
  desiredDeliveryDate: string;
  /** Set when the same record also closed the previous open order. */
  closedOrderNumber?: string;
}

export type DecisionKind = Decision['kind'];
