/**
 * The daily learning run (issue 14): for every item with stock history, the suggested reorder
 * point, order-up-to level and lead time, written to the item's suggestion fields with a
 * one-line reason; the suppliers' scorecards written to the supplier master. Propose, never
 * impose: staff's own 発注点 / 最大在庫 are written only when the app opts in.
 *
 * kintone calls: one bulk `updateRecords` per 100 items whose suggestion changed materially
 * (and at most once a day per item), or for a table app one read and one write per record whose
 * rows have such a suggestion; nothing for an item whose suggestion stands. DynamoDB:
 * one claim per app and day, one paginated Query of the app's history, one read per order the
 * history names, and one batch write per 25 suggestions written.
 *
 * @module
 */
import { learningFor, type LearningConfig } from '../config/learning';
import type { AppConfig, BridgeConfig } from '../config/schema';
import type { Calendars } from '../domain/business-calendar';
import { addDays, localDate } from '../domain/dates';
import { firstSentAt } from '../domain/follow-up';
import {
  calendarDaysSpanning,
  changedMaterially,
  demandHistory,
  estimateDemand,
  leadTimeFor,
  learnLeadTimes,
  planningLeadTime,
  suggestReorder,
  supplierScorecards,
  type IsBusinessDay,
  type LeadTimeReceipt,
  type NoSuggestion,
  type ReorderSuggestion,
  type ScorecardOrder,
  type StockObservation,
  type SupplierScorecard,
} from '../domain/learning';
import type { PurchaseOrder } from '../domain/purchase-order';
import {
  MAX_RECORDS_PER_UPDATE,
  type FieldValues,
  type KintoneRecordWriter,
  type RecordUpdate,
} from '../ports/kintone-record-writer';
import type { BridgeLogger } from '../ports/logger';
import type { OrderStore } from '../ports/order-store';
import type { ItemStockObservation, StockHistory, WrittenSuggestion } from '../ports/stock-history';
import type { SupplierScorecardWriter } from '../ports/supplier-scorecards';
import { describeFailure } from './failure-kind';

/** What the learning reads and writes. */
export interface LearnDeps {
  config: BridgeConfig;
  stockHistory: StockHistory;
  /** The orders the history names: lead times and scorecards come from their logs. */
  orders: Pick<OrderStore, 'get'>;
  kintone: Pick<KintoneRecordWriter, 'updateRecords' | 'updateRows'>;
  /** Business days (`calendarFromConfig`). */
  calendars: Calendars;
  logger: BridgeLogger;
  /** The supplier master's scorecard fields; without it, scorecards are only reported. */
  scorecards?: SupplierScorecardWriter;
}

/** One item as the learning sees it. */
export interface LearnedItem {
  appId: string;
  itemId: string;
  sku: string;
  name: string;
  supplierCode: string;
  observations: ItemStockObservation[];
  result: ReorderSuggestion | NoSuggestion;
}

/** What the learning knows of one app. */
export interface LearnedApp {
  app: AppConfig;
  learning: LearningConfig;
  items: LearnedItem[];
  /** The orders the history names, as stored. */
  orders: PurchaseOrder[];
}

/** What one run did with one app. */
export interface AppLearningOutcome {
  appId: string;
  /** False when the app's run for today had been done already. */
  ran: boolean;
  items: number;
  suggestions: number;
  /** Items whose suggestion was written to kintone. */
  written: number;
  /** kintone calls spent. */
  kintoneCalls: number;
}

export interface LearningOutcome {
  apps: AppLearningOutcome[];
  scorecards: number;
  kintoneCalls: number;
}

/** Orders read at once. */
const ORDER_READ_CONCURRENCY = 8;
const DAY_MS = 86_400_000;

/**
 * Calendar days of history read for a window of business days (weekends, and two weeks for
 * holidays): less than the store keeps (`retentionDaysFor`), so the window is always whole.
 */
export function historyDaysFor(windowDays: number): number {
  return calendarDaysSpanning(windowDays) + 14;
}

