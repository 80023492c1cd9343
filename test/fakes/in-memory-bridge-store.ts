import {
  DEFAULT_PROCESSED_TTL_DAYS,
  DELETED_RECORD_REASON,
  OrderNotFoundError,
  answerHistoryWith,
  assertKeyOrderNumber,
  assertKintoneCallCounterKey,
  assertOrderCycle,
  assertOrderNumberPrefix,
  assertPageNonce,
  assertProcessedTtlDays,
  channelsWith,
  formatOrderNumber,
  isPageNonce,
  kintoneCallCounterExpiresAt,
  nonceIsLive,
  orderNumberDay,
  orderStepFields,
  processedExpiresAt,
  rateCounterExpiresAt,
} from '../../shared/adapters/dynamodb/bridge-store-rules';
import type {
  BridgeStore,
  CompletedNotification,
  ItemKey,
  ItemRecord,
  LoadedItem,
  OrderStep,
  OrderSteps,
  StoredOrder,
} from '../../shared/ports/bridge-store';

/** One recorded call of an {@link InMemoryBridgeStore} method, arguments deep-copied. */
export interface BridgeStoreCall {
  method: string;
  args: unknown[];
}

/** A processed-notification marker as the fake keeps it. */
export interface ProcessedMarker {
  done: CompletedNotification;
  /** Epoch seconds, as the DynamoDB adapter writes to its TTL attribute. */
  expiresAt: number;
}

/**
 * {@link BridgeStore} in memory with the same semantics as the DynamoDB adapter (same rules
 * module, same error types), for tests of the code that uses the store. Values are copied on
 * the way in and out, so a test cannot change the store's state by mutating a result.
 *
 * @example
 * const store = new InMemoryBridgeStore();
 * await handler({ store })(event);
 * expect(store.orders()).toHaveLength(1);
 */
export class InMemoryBridgeStore implements BridgeStore {
  /** Every call, in order, for tests that need to see what was asked of the store. */
  readonly calls: BridgeStoreCall[] = [];

  private readonly items = new Map<string, ItemRecord>();
  private readonly storedOrders = new Map<string, StoredOrder>();
  private readonly processed = new Map<string, ProcessedMarker>();
  private readonly counters = new Map<string, number>();
  private readonly nonces = new Map<string, { orderNumber: string; expiresAt: number }>();
  private readonly pageRequests = new Map<string, { count: number; expiresAt: number }>();
  private readonly kintoneCalls = new Map<string, { count: number; expiresAt: number }>();
  private readonly processedTtlDays: number;

  constructor(options: { processedTtlDays?: number } = {}) {
    this.processedTtlDays = options.processedTtlDays ?? DEFAULT_PROCESSED_TTL_DAYS;
    assertProcessedTtlDays(this.processedTtlDays);
  }

  async hasProcessed(notificationId: string): Promise<boolean> {
    this.record('hasProcessed', notificationId);
    return this.processed.has(notificationId);
  }

  async loadItem(key: ItemKey): Promise<LoadedItem> {
    this.record('loadItem', key);
    const item = this.stateOf(key);
    const currentOrder = this.storedOrders.get(orderKey(key, item.cycle));
    return currentOrder ? { item, currentOrder: structuredClone(currentOrder) } : { item };
  }

  async allocateOrderNumber(prefix: string, orderDate: string): Promise<string> {
    this.record('allocateOrderNumber', prefix, orderDate);
    assertOrderNumberPrefix(prefix);
    const day = orderNumberDay(orderDate);
    const counter = `${prefix}#${day}`;
    const sequence = (this.counters.get(counter) ?? 0) + 1;
    this.counters.set(counter, sequence);
    return formatOrderNumber(prefix, day, sequence);
  }

  async createOrder(order: StoredOrder): Promise<{ order: StoredOrder; created: boolean }> {
    this.record('createOrder', order);
    assertOrderCycle(order.cycle);
    const key = orderKey(order, order.cycle);
    const existing = this.storedOrders.get(key);
    if (existing) return { order: structuredClone(existing), created: false };
    this.storedOrders.set(key, structuredClone({ ...order, steps: { ...order.steps } }));
    return { order: structuredClone(order), created: true };
  }

  async findOrderByNumber(orderNumber: string): Promise<StoredOrder | undefined> {
    this.record('findOrderByNumber', orderNumber);
    // Like the adapter's index: a row's membership is never found by number, only its lead.
    const order = [...this.storedOrders.values()].find(
      (stored) => stored.request.orderNumber === orderNumber && stored.memberOf === undefined,
    );
    return order && structuredClone(order);
  }

  async recordOrderStep(key: ItemKey, cycle: number, step: OrderStep): Promise<StoredOrder> {
    this.record('recordOrderStep', key, cycle, step);
    assertOrderCycle(cycle);
    const order = this.storedOrders.get(orderKey(key, cycle));
    if (!order) throw new OrderNotFoundError(key.appId, key.recordId, cycle);
    if (step.kind === 'channel-added') {
      order.channels = channelsWith(order.channels, step.channel) ?? order.channels;
    } else {
      const steps: OrderSteps = { ...order.steps, ...orderStepFields(step) };
      if (step.kind === 'supplier-answer') {
        steps.supplierAnswerHistory = answerHistoryWith(order.steps.supplierAnswerHistory, {
          at: step.at,
          answer: step.answer,
        });
      }
      // Like the adapter's REMOVE: a field given as undefined is gone, not stored as undefined.
      for (const field of Object.keys(steps) as (keyof OrderSteps)[]) {
        if (steps[field] === undefined) delete steps[field];
      }
      order.steps = steps;
    }
    return structuredClone(order);
  }

