import { findApp, UnknownAppError } from '../config/load-config';
import type { AppConfig } from '../config/schema';
import type { DecisionKind } from '../domain/decision';
import { evaluateReorder } from '../domain/evaluate-reorder';
import type { MappedItem, ReorderPolicy } from '../domain/item';
import {
  isSealed,
  isSettled,
  lineStatus,
  type LineStatus,
  type PurchaseOrder,
  type PurchaseOrderLine,
} from '../domain/purchase-order';
import { ownWriteEchoReason } from '../domain/reason';
import { closedByStaffWhy, droppedReason } from '../kintone/line-write-back';
import {
  isRecordNotification,
  recordRevision,
  type KintoneNotification,
  type RecordNotification,
} from '../kintone/notification';
import { mapRecord } from '../kintone/record-mapper';
import { recordRows, rowItemId } from '../kintone/subtable-rows';
import type { ItemKey, ItemState } from '../ports/item-states';
import { completeOrder } from './complete-order';
import { DispatchRun, type DispatchDeps, type ItemWork } from './dispatch-run';
import { DuePlacement } from './place-due-items';
import { RecordWriteBack } from './record-write-back';
import { writeOrderLedger } from './write-order-ledger';
import { partialReceiptOf, partialReceiptReason, recordPartialReceipt } from './receipt';
import {
  inShadowMode,
  receiptQuantity,
  recordsStock,
  recordStock,
  shadowDueItems,
} from './stock-observation';

export type { DispatchDeps } from './dispatch-run';

/** What happened to one item (a record, or a row of a table). */
export interface ItemOutcome {
  /** The item's key: the record id, or `record:row`. */
  itemId: string;
  /** The SUBTABLE row, for an app that keeps items in rows. */
  rowId?: string;
  sku: string;
  decision: { kind: DecisionKind; reason: string };
  /** The order the item's line is on after this notification. */
  orderNumber?: string;
  /** The line's status: `waiting` (待機中) while its order gathers, `dropped` when taken off it. */
  line?: LineStatus;
}

/** What happened to one notification; logged, and returned for tests. */
export interface DispatchOutcome {
  notificationId: string;
  decision: { kind: DecisionKind | 'deleted' | 'ignored' | 'duplicate'; reason: string };
  /** The one order the notification's items are on, when there is exactly one. */
  orderNumber?: string;
  /** Every order the notification's items are on (created, joined, resumed or open). */
  orderNumbers: string[];
  /** Steps performed by this run (not by earlier attempts). */
  emailed: boolean;
  faxed: boolean;
  /** Field codes written to the notification's record (or its rows) by this run. */
  wroteFields: string[];
  commented: boolean;
  /** Orders whose line of this record staff closed (入荷済, キャンセル) with this edit. */
  closedOrderNumber?: string;
  /** What happened to each item of the record: one for a plain record, one per table row. */
  items: ItemOutcome[];
}

type Base = Pick<
  DispatchOutcome,
  'notificationId' | 'emailed' | 'faxed' | 'wroteFields' | 'commented' | 'orderNumbers' | 'items'
>;

/**
 * Processes one queued notification end to end. An ordinary record is a table of one row:
 * every item (the record, or each SUBTABLE row) is decided on its own, the due ones join an
 * order per supplier and ship-to (at once for `immediate`, else the group's gathering order),
 * and the record shows each item's outcome. Orders that are due now are sent in the same run.
 * Running it again for the same notification, after a failure at any point, places nothing a
 * second time: a line claims its item's cycle, and an order's steps are in its log.
 */
