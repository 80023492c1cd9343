import fc from 'fast-check';
import { encodeIso2022Jp, encodeIso2022JpHeader } from '../../shared/adapters/fax/iso-2022-jp';

const decoder = new TextDecoder('iso-2022-jp');
const ESC_JIS = '\x1b$B';
const ESC_ASCII = '\x1b(B';

function decodeWords(header: string): string {
  return header
    .split(' ')
    .map((word) => {
      const match = /^=\?ISO-2022-JP\?B\?([A-Za-z0-9+/=]+)\?=$/.exec(word);
      if (!match?.[1]) throw new Error(`not an encoded-word: ${word}`);
      return decoder.decode(Buffer.from(match[1], 'base64'));
    })
    .join('');
}

describe('encodeIso2022Jp', () => {
  it('writes Japanese text as 7-bit JIS that decoders read back', () => {
    // Prepare
    const text = '株式会社サンプル文具 御中\n発注書 PO-20261128-0001 をお送りします。\n';

    // Act
    const bytes = encodeIso2022Jp(text);

    // Assess
    expect([...bytes].every((byte) => byte < 0x80)).toBe(true);
    expect(decoder.decode(bytes)).toBe(text.replace(/\n/g, '\r\n'));
    expect(bytes.toString('latin1')).toContain(ESC_JIS);
  });

  it('ends every line in ASCII mode with CRLF', () => {
    const lines = encodeIso2022Jp('発注\r\n品番\rA-100\n数量').toString('latin1').split('\r\n');
    expect(lines).toHaveLength(4);
    for (const line of lines.filter((l) => l.includes(ESC_JIS))) {
      expect(line.endsWith(ESC_ASCII)).toBe(true);
    }
  });

  it('neutralises escape sequences and controls in the input', () => {
    const decoded = decoder.decode(encodeIso2022Jp(`a${ESC_JIS}\x00b\x0ec`));
    expect(decoded).toBe('a $B b c');
  });

  it('widens half-width katakana and maps platform variants of the same character', () => {
    expect(decoder.decode(encodeIso2022Jp('ｶﾞｯﾂ 〜～ −'))).toBe('ガッツ ～～ －');
  });

  it('replaces characters outside JIS X 0208 with a compatible form or 〓', () => {
    expect(decoder.decode(encodeIso2022Jp('①㈱ 髙 𠮷 😀'))).toBe('1(株) 〓 〓 〓');
  });

  it('keeps lines within SMTP’s limit', () => {
    const lines = encodeIso2022Jp('発'.repeat(2000)).toString('latin1').split('\r\n');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(998);
    // Each line is a complete ISO-2022-JP string, so each decodes on its own.
    const decoded = lines.map((line) => decoder.decode(Buffer.from(line, 'latin1'))).join('');
    expect(decoded).toBe('発'.repeat(2000));
  });
});

describe('encodeIso2022JpHeader', () => {
  it('leaves printable ASCII alone', () => {
    expect(encodeIso2022JpHeader('PO-20261128-0001')).toBe('PO-20261128-0001');
  });

  it('splits long values into complete encoded-words of at most 75 characters', () => {
    // Prepare
    const subject = `${'発注書'.repeat(20)} PO-20261128-0001`;

    // Act
    const header = encodeIso2022JpHeader(subject);

    // Assess
    const words = header.split(' ');
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
    expect(decodeWords(header)).toBe(subject);
  });

  it('round-trips any mix of ASCII, kana and kanji', () => {
    const chars = fc.constantFrom(
      ...'abc XYZ-012あいうアイウ発注書御中株式会社品番数量、。'.split(''),
    );
    fc.assert(
      fc.property(fc.array(chars, { minLength: 1, maxLength: 60 }), (parts) => {
        const value = parts.join('');
        const header = encodeIso2022JpHeader(value);
        if (/^[\x20-\x7e]*$/.test(value)) expect(header).toBe(value);
        else expect(decodeWords(header)).toBe(value);
      }),
    );
  });
});
