import { findApp } from '../config/load-config';
import type { AppConfig, BridgeConfig } from '../config/schema';
import type { Calendars } from '../domain/business-calendar';
import { faxFallback, type OrderChannel } from '../domain/channels';
import {
  businessClockOf,
  followUpOf,
  orderFaxChannel,
  weekdayBusinessClock,
  type BusinessClock,
  type FollowUpStep,
} from '../domain/follow-up';
import type { OrderRequest } from '../domain/order';
import { orderRequestOf } from '../domain/order-request';
import { channelsOf, eventsOf, type PurchaseOrder } from '../domain/purchase-order';
import { faxNumberReader } from '../edge/fax-number';
import { changedFields } from '../kintone/write-back';
import { NO_METRICS } from '../ports/bridge-metrics';
import { ChannelSendError } from '../ports/channel-send-error';
import type { FaxHandoff, FaxSending } from '../ports/fax-gateway';
import type { OrderLedger } from '../ports/order-ledger';
import type { OrderMailer } from '../ports/order-mailer';
import type { CompleteOrderDeps } from './complete-order';
import { describeFailure } from './failure-kind';
import { documentOptionsOf } from './order-channels';
import { commentOnLines, openLines, writeLineFields } from './order-record';
import { writeOrderLedger } from './write-order-ledger';

/**
 * Following up sent orders (issue 12), run by the scheduled send after the due orders: each
 * order on the store's follow-up list whose check is due is read, `followUpOf` says what is
 * due, and each step is done and recorded in the order's log:
 *
 * - `remind`: the order again, marked 【再送・ご確認のお願い】, same number (`reminder-sent`);
 * - `fax`: the reminder as a fax, on the order's fax channel or the supplier's fax number;
 * - `flag`: 要対応 and the reason on every open line's record, a comment, the order's
 *   `follow-up-overdue` and the `FollowUpsOverdue` metric (alarmed);
 * - `late`: 納期遅延 and the date on the late lines' records, a comment, `late` (once a date).
 *
 * The records are written before the event is appended: a crash in between writes them again
 * (the same values, possibly a second comment), never records a step nobody saw. A reminder
 * sent just before a crash may go out twice, as any send does; the log keeps it at one after.
 * The order app's record (with `orderApp`) is then brought up to date in one PUT, none when it
 * shows nothing new. The order is then rescheduled at the next time something can fall due, or
 * taken off the list when nothing can (closed, empty, every channel failed). Without `followUp`
 * in the configuration nothing is followed up and the list is emptied as orders reach it.
 */

/** Collaborators of {@link followUpOrders}: those of the scheduled send. */
export interface FollowUpOrdersDeps extends Pick<
  CompleteOrderDeps,
  'config' | 'orders' | 'kintone' | 'logger' | 'now' | 'metrics'
> {
  /** Sends email reminders; without it a reminder goes by fax. */
  mailer?: OrderMailer;
  /** Sends reminder faxes here (the fax function). */
  fax?: FaxSending;
  /** Hands reminder faxes to the fax function (the scheduled send); see `fax`. */
  faxHandoff?: FaxHandoff;
  /**
   * The business calendars (`calendarFromConfig`): reminders and the flag count the company's
   * business hours (holidays and closed days skipped). Without them, `businessClock`.
   */
  calendars?: Calendars;
  /** Business hours without `calendars`; a plain weekday clock (9:00-18:00, no holidays) without it. */
  businessClock?: BusinessClock;
  /** Orders checked per run at most; {@link DEFAULT_FOLLOW_UP_BATCH} without it. */
  followUpBatchSize?: number;
  /**
   * The order app (発注管理, `orderApp`, the scheduled send's): after an order's steps its record
   * shows them (再送済, 要対応, 納期遅延) in one PUT per order and run, none when nothing it shows
   * changed. Without it nothing is written there.
   */
  ledger?: OrderLedger;
}

