/**
 * ISO-2022-JP (RFC 1468) encoding for the text part and subject of email-to-fax messages.
 *
 * Node has no ISO-2022-JP encoder, and nodemailer only writes UTF-8. Node's `TextDecoder` does
 * decode ISO-2022-JP (WHATWG Encoding Standard, ICU), so the JIS X 0208 table is derived from it
 * once, lazily, by decoding every two-byte code of the standard rows. That keeps the bytes
 * exactly consistent with what a WHATWG decoder (and so mail clients) read back, without a
 * dependency.
 *
 * Only the rows of JIS X 0208 proper are used (1-8 and 16-84): the NEC and IBM extension rows
 * (13, 89-92) are Microsoft additions (CP50220) that strict gateways show as garbage. Characters
 * outside the table are replaced by their NFKC compatibility form when that is encodable
 * (`①` → `1`, `㈱` → `(株)`, half-width katakana → full-width) and otherwise by `〓`, the
 * customary geta mark: the PDF, not this text, carries the order.
 */

const ESC = 0x1b;
/** ESC $ B: switch to JIS X 0208-1983. */
const TO_JIS = [ESC, 0x24, 0x42] as const;
/** ESC ( B: switch back to ASCII. Every line and every encoded-word must end in ASCII. */
const TO_ASCII = [ESC, 0x28, 0x42] as const;

/** The customary substitute for an unencodable character (JIS 0x222E). */
const GETA = '\u3013';

/** SMTP allows 998 octets a line; wrapping earlier leaves room for the escape sequences. */
const MAX_LINE_BYTES = 900;

/**
 * RFC 2047: an encoded-word is at most 75 characters. `=?ISO-2022-JP?B?` and `?=` take 18,
 * leaving 57 Base64 characters, i.e. 42 bytes of ISO-2022-JP per word.
 */
const MAX_WORD_BYTES = 42;

/** Standard JIS X 0208 rows as lead bytes: rows 1-8 (0x21-0x28) and 16-84 (0x30-0x74). */
const STANDARD_LEAD_BYTES: readonly number[] = [...range(0x21, 0x28), ...range(0x30, 0x74)];

/**
 * Unicode look-alikes that different platforms use for the same JIS character (Windows uses
 * FULLWIDTH TILDE where JIS and macOS use WAVE DASH, and so on). Each alias is encoded like its
 * partner when the decoder's table has only one of them.
 */
const ALIASES: ReadonlyArray<readonly [string, string]> = [
  ['\u301c', '\uff5e'], // 〜 WAVE DASH / ～ FULLWIDTH TILDE
  ['\u2212', '\uff0d'], // − MINUS SIGN / － FULLWIDTH HYPHEN-MINUS
  ['\u2016', '\u2225'], // ‖ DOUBLE VERTICAL LINE / ∥ PARALLEL TO
  ['\u2014', '\u2015'], // — EM DASH / ― HORIZONTAL BAR
  ['\u00a2', '\uffe0'], // ¢
  ['\u00a3', '\uffe1'], // £
  ['\u00ac', '\uffe2'], // ¬
  ['\u00a5', '\uffe5'], // ¥ (JIS X 0201 Roman is not used, so the yen sign goes full-width)
  ['\u203e', '\uffe3'], // ‾ OVERLINE / ￣ FULLWIDTH MACRON
];

let jisTable: ReadonlyMap<string, readonly [number, number]> | undefined;

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function table(): ReadonlyMap<string, readonly [number, number]> {
  if (jisTable !== undefined) return jisTable;
  const decoder = new TextDecoder('iso-2022-jp');
  const map = new Map<string, readonly [number, number]>();
  for (const lead of STANDARD_LEAD_BYTES) {
    for (const trail of range(0x21, 0x7e)) {
      const char = decoder.decode(Uint8Array.of(...TO_JIS, lead, trail, ...TO_ASCII));
      // U+FFFD marks an unassigned code; the first code wins when two decode alike.
      if (char.length === 1 && char !== '\ufffd' && !map.has(char)) map.set(char, [lead, trail]);
    }
  }
  for (const [a, b] of ALIASES) {
    const code = map.get(a) ?? map.get(b);
    if (code !== undefined) {
      if (!map.has(a)) map.set(a, code);
      if (!map.has(b)) map.set(b, code);
    }
  }
  if (map.size < 6000) {
    // A Node built without full ICU decodes nothing; fail loudly rather than send 〓〓〓.
    throw new Error(
      'This Node.js cannot decode ISO-2022-JP (built without full ICU), so ISO-2022-JP text ' +
        'cannot be produced. Use textCharset "utf-8" or an official Node.js build.',
    );
  }
  jisTable = map;
  return map;
}

