import { DELIVERY_STATUS_LABELS } from '../kintone/write-back';
import { commentOnOrder, orderRecordExists, writeOrderFields } from './order-record';
import { findApp } from '../config/load-config';
import { NO_METRICS } from '../ports/bridge-metrics';
import type { DeliveryStatus, StoredOrder } from '../ports/bridge-store';
import { reportIfAllChannelsFailed, type AttentionDeps } from './needs-attention';
import {
  addFaxFallback,
  allChannelsFailed,
  channelsOf,
  describeChannels,
  sendPendingChannels,
} from './order-channels';
import { deliveryDetail, type DeliveryReport } from '../edge/ses-event';
import type { FaxSending } from '../ports/fax-gateway';

/** Collaborators of {@link recordDelivery}, built once in the function's wiring. */
export interface DeliveryDeps extends AttentionDeps {
  /** Sends the fax fallback after a hard bounce; without it staff are told to call. */
  fax?: FaxSending;
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
 * Retries are safe: kintone is written before the store, so a failure in either leaves the
 * status unrecorded and the retry writes again (the field write is idempotent; a comment may
 * be repeated if the store write alone failed). A report already recorded is a no-op.
 *
 * @example
 * const outcome = await recordDelivery(parsed.report, deps);
 * outcome.result; // 'recorded'
 */
export async function recordDelivery(
  report: DeliveryReport,
  deps: DeliveryDeps,
): Promise<DeliveryOutcome> {
  const { store, logger } = deps;
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
  const order = await store.findOrderByNumber(report.orderNumber);
  if (!order) {
    logger.warn('SES event for an unknown order skipped', {
      orderNumber: report.orderNumber,
      eventType: report.eventType,
      messageId: report.messageId,
    });
    return done('unknown-order');
  }

  const detail = deliveryDetail(report);
  const previous = order.steps.deliveryStatus;
  if (previous === report.status && order.steps.deliveryDetail === detail) {
    // An earlier attempt may have recorded the bounce and then failed to fax or to tell staff
    // (gateway 5xx, kintone 503): the retry finishes that; what was done is not done again.
    if (emailLost(report.status)) await fallBackToFax(order, report, deps, { firstReport: false });
    return done('duplicate');
  }
  if (isSuperseded(order, report)) {
    logger.info('SES event older than the recorded delivery status; kept the recorded one', {
      orderNumber: report.orderNumber,
      status: report.status,
      recorded: previous,
    });
    return done('superseded');
  }

  const key = { appId: order.appId, recordId: order.recordId };
  const app = findApp(deps.config, order.appId);
  const recordExists = await orderRecordExists(order, store);
  if (!app) {
    logger.warn('order of an app no longer configured: delivery status kept in the bridge only', {
      orderNumber: report.orderNumber,
      appId: order.appId,
    });
  } else if (!recordExists) {
    logger.info('kintone record deleted: delivery status kept in the bridge only', {
      orderNumber: report.orderNumber,
      ...key,
    });
  } else {
    const field = app.writeBack.deliveryStatus;
    if (field !== undefined && previous !== report.status) {
      await writeOrderFields(deps.kintone, order, {
        [field]: DELIVERY_STATUS_LABELS[report.status],
      });
      outcome.wroteField = field;
    }
    // A lost email is told together with what the bridge does about it (the fax fallback), in
    // one comment, so staff never read "phone them" and then "it was faxed".
    if (report.status !== 'delivered' && !emailLost(report.status)) {
      await commentOnOrder(deps.kintone, order, deliveryComment(order, report));
      outcome.commented = true;
    }
  }

  const updated = await store.recordOrderStep(key, order.cycle, {
    kind: 'delivery',
    at: report.at ?? deps.now().toISOString(),
    status: report.status,
    detail,
  });
  if (emailLost(report.status)) {
    outcome.commented =
      (await fallBackToFax(updated, report, deps, { firstReport: true })) || outcome.commented;
  }
  logger[report.status === 'delivered' ? 'info' : 'warn']('delivery status recorded', {
    orderNumber: report.orderNumber,
    status: report.status,
    detail,
  });
  return done('recorded');
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
 * @returns true when a comment was added.
 */
async function fallBackToFax(
  order: StoredOrder,
  report: DeliveryReport,
  deps: DeliveryDeps,
  { firstReport }: { firstReport: boolean },
): Promise<boolean> {
  const sent = await sendPendingChannels(await addFaxFallback(order, deps), deps);
  const app = findApp(deps.config, order.appId);
  const nobodyHasIt = allChannelsFailed(sent.order);
  let commented = false;
  // A retry comments only if it did the faxing; the first report comments when a channel is
  // still working. With none left, the 要対応 report below is the one comment.
  if (
    !nobodyHasIt &&
    (sent.faxed || firstReport) &&
    app &&
    (await orderRecordExists(order, deps.store))
  ) {
    await commentOnOrder(deps.kintone, order, lostEmailComment(sent.order, report, sent.faxed));
    commented = true;
  }
  const attention = await reportIfAllChannelsFailed(sent.order, deps);
  // Staff were told 要対応 before: a further failure (another bounce) is news for them.
  if (nobodyHasIt && !attention.reported && firstReport && app) {
    if (await orderRecordExists(order, deps.store)) {
      await commentOnOrder(deps.kintone, order, deliveryComment(order, report));
      commented = true;
    }
  }
  return commented || attention.reported;
}

/**
 * The one comment for a lost email while another channel has the order: what SES said and how
 * the order reached the supplier instead.
 *
 * @example
 * lostEmailComment(order, report, true);
 * // 発注依頼 PO-20261128-0001 のメールが届きませんでした: 不達 (...), order@example.jp
 * // 代わりに FAX 0312345678 で送信しました。仕入先への別途の連絡は不要です。…
 */
export function lostEmailComment(
  order: StoredOrder,
  report: DeliveryReport,
  faxedNow: boolean,
): string {
  const faxes = describeChannels(channelsOf(order).filter((channel) => channel.kind === 'fax'));
  const lost = deliveryComment(order, report).split('\n')[0] ?? '';
  return [
    lost,
    faxedNow
      ? `代わりに ${faxes} で送信しました。仕入先への別途の連絡は不要です (二重発注になります)。`
      : `${faxes} でも送っているため、仕入先への別途の連絡は不要です。`,
    '仕入先のメールアドレスは確認し、必要なら直してください。',
  ].join('\n');
}

/**
 * A report loses to the recorded status when it is older, or when it says "delivered" after a
 * failure was recorded: SES can report a Delivery (accepted by the receiving server) and later a
 * bounce or complaint for the same email, and SNS does not keep them in order.
 */
function isSuperseded(order: StoredOrder, report: DeliveryReport): boolean {
  const recorded = order.steps.deliveryStatus;
  if (recorded === undefined) return false;
  if (report.status === 'delivered' && recorded !== 'delivered') return true;
  const recordedAt = order.steps.deliveryAt;
  return (
    report.at !== undefined &&
    recordedAt !== undefined &&
    Date.parse(report.at) < Date.parse(recordedAt)
  );
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
export function deliveryComment(order: StoredOrder, report: DeliveryReport): string {
  const orderNumber = order.request.orderNumber;
  const label = DELIVERY_STATUS_LABELS[report.status];
  const addresses =
    report.recipients.length > 0
      ? report.recipients.join(', ')
      : (order.request.supplier.email ?? '');
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
