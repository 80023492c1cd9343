/**
 * The sweep: never missing a shortage (issue 12). kintone sends no webhook for a CSV import or
 * a bulk REST update, and does not resend one whose delivery failed, so the bridge also reads
 * each inventory app whole, on a schedule, and hands every record it has not processed at its
 * current revision to the same pipeline as a notification.
 *
 * Design: the sweep **queues** a notification per such record on the FIFO queue rather than
 * calling `processNotification` itself.
 * - The message goes to the record's own message group (`<app>:<record>`, as the webhook's),
 *   so it is serialised with the record's real notifications: a sweep never races a webhook
 *   over the same record, and the dispatcher's retries, parking and dead letters apply to it
 *   unchanged.
 * - The sweep function needs only to read kintone, read the items' states and send to the
 *   queue: no SES, no fax, no order writes, no kintone writes (least privilege), and a slow
 *   sweep never delays an order.
 * - The notification is built like the webhook's (`UPDATE_RECORD`, only the mapped fields) with
 *   a deterministic id `sweep-<app>-<record>-<revision>` (SQS FIFO allows no `:`): the queue
 *   drops a second copy within its five-minute window, and after that the dispatcher's record
 *   of processed notifications, its revision check (same revision: `replay`, nothing new) and
 *   the cycle claims keep a re-evaluation from ordering anything.
 *
 * Records whose revision the bridge has already processed are not queued at all: the pipeline
 * would answer `replay` and do nothing, so sending them would only cost a message and a
 * dispatch each (10,000 an hour for a 10,000-item app). Which revision was processed is read
 * from the items' states, one batch read per 100 records.
 *
 * @module
 */
import { findApp } from '../config/load-config';
import type { AppConfig, BridgeConfig } from '../config/schema';
import { evaluateReorder } from '../domain/evaluate-reorder';
import type { MappedItem } from '../domain/item';
import { encodeForQueue, queueBodyFor } from '../edge/queued-notification';
import {
  isKintoneId,
  notificationGroupId,
  type KintoneRecord,
  type RecordNotification,
} from '../kintone/notification';
import { mapRecord, referencedFieldCodes } from '../kintone/record-mapper';
import { recordRows, rowItemId } from '../kintone/subtable-rows';
import { NO_METRICS, type BridgeMetrics } from '../ports/bridge-metrics';
import type { ClaimCheckStore } from '../ports/claim-checks';
import type { InventoryReader, ReadRecord } from '../ports/inventory-reader';
import type { ItemKey, ItemStateStore } from '../ports/item-states';
import type { BridgeLogger } from '../ports/logger';
import type { NotificationQueue } from '../ports/notification-queue';

/** Log message when a sweep leaves an app unread for the rest of the day (operators search it). */
export const SWEEP_STOPPED_FOR_BUDGET =
  'sweep stopped early: kintone daily call budget nearly spent';
/** Log message for a shortage the sweep found that no notification had brought. */
export const SWEEP_SHORTAGE_FOUND = 'sweep found a shortage no notification reported';

/** Default share of kintone's daily limit at which a sweep stops reading an app. */
export const DEFAULT_STOP_AT_BUDGET_PERCENT = 80;

export interface SweepDeps {
  config: BridgeConfig;
  reader: InventoryReader;
  /** The items' states: which revision of each record the bridge has processed. */
  items: Pick<ItemStateStore, 'load'>;
  queue: NotificationQueue;
  /** For a record too large for one queue message (a big table); without it, it is skipped. */
  claimChecks?: ClaimCheckStore;
  logger: BridgeLogger;
  metrics?: BridgeMetrics;
  now: () => Date;
  /** Stop reading an app once its kintone calls today reach this share (default: config's). */
  stopAtBudgetPercent?: number;
}

/** What the sweep did with one app. */
export interface AppSweepOutcome {
  appId: string;
  /** Records read. */
  records: number;
  /** Records queued for the pipeline: revisions the bridge had not processed. */
  queued: number;
  /** Items (records, or table rows) of queued records that are short and on no order. */
  shortages: number;
  /** kintone calls the read made (open, pages, close, reopen). */
  calls: number;
  /** Times the read was taken up again after an expired or lost cursor. */
  restarts: number;
  /** Set when the app was not read to its end because its call budget is nearly spent. */
  stoppedEarly?: { count: number; limit: number; afterId?: string };
  /** Records that could not be queued (too large without a claim-check store, or no valid id). */
  skipped: number;
}

