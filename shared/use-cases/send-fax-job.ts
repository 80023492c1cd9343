import type { FaxJob, FaxSending } from '../ports/fax-gateway';
import { completeOrder, type CompleteOrderDeps } from './complete-order';
import { sendHandedOffReminder, type FollowUpOrdersDeps } from './follow-up-orders';

/**
 * The fax function's one job: an order's fax (or a reminder) that another function handed to it.
 * What to do is read from the order's log, never from the job, so a job delivered twice, or one
 * whose fax went out meanwhile, sends nothing more.
 */

/** Collaborators of {@link sendFaxJob}: those of completing an order, with the fax path. */
export type SendFaxJobDeps = Omit<CompleteOrderDeps, 'fax' | 'faxHandoff'> &
  Pick<FollowUpOrdersDeps, 'calendars' | 'businessClock'> & { fax: FaxSending };

/** What one job did. */
export interface FaxJobOutcome {
  orderNumber: string;
  kind: FaxJob['kind'];
  result: 'faxed' | 'nothing-to-send' | 'unknown-order';
  /** The order has nothing left to do and was taken off the due list. */
  settled?: boolean;
}

/**
 * Sends what the job asks for, if it is still to send. An order's fax is sent by completing the
 * order (`completeOrder`): the fax, then 発注依頼済 on the lines' records, the comments and the
 * order app's record, as the sending function would have done had it sent the fax itself. A
 * temporary failure throws, after 送信待ち is shown once, and the queue retries; one that will
 * not go away is appended (FAX送信失敗, 要対応 when no channel is left).
 *
 * @example
 * await sendFaxJob({ kind: 'order', orderNumber: 'PO-20261128-0001' }, deps);
 */
export async function sendFaxJob(job: FaxJob, deps: SendFaxJobDeps): Promise<FaxJobOutcome> {
  const { orderNumber, kind } = job;
  const order = await deps.orders.get(orderNumber);
  if (!order) {
    // Deleted by an operator, or a job from another deployment's table: nothing to fax.
    deps.logger.warn('fax job for an order the store does not have', { orderNumber, kind });
    return { orderNumber, kind, result: 'unknown-order' };
  }
  if (job.kind === 'reminder') {
    const sent = await sendHandedOffReminder(order, job.remindersBefore, deps);
    return { orderNumber, kind, result: sent ? 'faxed' : 'nothing-to-send' };
  }
  const done = await completeOrder(order, deps);
  return {
    orderNumber,
    kind,
    result: done.faxed ? 'faxed' : 'nothing-to-send',
    settled: done.settled,
  };
}
