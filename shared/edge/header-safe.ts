/**
 * C0 controls (incl. CR, LF, TAB), DEL, C1 controls (incl. NEL U+0085) and the Unicode line and
 * paragraph separators. Any of these in a header value can end the header line in some mail
 * software and let a kintone value smuggle in its own header (`Bcc: ...`).
 */
const CONTROL_OR_LINE_BREAK = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Runs of ASCII spaces; U+3000 (全角スペース) is left alone because it is part of Japanese names. */
const SPACE_RUN = / {2,}/g;

/**
 * Makes a value safe to put into a single-line mail header (or any single-line field): every
 * control character and line break becomes a space, runs of spaces collapse to one, and the
 * result is trimmed.
 *
 * @example
 * ```ts
 * headerSafe('株式会社サンプル\r\nBcc: evil@example.com'); // '株式会社サンプル Bcc: evil@example.com'
 * ```
 */
export function headerSafe(value: string): string {
  return value.replace(CONTROL_OR_LINE_BREAK, ' ').replace(SPACE_RUN, ' ').trim();
}
