import fc from 'fast-check';
import { decodeMimeWords } from '../../local/ses/ses-store';
import { isRetryableSesError } from '../../shared/adapters/ses/ses-order-mailer';
import { encodeMimeWords, formatMailbox, isPlausibleEmailAddress } from '../../shared/edge/mailbox';

describe('isPlausibleEmailAddress', () => {
  it.each(['order@sample-bungu.example.jp', 'a.b+po@example.co.jp', '0312345678@fax.example.jp'])(
    'accepts %s',
    (address) => expect(isPlausibleEmailAddress(address)).toBe(true),
  );

  it.each([
    '',
    'order',
    'order@localhost',
    'a@example.com, b@example.com',
    'a@example.com b@example.com',
    '株式会社 <order@example.jp>',
    'order@example.jp\r\nBcc: evil@example.com',
    '"x"@example.jp',
    `${'a'.repeat(250)}@example.jp`,
  ])('rejects %j', (address) => expect(isPlausibleEmailAddress(address)).toBe(false));
});

describe('formatMailbox', () => {
  it('encodes a Japanese display name as an RFC 2047 encoded-word', () => {
    expect(formatMailbox('株式会社ストック商事', 'po@example.jp')).toBe(
      `=?UTF-8?B?${Buffer.from('株式会社ストック商事').toString('base64')}?= <po@example.jp>`,
    );
  });

  it('quotes an ASCII display name and escapes its quotes and backslashes', () => {
    expect(formatMailbox('Stock "Shoji", Inc.\\', 'po@example.jp')).toBe(
      '"Stock \\"Shoji\\", Inc.\\\\" <po@example.jp>',
    );
  });

  it('drops line breaks from the display name and omits an empty one', () => {
    expect(formatMailbox('Stock\r\nBcc: evil@example.com', 'po@example.jp')).toBe(
      '"Stock Bcc: evil@example.com" <po@example.jp>',
    );
    expect(formatMailbox(' \r\n', 'po@example.jp')).toBe('po@example.jp');
  });
});

describe('encodeMimeWords', () => {
  it('splits long names into words of at most 75 characters that decode back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }), (name) => {
        // Act
        const encoded = encodeMimeWords(name);

        // Assess
        for (const word of encoded.split(' ')) expect(word.length).toBeLessThanOrEqual(75);
        expect(decodeMimeWords(encoded)).toBe(name);
      }),
    );
  });

  it('never cuts a character in half, even outside the BMP', () => {
    const name = '𠮷野家'.repeat(10);
    const words = encodeMimeWords(name).split(' ');
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) expect(decodeMimeWords(word)).not.toContain('\ufffd');
  });
});

describe('isRetryableSesError', () => {
  const sdkError = (name: string, httpStatusCode?: number, fault?: 'client' | 'server') =>
    Object.assign(new Error(name), {
      name,
      $metadata: httpStatusCode === undefined ? {} : { httpStatusCode },
      ...(fault ? { $fault: fault } : {}),
    });

  it.each([
    ['Throttling', sdkError('Throttling', 400, 'client')],
    ['TooManyRequestsException', sdkError('TooManyRequestsException', 429, 'client')],
    ['ServiceUnavailable', sdkError('ServiceUnavailable', 503, 'server')],
    ['an unnamed 500', sdkError('Error', 500)],
    ['a refused connection', Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })],
    ['a request timeout', sdkError('TimeoutError')],
    ['a request that got no answer', sdkError('Error')],
  ])('retries %s', (_label, error) => expect(isRetryableSesError(error)).toBe(true));

  it.each([
    ['MessageRejected', sdkError('MessageRejected', 400, 'client')],
    ['an unverified sender', sdkError('MailFromDomainNotVerifiedException', 400, 'client')],
    ['a paused account', sdkError('AccountSendingPausedException', 400, 'client')],
    ['an unnamed 400', sdkError('Error', 400)],
    ['a programming error', new TypeError('x is undefined')],
    ['a thrown string', 'boom'],
  ])('does not retry %s', (_label, error) => expect(isRetryableSesError(error)).toBe(false));
});
