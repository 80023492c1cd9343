import type { ReceivedSqsMessage, SqsLike } from '../../scripts/lib/replay';

/** A message as the {@link InMemorySqs} keeps it. */
export interface InMemorySqsMessage {
  messageId: string;
  body: string;
  groupId: string;
  deduplicationId: string;
  receiveCount: number;
  /** Epoch ms from which it can be received again. */
  visibleAt: number;
  receiptHandle?: string;
}

/**
 * {@link SqsLike} in memory with the FIFO rules the replay relies on: messages come back in send
 * order, a group with a message in flight yields nothing more, a received message is hidden for
 * the visibility timeout, and a deduplication id seen before is accepted but dropped. Errors
 * queued in `sendFailures` / `deleteFailures` fail the next calls, one each.
 *
 * @example
 * const sqs = new InMemorySqs();
 * sqs.put(DLQ, { body, groupId: '12:7', deduplicationId: 'n-1' });
 */
export class InMemorySqs implements SqsLike {
  readonly queues = new Map<string, InMemorySqsMessage[]>();
  readonly sendFailures: Error[] = [];
  readonly deleteFailures: Error[] = [];
  /** Every send, in order. */
  readonly sent: { queueUrl: string; body: string; groupId: string; deduplicationId: string }[] =
    [];
  now = 1_795_832_100_000;
  private sequence = 0;
  private readonly deduplication = new Set<string>();

  /** Puts a message straight into a queue (as SQS's redrive into the DLQ would). */
  put(
    queueUrl: string,
    message: { body: string; groupId: string; deduplicationId: string; receiveCount?: number },
  ): string {
    this.sequence += 1;
    const messageId = `msg-${this.sequence}`;
    this.queue(queueUrl).push({
      messageId,
      body: message.body,
      groupId: message.groupId,
      deduplicationId: message.deduplicationId,
      receiveCount: message.receiveCount ?? 0,
      visibleAt: 0,
    });
    return messageId;
  }

  async receive(
    queueUrl: string,
    options: { maxMessages: number; visibilityTimeoutSeconds: number; waitTimeSeconds: number },
  ): Promise<ReceivedSqsMessage[]> {
    const blocked = new Set<string>();
    const batch: ReceivedSqsMessage[] = [];
    for (const message of this.queue(queueUrl)) {
      if (batch.length >= options.maxMessages) break;
      if (blocked.has(message.groupId)) continue;
      if (message.visibleAt > this.now) {
        blocked.add(message.groupId);
        continue;
      }
      this.sequence += 1;
      message.receiveCount += 1;
      message.visibleAt = this.now + options.visibilityTimeoutSeconds * 1000;
      message.receiptHandle = `rh-${this.sequence}`;
      batch.push({
        messageId: message.messageId,
        receiptHandle: message.receiptHandle,
        body: message.body,
        groupId: message.groupId,
        receiveCount: message.receiveCount,
      });
    }
    return batch;
  }

  async send(
    queueUrl: string,
    message: { body: string; groupId: string; deduplicationId: string },
  ): Promise<{ messageId: string }> {
    const failure = this.sendFailures.shift();
    if (failure !== undefined) throw failure;
    this.sent.push({ queueUrl, ...message });
    const key = `${queueUrl}#${message.deduplicationId}`;
    if (this.deduplication.has(key)) return { messageId: `dropped-${message.deduplicationId}` };
    this.deduplication.add(key);
    return { messageId: this.put(queueUrl, message) };
  }

  async delete(queueUrl: string, receiptHandle: string): Promise<void> {
    const failure = this.deleteFailures.shift();
    if (failure !== undefined) throw failure;
    const queue = this.queue(queueUrl);
    const index = queue.findIndex((m) => m.receiptHandle === receiptHandle);
    if (index >= 0) queue.splice(index, 1);
  }

  async release(queueUrl: string, receiptHandle: string): Promise<void> {
    const message = this.queue(queueUrl).find((m) => m.receiptHandle === receiptHandle);
    if (message) message.visibleAt = 0;
  }

  /** The messages of a queue (copies), in order. */
  messages(queueUrl: string): InMemorySqsMessage[] {
    return this.queue(queueUrl).map((m) => ({ ...m }));
  }

  private queue(queueUrl: string): InMemorySqsMessage[] {
    let queue = this.queues.get(queueUrl);
    if (!queue) {
      queue = [];
      this.queues.set(queueUrl, queue);
    }
    return queue;
  }
}
