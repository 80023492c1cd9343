import { findApp, UnknownAppError } from '../config/load-config';
import type { AppConfig, BridgeConfig } from '../config/schema';
import { nextApprovalCheckAt } from '../domain/approval';
import { localDate } from '../domain/dates';
import { orderRequestOf } from '../domain/order-request';
import {
  activeLines,
  channelsOf,
  isSealed,
  isSettled,
  orderStatus,
  remainingSteps,
  sealOf,
  type ApprovalStepOptions,
  type OrderEvent,
  type OrderStepToDo,
  type PurchaseOrder,
  type PurchaseOrderLine,
} from '../domain/purchase-order';
import { changedFields, orderComment, toKintoneDateTime } from '../kintone/write-back';
import type { BridgeMetrics } from '../ports/bridge-metrics';
import type { FaxHandoff, FaxSending } from '../ports/fax-gateway';
import type { KintoneRecordWriter } from '../ports/kintone-record-writer';
import type { BridgeLogger } from '../ports/logger';
import type { OrderLinkSigner } from '../ports/order-links';
import type { OrderMailer } from '../ports/order-mailer';
import type { OrderStore } from '../ports/order-store';
import type { ApprovalLinkSigner, ApprovalMailer } from '../ports/approval-mailer';
import type { OrderLedger } from '../ports/order-ledger';
import { approvalOptionsOf, performApprovalStep } from './approve-order';
import { describeFailure } from './failure-kind';
import { attentionReported, reportIfAllChannelsFailed } from './needs-attention';
import { writeOrderLedger } from './write-order-ledger';
import { allChannelsFailed, describeChannels, documentOptionsOf } from './order-channels';
import { commentOnLines, openLines, writeLineFields } from './order-record';
import { sendOrReportSending, since } from './send-or-report';

/**
 * Completing an order: sealing it when it is due, sending it on its channels, writing the
 * outcome to every line's record and commenting, each step appended to the order's log as it
 * is done, then taking it off the due list (an order left awaiting approval is moved on it to
 * its next approval step instead). What is left to do is read from the log
 * (`remainingSteps`), so a retry after a crash at any point does exactly the rest, under the
 * same order number: the order is sent once. Used by the dispatcher for `immediate` orders and
 * by the scheduled send of due orders for every other.
 */

/** Collaborators of {@link completeOrder}. */
export interface CompleteOrderDeps {
  config: BridgeConfig;
  orders: OrderStore;
  kintone: KintoneRecordWriter;
  logger: BridgeLogger;
  now: () => Date;
  metrics?: BridgeMetrics;
  /** Without it, email channels wait (the order stays due). */
  mailer?: OrderMailer;
  /** Renders and sends faxes in this call (the fax function); see `faxHandoff` for the others. */
  fax?: FaxSending;
  /**
   * Hands a pending fax to the fax function, which then does the order's remaining steps.
   * Without it or `fax`, fax channels wait and a failed email has no fallback.
   */
  faxHandoff?: FaxHandoff;
  /** Signs the supplier page link when the order is sealed; without it, no link. */
  orderLinks?: OrderLinkSigner;
  /** The order app (発注管理); without it no order record is written. */
  ledger?: OrderLedger;
  /** Mails the approver (config `approval.approverEmail`); without it nobody is mailed. */
  approvalMailer?: ApprovalMailer;
  /** Signs the approver's one-click link (approval without an order app). */
  approvalLinks?: ApprovalLinkSigner;
}

/** How far {@link completeOrder} goes. */
export interface CompleteOrderOptions {
  /**
   * `send`: seal and send (and tell staff when every channel failed), then stop: the caller
   * writes the outcome to the records itself, together with its other writes to them (the
   * dispatcher, one write per record), and appends `written-back` and `commented`.
   */
  through?: 'send';
}

