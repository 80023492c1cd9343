import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { NotificationQueue, QueuedNotification } from '../../ports/notification-queue';

/** Puts notifications on the SQS FIFO queue the dispatch function consumes. */
export class SqsNotificationQueue implements NotificationQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(message: QueuedNotification): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: message.body,
        // kintone's notification id: a notification delivered twice within 5 minutes is dropped.
        MessageDeduplicationId: message.notificationId,
        MessageGroupId: message.groupId,
      }),
    );
  }
}
