import type { AppConfig, OrderAppConfig } from '../config/schema';
import { lineAmount, orderTotals, type TaxRules } from '../domain/pricing';
import {
  activeLines,
  approvalOf,
  channelsOf,
  currentAnswer,
  lineAnswerKind,
  orderStatus,
  sealOf,
  type PurchaseOrder,
} from '../domain/purchase-order';
import type { LedgerRecordValues } from '../ports/order-ledger';
import { toKintoneDateTime } from './write-back';

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
  set(
    f.channels,
    channelsOf(order)
      .map((channel) =>
        channel.kind === 'email' ? `メール ${channel.address}` : `FAX ${channel.national}`,
      )
      .join('、'),
  );
  const answer = currentAnswer(order);
  set(f.answer, answer ? answerText(order, answer.answer) : '');
  set(f.answeredAt, answer ? toKintoneDateTime(answer.at) : '');
  set(f.orderDate, sealOf(order)?.orderDate ?? '');
  const sent = order.log.find((event) => event.kind === 'email-sent' || event.kind === 'fax-sent');
  set(f.sentAt, sent ? toKintoneDateTime(sent.at) : '');
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

/** Why the order waits, was flagged or was rejected; empty otherwise. */
function ledgerNote(order: PurchaseOrder): string {
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