/** What {@link completeOrder} did in this call. */
export interface CompletedOrder {
  order: PurchaseOrder;
  emailed: boolean;
  faxed: boolean;
  /** The order's fax was handed to the fax function, which goes on from there. */
  faxRequested: boolean;
  /** Field codes written to the lines' records. */
  wroteFields: string[];
  commented: boolean;
  /** Nothing is left to do: the order was taken off the due list. */
  settled: boolean;
}

const DAY_MS = 86_400_000;

/** At most this many steps per call: each step appends to the log, so more means a loop. */
const MAX_STEPS = 12;

/**
 * The `sealed` event of an order sealed at `now`: the order date in the company's time zone,
 * and the signed supplier page link with its expiry, when the deployment has an order page.
 */
export async function sealingEvent(
  order: Pick<PurchaseOrder, 'orderNumber' | 'supplier'>,
  deps: { config: BridgeConfig; orderLinks?: OrderLinkSigner },
  now: Date,
): Promise<Extract<OrderEvent, { kind: 'sealed' }>> {
  const supplierPageUrl = await deps.orderLinks?.sign(order.orderNumber, order.supplier, now);
  const ttlDays = deps.config.supplierPage?.linkTtlDays;
  return {
    kind: 'sealed',
    at: now.toISOString(),
    orderDate: localDate(now, deps.config.timeZone),
    ...(supplierPageUrl !== undefined ? { supplierPageUrl } : {}),
    ...(supplierPageUrl !== undefined && ttlDays !== undefined
      ? { linkExpiresAt: new Date(now.getTime() + ttlDays * DAY_MS).toISOString() }
      : {}),
  };
}

/**
 * Performs the order's remaining steps, in order: seal (when due), send, write back, comment;
 * then marks it settled. A send that fails for now throws after showing 送信待ち once (the
 * caller retries); a send refused on every channel writes 要対応 instead of 発注依頼済.
 *
 * @throws UnknownAppError when the order's app is no longer configured.
 */
