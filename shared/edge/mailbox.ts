import { headerSafe } from './header-safe';

/** RFC 5321 limit on a forward path; SES rejects longer addresses anyway. */
export const MAX_EMAIL_ADDRESS_LENGTH = 254;

/**
 * RFC 2047 limits an encoded-word to 75 characters. `=?UTF-8?B?` and `?=` take 12, leaving 63
 * for Base64, i.e. at most 45 bytes of UTF-8 (60 Base64 characters) per word.
 */
const MAX_ENCODED_WORD_BYTES = 45;

/**
 * The WHATWG `type=email` grammar (what browsers and kintone's own e-mail field accept), plus a
 * dot in the domain: order requests go to real mailboxes or fax gateways, never to `user@host`.
 * The local part cannot contain spaces, commas, angle brackets or `"`, so a value that passes
 * is exactly one address and cannot carry a display name or a second recipient.
 */
const PLAUSIBLE_ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Display names made only of these can go into a header as a quoted-string without encoding. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * True when `address` is one plausible mailbox address (`local@domain.tld`), nothing more.
 * Callers should pass the value through {@link headerSafe} first so stray spaces from kintone
 * do not reject an otherwise good address.
 *
 * @example
 * ```ts
 * isPlausibleEmailAddress('order@example.co.jp'); // true
 * isPlausibleEmailAddress('a@example.com, b@example.com'); // false
 * ```
 */
export function isPlausibleEmailAddress(address: string): boolean {
  return address.length <= MAX_EMAIL_ADDRESS_LENGTH && PLAUSIBLE_ADDRESS.test(address);
}

/**
 * Encodes `text` as RFC 2047 `B` encoded-words in UTF-8, split so that no word exceeds 75
 * characters and no character is cut in half (decoders join adjacent words, dropping the space
 * between them).
 *
 * @example
 * ```ts
 * encodeMimeWords('株式会社サンプル文具'); // '=?UTF-8?B?5qCq5byP5Lya56S+44K144Oz44OX44Or5paH5YW3?='
 * ```
 */
export function encodeMimeWords(text: string): string {
  const words: string[] = [];
  let chunk = '';
  let chunkBytes = 0;
  // for...of walks code points, so surrogate pairs (e.g. 𠮷) stay together.
  for (const char of text) {
    const bytes = Buffer.byteLength(char, 'utf8');
    if (chunkBytes + bytes > MAX_ENCODED_WORD_BYTES && chunk !== '') {
      words.push(chunk);
      chunk = '';
      chunkBytes = 0;
    }
    chunk += char;
    chunkBytes += bytes;
  }
  if (chunk !== '') words.push(chunk);
  return words
    .map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`)
    .join(' ');
}

/**
 * Formats a mailbox for a `From`-like header: `display name <address>`. The display name is
 * made header-safe, then written as a quoted-string when it is printable ASCII and as RFC 2047
 * encoded-words otherwise (SES requires non-ASCII sender names to be encoded). The address is
 * not validated here; check it with {@link isPlausibleEmailAddress} first.
 *
 * @example
 * ```ts
 * formatMailbox('株式会社サンプル文具', 'order@example.co.jp');
 * // '=?UTF-8?B?5qCq5byP5Lya56S+44K144Oz44OX44Or5paH5YW3?= <order@example.co.jp>'
 * formatMailbox('Sample "Stationery"', 'order@example.com');
 * // '"Sample \\"Stationery\\"" <order@example.com>'
 * ```
 */
export function formatMailbox(displayName: string, address: string): string {
  const name = headerSafe(displayName);
  if (name === '') return address;
  if (PRINTABLE_ASCII.test(name)) {
    // Quoting keeps ASCII names readable and neutralises specials such as `,` `<` `@`.
    return `"${name.replace(/["\\]/g, '\\$&')}" <${address}>`;
  }
  return `${encodeMimeWords(name)} <${address}>`;
}
