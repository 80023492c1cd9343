/**
 * The bridge's own metrics, counted by the core and the handlers. The names are the contract
 * with the dashboard and alarms in infra/; the namespace and the `service` dimension come from
 * the Powertools settings of each function.
 */
export const METRIC_NAMES = [
  /**
   * webhook: a notification was queued. Counted from the webhook's log line
   * {@link NOTIFICATION_QUEUED_LOG_MESSAGE} by a CloudWatch Logs metric filter (infra/), not
   * emitted: that line is written for every queued notification anyway, and the webhook, the
   * one function called on every edit, then writes one line per request instead of two.
   */
  'NotificationsReceived',
  /** dispatch: an order was created (once per order, not per retry). */
  'OrdersCreated',
  /** dispatch: SES accepted an order request. */
  'EmailsSent',
  /** dispatch: processing a queued notification failed (it will be retried). */
  'DispatchFailures',
  /** ses-events: SES reported a bounce. */
  'EmailBounces',
  /** send-fax: the fax gateway accepted an order form. */
  'FaxesSent',
  /** send-fax: a fax job failed (it is retried, then goes to the fax queue's dead letters). */
  'FaxJobFailures',
  /** any: every channel to the supplier failed; staff were told (要対応). Alarmed. */
  'OrdersNeedingAttention',
  /**
   * dispatch, ses-events, fax-status: an app's kintone calls today reached 80 % or 95 % of
   * kintone's daily limit, or went past it (once per crossing, not per call). Alarmed.
   */
  'KintoneCallBudgetWarnings',
  /**
   * dispatch: a notification that can never be processed (the notification itself is wrong)
   * was parked and its record marked, so the record's later notifications go on. Alarmed.
   */
  'NotificationsParked',
  /** dispatch: an order's send failed for now; the record shows 送信待ち and it is retried. */
  'OrderSendsDelayed',
  /** send-due-orders: a reminder of an unanswered order went to the supplier (email or fax). */
  'RemindersSent',
  /** send-due-orders: a supplier did not answer even after the reminder; staff flagged (要対応). Alarmed. */
  'FollowUpsOverdue',
  /** send-due-orders: a delivery date passed without receipt (納期遅延), once per order and date. */
  'OrdersLate',
  /** send-due-orders: an order's approval is overdue even after the reminder; staff flagged (要対応). */
  'ApprovalsOverdue',
  /** any: writing an order to the order app (発注管理) failed; retried on the order's next run. */
  'LedgerWriteFailures',
  /** sweep: records read from kintone by a sweep. */
  'RecordsSwept',
  /** sweep: records queued because the bridge had not processed their revision. */
  'SweepRecordsQueued',
  /** sweep: items short of stock and on no order that no notification had brought. */
  'ShortagesFound',
  /** sweep: an app left partly unread because its kintone calls today near the limit. */
  'SweepsStoppedEarly',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

/** The webhook's log message for a queued notification: NotificationsReceived counts it. */
export const NOTIFICATION_QUEUED_LOG_MESSAGE = 'notification queued';

/**
 * Counts events. The Powertools adapter emits them as CloudWatch embedded metrics; tests pass a
 * recording fake, and the local stack a logging one.
 */
export interface BridgeMetrics {
  /** Adds `value` (default 1) to the metric's count for this invocation. */
  count(name: MetricName, value?: number): void;
}

/** Counts nothing: for callers that do not publish metrics. */
export const NO_METRICS: BridgeMetrics = { count: () => undefined };
