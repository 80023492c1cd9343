import {
  MAX_RECORDS_PER_UPDATE,
  type FieldValues,
  type KintoneRecordWriter,
  type RecordsUpdateResult,
  type RecordUpdate,
  type RowUpdateResult,
  type RowValues,
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

/** One bulk update call (at most {@link MAX_RECORDS_PER_UPDATE} records, as kintone takes). */
export interface RecordedBulkUpdate {
  appId: string;
  records: RecordUpdate[];
}

export interface RecordedComment {
  appId: string;
  recordId: string;
  text: string;
}

/** kintone's answer for a record that is gone: 404 GAIA_RE01, by its shape. */
export function recordNotFound(recordId: string): Error {
  return Object.assign(new Error(`指定したレコード（id: ${recordId}）が見つかりません。`), {
    name: 'KintoneRestAPIError',
    code: 'GAIA_RE01',
    status: 404,
  });
}

/**
 * {@link KintoneRecordWriter} in memory: records the updates and comments it accepts. Errors
 * queued in `failures` are thrown by the next calls of either method, one per call; the
 * per-method queues fail only that method, for a test that needs the update to pass and the
 * comment to fail. A failed call records nothing, as kintone applies nothing.
 *
 * A bulk update is recorded in `bulkUpdates` (one entry per kintone request) and each of its
 * records in `updates` as well, so a test reads what each record got either way. Records in
 * `deletedRecords` are gone: a bulk update skips and reports them, the other calls throw
 * kintone's 404 GAIA_RE01.
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
  /** Record ids (of any app) the app no longer has. */
  readonly deletedRecords = new Set<string>();
  readonly bulkUpdates: RecordedBulkUpdate[] = [];
  /** Errors for the next calls of either method; each call takes the first one. */
  readonly failures: Error[] = [];
  /** Errors for the next `updateFields` / `updateRows` calls only (checked after `failures`). */
  readonly updateFailures: Error[] = [];
  /** Errors for the next `addComment` calls only (checked after `failures`). */
  readonly commentFailures: Error[] = [];
  /**
   * What the next table writes answer as `written` (the revision read and the one kintone
   * gave the write), one per `updateRows` call that writes; without one, none is reported.
   */
  readonly rowWriteRevisions: NonNullable<RowUpdateResult['written']>[] = [];

  async updateFields(appId: string, recordId: string, values: FieldValues): Promise<void> {
    const failure = this.failures.shift() ?? this.updateFailures.shift();
    if (failure !== undefined) throw failure;
    if (this.deletedRecords.has(recordId)) throw recordNotFound(recordId);
    this.updates.push({ appId, recordId, values: { ...values } });
  }

  async updateRecords(
    appId: string,
    updates: readonly RecordUpdate[],
  ): Promise<RecordsUpdateResult> {
    const missingRecords: string[] = [];
    for (let start = 0; start < updates.length; start += MAX_RECORDS_PER_UPDATE) {
      const failure = this.failures.shift() ?? this.updateFailures.shift();
      if (failure !== undefined) throw failure;
      const chunk = updates.slice(start, start + MAX_RECORDS_PER_UPDATE);
      const kept = chunk.filter((update) => !this.deletedRecords.has(update.recordId));
      missingRecords.push(
        ...chunk
          .filter((update) => this.deletedRecords.has(update.recordId))
          .map((u) => u.recordId),
      );
      if (kept.length === 0) continue;
      this.bulkUpdates.push({ appId, records: structuredClone(kept) });
      for (const { recordId, values } of kept) {
        this.updates.push({ appId, recordId, values: { ...values } });
      }
    }
    return { missingRecords };
  }

  /** kintone requests made so far for writes: updates, bulk updates and table writes. */
  writeCalls(): number {
    const single = this.updates.length - this.bulkUpdates.reduce((n, b) => n + b.records.length, 0);
    return single + this.bulkUpdates.length + this.rowUpdates.length;
  }

  async updateRows(
    appId: string,
    recordId: string,
    subtable: string,
    rows: RowValues,
  ): Promise<RowUpdateResult> {
    const failure = this.failures.shift() ?? this.updateFailures.shift();
    if (failure !== undefined) throw failure;
    if (this.deletedRecords.has(recordId)) throw recordNotFound(recordId);
    const kept = Object.entries(rows).filter(([rowId]) => !this.deletedRows.has(rowId));
    this.rowUpdates.push({
      appId,
      recordId,
      subtable,
      rows: structuredClone(Object.fromEntries(kept)),
    });
    const written = this.rowWriteRevisions.shift();
    return {
      updatedRows: kept.map(([rowId]) => rowId),
      missingRows: Object.keys(rows).filter((rowId) => this.deletedRows.has(rowId)),
      ...(written ? { written } : {}),
    };
  }

  async addComment(appId: string, recordId: string, text: string): Promise<void> {
    const failure = this.failures.shift() ?? this.commentFailures.shift();
    if (failure !== undefined) throw failure;
    if (this.deletedRecords.has(recordId)) throw recordNotFound(recordId);
    this.comments.push({ appId, recordId, text });
  }
}
