import type { AppConfig, SubtableConfig } from '../config/schema';
import type { OrderChannel } from '../domain/channels';
import type { Decision } from '../domain/decision';
import { evaluateReorder } from '../domain/evaluate-reorder';
import type { MappedItem, OpenOrderRef, RecordedOutcome, SupplierContact } from '../domain/item';
import { recordRevision, type RecordNotification } from '../kintone/notification';
import { mapRecord } from '../kintone/record-mapper';
import { recordRows, rowItemId } from '../kintone/subtable-rows';
import {
  changedFields,
  decisionOutcome,
  missingWriteBackFields,
  missingWriteBackReason,
  orderComment,
  orderOutcome,
  writableFields,
} from '../kintone/write-back';
import type { ItemKey, StoredOrder } from '../ports/bridge-store';
import type { RowValues } from '../ports/kintone-record-writer';
import { buildRowsOrderRequest, type DueRow } from './build-order-request';
import { reportIfAllChannelsFailed } from './needs-attention';
import { allChannelsFailed, channelsOf, describeChannels } from './order-channels';
import { writeOrderFields } from './order-record';
import { sendOrReportSending, since } from './send-or-report';
import { supplierReach } from './order-supplier';
import { placeOrder } from './place-order';
import type { DispatchDeps, DispatchOutcome, RowOutcome } from './process-notification';

/**
 * A record whose items are the rows of a SUBTABLE (config `subtable`): each row is evaluated on
 * its own, the rows due for one supplier become one order with a line per row, and the outcome
 * is written into the rows (one read and one full-table write, other rows kept).
 *
 * Each row is an item of its own (key `record:row`), with its own order cycles. An order is kept
 * at its first row (the lead); every other row of it holds a membership, a copy of the request
 * that tells the row's state which order it is in. The lead carries the steps (sent, written
 * back, commented), so a retry redoes only what is missing, under the same order number.
 */

type TableApp = AppConfig & { subtable: SubtableConfig };

/** One row as this notification sees it. */
interface RowWork {
  rowId: string;
  /** Field codes the row itself has: only these can be written. */
  cells: ReadonlySet<string>;
  key: ItemKey;
  mapped: MappedItem;
  recorded: RecordedOutcome;
  /** The row's cycle (advanced when this notification closed its order). */
  cycle: number;
  /** The row's open order: its lead's order or its membership. */
  openOrder?: StoredOrder;
  decision: Decision;
  /** The lead order this row ends up in (new or resumed). */
  order?: StoredOrder;
  /** Write-back fields the row lacks, when that kept a due row from being ordered. */
  writeBackMissing?: string[];
}

type Base = Pick<
  DispatchOutcome,
  'notificationId' | 'emailed' | 'faxed' | 'wroteFields' | 'commented'
>;

