import fc from 'fast-check';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { requestBody, requestText } from '../../shared/edge/request';

function event(body: string | undefined, isBase64Encoded = false): APIGatewayProxyEventV2 {
  return { ...(body === undefined ? {} : { body }), isBase64Encoded } as APIGatewayProxyEventV2;
}

/** What requestText stands for: the buffer, its length checked, as text. */
function throughBuffer(input: APIGatewayProxyEventV2, maxBytes: number): string | undefined {
  const buffer = requestBody(input);
  return buffer.byteLength > maxBytes ? undefined : buffer.toString('utf8');
}

describe('requestText', () => {
  it.each([
    ['ASCII', '{"a":1}'],
    ['Japanese and an emoji', '{"品名":"ボールペン😀"}'],
    ['a byte order mark', '\uFEFF{"a":1}'],
    ['U+FFFE and U+FFFF', '{"a":"\uFFFE\uFFFF"}'],
    ['a lone high surrogate', '{"a":"\uD800x"}'],
    ['a lone low surrogate at the end', '{"a":"x"}\uDC00'],
    ['nothing', ''],
  ])('gives the text of the UTF-8 body with %s as the buffer would', (_name, body) => {
    // Act
    const text = requestText(event(body), 1024);

    // Assess
    expect(text).toBe(Buffer.from(body, 'utf8').toString('utf8'));
  });

  it('reads a base64 body as UTF-8 text', () => {
    // Arrange
    const body = Buffer.from('{"品名":"ボールペン"}', 'utf8').toString('base64');

    // Act
    const text = requestText(event(body, true), 1024);

    // Assess
    expect(text).toBe('{"品名":"ボールペン"}');
  });

  it('reads a missing body as empty text', () => {
    // Act
    const text = requestText(event(undefined), 1024);

    // Assess
    expect(text).toBe('');
  });

  it('refuses a body of more than maxBytes UTF-8 bytes, counting every byte', () => {
    // Arrange: 3 characters of 3 bytes each.
    const body = 'ペン紙';

    // Act
    const fits = requestText(event(body), 9);
    const over = requestText(event(body), 8);

    // Assess
    expect(fits).toBe(body);
    expect(over).toBeUndefined();
  });

  it('counts a lone surrogate as the 3 bytes of U+FFFD it becomes', () => {
    // Act
    const fits = requestText(event('a\uD800'), 4);
    const over = requestText(event('a\uD800'), 3);

    // Assess
    expect(fits).toBe('a\uFFFD');
    expect(over).toBeUndefined();
  });

  it('agrees with the buffer for any text and any limit', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map(String.fromCharCode) }),
        fc.integer({ min: 0, max: 200 }),
        fc.boolean(),
        (text, surrogates, maxBytes, base64) => {
          const body = base64
            ? Buffer.from(text + surrogates, 'utf8').toString('base64')
            : text + surrogates;
          expect(requestText(event(body, base64), maxBytes)).toBe(
            throughBuffer(event(body, base64), maxBytes),
          );
        },
      ),
    );
  });
});