/**
 * How long a claimed daily run holds its day: longer than the scheduled sender's timeout (2
 * minutes), so a run that died with its function is tried again once this has passed.
 */
export const LEARNING_RUN_HOLD_MS = 15 * 60_000;

/** The wait before a failed run's first retry; it doubles after each failure, to at most 4 h. */
const FIRST_RETRY_MS = 30 * 60_000;
const MAX_RETRY_MS = 4 * 60 * 60_000;

/**
 * How long after its `attempt`-th failure an app's daily run is tried again: 30 minutes, 1 h,
 * 2 h, then every 4 h (a day that keeps failing costs at most a handful of runs).
 */
export function learningRetryDelayMs(attempt: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1), MAX_RETRY_MS);
}

/** Marks the run failed; a failure to do so leaves it held, so it is retried after the hold. */
async function failRunQuietly(
  deps: LearnDeps,
  appId: string,
  day: string,
  retryAt: Date,
): Promise<void> {
  try {
    await deps.stockHistory.failRun(appId, day, retryAt);
  } catch (error) {
    deps.logger.warn('could not mark the learning run failed; it is retried after its hold', {
      appId,
      error: describeFailure(error),
    });
  }
}

/**
 * Learns every app that learns, once per local day each: runs from a schedule every minute or
 * hour, and does its work on the first run of the day.
 *
 * @example
 * await learnReorderPoints(deps, new Date()); // { apps: [{ appId: '12', written: 37, kintoneCalls: 1, … }], … }
 */
export async function learnReorderPoints(
  deps: LearnDeps,
  now: Date,
  options: { force?: boolean } = {},
): Promise<LearningOutcome> {
  const today = localDate(now, deps.config.timeZone);
  const outcomes: AppLearningOutcome[] = [];
  const orders = new Map<string, PurchaseOrder>();
  let kintoneCalls = 0;
  for (const app of deps.config.apps) {
    if (!learningFor(deps.config, app)) continue;
    const claim = options.force
      ? { attempt: 1 }
      : await deps.stockHistory.claimRun(
          app.appId,
          today,
          now,
          new Date(now.getTime() + LEARNING_RUN_HOLD_MS),
        );
    if (!claim) {
      outcomes.push({
        appId: app.appId,
        ran: false,
        items: 0,
        suggestions: 0,
        written: 0,
        kintoneCalls: 0,
      });
      continue;
    }
    try {
      const learned = await learnApp(deps, app, now);
      if (learned) {
        for (const order of learned.orders) orders.set(order.orderNumber, order);
        const outcome = await writeSuggestions(deps, learned, now);
        kintoneCalls += outcome.kintoneCalls;
        outcomes.push(outcome);
      }
      if (!options.force) await deps.stockHistory.finishRun(app.appId, today);
    } catch (error) {
      // One app's failure leaves the others to learn; the app's run is tried again later today
      // (kintone or DynamoDB may be back by then), less often after each failure.
      const retryAt = new Date(now.getTime() + learningRetryDelayMs(claim.attempt));
      deps.logger.error('learning run failed for the app; it is tried again later', {
        appId: app.appId,
        attempt: claim.attempt,
        retryAt: retryAt.toISOString(),
        error: describeFailure(error),
      });
      if (!options.force) await failRunQuietly(deps, app.appId, today, retryAt);
    }
  }
  let scorecards = 0;
  if (deps.scorecards && deps.config.learning?.supplierFields && orders.size > 0) {
    const cards = scorecardsOf(deps, [...orders.values()], now);
    try {
      const written = await deps.scorecards.write(cards);
      scorecards = written.written;
      kintoneCalls += written.kintoneCalls;
    } catch (error) {
      deps.logger.error('supplier scorecards not written', { error: describeFailure(error) });
    }
  }
  deps.logger.info('learning run', { apps: outcomes, scorecards, kintoneCalls });
  return { apps: outcomes, scorecards, kintoneCalls };
}