export async function processNotification(
  notification: KintoneNotification,
  deps: DispatchDeps,
): Promise<DispatchOutcome> {
  const base: Base = {
    notificationId: notification.id,
    emailed: false,
    faxed: false,
    wroteFields: [],
    commented: false,
    orderNumbers: [],
    items: [],
  };
  if (notification.type === 'ADD_RECORD_COMMENT') {
    return { ...base, decision: { kind: 'ignored', reason: 'コメントは在庫に影響しません' } };
  }
  if (await deps.processed.hasProcessed(notification.id)) {
    return {
      ...base,
      decision: { kind: 'duplicate', reason: `通知 ${notification.id} は処理済み` },
    };
  }
  const app = findApp(deps.config, notification.app.id);
  if (!app) throw new UnknownAppError(notification.app.id);
  const now = deps.now();
  const at = now.toISOString();

  if (!isRecordNotification(notification)) {
    const key = { appId: app.appId, recordId: notification.recordId };
    const decision = { kind: 'deleted' as const, reason: 'kintone でレコードが削除されました' };
    if (!app.subtable) await dropWaitingLine(key, decision.reason, deps, at);
    await deps.items.markDeleted(key, at);
    await deps.processed.complete({ notificationId: notification.id, key, decision, at });
    return { ...base, decision };
  }
  return new Dispatch(notification, app, deps, now).process(base);
}

/**
 * A deleted record's line that still waits for its order is taken off it: nobody is left to
 * receive the goods or read the outcome. (A line already sent stays; its write-back skips the
 * record.)
 */
async function dropWaitingLine(
  key: ItemKey,
  why: string,
  deps: DispatchDeps,
  at: string,
): Promise<void> {
  const [state] = await deps.items.load([key]);
  if (state?.orderNumber === undefined) return;
  const order = await deps.orders.get(state.orderNumber);
  const line = order?.lines.find(
    (candidate) => candidate.item.itemId === key.recordId && candidate.item.cycle === state.cycle,
  );
  if (!order || !line || lineStatus(order, line.lineId) !== 'waiting') return;
  await deps.orders.append(order.orderNumber, {
    kind: 'line-dropped',
    at,
    lineId: line.lineId,
    reason: droppedReason(why),
  });
  deps.logger.info('line dropped from its gathering order', {
    orderNumber: order.orderNumber,
    itemId: key.recordId,
    why,
  });
}

/** One record notification being dispatched. */
class Dispatch {
  private readonly recordKey: ItemKey;
  private readonly revision: number;
  /** What the steps share: the orders read and written, the orders to complete. */
  private readonly run: DispatchRun;
  /** A table record's own state (its revisions), read before its rows'. */
  private recordState: ItemState | undefined;
  /** The record's outcome, written back and commented. */
  private readonly recordWriteBack: RecordWriteBack;

  constructor(
    private readonly notification: RecordNotification,
    private readonly app: AppConfig,
    private readonly deps: DispatchDeps,
    private readonly now: Date,
  ) {
    const recordId = String(notification.record.$id?.value);
    this.recordKey = { appId: app.appId, recordId };
    this.revision = recordRevision(notification.record);
    this.run = new DispatchRun(notification.id, recordId, app, deps, now);
    this.recordWriteBack = new RecordWriteBack(this.run, this.revision);
  }

