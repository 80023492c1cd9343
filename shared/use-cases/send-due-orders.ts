import { findApp } from '../config/load-config';
import { OrderNotSendableError } from '../domain/order-request';
import { isSealed, orderStatus, type PurchaseOrder } from '../domain/purchase-order';
import type { OrderStore } from '../ports/order-store';
import { changedFields } from '../kintone/write-back';
import { NO_METRICS } from '../ports/bridge-metrics';
import { completeOrder, type CompleteOrderDeps } from './complete-order';
import { describeFailure, failureKind } from './failure-kind';
import { openLines, writeLineFields } from './order-record';

/**
 * The scheduled send: every order that is due (a gathering order whose window or cut-off has
 * passed, or a sealed one with steps left after a crash or a send that failed for now) is
 * sealed, sent, written back to its lines' records and settled. One order's failure does not
 * hold back the others: a temporary one leaves the order due for the next run, a permanent one
 * parks it (`needs-attention` in its log, taken off the due list, the alarm counted). An order
 * awaiting approval is moved on the due list to its next approval step (`completeOrder`), so
 * many of them do not hold back the others.
 */

/** Collaborators of {@link sendDueOrders}. */
export interface SendDueOrdersDeps extends CompleteOrderDeps {
  orders: OrderStore;
  /**
   * Orders per run at most (the rest wait for the next run); {@link DEFAULT_DUE_BATCH} without
   * it. Orders awaiting approval with no step due only wait: they do not count.
   */
  batchSize?: number;
  /**
   * A sealed order whose log moved within this many seconds is left for a later run: the
   * dispatcher that created it (an `immediate` order) or a notification's retry may be sending
   * it right now. Longer than the dispatch function's timeout; {@link DEFAULT_QUIET_SECONDS}.
   */
  quietSeconds?: number;
}

/** Seconds a sealed order's log must be still before the scheduled send takes it over. */
export const DEFAULT_QUIET_SECONDS = 120;

/** Orders completed per run when the wiring sets no batch size. */
export const DEFAULT_DUE_BATCH = 50;

/**
 * Reads of the due list per run at most. A run reads on while the orders it read only waited
 * (awaiting approval, moved on the due list), so they do not hold back the orders behind them.
 */
export const MAX_DUE_PAGES = 5;

/** What one run did, by order number. */
export interface SendDueOrdersResult {
  /** Orders sent on some channel by this run. */
  sent: string[];
  /** Orders with nothing left to do, taken off the due list (sent, or every line dropped). */
  settled: string[];
  /** Orders that failed for now: still due, retried by the next run. */
  failed: { orderNumber: string; error: string }[];
  /** Orders that can never be completed as they are: parked for a person. */
  parked: { orderNumber: string; error: string }[];
  /** Sealed orders another invocation worked on just now: left for a later run. */
  busy: string[];
  /** True when the batch was full: more orders may be due. */
  more: boolean;
}

/**
 * Completes every order due at `now` (at most the batch size), oldest due first, reading on
 * past orders that only wait for approval (at most {@link MAX_DUE_PAGES} reads).
 *
 * @example
 * const { sent, failed } = await sendDueOrders(deps, new Date());
 */
export async function sendDueOrders(
  deps: SendDueOrdersDeps,
  now: Date,
): Promise<SendDueOrdersResult> {
  const limit = deps.batchSize ?? DEFAULT_DUE_BATCH;
  const quietMs = (deps.quietSeconds ?? DEFAULT_QUIET_SECONDS) * 1000;
  // The run's clock never reads earlier than `now`: what is due at `now` is sealed now.
  const clocked: SendDueOrdersDeps = {
    ...deps,
    now: () => new Date(Math.max(now.getTime(), deps.now().getTime())),
  };
  const result: SendDueOrdersResult = {
    sent: [],
    settled: [],
    failed: [],
    parked: [],
    busy: [],
    more: false,
  };
  // Orders awaiting approval are moved on the due list to their next approval step: they leave
  // the front, so the run reads on past them (they do not count against the batch), at most
  // MAX_DUE_PAGES reads. An order is run once per run.
  const seen = new Set<string>();
  let worked = 0;
  for (let page = 0; page < MAX_DUE_PAGES && worked < limit; page++) {
    const listed = await deps.orders.listDue(now, limit);
    result.more = listed.length >= limit;
    const fresh = listed.filter((orderNumber) => !seen.has(orderNumber));
    for (const orderNumber of fresh) {
      if (worked >= limit) {
        result.more = true;
        break;
      }
      seen.add(orderNumber);
      if ((await runDueOrder(orderNumber, now, quietMs, clocked, result)) === 'worked') worked++;
    }
    if (!result.more || fresh.length === 0) break;
  }
  // An idle run (every minute in AWS, every few seconds locally) logs at debug only.
  const level = seen.size > 0 ? 'info' : 'debug';
  deps.logger[level]('due orders processed', {
    due: seen.size,
    sent: result.sent,
    settled: result.settled.length,
    failed: result.failed.map((entry) => entry.orderNumber),
    parked: result.parked.map((entry) => entry.orderNumber),
    busy: result.busy,
  });
  return result;
}

