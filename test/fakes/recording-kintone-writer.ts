import type {
  FieldValues,
  KintoneRecordWriter,
  RowUpdateResult,
  RowValues,
} from '../../shared/ports/kintone-record-writer';

export interface RecordedRowUpdate {
  appId: string;
  recordId: string;
  subtable: string;
  rows: RowValues;
}

export interface RecordedUpdate {
  appId: string;
  recordId: string;
  values: FieldValues;
}

export interface RecordedComment {
  appId: string;
  recordId: string;
  text: string;
}

/**
 * {@link KintoneRecordWriter} in memory: records the updates and comments it accepts. Errors
 * queued in `failures` are thrown by the next calls of either method, one per call; the
 * per-method queues fail only that method, for a test that needs the update to pass and the
 * comment to fail. A failed call records nothing, as kintone applies nothing.
 *
 * @example
 * const kintone = new RecordingKintoneRecordWriter();
 * kintone.commentFailures.push(new Error('kintone 503'));
 */
export class RecordingKintoneRecordWriter implements KintoneRecordWriter {
  readonly updates: RecordedUpdate[] = [];
  readonly comments: RecordedComment[] = [];
  readonly rowUpdates: RecordedRowUpdate[] = [];
  /** Row ids the tables no longer have: a row write reports them missing and skips them. */
  readonly deletedRows = new Set<string>();
  /** Errors for the next calls of either method; each call takes the first one. */
  readonly failures: Error[] = [];
  /** Errors for the next `updateFields` / `updateRows` calls only (checked after `failures`). */
  readonly updateFailures: Error[] = [];
  /** Errors for the next `addComment` calls only (checked after `failures`). */
  readonly commentFailures: Error[] = [];

  async updateFields(appId: string, recordId: string, values: FieldValues): Promise<void> {
    const failure = this.failures.shift() ?? this.updateFailures.shift();
    if (failure !== undefined) throw failure;
    this.updates.push({ appId, recordId, values: { ...values } });
  }

  async updateRows(
    appId: string,
    recordId: string,
    subtable: string,
    rows: RowValues,
  ): Promise<RowUpdateResult> {
    const failure = this.failures.shift() ?? this.updateFailures.shift();
    if (failure !== undefined) throw failure;
    const kept = Object.entries(rows).filter(([rowId]) => !this.deletedRows.has(rowId));
    this.rowUpdates.push({
      appId,
      recordId,
      subtable,
      rows: structuredClone(Object.fromEntries(kept)),
    });
    return {
      updatedRows: kept.map(([rowId]) => rowId),
      missingRows: Object.keys(rows).filter((rowId) => this.deletedRows.has(rowId)),
    };
  }

  async addComment(appId: string, recordId: string, text: string): Promise<void> {
    const failure = this.failures.shift() ?? this.commentFailures.shift();
    if (failure !== undefined) throw failure;
    this.comments.push({ appId, recordId, text });
  }
}
