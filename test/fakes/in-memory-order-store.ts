/**
 * The bridge's state in memory: ONE class, {@link InMemoryBridgeState}, implements all five
 * store ports (OrderStore, ItemStateStore, ProcessedNotifications, Counters, PageNonces),
 * because a line's claim on its item's cycle is shared between the order and the item's state.
 * Give the same instance for each port:
 *
 * @example
 * const state = new InMemoryBridgeState();
 * const deps = { orders: state, items: state, notifications: state, counters: state, nonces: state };
 * await processNotification(deps, notification);
 * expect(state.allOrders()).toHaveLength(1);
 * expect(state.callsOf('create')).toHaveLength(1);
 *
 * Semantics are those of the DynamoDB adapters (`shared/adapters/dynamodb/`), checked by the
 * same contract suites in `test/integration/*.contract.test.ts`: a claim is never made twice,
 * sealed orders refuse lines, a seal is recorded once, a drop releases the claim, a close
 * advances the item's cycle and releases the claim, listDue is oldest due first, reschedule
 * moves an unsettled order's place on it, markSettled takes an order off it. Every operation is atomic here (the adapter reaches the same outcomes
 * with conditional writes). Values are copied in and out, so a test cannot change the state by
 * mutating a result; every call is recorded in {@link InMemoryBridgeState.calls}.
 *
 * @module
 */
import {
  isSealed,
  type OrderEvent,
  type PurchaseOrder,
  type PurchaseOrderLine,
} from '../../shared/domain/purchase-order';
import type { Counters } from '../../shared/ports/counters';
import type { ItemKey, ItemState, ItemStateStore } from '../../shared/ports/item-states';
import {
  CHECK_AT_ONCE,
  UnknownOrderError,
  type AddLinesResult,
  type CreateResult,
  type OrderStore,
} from '../../shared/ports/order-store';
import type { PageNonces } from '../../shared/ports/page-nonces';
import type {
  CompletedNotification,
  ProcessedNotifications,
} from '../../shared/ports/processed-notifications';
import {
  assertAppendable,
  assertListDueLimit,
  assertNewOrder,
  assertNewLines,
  checkSortKey,
  claimProblem,
  dueSortKey,
  dueUntil,
  lineIdReused,
  orderNumberInUse,
  orderNumberOfSortKey,
  rescheduledSortKey,
} from '../../shared/adapters/dynamodb/order-rules';
import {
  DEFAULT_PROCESSED_TTL_DAYS,
  DELETED_RECORD_REASON,
  assertKeyOrderNumber,
  assertKintoneCallCounterKey,
  assertOrderNumberPrefix,
  assertPageNonce,
  formatOrderNumber,
  isPageNonce,
  kintoneCallCounterExpiresAt,
  nonceIsLive,
  orderNumberDay,
  processedExpiresAt,
  rateCounterExpiresAt,
} from '../../shared/adapters/dynamodb/table-rules';

/** One recorded call: the port method's name and its arguments, deep-copied. */
export interface BridgeStateCall {
  method: string;
  args: unknown[];
}

/** A processed-notification marker as the fake keeps it. */
export interface ProcessedMarker {
  done: CompletedNotification;
  /** Epoch seconds, as the DynamoDB adapter writes to its TTL attribute. */
  expiresAt: number;
}

interface StoredState {
  cycle: number;
  lastRevision?: number;
  ownWriteRevision?: number;
  lastDecision?: ItemState['lastDecision'];
  deletedAt?: string;
  /** The current claim: which order holds which cycle. */
  onOrder?: { orderNumber: string; cycle: number };
}

interface StoredOrder {
  order: PurchaseOrder;
  /** On the due list (gsi1pk `DUE` in the adapter) until markSettled. */
  due: boolean;
  /** The place on the due list once rescheduled (gsi1sk); else the order's own `dueAt`. */
  dueKey?: string;
}

