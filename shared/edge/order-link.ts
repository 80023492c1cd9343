import { createHmac, timingSafeEqual } from 'node:crypto';
import type { OrderLinkClaims, OrderLinkProblem } from '../domain/supplier-answer';

/**
 * Signed links to a supplier's order page: `${baseUrl}/o/<orderNumber>.<expiry>.<signature>`.
 *
 * The token is short enough for a URL printed under a QR code on a fax, and carries nothing the
 * supplier does not already know (the order number is on the form anyway). The supplier it was
 * issued to is not in the token at all: it is bound only through the MAC, and the checker
 * recomputes the MAC from the stored order's supplier. So a link cannot be re-pointed at another
 * supplier, and a leaked link reveals no supplier identity.
 */

/** Path prefix of the order page; the token follows it. */
export const ORDER_PAGE_PATH = '/o/';

/**
 * Signature length in base64url characters: 22 characters carry 132 bits of HMAC-SHA256.
 * 128 bits is enough because the key never leaves the server, so a forger cannot test guesses
 * offline; every guess is a rate-limited request with a 2^-128 chance. Truncating an HMAC to
 * at least half the hash length is explicitly allowed (RFC 2104 section 5, NIST SP 800-107).
 */
const SIGNATURE_LENGTH = 22;
/** Bumped if the signed message ever changes, so old links fail closed instead of confusingly. */
const MAC_VERSION = 'v1';
const ORDER_NUMBER_PATTERN = '[A-Z0-9-]{1,40}';
/** Epoch seconds in base 36: 11 digits cover every safe integer. */
const EXPIRY_PATTERN = '[0-9a-z]{1,11}';
const SIGNATURE_PATTERN = `[A-Za-z0-9_-]{${SIGNATURE_LENGTH}}`;
const TOKEN = new RegExp(
  `^(${ORDER_NUMBER_PATTERN})\\.(${EXPIRY_PATTERN})\\.(${SIGNATURE_PATTERN})$`,
);
const ORDER_NUMBER = new RegExp(`^${ORDER_NUMBER_PATTERN}$`);
/** Longest possible token; anything longer is rejected before any regular expression runs. */
const MAX_TOKEN_LENGTH = 40 + 1 + 11 + 1 + SIGNATURE_LENGTH;
const SECONDS_PER_DAY = 86_400;

/** The parts of a well-formed token, before its signature has been checked. */
export interface ParsedOrderLinkToken {
  orderNumber: string;
  expiresAt: number;
  signature: string;
}

/** Outcome of {@link verifyOrderLink}. */
export type OrderLinkVerification =
  { ok: true; claims: OrderLinkClaims } | { ok: false; problem: OrderLinkProblem };

/**
 * Signs a link to an order's page.
 *
 * @throws RangeError when the key is empty, the order number is not `[A-Z0-9-]{1,40}` or the
 * expiry is not a positive whole number of seconds: a token built from those could never be
 * verified, so it is a caller error rather than a link to hand out.
 * @example
 * ```ts
 * const token = signOrderLink(
 *   { orderNumber: 'PO-20261128-0001', supplier: 'S-001', expiresAt: 1_798_000_000 },
 *   key,
 * ); // 'PO-20261128-0001.tqhdog.<22 characters>'
 * ```
 */
export function signOrderLink(claims: OrderLinkClaims, key: string): string {
  requireKey(key);
  if (!ORDER_NUMBER.test(claims.orderNumber)) {
    throw new RangeError(
      `signOrderLink: order number "${claims.orderNumber}" is not 1-40 of A-Z, 0-9 and "-"`,
    );
  }
  if (!Number.isSafeInteger(claims.expiresAt) || claims.expiresAt <= 0) {
    throw new RangeError(
      `signOrderLink: expiresAt ${claims.expiresAt} is not a positive number of epoch seconds`,
    );
  }
  const signature = macFor(claims.orderNumber, claims.expiresAt, claims.supplier, key);
  return `${claims.orderNumber}.${claims.expiresAt.toString(36)}.${signature}`;
}

/**
 * Splits a token into its parts without checking the signature. Anything that is not exactly
 * the shape {@link signOrderLink} produces (including a non-canonical expiry such as leading
 * zeros) is `undefined`, so each link has one spelling only.
 *
 * @example
 * ```ts
 * parseOrderLinkToken('PO-1.tqhdog.AAAAAAAAAAAAAAAAAAAAAA');
 * // { orderNumber: 'PO-1', expiresAt: 1798000000, signature: 'AAAAAAAAAAAAAAAAAAAAAA' }
 * parseOrderLinkToken('../etc/passwd'); // undefined
 * ```
 */
