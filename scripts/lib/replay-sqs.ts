import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { ReceivedSqsMessage, SqsLike } from './replay';

/**
 * {@link SqsLike} over the AWS SDK's SQSClient: ReceiveMessage asks for the FIFO group and the
 * receive count, SendMessage sets group and deduplication id, DeleteMessage by receipt handle,
 * ChangeMessageVisibility to 0 to release a message searched past.
 *
 * @example
 * const sqs = new SqsClientReplayQueue(new SQSClient({ region: 'ap-northeast-1' }));
 * await replayAws({ sqs, dlqUrl, queueUrl });
 */
export class SqsClientReplayQueue implements SqsLike {
  constructor(private readonly client: SQSClient) {}

  async receive(
    queueUrl: string,
    options: { maxMessages: number; visibilityTimeoutSeconds: number; waitTimeSeconds: number },
  ): Promise<ReceivedSqsMessage[]> {
    const { Messages = [] } = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: options.maxMessages,
        VisibilityTimeout: options.visibilityTimeoutSeconds,
        WaitTimeSeconds: options.waitTimeSeconds,
        MessageSystemAttributeNames: ['MessageGroupId', 'ApproximateReceiveCount'],
      }),
    );
    return Messages.map((message) => {
      const count = Number(message.Attributes?.ApproximateReceiveCount);
      return {
        messageId: message.MessageId ?? '',
        receiptHandle: message.ReceiptHandle ?? '',
        body: message.Body ?? '',
        groupId: message.Attributes?.MessageGroupId,
        receiveCount: Number.isInteger(count) ? count : undefined,
      };
    });
  }

  async send(
    queueUrl: string,
    message: { body: string; groupId: string; deduplicationId: string },
  ): Promise<{ messageId: string }> {
    const { MessageId } = await this.client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: message.body,
        MessageGroupId: message.groupId,
        MessageDeduplicationId: message.deduplicationId,
      }),
    );
    return { messageId: MessageId ?? '' };
  }

  async delete(queueUrl: string, receiptHandle: string): Promise<void> {
    await this.client.send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle }),
    );
  }

  async release(queueUrl: string, receiptHandle: string): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: 0,
      }),
    );
  }
}

/**
 * The region of an SQS queue URL (`https://sqs.ap-northeast-1.amazonaws.com/123/q.fifo`), so the
 * replay needs no AWS_REGION; undefined for other URLs.
 *
 * @example
 * regionOfQueueUrl('https://sqs.ap-northeast-1.amazonaws.com/123456789012/q.fifo'); // 'ap-northeast-1'
 */
export function regionOfQueueUrl(queueUrl: string): string | undefined {
  try {
    return /^sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(new URL(queueUrl).hostname)?.[1];
  } catch {
    return undefined;
  }
}
