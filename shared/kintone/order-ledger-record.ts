import type { AppConfig, OrderAppConfig } from '../config/schema';
import type { OrderChannel } from '../domain/channels';
import { dueDateOf, firstSentAt, receivedQuantity } from '../domain/follow-up';
import { lineAmount, orderTotals, type TaxRules } from '../domain/pricing';
import {
  activeLines,
  approvalOf,
  channelsOf,
  channelState,
  currentAnswer,
  eventsOf,
  lineAnswerKind,
  openLinesOf,
  orderStatus,
  sealOf,
  type OrderEvent,
  type PurchaseOrder,
  type PurchaseOrderLine,
} from '../domain/purchase-order';
import type { LedgerRecordValues } from '../ports/order-ledger';
import { DELIVERY_STATUS_LABELS, toKintoneDateTime } from './write-back';

/**
 * An order as one record of the order app (発注管理): number, supplier, ship-to, a table of its
 * lines (item, quantity, unit price, amount), totals, status, channels, the supplier's answer
 * and dates, under the field codes of `orderApp.fields`. The whole record is written each time
 * (the table included): kintone replaces a table on update anyway, and the record is the
 * bridge's own, so staff edits are not expected except through process management.
 */

/** The order app record of `order`, as of its log now. */
export function ledgerRecordOf(
  order: PurchaseOrder,
  orderApp: OrderAppConfig,
  app: AppConfig | undefined,
  tax: TaxRules,
): LedgerRecordValues {
  const f = orderApp.fields;
  const values: LedgerRecordValues = {};
  const set = (code: string | undefined, value: unknown) => {
    if (code !== undefined) values[code] = { value };
  };
  const lines = activeLines(order);
  set(f.orderNumber, order.orderNumber);
  set(
    f.supplier,
    order.supplier.code ? `${order.supplier.code} ${order.supplier.name}` : order.supplier.name,
  );
  set(f.shipTo, order.shipTo?.name ?? '');
  set(
    f.lines,
    lines.map((line) => {
      const row: Record<string, { value: string }> = {};
      const cell = (code: string | undefined, value: string) => {
        if (code !== undefined) row[code] = { value };
      };
      cell(f.lineSku, line.sku);
      cell(f.lineName, line.name);
      cell(f.lineQuantity, String(line.quantity));
      cell(f.lineUnit, line.unit);
      cell(f.lineUnitPrice, line.unitPrice === undefined ? '' : String(line.unitPrice));
      cell(
        f.lineAmount,
        line.unitPrice === undefined
          ? ''
          : String(lineAmount(line.unitPrice, line.quantity, tax.rounding)),
      );
      return { value: row };
    }),
  );
  const totals = orderTotals(lines, tax);
  set(f.subtotal, totals ? String(totals.subtotal) : '');
  set(f.tax, totals ? String(totals.tax) : '');
  set(f.total, totals ? String(totals.total) : '');
  set(f.status, ledgerStatus(order, app));
  set(f.channels, ledgerChannels(order));
  const answer = currentAnswer(order);
  set(f.answer, answer ? answerText(order, answer.answer) : '');
  set(f.answeredAt, answer ? toKintoneDateTime(answer.at) : '');
  set(f.orderDate, sealOf(order)?.orderDate ?? '');
  const sentAt = firstSentAt(order);
  set(f.sentAt, sentAt ? toKintoneDateTime(sentAt.toISOString()) : '');
  set(f.note, ledgerNote(order));
  return values;
}

/** The order's status as the order app shows it, in the item app's words where it has them. */
export function ledgerStatus(order: PurchaseOrder, app: AppConfig | undefined): string {
  const statuses = app?.statuses;
  const approval = approvalOf(order);
  switch (orderStatus(order)) {
    case 'gathering':
      return statuses?.waiting ?? '待機中';
    case 'awaiting-approval':
      return order.log.some((event) => event.kind === 'approval-overdue')
        ? (statuses?.failed ?? '要対応')
        : (statuses?.awaitingApproval ?? '承認待ち');
    case 'rejected':
      return approval.state === 'rejected' ? approval.action : '差し戻し';
    case 'sending':
      return statuses?.sending ?? '送信待ち';
    case 'needs-attention':
      return statuses?.failed ?? '要対応';
    case 'empty':
      return '取消';
    case 'closed':
      return '完了';
    case 'sent': {
      // What staff must act on first, in the item records' words: 要対応 (no answer in time),
      // 納期遅延 (a line's date passed), 一部入荷 (part received, the rest on order).
      if (followUpFlag(order)) return statuses?.failed ?? '要対応';
      if (lateLines(order).length > 0) return statuses?.late ?? '納期遅延';
      if (partlyReceived(order).length > 0) return statuses?.partiallyReceived ?? '一部入荷';
      const answer = currentAnswer(order)?.answer;
      if (!answer) return statuses?.ordered ?? '発注依頼済';
      if (answer.kind === 'confirmed') return statuses?.confirmed ?? '受注確認済';
      if (answer.kind === 'declined') return statuses?.declined ?? '辞退';
      return statuses?.partial ?? '一部受注';
    }
  }
}

function answerText(
  order: PurchaseOrder,
  answer: NonNullable<ReturnType<typeof currentAnswer>>['answer'],
): string {
  if (answer.kind === 'declined') return `辞退: ${answer.reason}`;
  if (answer.kind === 'confirmed') {
    return `受注確認 納期 ${answer.deliveryDate}${answer.note ? ` (${answer.note})` : ''}`;
  }
  const perLine = activeLines(order)
    .map((line) => `${line.sku}: ${lineAnswerKind(order, line, answer)}`)
    .join('、');
  return `一部受注 納期 ${answer.deliveryDate} ${perLine}${answer.note ? ` (${answer.note})` : ''}`;
}

