import type { BridgeConfig } from '../config/schema';
import { faxFallback, type OrderChannel } from '../domain/channels';
import type { OrderRequest } from '../domain/order';
import { orderRequestOf, type OrderRequestOptions } from '../domain/order-request';
import { channelsOf, channelState, type PurchaseOrder } from '../domain/purchase-order';
import { faxNumberReader } from '../edge/fax-number';
import { NO_METRICS, type BridgeMetrics } from '../ports/bridge-metrics';
import { ChannelSendError } from '../ports/channel-send-error';
import type { FaxHandoff, FaxSending } from '../ports/fax-gateway';
import type { BridgeLogger } from '../ports/logger';
import type { OrderMailer } from '../ports/order-mailer';
import type { OrderStore } from '../ports/order-store';

/**
 * Sending a sealed purchase order on its channels (email, fax, or both), appending each
 * channel's outcome to the order's log, and falling back to fax when email fails for good.
 * Shared by the due orders' send (first send), the SES events function (a bounce) and the fax
 * status callback (a failed fax).
 */

/**
 * Collaborators of {@link sendOrderOnChannels}.
 *
 * - `orders`: where each outcome is appended (`email-sent`, `email-failed`, `channel-added`,
 *   `fax-sent`, `fax-status`), as it happens, so a retry sends only what is still pending.
 * - `mailer`: absent where no email can be sent (the fax callback); email channels then wait.
 * - `fax`: renders and sends faxes here (the fax function). Absent elsewhere: a pending fax
 *   then goes to `faxHandoff`, and without either (no fax gateway) fax channels wait and a
 *   failed email has no fallback.
 * - `faxHandoff`: hands a pending fax to the fax function (every other sending function), so
 *   the PDF renderer and its fonts load only where faxes are sent.
 * - `documents`: how the order's documents are rendered (the configuration's `tax` and
 *   `timeZone`), see {@link orderRequestOf}.
 */
export interface ChannelDeps {
  orders: Pick<OrderStore, 'append'>;
  mailer?: OrderMailer;
  fax?: FaxSending;
  faxHandoff?: FaxHandoff;
  logger: BridgeLogger;
  metrics?: BridgeMetrics;
  now: () => Date;
  documents: OrderRequestOptions;
}

/** What {@link sendOrderOnChannels} did: the order as it is now, and what this call sent. */
export interface ChannelSendReport {
  order: PurchaseOrder;
  emailed: boolean;
  faxed: boolean;
  /** A pending fax was handed to the fax function (see {@link ChannelDeps}'s `faxHandoff`). */
  faxRequested: boolean;
}

/** Where fax numbers are read, when the deployment can fax at all (here or by handoff). */
export function faxRegionOf(deps: Pick<ChannelDeps, 'fax' | 'faxHandoff'>): string | undefined {
  return (deps.fax ?? deps.faxHandoff)?.region;
}

/** A failure the channel says will not go away by retrying (rejected address, bad number). */
function isPermanent(error: unknown): error is ChannelSendError {
  return error instanceof ChannelSendError && !error.retryable;
}

/** Why each failed channel failed, in the order of the channels, as staff read it. */
export function channelFailures(order: PurchaseOrder): string[] {
  const failures: string[] = [];
  for (const channel of channelsOf(order)) {
    const state = channelState(order, channel.kind);
    if (state.state !== 'failed') continue;
    if (channel.kind === 'fax') failures.push(`FAX送信失敗: ${state.detail}`);
    else if (order.log.some((event) => event.kind === 'email-failed')) {
      failures.push(`メール送信不可: ${state.detail}`);
    } else failures.push(`メール不達: ${state.detail}`);
  }
  return failures;
}

/** True when every channel of the order has failed: nobody has the order but us. */
export function allChannelsFailed(order: PurchaseOrder): boolean {
  const channels = channelsOf(order);
  return (
    channels.length > 0 &&
    channels.every((channel) => channelState(order, channel.kind).state === 'failed')
  );
}

/**
 * Adds fax as a channel (`channel-added`) when email has failed for good and the supplier has
 * a usable fax number (and a gateway is configured). Idempotent: an order that has a fax
 * channel gets none.
 */
