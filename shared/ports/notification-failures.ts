/**
 * What the dispatcher remembers about notifications that failed, so operators (the local
 * `/dead-letters` page, `npm run replay`) can see why, and parked notifications can be
 * re-queued once their cause is fixed. SQS keeps no error with a dead-lettered message; this
 * log does.
 */

/** How a failure was handled. */
export type FailureDisposition =
  /** Transient (kintone 5xx/429, SES throttling, network): the queue retries it. */
  | 'retrying'
  /** The last attempt failed: the queue moves it to the dead letters. */
  | 'dead-lettered'
  /**
   * Permanent (the notification itself cannot be processed): the message completed so the
   * record's later notifications go on; the body is kept here for a replay after a fix.
   */
  | 'parked';

/** One failed attempt, as the dispatch handler reports it. */
export interface FailedAttempt {
  /** kintone's notification id (the queue's deduplication id). */
  notificationId: string;
  /** The queue's message id of this attempt. */
  messageId: string;
  /** App and record when the message could be read that far. */
  appId?: string;
  recordId?: string;
  /** kintone's notification type (UPDATE_RECORD, ...), when readable. */
  type?: string;
  /** The error, one line, without secrets. */
  error: string;
  disposition: FailureDisposition;
  /** This attempt's receive count (1 for the first). */
  attempt: number;
  /** ISO time of the attempt. */
  at: string;
  /** The queue message body, kept only for parked notifications (they leave the queue). */
  body?: string;
}

/** Everything known about one notification's failures. */
export interface NotificationFailure {
  notificationId: string;
  messageId: string;
  appId?: string;
  recordId?: string;
  type?: string;
  lastError: string;
  disposition: FailureDisposition;
  /** Attempts that failed so far. */
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
  body?: string;
}

export interface NotificationFailureLog {
  /** Records one failed attempt; attempts accumulate per notification id. */
  recordFailure(attempt: FailedAttempt): Promise<void>;
  /** The notification's failures, or undefined when none was recorded. */
  findFailure(notificationId: string): Promise<NotificationFailure | undefined>;
  /** Parked notifications (permanent failures), oldest first. */
  listParked(): Promise<NotificationFailure[]>;
  /** Forgets a notification's failures (after a successful replay or an operator's skip). */
  clearFailure(notificationId: string): Promise<void>;
}
