import { openLinesOf, type PurchaseOrder, type PurchaseOrderLine } from '../domain/purchase-order';
import type {
  FieldValues,
  KintoneRecordWriter,
  RecordUpdate,
  RowValues,
} from '../ports/kintone-record-writer';
import type { BridgeLogger } from '../ports/logger';

/**
 * Where an order's lines live in kintone: each line is a record of the order's app, or a row of
 * a record's table (several lines may share the record). Every step that writes an order's
 * outcome (the send, 送信待ち, 要対応, delivery, fax status, the supplier's answer) goes through
 * here, so a line that is a row is written into its row and never onto the record.
 *
 * kintone calls are counted (the app's daily limit): the plain records of a write go out in
 * one bulk update per 100 records, a table record takes one table write (a read and a write)
 * whatever number of its rows are written, and a comment is one call per record.
 *
 * A record deleted in kintone (404 GAIA_RE01) or an app gone (GAIA_AP01) does not fail the
 * order: its lines are skipped, logged and reported as `missing`, and the others are written.
 * Any other failure is thrown, for the caller's retry.
 */

/** What the writes need beside the writer. */
export interface LineWriteContext {
  /** Field code of the app's SUBTABLE (`subtable.field`), for lines that are table rows. */
  subtable: string | undefined;
  logger: BridgeLogger;
}

/** What a write to the lines' records did. */
export interface LineWriteResult {
  /** Lines whose record (or row) took the write, or had nothing to write. */
  lineIds: string[];
  /** Lines whose record or row no longer exists in kintone: skipped. */
  missing: string[];
  /** Field codes written, over every line. */
  fields: string[];
}

/** kintone's codes for a record, or its app, that no longer exists. */
const GONE_CODES: ReadonlySet<string> = new Set(['GAIA_RE01', 'GAIA_AP01']);

/**
 * True for kintone's answer that the record (or its app) is gone: nothing to write to, and a
 * retry would get the same answer. Read by its shape, as use cases know no adapter's errors.
 */
export function isRecordGone(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return typeof error.code === 'string' && GONE_CODES.has(error.code);
}

/**
 * The lines of the order still open in kintone: not dropped before the send, not closed by
 * staff (入荷済, キャンセル). A closed line's record may already be on its next order, so what
 * reaches this order later (an answer, a bounce) is not written there.
 */
export function openLines(order: PurchaseOrder): PurchaseOrderLine[] {
  // The log's line-closed events, read once: lineStatus per line re-derives the whole order.
  return openLinesOf(order);
}

/** The order's lines with these ids, in the order's order. */
function linesOf(order: PurchaseOrder, lineIds: readonly string[]): PurchaseOrderLine[] {
  const wanted = new Set(lineIds);
  return order.lines.filter((line) => wanted.has(line.lineId));
}

/** The lines grouped by kintone record, in order of first appearance. */
export function linesByRecord(
  lines: readonly PurchaseOrderLine[],
): { recordId: string; lines: PurchaseOrderLine[] }[] {
  const groups = new Map<string, PurchaseOrderLine[]>();
  for (const line of lines) {
    const group = groups.get(line.item.recordId);
    if (group) group.push(line);
    else groups.set(line.item.recordId, [line]);
  }
  return [...groups].map(([recordId, grouped]) => ({ recordId, lines: grouped }));
}

/**
 * Writes field values to the records of the order's lines `lineIds`: each line's own values
 * (`fieldsForLine`), onto its record or into its table row (other rows and values kept). A line
 * whose values are empty costs no call. Plain records are written together, one bulk update per
 * 100 records; each table record takes one table write for all of its rows.
 *
 * @example
 * await writeLineFields(kintone, order, lineIds, (line) => ({ 発注理由: line.reason }), {
 *   subtable: app.subtable?.field,
 *   logger,
 * });
 */