/**
 * What the learning knows of one app at `now`: each item's observations and suggestion, and
 * the orders its history names. Undefined for an app that does not learn. Reads only.
 */
export async function learnApp(
  deps: Pick<LearnDeps, 'config' | 'stockHistory' | 'orders' | 'calendars'>,
  app: AppConfig,
  now: Date,
): Promise<LearnedApp | undefined> {
  const learning = learningFor(deps.config, app);
  if (!learning) return undefined;
  const { timeZone } = deps.config;
  const from = new Date(now.getTime() - historyDaysFor(learning.windowDays) * DAY_MS);
  const observations = await deps.stockHistory.list(
    app.appId,
    from.toISOString(),
    now.toISOString(),
  );
  const byItem = new Map<string, ItemStockObservation[]>();
  for (const observation of observations) {
    const list = byItem.get(observation.itemId) ?? [];
    list.push(observation);
    byItem.set(observation.itemId, list);
  }
  const numbers = [
    ...new Set(observations.flatMap((o) => (o.ordered ? [o.ordered.orderNumber] : []))),
  ];
  const orders = await readOrders(deps.orders, numbers);
  const learned = learnLeadTimes(leadTimeReceiptsOf(app, orders), {
    isBusinessDayFor: deliveryDaysOf(deps.calendars),
    timeZone,
  });
  const corrections = new Set(learning.correctionLabels);
  // Today is not over: its half day would read as a slow day.
  const through = addDays(localDate(now, timeZone), -1);
  const items = [...byItem].map(([itemId, seen]): LearnedItem => {
    const last = seen[seen.length - 1] as ItemStockObservation;
    const supplierCode = last.supplierCode ?? '';
    const history = demandHistory(stockObservationsOf(seen, corrections), {
      isBusinessDay: deps.calendars.company.isBusinessDay,
      timeZone,
      through,
      windowDays: learning.windowDays,
    });
    const demand = estimateDemand(history.days.map((day) => day.quantity));
    const leadTime = leadTimeFor(learned, supplierCode, last.sku);
    const result = suggestReorder({
      demand,
      leadTime: leadTime
        ? planningLeadTime(leadTime)
        : { days: last.leadTimeDays ?? 0, standardDeviation: 0 },
      serviceLevel: learning.serviceLevel,
      orderCycleDays: learning.orderCycleDays,
    });
    return {
      appId: app.appId,
      itemId,
      sku: last.sku,
      name: last.name ?? last.sku,
      supplierCode,
      observations: seen,
      result,
    };
  });
  return { app, learning, items, orders };
}

/**
 * The item's observations as the domain reads them. A receipt is what the dispatcher recorded;
 * a staff correction is an edit that set 入出庫区分 to a correction label (棚卸): kintone keeps
 * the value, so the edits after it with the same value are ordinary stock changes again.
 */
function stockObservationsOf(
  seen: readonly ItemStockObservation[],
  correctionLabels: ReadonlySet<string>,
): StockObservation[] {
  return seen.map((observation, index): StockObservation => {
    const reason = observation.changeReason;
    const setNow = reason !== undefined && reason !== seen[index - 1]?.changeReason;
    const cause: StockObservation['cause'] =
      observation.cause ??
      (setNow && correctionLabels.has(reason) ? { kind: 'correction' } : undefined);
    return {
      at: observation.at,
      quantity: observation.quantity,
      ...(cause ? { cause } : {}),
    };
  });
}

async function readOrders(
  orders: Pick<OrderStore, 'get'>,
  numbers: readonly string[],
): Promise<PurchaseOrder[]> {
  const found: PurchaseOrder[] = [];
  for (let start = 0; start < numbers.length; start += ORDER_READ_CONCURRENCY) {
    const batch = numbers.slice(start, start + ORDER_READ_CONCURRENCY);
    const read = await Promise.all(batch.map((number) => orders.get(number)));
    for (const order of read) if (order) found.push(order);
  }
  return found;
}

