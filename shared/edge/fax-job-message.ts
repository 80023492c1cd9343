import * as z from 'zod/mini';
import type { FaxJob } from '../ports/fax-gateway';
import type { QueuedNotification } from '../ports/notification-queue';
import './zod-mini-messages';

/**
 * The fax queue's messages: one {@link FaxJob} as JSON. Read back at the fax function's edge, so
 * a message that is not one (a hand-written test message, a future version's) is refused with
 * the reason instead of half-read.
 */

/** An order number as the bridge issues them (`PO-20261128-0001`); nothing to inject. */
const orderNumber = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/));

const faxJobSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('order'), orderNumber }),
  z.strictObject({
    kind: z.literal('reminder'),
    orderNumber,
    remindersBefore: z.number().check(z.int(), z.nonnegative()),
  }),
]);

/** The message body is not a fax job; retrying cannot help. */
export class MalformedFaxJobError extends Error {
  override readonly name = 'MalformedFaxJobError';
}

/**
 * The queue message of a job. Jobs of one order share a message group (processed one at a
 * time, in order), and the deduplication id names the job, so the same request made twice
 * within SQS's five-minute window is queued once.
 */
export function faxJobMessage(job: FaxJob): QueuedNotification {
  const id =
    job.kind === 'order'
      ? `fax:${job.orderNumber}`
      : `reminder:${job.orderNumber}:${job.remindersBefore}`;
  return { notificationId: id, groupId: job.orderNumber, body: JSON.stringify(job) };
}

/**
 * The job in a queue message's body.
 *
 * @throws MalformedFaxJobError when the body is not JSON or not a job.
 */
export function parseFaxJob(body: string): FaxJob {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new MalformedFaxJobError('the fax job is not JSON');
  }
  const parsed = faxJobSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`)
      .join('; ');
    throw new MalformedFaxJobError(`the message is not a fax job: ${issues}`);
  }
  return parsed.data;
}
