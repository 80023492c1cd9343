import type { KintoneRecord } from './notification';

/**
 * Reading the items of a record that keeps them as the rows of a SUBTABLE (one record per site,
 * one row per item). Pure.
 */

/** One row of the table, seen as a record of its own. */
export interface RecordRow {
  /** kintone's row id, unique in the app and kept while the row exists. */
  rowId: string;
  /**
   * The row's fields over the record's own fields (minus the table), with the record's `$id`
   * and `$revision`: the record mapper reads it like any record, so a field the row lacks
   * (one supplier, a site) is read from the record.
   */
  record: KintoneRecord;
  /** Field codes the row itself has (the bridge can write only into these). */
  cells: ReadonlySet<string>;
}

export type RecordRows = { ok: true; rows: RecordRow[] } | { ok: false; problem: string };

/**
 * The item key of a row: the record id and the row id. A row keeps its id while it exists, so
 * the row's orders and state follow it wherever staff move it in the table.
 *
 * @example
 * rowItemId('3', '368'); // '3:368'
 */
export function rowItemId(recordId: string, rowId: string): string {
  return `${recordId}:${rowId}`;
}

function isRow(row: unknown): row is { id: string; value: Record<string, unknown> } {
  return (
    typeof row === 'object' &&
    row !== null &&
    'id' in row &&
    typeof row.id === 'string' &&
    /^\d+$/.test(row.id) &&
    'value' in row &&
    typeof row.value === 'object' &&
    row.value !== null
  );
}

/**
 * The rows of the table `subtable`, each merged over the record's other fields. A record
 * without that table (or with something else under its code) is a configuration problem,
 * reported in Japanese for the log and the record's comment.
 */
export function recordRows(record: KintoneRecord, subtable: string): RecordRows {
  const table = record[subtable];
  if (!table) return { ok: false, problem: `テーブル「${subtable}」がレコードにありません` };
  if (table.type !== 'SUBTABLE' || !Array.isArray(table.value)) {
    return {
      ok: false,
      problem: `「${subtable}」がテーブルではありません (${table.type})`,
    };
  }
  const { [subtable]: _table, ...recordFields } = record;
  const rows = (table.value as unknown[]).filter(isRow).map((row) => ({
    rowId: row.id,
    record: { ...recordFields, ...(row.value as KintoneRecord) } as KintoneRecord,
    cells: new Set(Object.keys(row.value)),
  }));
  return { ok: true, rows };
}