  async process(base: Base): Promise<DispatchOutcome> {
    if (this.app.subtable) {
      // The record's state first (one key): the echo of the bridge's own table write needs no
      // more, where the rows' states are a batch read of up to 100 keys (and their orders).
      const [recordState] = await this.deps.items.load([this.recordKey]);
      this.recordState = recordState;
      if (recordState && isOwnWriteEcho(recordState, this.revision)) {
        return this.settleOwnWriteEcho(base);
      }
    }
    const read = this.readItems();
    if (!read.ok) {
      // The configuration does not fit the app (the doctor reports it): nothing to write into.
      this.deps.logger.error('the record has no such table: check subtable.field', {
        appId: this.app.appId,
        recordId: this.run.recordId,
        problem: read.problem,
      });
      const decision = { kind: 'cannot-evaluate' as const, reason: read.problem };
      await this.complete(decision, []);
      return { ...base, decision };
    }
    const items = await this.loadItems(read.items);
    await this.closeAndDrop(items);
    await this.keepStaffDrops(items);
    if (inShadowMode(this.deps.config, this.app)) shadowDueItems(items);
    await new DuePlacement(this.run).place(items);
    await this.resumeOwnOrders(items);
    // Only an app that learns pays for finding the lines this notification placed.
    if (recordsStock(this.deps, this.app)) {
      await recordStock(
        this.deps,
        this.app,
        this.notification.id,
        this.run.at,
        items.map((item) => {
          const current = this.run.lineOf(item);
          const own = current?.line.addedBy === this.notification.id;
          return current && own
            ? {
                ...item,
                ordered: {
                  orderNumber: current.order.orderNumber,
                  quantity: current.line.quantity,
                },
              }
            : item;
        }),
      );
    }

    const outcome: DispatchOutcome = { ...base, decision: this.summary(items) };
    // Orders due now (immediate ones) are sent here; their outcome goes into the record's one
    // write and one comment below, with its other items'.
    // An order whose fax went to the fax function is finished there (records, comments, ledger).
    const handedOff = new Set<string>();
    const completeOne = async (orderNumber: string, through?: 'send') => {
      const order = this.run.orders.get(orderNumber);
      if (!order || handedOff.has(orderNumber)) return;
      const done = await completeOrder(order, this.deps, through ? { through } : {});
      if (done.faxRequested) handedOff.add(orderNumber);
      this.run.orders.set(orderNumber, done.order);
      outcome.emailed ||= done.emailed;
      outcome.faxed ||= done.faxed;
      outcome.commented ||= done.commented;
      outcome.wroteFields = [...new Set([...outcome.wroteFields, ...done.wroteFields])];
    };
    // Sent one order after another, in the groups' order.
    const sendAll = async () => {
      for (const orderNumber of this.run.toComplete) await completeOne(orderNumber, 'send');
    };
    // What is left once sent, written back and commented (settling, the order app's record)
    // is each order's own: the orders go at once. Every one has finished before a failure is
    // passed on.
    const settleAll = async () => {
      const settling = await Promise.allSettled(
        [...this.run.toComplete].map((orderNumber) => completeOne(orderNumber)),
      );
      for (const result of settling) if (result.status === 'rejected') throw result.reason;
    };
    await sendAll();
    const writing = this.recordWriteBack.ordersToWrite();
    const wrote = await this.recordWriteBack.writeBack(items, writing);
    outcome.wroteFields = [...new Set([...outcome.wroteFields, ...wrote])];
    await this.recordWriteBack.logSteps(writing, 'written-back');
    const commenting = this.recordWriteBack.ordersToComment();
    outcome.commented =
      (await this.recordWriteBack.comment(items, commenting)) || outcome.commented;
    await this.recordWriteBack.logSteps(commenting, 'commented');
    // Settles them (and does whatever is left, should anything be).
    await settleAll();

    outcome.items = items.map((item) => this.itemOutcome(item));
    outcome.orderNumbers = [
      ...new Set(outcome.items.flatMap((item) => (item.orderNumber ? [item.orderNumber] : []))),
    ];
    if (outcome.orderNumbers.length === 1) outcome.orderNumber = outcome.orderNumbers[0] as string;
    const closed = items.find((item) => item.closedOrderNumber !== undefined)?.closedOrderNumber;
    if (closed !== undefined) outcome.closedOrderNumber = closed;

    await this.complete(outcome.decision as { kind: DecisionKind; reason: string }, items);
    this.deps.logger.info('notification processed', { outcome });
    return outcome;
  }

  /**
   * The webhook of the bridge's own table write (see `ItemState.ownWriteRevision`): the record
   * at the revision this bridge processed, plus the outcome it wrote on top of it. Nothing staff
   * did is in it, so no row can decide differently: the revision is settled as it is, the rows'
   * states are not read and none is written. Any other revision (a staff save, always a new
   * one) takes the full path.
   */
  private async settleOwnWriteEcho(base: Base): Promise<DispatchOutcome> {
    const decision = { kind: 'no-order' as const, reason: ownWriteEchoReason(this.revision) };
    this.deps.logger.info("echo of the bridge's own table write: nothing changed by staff", {
      appId: this.app.appId,
      recordId: this.run.recordId,
      revision: this.revision,
    });
    await this.deps.processed.complete({
      notificationId: this.notification.id,
      key: this.recordKey,
      revision: this.revision,
      decision,
      at: this.run.at,
      items: [],
    });
    const outcome: DispatchOutcome = { ...base, decision };
    this.deps.logger.info('notification processed', { outcome });
    return outcome;
  }