export async function processTableRecord(
  notification: RecordNotification,
  app: TableApp,
  deps: DispatchDeps,
  base: Base,
  now: Date,
): Promise<DispatchOutcome> {
  const { store, logger } = deps;
  const at = now.toISOString();
  const recordId = String(notification.record.$id?.value);
  const recordKey: ItemKey = { appId: app.appId, recordId };
  const revision = recordRevision(notification.record);

  const table = recordRows(notification.record, app.subtable.field);
  if (!table.ok) {
    // The configuration does not fit the app (the doctor reports it): nothing to write into.
    logger.error('the record has no such table: check subtable.field', {
      appId: app.appId,
      recordId,
      problem: table.problem,
    });
    const decision = { kind: 'cannot-evaluate' as const, reason: table.problem };
    await store.completeNotification({
      notificationId: notification.id,
      key: recordKey,
      revision,
      decision,
      at,
    });
    return { ...base, decision, rows: [] };
  }

  // The revision is the record's: replays and stale notifications are judged once per record.
  const { item: recordState } = await store.loadItem(recordKey);
  const rows = await Promise.all(
    table.rows.map(async (row): Promise<RowWork> => {
      const key = { appId: app.appId, recordId: rowItemId(recordId, row.rowId) };
      const mapped = asRow(
        mapRecord(row.record, app, { supplierFromMaster: !!deps.suppliers }),
        key.recordId,
      );
      const { item, currentOrder } = await store.loadItem(key);
      const openOrder = currentOrder?.status === 'open' ? currentOrder : undefined;
      const decision = evaluateReorder({
        mapped,
        state: {
          ...(recordState.lastRevision !== undefined
            ? { lastRevision: recordState.lastRevision }
            : {}),
          ...(openOrder ? { openOrder: rowOrderRef(openOrder, row.rowId) } : {}),
        },
        notification: { id: notification.id, revision },
        policy: { closedStatuses: app.statuses.closed, timeZone: deps.config.timeZone },
        now,
      });
      const recorded = mapped.ok ? mapped.item.recorded : mapped.recorded;
      return {
        rowId: row.rowId,
        cells: row.cells,
        key,
        mapped,
        recorded,
        cycle: item.cycle,
        ...(openOrder ? { openOrder } : {}),
        decision,
      };
    }),
  );

  for (const row of rows) {
    if (row.decision.closedOrderNumber !== undefined && row.openOrder) {
      await store.closeOrder(row.key, row.openOrder.cycle, at, row.recorded.status);
      logger.info('order closed by kintone', {
        orderNumber: row.decision.closedOrderNumber,
        rowId: row.rowId,
        status: row.recorded.status,
      });
      row.cycle = row.openOrder.cycle + 1;
      delete row.openOrder;
    }
  }

  const orders = new Map<string, StoredOrder>();
  await resumeOwnOrders(rows, orders, notification.id, deps);
  await createGroupOrders(rows, orders, app, recordId, notification.id, deps, now);

  const decision = summary(rows);
  const outcome: DispatchOutcome = { ...base, decision, orderNumbers: [] };
  for (const [orderNumber, order] of orders) {
    const sent = await sendOrReportSending(order, deps, (desired) =>
      writeOrderFields(deps.kintone, order, changedFields(app, desired)),
    );
    outcome.emailed ||= sent.emailed;
    outcome.faxed ||= sent.faxed;
    let current = sent.order;
    if (allChannelsFailed(current)) {
      // Nobody has the order: 要対応 into its rows instead of 発注依頼済.
      const attention = await reportIfAllChannelsFailed(current, deps);
      current = attention.order;
      outcome.commented ||= attention.reported;
      current = await markStep(current, 'written-back', deps);
      current = await markStep(current, 'commented', deps);
    }
    orders.set(orderNumber, current);
  }

  outcome.wroteFields = await writeBackRows(rows, orders, app, recordId, deps);
  outcome.commented = (await commentOrders(orders, app, recordId, deps)) || outcome.commented;
  outcome.commented = (await commentBlockedRows(rows, app, recordId, deps)) || outcome.commented;
  outcome.orderNumbers = [...orders.keys()];
  outcome.rows = rows.map((row) => rowOutcome(row));
  if (outcome.orderNumbers.length === 1) outcome.orderNumber = outcome.orderNumbers[0] as string;

  await store.completeNotification({
    notificationId: notification.id,
    key: recordKey,
    revision,
    decision,
    at,
  });
  logger.info('notification processed', { outcome });
  return outcome;
}

/** The mapper reads the row like a record; its item is the row. */
function asRow(mapped: MappedItem, itemRecordId: string): MappedItem {
  return mapped.ok
    ? { ok: true, item: { ...mapped.item, recordId: itemRecordId } }
    : { ...mapped, recordId: itemRecordId };
}

/** The row's share of an open order: only its own line counts towards its position. */
function rowOrderRef(order: StoredOrder, rowId: string): OpenOrderRef {
  const line = order.request.lines.find((candidate) => candidate.rowId === rowId);
  return {
    orderNumber: order.request.orderNumber,
    quantity: line?.quantity ?? 0,
    reflectedInKintone: order.reflectedInKintone,
  };
}

/**
 * An earlier attempt of this notification may have created orders and stopped before finishing
 * them: their rows show the order open. Their leads are resumed, and a row the attempt had not
 * yet given its membership gets it now instead of being ordered a second time.
 */
async function resumeOwnOrders(
  rows: RowWork[],
  orders: Map<string, StoredOrder>,
  notificationId: string,
  deps: DispatchDeps,
): Promise<void> {
  for (const row of rows) {
    const open = row.openOrder;
    if (row.decision.kind !== 'order-open' || open?.createdByNotificationId !== notificationId)
      continue;
    const orderNumber = open.request.orderNumber;
    // findOrderByNumber returns the lead: memberships are not indexed by number.
    const lead =
      orders.get(orderNumber) ??
      (open.memberOf ? await deps.store.findOrderByNumber(orderNumber) : open);
    if (!lead) continue;
    orders.set(orderNumber, lead);
    row.order = lead;
  }
  for (const row of rows) {
    if (row.decision.kind !== 'order' || row.order) continue;
    const lead = [...orders.values()].find((order) =>
      order.rows?.members.some(
        (member) => member.rowId === row.rowId && member.cycle === row.cycle,
      ),
    );
    if (!lead) continue;
    await deps.store.createOrder(membership(lead, row.key, row.cycle));
    row.order = lead;
  }
}

