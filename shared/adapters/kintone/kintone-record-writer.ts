import { KintoneRestAPIClient, KintoneRestAPIError } from '@kintone/rest-api-client';
import { planTableWrite } from '../../kintone/subtable-write';
import {
  MAX_RECORDS_PER_UPDATE,
  type FieldValues,
  type KintoneRecordWriter,
  type RecordsUpdateResult,
  type RecordUpdate,
  type RowUpdateResult,
  type RowValues,
} from '../../ports/kintone-record-writer';
import type { KintoneCallBudget } from './kintone-call-budget';
import { isRevisionConflict, withKintoneRetry, type KintoneRetryOptions } from './kintone-retry';

/**
 * Read-and-write rounds of a table write before giving up: each lost round means staff saved
 * the record in the moment between the bridge's read and write. Past these, the error goes to
 * the queue, which retries the whole step later.
 */
export const DEFAULT_TABLE_WRITE_ATTEMPTS = 4;

/** kintone's code for a record that does not exist (deleted, or never was). */
export const KINTONE_RECORD_NOT_FOUND_CODE = 'GAIA_RE01';

function isRecordNotFound(error: unknown): boolean {
  return error instanceof KintoneRestAPIError && error.code === KINTONE_RECORD_NOT_FOUND_CODE;
}

function kintoneRecord(values: FieldValues): Record<string, { value: string }> {
  return Object.fromEntries(Object.entries(values).map(([code, value]) => [code, { value }]));
}

/** Builds the official client for one app's API token. */
export function createKintoneClient(baseUrl: string, apiToken: string): KintoneRestAPIClient {
  return new KintoneRestAPIClient({ baseUrl, auth: { apiToken } });
}

/** Options of {@link RestKintoneRecordWriter}: retries, and the daily call budget. */
export interface RestKintoneRecordWriterOptions extends KintoneRetryOptions {
  /** Counts every attempt against the app's daily request limit; nothing is counted without it. */
  budget?: KintoneCallBudget;
  /** Read-and-write rounds of a table write (default {@link DEFAULT_TABLE_WRITE_ATTEMPTS}). */
  tableWriteAttempts?: number;
  /** Told of each revision conflict of a table write, before it reads the record again. */
  onRevisionConflict?: (info: { appId: string; recordId: string; attempt: number }) => void;
}

/**
 * Writes the bridge's outcome through kintone's REST API, one client per app (each app has its
 * own API token, which may come from a cached secret: hence the asynchronous lookup).
 *
 * Rate limits (429 GAIA_TO04), maintenance (503), gateway errors and dropped connections are
 * retried here with backoff and jitter, within a Lambda's time (at most 7.5 s of waiting per
 * call with the defaults); other errors, and those that outlast the retries, propagate: the
 * dispatcher's queue retries the step that failed. With a budget, each attempt (retries
 * included, as each one is a request kintone counts) is counted against the app's daily limit.
 *
 * @example
 * const writer = new RestKintoneRecordWriter(kintoneClients(config, secrets, baseUrl), {
 *   budget: new KintoneCallBudget({ store, logger, metrics, now: () => new Date() }),
 *   onRetry: ({ reason, attempt }) => logger.warn('kintone busy, retrying', { reason, attempt }),
 * });
 */
export class RestKintoneRecordWriter implements KintoneRecordWriter {
  private readonly retry: KintoneRetryOptions;
  private readonly budget: KintoneCallBudget | undefined;
  private readonly tableWriteAttempts: number;
  private readonly onRevisionConflict: RestKintoneRecordWriterOptions['onRevisionConflict'];

  constructor(
    private readonly clientForApp: (appId: string) => Promise<KintoneRestAPIClient>,
    options: RestKintoneRecordWriterOptions = {},
  ) {
    const { budget, tableWriteAttempts, onRevisionConflict, ...retry } = options;
    this.retry = retry;
    this.budget = budget;
    this.tableWriteAttempts = Math.max(1, tableWriteAttempts ?? DEFAULT_TABLE_WRITE_ATTEMPTS);
    this.onRevisionConflict = onRevisionConflict;
  }

  async updateFields(appId: string, recordId: string, values: FieldValues): Promise<void> {
    const record = kintoneRecord(values);
    const client = await this.clientForApp(appId);
    // No revision: the bridge only touches its own fields, so a staff edit in between is kept.
    // Hence no revision conflict (GAIA_CO02) can happen here, and repeating the same values
    // after a dropped connection is harmless. Writes that do send a revision must re-read the
    // record on `isRevisionConflict(error)` instead of retrying as they are.
    await withKintoneRetry(
      () =>
        this.counted(appId, () => client.record.updateRecord({ app: appId, id: recordId, record })),
      this.retry,
    );
  }