/** Orders checked per run when the wiring sets no batch size. */
export const DEFAULT_FOLLOW_UP_BATCH = 50;

/** What one run did, by order number. */
export interface FollowUpOrdersResult {
  checked: string[];
  reminded: string[];
  faxed: string[];
  flagged: string[];
  late: string[];
  failed: { orderNumber: string; error: string }[];
}

/**
 * Follows up every order whose check is due at `now` (at most the batch size).
 *
 * @example
 * const { reminded, flagged } = await followUpOrders(deps, new Date());
 */
export async function followUpOrders(
  deps: FollowUpOrdersDeps,
  now: Date,
): Promise<FollowUpOrdersResult> {
  const result: FollowUpOrdersResult = {
    checked: [],
    reminded: [],
    faxed: [],
    flagged: [],
    late: [],
    failed: [],
  };
  const due = await deps.orders.listChecksDue(
    now,
    deps.followUpBatchSize ?? DEFAULT_FOLLOW_UP_BATCH,
  );
  for (const orderNumber of due) {
    try {
      await followUp(orderNumber, deps, now, result);
      result.checked.push(orderNumber);
    } catch (error) {
      const problem = describeFailure(error);
      deps.logger.error('order follow-up failed; the next run retries it', {
        orderNumber,
        error: problem,
      });
      result.failed.push({ orderNumber, error: problem });
    }
  }
  const acted =
    result.reminded.length + result.faxed.length + result.flagged.length + result.late.length;
  deps.logger[acted > 0 || result.failed.length > 0 ? 'info' : 'debug']('orders followed up', {
    checked: result.checked.length,
    reminded: result.reminded,
    faxed: result.faxed,
    flagged: result.flagged,
    late: result.late,
    failed: result.failed.map((entry) => entry.orderNumber),
  });
  return result;
}

async function followUp(
  orderNumber: string,
  deps: FollowUpOrdersDeps,
  now: Date,
  result: FollowUpOrdersResult,
): Promise<void> {
  const rule = deps.config.followUp;
  const order = rule ? await deps.orders.get(orderNumber) : undefined;
  const app = order && findApp(deps.config, order.appId);
  if (!rule || !order || !app) {
    await deps.orders.clearCheck(orderNumber);
    return;
  }
  const { steps, nextCheckAt } = followUpOf(order, {
    now,
    rule,
    clock: clockOf(deps),
    timeZone: deps.config.timeZone,
  });
  let current = order;
  for (const step of steps) {
    current = await perform(step, current, app, deps, result);
  }
  // One write for all the steps; it also catches up a record behind (a failed earlier write).
  await writeOrderLedger(current, deps);
  if (nextCheckAt === undefined) await deps.orders.clearCheck(orderNumber);
  else await deps.orders.scheduleCheck(orderNumber, nextCheckAt);
}

/** The company calendar's business hours, else the given clock, else weekdays 9:00-18:00. */
function clockOf(deps: FollowUpOrdersDeps): BusinessClock {
  const { timeZone } = deps.config;
  if (deps.calendars) return businessClockOf(deps.calendars.company, timeZone);
  return deps.businessClock ?? weekdayBusinessClock(timeZone);
}

