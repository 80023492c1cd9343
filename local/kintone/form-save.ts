/**
 * How kintone's record form saves a table: every row, with its id and every value. Scripts and
 * tests that play staff (the demo, the benchmark, the end-to-end tests) save this way, so the
 * bridge meets what kintone really sends.
 */

/** A table row as GET record.json returns it. */
export interface TableRowJson {
  id: string;
  value: Record<string, { type?: string; value: unknown }>;
}

/** A table row as PUT record.json takes it. */
export interface TableRowWrite {
  id: string;
  value: Record<string, { value: unknown }>;
}

/**
 * The table to send for a form save: every row as read, with `edit`'s values for that row
 * (field code to value) in place of the read ones.
 *
 * @example
 * const table = formSaveTable(rows, (row) => (row.value['明細_品番']?.value === 'B-200' ? { 明細_在庫数: '4' } : {}));
 * await client.record.updateRecord({ app: '15', id: '1', record: { 在庫明細: { value: table } } });
 */
export function formSaveTable(
  rows: readonly TableRowJson[],
  edit: (row: TableRowJson, index: number) => Readonly<Record<string, string>>,
): TableRowWrite[] {
  return rows.map((row, index) => {
    const changes = edit(row, index);
    return {
      id: row.id,
      value: Object.fromEntries(
        Object.entries(row.value).map(([code, field]) => [
          code,
          { value: changes[code] ?? field.value },
        ]),
      ),
    };
  });
}
