import type { FieldValues, RowValues } from '../ports/kintone-record-writer';
import { toKintoneDateTime } from './write-back';

/**
 * Planning a write into SUBTABLE rows. kintone replaces a whole table on update: rows left out
 * are deleted and, in a row that is sent, fields left out lose their value. So the bridge sends
 * every row with every value it just read, changing only its own fields, and sends the read
 * revision so that a staff edit made in between fails the write (GAIA_CO02) instead of being
 * overwritten. Pure: the adapter reads, plans, writes.
 */

/** A field as GET record.json returns it. */
interface ReadField {
  type: string;
  value: unknown;
}
type ReadRecord = Readonly<Record<string, ReadField>>;
interface ReadRow {
  id: string;
  value: Readonly<Record<string, ReadField>>;
}

/**
 * Row field types kintone computes itself: sending a value for them is refused or ignored, and
 * leaving them out loses nothing.
 */
const COMPUTED_ROW_TYPES: ReadonlySet<string> = new Set(['CALC']);

/** The table write, with the revision it was planned against. */
export interface TableWritePlan {
  revision: string;
  /** The whole table as `updateRecord` takes it: every row, with its id. */
  table: Array<{ id: string; value: Record<string, { value: unknown }> }>;
  updatedRows: string[];
  missingRows: string[];
}

/** The record, or its configuration, does not allow the write: retrying will not help. */
export class SubtableWriteError extends Error {
  override readonly name = 'SubtableWriteError';
}

/** kintone returns DATETIME with seconds; the bridge writes minutes. Compare them alike. */
function sameValue(field: ReadField, value: string): boolean {
  if (typeof field.value !== 'string') return false;
  if (field.type === 'DATETIME') return toKintoneDateTime(field.value) === toKintoneDateTime(value);
  return field.value === value;
}

function isReadRow(row: unknown): row is ReadRow {
  return (
    typeof row === 'object' &&
    row !== null &&
    'id' in row &&
    typeof row.id === 'string' &&
    'value' in row &&
    typeof row.value === 'object' &&
    row.value !== null
  );
}

/**
 * Plans the full-table write that sets `changes` in their rows and keeps everything else.
 *
 * @example
 * const plan = planTableWrite(record, '在庫明細', { '368': { 明細_発注状況: '発注依頼済' } });
 * if (plan.updatedRows.length > 0) {
 *   await client.record.updateRecord({ app, id, record: { 在庫明細: { value: plan.table } }, revision: plan.revision });
 * }
 */
export function planTableWrite(
  record: ReadRecord,
  subtable: string,
  changes: RowValues,
): TableWritePlan {
  const field = record[subtable];
  if (!field || field.type !== 'SUBTABLE' || !Array.isArray(field.value)) {
    throw new SubtableWriteError(
      `field "${subtable}" is not a table (SUBTABLE) of the record: check subtable.field in the configuration`,
    );
  }
  const revision = record.$revision?.value;
  if (typeof revision !== 'string') {
    throw new SubtableWriteError('the record read from kintone has no $revision');
  }
  const rows = field.value.filter(isReadRow);
  const updatedRows: string[] = [];
  const table = rows.map((row) => {
    const wanted: FieldValues = changes[row.id] ?? {};
    const value: Record<string, { value: unknown }> = {};
    for (const [code, current] of Object.entries(row.value)) {
      if (COMPUTED_ROW_TYPES.has(current.type)) continue;
      value[code] = { value: current.value };
    }
    let changed = false;
    for (const [code, desired] of Object.entries(wanted)) {
      const current = row.value[code];
      if (!current) {
        throw new SubtableWriteError(
          `the rows of table "${subtable}" have no field "${code}": add it to the table, or fix writeBack in the configuration`,
        );
      }
      if (sameValue(current, desired)) continue;
      value[code] = { value: desired };
      changed = true;
    }
    if (changed) updatedRows.push(row.id);
    return { id: row.id, value };
  });
  const present = new Set(rows.map((row) => row.id));
  const missingRows = Object.keys(changes).filter((rowId) => !present.has(rowId));
  return { revision, table, updatedRows, missingRows };
}
