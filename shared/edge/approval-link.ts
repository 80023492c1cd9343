import { createHmac } from 'node:crypto';
import { orderLinkExpiry, signOrderLink, verifyOrderLink } from './order-link';

/**
 * Signed one-click links for the approver of an order: `${baseUrl}/a/<token>`, the same token
 * format as the supplier's order page (`edge/order-link`), signed with a key derived for this
 * purpose only. A supplier's link (signed with the page key itself) therefore never opens the
 * approval page, and an approval link never opens the supplier's page: the two MACs are under
 * different keys.
 */

/** Path prefix of the approval page; the token follows it. */
export const APPROVAL_PAGE_PATH = '/a/';

/** What the MAC is bound to instead of a supplier: the approver's role. */
const APPROVER = 'approver';

/** The key that signs approval links, derived from the order page's signing key. */
export function approvalLinkKey(pageKey: string): string {
  if (typeof pageKey !== 'string' || pageKey.length === 0) {
    throw new RangeError('order link signing key is empty; configure supplierPage.signingKey');
  }
  return createHmac('sha256', pageKey)
    .update('stock-alert-bridge approval link v1')
    .digest('base64url');
}

/** Signs the approval link token of an order, valid for `ttlDays` from `now`. */
export function signApprovalLink(
  orderNumber: string,
  pageKey: string,
  now: Date,
  ttlDays: number,
): string {
  return signOrderLink(
    { orderNumber, supplier: APPROVER, expiresAt: orderLinkExpiry(now, ttlDays) },
    approvalLinkKey(pageKey),
  );
}

/** Checks an approval link token; the order number when it is genuine and not expired. */
export function verifyApprovalLink(
  token: string,
  pageKey: string,
  now: Date,
): { ok: true; orderNumber: string } | { ok: false; problem: string } {
  const verified = verifyOrderLink(token, approvalLinkKey(pageKey), APPROVER, now);
  return verified.ok
    ? { ok: true, orderNumber: verified.claims.orderNumber }
    : { ok: false, problem: verified.problem };
}

/** The public URL of an approval page. */
export function approvalPageUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${APPROVAL_PAGE_PATH}${token}`;
}
