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
  /**
   * Set when this call wrote the table: the record's revision it read and wrote against (the
   * write's revision check), and the revision kintone answered for the write, which is the
   * revision of the webhook the write fires. Absent when nothing was written (already as
   * desired, e.g. a retry after a write that went through).
   */
  written?: { fromRevision: number; revision: number };
}

/** One record's field values in a bulk write ({@link KintoneRecordWriter.updateRecords}). */
export interface RecordUpdate {
  recordId: string;
  values: FieldValues;
}

/** What a bulk write did. */
export interface RecordsUpdateResult {
  /** Records named in the write that the app no longer has (staff deleted them): skipped. */
  missingRecords: string[];
}

/** How many records kintone takes in one bulk update (PUT /k/v1/records.json). */
export const MAX_RECORDS_PER_UPDATE = 100;

/** Writes the bridge's outcome back to kintone. */
export interface KintoneRecordWriter {
  /** Updates only the given fields of the record (no revision check: the bridge owns them). */
  updateFields(appId: string, recordId: string, values: FieldValues): Promise<void>;
  /**
   * Updates only the given fields of many records of one app, {@link MAX_RECORDS_PER_UPDATE}
   * per request (no revision check, as {@link updateFields}). A record that no longer exists
   * does not fail the others: it is skipped and reported in `missingRecords`.
   */
  updateRecords(appId: string, updates: readonly RecordUpdate[]): Promise<RecordsUpdateResult>;
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
