import { findApp } from '../config/load-config';
import type { AppConfig, BridgeConfig } from '../config/schema';
import { approvalNeeded, orderTotal } from '../domain/approval';
import {
  activeLines,
  approvalOf,
  type ApprovalStepOptions,
  type OrderStepToDo,
  type PurchaseOrder,
  type PurchaseOrderLine,
} from '../domain/purchase-order';
import { changedFields } from '../kintone/write-back';
import type { RecordNotification } from '../kintone/notification';
import type { ApprovalMail } from '../ports/approval-mailer';
import { NO_METRICS } from '../ports/bridge-metrics';
import { completeOrder, type CompleteOrderDeps } from './complete-order';
import { openLines, writeLineFields } from './order-record';
import { ledgerRecordId, writeOrderLedger } from './write-order-ledger';

/**
 * Approval (承認) before an order goes to the supplier. An order the configuration says needs
 * approval (`domain/approval`) is sealed as usual, then waits as 承認待ち: its lines stay on
 * order (no second order for the same shortage), every line's record shows 承認待ち and why.
 * The approver decides either in the order app (process management on the order's record: its
 * UPDATE_STATUS webhook comes to {@link approveFromNotification}) or, without an order app,
 * on the signed page of the link emailed to them. 承認 sends the order; 差し戻し / 却下 sends
 * nothing, appends `rejected` and closes the lines, so the items may order again, with the
 * reason on their records. An approval not given in time reminds the approver once, then flags
 * staff (要対応 on the records, ApprovalsOverdue), from the scheduled send's runs.
 */

const HOUR_MS = 3_600_000;

/** The approval part of {@link remainingSteps}'s options for this order, from the config. */
export function approvalOptionsOf(
  config: BridgeConfig,
  order: PurchaseOrder,
): ApprovalStepOptions | undefined {
  const approval = config.approval;
  if (!approval) return undefined;
  const need = approvalNeeded(order, approval, config.tax);
  return {
    needed: need.needed,
    ...(need.needed ? { reason: need.reason } : {}),
    remindAfterMs: approval.remindAfterHours * HOUR_MS,
    flagAfterMs: approval.flagAfterHours * HOUR_MS,
  };
}

type ApprovalStep = Extract<
  OrderStepToDo,
  { step: 'request-approval' | 'remind-approval' | 'flag-approval' }
>;

/** Performs one approval step of {@link completeOrder}; returns the order as stored after it. */
export async function performApprovalStep(
  order: PurchaseOrder,
  step: ApprovalStep,
  deps: CompleteOrderDeps,
): Promise<PurchaseOrder> {
  const app = findApp(deps.config, order.appId);
  const now = deps.now();
  const { orderNumber } = order;
  if (step.step === 'request-approval') {
    const via = deps.config.orderApp ? 'order-app' : 'link';
    const reason = `発注書 ${orderNumber} は承認待ちです (${step.reason})。承認されると仕入先へ送信します。二重発注になるため、別途発注しないでください。`;
    if (app) await writeOpenLines(app, order, app.statuses.awaitingApproval, reason, deps);
    await mailApprover(order, 'request', step.reason, deps, now);
    // The order app's record, where the approver acts, shows 承認待ち once this is logged: it is
    // written right after, at the end of the same completeOrder run (GET + POST).
    const current = await deps.orders.append(orderNumber, {
      kind: 'approval-requested',
      at: now.toISOString(),
      via,
      reason: step.reason,
    });
    deps.logger.info('order awaits approval', { orderNumber, via, reason: step.reason });
    return current;
  }
  if (step.step === 'remind-approval') {
    const state = approvalOf(order);
    const reason = state.state === 'awaiting' ? state.reason : '';
    await mailApprover(order, 'reminder', reason, deps, now);
    const recordId = ledgerRecordId(order);
    if (recordId !== undefined && deps.ledger) {
      await deps.ledger
        .addComment(recordId, `【承認のお願い】発注書 ${orderNumber} がまだ承認されていません。`)
        .catch((error: unknown) =>
          deps.logger.warn('could not comment the reminder on the order record', {
            orderNumber,
            error: String(error),
          }),
        );
    }
    deps.logger.info('approver reminded', { orderNumber });
    return deps.orders.append(orderNumber, { kind: 'approval-reminded', at: now.toISOString() });
  }
  const reason = `発注書 ${orderNumber} の承認が期限を過ぎても得られていません。承認者に確認してください (仕入先へはまだ送信していません)。`;
  if (app) await writeOpenLines(app, order, app.statuses.failed, reason, deps);
  (deps.metrics ?? NO_METRICS).count('ApprovalsOverdue');
  deps.logger.warn('approval overdue: staff flagged', { orderNumber });
  return deps.orders.append(orderNumber, {
    kind: 'approval-overdue',
    at: now.toISOString(),
    reason,
  });
}

