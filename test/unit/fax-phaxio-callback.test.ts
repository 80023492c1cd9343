import {
  parsePhaxioCallback,
  PhaxioCallbackError,
  readPhaxioCallbackForm,
  signPhaxioCallback,
  verifyPhaxioSignature,
} from '../../shared/edge/phaxio-callback';

const TOKEN = 'callback-token-for-tests';
const URL_AS_SUBMITTED = 'https://bridge.example.jp/webhooks/fax?token=abc';

function faxJson(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: 123456,
    direction: 'sent',
    num_pages: 1,
    status: 'success',
    is_test: false,
    created_at: '2026-11-28T11:15:05+09:00',
    recipients: [
      {
        phone_number: '+81312345678',
        status: 'success',
        completed_at: '2026-11-28T11:20:00+09:00',
      },
    ],
    tags: { order_number: 'PO-20261128-0001' },
    error_type: null,
    error_message: null,
    error_id: null,
    completed_at: '2026-11-28T11:20:00+09:00',
    ...overrides,
  });
}

function callbackFields(fax = faxJson()): Record<string, string> {
  return { success: 'true', is_test: 'false', direction: 'sent', fax };
}

describe('signPhaxioCallback', () => {
  // Vectors from Phaxio's own Ruby client tests (phaxio/phaxio-ruby spec/resources
  // callback_spec.rb and webhook_spec.rb), which implement https://www.phaxio.com/docs/security/callbacks.
  it('matches the vector of Phaxio’s Ruby client for fields', () => {
    expect(
      signPhaxioCallback({
        url: 'example.com',
        fields: { test: 'true' },
        token: 'test-callback-token',
      }),
    ).toBe('663099785e5eff09f0cd6f2bd5d78c852f3b670d');
  });

  it('matches the vector of Phaxio’s Ruby client for file parts', () => {
    // That spec writes "foo" and "bar" to temp files and reads them without rewinding, so the
    // signed contents are empty: each part contributes "file" + SHA-1("").
    const files = [
      { name: 'file', content: Buffer.alloc(0) },
      { name: 'file', content: Buffer.alloc(0) },
    ];
    expect(
      signPhaxioCallback({
        url: 'example.com',
        fields: { test: 'true' },
        files,
        token: 'test-webhook-token',
      }),
    ).toBe('1d2426c242a8c5de7eb1d9b662b7fda1d0b6edab');
  });

  it('refuses an empty token instead of signing with it', () => {
    expect(() => signPhaxioCallback({ url: 'x', fields: {}, token: '' })).toThrow(TypeError);
  });
});

describe('verifyPhaxioSignature', () => {
  const fields = callbackFields();
  const files = [{ name: 'file', content: Buffer.from('%PDF-1.4 fax') }];
  const signature = signPhaxioCallback({ url: URL_AS_SUBMITTED, fields, files, token: TOKEN });
  const valid = { url: URL_AS_SUBMITTED, fields, files, signature, token: TOKEN };

  it('accepts the signature of exactly this callback', () => {
    expect(verifyPhaxioSignature(valid)).toBe(true);
  });

  it('does not depend on the order the fields arrived in', () => {
    const reordered = Object.fromEntries(Object.entries(fields).reverse());
    expect(verifyPhaxioSignature({ ...valid, fields: reordered })).toBe(true);
  });

  it('accepts the hex in upper case and with surrounding spaces', () => {
    expect(verifyPhaxioSignature({ ...valid, signature: ` ${signature.toUpperCase()} ` })).toBe(
      true,
    );
  });

  it('rejects a tampered field', () => {
    const tampered = { ...fields, fax: faxJson({ status: 'failure' }) };
    expect(verifyPhaxioSignature({ ...valid, fields: tampered })).toBe(false);
  });

  it('rejects an added field', () => {
    expect(verifyPhaxioSignature({ ...valid, fields: { ...fields, extra: '' } })).toBe(false);
  });

  it('rejects a tampered file', () => {
    const tampered = [{ name: 'file', content: Buffer.from('%PDF-1.4 fax!') }];
    expect(verifyPhaxioSignature({ ...valid, files: tampered })).toBe(false);
  });

  it('rejects another token', () => {
    expect(verifyPhaxioSignature({ ...valid, token: 'someone-elses-token' })).toBe(false);
  });

  it('rejects another URL (the signature covers the URL as submitted)', () => {
    expect(verifyPhaxioSignature({ ...valid, url: `${URL_AS_SUBMITTED}&x=1` })).toBe(false);
  });

  it.each([undefined, '', 'not-hex', signature.slice(0, 39), `${signature}00`])(
    'rejects a missing or malformed signature %j',
    (bad) => {
      expect(verifyPhaxioSignature({ ...valid, signature: bad })).toBe(false);
    },
  );
});