  /**
   * One PUT records.json per {@link MAX_RECORDS_PER_UPDATE} records. kintone refuses a whole
   * bulk update when one of its records is gone (404 GAIA_RE01) and writes none of it; the
   * chunk's records that still exist are then looked up (one GET records.json) and written
   * without the missing ones.
   */
  async updateRecords(
    appId: string,
    updates: readonly RecordUpdate[],
  ): Promise<RecordsUpdateResult> {
    const missingRecords: string[] = [];
    if (updates.length === 0) return { missingRecords };
    const client = await this.clientForApp(appId);
    const put = (chunk: readonly RecordUpdate[]) =>
      withKintoneRetry(
        () =>
          this.counted(appId, () =>
            client.record.updateRecords({
              app: appId,
              records: chunk.map(({ recordId, values }) => ({
                id: recordId,
                record: kintoneRecord(values),
              })),
            }),
          ),
        this.retry,
      );
    for (let start = 0; start < updates.length; start += MAX_RECORDS_PER_UPDATE) {
      const chunk = updates.slice(start, start + MAX_RECORDS_PER_UPDATE);
      try {
        await put(chunk);
      } catch (error) {
        if (!isRecordNotFound(error)) throw error;
        const ids = chunk.map((update) => update.recordId);
        const { records } = await withKintoneRetry(
          () =>
            this.counted(appId, () =>
              client.record.getRecords({
                app: appId,
                fields: ['$id'],
                query: `$id in (${ids.map((id) => `"${id.replace(/\D/g, '')}"`).join(', ')}) limit ${MAX_RECORDS_PER_UPDATE}`,
              }),
            ),
          this.retry,
        );
        const existing = new Set(records.map((record) => String(record.$id?.value)));
        const present = chunk.filter((update) => existing.has(update.recordId));
        missingRecords.push(...ids.filter((id) => !existing.has(id)));
        if (present.length > 0) await put(present);
      }
    }
    return { missingRecords };
  }

  async updateRows(
    appId: string,
    recordId: string,
    subtable: string,
    rows: RowValues,
  ): Promise<RowUpdateResult> {
    const client = await this.clientForApp(appId);
    for (let attempt = 1; ; attempt += 1) {
      const { record } = await withKintoneRetry(
        () => this.counted(appId, () => client.record.getRecord({ app: appId, id: recordId })),
        this.retry,
      );
      const plan = planTableWrite(record, subtable, rows);
      const result = { updatedRows: plan.updatedRows, missingRows: plan.missingRows };
      // Already as desired (a retry after a write that went through): no write, no webhook.
      if (plan.updatedRows.length === 0) return result;
      try {
        const { revision } = await withKintoneRetry(
          () =>
            this.counted(appId, () =>
              client.record.updateRecord({
                app: appId,
                id: recordId,
                record: { [subtable]: { value: plan.table } },
                revision: plan.revision,
              }),
            ),
          this.retry,
        );
        // The write went through with the revision check: it is the save from `plan.revision`.
        // (A retry whose first attempt went through fails that check and reads again instead.)
        const written = { fromRevision: Number(plan.revision), revision: Number(revision) };
        return Number.isInteger(written.fromRevision) && Number.isInteger(written.revision)
          ? { ...result, written }
          : result;
      } catch (error) {
        // Someone saved the record after our read: nothing was written. Read it again and
        // reapply, so their edit stays. (A retried write that did go through also lands here;
        // the next read then finds the values in place.)
        if (!isRevisionConflict(error) || attempt >= this.tableWriteAttempts) throw error;
        this.onRevisionConflict?.({ appId, recordId, attempt });
      }
    }
  }

  async addComment(appId: string, recordId: string, text: string): Promise<void> {
    const client = await this.clientForApp(appId);
    // A 429 or 503 means kintone wrote nothing. After a dropped connection or a 504 the comment
    // may already be there and appear twice: a duplicate note beats a lost one.
    await withKintoneRetry(
      () =>
        this.counted(appId, () =>
          client.record.addRecordComment({
            app: appId,
            record: recordId,
            comment: { text },
          }),
        ),
      this.retry,
    );
  }

  /** Makes one request, counted against the app's daily limit when there is a budget. */
  private counted<T>(appId: string, request: () => Promise<T>): Promise<T> {
    return this.budget ? this.budget.call(appId, request) : request();
  }
}
