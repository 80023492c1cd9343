import { faxJobMessage } from '../../edge/fax-job-message';
import type { FaxHandoff, FaxJob } from '../../ports/fax-gateway';
import type { NotificationQueue } from '../../ports/notification-queue';

/**
 * Hands fax jobs to the fax function over its FIFO queue: the SQS queue at `FAX_QUEUE_URL` in
 * Lambda (through {@link SqsNotificationQueue}, which sends any FIFO message), the local stack's
 * in-process queue locally.
 */
export class QueueFaxHandoff implements FaxHandoff {
  constructor(
    private readonly queue: NotificationQueue,
    readonly region: string,
  ) {}

  requestFax(job: FaxJob): Promise<void> {
    return this.queue.enqueue(faxJobMessage(job));
  }
}