  async closeOrder(
    key: ItemKey,
    cycle: number,
    closedAt: string,
    closedStatus: string,
  ): Promise<void> {
    this.record('closeOrder', key, cycle, closedAt, closedStatus);
    assertOrderCycle(cycle);
    const order = this.storedOrders.get(orderKey(key, cycle));
    if (order?.status === 'open') {
      Object.assign(order, { status: 'closed', closedAt, closedStatus });
    }
    const state = this.stateOf(key);
    if (state.cycle === cycle) this.items.set(itemKey(key), { ...state, cycle: cycle + 1 });
  }

  async completeNotification(done: CompletedNotification): Promise<void> {
    this.record('completeNotification', done);
    const expiresAt = processedExpiresAt(done.at, this.processedTtlDays);
    const state = this.stateOf(done.key);
    const raised =
      done.revision !== undefined &&
      (state.lastRevision === undefined || state.lastRevision < done.revision);
    this.items.set(itemKey(done.key), {
      ...state,
      ...(raised ? { lastRevision: done.revision } : {}),
      lastDecision: { kind: done.decision.kind, reason: done.decision.reason, at: done.at },
    });
    this.processed.set(done.notificationId, { done: structuredClone(done), expiresAt });
  }

  async markDeleted(key: ItemKey, at: string): Promise<void> {
    this.record('markDeleted', key, at);
    this.items.set(itemKey(key), {
      ...this.stateOf(key),
      deletedAt: at,
      lastDecision: { kind: 'deleted', reason: DELETED_RECORD_REASON, at },
    });
  }

  async issuePageNonce(orderNumber: string, nonce: string, expiresAt: number): Promise<void> {
    this.record('issuePageNonce', orderNumber, nonce, expiresAt);
    assertPageNonce(nonce);
    this.nonces.set(nonce, { orderNumber, expiresAt });
  }

  async consumePageNonce(orderNumber: string, nonce: string, now: Date): Promise<boolean> {
    this.record('consumePageNonce', orderNumber, nonce, now);
    if (!isPageNonce(nonce)) return false;
    const issued = this.nonces.get(nonce);
    if (!issued || issued.orderNumber !== orderNumber || !nonceIsLive(issued.expiresAt, now)) {
      return false;
    }
    this.nonces.delete(nonce);
    return true;
  }

  async countPageRequest(orderNumber: string, window: string): Promise<number> {
    this.record('countPageRequest', orderNumber, window);
    assertKeyOrderNumber(orderNumber);
    const expiresAt = rateCounterExpiresAt(window);
    const key = `${orderNumber}#${window}`;
    const count = (this.pageRequests.get(key)?.count ?? 0) + 1;
    this.pageRequests.set(key, { count, expiresAt });
    return count;
  }

  async countKintoneCall(appId: string, day: string): Promise<number> {
    this.record('countKintoneCall', appId, day);
    assertKintoneCallCounterKey(appId, day);
    const key = `${appId}#${day}`;
    const count = (this.kintoneCalls.get(key)?.count ?? 0) + 1;
    this.kintoneCalls.set(key, { count, expiresAt: kintoneCallCounterExpiresAt(day) });
    return count;
  }

  /**
   * Sets an app's kintone call count for a quota day, as if that many calls had been counted
   * (tests of the daily budget start near its thresholds this way).
   */
  seedKintoneCallCount(appId: string, day: string, count: number): void {
    assertKintoneCallCounterKey(appId, day);
    this.kintoneCalls.set(`${appId}#${day}`, {
      count,
      expiresAt: kintoneCallCounterExpiresAt(day),
    });
  }

  /** An app's kintone call count for a quota day (0 when nothing was counted). */
  kintoneCallCount(appId: string, day: string): number {
    return this.kintoneCalls.get(`${appId}#${day}`)?.count ?? 0;
  }

  /** Nonces issued and not yet used (or expired), with their order and expiry. */
  pageNonces(): { nonce: string; orderNumber: string; expiresAt: number }[] {
    return [...this.nonces.entries()].map(([nonce, issued]) => ({ nonce, ...issued }));
  }

  /** Every stored order (copies), sorted by app, record and cycle. */
  orders(): StoredOrder[] {
    return [...this.storedOrders.values()]
      .sort(
        (a, b) =>
          a.appId.localeCompare(b.appId) ||
          a.recordId.localeCompare(b.recordId) ||
          a.cycle - b.cycle,
      )
      .map((order) => structuredClone(order));
  }

  /** The marker of a completed notification (a copy), or undefined if it was never completed. */
  processedMarker(notificationId: string): ProcessedMarker | undefined {
    const marker = this.processed.get(notificationId);
    return marker && structuredClone(marker);
  }

  /** The item's state as stored, defaults filled in like {@link loadItem} does (a copy). */
  private stateOf(key: ItemKey): ItemRecord {
    const stored = this.items.get(itemKey(key));
    return stored
      ? structuredClone(stored)
      : { appId: key.appId, recordId: key.recordId, cycle: 1 };
  }

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args: structuredClone(args) });
  }
}

function itemKey(key: ItemKey): string {
  return `${key.appId}#${key.recordId}`;
}

function orderKey(key: ItemKey, cycle: number): string {
  return `${itemKey(key)}#${cycle}`;
}