export class InMemoryBridgeState
  implements OrderStore, ItemStateStore, ProcessedNotifications, Counters, PageNonces
{
  /** Every call, in order, for tests that count store operations. */
  readonly calls: BridgeStateCall[] = [];

  private readonly states = new Map<string, StoredState>();
  private readonly orders = new Map<string, StoredOrder>();
  private readonly gathering = new Map<string, string>();
  /** The follow-up list: order number to its sort key (`<at>#<orderNumber>`). */
  private readonly checks = new Map<string, string>();
  private readonly sequences = new Map<string, number>();
  private readonly markers = new Map<string, ProcessedMarker>();
  private readonly nonces = new Map<string, { orderNumber: string; expiresAt: number }>();
  private readonly counts = new Map<string, { count: number; expiresAt: number }>();
  private readonly processedTtlDays: number;

  constructor(options: { processedTtlDays?: number } = {}) {
    this.processedTtlDays = options.processedTtlDays ?? DEFAULT_PROCESSED_TTL_DAYS;
  }

  // --- OrderStore ---

  allocateOrderNumber(prefix: string, orderDate: string): Promise<string> {
    return this.call('allocateOrderNumber', [prefix, orderDate], () => {
      assertOrderNumberPrefix(prefix);
      const day = orderNumberDay(orderDate);
      const key = `${prefix}#${day}`;
      const seq = (this.sequences.get(key) ?? 0) + 1;
      this.sequences.set(key, seq);
      return formatOrderNumber(prefix, day, seq);
    });
  }

  create(order: PurchaseOrder): Promise<CreateResult> {
    return this.call('create', [order], (): CreateResult => {
      assertNewOrder(order);
      if (this.orders.has(order.orderNumber)) throw orderNumberInUse(order.orderNumber);
      const sealed = isSealed(order);
      if (!sealed) {
        const current = this.gatheringOrder(order.groupKey);
        if (current) {
          return { created: false, conflict: 'group', orderNumber: current.orderNumber };
        }
      }
      const conflict = this.checkClaims(order.lines);
      if (conflict) return { created: false, conflict: 'claimed', ...conflict };
      this.claimAll(order.orderNumber, order.lines);
      this.orders.set(order.orderNumber, { order: copy(order), due: true });
      if (!sealed) this.gathering.set(order.groupKey, order.orderNumber);
      return { created: true, order: copy(order) };
    });
  }

  findGathering(groupKey: string): Promise<PurchaseOrder | undefined> {
    return this.call('findGathering', [groupKey], () => {
      const order = this.gatheringOrder(groupKey);
      return order && copy(order);
    });
  }

  addLines(orderNumber: string, lines: PurchaseOrderLine[]): Promise<AddLinesResult> {
    return this.call('addLines', [orderNumber, lines], (): AddLinesResult => {
      assertNewLines(lines);
      const stored = this.stored(orderNumber);
      if (isSealed(stored.order)) return { added: false, conflict: 'sealed' };
      for (const line of lines) {
        const existing = stored.order.lines.find((candidate) => candidate.lineId === line.lineId);
        if (existing) {
          const holder = this.claimOf(existing.item.appId, existing.item.itemId);
          if (holder?.orderNumber === orderNumber && holder.cycle === existing.item.cycle) {
            return { added: false, conflict: 'claimed', lineId: line.lineId, orderNumber };
          }
          throw lineIdReused(orderNumber, line.lineId);
        }
      }
      const conflict = this.checkClaims(lines);
      if (conflict) return { added: false, conflict: 'claimed', ...conflict };
      this.claimAll(orderNumber, lines);
      stored.order.lines.push(...copy(lines));
      return { added: true, order: copy(stored.order) };
    });
  }

  get(orderNumber: string): Promise<PurchaseOrder | undefined> {
    return this.call('get', [orderNumber], () => {
      const stored = this.orders.get(orderNumber);
      return stored && copy(stored.order);
    });
  }

  orderOfItem(appId: string, itemId: string, cycle: number): Promise<string | undefined> {
    return this.call('orderOfItem', [appId, itemId, cycle], () => {
      const claim = this.claimOf(appId, itemId);
      return claim?.cycle === cycle ? claim.orderNumber : undefined;
    });
  }

  append(orderNumber: string, event: OrderEvent): Promise<PurchaseOrder> {
    return this.call('append', [orderNumber, event], () => {
      const stored = this.stored(orderNumber);
      const order = stored.order;
      const effect = assertAppendable(order, event);
      if (effect === 'unchanged') return copy(order);
      order.log.push(copy(event));
      if (event.kind === 'sealed' && this.gathering.get(order.groupKey) === orderNumber) {
        this.gathering.delete(order.groupKey);
      }
      if (event.kind === 'line-dropped' || event.kind === 'line-closed') {
        const line = order.lines.find((candidate) => candidate.lineId === event.lineId);
        if (line) this.release(orderNumber, line, event.kind === 'line-closed');
      }
      return copy(order);
    });
  }

  listDue(now: Date, limit: number): Promise<string[]> {
    return this.call('listDue', [now, limit], () => {
      assertListDueLimit(limit);
      const until = dueUntil(now);
      return [...this.orders.values()]
        .filter((stored) => stored.due)
        .map((stored) => stored.dueKey ?? dueSortKey(stored.order))
        .filter((key) => key <= until)
        .sort()
        .slice(0, limit)
        .map(orderNumberOfSortKey);
    });
  }

  reschedule(orderNumber: string, dueAt: Date): Promise<void> {
    return this.call('reschedule', [orderNumber, dueAt], () => {
      assertKeyOrderNumber(orderNumber);
      const key = rescheduledSortKey(orderNumber, dueAt);
      const stored = this.stored(orderNumber);
      if (stored.due) stored.dueKey = key;
    });
  }

  markSettled(orderNumber: string): Promise<void> {
    return this.call('markSettled', [orderNumber], () => {
      this.stored(orderNumber).due = false;
      this.checks.set(orderNumber, checkSortKey(orderNumber, CHECK_AT_ONCE));
    });
  }

  scheduleCheck(orderNumber: string, at: Date): Promise<void> {
    return this.call('scheduleCheck', [orderNumber, at], () => {
      assertKeyOrderNumber(orderNumber);
      this.checks.set(orderNumber, checkSortKey(orderNumber, at));
    });
  }

  clearCheck(orderNumber: string): Promise<void> {
    return this.call('clearCheck', [orderNumber], () => {
      assertKeyOrderNumber(orderNumber);
      this.checks.delete(orderNumber);
    });
  }

  listChecksDue(now: Date, limit: number): Promise<string[]> {
    return this.call('listChecksDue', [now, limit], () => {
      assertListDueLimit(limit);
      const until = dueUntil(now);
      return [...this.checks.values()]
        .filter((key) => key <= until)
        .sort()
        .slice(0, limit)
        .map(orderNumberOfSortKey);
    });
  }

  // --- ItemStateStore ---

  load(keys: readonly ItemKey[]): Promise<ItemState[]> {
    return this.call('load', [keys], () =>
      keys.map((key): ItemState => {
        const state = this.states.get(stateKey(key.appId, key.recordId));
        if (!state) return { key: { ...key }, cycle: 1 };
        const { onOrder, ...rest } = copy(state);
        return {
          key: { ...key },
          ...rest,
          ...(onOrder && onOrder.cycle === state.cycle ? { orderNumber: onOrder.orderNumber } : {}),
        };
      }),
    );
  }

  markDeleted(key: ItemKey, at: string): Promise<void> {
    return this.call('markDeleted', [key, at], () => {
      const state = this.stateOf(key.appId, key.recordId);
      state.deletedAt = at;
      state.lastDecision = { kind: 'deleted', reason: DELETED_RECORD_REASON, at };
    });
  }

  // --- ProcessedNotifications ---

  hasProcessed(notificationId: string): Promise<boolean> {
    return this.call('hasProcessed', [notificationId], () => this.markers.has(notificationId));
  }

  complete(done: CompletedNotification): Promise<void> {
    return this.call('complete', [done], () => {
      const expiresAt = processedExpiresAt(done.at, this.processedTtlDays);
      const settled = [
        { key: done.key, decision: done.decision },
        ...(done.items ?? []).map((item) => ({ key: item.key, decision: item.decision })),
      ];
      for (const { key, decision } of settled) {
        const state = this.stateOf(key.appId, key.recordId);
        if (
          done.revision !== undefined &&
          (state.lastRevision === undefined || state.lastRevision < done.revision)
        ) {
          state.lastRevision = done.revision;
          if (done.ownWriteRevision !== undefined && sameKey(key, done.key)) {
            state.ownWriteRevision = done.ownWriteRevision;
          }
        }
        state.lastDecision = { kind: decision.kind, reason: decision.reason, at: done.at };
      }
      this.markers.set(done.notificationId, { done: copy(done), expiresAt });
    });
  }

  // --- PageNonces ---

  issuePageNonce(orderNumber: string, nonce: string, expiresAt: number): Promise<void> {
    return this.call('issuePageNonce', [orderNumber, nonce, expiresAt], () => {
      assertPageNonce(nonce);
      this.nonces.set(nonce, { orderNumber, expiresAt });
    });
  }

  consumePageNonce(orderNumber: string, nonce: string, now: Date): Promise<boolean> {
    return this.call('consumePageNonce', [orderNumber, nonce, now], () => {
      if (!isPageNonce(nonce)) return false;
      const issued = this.nonces.get(nonce);
      if (!issued || issued.orderNumber !== orderNumber || !nonceIsLive(issued.expiresAt, now)) {
        return false;
      }
      this.nonces.delete(nonce);
      return true;
    });
  }

  // --- Counters ---

  countPageRequest(orderNumber: string, window: string): Promise<number> {
    return this.call('countPageRequest', [orderNumber, window], () => {
      assertKeyOrderNumber(orderNumber);
      return this.count(`RATE#${orderNumber}#${window}`, rateCounterExpiresAt(window));
    });
  }

  countKintoneCall(appId: string, day: string): Promise<number> {
    return this.call('countKintoneCall', [appId, day], () => {
      assertKintoneCallCounterKey(appId, day);
      return this.count(`KCALLS#${appId}#${day}`, kintoneCallCounterExpiresAt(day));
    });
  }

  // --- for tests ---

  /** The calls of one method, in order. */
  callsOf(method: string): BridgeStateCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Every order stored, in the order created. */
  allOrders(): PurchaseOrder[] {
    return [...this.orders.values()].map((stored) => copy(stored.order));
  }

  /** The marker of a completed notification, with its TTL. */
  marker(notificationId: string): ProcessedMarker | undefined {
    const marker = this.markers.get(notificationId);
    return marker && copy(marker);
  }

  /** A counter's value and expiry, as `countPageRequest`/`countKintoneCall` keep it. */
  counter(key: string): { count: number; expiresAt: number } | undefined {
    const counter = this.counts.get(key);
    return counter && { ...counter };
  }

  /** An app's kintone call count on a quota day (0 before the first call). */
  kintoneCallCount(appId: string, day: string): number {
    return this.counts.get(`KCALLS#${appId}#${day}`)?.count ?? 0;
  }

  /** Sets an app's kintone call count, as if that many calls had been made that day. */
  seedKintoneCallCount(appId: string, day: string, count: number): void {
    this.counts.set(`KCALLS#${appId}#${day}`, {
      count,
      expiresAt: kintoneCallCounterExpiresAt(day),
    });
  }

  private gatheringOrder(groupKey: string): PurchaseOrder | undefined {
    const orderNumber = this.gathering.get(groupKey);
    const order = orderNumber === undefined ? undefined : this.orders.get(orderNumber)?.order;
    return order && !isSealed(order) ? order : undefined;
  }

  private stored(orderNumber: string): StoredOrder {
    const stored = this.orders.get(orderNumber);
    if (!stored) throw new UnknownOrderError(orderNumber);
    return stored;
  }

  private claimOf(appId: string, itemId: string): StoredState['onOrder'] {
    return this.states.get(stateKey(appId, itemId))?.onOrder;
  }

  /** The first line whose item cycle is taken, or undefined; throws on a stale cycle. */
  private checkClaims(
    lines: readonly PurchaseOrderLine[],
  ): { lineId: string; orderNumber: string } | undefined {
    for (const line of lines) {
      const state = this.states.get(stateKey(line.item.appId, line.item.itemId));
      const problem = claimProblem(line, state?.cycle ?? 1);
      if (problem) throw problem;
      const claim = state?.onOrder;
      if (claim && claim.cycle === line.item.cycle) {
        return { lineId: line.lineId, orderNumber: claim.orderNumber };
      }
    }
    return undefined;
  }

  private claimAll(orderNumber: string, lines: readonly PurchaseOrderLine[]): void {
    for (const line of lines) {
      this.stateOf(line.item.appId, line.item.itemId).onOrder = {
        orderNumber,
        cycle: line.item.cycle,
      };
    }
  }

  /** Drops the line's claim if this order holds it; a close also moves the item on a cycle. */
  private release(orderNumber: string, line: PurchaseOrderLine, close: boolean): void {
    const state = this.states.get(stateKey(line.item.appId, line.item.itemId));
    const claim = state?.onOrder;
    if (!state || claim?.orderNumber !== orderNumber || claim.cycle !== line.item.cycle) return;
    delete state.onOrder;
    if (close && state.cycle === line.item.cycle) state.cycle += 1;
  }

  private stateOf(appId: string, itemId: string): StoredState {
    const key = stateKey(appId, itemId);
    let state = this.states.get(key);
    if (!state) {
      state = { cycle: 1 };
      this.states.set(key, state);
    }
    return state;
  }

  private count(key: string, expiresAt: number): number {
    const count = (this.counts.get(key)?.count ?? 0) + 1;
    this.counts.set(key, { count, expiresAt });
    return count;
  }

  /** Records the call, then runs it: errors become rejections, as from the real adapters. */
  private async call<T>(method: string, args: unknown[], run: () => T): Promise<T> {
    this.calls.push({ method, args: copy(args) });
    await Promise.resolve();
    return run();
  }
}

function stateKey(appId: string, itemId: string): string {
  return `${appId}#${itemId}`;
}

function copy<T>(value: T): T {
  return structuredClone(value);
}

function sameKey(a: ItemKey, b: ItemKey): boolean {
  return a.appId === b.appId && a.recordId === b.recordId;
}
