import { addDays, localDate } from '../domain/dates';
import type { OrderRequest } from '../domain/order';

/**
 * The signed supplier page link (issue 5) as the order request shows it: in the email as a call
 * to action, on the fax form as a QR code with the URL beneath. One check decides whether a link
 * is shown at all, so the email and the fax can never disagree about it.
 */

/** Call to action in the email, next to the link. */
export const SUPPLIER_PAGE_CALL_TO_ACTION = '受注のご確認・納期のご回答はこちら（ログイン不要）';
/**
 * The link expires (30 days by default, configurable). Said without a date only when the
 * request does not carry the link's expiry (see {@link supplierPageValidityNote}).
 */
export const SUPPLIER_PAGE_VALIDITY_NOTE = '※このリンクは一定期間有効です。';

/** Zone the expiry date is read in when the request names none: the ordering company's usual. */
const DEFAULT_TIME_ZONE = 'Asia/Tokyo';
const ONE_MINUTE_MS = 60_000;

/**
 * The last calendar day (YYYY-MM-DD, in `timeZone`) on which the link works all day: the day
 * of the expiry when it falls at the end of a day (midnight), else the day before. Said that
 * way, a supplier who answers on the stated day is never refused. Undefined for a timestamp
 * that cannot be read or an unknown zone.
 *
 * @example
 * linkValidThrough('2026-12-31T15:00:00Z', 'Asia/Tokyo'); // '2026-12-31' (midnight JST)
 * linkValidThrough('2027-01-01T02:23:00Z', 'Asia/Tokyo'); // '2026-12-31' (11:23 JST on Jan 1)
 */
export function linkValidThrough(
  expiresAt: string | undefined,
  timeZone: string = DEFAULT_TIME_ZONE,
): string | undefined {
  if (expiresAt === undefined) return undefined;
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return undefined;
  try {
    return addDays(localDate(new Date(at + ONE_MINUTE_MS), timeZone), -1);
  } catch {
    return undefined;
  }
}

/**
 * The sentence under the link: `※このリンクは2026年12月31日まで有効です。` from the request's
 * `linkExpiresAt`, or {@link SUPPLIER_PAGE_VALIDITY_NOTE} when it has none.
 */
export function supplierPageValidityNote(
  request: Pick<OrderRequest, 'linkExpiresAt' | 'timeZone'>,
): string {
  const through = linkValidThrough(request.linkExpiresAt, request.timeZone);
  if (through === undefined) return SUPPLIER_PAGE_VALIDITY_NOTE;
  const [year, month, day] = through.split('-').map(Number);
  return `※このリンクは${year}年${month}月${day}日まで有効です。`;
}

/**
 * Longer than any signed link the bridge issues (base URL, order number, expiry and a
 * signature); anything longer is not ours and would not fit on a fax line or in a QR code a phone
 * reads reliably.
 */
export const MAX_SUPPLIER_PAGE_URL_LENGTH = 512;

/** Hosts plain http is accepted for: the local stack only. */
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost']);
const SECURE_PREFIX = /^https:\/\/[^/?#]/i;
const LOCAL_PREFIX = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?([/?#]|$)/i;
/**
 * Printable ASCII without the characters a URL never carries unencoded and that mean something
 * in HTML or in a mail client's link detection (quotes, angle brackets, backtick, braces, pipe,
 * backslash, caret), and without spaces.
 */
const URL_CHARACTERS = /^[!#$%&()*+,\-./0-9:;=?@A-Z[\]_a-z~]+$/;

/**
 * The supplier page URL if it is safe to show a supplier, otherwise `undefined` (the request is
 * then sent without a link rather than with a wrong one). Safe means: an absolute `https://` URL,
 * or `http://` to 127.0.0.1 or localhost (the local stack); no user name or password (which
 * could disguise the host); at most {@link MAX_SUPPLIER_PAGE_URL_LENGTH} characters of plain URL
 * characters. The URL is returned as given; the HTML still escapes it.
 *
 * @example
 * ```ts
 * safeSupplierPageUrl('https://api.example/o/PO-20261129-0001.lz3k2a.AbCd'); // the same URL
 * safeSupplierPageUrl('javascript:alert(1)'); // undefined
 * safeSupplierPageUrl('http://api.example/o/x'); // undefined: plain http outside localhost
 * ```
 */
export function safeSupplierPageUrl(url: string | undefined): string | undefined {
  if (url === undefined || url.length > MAX_SUPPLIER_PAGE_URL_LENGTH) return undefined;
  if (!URL_CHARACTERS.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.username !== '' || parsed.password !== '') return undefined;
  // `new URL` also accepts `https:host` and `https:///host`; only `scheme://host` is a link in
  // every mail client.
  const secure = parsed.protocol === 'https:' && SECURE_PREFIX.test(url);
  const local =
    parsed.protocol === 'http:' && LOCAL_PREFIX.test(url) && LOCAL_HOSTS.has(parsed.hostname);
  return secure || local ? url : undefined;
}
