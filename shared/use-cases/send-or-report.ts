import { findApp } from '../config/load-config';
import {
  sendingOutcome,
  sendingReason,
  type OrderSinceSent,
  type WriteBackOutcome,
} from '../kintone/write-back';
import { NO_METRICS } from '../ports/bridge-metrics';
import type { StoredOrder } from '../ports/bridge-store';
import { describeFailure } from './failure-kind';
import { sendPendingChannels, type ChannelSendReport } from './order-channels';
import { orderRecordExists } from './order-record';
import type { DispatchDeps } from './process-notification';

/** How long a failure reads on the record: enough to name it, short enough to read. */
const MAX_FAILURE_TEXT = 160;

/** What reached the order since it was sent, for a write-back that may be a late retry. */
export function since(order: StoredOrder): OrderSinceSent {
  return {
    answered: order.steps.supplierAnswer !== undefined,
    deliveryReported: order.steps.deliveryStatus !== undefined,
  };
}

/**
 * Sends the order's pending channels; when that fails for now (SES or the fax gateway down or
 * throttling), first shows staff on the record that the order exists and waits for its send
 * (送信待ち, with the reason and what to do), then rethrows so the queue retries. Without it the
 * record would keep saying 未発注 while the bridge holds an unsent order, and staff might order
 * by phone as well. Shown only while nothing has reached the supplier yet.
 *
 * @param write writes desired values to the order's record or rows (the caller knows which).
 */
export async function sendOrReportSending(
  order: StoredOrder,
  deps: DispatchDeps,
  write: (desired: WriteBackOutcome) => Promise<unknown>,
): Promise<ChannelSendReport> {
  try {
    return await sendPendingChannels(order, deps);
  } catch (error) {
    const failure = describeFailure(error, MAX_FAILURE_TEXT);
    (deps.metrics ?? NO_METRICS).count('OrderSendsDelayed');
    deps.logger.warn('order request not sent yet; it will be retried', {
      orderNumber: order.request.orderNumber,
      error: failure,
    });
    const app = findApp(deps.config, order.appId);
    const current = (await deps.store.findOrderByNumber(order.request.orderNumber)) ?? order;
    const reachedSupplier = current.steps.emailSentAt ?? current.steps.faxSentAt;
    // Once per order: every write fires a webhook whose notification retries the send, and
    // during an outage each would write again, without end.
    const alreadyShown = current.steps.sendDelayedAt !== undefined;
    if (app && !reachedSupplier && !alreadyShown && (await orderRecordExists(order, deps.store))) {
      try {
        const reason = sendingReason(app, order.request.orderNumber, failure);
        await write(sendingOutcome(app, order.request, reason));
        await deps.store.recordOrderStep(
          { appId: order.appId, recordId: order.recordId },
          order.cycle,
          { kind: 'send-delayed', at: deps.now().toISOString(), reason },
        );
      } catch (writeError) {
        // kintone may be down too: the send's retry matters more than this notice.
        deps.logger.warn('could not show 送信待ち on the record', {
          orderNumber: order.request.orderNumber,
          error: describeFailure(writeError),
        });
      }
    }
    throw error;
  }
}
