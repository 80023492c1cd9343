import type { OrderLine } from './order';

/**
 * A supplier's answer to an order request, given on the signed order page without an account.
 */
export type SupplierAnswer =
  | { kind: 'confirmed'; deliveryDate: string; note?: string }
  | PartialAnswer
  | { kind: 'declined'; reason: string };

/**
 * Part of the order can be delivered. A single-line order's answer gives one `quantity` (more
 * than 0, less than ordered); an order with several lines gives a quantity per line (`lines`),
 * so each line, and each SUBTABLE row it was ordered for, has its own outcome.
 */
export type PartialAnswer =
  | { kind: 'partial'; deliveryDate: string; quantity: number; note: string }
  | { kind: 'partial'; deliveryDate: string; lines: PartialAnswerLine[]; note: string };

/** What can be delivered of one line of an order with several lines. */
export interface PartialAnswerLine {
  /** The order line's id (see `PurchaseOrderLine.lineId`): which line this entry answers. */
  lineId?: string;
  /** The order line's SKU, so a stored answer reads on its own. */
  sku: string;
  /** The order line's SUBTABLE row, when the order was made for rows. */
  rowId?: string;
  /** From 0 (none of this line) up to the ordered quantity (all of it). */
  quantity: number;
}

/**
 * The answer's entry for the order line at `index`: the entry naming the line's id, else the
 * entry of the same row when the order was made for SUBTABLE rows, else the entry at the same
 * position (a multi-line answer lists the order's lines in order).
 *
 * @example
 * ```ts
 * answerLineFor(answer.lines, order.request.lines[1], 1)?.quantity; // 2
 * ```
 */
export function answerLineFor(
  answerLines: readonly PartialAnswerLine[],
  orderLine: Pick<OrderLine, 'rowId' | 'lineId'>,
  index: number,
): PartialAnswerLine | undefined {
  if (orderLine.lineId !== undefined) {
    const byId = answerLines.find((line) => line.lineId === orderLine.lineId);
    if (byId !== undefined) return byId;
  }
  if (orderLine.rowId !== undefined) {
    return answerLines.find((line) => line.rowId === orderLine.rowId);
  }
  return answerLines[index];
}

/**
 * What a line of a multi-line partial answer amounts to on its own: all of it (`confirmed`),
 * part of it (`partial`) or none of it (`declined`).
 *
 * @example
 * ```ts
 * lineOutcome(0, 20); // 'declined'
 * lineOutcome(20, 20); // 'confirmed'
 * ```
 */
export function lineOutcome(answered: number, ordered: number): SupplierAnswerKind {
  if (answered <= 0) return 'declined';
  return answered >= ordered ? 'confirmed' : 'partial';
}

export type SupplierAnswerKind = SupplierAnswer['kind'];

/** What the signed link carries: which order, for which supplier, until when. */
export interface OrderLinkClaims {
  orderNumber: string;
  /**
   * Who the link was issued to: the supplier's code when the record has one, else its email or
   * fax. A link is only valid for an order whose supplier still matches.
   */
  supplier: string;
  /** Epoch seconds after which the link no longer opens the order. */
  expiresAt: number;
}

/** Why a link does not open an order (the page says only "invalid or expired"). */
export type OrderLinkProblem = 'malformed' | 'bad-signature' | 'expired';

/** The identity a link is bound to, derived the same way when signing and when checking. */
export function supplierIdentity(supplier: {
  code?: string;
  email?: string;
  fax?: string;
  name: string;
}): string {
  return supplier.code || supplier.email || supplier.fax || supplier.name;
}