/**
 * Where each channel stands, in one line: `メール order@example.jp (不達)、FAX 0312345678 (送信済)`.
 * A channel reads 送信済 once the order went out on it, and changes only when it failed: 不達,
 * 拒否 (SES, the words of the records' delivery status field), 苦情 (it arrived, but was reported
 * as spam), or 送信失敗. A delivery SES or the fax gateway confirms changes nothing shown, so it
 * costs no write. 再送済 follows a channel the reminder went on.
 */
export function ledgerChannels(order: PurchaseOrder): string {
  const reminded = new Set(eventsOf(order, 'reminder-sent').map((event) => event.channel));
  const channels = channelsOf(order);
  const parts = channels.map((channel) => {
    const name = channel.kind === 'email' ? `メール ${channel.address}` : `FAX ${channel.national}`;
    const states = [channelLabel(order, channel), reminded.has(channel.kind) ? '再送済' : ''];
    const shown = states.filter((state) => state !== '').join('・');
    return shown === '' ? name : `${name} (${shown})`;
  });
  // A fax reminder to the supplier's fax number when the order itself went by email only.
  if (reminded.has('fax') && !channels.some((channel) => channel.kind === 'fax')) {
    parts.push('FAX (再送済)');
  }
  return parts.join('、');
}

function channelLabel(order: PurchaseOrder, channel: OrderChannel): string {
  const state = channelState(order, channel.kind);
  if (state.state === 'pending') return '';
  if (state.state === 'failed') {
    const lost =
      channel.kind === 'email'
        ? eventsOf(order, 'delivery').find(
            (event) => event.status === 'bounced' || event.status === 'rejected',
          )
        : undefined;
    return lost ? DELIVERY_STATUS_LABELS[lost.status] : '送信失敗';
  }
  if (channel.kind === 'email') {
    const complained = eventsOf(order, 'delivery').some((event) => event.status === 'complained');
    if (complained) return DELIVERY_STATUS_LABELS.complained;
  }
  return '送信済';
}

/** Staff were flagged by the follow-up (no answer in time) and the supplier has not answered. */
function followUpFlag(
  order: PurchaseOrder,
): Extract<OrderEvent, { kind: 'follow-up-overdue' }> | undefined {
  if (currentAnswer(order) !== undefined) return undefined;
  const flags = eventsOf(order, 'follow-up-overdue');
  return flags[flags.length - 1];
}

/** Open lines whose delivery date, as it stands now, was recorded as passed (納期遅延). */
function lateLines(order: PurchaseOrder): { line: PurchaseOrderLine; dueDate: string }[] {
  const late = new Set(eventsOf(order, 'late').map((event) => event.dueDate));
  return openLinesOf(order).flatMap((line) => {
    const dueDate = dueDateOf(order, line);
    return dueDate !== undefined && late.has(dueDate) ? [{ line, dueDate }] : [];
  });
}

/** Open lines of which part was received (一部入荷), with what was received so far. */
function partlyReceived(order: PurchaseOrder): { line: PurchaseOrderLine; received: number }[] {
  return openLinesOf(order).flatMap((line) => {
    const received = receivedQuantity(order, line.lineId);
    return received > 0 ? [{ line, received }] : [];
  });
}

/**
 * Why the order waits, was flagged or was rejected, and what the follow-up found (要対応,
 * 納期遅延, 一部入荷), in one line joined by ` / `; empty otherwise.
 */
function ledgerNote(order: PurchaseOrder): string {
  return [approvalNote(order), ...followUpNotes(order)].filter((note) => note !== '').join(' / ');
}

function approvalNote(order: PurchaseOrder): string {
  const approval = approvalOf(order);
  if (approval.state === 'rejected') {
    return `${approval.action} (${approval.by})${approval.reason ? `: ${approval.reason}` : ''}`;
  }
  const overdue = order.log.find((event) => event.kind === 'approval-overdue');
  if (approval.state === 'awaiting')
    return overdue?.kind === 'approval-overdue' ? overdue.reason : approval.reason;
  if (approval.state === 'approved') return `承認 (${approval.by})`;
  return '';
}

function followUpNotes(order: PurchaseOrder): string[] {
  const status = orderStatus(order);
  if (status === 'needs-attention') {
    const attention = eventsOf(order, 'needs-attention');
    return [attention[attention.length - 1]?.reason ?? ''];
  }
  if (status !== 'sent') return [];
  const notes: string[] = [];
  const flag = followUpFlag(order);
  if (flag) notes.push(`【要対応】${flag.reason}`);
  const late = lateLines(order);
  if (late.length > 0) {
    const dates = [...new Set(late.map((entry) => entry.dueDate))].sort().join('、');
    const skus = late.map((entry) => entry.line.sku).join('、');
    notes.push(`【納期遅延】納期 ${dates} を過ぎても入荷がありません (${skus})`);
  }
  const partial = partlyReceived(order);
  if (partial.length > 0) {
    const what = partial
      .map(({ line, received }) => `${line.sku} ${received}/${line.quantity}${line.unit}`)
      .join('、');
    notes.push(`【一部入荷】${what} 入荷、残りは発注中`);
  }
  return notes;
}
