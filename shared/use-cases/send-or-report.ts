import { findApp } from '../config/load-config';
import type { BridgeConfig } from '../config/schema';
import { orderRequestOf } from '../domain/order-request';
import { currentAnswer, type PurchaseOrder } from '../domain/purchase-order';
import {
  changedFields,
  sendingOutcome,
  sendingReason,
  type OrderSinceSent,
} from '../kintone/write-back';
import { NO_METRICS } from '../ports/bridge-metrics';
import type { KintoneRecordWriter } from '../ports/kintone-record-writer';
import type { OrderStore } from '../ports/order-store';
import { describeFailure } from './failure-kind';
import { sendOrderOnChannels, type ChannelDeps, type ChannelSendReport } from './order-channels';
import { openLines, writeLineFields } from './order-record';

/** How long a failure reads on the record: enough to name it, short enough to read. */
const MAX_FAILURE_TEXT = 160;

/** Collaborators of {@link sendOrReportSending}: the channels', and kintone for 送信待ち. */
export interface SendOrReportDeps extends ChannelDeps {
  orders: Pick<OrderStore, 'append' | 'get'>;
  config: BridgeConfig;
  kintone: KintoneRecordWriter;
}

/** What reached the order since it was sent, for a write-back that may be a late retry. */
export function since(order: PurchaseOrder): OrderSinceSent {
  return {
    answered: currentAnswer(order) !== undefined,
    deliveryReported: order.log.some((event) => event.kind === 'delivery'),
  };
}

/** True once the order reached the supplier on some channel (accepted by SES or the gateway). */
function reachedSupplier(order: PurchaseOrder): boolean {
  return order.log.some((event) => event.kind === 'email-sent' || event.kind === 'fax-sent');
}

/**
 * Sends the order's pending channels; when that fails for now (SES or the fax gateway down or
 * throttling), first shows staff on every open line's record that the order exists and waits
 * for its send (送信待ち, with the reason and what to do) and appends `send-delayed`, then
 * rethrows so the queue retries. Without it the records would keep saying 未発注 (or 待機中)
 * while the bridge holds an unsent order, and staff might order by phone as well.
 *
 * Shown once per order, and only while nothing has reached the supplier yet: every write fires
 * a webhook whose notification may retry the send, and during an outage each would write again,
 * without end. A failure to show it (kintone down too) is logged and the send's error rethrown.
 */
export async function sendOrReportSending(
  order: PurchaseOrder,
  deps: SendOrReportDeps,
): Promise<ChannelSendReport> {
  try {
    return await sendOrderOnChannels(order, deps);
  } catch (error) {
    const { orderNumber } = order;
    const failure = describeFailure(error, MAX_FAILURE_TEXT);
    (deps.metrics ?? NO_METRICS).count('OrderSendsDelayed');
    deps.logger.warn('order request not sent yet; it will be retried', {
      orderNumber,
      error: failure,
    });
    const app = findApp(deps.config, order.appId);
    try {
      const current = (await deps.orders.get(orderNumber)) ?? order;
      const alreadyShown = current.log.some((event) => event.kind === 'send-delayed');
      if (app && !reachedSupplier(current) && !alreadyShown) {
        const reason = sendingReason(app, orderNumber, failure);
        const request = orderRequestOf(current, deps.documents);
        const changes = changedFields(app, sendingOutcome(app, request, reason));
        const lineIds = openLines(current).map((line) => line.lineId);
        await writeLineFields(deps.kintone, current, lineIds, () => changes, {
          subtable: app.subtable?.field,
          logger: deps.logger,
        });
        await deps.orders.append(orderNumber, {
          kind: 'send-delayed',
          at: deps.now().toISOString(),
          reason,
        });
      }
    } catch (writeError) {
      // kintone may be down too: the send's retry matters more than this notice.
      deps.logger.warn('could not show 送信待ち on the record', {
        orderNumber,
        error: describeFailure(writeError),
      });
    }
    throw error;
  }
}
