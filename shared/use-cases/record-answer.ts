import {
  commentOnOrder,
  openRowIds,
  orderRecordExists,
  withSupplierStatus,
  writeOrderFields,
} from './order-record';
import { findApp } from '../config/load-config';
import type { AppConfig, BridgeConfig } from '../config/schema';
import type { BridgeStore, StoredOrder } from '../ports/bridge-store';
import type { FieldValues, KintoneRecordWriter } from '../ports/kintone-record-writer';
import type { BridgeLogger } from '../ports/logger';
import { answerComment, answerStatus, sameAnswer } from '../domain/answer-outcome';
import { lineOutcome, type PartialAnswer, type SupplierAnswer } from '../domain/supplier-answer';

/** Collaborators of {@link recordSupplierAnswer}. */
export interface RecordAnswerDeps {
  config: BridgeConfig;
  store: BridgeStore;
  kintone: KintoneRecordWriter;
  logger: BridgeLogger;
  now: () => Date;
}

/**
 * What became of an answer: `recorded` (kintone told, order updated), `unchanged` (the same
 * answer is on record already: a repeated submission changes nothing) or `closed` (the goods
 * were received or the order cancelled, so answers are no longer taken).
 */
export type RecordAnswerResult = 'recorded' | 'unchanged' | 'closed';

/**
 * Records a supplier's answer from the order page: the status (受注確認済 / 一部受注 / 辞退) and
 * the delivery date on the kintone record with a comment carrying the supplier's note, then the
 * answer on the order. kintone is written first, so a failure there leaves the order without
 * the answer and the supplier's retry writes both; once recorded, the same answer again is
 * `unchanged` and writes nothing. A different answer later is an update, and its comment says
 * what changed.
 *
 * An order made for SUBTABLE rows with a quantity per line answered gets a status per row: a
 * row whose line is answered in full is 受注確認済, in part 一部受注, with 0 辞退 (its delivery
 * date handled as for a decline). The comment lists every line's quantity.
 *
 * A deleted record or an app no longer configured cannot be written (kintone answers 404): the
 * answer is then kept on the order only, and logged.
 *
 * @example
 * const result = await recordSupplierAnswer(order, { kind: 'declined', reason: '廃番' }, deps);
 */
export async function recordSupplierAnswer(
  order: StoredOrder,
  answer: SupplierAnswer,
  deps: RecordAnswerDeps,
): Promise<RecordAnswerResult> {
  const orderNumber = order.request.orderNumber;
  // A row order is closed only once every row of it is (see withSupplierStatus).
  if ((await withSupplierStatus(order, deps.store)).status === 'closed') return 'closed';
  const previous = order.steps.supplierAnswer;
  if (previous !== undefined && sameAnswer(previous, answer)) return 'unchanged';

  const key = { appId: order.appId, recordId: order.recordId };
  const app = findApp(deps.config, order.appId);
  const recordExists = app !== undefined && (await orderRecordExists(order, deps.store));
  if (app && recordExists) {
    const values: FieldValues = { [app.writeBack.status]: answerStatus(answer, app.statuses) };
    const dateField = app.writeBack.deliveryDate;
    if (dateField !== undefined) {
      // A decline after a confirmation must not leave the old promised date standing.
      if (answer.kind !== 'declined') values[dateField] = answer.deliveryDate;
      else if (previous !== undefined && previous.kind !== 'declined') values[dateField] = '';
    }
    // Rows already received or cancelled keep their status: the answer is for the others.
    const openRows = order.rows ? await openRowIds(order, deps.store) : undefined;
    if (order.rows && answer.kind === 'partial' && 'lines' in answer) {
      await writeOrderFields(
        deps.kintone,
        order,
        {},
        (rowId) => rowAnswerValues(app, order, answer, previous, rowId) ?? values,
        openRows,
      );
    } else {
      await writeOrderFields(deps.kintone, order, values, undefined, openRows);
    }
    await commentOnOrder(
      deps.kintone,
      order,
      answerComment(
        orderNumber,
        order.request.supplier.name,
        answer,
        previous,
        order.request.lines,
      ),
    );
  } else {
    deps.logger.warn('supplier answer kept on the order only: the kintone record is gone', {
      orderNumber,
      appId: key.appId,
      recordId: key.recordId,
      appConfigured: app !== undefined,
    });
  }
  await deps.store.recordOrderStep(key, order.cycle, {
    kind: 'supplier-answer',
    at: deps.now().toISOString(),
    answer,
  });
  deps.logger.info('supplier answer recorded', {
    orderNumber,
    answer: answer.kind,
    changed: previous !== undefined,
  });
  return 'recorded';
}

/**
 * A row's values for a partial answer with a quantity per line: the status of what its line
 * amounts to, and the delivery date unless nothing of the line comes (then cleared when an
 * earlier answer had promised the row one). Undefined for a row the answer has no line for.
 */
function rowAnswerValues(
  app: AppConfig,
  order: StoredOrder,
  answer: Extract<PartialAnswer, { lines: unknown }>,
  previous: SupplierAnswer | undefined,
  rowId: string,
): FieldValues | undefined {
  const ordered = order.request.lines.find((line) => line.rowId === rowId);
  const answered = answer.lines.find((line) => line.rowId === rowId);
  if (ordered === undefined || answered === undefined) return undefined;
  const outcome = lineOutcome(answered.quantity, ordered.quantity);
  const values: FieldValues = { [app.writeBack.status]: app.statuses[outcome] };
  const dateField = app.writeBack.deliveryDate;
  if (dateField !== undefined) {
    if (outcome !== 'declined') values[dateField] = answer.deliveryDate;
    else if (rowWasPromised(previous, rowId)) values[dateField] = '';
  }
  return values;
}

/** Whether the answer on record gave the row a delivery date, which a 0 must not leave. */
function rowWasPromised(previous: SupplierAnswer | undefined, rowId: string): boolean {
  if (previous === undefined || previous.kind === 'declined') return false;
  if (previous.kind === 'confirmed' || 'quantity' in previous) return true;
  const line = previous.lines.find((candidate) => candidate.rowId === rowId);
  return line === undefined || line.quantity > 0;
}