export async function completeOrder(
  order: PurchaseOrder,
  deps: CompleteOrderDeps,
  options: CompleteOrderOptions = {},
): Promise<CompletedOrder> {
  const app = findApp(deps.config, order.appId);
  if (!app) throw new UnknownAppError(order.appId);
  const documents = documentOptionsOf(deps.config);
  const sending = { ...deps, documents };
  const context = { subtable: app.subtable?.field, logger: deps.logger };
  const stepOptions = () => {
    const approval = approvalOptionsOf(deps.config, done.order);
    return {
      now: deps.now(),
      commentOnOrder: app.commentOnOrder,
      ...(approval ? { approval } : {}),
    };
  };
  const done: CompletedOrder = {
    order,
    emailed: false,
    faxed: false,
    faxRequested: false,
    wroteFields: [],
    commented: false,
    settled: false,
  };
  const { orderNumber } = order;

  for (let count = 0; count < MAX_STEPS; count++) {
    const [next] = remainingSteps(done.order, stepOptions());
    // A due gathering order whose every line was dropped is sealed too, before it is settled:
    // else it would stay the group's gathering order, and the next line would join an order
    // that is no longer on the due list.
    const step: OrderStepToDo | undefined =
      next ?? (isDueUnsealed(done.order, deps.now()) ? { step: 'seal' } : undefined);
    if (!step) break;
    // The fax function sends it and goes on from there: nothing more to do here.
    if (step.step === 'send' && step.channel.kind === 'fax' && done.faxRequested) break;
    // With `through: 'send'` the caller writes a sent order's outcome; 要対応 is still done here.
    const callersPart =
      step.step === 'comment' ||
      (step.step === 'write-back' && orderStatus(done.order) !== 'needs-attention');
    if (options.through === 'send' && callersPart) break;
    if (
      step.step === 'request-approval' ||
      step.step === 'remind-approval' ||
      step.step === 'flag-approval'
    ) {
      done.order = await performApprovalStep(done.order, step, deps);
    } else if (step.step === 'seal') {
      const empty = activeLines(done.order).length === 0;
      done.order = await deps.orders.append(
        orderNumber,
        // Nothing goes out of an empty order: no link to sign.
        empty
          ? {
              kind: 'sealed',
              at: deps.now().toISOString(),
              orderDate: localDate(deps.now(), deps.config.timeZone),
            }
          : await sealingEvent(done.order, deps, deps.now()),
      );
      deps.logger.info('order sealed', {
        orderNumber,
        lines: activeLines(done.order).length,
      });
    } else if (step.step === 'send') {
      const before = done.order.log.length;
      const sent = await sendOrReportSending(done.order, sending);
      done.order = sent.order;
      done.faxRequested ||= sent.faxRequested;
      // A channel this function cannot send on (no mailer, no fax gateway) waits for another.
      if (done.order.log.length === before) break;
      done.emailed ||= sent.emailed;
      done.faxed ||= sent.faxed;
      if (allChannelsFailed(done.order)) await reportAttention(done, deps);
    } else if (step.step === 'write-back') {
      if (orderStatus(done.order) === 'needs-attention') {
        // Nobody has the order: 要対応 on the records instead of 発注依頼済.
        if (!attentionReported(done.order)) {
          await reportAttention(done, deps);
          continue;
        }
        done.order = await deps.orders.append(orderNumber, {
          kind: 'written-back',
          at: deps.now().toISOString(),
          lineIds: step.lineIds,
        });
        continue;
      }
      const current = done.order;
      // A line staff closed meanwhile (入荷済, キャンセル) keeps what they set.
      const open = new Set(openLines(current).map((line) => line.lineId));
      const written = await writeLineFields(
        deps.kintone,
        current,
        step.lineIds.filter((lineId) => open.has(lineId)),
        (line) => changedFields(app, orderedLineOutcome(app, current, line)),
        context,
      );
      addFields(done, written.fields);
      // A deleted record (or row) cannot take the outcome, nor a closed line: all count as written.
      done.order = await deps.orders.append(orderNumber, {
        kind: 'written-back',
        at: deps.now().toISOString(),
        lineIds: step.lineIds,
      });
    } else {
      const current = done.order;
      const request = orderRequestOf(current, documents);
      const via = describeChannels(channelsOf(current));
      const open = new Set(openLines(current).map((line) => line.lineId));
      const commented = await commentOnLines(
        deps.kintone,
        current,
        step.lineIds.filter((lineId) => open.has(lineId)),
        (lines) => linesComment(request, lines, via, activeLines(current).length),
        context,
      );
      done.commented ||= commented.lineIds.length > 0;
      done.order = await deps.orders.append(orderNumber, {
        kind: 'commented',
        at: deps.now().toISOString(),
        lineIds: step.lineIds,
      });
    }
  }
  // The order app's record follows the order (one PUT when anything it shows changed), written
  // by the fax function instead once the fax is handed to it: it has the newer state.
  if (!done.faxRequested) done.order = await writeOrderLedger(done.order, deps);
  if (isSettled(done.order, stepOptions())) {
    await deps.orders.markSettled(orderNumber);
    done.settled = true;
  } else if (orderStatus(done.order) === 'awaiting-approval') {
    await awaitNextApprovalStep(done.order, stepOptions(), deps);
  }
  return done;
}

/** How often an order awaiting approval with no step left (reminded and flagged) is re-read. */
export const APPROVAL_RECHECK_MS = DAY_MS;

/**
 * An order awaiting approval stays on the due list (it is never settled while waiting), but
 * moves there to when its next approval step falls due (the reminder, then the flag), else to
 * a daily re-check: so many orders awaiting approval do not hold back the orders behind them.
 * An approval moves it back to now (see `approveOrder`). Best effort: where it stays, it is due.
 */