/** When each line was first received: its first partial receipt, or its close as 入荷済. */
function receiptsOfLine(
  app: AppConfig | undefined,
  order: PurchaseOrder,
  lineId: string,
  ordered: number,
): { at: string; quantity: number }[] {
  const receipts: { at: string; quantity: number }[] = [];
  let total = 0;
  for (const event of order.log) {
    if (event.kind === 'line-received' && event.lineId === lineId) {
      receipts.push({ at: event.at, quantity: Math.max(0, event.quantity - total) });
      total = Math.max(total, event.quantity);
    }
    if (
      event.kind === 'line-closed' &&
      event.lineId === lineId &&
      app !== undefined &&
      event.status === app.statuses.closed[0]
    ) {
      receipts.push({ at: event.at, quantity: Math.max(0, ordered - total) });
      total = ordered;
    }
  }
  return receipts;
}

function leadTimeReceiptsOf(app: AppConfig, orders: readonly PurchaseOrder[]): LeadTimeReceipt[] {
  const receipts: LeadTimeReceipt[] = [];
  for (const order of orders) {
    const sent = firstSentAt(order);
    if (!sent) continue;
    for (const line of order.lines) {
      const [first] = receiptsOfLine(app, order, line.lineId, line.quantity);
      if (!first) continue;
      receipts.push({
        supplierCode: order.supplier.code ?? '',
        sku: line.sku,
        sentAt: sent.toISOString(),
        receivedAt: first.at,
      });
    }
  }
  return receipts.sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt));
}

/** The suppliers' scorecards from the orders the histories name. */
export function scorecardsOf(
  deps: Pick<LearnDeps, 'config' | 'calendars'>,
  orders: readonly PurchaseOrder[],
  now: Date,
): SupplierScorecard[] {
  const { timeZone } = deps.config;
  const scored: ScorecardOrder[] = [];
  for (const order of orders) {
    const sent = firstSentAt(order);
    const desired = order.lines
      .map((line) => line.desiredDeliveryDate)
      .filter((date): date is string => date !== undefined)
      .sort()
      .at(-1);
    if (!sent || desired === undefined) continue;
    const app = deps.config.apps.find((candidate) => candidate.appId === order.appId);
    const answer = order.log.find((event) => event.kind === 'supplier-answer');
    scored.push({
      supplierCode: order.supplier.code ?? '',
      sentAt: sent.toISOString(),
      desiredDate: desired,
      ...(answer ? { answeredAt: answer.at } : {}),
      lines: order.lines.map((line) => ({
        ordered: line.quantity,
        receipts: receiptsOfLine(app, order, line.lineId, line.quantity),
      })),
    });
  }
  return supplierScorecards(scored, {
    asOf: localDate(now, timeZone),
    timeZone,
    isBusinessDayFor: deliveryDaysOf(deps.calendars),
  });
}

/** A supplier's delivery days by its code (the default calendar for an order without one). */
function deliveryDaysOf(calendars: Calendars): (supplierCode: string) => IsBusinessDay {
  return (code) => calendars.deliveryFor(code || undefined).isBusinessDay;
}

/** The fields a suggestion writes on the item's record. */
function suggestionValues(
  app: AppConfig,
  learning: LearningConfig,
  suggestion: ReorderSuggestion,
): FieldValues {
  const values: FieldValues = {};
  const { fields } = learning;
  if (fields.reorderPoint) values[fields.reorderPoint] = String(suggestion.reorderPoint);
  if (fields.orderUpTo) values[fields.orderUpTo] = String(suggestion.orderUpTo);
  if (fields.leadTimeDays) values[fields.leadTimeDays] = String(suggestion.leadTimeDays);
  if (fields.reason) values[fields.reason] = suggestion.reason;
  if (learning.overwriteStaffFields) {
    values[app.fields.reorderPoint] = String(suggestion.reorderPoint);
    if (app.fields.maxStock) values[app.fields.maxStock] = String(suggestion.orderUpTo);
  }
  return values;
}