/** One character as it will be written: an ASCII byte or a JIS X 0208 byte pair. */
type Token = { ascii: number } | { jis: readonly [number, number] };

function isAsciiText(code: number): boolean {
  return code === 0x09 || (code >= 0x20 && code <= 0x7e);
}

/** Tokens for one character, after the compatibility fallback described at the top. */
function tokensFor(char: string): Token[] {
  const code = char.codePointAt(0) ?? 0;
  if (isAsciiText(code)) return [{ ascii: code }];
  const jis = table().get(char);
  if (jis !== undefined) return [{ jis }];
  // Other control characters (ESC above all) could forge mode switches: they become spaces.
  if (code < 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f)) return [{ ascii: 0x20 }];
  const compatible = char.normalize('NFKC');
  if (compatible !== char) {
    const parts = [...compatible].map((part) => {
      const partCode = part.codePointAt(0) ?? 0;
      if (isAsciiText(partCode)) return { ascii: partCode };
      const partJis = table().get(part);
      return partJis === undefined ? undefined : { jis: partJis };
    });
    if (parts.every((part): part is Token => part !== undefined)) return parts;
  }
  return [{ jis: table().get(GETA) ?? [0x22, 0x2e] }];
}

/** Half-width katakana with their voicing marks become full-width (ｶﾞ → ガ) before encoding. */
function widenKatakana(text: string): string {
  return text.replace(/[\uff61-\uff9f]+/g, (run) => run.normalize('NFKC'));
}

function tokenize(text: string): Token[] {
  return [...widenKatakana(text)].flatMap(tokensFor);
}

/** Writes tokens with the escape sequences between modes, ending in ASCII. */
function write(tokens: readonly Token[]): number[] {
  const bytes: number[] = [];
  let inJis = false;
  for (const token of tokens) {
    if ('ascii' in token) {
      if (inJis) bytes.push(...TO_ASCII);
      inJis = false;
      bytes.push(token.ascii);
    } else {
      if (!inJis) bytes.push(...TO_JIS);
      inJis = true;
      bytes.push(...token.jis);
    }
  }
  if (inJis) bytes.push(...TO_ASCII);
  return bytes;
}

/**
 * Encodes text as ISO-2022-JP bytes with CRLF line breaks, every line ending in ASCII mode
 * and no line longer than SMTP allows. All bytes are 7-bit, so the result can go into a MIME
 * part with `Content-Transfer-Encoding: 7bit`.
 *
 * @example
 * ```ts
 * encodeIso2022Jp('発注書\n').toString('latin1'); // '\x1b$BH/Cm=q\x1b(B\r\n'
 * ```
 */
export function encodeIso2022Jp(text: string): Buffer {
  const lines = text.split(/\r\n|\r|\n|\u2028|\u2029|\u0085/);
  const out: number[] = [];
  lines.forEach((line, index) => {
    if (index > 0) out.push(0x0d, 0x0a);
    let chunk: Token[] = [];
    let chunkBytes = 0;
    for (const token of tokenize(line)) {
      // Upper bound for the token with its escape sequences, so a chunk never overflows.
      const cost = 'ascii' in token ? 4 : 8;
      if (chunkBytes + cost > MAX_LINE_BYTES && chunk.length > 0) {
        out.push(...write(chunk), 0x0d, 0x0a);
        chunk = [];
        chunkBytes = 0;
      }
      chunk.push(token);
      chunkBytes += 'ascii' in token ? 1 : 2;
    }
    out.push(...write(chunk));
  });
  return Buffer.from(out);
}

/**
 * Encodes a single-line header value (pass it through `headerSafe` first) as RFC 2047
 * `=?ISO-2022-JP?B?...?=` encoded-words, each a complete ISO-2022-JP string ending in ASCII
 * and at most 75 characters, joined by spaces (decoders drop the space between words). Plain
 * printable ASCII is returned unchanged.
 *
 * @example
 * ```ts
 * encodeIso2022JpHeader('発注書 PO-1'); // '=?ISO-2022-JP?B?GyRCSC9DbT1xGyhCIFBPLTE=?='
 * ```
 */
export function encodeIso2022JpHeader(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const words: string[] = [];
  let chunk: Token[] = [];
  for (const token of tokenize(value)) {
    const candidate = [...chunk, token];
    if (write(candidate).length > MAX_WORD_BYTES && chunk.length > 0) {
      words.push(encodedWord(chunk));
      chunk = [token];
    } else {
      chunk = candidate;
    }
  }
  if (chunk.length > 0) words.push(encodedWord(chunk));
  return words.join(' ');
}

function encodedWord(tokens: readonly Token[]): string {
  return `=?ISO-2022-JP?B?${Buffer.from(write(tokens)).toString('base64')}?=`;
}
