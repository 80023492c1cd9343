/** Field values to write to one record: field code to value (kintone's string forms). */
export type FieldValues = Record<string, string>;

/** Writes the bridge's outcome back to kintone. */
export interface KintoneRecordWriter {
  /** Updates only the given fields of the record (no revision check: the bridge owns them). */
  updateFields(appId: string, recordId: string, values: FieldValues): Promise<void>;
  /** Adds a comment to the record. */
  addComment(appId: string, recordId: string, text: string): Promise<void>;
}