/**
 * Writes the app's changed suggestions and remembers them: in bulk (100 records a call) for an
 * app of records; for a table app, whose items are rows, one row write per record (the writer
 * reads the record for its rows and revision, then writes it once, only when a value changed).
 */
async function writeSuggestions(
  deps: LearnDeps,
  learned: LearnedApp,
  now: Date,
): Promise<AppLearningOutcome> {
  const { app, learning, items } = learned;
  const today = localDate(now, deps.config.timeZone);
  const suggestions = items.filter(
    (item): item is LearnedItem & { result: ReorderSuggestion } =>
      item.result.kind === 'suggestion',
  );
  const outcome: AppLearningOutcome = {
    appId: app.appId,
    ran: true,
    items: items.length,
    suggestions: suggestions.length,
    written: 0,
    kintoneCalls: 0,
  };
  const writesSomething =
    Object.values(learning.fields).some((code) => code !== undefined) ||
    learning.overwriteStaffFields;
  if (!writesSomething || suggestions.length === 0) return outcome;
  const previous = new Map(
    (await deps.stockHistory.lastWritten(app.appId)).map((entry) => [entry.itemId, entry]),
  );
  const due = suggestions.filter((item) => {
    const last = previous.get(item.itemId);
    // At most once a day per item, and only when it changed materially.
    if (last && localDate(new Date(last.writtenAt), deps.config.timeZone) === today) return false;
    return changedMaterially(last, item.result);
  });
  const at = now.toISOString();
  const remembered = (item: LearnedItem & { result: ReorderSuggestion }): WrittenSuggestion => ({
    itemId: item.itemId,
    reorderPoint: item.result.reorderPoint,
    orderUpTo: item.result.orderUpTo,
    leadTimeDays: item.result.leadTimeDays,
    writtenAt: at,
  });
  if (app.subtable) {
    const subtable = app.subtable.field;
    for (const [recordId, rows] of rowsByRecord(due)) {
      const values = Object.fromEntries(
        rows.map(({ rowId, item }) => [rowId, suggestionValues(app, learning, item.result)]),
      );
      const result = await deps.kintone.updateRows(app.appId, recordId, subtable, values);
      // The read of the record, and its write (none when nothing changed).
      outcome.kintoneCalls += result.updatedRows.length > 0 ? 2 : 1;
      const missing = new Set(result.missingRows);
      const written = rows.filter(({ rowId }) => !missing.has(rowId));
      await deps.stockHistory.rememberWritten(
        app.appId,
        written.map(({ item }) => remembered(item)),
      );
      outcome.written += written.length;
    }
    return outcome;
  }
  for (let start = 0; start < due.length; start += MAX_RECORDS_PER_UPDATE) {
    const batch = due.slice(start, start + MAX_RECORDS_PER_UPDATE);
    const updates: RecordUpdate[] = batch.map((item) => ({
      recordId: item.itemId,
      values: suggestionValues(app, learning, item.result),
    }));
    const result = await deps.kintone.updateRecords(app.appId, updates);
    outcome.kintoneCalls += 1;
    const missing = new Set(result.missingRecords);
    const written: WrittenSuggestion[] = batch
      .filter((item) => !missing.has(item.itemId))
      .map(remembered);
    await deps.stockHistory.rememberWritten(app.appId, written);
    outcome.written += written.length;
  }
  return outcome;
}

/** A table app's items (`record:row`) by record, each with its row id. */
function rowsByRecord<T extends { itemId: string }>(
  items: readonly T[],
): Map<string, Array<{ rowId: string; item: T }>> {
  const byRecord = new Map<string, Array<{ rowId: string; item: T }>>();
  for (const item of items) {
    const [recordId = '', rowId] = item.itemId.split(':');
    if (!rowId) continue;
    const rows = byRecord.get(recordId) ?? [];
    rows.push({ rowId, item });
    byRecord.set(recordId, rows);
  }
  return byRecord;
}
