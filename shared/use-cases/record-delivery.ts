import { findApp } from '../config/load-config';
import {
  channelsOf,
  type DeliveryStatus,
  type OrderEvent,
  type PurchaseOrder,
} from '../domain/purchase-order';
import { deliveryDetail, type DeliveryReport } from '../edge/ses-event';
import { DELIVERY_STATUS_LABELS } from '../kintone/write-back';
import { NO_METRICS } from '../ports/bridge-metrics';
import type { FaxHandoff, FaxSending } from '../ports/fax-gateway';
import type { OrderLedger } from '../ports/order-ledger';
import type { OrderStore } from '../ports/order-store';
import { reportIfAllChannelsFailed, type AttentionDeps } from './needs-attention';
import {
  addFaxFallback,
  allChannelsFailed,
  describeChannels,
  documentOptionsOf,
  sendOrderOnChannels,
  type ChannelDeps,
} from './order-channels';
import { commentOnLines, openLines, writeLineFields } from './order-record';
import { writeOrderLedger } from './write-order-ledger';

/** Collaborators of {@link recordDelivery}, built once in the function's wiring. */
export interface DeliveryDeps extends AttentionDeps {
  orders: Pick<OrderStore, 'get' | 'append'>;
  /** Sends the fax fallback after a hard bounce here; see `faxHandoff`. */
  fax?: FaxSending;
  /**
   * Hands the fax fallback to the fax function (the SES events function). Without it or `fax`
   * staff are told to call.
   */
  faxHandoff?: FaxHandoff;
  /**
   * The order app (発注管理, `orderApp`): its record shows the lost email (不達), the fax sent
   * instead or 要対応, in one PUT when it changed. Without it nothing is written there.
   */
  ledger?: OrderLedger;
}

/** What {@link recordDelivery} did with one report; logged, and returned for tests. */
export interface DeliveryOutcome {
  orderNumber: string | undefined;
  status: DeliveryStatus;
  result:
    | 'recorded'
    /** The same status and detail were recorded before (SNS delivered the event twice). */
    | 'duplicate'
    /** A newer or worse status is recorded (e.g. a Delivery reported after the bounce). */
    | 'superseded'
    /** The email carried no order number tag: not an order request of this bridge. */
    | 'no-order-number'
    | 'unknown-order';
  /** The kintone field written, if any. */
  wroteField?: string;
  commented: boolean;
}

/**
 * Records what SES reported about an order email: on the order (status, detail, time) and on
 * the kintone record (the mapped `writeBack.deliveryStatus` field when the status changes, and
 * a comment for every bounce, complaint or reject). Unknown orders are logged and skipped.
 *
 * Written to the record (or table row) of every open line of the order: lines closed by staff
 * (the goods arrived) are left alone, and a record deleted in kintone is skipped.
 *
 * Retries are safe: kintone is written before the order's log, so a failure in either leaves
 * the status unrecorded and the retry writes again (the field write is idempotent; a comment
 * may be repeated if the append alone failed). A report already recorded is a no-op.
 *
 * @example
 * const outcome = await recordDelivery(parsed.report, deps);
 * outcome.result; // 'recorded'
 */
