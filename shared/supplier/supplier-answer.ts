/**
 * A supplier's answer to an order request, given on the signed order page without an account.
 */
export type SupplierAnswer =
  | { kind: 'confirmed'; deliveryDate: string; note?: string }
  | { kind: 'partial'; deliveryDate: string; quantity: number; note: string }
  | { kind: 'declined'; reason: string };

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