async function awaitNextApprovalStep(
  order: PurchaseOrder,
  options: { now: Date; approval?: ApprovalStepOptions },
  deps: CompleteOrderDeps,
): Promise<void> {
  const { orderNumber } = order;
  const now = options.now.getTime();
  const next = nextApprovalCheckAt(order, options.approval ?? {})?.getTime();
  const at = new Date(Math.max(now, next ?? now + APPROVAL_RECHECK_MS));
  try {
    await deps.orders.reschedule(orderNumber, at);
    // A decision made meanwhile moved the order to now before this moved it on: due again now.
    const current = await deps.orders.get(orderNumber);
    if (current && orderStatus(current) !== 'awaiting-approval') {
      await deps.orders.reschedule(orderNumber, options.now);
    }
  } catch (error) {
    deps.logger.warn('could not move the order awaiting approval on the due list', {
      orderNumber,
      error: describeFailure(error),
    });
  }
}

function isDueUnsealed(order: PurchaseOrder, now: Date): boolean {
  return !isSealed(order) && Date.parse(order.dueAt) <= now.getTime();
}

async function reportAttention(done: CompletedOrder, deps: CompleteOrderDeps): Promise<void> {
  const attention = await reportIfAllChannelsFailed(done.order, deps);
  done.order = attention.order;
  done.commented ||= attention.reported;
  addFields(done, attention.wroteFields);
}

function addFields(done: CompletedOrder, fields: readonly string[]): void {
  done.wroteFields = [...new Set([...done.wroteFields, ...fields])];
}

/**
 * What a line's record shows once its order is sent: 発注依頼済, the order's number and time,
 * and the line's own reason (its quantity and why). A write-back retried after the supplier
 * answered (or SES reported) does not undo what that wrote; the previous order's answer fields
 * are emptied otherwise.
 */
export function orderedLineOutcome(
  app: AppConfig,
  order: PurchaseOrder,
  line: PurchaseOrderLine,
): Parameters<typeof changedFields>[1] {
  const reported = since(order);
  const orderedAt = sealOf(order)?.at ?? order.createdAt;
  return {
    ...(reported.answered ? {} : { status: app.statuses.ordered, deliveryDate: '' }),
    ...(reported.deliveryReported ? {} : { deliveryStatus: '' }),
    orderNumber: order.orderNumber,
    orderedAt: toKintoneDateTime(orderedAt),
    reason: line.reason,
  };
}

/**
 * The comment on a record of a sent order about its lines `lines` (those on that record): the
 * order, the lines with their quantities and reasons, and how many other items the order carries.
 */
export function recordCommentOf(
  order: PurchaseOrder,
  lines: readonly PurchaseOrderLine[],
  config: BridgeConfig,
): string {
  return linesComment(
    orderRequestOf(order, documentOptionsOf(config)),
    lines,
    describeChannels(channelsOf(order)),
    activeLines(order).length,
  );
}

/**
 * The comment on a record of the order: the order, this record's own lines and their reasons,
 * and how many other items the same order carries.
 */
function linesComment(
  request: ReturnType<typeof orderRequestOf>,
  lines: readonly PurchaseOrderLine[],
  via: string,
  totalLines: number,
): string {
  const ids = new Set(lines.map((line) => line.lineId));
  const own = request.lines.filter((line) => line.lineId !== undefined && ids.has(line.lineId));
  const reason =
    lines.length === 1
      ? (lines[0]?.reason ?? '')
      : lines.map((line) => `${line.sku}: ${line.reason}`).join('\n');
  // Lines of one order may differ in lead time: the record reads its own lines' date.
  const ownDates = own.flatMap((line) =>
    line.desiredDeliveryDate !== undefined ? [line.desiredDeliveryDate] : [],
  );
  const desiredDeliveryDate =
    ownDates.length > 0 ? (ownDates.sort().at(-1) as string) : request.desiredDeliveryDate;
  const text = orderComment({ ...request, lines: own, reason, desiredDeliveryDate }, via);
  const others = totalLines - lines.length;
  return others > 0 ? `${text}\n(同じ発注書に他 ${others} 品目)` : text;
}