/** The request or reminder to the approver, when there is someone to mail. */
async function mailApprover(
  order: PurchaseOrder,
  kind: ApprovalMail['kind'],
  reason: string,
  deps: CompleteOrderDeps,
  now: Date,
): Promise<void> {
  const to = deps.config.approval?.approverEmail;
  if (to === undefined || !deps.approvalMailer) {
    if (!deps.config.orderApp) {
      deps.logger.warn('no approver to mail: the order waits in 承認待ち', {
        orderNumber: order.orderNumber,
      });
    }
    return;
  }
  const link = deps.config.orderApp
    ? undefined
    : await deps.approvalLinks?.sign(order.orderNumber, now);
  const total = orderTotal(order, deps.config.tax);
  await deps.approvalMailer.sendApprovalMail({
    kind,
    to,
    from: { name: deps.config.company.name, email: deps.config.company.email },
    orderNumber: order.orderNumber,
    supplierName: order.supplier.name,
    lines: activeLines(order).map(
      (line) =>
        `${line.sku} ${line.name}: ${line.quantity}${line.unit}` +
        (line.unitPrice !== undefined ? ` (単価 ${line.unitPrice.toLocaleString('ja-JP')}円)` : ''),
    ),
    ...(total !== undefined ? { total: `${total.toLocaleString('ja-JP')}円` } : {}),
    reason,
    ...(link !== undefined ? { link } : {}),
  });
}

/** The approver's decision. */
export type ApprovalDecision =
  { approve: true; by: string } | { approve: false; by: string; action: string; reason: string };

/** What {@link approveOrder} did. */
export interface ApprovalOutcome {
  result: 'approved' | 'rejected' | 'already-decided' | 'not-awaiting' | 'unknown-order';
  order?: PurchaseOrder;
  /** The order was sent in this call (approved, with `send`). */
  sent: boolean;
}

/**
 * Records the approver's decision on an order awaiting approval. Approved: `approved` is
 * appended, the order is due again at once (`OrderStore.reschedule` to now) and, with `send`,
 * completed at once (sent, written back); without it the scheduled send sends it on its next
 * run. Rejected: `rejected`, then every open line is closed (the item's next shortage orders
 * anew) and its record shows 未発注 and the reason, and the order is settled (off the due list).
 * Repeating a decision changes nothing (a retried webhook, a double click); a crash in the
 * middle of a rejection is finished by the repeat.
 */
export async function approveOrder(
  orderNumber: string,
  decision: ApprovalDecision,
  deps: CompleteOrderDeps,
  options: { send?: boolean } = {},
): Promise<ApprovalOutcome> {
  let order = await deps.orders.get(orderNumber);
  if (!order) return { result: 'unknown-order', sent: false };
  const state = approvalOf(order);
  const at = deps.now().toISOString();
  let result: ApprovalOutcome['result'];
  if (state.state === 'awaiting') {
    order = await deps.orders.append(
      orderNumber,
      decision.approve
        ? { kind: 'approved', at, by: decision.by }
        : {
            kind: 'rejected',
            at,
            by: decision.by,
            action: decision.action,
            reason: decision.reason,
          },
    );
    result = decision.approve ? 'approved' : 'rejected';
    deps.logger.info(decision.approve ? 'order approved' : 'order rejected', {
      orderNumber,
      by: decision.by,
    });
  } else if (state.state === 'none') {
    return { result: 'not-awaiting', order, sent: false };
  } else {
    result = 'already-decided';
  }
  const decided = approvalOf(order);
  if (decided.state === 'approved') {
    // Waiting, the order was moved on the due list to its next approval step: due now, so the
    // scheduled send sends it on its next run (or retries a send below that failed for now).
    await deps.orders.reschedule(orderNumber, deps.now());
  }
  if (decided.state === 'rejected') {
    order = await rearm(order, decided, deps);
    order = await writeOrderLedger(order, deps);
    return { result, order, sent: false };
  }
  if (decided.state === 'approved' && options.send && result === 'approved') {
    const done = await completeOrder(order, deps);
    return { result, order: done.order, sent: done.emailed || done.faxed };
  }
  order = await writeOrderLedger(order, deps);
  return { result, order, sent: false };
}