describe('parsePhaxioCallback', () => {
  it('turns success into delivered with the order number from the tags', () => {
    expect(parsePhaxioCallback(callbackFields())).toEqual({
      faxId: '123456',
      orderNumber: 'PO-20261128-0001',
      status: 'delivered',
      at: '2026-11-28T02:20:00.000Z',
    });
  });

  it('turns failure into failed with Phaxio’s error message as detail', () => {
    // Prepare
    const fax = faxJson({
      status: 'failure',
      error_type: 'lineError',
      error_message: 'Busy',
      recipients: [
        {
          phone_number: '+81312345678',
          status: 'failure',
          error_type: 'lineError',
          error_message: 'Busy',
        },
      ],
    });

    // Act
    const update = parsePhaxioCallback({ ...callbackFields(fax), success: 'false' });

    // Assess
    expect(update).toEqual({
      faxId: '123456',
      orderNumber: 'PO-20261128-0001',
      status: 'failed',
      detail: 'Busy (lineError)',
      at: '2026-11-28T02:20:00.000Z',
    });
  });

  it('falls back to the recipient’s error and treats partial success as failed', () => {
    const fax = faxJson({
      status: 'partialsuccess',
      recipients: [{ phone_number: '+81312345678', status: 'failure', error_message: 'No answer' }],
    });
    expect(parsePhaxioCallback(callbackFields(fax))).toMatchObject({
      status: 'failed',
      detail: 'No answer',
    });
  });

  it('accepts PHP’s empty-array tags and string ids, leaving the order number out', () => {
    const update = parsePhaxioCallback(callbackFields(faxJson({ id: '77', tags: [] })));
    expect(update).toEqual({ faxId: '77', status: 'delivered', at: '2026-11-28T02:20:00.000Z' });
  });

  it('uses receivedAt when Phaxio sent no completion time', () => {
    const fax = faxJson({ completed_at: null, recipients: [] });
    expect(
      parsePhaxioCallback(callbackFields(fax), { receivedAt: new Date('2026-11-28T03:00:00Z') }).at,
    ).toBe('2026-11-28T03:00:00.000Z');
    expect(() => parsePhaxioCallback(callbackFields(fax))).toThrow(PhaxioCallbackError);
  });

  it.each([
    ['no fax field', { success: 'true' }],
    ['fax that is not JSON', callbackFields('{not json')],
    ['fax without a status', callbackFields(faxJson({ status: undefined }))],
    ['non-final status', callbackFields(faxJson({ status: 'inprogress' }))],
    [
      'received fax',
      { ...callbackFields(faxJson({ direction: 'received' })), direction: 'received' },
    ],
  ])('rejects a %s', (_what, fields) => {
    expect(() => parsePhaxioCallback(fields)).toThrow(PhaxioCallbackError);
  });
});

describe('readPhaxioCallbackForm', () => {
  it('reads fields and files of a multipart body', async () => {
    // Prepare
    const form = new FormData();
    form.append('success', 'true');
    form.append('fax', faxJson());
    form.append('file', new Blob([Buffer.from('%PDF-1.4')], { type: 'application/pdf' }), 'a.pdf');
    const request = new Request('http://x/', { method: 'POST', body: form });
    const body = Buffer.from(await request.arrayBuffer());

    // Act
    const parsed = await readPhaxioCallbackForm(body, request.headers.get('content-type') ?? '');

    // Assess
    expect(parsed.fields).toEqual({ success: 'true', fax: faxJson() });
    expect(parsed.files).toEqual([{ name: 'file', content: Buffer.from('%PDF-1.4') }]);
  });

  it('rejects a body that is not a form', async () => {
    await expect(readPhaxioCallbackForm(Buffer.from('{}'), 'application/json')).rejects.toThrow(
      PhaxioCallbackError,
    );
  });
});