export async function writeLineFields(
  kintone: KintoneRecordWriter,
  order: PurchaseOrder,
  lineIds: readonly string[],
  fieldsForLine: (line: PurchaseOrderLine) => FieldValues,
  context: LineWriteContext,
): Promise<LineWriteResult> {
  const result: LineWriteResult = { lineIds: [], missing: [], fields: [] };
  const fields = new Set<string>();
  const records: RecordUpdate[] = [];
  const lineIdsOfRecord = new Map<string, string[]>();

  for (const group of linesByRecord(linesOf(order, lineIds))) {
    const rowLines = group.lines.filter((line) => line.item.rowId !== undefined);
    const plainLines = group.lines.filter((line) => line.item.rowId === undefined);

    if (plainLines.length > 0) {
      // A record is one item, so at most one line; merged in line order should there be more.
      const values: FieldValues = Object.assign({}, ...plainLines.map(fieldsForLine));
      const ids = plainLines.map((line) => line.lineId);
      if (Object.keys(values).length === 0) result.lineIds.push(...ids);
      else {
        records.push({ recordId: group.recordId, values });
        lineIdsOfRecord.set(group.recordId, ids);
      }
    }

    if (rowLines.length > 0) {
      await writeRows(kintone, order, group.recordId, rowLines, fieldsForLine, context, {
        result,
        fields,
      });
    }
  }

  if (records.length > 0) {
    const { missingRecords } = await kintone.updateRecords(order.appId, records);
    const missing = new Set(missingRecords);
    for (const { recordId, values } of records) {
      const ids = lineIdsOfRecord.get(recordId) ?? [];
      if (missing.has(recordId)) {
        result.missing.push(...ids);
        continue;
      }
      result.lineIds.push(...ids);
      for (const code of Object.keys(values)) fields.add(code);
    }
    if (missingRecords.length > 0) {
      context.logger.warn('kintone records deleted: the order was not written to them', {
        orderNumber: order.orderNumber,
        appId: order.appId,
        recordIds: missingRecords,
      });
    }
  }
  result.fields = [...fields];
  return result;
}

async function writeRows(
  kintone: KintoneRecordWriter,
  order: PurchaseOrder,
  recordId: string,
  lines: readonly PurchaseOrderLine[],
  fieldsForLine: (line: PurchaseOrderLine) => FieldValues,
  context: LineWriteContext,
  into: { result: LineWriteResult; fields: Set<string> },
): Promise<void> {
  const rows: RowValues = {};
  const lineOfRow = new Map<string, string>();
  for (const line of lines) {
    const rowId = line.item.rowId ?? '';
    const values = fieldsForLine(line);
    if (Object.keys(values).length === 0) into.result.lineIds.push(line.lineId);
    else {
      rows[rowId] = { ...rows[rowId], ...values };
      lineOfRow.set(rowId, line.lineId);
    }
  }
  if (lineOfRow.size === 0) return;
  if (context.subtable === undefined) {
    throw new RangeError(
      `order ${order.orderNumber} has table rows of app ${order.appId}, whose configuration names no subtable`,
    );
  }
  try {
    const { updatedRows, missingRows } = await kintone.updateRows(
      order.appId,
      recordId,
      context.subtable,
      rows,
    );
    const missing = new Set(missingRows);
    for (const [rowId, lineId] of lineOfRow) {
      if (missing.has(rowId)) into.result.missing.push(lineId);
      else into.result.lineIds.push(lineId);
    }
    for (const rowId of updatedRows) {
      for (const code of Object.keys(rows[rowId] ?? {})) into.fields.add(code);
    }
    if (missingRows.length > 0) {
      context.logger.warn('table rows deleted: the order was not written to them', {
        orderNumber: order.orderNumber,
        appId: order.appId,
        recordId,
        rowIds: missingRows,
      });
    }
  } catch (error) {
    if (!isRecordGone(error)) throw error;
    into.result.missing.push(...lineOfRow.values());
    context.logger.warn('kintone record deleted: the order was not written to it', {
      orderNumber: order.orderNumber,
      appId: order.appId,
      recordId,
    });
  }
}

/** What commenting did. */
export interface CommentResult {
  /** Lines whose record got the comment. */
  lineIds: string[];
  /** Lines whose record no longer exists: no comment. */
  missing: string[];
}

/**
 * Adds one comment to each record of the lines `lineIds` (lines that are rows of one record
 * share it). `text` may depend on the record's lines, e.g. to give each its own quantities.
 *
 * @example
 * await commentOnLines(kintone, order, lineIds, `【要対応】${reason}`, { logger });
 */
export async function commentOnLines(
  kintone: KintoneRecordWriter,
  order: PurchaseOrder,
  lineIds: readonly string[],
  text: string | ((lines: readonly PurchaseOrderLine[]) => string),
  context: Pick<LineWriteContext, 'logger'>,
): Promise<CommentResult> {
  const result: CommentResult = { lineIds: [], missing: [] };
  for (const group of linesByRecord(linesOf(order, lineIds))) {
    const ids = group.lines.map((line) => line.lineId);
    try {
      await kintone.addComment(
        order.appId,
        group.recordId,
        typeof text === 'string' ? text : text(group.lines),
      );
      result.lineIds.push(...ids);
    } catch (error) {
      if (!isRecordGone(error)) throw error;
      result.missing.push(...ids);
      context.logger.warn('kintone record deleted: no comment added', {
        orderNumber: order.orderNumber,
        appId: order.appId,
        recordId: group.recordId,
      });
    }
  }
  return result;
}
