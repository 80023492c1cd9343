/** A queued kintone notification, as the webhook function hands it to the dispatcher. */
export interface QueuedNotification {
  /** kintone notification id; doubles as the FIFO deduplication id. */
  notificationId: string;
  /** FIFO message group: notifications of one record are processed in order. */
  groupId: string;
  /** The validated notification as JSON text. */
  body: string;
}

/** Where the webhook function puts notifications for the dispatcher. */
export interface NotificationQueue {
  enqueue(message: QueuedNotification): Promise<void>;
}