/**
 * Runs one due order, its outcome added to `result`. `waiting`: nothing was done to it (another
 * invocation is on it, or it awaits approval with no step due and was moved on the due list),
 * so it does not count against the run's batch.
 */
async function runDueOrder(
  orderNumber: string,
  now: Date,
  quietMs: number,
  deps: SendDueOrdersDeps,
  result: SendDueOrdersResult,
): Promise<'worked' | 'waiting'> {
  let sendsBefore = 0;
  try {
    const order = await deps.orders.get(orderNumber);
    sendsBefore = order ? sendsOf(order) : 0;
    if (!order) {
      deps.logger.warn('due order not found: taken off the due list', { orderNumber });
      await deps.orders.markSettled(orderNumber);
      return 'worked';
    }
    if (isSealed(order) && lastActivity(order) > now.getTime() - quietMs) {
      result.busy.push(orderNumber);
      return 'waiting';
    }
    const done = await completeOrder(order, deps);
    if (done.emailed || done.faxed) result.sent.push(orderNumber);
    if (done.settled) result.settled.push(orderNumber);
    const untouched = done.order.log.length === order.log.length;
    return untouched && orderStatus(done.order) === 'awaiting-approval' ? 'waiting' : 'worked';
  } catch (error) {
    const problem = describeFailure(error);
    // A failure after the send (the write-back, say) must not hide that the supplier has it.
    if (await sentMeanwhile(orderNumber, sendsBefore, deps)) result.sent.push(orderNumber);
    if (isPermanent(error) && (await park(orderNumber, problem, deps))) {
      result.parked.push({ orderNumber, error: problem });
      return 'worked';
    }
    deps.logger.error('due order not completed; the next run retries it', {
      orderNumber,
      error: problem,
    });
    result.failed.push({ orderNumber, error: problem });
    return 'worked';
  }
}

/**
 * A failure that the next run would meet again: the queue's permanent failures, and an order
 * the documents cannot render (a price out of range, nothing to send).
 */
function isPermanent(error: unknown): boolean {
  return (
    failureKind(error) === 'permanent' ||
    error instanceof RangeError ||
    error instanceof OrderNotSendableError
  );
}

/**
 * Best effort: 要対応 and the reason on the records of the parked order's open lines, so staff
 * do not wait on 待機中 or 送信待ち for an order that will not go out. kintone may be what
 * failed; the alarm is raised either way.
 */
async function tellStaff(
  order: PurchaseOrder,
  reason: string,
  deps: SendDueOrdersDeps,
): Promise<void> {
  const app = findApp(deps.config, order.appId);
  if (!app) return;
  try {
    const changes = changedFields(app, {
      status: app.statuses.failed,
      orderNumber: order.orderNumber,
      reason,
    });
    const lineIds = openLines(order).map((line) => line.lineId);
    await writeLineFields(deps.kintone, order, lineIds, () => changes, {
      subtable: app.subtable?.field,
      logger: deps.logger,
    });
  } catch (error) {
    deps.logger.warn('could not show 要対応 on the records of a parked order', {
      orderNumber: order.orderNumber,
      error: describeFailure(error),
    });
  }
}

/** When the order's log last moved (epoch ms). */
function lastActivity(order: PurchaseOrder): number {
  return Math.max(...order.log.map((event) => Date.parse(event.at)).filter(Number.isFinite), 0);
}

/**
 * An order that can never be completed as it is (its app removed from the configuration, a
 * price out of range): `needs-attention` in its log, off the due list, and the operators'
 * alarm. False when even that failed (it stays due).
 */
async function park(
  orderNumber: string,
  problem: string,
  deps: SendDueOrdersDeps,
): Promise<boolean> {
  const reason = `発注依頼 ${orderNumber} を送れませんでした (${problem})。運用担当者に連絡してください。`;
  let order: PurchaseOrder;
  try {
    order = await deps.orders.append(orderNumber, {
      kind: 'needs-attention',
      at: deps.now().toISOString(),
      reason,
    });
    await deps.orders.markSettled(orderNumber);
  } catch (error) {
    deps.logger.error('could not park the due order; the next run retries it', {
      orderNumber,
      error: describeFailure(error),
    });
    return false;
  }
  await tellStaff(order, reason, deps);
  (deps.metrics ?? NO_METRICS).count('OrdersNeedingAttention');
  deps.logger.error('due order parked: it cannot be completed, retrying cannot help', {
    orderNumber,
    error: problem,
  });
  return true;
}

/** How many times the order was handed to a channel (email or fax). */
function sendsOf(order: PurchaseOrder): number {
  return order.log.filter((event) => event.kind === 'email-sent' || event.kind === 'fax-sent')
    .length;
}

/** True when the order was sent on a channel since `before` sends; false when it cannot tell. */
async function sentMeanwhile(
  orderNumber: string,
  before: number,
  deps: SendDueOrdersDeps,
): Promise<boolean> {
  try {
    const order = await deps.orders.get(orderNumber);
    return order !== undefined && sendsOf(order) > before;
  } catch {
    return false;
  }
}
