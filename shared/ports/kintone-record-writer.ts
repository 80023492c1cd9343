/** Field values to write to one record: field code to value (kintone's string forms). */
export type FieldValues = Record<string, string>;

/** Values to write into rows of one SUBTABLE: row id to that row's field values. */
export type RowValues = Record<string, FieldValues>;

/** What a row write did. */
export interface RowUpdateResult {
  /** Rows whose values changed (an unchanged table is not written at all). */
  updatedRows: string[];
  /** Rows named in the write that the table no longer has (staff deleted them). */
  missingRows: string[];
}

/** Writes the bridge's outcome back to kintone. */
export interface KintoneRecordWriter {
  /** Updates only the given fields of the record (no revision check: the bridge owns them). */
  updateFields(appId: string, recordId: string, values: FieldValues): Promise<void>;
  /**
   * Sets fields in rows of a SUBTABLE and keeps every other row and value as the record has
   * them now. kintone replaces a whole table on update (rows left out are deleted), so this
   * reads the record, writes the full table with the read revision, and on a revision conflict
   * (a staff edit in between) reads again and reapplies, so the edit is kept.
   */
  updateRows(
    appId: string,
    recordId: string,
    subtable: string,
    rows: RowValues,
  ): Promise<RowUpdateResult>;
  /** Adds a comment to the record. */
  addComment(appId: string, recordId: string, text: string): Promise<void>;
}