/** Writes the status and why (with the order number) to the records of the order's open lines. */
async function writeOpenLines(
  app: AppConfig,
  order: PurchaseOrder,
  status: string,
  reason: string,
  deps: CompleteOrderDeps,
  lines: readonly PurchaseOrderLine[] = openLines(order),
): Promise<void> {
  const changes = changedFields(app, { status, orderNumber: order.orderNumber, reason });
  await writeLineFields(
    deps.kintone,
    order,
    lines.map((line) => line.lineId),
    () => changes,
    { subtable: app.subtable?.field, logger: deps.logger },
  );
}

/** Closes the rejected order's open lines and tells their records why. */
async function rearm(
  order: PurchaseOrder,
  rejection: Extract<ReturnType<typeof approvalOf>, { state: 'rejected' }>,
  deps: CompleteOrderDeps,
): Promise<PurchaseOrder> {
  const open = openLines(order);
  if (open.length === 0) return order;
  const app = findApp(deps.config, order.appId);
  if (app) {
    const reason =
      `発注書 ${order.orderNumber} は ${rejection.by} により「${rejection.action}」されました` +
      `${rejection.reason ? ` (理由: ${rejection.reason})` : ''}。仕入先へは送信していません。` +
      '在庫が発注点以下のままなら、改めて発注されます。';
    await writeOpenLines(app, order, app.statuses.idle, reason, deps, open);
  }
  let current = order;
  for (const line of open) {
    current = await deps.orders.append(order.orderNumber, {
      kind: 'line-closed',
      at: deps.now().toISOString(),
      lineId: line.lineId,
      status: rejection.action,
    });
  }
  // Nothing is left to do: off the due list.
  await deps.orders.markSettled(order.orderNumber);
  return current;
}

/** True when the notification is of the order app (発注管理), not of an item app. */
export function isOrderAppNotification(config: BridgeConfig, appId: string): boolean {
  return config.orderApp !== undefined && config.orderApp.appId === appId;
}

/**
 * An order app notification: a status change (UPDATE_STATUS) to an approving or rejecting
 * status decides the order the record names; anything else (the bridge's own adds and updates
 * of the record) is ignored.
 */
export async function approveFromNotification(
  notification: RecordNotification,
  deps: CompleteOrderDeps,
): Promise<ApprovalOutcome | { result: 'ignored'; reason: string }> {
  const orderApp = deps.config.orderApp;
  if (!orderApp) return { result: 'ignored', reason: 'no order app configured' };
  if (notification.type !== 'UPDATE_STATUS') {
    return { result: 'ignored', reason: `${notification.type} of the order app` };
  }
  const record = notification.record;
  const text = (code: string | undefined): string => {
    const value = code === undefined ? undefined : record[code]?.value;
    return typeof value === 'string' ? value.trim() : '';
  };
  const orderNumber = text(orderApp.fields.orderNumber);
  const status = text(orderApp.approval.statusField);
  const modifier = Object.values(record).find((field) => field.type === 'MODIFIER')?.value as
    { name?: unknown } | undefined;
  const by = typeof modifier?.name === 'string' && modifier.name !== '' ? modifier.name : 'kintone';
  if (orderNumber === '') return { result: 'ignored', reason: 'the record has no order number' };
  if (orderApp.approval.approved.includes(status)) {
    return approveOrder(orderNumber, { approve: true, by }, deps, { send: true });
  }
  if (orderApp.approval.rejected.includes(status)) {
    return approveOrder(
      orderNumber,
      { approve: false, by, action: status, reason: text(orderApp.approval.reasonField) },
      deps,
    );
  }
  return { result: 'ignored', reason: `status ${status} decides nothing` };
}