/** What one sweep did. */
export interface SweepOutcome {
  apps: AppSweepOutcome[];
  records: number;
  queued: number;
  shortages: number;
  calls: number;
  stoppedEarly: boolean;
}

/** The notification id of a record's revision as the sweep read it. */
export function sweepNotificationId(appId: string, recordId: string, revision: string): string {
  return `sweep-${appId}-${recordId}-${revision}`;
}

/**
 * Reads every inventory app of the configuration (plain and table apps) with the reader (only
 * the mapped fields, 500 records a call) and queues a notification for each record whose
 * revision the bridge has not processed. An app whose kintone calls today reach the budget
 * share is left for the next sweep (logged as a WARN, counted as `SweepsStoppedEarly`); the
 * other apps are still read, as each app has its own daily limit.
 *
 * @example
 * const outcome = await sweepInventory(deps);
 * // { records: 1000, queued: 3, shortages: 2, calls: 3, ... }
 */
export async function sweepInventory(deps: SweepDeps): Promise<SweepOutcome> {
  const metrics = deps.metrics ?? NO_METRICS;
  const apps: AppSweepOutcome[] = [];
  for (const app of deps.config.apps) {
    const outcome = await sweepApp(app, deps);
    apps.push(outcome);
    metrics.count('RecordsSwept', outcome.records);
    if (outcome.queued > 0) metrics.count('SweepRecordsQueued', outcome.queued);
    if (outcome.shortages > 0) metrics.count('ShortagesFound', outcome.shortages);
    if (outcome.stoppedEarly) metrics.count('SweepsStoppedEarly');
    deps.logger.info('sweep: app read', { ...outcome });
  }
  const total = (key: 'records' | 'queued' | 'shortages' | 'calls') =>
    apps.reduce((sum, app) => sum + app[key], 0);
  return {
    apps,
    records: total('records'),
    queued: total('queued'),
    shortages: total('shortages'),
    calls: total('calls'),
    stoppedEarly: apps.some((app) => app.stoppedEarly !== undefined),
  };
}

async function sweepApp(app: AppConfig, deps: SweepDeps): Promise<AppSweepOutcome> {
  const percent =
    deps.stopAtBudgetPercent ??
    deps.config.sweep?.stopAtBudgetPercent ??
    DEFAULT_STOP_AT_BUDGET_PERCENT;
  const outcome: AppSweepOutcome = {
    appId: app.appId,
    records: 0,
    queued: 0,
    shortages: 0,
    calls: 0,
    restarts: 0,
    skipped: 0,
  };
  const scan = deps.reader.read(app.appId, { fields: referencedFieldCodes(app) });
  let lastId: string | undefined;
  try {
    for await (const page of scan) {
      outcome.records += page.records.length;
      await sweepPage(app, page.records, deps, outcome);
      const last = page.records.at(-1)?.$id?.value;
      if (last !== undefined) lastId = String(last);
      const budget = page.budget;
      if (budget && budget.count >= Math.ceil((budget.limit * percent) / 100)) {
        // Leaving the loop closes the cursor; the rest of the app waits for the next sweep.
        outcome.stoppedEarly = {
          count: budget.count,
          limit: budget.limit,
          ...(lastId !== undefined ? { afterId: lastId } : {}),
        };
        deps.logger.warn(SWEEP_STOPPED_FOR_BUDGET, {
          appId: app.appId,
          count: budget.count,
          limit: budget.limit,
          stopAtPercent: percent,
          recordsRead: outcome.records,
          ...(lastId !== undefined ? { afterId: lastId } : {}),
        });
        break;
      }
    }
  } finally {
    outcome.calls = scan.calls;
    outcome.restarts = scan.restarts;
  }
  return outcome;
}