  /** The record's items: the record itself, or one per row of the app's table. */
  private readItems():
    | {
        ok: true;
        items: Array<{
          key: ItemKey;
          rowId?: string;
          cells?: ReadonlySet<string>;
          mapped: MappedItem;
        }>;
      }
    | { ok: false; problem: string } {
    const options = {
      supplierFromMaster: this.deps.suppliers !== undefined,
      deliveryAddresses: this.deps.config.deliveryAddresses,
      reducedLabels: this.deps.config.tax.reducedLabels,
    };
    const record = this.notification.record;
    if (!this.app.subtable) {
      return {
        ok: true,
        items: [{ key: this.recordKey, mapped: mapRecord(record, this.app, options) }],
      };
    }
    const table = recordRows(record, this.app.subtable.field);
    if (!table.ok) return table;
    return {
      ok: true,
      items: table.rows.map((row) => {
        const itemId = rowItemId(this.run.recordId, row.rowId);
        const mapped = mapRecord(row.record, this.app, options);
        return {
          key: { appId: this.app.appId, recordId: itemId },
          rowId: row.rowId,
          cells: row.cells,
          // The mapper reads the row like a record; its item is the row.
          mapped: mapped.ok
            ? { ok: true, item: { ...mapped.item, recordId: itemId } }
            : { ...mapped, recordId: itemId },
        };
      }),
    };
  }

  /**
   * The items' states in one load, the open orders they are on (each read once), and each
   * item's decision. The revision is the record's: a table's rows are judged once per record.
   */
  private async loadItems(
    read: Array<{ key: ItemKey; rowId?: string; cells?: ReadonlySet<string>; mapped: MappedItem }>,
  ): Promise<ItemWork[]> {
    // A table record's own state was read first (see process): only the rows' are left.
    const loaded = await this.deps.items.load(read.map((item) => item.key));
    const states = new Map(loaded.map((state) => [state.key.recordId, state]));
    if (this.recordState) states.set(this.recordKey.recordId, this.recordState);
    const stateOf = (key: ItemKey): ItemState => states.get(key.recordId) ?? { key, cycle: 1 };
    const recordState = stateOf(this.recordKey);
    const numbers = [
      ...new Set(
        read.flatMap((item) => {
          const number = stateOf(item.key).orderNumber;
          return number !== undefined ? [number] : [];
        }),
      ),
    ];
    await Promise.all(numbers.map((number) => this.run.refresh(number)));

    return read.map((item) => {
      const state = stateOf(item.key);
      const open = this.openLineOf(item.key.recordId, state);
      const order = open && this.run.orders.get(open.orderNumber);
      const line = open && order?.lines.find((candidate) => candidate.lineId === open.lineId);
      const lastRevision = recordState.lastRevision ?? state.lastRevision;
      const decision = evaluateReorder({
        mapped: item.mapped,
        state: {
          ...(lastRevision !== undefined ? { lastRevision } : {}),
          ...(order && line
            ? {
                openOrder: {
                  orderNumber: order.orderNumber,
                  quantity: line.quantity,
                  reflectedInKintone: order.reflectedInKintone,
                },
              }
            : {}),
        },
        notification: { id: this.notification.id, revision: this.revision },
        policy: this.policyFor(item.mapped),
        now: this.now,
      });
      this.deps.logger.info('decided', {
        decision: { kind: decision.kind, reason: decision.reason },
        appId: item.key.appId,
        recordId: item.key.recordId,
        revision: this.revision,
      });
      return {
        key: item.key,
        ...(item.rowId !== undefined ? { rowId: item.rowId } : {}),
        ...(item.cells !== undefined ? { cells: item.cells } : {}),
        mapped: item.mapped,
        recorded: item.mapped.ok ? item.mapped.item.recorded : item.mapped.recorded,
        state,
        cycle: state.cycle,
        ...(open ? { open } : {}),
        decision,
      };
    });
  }

