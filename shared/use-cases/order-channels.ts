import { faxNumberReader } from '../edge/fax-number';
import type { FaxSending } from '../ports/fax-gateway';
import { faxFallback, type OrderChannel } from '../domain/channels';
import { ChannelSendError } from '../ports/channel-send-error';
import { NO_METRICS, type BridgeMetrics } from '../ports/bridge-metrics';
import type { BridgeStore, StoredOrder } from '../ports/bridge-store';
import type { BridgeLogger } from '../ports/logger';
import type { OrderMailer } from '../ports/order-mailer';

/**
 * Sending an order on its channels (email, fax, or both), recording each channel's outcome, and
 * falling back to fax when email fails for good. Shared by the dispatcher (first send), the SES
 * events function (a bounce) and the fax status callback (a failed fax).
 */

export interface ChannelDeps {
  store: BridgeStore;
  /** Absent where no email can be sent (the fax callback); email channels then wait. */
  mailer?: OrderMailer;
  fax?: FaxSending;
  logger: BridgeLogger;
  metrics?: BridgeMetrics;
  now: () => Date;
}

export interface ChannelSendReport {
  order: StoredOrder;
  emailed: boolean;
  faxed: boolean;
}

/** A failure the channel says will not go away by retrying (rejected address, bad number). */
function isPermanent(error: unknown): error is ChannelSendError {
  return error instanceof ChannelSendError && !error.retryable;
}

/** The order's channels; orders stored before channels existed went by email. */
export function channelsOf(order: StoredOrder): OrderChannel[] {
  if (order.channels) return order.channels;
  const address = order.request.supplier.email;
  return address ? [{ kind: 'email', address }] : [];
}

/** Why each failed channel failed, in the order of the channels. */
export function channelFailures(order: StoredOrder): string[] {
  const failures: string[] = [];
  for (const channel of channelsOf(order)) {
    if (channel.kind === 'email') {
      if (order.steps.emailFailedAt)
        failures.push(`メール送信不可: ${order.steps.emailFailure ?? ''}`);
      else if (
        order.steps.deliveryStatus === 'bounced' ||
        order.steps.deliveryStatus === 'rejected'
      ) {
        failures.push(`メール不達: ${order.steps.deliveryDetail ?? ''}`);
      }
    } else if (order.steps.faxStatus === 'failed') {
      failures.push(`FAX送信失敗: ${order.steps.faxDetail ?? ''}`);
    }
  }
  return failures;
}

/** True when every channel of the order has failed: nobody has the order but us. */
export function allChannelsFailed(order: StoredOrder): boolean {
  const channels = channelsOf(order);
  return channels.length > 0 && channelFailures(order).length === channels.length;
}

/**
 * Adds fax as a channel when email has failed for good and the supplier has a usable fax
 * number (and a gateway is configured). Idempotent.
 */
export async function addFaxFallback(order: StoredOrder, deps: ChannelDeps): Promise<StoredOrder> {
  if (!deps.fax) return order;
  const channel = faxFallback(order.request.supplier, channelsOf(order), {
    faxAvailable: true,
    readFaxNumber: faxNumberReader(deps.fax.region),
  });
  if (!channel) return order;
  deps.logger.info('email failed: falling back to fax', { orderNumber: order.request.orderNumber });
  const key = { appId: order.appId, recordId: order.recordId };
  return deps.store.recordOrderStep(key, order.cycle, {
    kind: 'channel-added',
    at: deps.now().toISOString(),
    channel,
  });
}

/**
 * Sends the order on every channel that has neither been sent nor failed, recording each
 * outcome as it happens. A temporary failure throws (the caller's retry sends only what is
 * still pending, under the same order number); a permanent one is recorded, and a failed email
 * adds the fax fallback, which is sent in the same call.
 */
export async function sendPendingChannels(
  order: StoredOrder,
  deps: ChannelDeps,
): Promise<ChannelSendReport> {
  const key = { appId: order.appId, recordId: order.recordId };
  const metrics = deps.metrics ?? NO_METRICS;
  const report: ChannelSendReport = { order, emailed: false, faxed: false };
  const at = () => deps.now().toISOString();

  // A fallback added while sending becomes pending itself, hence the loop until nothing moves.
  for (let progressed = true; progressed;) {
    progressed = false;
    for (const channel of channelsOf(report.order)) {
      const { steps } = report.order;
      if (channel.kind === 'email' && !steps.emailSentAt && !steps.emailFailedAt && deps.mailer) {
        try {
          const sent = await deps.mailer.sendOrderRequest(report.order.request);
          metrics.count('EmailsSent');
          report.order = await deps.store.recordOrderStep(key, report.order.cycle, {
            kind: 'email-sent',
            at: at(),
            messageId: sent.messageId,
          });
          report.emailed = true;
          deps.logger.info('order request emailed', {
            orderNumber: report.order.request.orderNumber,
            messageId: sent.messageId,
          });
        } catch (error) {
          if (!isPermanent(error)) throw error;
          deps.logger.warn('order request email failed for good', {
            orderNumber: report.order.request.orderNumber,
            error: error.message,
          });
          report.order = await deps.store.recordOrderStep(key, report.order.cycle, {
            kind: 'email-failed',
            at: at(),
            detail: error.message,
          });
          report.order = await addFaxFallback(report.order, deps);
        }
        progressed = true;
      } else if (channel.kind === 'fax' && !steps.faxSentAt && !steps.faxStatus && deps.fax) {
        try {
          const pdf = await deps.fax.renderPdf(report.order.request);
          const sent = await deps.fax.gateway.sendFax({
            to: channel.number,
            pdf,
            fileName: `${report.order.request.orderNumber}.pdf`,
            orderNumber: report.order.request.orderNumber,
          });
          metrics.count('FaxesSent');
          report.order = await deps.store.recordOrderStep(key, report.order.cycle, {
            kind: 'fax-sent',
            at: at(),
            faxId: sent.faxId,
            gateway: sent.gateway,
          });
          report.faxed = true;
          deps.logger.info('order request faxed', {
            orderNumber: report.order.request.orderNumber,
            faxId: sent.faxId,
            gateway: sent.gateway,
          });
        } catch (error) {
          if (!isPermanent(error)) throw error;
          deps.logger.warn('order request fax refused', {
            orderNumber: report.order.request.orderNumber,
            error: error.message,
          });
          report.order = await deps.store.recordOrderStep(key, report.order.cycle, {
            kind: 'fax-status',
            at: at(),
            status: 'failed',
            detail: error.message,
          });
        }
        progressed = true;
      }
    }
  }
  return report;
}

/** How the channels read in a record comment. */
export function describeChannels(channels: readonly OrderChannel[]): string {
  return channels
    .map((channel) =>
      channel.kind === 'email' ? `メール ${channel.address}` : `FAX ${channel.national}`,
    )
    .join('、');
}