export async function recordDelivery(
  report: DeliveryReport,
  deps: DeliveryDeps,
): Promise<DeliveryOutcome> {
  const { orders, logger } = deps;
  const outcome: DeliveryOutcome = {
    orderNumber: report.orderNumber,
    status: report.status,
    result: 'recorded',
    commented: false,
  };
  const done = (result: DeliveryOutcome['result']): DeliveryOutcome => {
    outcome.result = result;
    if (report.status === 'bounced' && result !== 'duplicate') {
      (deps.metrics ?? NO_METRICS).count('EmailBounces');
    }
    return outcome;
  };

  if (report.orderNumber === undefined) {
    logger.warn('SES event without an order number tag skipped', {
      eventType: report.eventType,
      messageId: report.messageId,
    });
    return done('no-order-number');
  }
  const order = await orders.get(report.orderNumber);
  if (!order) {
    logger.warn('SES event for an unknown order skipped', {
      orderNumber: report.orderNumber,
      eventType: report.eventType,
      messageId: report.messageId,
    });
    return done('unknown-order');
  }

  const detail = deliveryDetail(report);
  const previous = lastDelivery(order);
  if (previous?.status === report.status && previous.detail === detail) {
    // An earlier attempt may have recorded the bounce and then failed to fax or to tell staff
    // (gateway 5xx, kintone 503): the retry finishes that; what was done is not done again.
    const after = emailLost(report.status)
      ? await fallBackToFax(order, report, deps, { firstReport: false })
      : { order, faxRequested: false };
    // Also catches up a record an earlier attempt failed to write (no call when it is current);
    // the fax function writes it instead once it has the fax.
    if (!after.faxRequested) await writeOrderLedger(after.order, deps);
    return done('duplicate');
  }
  if (isSuperseded(previous, report)) {
    logger.info('SES event older than the recorded delivery status; kept the recorded one', {
      orderNumber: report.orderNumber,
      status: report.status,
      recorded: previous?.status,
    });
    return done('superseded');
  }

  const app = findApp(deps.config, order.appId);
  const lineIds = openLines(order).map((line) => line.lineId);
  if (!app) {
    logger.warn('order of an app no longer configured: delivery status kept in the bridge only', {
      orderNumber: report.orderNumber,
      appId: order.appId,
    });
  } else if (lineIds.length > 0) {
    const context = { subtable: app.subtable?.field, logger };
    const field = app.writeBack.deliveryStatus;
    if (field !== undefined && previous?.status !== report.status) {
      const label = DELIVERY_STATUS_LABELS[report.status];
      const written = await writeLineFields(
        deps.kintone,
        order,
        lineIds,
        () => ({ [field]: label }),
        context,
      );
      if (written.fields.includes(field)) outcome.wroteField = field;
    }
    // A lost email is told together with what the bridge does about it (the fax fallback), in
    // one comment, so staff never read "phone them" and then "it was faxed".
    if (report.status !== 'delivered' && !emailLost(report.status)) {
      const commented = await commentOnLines(
        deps.kintone,
        order,
        lineIds,
        deliveryComment(order, report),
        context,
      );
      outcome.commented = commented.lineIds.length > 0;
    }
  }

  let updated = await orders.append(order.orderNumber, {
    kind: 'delivery',
    at: report.at ?? deps.now().toISOString(),
    status: report.status,
    detail,
  });
  let faxRequested = false;
  if (emailLost(report.status)) {
    const fallback = await fallBackToFax(updated, report, deps, { firstReport: true });
    outcome.commented = fallback.commented || outcome.commented;
    updated = fallback.order;
    faxRequested = fallback.faxRequested;
  }
  // The order app's record: 不達 / 拒否 / 苦情 on the email, the fax sent instead, or 要対応; one
  // PUT, none when it shows nothing new (a delivered email); a failure never fails the event.
  // A fax handed to the fax function is written there, with the fax, in that one PUT.
  if (!faxRequested) await writeOrderLedger(updated, deps);
  logger[report.status === 'delivered' ? 'info' : 'warn']('delivery status recorded', {
    orderNumber: report.orderNumber,
    status: report.status,
    detail,
  });
  return done('recorded');
}

/** The delivery SES reported last, as the order's log has it. */
function lastDelivery(order: PurchaseOrder): Extract<OrderEvent, { kind: 'delivery' }> | undefined {
  const deliveries = order.log.filter(
    (event): event is Extract<OrderEvent, { kind: 'delivery' }> => event.kind === 'delivery',
  );
  return deliveries[deliveries.length - 1];
}

function emailLost(status: DeliveryStatus): boolean {
  return status === 'bounced' || status === 'rejected';
}

/**
 * The email will never arrive: fax the same order request if the supplier has a fax, and tell
 * staff in one comment what happened and what the bridge did, or, when no channel is left, that
 * they must contact the supplier (要対応). Each step is idempotent, so a retry only does what is
 * missing.
 *
 * @returns whether a comment was added, and the order as stored afterwards.
 */