function lineOf(order: StoredOrder, rowId: string) {
  return order.request.lines.find((line) => line.rowId === rowId);
}
function lineReason(order: StoredOrder, rowId: string): string {
  return lineOf(order, rowId)?.reason ?? order.request.reason;
}

/** A row's membership in an order kept at its lead: the same request, no steps of its own. */
function membership(lead: StoredOrder, key: ItemKey, cycle: number): StoredOrder {
  return {
    appId: lead.appId,
    recordId: key.recordId,
    cycle,
    ...(lead.channels ? { channels: lead.channels } : {}),
    status: 'open',
    request: lead.request,
    reflectedInKintone: lead.reflectedInKintone,
    createdAt: lead.createdAt,
    createdByNotificationId: lead.createdByNotificationId,
    steps: {},
    memberOf: { recordId: lead.recordId, cycle: lead.cycle },
  };
}

/**
 * Finds each due row's supplier (the master is read only now, once per code thanks to its
 * cache), groups the rows by supplier and channels, and creates one order per group: the lead
 * first, then the memberships. A row whose supplier cannot be reached gets 要確認 instead.
 */
async function createGroupOrders(
  rows: RowWork[],
  orders: Map<string, StoredOrder>,
  app: TableApp,
  recordId: string,
  notificationId: string,
  deps: DispatchDeps,
  now: Date,
): Promise<void> {
  const groups = new Map<
    string,
    {
      supplier: SupplierContact;
      channels: OrderChannel[];
      rows: Array<{ row: RowWork; due: DueRow }>;
    }
  >();
  for (const row of rows) {
    const { decision, mapped } = row;
    if (decision.kind !== 'order' || row.order || !mapped.ok) continue;
    const missing = missingWriteBackFields(app, (code) => row.cells.has(code));
    if (missing.length > 0) {
      row.decision = {
        kind: 'cannot-evaluate',
        reason: missingWriteBackReason(decision.reason, missing),
      };
      row.writeBackMissing = missing;
      continue;
    }
    const reach = await supplierReach(mapped.item.supplier, app, deps);
    if (!reach.ok) {
      row.decision = {
        kind: 'cannot-evaluate',
        reason: `${decision.reason} → 送信できません: ${reach.reason}`,
      };
      continue;
    }
    const groupKey = JSON.stringify([reach.contact, reach.channels]);
    const group = groups.get(groupKey) ?? {
      supplier: reach.contact,
      channels: reach.channels,
      rows: [],
    };
    group.rows.push({
      row,
      due: { rowId: row.rowId, item: { ...mapped.item, supplier: reach.contact }, decision },
    });
    groups.set(groupKey, group);
  }

  for (const group of groups.values()) {
    const leadRow = group.rows[0]?.row;
    if (!leadRow) continue;
    const lead = await placeOrder(
      {
        key: leadRow.key,
        cycle: leadRow.cycle,
        supplier: group.supplier,
        channels: group.channels,
        request: (orderNumber, supplierPageUrl) =>
          buildRowsOrderRequest(
            group.rows.map(({ due }) => due),
            group.supplier,
            orderNumber,
            deps.config,
            now,
            supplierPageUrl,
          ),
        notificationId,
        rows: {
          recordId,
          subtable: app.subtable.field,
          members: group.rows.map(({ row }) => ({
            rowId: row.rowId,
            itemRecordId: row.key.recordId,
            cycle: row.cycle,
          })),
        },
      },
      app,
      deps,
      now,
    );
    for (const { row } of group.rows) {
      if (row !== leadRow) await deps.store.createOrder(membership(lead, row.key, row.cycle));
      row.order = lead;
    }
    orders.set(lead.request.orderNumber, lead);
  }
}

/**
 * Writes every row's outcome in one table write: 発注依頼済 with the row's own reason for the
 * rows of orders not yet written back, 要確認 (or its clearing) for the others. Rows already
 * showing the desired values are left out, so a notification that changes nothing costs no
 * kintone call at all.
 */
