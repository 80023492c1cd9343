import type { FieldValues, KintoneRecordWriter } from '../../shared/ports/kintone-record-writer';

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
  /** Errors for the next calls of either method; each call takes the first one. */
  readonly failures: Error[] = [];
  /** Errors for the next `updateFields` calls only (checked after `failures`). */
  readonly updateFailures: Error[] = [];
  /** Errors for the next `addComment` calls only (checked after `failures`). */
  readonly commentFailures: Error[] = [];

  async updateFields(appId: string, recordId: string, values: FieldValues): Promise<void> {
    const failure = this.failures.shift() ?? this.updateFailures.shift();
    if (failure !== undefined) throw failure;
    this.updates.push({ appId, recordId, values: { ...values } });
  }

  async addComment(appId: string, recordId: string, text: string): Promise<void> {
    const failure = this.failures.shift() ?? this.commentFailures.shift();
    if (failure !== undefined) throw failure;
    this.comments.push({ appId, recordId, text });
  }
}
