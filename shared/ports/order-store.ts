import type { OrderEvent, PurchaseOrder, PurchaseOrderLine } from '../domain/purchase-order';

/**
 * The bridge's purchase orders (see `domain/purchase-order`), by order number. The store keeps
 * the two promises the domain cannot keep alone, with conditional writes:
 * - one line per item and cycle: a line *claims* its item's cycle when it is added, and a claim
 *   is never made twice (replays, concurrent twins, crashes), so an item is never ordered twice;
 * - lines join only a gathering order: once sealed, an order's lines never change.
 */
export interface OrderStore {
  /**
   * Allocates the next order number for a date, e.g. `PO-20261128-0001`. Numbers are unique;
   * a crash between allocation and {@link create} leaves a gap, never a duplicate.
   */
  allocateOrderNumber(prefix: string, orderDate: string): Promise<string>;

  /**
   * Creates an order with its first lines, claiming each line's item cycle. When the order is
   * still gathering (no `sealed` event) it becomes the group's gathering order, unless the group
   * already has one: then nothing is written and `conflict: 'group'` returns that order's number
   * (add the lines to it). `conflict: 'claimed'` means a line's item cycle is already on an
   * order (its number is returned): nothing is written.
   *
   * At most {@link MAX_LINES_PER_CALL} lines, line ids unique, the order number unused, each
   * line's `item.cycle` the item's current cycle (else {@link StaleCycleError}).
   */
  create(order: PurchaseOrder): Promise<CreateResult>;

  /** The gathering order of a group, if one is open for lines. */
  findGathering(groupKey: string): Promise<PurchaseOrder | undefined>;

  /**
   * Adds lines to a gathering order, claiming their item cycles, all or nothing. `sealed`: the
   * order stopped gathering meanwhile (start a new one); `claimed`: an item cycle is already on
   * an order (this one too: adding a line again is a conflict, not a second line). A line id is
   * used once per order: re-adding a line this order dropped throws {@link LineIdReusedError}
   * (give the line another id, or open a new order). At most {@link MAX_LINES_PER_CALL} lines;
   * an unknown order throws {@link UnknownOrderError}.
   */
  addLines(orderNumber: string, lines: PurchaseOrderLine[]): Promise<AddLinesResult>;

  /** The order as stored now; undefined when there is none. */
  get(orderNumber: string): Promise<PurchaseOrder | undefined>;

  /** Which order holds an item's cycle, if any (the claim). */
  orderOfItem(appId: string, itemId: string, cycle: number): Promise<string | undefined>;

  /**
   * Appends an event and returns the updated order. `line-dropped` also releases the line's
   * claim (the item may order again in the same cycle); `line-closed` closes the item's cycle
   * (its next order is the next cycle); `sealed` ends gathering (the group's next line opens a
   * new order) and is recorded once: a second seal returns the order unchanged. A drop after
   * the seal, or of a line already dropped, and a second close of a line are not recorded
   * either (the returned order shows where the line stands). An unknown line id is an input
   * error; an unknown order throws {@link UnknownOrderError}.
   */
  append(orderNumber: string, event: OrderEvent): Promise<PurchaseOrder>;

  /**
   * Order numbers that are due at `now` and not yet settled, oldest due first: gathering orders
   * whose `dueAt` has passed, and sealed ones with steps left (a crash, a send that failed for
   * now). At most `limit`.
   */
  listDue(now: Date, limit: number): Promise<string[]>;

  /**
   * Moves an unsettled order's place on the due list to `dueAt`: {@link listDue} leaves it out
   * before then (an order awaiting approval waits there for its reminder, so it does not hold
   * back the orders behind it), and lists it from then on, or at once with `dueAt` now (an
   * approval given on the link). The order's own `dueAt` and log are unchanged. A settled order
   * is left as it is (off the due list); an unknown order throws {@link UnknownOrderError}.
   */
  reschedule(orderNumber: string, dueAt: Date): Promise<void>;

  /**
   * Takes a settled order off the due list (an answer or a bounce works without it) and puts it
   * on the follow-up list, due at once (see {@link listChecksDue}). Idempotent.
   */
  markSettled(orderNumber: string): Promise<void>;

  /**
   * Puts the order on the follow-up list, due at `at` (a sent order waiting for its answer or
   * its goods), replacing its earlier place. A hint, not a promise: the order's log says what
   * is due; a check that finds nothing due only reschedules.
   */
  scheduleCheck(orderNumber: string, at: Date): Promise<void>;

  /** Takes the order off the follow-up list (nothing can become due any more). Idempotent. */
  clearCheck(orderNumber: string): Promise<void>;

  /**
   * Order numbers on the follow-up list due at `now`, soonest first, at most `limit` (as
   * {@link listDue}). Found by an index, never by reading every order.
   */
  listChecksDue(now: Date, limit: number): Promise<string[]>;
}

/** Where {@link OrderStore.markSettled} puts an order on the follow-up list: due at once. */
export const CHECK_AT_ONCE = new Date(0);

export type CreateResult =
  | { created: true; order: PurchaseOrder }
  | { created: false; conflict: 'group'; orderNumber: string }
  | { created: false; conflict: 'claimed'; lineId: string; orderNumber: string };

export type AddLinesResult =
  | { added: true; order: PurchaseOrder }
  | { added: false; conflict: 'sealed' }
  | { added: false; conflict: 'claimed'; lineId: string; orderNumber: string };

/**
 * Most lines one {@link OrderStore.create} or {@link OrderStore.addLines} takes (DynamoDB's
 * limits on one write); split bigger batches over several calls.
 */
export const MAX_LINES_PER_CALL = 99;

/** Thrown when an order number names no order (never created, or its creation was undone). */
export class UnknownOrderError extends Error {
  override readonly name = 'UnknownOrderError';

  constructor(readonly orderNumber: string) {
    super(`No purchase order ${orderNumber} exists.`);
  }
}

/**
 * Thrown when a line is for an item cycle that is not the item's current one: the item's line
 * was closed meanwhile (reload the item's state and decide again), or the cycle is ahead.
 */
export class StaleCycleError extends Error {
  override readonly name = 'StaleCycleError';

  constructor(
    readonly appId: string,
    readonly itemId: string,
    readonly cycle: number,
    readonly currentCycle: number,
  ) {
    super(
      `Item ${itemId} of app ${appId} is at cycle ${currentCycle}, not ${cycle}; ` +
        'reload its state and decide again.',
    );
  }
}

/**
 * Thrown when lines are added under a line id the order already had and dropped: the log's
 * `line-dropped` event names the id, so the same id cannot be active again in that order.
 */
export class LineIdReusedError extends Error {
  override readonly name = 'LineIdReusedError';

  constructor(
    readonly orderNumber: string,
    readonly lineId: string,
  ) {
    super(
      `Order ${orderNumber} already had line ${lineId} (dropped); a line id is used once per order.`,
    );
  }
}