async function perform(
  step: FollowUpStep,
  order: PurchaseOrder,
  app: AppConfig,
  deps: FollowUpOrdersDeps,
  result: FollowUpOrdersResult,
): Promise<PurchaseOrder> {
  const { orderNumber } = order;
  switch (step.step) {
    case 'remind': {
      if (step.channel === 'email') {
        const emailed = await remindByEmail(order, deps);
        if (emailed) {
          result.reminded.push(orderNumber);
          return emailed;
        }
      }
      // By fax: the order went by fax only, or its reminder email was refused for good.
      const faxed = await remindByFax(order, deps);
      if (faxed) result.reminded.push(orderNumber);
      return faxed === 'requested' ? order : (faxed ?? order);
    }
    case 'fax': {
      const faxed = await remindByFax(order, deps);
      if (faxed) result.faxed.push(orderNumber);
      return faxed === 'requested' ? order : (faxed ?? order);
    }
    case 'flag': {
      await showOnRecords(
        order,
        app,
        deps,
        openLines(order).map((line) => line.lineId),
        {
          status: app.statuses.failed,
          reason: step.reason,
          comment: `【要対応】${step.reason}`,
        },
      );
      const flagged = await deps.orders.append(orderNumber, {
        kind: 'follow-up-overdue',
        at: deps.now().toISOString(),
        reason: step.reason,
      });
      (deps.metrics ?? NO_METRICS).count('FollowUpsOverdue');
      deps.logger.warn('supplier has not answered in time: staff flagged', {
        orderNumber,
        reason: step.reason,
      });
      result.flagged.push(orderNumber);
      return flagged;
    }
    case 'late': {
      const open = new Set(openLines(order).map((line) => line.lineId));
      const reason = lateReason(orderNumber, step.dueDate);
      await showOnRecords(
        order,
        app,
        deps,
        step.lineIds.filter((lineId) => open.has(lineId)),
        { status: app.statuses.late, reason, comment: `【${app.statuses.late}】${reason}` },
      );
      const late = await deps.orders.append(orderNumber, {
        kind: 'late',
        at: deps.now().toISOString(),
        dueDate: step.dueDate,
      });
      (deps.metrics ?? NO_METRICS).count('OrdersLate');
      deps.logger.warn('delivery date passed without receipt', {
        orderNumber,
        dueDate: step.dueDate,
        lineIds: step.lineIds,
      });
      result.late.push(orderNumber);
      return late;
    }
  }
}

/** Why a line is late, as its record says it. */
export function lateReason(orderNumber: string, dueDate: string): string {
  return `発注 ${orderNumber} の納期 ${dueDate} を過ぎても入荷がありません。仕入先に納期を確認してください。`;
}

/** The order's documents as a reminder: the same order, marked as sent again. */
function reminderOf(order: PurchaseOrder, config: BridgeConfig): OrderRequest {
  return { ...orderRequestOf(order, documentOptionsOf(config)), reminder: true };
}

/** The reminder by email; undefined when the address refused it for good (fax instead). */
async function remindByEmail(
  order: PurchaseOrder,
  deps: FollowUpOrdersDeps,
): Promise<PurchaseOrder | undefined> {
  const { mailer } = deps;
  if (!mailer) return undefined;
  return sendReminder(order, 'email', deps, async () => {
    const sent = await mailer.sendOrderRequest(reminderOf(order, deps.config));
    deps.logger.info('reminder emailed', {
      orderNumber: order.orderNumber,
      messageId: sent.messageId,
    });
    return sent.messageId;
  });
}

/**
 * A reminder sent on one channel (`send` gives its message or fax id) and recorded in the log
 * (`reminder-sent`, the `RemindersSent` metric). Undefined when the channel refused it for good,
 * so the caller can try another; any other failure throws (the next run, or the queue, retries).
 */
async function sendReminder(
  order: PurchaseOrder,
  channel: 'email' | 'fax',
  deps: FollowUpOrdersDeps,
  send: () => Promise<string>,
): Promise<PurchaseOrder | undefined> {
  try {
    const messageId = await send();
    (deps.metrics ?? NO_METRICS).count('RemindersSent');
    return await deps.orders.append(order.orderNumber, {
      kind: 'reminder-sent',
      at: deps.now().toISOString(),
      channel,
      messageId,
    });
  } catch (error) {
    if (!(error instanceof ChannelSendError) || error.retryable) throw error;
    deps.logger.warn(`reminder ${channel} refused for good`, {
      orderNumber: order.orderNumber,
      error: error.message,
    });
    return undefined;
  }
}

/**
 * The reminder as a fax: on the order's fax channel, else the supplier's fax number. Undefined
 * when there is no fax gateway or no usable number, or the gateway refused the fax for good;
 * `requested` when it was handed to the fax function (which appends `reminder-sent` once sent).
 */