  /** The item's active line of its current cycle, on an order this run has read. */
  private openLineOf(
    itemId: string,
    state: ItemState,
  ): { orderNumber: string; lineId: string } | undefined {
    const order =
      state.orderNumber !== undefined ? this.run.orders.get(state.orderNumber) : undefined;
    if (!order) return undefined;
    const line = [...order.lines]
      .reverse()
      .find(
        (candidate) => candidate.item.itemId === itemId && candidate.item.cycle === state.cycle,
      );
    if (!line) return undefined;
    const status = lineStatus(order, line.lineId);
    if (status === 'dropped' || status === 'closed') return undefined;
    return { orderNumber: order.orderNumber, lineId: line.lineId };
  }

  /**
   * Staff closing a sent line (closed status with its order number) closes the item's cycle: its
   * next shortage is a new line. A line still waiting for its order is dropped instead, when staff
   * closed it or the item recovered: the order goes out without it.
   */
  private async closeAndDrop(items: ItemWork[]): Promise<void> {
    for (const item of items) {
      const current = this.run.lineOf(item);
      if (!current) continue;
      const waiting = lineStatus(current.order, current.line.lineId) === 'waiting';
      if (item.decision.closedOrderNumber !== undefined) {
        if (waiting) {
          const why = closedByStaffWhy(item.recorded.status);
          await this.drop(item, current, why, true);
          item.decision = { kind: 'no-order', reason: droppedReason(why) };
          continue;
        }
        // 入荷済 with 入荷数 below the quantity: the line stays open for the rest (see receipt.ts).
        const received = partialReceiptOf(this.app, item.recorded, current.line);
        if (received !== undefined) {
          const order = await recordPartialReceipt(
            this.deps.orders,
            current.order,
            current.line,
            received,
            this.run.at,
          );
          // The order app's record shows 一部入荷 (one PUT; never fails the notification).
          this.run.orders.set(order.orderNumber, await writeOrderLedger(order, this.deps));
          item.partialReceipt = received;
          item.receipt = receiptQuantity(current.order, current.line, received);
          item.decision = {
            kind: 'order-open',
            orderNumber: order.orderNumber,
            reason: partialReceiptReason(order, current.line, received),
          };
          continue;
        }
        const updated = await this.deps.orders.append(current.order.orderNumber, {
          kind: 'line-closed',
          at: this.run.at,
          lineId: current.line.lineId,
          status: item.recorded.status,
        });
        this.run.orders.set(updated.orderNumber, updated);
        // The order app's record shows the close (one PUT; never fails the notification).
        this.run.orders.set(updated.orderNumber, await writeOrderLedger(updated, this.deps));
        this.deps.logger.info('order closed by kintone', {
          orderNumber: updated.orderNumber,
          itemId: item.key.recordId,
          status: item.recorded.status,
        });
        item.closedOrderNumber = updated.orderNumber;
        if (item.recorded.status === this.app.statuses.closed[0]) {
          item.receipt = receiptQuantity(current.order, current.line);
        }
        item.cycle = current.line.item.cycle + 1;
        delete item.open;
        continue;
      }
      if (!waiting || item.decision.kind !== 'order-open') continue;
      // Evaluated as if it were not on order: does the item still need one?
      const fresh = evaluateReorder({
        mapped: item.mapped,
        state: {},
        notification: { id: this.notification.id, revision: this.revision },
        policy: this.policyFor(item.mapped),
        now: this.now,
      });
      if (fresh.kind !== 'no-order' && fresh.kind !== 'snoozed') continue;
      await this.drop(item, current, fresh.reason, false);
      item.decision = { kind: fresh.kind, reason: droppedReason(fresh.reason) };
    }
  }

