/**
 * Rules of the purchase-order store that the DynamoDB adapter and the in-memory fake share, so
 * they refuse the same input and record the same events.
 *
 * @module
 */
import {
  activeLines,
  isSealed,
  type OrderEvent,
  type PurchaseOrder,
  type PurchaseOrderLine,
} from '../../domain/purchase-order';
import { LineIdReusedError, MAX_LINES_PER_CALL, StaleCycleError } from '../../ports/order-store';
import { BridgeStoreInputError, assertKeyOrderNumber } from './table-rules';

/** Most orders one listDue returns (a query page stays well under DynamoDB's 1 MB). */
export const MAX_LIST_DUE_LIMIT = 1000;

/** Longest group key or item id taken: key parts must stay far below DynamoDB's 2 KB keys. */
const MAX_KEY_PART_LENGTH = 512;

/**
 * Rejects values the DynamoDB marshaller cannot store as numbers (NaN, Infinity, beyond
 * Number.MAX_SAFE_INTEGER), anywhere inside `value`, naming where.
 */
export function assertStorable(value: unknown, where: string): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) {
      throw new BridgeStoreInputError(`${where} is ${value}, which DynamoDB cannot store.`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((entry, index) => assertStorable(entry, `${where}[${index}]`));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, entry] of Object.entries(value)) assertStorable(entry, `${where}.${key}`);
  }
}

/** Rejects an order the store cannot create as given (a caller bug, not a conflict). */
export function assertNewOrder(order: PurchaseOrder): void {
  assertKeyOrderNumber(order.orderNumber);
  if (order.groupKey === '' || order.groupKey.length > MAX_KEY_PART_LENGTH) {
    throw new BridgeStoreInputError(
      `Order ${order.orderNumber}: groupKey must be 1 to ${MAX_KEY_PART_LENGTH} characters.`,
    );
  }
  dueInstant(order);
  assertNewLines(order.lines);
  assertStorable(order, `order ${order.orderNumber}`);
}

/** The error for a create whose order number is already an order's. */
export function orderNumberInUse(orderNumber: string): BridgeStoreInputError {
  return new BridgeStoreInputError(
    `Order number ${orderNumber} is already used; allocate a new one with allocateOrderNumber.`,
  );
}

/** The error for re-adding a line id the order already had (and dropped). */
export function lineIdReused(orderNumber: string, lineId: string): LineIdReusedError {
  return new LineIdReusedError(orderNumber, lineId);
}

/** Rejects lines one create or addLines cannot take. */
export function assertNewLines(lines: readonly PurchaseOrderLine[]): void {
  if (lines.length > MAX_LINES_PER_CALL) {
    throw new BridgeStoreInputError(
      `${lines.length} lines in one write; at most ${MAX_LINES_PER_CALL} (MAX_LINES_PER_CALL) ` +
        'are taken at once, add the rest with addLines.',
    );
  }
  const lineIds = new Set<string>();
  const items = new Set<string>();
  for (const line of lines) {
    const { appId, itemId, cycle } = line.item;
    if (
      line.lineId === '' ||
      appId === '' ||
      appId.includes('#') ||
      itemId === '' ||
      itemId.length > MAX_KEY_PART_LENGTH
    ) {
      throw new BridgeStoreInputError(
        `Line "${line.lineId}" needs a line id, an app id without "#" and an item id of at ` +
          `most ${MAX_KEY_PART_LENGTH} characters.`,
      );
    }
    assertStorable(line, `line ${line.lineId}`);
    if (!Number.isInteger(cycle) || cycle < 1) {
      throw new BridgeStoreInputError(
        `Line ${line.lineId}: cycle ${cycle} is not a positive integer.`,
      );
    }
    const item = `${appId}#${itemId}`;
    if (lineIds.has(line.lineId) || items.has(item)) {
      throw new BridgeStoreInputError(
        `Line ${line.lineId} repeats a line id or an item of the same write.`,
      );
    }
    lineIds.add(line.lineId);
    items.add(item);
  }
}