export function parseOrderLinkToken(token: string): ParsedOrderLinkToken | undefined {
  // Guards callers that pass through whatever the router extracted.
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
  const match = TOKEN.exec(token);
  if (match === null) return undefined;
  const [, orderNumber, expiry, signature] = match;
  if (orderNumber === undefined || expiry === undefined || signature === undefined) {
    return undefined;
  }
  const expiresAt = Number.parseInt(expiry, 36);
  if (!Number.isSafeInteger(expiresAt) || expiresAt <= 0 || expiresAt.toString(36) !== expiry) {
    return undefined;
  }
  return { orderNumber, expiresAt, signature };
}

/**
 * Checks a token for the supplier the stored order names. The signature is checked before the
 * expiry, so an expired link is only reported as such when it is genuine.
 *
 * @param supplier the stored order's {@link supplierIdentity}, not anything from the request.
 * @throws RangeError when the key is empty (a misconfiguration that would make links forgeable).
 * @example
 * ```ts
 * const result = verifyOrderLink(token, key, supplierIdentity(order.supplier), now);
 * if (!result.ok) return invalidLinkPage(lang, cspNonce);
 * ```
 */
export function verifyOrderLink(
  token: string,
  key: string,
  supplier: string,
  now: Date,
): OrderLinkVerification {
  requireKey(key);
  const parsed = parseOrderLinkToken(token);
  if (parsed === undefined) return { ok: false, problem: 'malformed' };
  const expected = Buffer.from(macFor(parsed.orderNumber, parsed.expiresAt, supplier, key));
  const given = Buffer.from(parsed.signature);
  // Both are SIGNATURE_LENGTH ASCII characters (the parser guarantees it), so the lengths match
  // and timingSafeEqual cannot throw; the comparison leaks no prefix of the right signature.
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, problem: 'bad-signature' };
  }
  // Written as "not before" so an invalid Date (NaN) fails closed as expired.
  if (!(now.getTime() < parsed.expiresAt * 1000)) return { ok: false, problem: 'expired' };
  return {
    ok: true,
    claims: { orderNumber: parsed.orderNumber, supplier, expiresAt: parsed.expiresAt },
  };
}

/**
 * The expiry (epoch seconds) of a link issued at `now` that stays valid for `ttlDays`.
 *
 * @throws RangeError when `ttlDays` is not a positive whole number or `now` is an invalid Date.
 * @example
 * ```ts
 * orderLinkExpiry(new Date('2026-11-28T00:00:00Z'), 30); // 1798416000 (2026-12-28T00:00:00Z)
 * ```
 */
export function orderLinkExpiry(now: Date, ttlDays: number): number {
  if (!Number.isInteger(ttlDays) || ttlDays <= 0) {
    throw new RangeError(`orderLinkExpiry: ttlDays ${ttlDays} is not a positive whole number`);
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (Number.isNaN(nowSeconds)) throw new RangeError('orderLinkExpiry: now is an invalid Date');
  return nowSeconds + ttlDays * SECONDS_PER_DAY;
}

/**
 * The public URL of an order page.
 *
 * @example
 * ```ts
 * orderPageUrl('https://bridge.example.jp/', token); // 'https://bridge.example.jp/o/<token>'
 * ```
 */
export function orderPageUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${ORDER_PAGE_PATH}${token}`;
}

function requireKey(key: string): void {
  // An empty HMAC key is a valid key that anyone can use: refuse it rather than sign with it.
  if (typeof key !== 'string' || key.length === 0) {
    throw new RangeError('order link signing key is empty; configure supplierPage.signingKey');
  }
}

function macFor(orderNumber: string, expiresAt: number, supplier: string, key: string): string {
  // Order numbers cannot contain "|" and expiresAt is an integer, so putting the free-form
  // supplier last keeps the message unambiguous without any escaping.
  const message = `${MAC_VERSION}|${orderNumber}|${expiresAt}|${supplier}`;
  return createHmac('sha256', key)
    .update(message, 'utf8')
    .digest('base64url')
    .slice(0, SIGNATURE_LENGTH);
}