async function fallBackToFax(
  order: PurchaseOrder,
  report: DeliveryReport,
  deps: DeliveryDeps,
  { firstReport }: { firstReport: boolean },
): Promise<{ commented: boolean; order: PurchaseOrder; faxRequested: boolean }> {
  const channelDeps: ChannelDeps = {
    orders: deps.orders,
    logger: deps.logger,
    now: deps.now,
    documents: documentOptionsOf(deps.config),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.fax ? { fax: deps.fax } : {}),
    ...(deps.faxHandoff ? { faxHandoff: deps.faxHandoff } : {}),
  };
  const sent = await sendOrderOnChannels(await addFaxFallback(order, channelDeps), channelDeps);
  const app = findApp(deps.config, order.appId);
  const nobodyHasIt = allChannelsFailed(sent.order);
  const lineIds = openLines(sent.order).map((line) => line.lineId);
  const context = { logger: deps.logger };
  let commented = false;
  // A retry comments only if it did the faxing; the first report comments when a channel is
  // still working. With none left, the 要対応 report below is the one comment.
  const faxing = sent.faxed ? 'sent' : sent.faxRequested ? 'requested' : undefined;
  if (!nobodyHasIt && (faxing || firstReport) && app && lineIds.length > 0) {
    const text = lostEmailComment(sent.order, report, faxing);
    const result = await commentOnLines(deps.kintone, sent.order, lineIds, text, context);
    commented = result.lineIds.length > 0;
  }
  const attention = await reportIfAllChannelsFailed(sent.order, deps);
  // Staff were told 要対応 before: a further failure (another bounce) is news for them.
  if (nobodyHasIt && !attention.reported && firstReport && app && lineIds.length > 0) {
    const text = deliveryComment(sent.order, report);
    const result = await commentOnLines(deps.kintone, sent.order, lineIds, text, context);
    commented = result.lineIds.length > 0;
  }
  return {
    commented: commented || attention.reported,
    order: attention.order,
    faxRequested: sent.faxRequested,
  };
}

/**
 * The one comment for a lost email while another channel has the order: what SES said and how
 * the order reached the supplier instead.
 *
 * @example
 * lostEmailComment(order, report, 'sent');
 * // 発注依頼 PO-20261128-0001 のメールが届きませんでした: 不達 (...), order@example.jp
 * // 代わりに FAX 0312345678 で送信しました。仕入先への別途の連絡は不要です。…
 */
export function lostEmailComment(
  order: PurchaseOrder,
  report: DeliveryReport,
  faxing: 'sent' | 'requested' | undefined,
): string {
  const faxes = describeChannels(channelsOf(order).filter((channel) => channel.kind === 'fax'));
  const lost = deliveryComment(order, report).split('\n')[0] ?? '';
  return [
    lost,
    faxing === 'sent'
      ? `代わりに ${faxes} で送信しました。仕入先への別途の連絡は不要です (二重発注になります)。`
      : faxing === 'requested'
        ? `代わりに ${faxes} で送信します。仕入先への別途の連絡は不要です (二重発注になります)。`
        : `${faxes} でも送っているため、仕入先への別途の連絡は不要です。`,
    '仕入先のメールアドレスは確認し、必要なら直してください。',
  ].join('\n');
}

/**
 * A report loses to the recorded status when it is older, or when it says "delivered" after a
 * failure was recorded: SES can report a Delivery (accepted by the receiving server) and later a
 * bounce or complaint for the same email, and SNS does not keep them in order.
 */
function isSuperseded(
  recorded: Extract<OrderEvent, { kind: 'delivery' }> | undefined,
  report: DeliveryReport,
): boolean {
  if (recorded === undefined) return false;
  if (report.status === 'delivered' && recorded.status !== 'delivered') return true;
  return report.at !== undefined && Date.parse(report.at) < Date.parse(recorded.at);
}

/**
 * The record comment for a bounce, complaint or reject: what happened, SES's reason and the
 * address, and what staff should do next.
 *
 * @example
 * deliveryComment(order, report);
 * // 発注依頼 PO-20261128-0001 のメールを配信できませんでした: 不達 (Permanent/General: ...), order@example.jp
 * // 仕入先のメールアドレスを確認し、電話や FAX で発注を伝えてください。
 */
export function deliveryComment(order: PurchaseOrder, report: DeliveryReport): string {
  const { orderNumber } = order;
  const label = DELIVERY_STATUS_LABELS[report.status];
  const addresses =
    report.recipients.length > 0 ? report.recipients.join(', ') : (order.supplier.email ?? '');
  const what = `${label} (${report.reason})${addresses ? `, ${addresses}` : ''}`;
  if (report.status === 'complained') {
    return [
      `発注依頼 ${orderNumber} のメールは届きましたが、受信者が迷惑メールとして報告しました: ${what}`,
      '仕入先に連絡し、発注依頼を受け取れる宛先を確認してください。',
    ].join('\n');
  }
  return [
    `発注依頼 ${orderNumber} のメールを配信できませんでした: ${what}`,
    '仕入先のメールアドレスを確認し、電話や FAX で発注を伝えてください。',
  ].join('\n');
}
