import { randomBytes } from 'node:crypto';

/**
 * The order page's security policy, as response headers and nonces. The page has no script at
 * all and one inline stylesheet, so the CSP allows exactly that stylesheet (by nonce), images
 * from itself, and forms posting back to itself; nothing may frame it, and no referrer leaves
 * it, so the signed token in its URL never reaches another site.
 */

/** Random bytes in a nonce: 128 bits, as CSP Level 3 recommends and the form nonce needs. */
export const NONCE_BYTES = 16;

/** How long a rendered form may be sent back (the page's form nonce lives this long). */
export const FORM_NONCE_TTL_SECONDS = 2 * 60 * 60;

/** HSTS for a year; harmless on the local stack, whose plain-http responses browsers ignore it on. */
const HSTS_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/**
 * A fresh random nonce, URL- and attribute-safe (base64url, 22 characters).
 *
 * @example
 * newNonce(); // 'q3Jw0m1vV9-8yQxJZr0k6A'
 */
export function newNonce(): string {
  return randomBytes(NONCE_BYTES).toString('base64url');
}

/**
 * The Content-Security-Policy for a page whose one stylesheet carries `cspNonce`.
 *
 * @example
 * contentSecurityPolicy('abc'); // "default-src 'none'; style-src 'nonce-abc'; ..."
 */
export function contentSecurityPolicy(cspNonce: string): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${cspNonce}'`,
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/**
 * Every header an order page response carries, whatever its status (the error pages and the
 * redirect after a POST included).
 *
 * @example
 * const headers = { ...pageSecurityHeaders(cspNonce), location: './PO-1.x.y?done=1' };
 */
export function pageSecurityHeaders(cspNonce: string): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(cspNonce),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
    'content-type': 'text/html; charset=utf-8',
    'strict-transport-security': `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`,
  };
}