/** Why a line cannot claim its item's cycle now, if it cannot: the item is at another cycle. */
export function claimProblem(
  line: PurchaseOrderLine,
  currentCycle: number,
): StaleCycleError | undefined {
  return line.item.cycle === currentCycle
    ? undefined
    : new StaleCycleError(line.item.appId, line.item.itemId, line.item.cycle, currentCycle);
}

/**
 * True when any live order takes the event as it is (a sent, written-back or commented entry,
 * a delivery, an answer, ...): nothing about the order decides whether it is recorded, and no
 * write outside the order follows from it. Such an event is appended with one conditional
 * write, without reading the order first. The others (`sealed`, `line-dropped`,
 * `line-closed`) are checked against the order by {@link assertAppendable}.
 */
export function appendsToAnyLiveOrder(event: OrderEvent): boolean {
  return event.kind !== 'sealed' && event.kind !== 'line-dropped' && event.kind !== 'line-closed';
}

/**
 * What appending `event` does to `order`: `'append'` records it, `'unchanged'` means it is
 * already in effect (a second seal or close) or may no longer happen (a drop after the seal).
 * Throws for an event about a line the order does not have.
 */
export function assertAppendable(order: PurchaseOrder, event: OrderEvent): 'append' | 'unchanged' {
  assertStorable(event, `event ${event.kind}`);
  switch (event.kind) {
    case 'sealed':
      return isSealed(order) ? 'unchanged' : 'append';
    case 'line-dropped': {
      const line = lineOf(order, event.lineId);
      return isSealed(order) || !activeLines(order).includes(line) ? 'unchanged' : 'append';
    }
    case 'line-closed':
      lineOf(order, event.lineId);
      return order.log.some((e) => e.kind === 'line-closed' && e.lineId === event.lineId)
        ? 'unchanged'
        : 'append';
    default:
      return 'append';
  }
}

function lineOf(order: PurchaseOrder, lineId: string): PurchaseOrderLine {
  const line = order.lines.find((candidate) => candidate.lineId === lineId);
  if (!line) {
    throw new BridgeStoreInputError(`Order ${order.orderNumber} has no line ${lineId}.`);
  }
  return line;
}

/** Rejects a listDue limit DynamoDB's Limit cannot take. */
export function assertListDueLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_DUE_LIMIT) {
    throw new BridgeStoreInputError(
      `listDue limit ${limit} must be an integer from 1 to ${MAX_LIST_DUE_LIMIT}.`,
    );
  }
}

/**
 * The order's place on the due list: its due time in UTC (so lexical order is time order),
 * then its number.
 *
 * @example
 * dueSortKey(order); // '2026-11-28T06:00:00.000Z#PO-20261128-0001'
 */
export function dueSortKey(order: PurchaseOrder): string {
  return `${dueInstant(order)}#${order.orderNumber}`;
}

/**
 * An order's place on the due list once rescheduled to `at` (see `OrderStore.reschedule`), in
 * the form of {@link dueSortKey}.
 */
export function rescheduledSortKey(orderNumber: string, at: Date): string {
  return timedSortKey(orderNumber, at, 'the new due time');
}

/** An order's place on the follow-up list: the check's time in UTC, then its number. */
export function checkSortKey(orderNumber: string, at: Date): string {
  return timedSortKey(orderNumber, at, 'the check time');
}

/** The order number in a due-list or follow-up-list key (`<ISO time>#<orderNumber>`). */
export function orderNumberOfSortKey(key: string): string {
  return key.slice(key.indexOf('#') + 1);
}

function timedSortKey(orderNumber: string, at: Date, what: string): string {
  if (Number.isNaN(at.getTime())) {
    throw new BridgeStoreInputError(`Order ${orderNumber}: ${what} is not a valid date.`);
  }
  return `${at.toISOString()}#${orderNumber}`;
}

/** The upper bound of the due list at `now` (every key of a due time up to `now`). */
export function dueUntil(now: Date): string {
  return `${now.toISOString()}#\uffff`;
}

function dueInstant(order: PurchaseOrder): string {
  const millis = Date.parse(order.dueAt);
  if (Number.isNaN(millis)) {
    throw new BridgeStoreInputError(
      `Order ${order.orderNumber}: dueAt "${order.dueAt}" is not an ISO timestamp.`,
    );
  }
  return new Date(millis).toISOString();
}
