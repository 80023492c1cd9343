import type { NotificationQueue, QueuedNotification } from '../../shared/ports/notification-queue';

/**
 * SQS's maximum message size in bytes (body and attributes; these messages carry none): 1 MiB
 * since 2025. Written out rather than imported, like the character rules below.
 */
const SQS_MAX_MESSAGE_BYTES = 1_048_576;

/** A message SQS would answer with InvalidMessageContents or a size error. */
export class SqsRejectedMessageError extends Error {
  override readonly name = 'SqsRejectedMessageError';
}

/**
 * True for a code point SQS accepts in a message body: #x9 | #xA | #xD | #x20-#xD7FF |
 * #xE000-#xFFFD | #x10000-#x10FFFF. Written as comparisons, independently of the production
 * regex, so that a mistake in one shows against the other.
 */
function sqsAccepts(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

/**
 * {@link NotificationQueue} that refuses what SQS refuses (a character outside SQS's set,
 * more than 1 MiB, group or deduplication ids SQS would not take) and records what it
 * accepts, so a test sees both a violation and exactly what was queued.
 */
export class SqsRulesQueue implements NotificationQueue {
  readonly messages: QueuedNotification[] = [];

  async enqueue(message: QueuedNotification): Promise<void> {
    for (const [field, id] of [
      ['MessageDeduplicationId', message.notificationId],
      ['MessageGroupId', message.groupId],
    ] as const) {
      if (!/^[\x21-\x7e]{1,128}$/.test(id)) {
        throw new SqsRejectedMessageError(`${field} ${JSON.stringify(id)} is not valid in SQS`);
      }
    }
    const bytes = Buffer.byteLength(message.body, 'utf8');
    if (bytes > SQS_MAX_MESSAGE_BYTES) {
      throw new SqsRejectedMessageError(
        `message of ${bytes} bytes is over SQS's limit of ${SQS_MAX_MESSAGE_BYTES}`,
      );
    }
    for (let i = 0; i < message.body.length; i += 1) {
      const codePoint = message.body.codePointAt(i) ?? 0;
      // A lone surrogate comes back as itself (0xD800-0xDFFF), which SQS refuses.
      if (!sqsAccepts(codePoint)) {
        throw new SqsRejectedMessageError(
          `InvalidMessageContents: U+${codePoint.toString(16).toUpperCase()} at index ${i}`,
        );
      }
      if (codePoint > 0xffff) i += 1;
    }
    this.messages.push({ ...message });
  }
}
