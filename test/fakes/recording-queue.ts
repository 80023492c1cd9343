import type { NotificationQueue, QueuedNotification } from '../../shared/ports/notification-queue';

/**
 * {@link NotificationQueue} in memory: records every message it accepts, so that tests can
 * assert what was queued (and that nothing was). Set `failNext` to make the next call reject,
 * as SQS does when it is unreachable; a failed call records nothing.
 */
export class RecordingNotificationQueue implements NotificationQueue {
  readonly messages: QueuedNotification[] = [];
  failNext?: Error;

  async enqueue(message: QueuedNotification): Promise<void> {
    const failure = this.failNext;
    if (failure !== undefined) {
      this.failNext = undefined;
      throw failure;
    }
    this.messages.push({ ...message });
  }
}