async function remindByFax(
  order: PurchaseOrder,
  deps: FollowUpOrdersDeps,
): Promise<PurchaseOrder | 'requested' | undefined> {
  const fax = deps.fax ?? deps.faxHandoff;
  const channel = fax && faxChannelOf(order, fax.region);
  if (!fax || !channel) {
    deps.logger.info('no fax for the follow-up: no gateway or no usable fax number', {
      orderNumber: order.orderNumber,
    });
    return undefined;
  }
  if (!deps.fax && deps.faxHandoff) {
    await deps.faxHandoff.requestFax({
      kind: 'reminder',
      orderNumber: order.orderNumber,
      remindersBefore: eventsOf(order, 'reminder-sent').length,
    });
    deps.logger.info('reminder fax handed to the fax function', {
      orderNumber: order.orderNumber,
    });
    return 'requested';
  }
  return sendFaxReminder(order, channel, { ...deps, fax: deps.fax as FaxSending });
}

function sendFaxReminder(
  order: PurchaseOrder,
  channel: Extract<OrderChannel, { kind: 'fax' }>,
  deps: FollowUpOrdersDeps & { fax: FaxSending },
): Promise<PurchaseOrder | undefined> {
  return sendReminder(order, 'fax', deps, async () => {
    const pdf = await deps.fax.renderPdf(reminderOf(order, deps.config));
    const sent = await deps.fax.gateway.sendFax({
      to: channel.number,
      pdf,
      fileName: `${order.orderNumber}-reminder.pdf`,
      orderNumber: order.orderNumber,
    });
    deps.logger.info('reminder faxed', { orderNumber: order.orderNumber, faxId: sent.faxId });
    return sent.faxId;
  });
}

/**
 * The fax function's part of a reminder the scheduled send handed to it: sends it unless the
 * log shows it went out meanwhile (more `reminder-sent` events than `remindersBefore`), then
 * brings the order app's record up to date. A temporary failure throws (the queue retries).
 *
 * @returns the order as stored afterwards, or undefined when nothing was sent.
 */
export async function sendHandedOffReminder(
  order: PurchaseOrder,
  remindersBefore: number,
  deps: FollowUpOrdersDeps & { fax: FaxSending },
): Promise<PurchaseOrder | undefined> {
  if (eventsOf(order, 'reminder-sent').length > remindersBefore) return undefined;
  const channel = faxChannelOf(order, deps.fax.region);
  if (!channel) {
    deps.logger.warn('reminder fax has no usable fax number', { orderNumber: order.orderNumber });
    return undefined;
  }
  const sent = await sendFaxReminder(order, channel, deps);
  if (sent) await writeOrderLedger(sent, deps);
  return sent;
}

function faxChannelOf(
  order: PurchaseOrder,
  region: string,
): Extract<OrderChannel, { kind: 'fax' }> | undefined {
  const channel =
    orderFaxChannel(order) ??
    faxFallback(order.supplier, channelsOf(order), {
      faxAvailable: true,
      readFaxNumber: faxNumberReader(region),
    });
  return channel?.kind === 'fax' ? channel : undefined;
}

/** A status and reason on the lines' records (or rows), and one comment per record. */
async function showOnRecords(
  order: PurchaseOrder,
  app: AppConfig,
  deps: FollowUpOrdersDeps,
  lineIds: readonly string[],
  shown: { status: string; reason: string; comment: string },
): Promise<void> {
  if (lineIds.length === 0) return;
  const changes = changedFields(app, {
    status: shown.status,
    orderNumber: order.orderNumber,
    reason: shown.reason,
  });
  const context = { subtable: app.subtable?.field, logger: deps.logger };
  await writeLineFields(deps.kintone, order, lineIds, () => changes, context);
  await commentOnLines(deps.kintone, order, lineIds, shown.comment, context);
}