  /**
   * A line staff took off its gathering order (a closing status next to its number) stays off:
   * while the record still shows that status and number, the item is not ordered again (the
   * webhook of the bridge's own notice would otherwise put it straight back). Staff order it
   * again by changing the status. Costs a read only for a short record showing a closing status.
   */
  private async keepStaffDrops(items: ItemWork[]): Promise<void> {
    const shown = items.filter((item) => {
      const { status, orderNumber } = item.recorded;
      if (item.decision.kind !== 'order' || item.open || item.dropped || !orderNumber) return false;
      return this.app.statuses.closed.includes(status);
    });
    // The orders the rows name, each read once and all at once (a received table names its
    // suppliers' last orders on every row due again).
    const unread = new Set(shown.map((item) => item.recorded.orderNumber));
    for (const known of this.run.orders.keys()) unread.delete(known);
    await Promise.all([...unread].map((orderNumber) => this.run.refresh(orderNumber)));
    for (const item of shown) {
      const { status, orderNumber } = item.recorded;
      const order = this.run.orders.get(orderNumber);
      const line = order?.lines.find(
        (candidate) =>
          candidate.item.itemId === item.key.recordId && candidate.item.cycle === item.cycle,
      );
      if (!order || !line || lineStatus(order, line.lineId) !== 'dropped') continue;
      item.decision = { kind: 'no-order', reason: droppedReason(closedByStaffWhy(status)) };
    }
  }

  private async drop(
    item: ItemWork,
    current: { order: PurchaseOrder; line: PurchaseOrderLine },
    why: string,
    byStaff: boolean,
  ): Promise<void> {
    const updated = await this.deps.orders.append(current.order.orderNumber, {
      kind: 'line-dropped',
      at: this.run.at,
      lineId: current.line.lineId,
      reason: droppedReason(why),
    });
    this.run.orders.set(updated.orderNumber, updated);
    this.deps.logger.info('line dropped from its gathering order', {
      orderNumber: updated.orderNumber,
      itemId: item.key.recordId,
      why,
    });
    item.dropped = { orderNumber: updated.orderNumber, why, byStaff };
    delete item.open;
  }

  /** How an item is evaluated: the app's closing statuses, and its supplier's business days. */
  private policyFor(mapped: MappedItem): ReorderPolicy {
    const calendars = this.deps.calendars;
    return {
      closedStatuses: this.app.statuses.closed,
      timeZone: this.deps.config.timeZone,
      ...(calendars && mapped.ok
        ? { deliveryCalendar: calendars.deliveryFor(mapped.item.supplier.code) }
        : {}),
    };
  }

  /**
   * An earlier attempt of this notification may have put the items on a sealed order and
   * stopped before finishing it: that order is completed now, under the same number.
   */
  private async resumeOwnOrders(items: ItemWork[]): Promise<void> {
    const commentOnOrder = this.app.commentOnOrder;
    for (const item of items) {
      const current = this.run.lineOf(item);
      if (!current || this.run.toComplete.has(current.order.orderNumber)) continue;
      if (current.line.addedBy !== this.notification.id || !isSealed(current.order)) continue;
      if (isSettled(current.order, { now: this.now, commentOnOrder })) continue;
      this.run.toComplete.add(current.order.orderNumber);
    }
  }

  private itemOutcome(item: ItemWork): ItemOutcome {
    const current = this.run.lineOf(item);
    const base = {
      itemId: item.key.recordId,
      ...(item.rowId !== undefined ? { rowId: item.rowId } : {}),
      sku: item.mapped.ok ? item.mapped.item.sku : '',
    };
    if (item.dropped) {
      return {
        ...base,
        decision: { kind: item.decision.kind, reason: item.decision.reason },
        line: 'dropped',
      };
    }
    if (!current) {
      return { ...base, decision: { kind: item.decision.kind, reason: item.decision.reason } };
    }
    const status = lineStatus(current.order, current.line.lineId);
    // A line this notification added (now or in an earlier attempt) reports its order as ordered.
    const own = current.line.addedBy === this.notification.id;
    return {
      ...base,
      decision: own
        ? { kind: 'order', reason: current.line.reason }
        : { kind: item.decision.kind, reason: item.decision.reason },
      orderNumber: current.order.orderNumber,
      line: status,
    };
  }

