import { KintoneRestAPIError, type KintoneRestAPIClient } from '@kintone/rest-api-client';
import {
  MAX_READ_PAGE_SIZE,
  type InventoryPage,
  type InventoryReader,
  type InventoryScan,
  type ReadInventoryOptions,
  type ReadRecord,
} from '../../ports/inventory-reader';
import type { KintoneCallBudget } from './kintone-call-budget';
import { kintoneRetryReason, withKintoneRetry, type KintoneRetryOptions } from './kintone-retry';

/** kintone's code for a cursor that is unknown, deleted or expired (answered with 404). */
export const KINTONE_CURSOR_NOT_FOUND_CODE = 'GAIA_CN01';
/** kintone's code when the domain's ten cursors are all open (answered with 429). */
export const KINTONE_TOO_MANY_CURSORS_CODE = 'GAIA_TM12';
/** How often one read is taken up again from its last record before it gives up. */
export const DEFAULT_CURSOR_RESTARTS = 3;

function isCursorGone(error: unknown): boolean {
  return error instanceof KintoneRestAPIError && error.code === KINTONE_CURSOR_NOT_FOUND_CODE;
}

/** Options of {@link RestInventoryReader}. */
export interface RestInventoryReaderOptions extends KintoneRetryOptions {
  /** Counts every request against the app's daily limit; nothing is counted without it. */
  budget?: KintoneCallBudget;
  /** Records per page (default and most: 500). */
  pageSize?: number;
  /** Restarts of one read after an expired or lost cursor (default {@link DEFAULT_CURSOR_RESTARTS}). */
  maxRestarts?: number;
  /** Told of each restart and of a cursor that could not be deleted. */
  onCursorEvent?: (event: {
    kind: 'restarted' | 'delete-failed';
    appId: string;
    afterId?: string;
    error: unknown;
  }) => void;
}

/**
 * Reads whole apps with kintone's cursor API: `POST records/cursor.json` with only the given
 * fields, the query `order by $id asc` and 500 records a page, then `GET` page after page.
 * kintone deletes a cursor itself after its last page; a read left early (the caller stops, an
 * error) deletes it in `finally`, so a cursor never holds one of the domain's ten slots for
 * the ten minutes kintone would keep it. (A process killed mid-read cannot; kintone drops the
 * cursor ten minutes after its last use.)
 *
 * A page is never fetched twice from one cursor: a GET whose answer is lost may already have
 * moved the cursor on. Instead, when a GET fails for a reason worth retrying (429, 503, a
 * dropped connection) or the cursor expired (`GAIA_CN01`: the caller took more than ten minutes
 * between pages), the read is taken up with a new cursor over `$id > <last id seen> order by
 * $id asc`: nothing is read twice, nothing is missed. Creating and deleting a cursor are
 * retried as other kintone calls (a create refused with 429 `GAIA_TM12`, all slots taken,
 * included: nothing was created).
 *
 * @example
 * const reader = new RestInventoryReader(kintoneClients(config, secrets, baseUrl), { budget });
 * for await (const page of reader.read('12', { fields: ['$id', '$revision', '在庫数'] })) { ... }
 */
export class RestInventoryReader implements InventoryReader {
  private readonly retry: KintoneRetryOptions;
  private readonly budget: KintoneCallBudget | undefined;
  private readonly pageSize: number;
  private readonly maxRestarts: number;
  private readonly onCursorEvent: RestInventoryReaderOptions['onCursorEvent'];

  constructor(
    private readonly clientForApp: (appId: string) => Promise<KintoneRestAPIClient>,
    options: RestInventoryReaderOptions = {},
  ) {
    const { budget, pageSize, maxRestarts, onCursorEvent, ...retry } = options;
    this.retry = retry;
    this.budget = budget;
    this.pageSize = Math.min(MAX_READ_PAGE_SIZE, Math.max(1, pageSize ?? MAX_READ_PAGE_SIZE));
    this.maxRestarts = Math.max(0, maxRestarts ?? DEFAULT_CURSOR_RESTARTS);
    this.onCursorEvent = onCursorEvent;
  }

  read(appId: string, options: ReadInventoryOptions): InventoryScan {
    const progress = { calls: 0, restarts: 0 };
    const counted = async <T>(
      request: () => Promise<T>,
    ): Promise<{ value: T; budget?: InventoryPage['budget'] }> => {
      progress.calls += 1;
      if (!this.budget) return { value: await request() };
      const { value, count, limit } = await this.budget.callCounted(appId, request);
      return { value, ...(count !== undefined ? { budget: { count, limit } } : {}) };
    };
    const pages = async function* (this: RestInventoryReader): AsyncGenerator<InventoryPage> {
      const client = await this.clientForApp(appId);
      const fields = [...new Set(['$id', '$revision', ...options.fields])];
      let lastId = options.afterId;
      let cursorId: string | undefined;
      const deleteCursor = async (id: string) => {
        try {
          await withKintoneRetry(
            () => counted(() => client.record.deleteCursor({ id })),
            this.retry,
          );
        } catch (error) {
          // Gone already (expired) is what deleting wanted; anything else kintone ends in 10 min.
          if (!isCursorGone(error)) {
            this.onCursorEvent?.({ kind: 'delete-failed', appId, error });
          }
        }
      };
      try {
        for (;;) {
          if (cursorId === undefined) {
            const condition = lastId !== undefined ? `$id > ${Number(lastId)} ` : '';
            const { value } = await withKintoneRetry(
              () =>
                counted(() =>
                  client.record.createCursor({
                    app: appId,
                    fields,
                    query: `${condition}order by $id asc`,
                    size: this.pageSize,
                  }),
                ),
              this.retry,
            );
            cursorId = value.id;
          }
          const open: string = cursorId;
          let page: { records: ReadRecord[]; next: boolean };
          let budget: InventoryPage['budget'];
          try {
            const answer = await counted(() => client.record.getRecordsByCursor({ id: open }));
            page = answer.value as { records: ReadRecord[]; next: boolean };
            budget = answer.budget;
          } catch (error) {
            const gone = isCursorGone(error);
            if (
              (!gone && kintoneRetryReason(error) === undefined) ||
              progress.restarts >= this.maxRestarts
            ) {
              throw error;
            }
            progress.restarts += 1;
            this.onCursorEvent?.({
              kind: 'restarted',
              appId,
              ...(lastId !== undefined ? { afterId: lastId } : {}),
              error,
            });
            cursorId = undefined;
            if (!gone) await deleteCursor(open);
            continue;
          }
          // kintone deleted the cursor with its last page.
          if (!page.next) cursorId = undefined;
          const last = page.records.at(-1)?.$id?.value;
          if (last !== undefined) lastId = String(last);
          yield { records: page.records, ...(budget ? { budget } : {}) };
          if (!page.next) return;
        }
      } finally {
        if (cursorId !== undefined) await deleteCursor(cursorId);
      }
    }.call(this);
    return {
      [Symbol.asyncIterator]: () => pages,
      get calls() {
        return progress.calls;
      },
      get restarts() {
        return progress.restarts;
      },
    };
  }
}