async function writeBackRows(
  rows: RowWork[],
  orders: Map<string, StoredOrder>,
  app: TableApp,
  recordId: string,
  deps: DispatchDeps,
): Promise<string[]> {
  const changes: RowValues = {};
  const writing = new Set<string>();
  for (const row of rows) {
    const order = row.order && orders.get(row.order.request.orderNumber);
    let desired;
    if (order) {
      if (order.steps.writtenBackAt) continue;
      writing.add(order.request.orderNumber);
      desired = {
        ...orderOutcome(app, order.request, since(order)),
        reason: lineReason(order, row.rowId),
      };
    } else {
      desired = decisionOutcome(app, row.decision, row.recorded);
    }
    // A row lacking a write-back field can take the others: naming it would fail the write.
    const rowChanges = writableFields(changedFields(app, desired, row.recorded), (code) =>
      row.cells.has(code),
    );
    if (Object.keys(rowChanges).length > 0) changes[row.rowId] = rowChanges;
  }
  let written: string[] = [];
  if (Object.keys(changes).length > 0) {
    const result = await deps.kintone.updateRows(app.appId, recordId, app.subtable.field, changes);
    if (result.missingRows.length > 0) {
      deps.logger.warn('rows deleted from the table meanwhile: their outcome was not written', {
        recordId,
        rows: result.missingRows,
      });
    }
    written = [
      ...new Set(result.updatedRows.flatMap((rowId) => Object.keys(changes[rowId] ?? {}))),
    ];
  }
  for (const orderNumber of writing) {
    const order = orders.get(orderNumber);
    if (order) orders.set(orderNumber, await markStep(order, 'written-back', deps));
  }
  return written;
}

/** One comment for every order of the notification not yet commented on. */
async function commentOrders(
  orders: Map<string, StoredOrder>,
  app: TableApp,
  recordId: string,
  deps: DispatchDeps,
): Promise<boolean> {
  if (!app.commentOnOrder) return false;
  const pending = [...orders.values()].filter((order) => !order.steps.commentedAt);
  if (pending.length === 0) return false;
  const text = pending
    .map((order) => orderComment(order.request, describeChannels(channelsOf(order))))
    .join('\n\n');
  await deps.kintone.addComment(app.appId, recordId, text);
  for (const order of pending) {
    orders.set(order.request.orderNumber, await markStep(order, 'commented', deps));
  }
  return true;
}

/**
 * Rows that are short but cannot be ordered because the row lacks a write-back field: the row
 * may not even have a status or reason field to show it, so the record's comment says it.
 */
async function commentBlockedRows(
  rows: readonly RowWork[],
  app: TableApp,
  recordId: string,
  deps: DispatchDeps,
): Promise<boolean> {
  const blocked = rows.filter((row) => row.writeBackMissing !== undefined);
  if (blocked.length === 0) return false;
  deps.logger.error('rows due for an order lack write-back fields: nothing was sent', {
    appId: app.appId,
    recordId,
    rows: blocked.map((row) => ({ rowId: row.rowId, missing: row.writeBackMissing })),
  });
  const text = [
    `【要確認】テーブル「${app.subtable.field}」に発注が必要な行がありますが、発注していません:`,
    ...blocked.map(
      (row) => `・${row.mapped.ok ? row.mapped.item.sku : row.rowId}: ${row.decision.reason}`,
    ),
  ].join('\n');
  await deps.kintone.addComment(app.appId, recordId, text);
  return true;
}

async function markStep(
  order: StoredOrder,
  kind: 'written-back' | 'commented',
  deps: DispatchDeps,
): Promise<StoredOrder> {
  const done = kind === 'written-back' ? order.steps.writtenBackAt : order.steps.commentedAt;
  if (done) return order;
  return deps.store.recordOrderStep({ appId: order.appId, recordId: order.recordId }, order.cycle, {
    kind,
    at: deps.now().toISOString(),
  });
}

function rowOutcome(row: RowWork): RowOutcome {
  return {
    rowId: row.rowId,
    sku: row.mapped.ok ? row.mapped.item.sku : '',
    // A row resumed from an earlier attempt of this notification reports its order as ordered.
    decision: row.order
      ? { kind: 'order', reason: lineReason(row.order, row.rowId) }
      : { kind: row.decision.kind, reason: row.decision.reason },
    ...(row.order ? { orderNumber: row.order.request.orderNumber } : {}),
  };
}

/** The notification's decision as one line: the orders, else the rows needing attention. */
function summary(rows: readonly RowWork[]): { kind: Decision['kind']; reason: string } {
  const ordered = rows.filter((row) => row.order);
  if (ordered.length > 0) {
    const numbers = [...new Set(ordered.map((row) => row.order?.request.orderNumber))];
    return { kind: 'order', reason: `${ordered.length}行を発注 (${numbers.join(', ')})` };
  }
  const attention = rows.filter((row) => row.decision.kind === 'cannot-evaluate');
  if (attention.length > 0) {
    return { kind: 'cannot-evaluate', reason: `${attention.length}行が要確認` };
  }
  if (rows.length > 0 && rows.every((row) => row.decision.kind === 'replay')) {
    return { kind: 'replay', reason: rows[0]?.decision.reason ?? '' };
  }
  return { kind: 'no-order', reason: `${rows.length}行を確認、発注なし` };
}
