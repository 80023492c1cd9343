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
   */
  create(order: PurchaseOrder): Promise<CreateResult>;

  /** The gathering order of a group, if one is open for lines. */
  findGathering(groupKey: string): Promise<PurchaseOrder | undefined>;

  /**
   * Adds lines to a gathering order, claiming their item cycles, all or nothing. `sealed`: the
   * order stopped gathering meanwhile (start a new one); `claimed`: an item cycle is already on
   * an order.
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
   * new order) and is recorded once: a second seal returns the order unchanged.
   */
  append(orderNumber: string, event: OrderEvent): Promise<PurchaseOrder>;

  /**
   * Order numbers that are due at `now` and not yet settled, oldest due first: gathering orders
   * whose `dueAt` has passed, and sealed ones with steps left (a crash, a send that failed for
   * now). At most `limit`.
   */
  listDue(now: Date, limit: number): Promise<string[]>;

  /** Takes a settled order off the due list (an answer or a bounce works without it). */
  markSettled(orderNumber: string): Promise<void>;
}

export type CreateResult =
  | { created: true; order: PurchaseOrder }
  | { created: false; conflict: 'group'; orderNumber: string }
  | { created: false; conflict: 'claimed'; lineId: string; orderNumber: string };

export type AddLinesResult =
  | { added: true; order: PurchaseOrder }
  | { added: false; conflict: 'sealed' }
  | { added: false; conflict: 'claimed'; lineId: string; orderNumber: string };
