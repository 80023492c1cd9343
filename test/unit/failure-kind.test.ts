import { describeFailure, failureKind } from '../../shared/use-cases/failure-kind';

/** An error with extra properties, as SDKs and the kintone client throw them. */
function errorWith(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name }, extra);
}

describe('failureKind', () => {
  it.each([
    ['kintone 503', errorWith('KintoneRestAPIError', '[503] maintenance', { status: 503 })],
    ['kintone 429', errorWith('KintoneRestAPIError', '[429] too many', { status: 429 })],
    [
      'kintone GAIA_TO04',
      errorWith('KintoneRestAPIError', 'limit', { status: 400, code: 'GAIA_TO04' }),
    ],
    ['kintone revision conflict', errorWith('KintoneRestAPIError', 'x', { code: 'GAIA_CO02' })],
    [
      'SES throttling',
      errorWith('Throttling', 'Maximum sending rate exceeded', { $retryable: {} }),
    ],
    [
      'DynamoDB 500',
      errorWith('InternalServerError', 'x', {
        $metadata: { httpStatusCode: 500 },
        $fault: 'server',
      }),
    ],
    ['a refused connection', errorWith('Error', 'connect ECONNREFUSED', { code: 'ECONNREFUSED' })],
    [
      'fetch failed',
      errorWith('TypeError', 'fetch failed', { cause: { code: 'UND_ERR_CONNECT_TIMEOUT' } }),
    ],
    ['a retryable channel error', errorWith('OrderMailerError', 'x', { retryable: true })],
    ['an unknown error (retried, then dead-lettered)', new Error('something odd')],
  ])('retries %s', (_what, error) => {
    expect(failureKind(error)).toBe('transient');
  });

  it.each([
    ['a malformed message', errorWith('MalformedMessageError', 'not a kintone notification')],
    ['an unconfigured app', errorWith('UnknownAppError', 'kintone app 99 is not configured')],
    ['a TypeError from bad data', new TypeError("Cannot read properties of null (reading 'x')")],
    [
      "DynamoDB's marshaller refusing a huge number",
      new Error('Number 1e+30 is greater than Number.MAX_SAFE_INTEGER. Use BigInt.'),
    ],
    [
      'a kintone 400 (a field the app lacks)',
      errorWith('KintoneRestAPIError', '[400] [CB_VA01]', { status: 400, code: 'CB_VA01' }),
    ],
    ['a deleted record (404)', errorWith('KintoneRestAPIError', 'GAIA_RE01', { status: 404 })],
    [
      'a DynamoDB validation error',
      errorWith('ValidationException', 'x', {
        $metadata: { httpStatusCode: 400 },
        $fault: 'client',
      }),
    ],
    ['a channel refusing for good', errorWith('InvalidRecipientError', 'x', { retryable: false })],
  ])('parks %s', (_what, error) => {
    expect(failureKind(error)).toBe('permanent');
  });
});

describe('describeFailure', () => {
  it('gives name and message on one line, without the stack, cut to length', () => {
    // Act
    const text = describeFailure(new TypeError(`line one\n   line two ${'x'.repeat(400)}`), 60);

    // Assess
    expect(text).toMatch(/^TypeError: line one line two x+…$/);
    expect(text).toHaveLength(60);
  });
});
