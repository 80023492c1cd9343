import { findApp } from '../config/load-config';
import type { OrderLedger } from '../ports/order-ledger';
import { writeOrderLedger } from './write-order-ledger';
import type { AppConfig, BridgeConfig } from '../config/schema';
import { answerComment, sameAnswer } from '../domain/answer-outcome';
import type { OrderLine } from '../domain/order';
import {
  answerLineOf,
  currentAnswer,
  lineAnswerKind,
  orderStatus,
  type PurchaseOrder,
  type PurchaseOrderLine,
} from '../domain/purchase-order';
import type { PartialAnswerLine, SupplierAnswer } from '../domain/supplier-answer';
import type { FieldValues, KintoneRecordWriter } from '../ports/kintone-record-writer';
import type { BridgeLogger } from '../ports/logger';
import type { OrderStore } from '../ports/order-store';
import { commentOnLines, openLines, writeLineFields } from './order-record';

/** Collaborators of {@link recordSupplierAnswer}. */
export interface RecordAnswerDeps {
  config: BridgeConfig;
  orders: Pick<OrderStore, 'append'>;
  kintone: KintoneRecordWriter;
  logger: BridgeLogger;
  now: () => Date;
  /** The order app (発注管理): the answer is shown on the order's record too (one PUT). */
  ledger?: OrderLedger;
}

/**
 * What became of an answer: `recorded` (kintone told, order updated), `unchanged` (the same
 * answer is on record already: a repeated submission changes nothing) or `closed` (the goods
 * of every line were received or the order cancelled, so answers are no longer taken).
 */
export type RecordAnswerResult = 'recorded' | 'unchanged' | 'closed';

/** True when the supplier may no longer answer: every line closed by staff, or none left. */
export function answersClosed(order: PurchaseOrder): boolean {
  const status = orderStatus(order);
  return status === 'closed' || status === 'empty';
}

/**
 * Records a supplier's answer from the order page: on the record (or table row) of every open
 * line, the line's own status (受注確認済 / 一部受注 / 辞退, see `lineAnswerKind`: with a
 * quantity per line, a line answered in full is 受注確認済, in part 一部受注, with 0 辞退) and
 * the delivery date (emptied when a line that had one promised gets nothing now), with one
 * comment per record carrying the supplier's note and that record's lines' quantities; then
 * `supplier-answer` on the order.
 *
 * kintone is written first, so a failure there leaves the order without the answer and the
 * supplier's retry writes both; once recorded, the same answer again is `unchanged` and writes
 * nothing. A different answer later is an update, and its comment says what changed. Lines
 * closed by staff keep their status (the answer is for the others); a record deleted in kintone
 * or an app no longer configured is skipped, the answer kept on the order, and logged.
 *
 * @example
 * const result = await recordSupplierAnswer(order, { kind: 'declined', reason: '廃番' }, deps);
 */
export async function recordSupplierAnswer(
  order: PurchaseOrder,
  answer: SupplierAnswer,
  deps: RecordAnswerDeps,
): Promise<RecordAnswerResult> {
  const { orderNumber } = order;
  if (answersClosed(order)) return 'closed';
  const previous = currentAnswer(order)?.answer;
  if (previous !== undefined && sameAnswer(previous, answer)) return 'unchanged';

  const app = findApp(deps.config, order.appId);
  const lines = openLines(order);
  let reached = false;
  if (app && lines.length > 0) {
    const context = { subtable: app.subtable?.field, logger: deps.logger };
    const lineIds = lines.map((line) => line.lineId);
    const written = await writeLineFields(
      deps.kintone,
      order,
      lineIds,
      (line) => lineAnswerValues(app, order, line, answer, previous),
      context,
    );
    const commented = await commentOnLines(
      deps.kintone,
      order,
      written.lineIds,
      (recordLines) =>
        answerComment(
          orderNumber,
          order.supplier.name,
          answerFor(order, recordLines, answer),
          previous && answerFor(order, recordLines, previous),
          recordLines.map(commentLine),
        ),
      context,
    );
    reached = commented.lineIds.length > 0;
  }
  if (!reached) {
    deps.logger.warn('supplier answer kept on the order only: the kintone records are gone', {
      orderNumber,
      appId: order.appId,
      recordIds: [...new Set(lines.map((line) => line.item.recordId))],
      appConfigured: app !== undefined,
    });
  }
  const answered = await deps.orders.append(orderNumber, {
    kind: 'supplier-answer',
    at: deps.now().toISOString(),
    answer,
  });
  // Never fails the answer: a failed write is logged and done by the order's next write.
  await writeOrderLedger(answered, deps);
  deps.logger.info('supplier answer recorded', {
    orderNumber,
    answer: answer.kind,
    changed: previous !== undefined,
  });
  return 'recorded';
}

/**
 * A line's values for an answer: the status of what the answer amounts to for the line, and
 * the delivery date unless nothing of the line comes (then emptied when the answer on record
 * had promised the line one, so the old date does not stand).
 */
function lineAnswerValues(
  app: AppConfig,
  order: PurchaseOrder,
  line: PurchaseOrderLine,
  answer: SupplierAnswer,
  previous: SupplierAnswer | undefined,
): FieldValues {
  const kind = lineAnswerKind(order, line, answer);
  const values: FieldValues = { [app.writeBack.status]: app.statuses[kind] };
  const dateField = app.writeBack.deliveryDate;
  if (dateField !== undefined) {
    if (answer.kind !== 'declined' && kind !== 'declined') values[dateField] = answer.deliveryDate;
    else if (previous !== undefined && lineAnswerKind(order, line, previous) !== 'declined') {
      values[dateField] = '';
    }
  }
  return values;
}

/**
 * The answer as one record's comment tells it: a per-line partial answer keeps only the entries
 * of the record's lines, in their order (a line without one reads 0), so each record shows its
 * own lines' quantities. Other answers are the same for every record.
 */
function answerFor(
  order: PurchaseOrder,
  recordLines: readonly PurchaseOrderLine[],
  answer: SupplierAnswer,
): SupplierAnswer {
  if (answer.kind !== 'partial' || 'quantity' in answer) return answer;
  const entries: PartialAnswerLine[] = recordLines.map(
    (line) =>
      answerLineOf(order, line, answer.lines) ?? {
        lineId: line.lineId,
        sku: line.sku,
        quantity: 0,
      },
  );
  return { ...answer, lines: entries };
}

/** A line as the answer's comment names it. */
function commentLine(line: PurchaseOrderLine): OrderLine {
  return {
    sku: line.sku,
    name: line.name,
    quantity: line.quantity,
    unit: line.unit,
    ...(line.item.rowId !== undefined ? { rowId: line.item.rowId } : {}),
  };
}