/** Queues the page's records whose revision the bridge has not processed. */
async function sweepPage(
  app: AppConfig,
  records: readonly ReadRecord[],
  deps: SweepDeps,
  outcome: AppSweepOutcome,
): Promise<void> {
  const valid = records.filter(
    (record) => isKintoneId(record.$id?.value) && isKintoneId(record.$revision?.value),
  );
  outcome.skipped += records.length - valid.length;
  if (valid.length === 0) return;
  const items = valid.map((record) => itemsOf(app, record as KintoneRecord, deps.config));
  const keys = items.flatMap((item) => [item.recordKey, ...item.rows.map((row) => row.key)]);
  const states = new Map(
    (await deps.items.load(keys)).map((state) => [state.key.recordId, state] as const),
  );
  const now = deps.now();
  for (const [index, record] of valid.entries()) {
    const item = items[index];
    if (!item) continue;
    const recordId = String(record.$id?.value);
    const revision = Number(record.$revision?.value);
    const seen = states.get(recordId)?.lastRevision;
    // The pipeline would answer `replay` (or `stale`) and do nothing: no message for it.
    if (seen !== undefined && seen >= revision) continue;
    for (const row of item.rows) {
      if (!row.mapped.ok || states.get(row.key.recordId)?.orderNumber !== undefined) continue;
      const decision = evaluateReorder({
        mapped: row.mapped,
        state: {},
        notification: { id: 'sweep', revision },
        policy: { closedStatuses: app.statuses.closed, timeZone: deps.config.timeZone },
        now,
      });
      if (decision.kind !== 'order') continue;
      outcome.shortages += 1;
      deps.logger.info(SWEEP_SHORTAGE_FOUND, {
        appId: app.appId,
        recordId,
        itemId: row.key.recordId,
        sku: row.mapped.item.sku,
        revision,
        reason: decision.reason,
      });
    }
    if (await queueRecord(app, record, deps, now)) outcome.queued += 1;
    else outcome.skipped += 1;
  }
}

/** The record's key and its items (the record itself, or its table's rows), mapped. */
function itemsOf(
  app: AppConfig,
  record: KintoneRecord,
  config: BridgeConfig,
): { recordKey: ItemKey; rows: Array<{ key: ItemKey; mapped: MappedItem }> } {
  const recordId = String(record.$id?.value);
  const recordKey = { appId: app.appId, recordId };
  const options = {
    supplierFromMaster: config.supplierMaster !== undefined,
    deliveryAddresses: config.deliveryAddresses,
    reducedLabels: config.tax.reducedLabels,
  };
  if (!app.subtable)
    return { recordKey, rows: [{ key: recordKey, mapped: mapRecord(record, app, options) }] };
  const table = recordRows(record, app.subtable.field);
  if (!table.ok) return { recordKey, rows: [] };
  return {
    recordKey,
    rows: table.rows.map((row) => {
      const itemId = rowItemId(recordId, row.rowId);
      const mapped = mapRecord(row.record, app, options);
      return {
        key: { appId: app.appId, recordId: itemId },
        mapped: mapped.ok ? { ok: true, item: { ...mapped.item, recordId: itemId } } : mapped,
      };
    }),
  };
}

/** Queues the record as its UPDATE_RECORD notification would be; false when it cannot be. */
async function queueRecord(
  app: AppConfig,
  record: ReadRecord,
  deps: SweepDeps,
  now: Date,
): Promise<boolean> {
  const recordId = String(record.$id?.value);
  const revision = String(record.$revision?.value);
  const notification: RecordNotification = {
    id: sweepNotificationId(app.appId, recordId, revision),
    type: 'UPDATE_RECORD',
    app: { id: app.appId, name: findApp(deps.config, app.appId)?.name ?? `app ${app.appId}` },
    record: trimRows(record, app) as KintoneRecord,
  };
  const summary = {
    notificationId: notification.id,
    type: notification.type,
    app: { id: app.appId },
    recordId,
  };
  let body: string;
  try {
    ({ body } = await queueBodyFor(encodeForQueue(notification), summary, deps.claimChecks, now));
  } catch (error) {
    deps.logger.error('sweep: record too large to queue and no claim-check store; skipped', {
      appId: app.appId,
      recordId,
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
  await deps.queue.enqueue({
    notificationId: notification.id,
    groupId: notificationGroupId(notification),
    body,
  });
  return true;
}

/** A table's rows keep only the fields the configuration reads, as the webhook queues them. */
function trimRows(record: ReadRecord, app: AppConfig): ReadRecord {
  const table = app.subtable ? record[app.subtable.field] : undefined;
  if (!app.subtable || !table || !Array.isArray(table.value)) return record;
  const wanted = new Set(referencedFieldCodes(app));
  return {
    ...record,
    [app.subtable.field]: {
      ...table,
      value: (table.value as Array<{ id?: unknown; value?: Record<string, unknown> }>).map((row) =>
        typeof row.value === 'object' && row.value !== null
          ? {
              ...row,
              value: Object.fromEntries(
                Object.entries(row.value).filter(([code]) => wanted.has(code)),
              ),
            }
          : row,
      ),
    },
  };
}