  /** The notification's decision as one line: the item's, or for a table the rows' summary. */
  private summary(items: readonly ItemWork[]): { kind: DecisionKind; reason: string } {
    const outcomes = items.map((item) => this.itemOutcome(item));
    if (!this.app.subtable) {
      const [only] = outcomes;
      return only?.decision ?? { kind: 'no-order', reason: '' };
    }
    const ordered = outcomes.filter((item) => item.decision.kind === 'order' && item.orderNumber);
    if (ordered.length > 0) {
      const numbers = [...new Set(ordered.map((item) => item.orderNumber))];
      return { kind: 'order', reason: `${ordered.length}行を発注 (${numbers.join(', ')})` };
    }
    const attention = outcomes.filter((item) => item.decision.kind === 'cannot-evaluate');
    if (attention.length > 0) {
      return { kind: 'cannot-evaluate', reason: `${attention.length}行が要確認` };
    }
    if (outcomes.length > 0 && outcomes.every((item) => item.decision.kind === 'replay')) {
      return { kind: 'replay', reason: outcomes[0]?.decision.reason ?? '' };
    }
    return { kind: 'no-order', reason: `${outcomes.length}行を確認、発注なし` };
  }

  private async complete(
    decision: { kind: DecisionKind; reason: string },
    items: readonly ItemWork[],
  ): Promise<void> {
    await this.deps.processed.complete({
      notificationId: this.notification.id,
      key: this.recordKey,
      revision: this.revision,
      decision,
      at: this.run.at,
      ...(this.recordWriteBack.ownWriteRevision !== undefined
        ? { ownWriteRevision: this.recordWriteBack.ownWriteRevision }
        : {}),
      ...(this.app.subtable
        ? {
            // Only the rows whose decision changed: a row's stored decision that already reads
            // the same needs no write, and its revision is the record's (raised above). In a
            // 100-row table most rows say the same save after save; each is one DynamoDB write.
            items: items.flatMap((item) => {
              const { decision } = this.itemOutcome(item);
              return this.stillRecorded(item, decision) ? [] : [{ key: item.key, decision }];
            }),
          }
        : {}),
    });
  }

  /**
   * True when the item's state needs no write for `decision`. An item on an order line (placed
   * now, `order`, or earlier, `order-open`) is remembered by that line: its claim on the item's
   * STATE names the order, and the line holds the reason, quantity and when and by which
   * notification it was added. Its `lastDecision` is left as it was until the item leaves the
   * line (closed, dropped, or a decision of another kind), which is then written. That saves one
   * DynamoDB write per ordered row in the save, and again in the webhook of the bridge's own
   * write-back (the echo), which finds every ordered row 発注依頼済 and decides `order-open`:
   * 100 of a 100-row save's writes with 50 rows due. Otherwise a stored decision that reads the
   * same needs no write either.
   */
  private stillRecorded(item: ItemWork, decision: { kind: DecisionKind; reason: string }): boolean {
    if ((decision.kind === 'order' || decision.kind === 'order-open') && this.run.lineOf(item)) {
      return true;
    }
    const last = item.state.lastDecision;
    return (
      item.state.lastRevision !== undefined &&
      last?.kind === decision.kind &&
      last.reason === decision.reason
    );
  }
}

/**
 * True when `revision` is that of the bridge's own table write of the record (kintone gives each
 * save its own revision) and that revision is not processed yet.
 */
function isOwnWriteEcho(recordState: ItemState, revision: number): boolean {
  const { ownWriteRevision, lastRevision } = recordState;
  return (
    ownWriteRevision !== undefined &&
    ownWriteRevision === revision &&
    (lastRevision === undefined || lastRevision < revision)
  );
}