export async function addFaxFallback(
  order: PurchaseOrder,
  deps: ChannelDeps,
): Promise<PurchaseOrder> {
  const region = faxRegionOf(deps);
  if (region === undefined) return order;
  const channel = faxFallback(order.supplier, channelsOf(order), {
    faxAvailable: true,
    readFaxNumber: faxNumberReader(region),
  });
  if (!channel) return order;
  deps.logger.info('email failed: falling back to fax', { orderNumber: order.orderNumber });
  return deps.orders.append(order.orderNumber, {
    kind: 'channel-added',
    at: deps.now().toISOString(),
    channel,
  });
}

/**
 * Sends the order on every channel still pending (neither sent nor failed), appending each
 * outcome as it happens. A temporary failure throws (the caller shows 送信待ち once and the
 * queue retries; the retry sends only what is still pending, under the same order number); a
 * permanent one is appended, and a failed email adds the fax fallback, which is sent in the
 * same call. Without `fax`, a fax still pending at the end is handed to the fax function
 * (`faxHandoff`), which sends it and does the order's remaining steps.
 *
 * @throws OrderNotSendableError when the order is not sealed or has no active line.
 * @example
 * const { order: sent, emailed, faxed } = await sendOrderOnChannels(order, deps);
 */
export async function sendOrderOnChannels(
  order: PurchaseOrder,
  deps: ChannelDeps,
): Promise<ChannelSendReport> {
  const metrics = deps.metrics ?? NO_METRICS;
  const report: ChannelSendReport = { order, emailed: false, faxed: false, faxRequested: false };
  const at = () => deps.now().toISOString();
  const { orderNumber } = order;
  let request: OrderRequest | undefined;
  // Built once, on the first channel to send: a sealed order's lines and link never change.
  const requestOf = () => (request ??= orderRequestOf(order, deps.documents));

  // A fallback added while sending becomes pending itself, hence the loop until nothing moves.
  for (let progressed = true; progressed;) {
    progressed = false;
    for (const channel of channelsOf(report.order)) {
      if (channelState(report.order, channel.kind).state !== 'pending') continue;
      if (channel.kind === 'email' && deps.mailer) {
        try {
          const sent = await deps.mailer.sendOrderRequest(requestOf());
          metrics.count('EmailsSent');
          report.order = await deps.orders.append(orderNumber, {
            kind: 'email-sent',
            at: at(),
            messageId: sent.messageId,
          });
          report.emailed = true;
          deps.logger.info('order request emailed', { orderNumber, messageId: sent.messageId });
        } catch (error) {
          if (!isPermanent(error)) throw error;
          deps.logger.warn('order request email failed for good', {
            orderNumber,
            error: error.message,
          });
          report.order = await deps.orders.append(orderNumber, {
            kind: 'email-failed',
            at: at(),
            detail: error.message,
          });
          report.order = await addFaxFallback(report.order, deps);
        }
        progressed = true;
      } else if (channel.kind === 'fax' && deps.fax) {
        try {
          const pdf = await deps.fax.renderPdf(requestOf());
          const sent = await deps.fax.gateway.sendFax({
            to: channel.number,
            pdf,
            fileName: `${orderNumber}.pdf`,
            orderNumber,
          });
          metrics.count('FaxesSent');
          report.order = await deps.orders.append(orderNumber, {
            kind: 'fax-sent',
            at: at(),
            faxId: sent.faxId,
            gateway: sent.gateway,
          });
          report.faxed = true;
          deps.logger.info('order request faxed', {
            orderNumber,
            faxId: sent.faxId,
            gateway: sent.gateway,
          });
        } catch (error) {
          if (!isPermanent(error)) throw error;
          deps.logger.warn('order request fax refused', { orderNumber, error: error.message });
          report.order = await deps.orders.append(orderNumber, {
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
  // Handed off last, once: the fax function reads the order as this call left it.
  const faxPending = channelsOf(report.order).some(
    (channel) =>
      channel.kind === 'fax' && channelState(report.order, channel.kind).state === 'pending',
  );
  if (faxPending && !deps.fax && deps.faxHandoff) {
    await deps.faxHandoff.requestFax({ kind: 'order', orderNumber });
    report.faxRequested = true;
    deps.logger.info('order fax handed to the fax function', { orderNumber });
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

/** How the configuration renders the documents: its tax rules and time zone. */
export function documentOptionsOf(
  config: Pick<BridgeConfig, 'tax' | 'timeZone'>,
): OrderRequestOptions {
  return { tax: config.tax, timeZone: config.timeZone };
}
