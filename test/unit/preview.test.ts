import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderOrderEmail } from '../../shared/documents/order-email';
import { defaultFontPaths, renderOrderPdf } from '../../shared/documents/order-form-pdf';
import {
  countPdfPages,
  EXIT_BAD_INPUT,
  EXIT_NO_ORDER,
  runPreview,
  type PreviewResult,
} from '../../scripts/lib/preview';
import {
  DEMO_CONFIG_PATH,
  loadWebhookFixture,
  webhookFixturePath,
} from '../fixtures/kintone-webhooks';

const LOW = webhookFixturePath('update-record-low.json');
const NOW = '2026-11-28T02:15:00Z';

/** The MIME parts of a message as text, decoded from base64 or quoted-printable. */
function decodedParts(eml: string): Array<{ contentType: string; body: string }> {
  const boundary = /boundary="([^"]+)"/.exec(eml)?.[1];
  if (boundary === undefined) throw new Error('not a multipart message');
  return eml
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const [head = '', ...rest] = part.replace(/^\r\n/, '').split('\r\n\r\n');
      // The line break before a boundary belongs to the boundary (RFC 2046), not to the body.
      const raw = rest.join('\r\n\r\n').replace(/\r\n$/, '');
      const encoding = /Content-Transfer-Encoding: (\S+)/i.exec(head)?.[1]?.toLowerCase();
      const body =
        encoding === 'base64'
          ? Buffer.from(raw.replace(/\s+/g, ''), 'base64').toString('utf8')
          : Buffer.from(
              raw.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => `%${hex}`),
              'latin1',
            )
              .toString('latin1')
              .replace(/(%[0-9A-F]{2})+/g, (escaped) => decodeURIComponent(escaped));
      return { contentType: /Content-Type: ([^;\r\n]+)/i.exec(head)?.[1] ?? '', body };
    });
}

function written(result: PreviewResult): Extract<PreviewResult, { exitCode: 0 }> {
  if (result.exitCode !== 0) throw new Error(`preview failed: ${result.message}`);
  return result;
}

describe('runPreview', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'preview-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const args = (as: string, out: string, ...extra: string[]): string[] => [
    '--record',
    LOW,
    '--config',
    DEMO_CONFIG_PATH,
    '--as',
    as,
    '--out',
    out,
    '--now',
    NOW,
    ...extra,
  ];

  it('writes exactly the PDF the fax channel would send', async () => {
    // Prepare
    const out = path.join(dir, 'nested', 'order.pdf');
    // Act
    const result = written(await runPreview(args('pdf', out)));
    // Assess
    const pdf = await readFile(out);
    expect(result.request).toMatchObject({
      orderNumber: 'PO-PREVIEW',
      orderDate: '2026-11-28',
      desiredDeliveryDate: '2026-12-01',
      lines: [{ sku: 'A-100', quantity: 84, unit: '本' }],
    });
    const expected = await renderOrderPdf(result.request, defaultFontPaths());
    expect(pdf.equals(expected)).toBe(true);
    expect(countPdfPages(pdf)).toBe(1);
    expect(result.bytes).toBe(pdf.length);
    expect(result.message).toContain(`wrote ${out} (PDF, 1 page,`);
    expect(result.message).toContain('A-100 84本');
  });

  it('uses the given order number', async () => {
    const out = path.join(dir, 'numbered.pdf');
    const result = written(
      await runPreview(args('pdf', out, '--order-number', 'PO-20261128-0001')),
    );
    expect(result.request.orderNumber).toBe('PO-20261128-0001');
  });

  it('writes the email as a MIME message from the company to the supplier', async () => {
    const out = path.join(dir, 'order.eml');
    const result = written(await runPreview(args('email', out)));
    const eml = await readFile(out, 'utf8');
    const email = renderOrderEmail(result.request);

    expect(result.format).toBe('eml');
    expect(eml).toMatch(/^From: .*\r?\n? *<purchasing@demo-shoji\.example\.jp>/m);
    expect(eml).toMatch(/^To: .*\r?\n? *<order@sample-bungu\.example\.jp>/m);
    expect(eml).toMatch(/^Reply-To: purchasing@demo-shoji\.example\.jp/m);
    expect(eml).toMatch(/^Date: Sat, 28 Nov 2026 02:15:00 \+0000/m);
    expect(eml).toMatch(/^Content-Type: multipart\/alternative/m);
    const parts = decodedParts(eml);
    expect(parts.map((part) => part.contentType)).toEqual(['text/plain', 'text/html']);
    expect(parts[0]?.body).toBe(email.text);
    expect(parts[1]?.body).toBe(email.html);
  });

  it('writes only the HTML body when the output ends in .html', async () => {
    const out = path.join(dir, 'order.html');
    const result = written(await runPreview(args('email', out)));
    expect(result.format).toBe('html');
    expect(await readFile(out, 'utf8')).toBe(renderOrderEmail(result.request).html);
  });

  it('exits 2 with the reason, and writes nothing, when no order would be placed', async () => {
    const out = path.join(dir, 'recovered.pdf');
    const result = await runPreview([
      ...args('pdf', out).slice(2),
      '--record',
      webhookFixturePath('update-record-recovered.json'),
    ]);
    expect(result.exitCode).toBe(EXIT_NO_ORDER);
    expect(result.message).toMatch(/^no order would be placed \(no-order\): .*発注不要/);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 with the problems of a record that cannot be evaluated', async () => {
    const notification = loadWebhookFixture('update-record-low.json');
    const record = notification.record as Record<string, { type: string; value: unknown }>;
    record['在庫数'] = { type: 'NUMBER', value: '' };
    const recordPath = path.join(dir, 'broken.json');
    await writeFile(recordPath, JSON.stringify(notification));
    const result = await runPreview([
      ...args('pdf', path.join(dir, 'broken.pdf')).slice(2),
      '--record',
      recordPath,
    ]);
    expect(result.exitCode).toBe(EXIT_NO_ORDER);
    expect(result.message).toContain('cannot-evaluate');
    expect(result.message).toContain('「在庫数」が空です');
  });

  it.each([
    [['--record', LOW], /missing --config, --as, --out/],
    [
      ['--as', 'fax', '--record', LOW, '--config', 'c', '--out', 'o'],
      /--as must be pdf, email, page or all/,
    ],
    [['--bogus'], /Unknown option '--bogus'/],
    [
      [
        '--record',
        webhookFixturePath('delete-record.json'),
        '--config',
        DEMO_CONFIG_PATH,
        '--as',
        'pdf',
        '--out',
        'x.pdf',
      ],
      /DELETE_RECORD notification/,
    ],
    [
      ['--record', LOW, '--config', 'nope.json', '--as', 'pdf', '--out', 'x.pdf'],
      /cannot read configuration file nope\.json/,
    ],
    [
      [
        '--record',
        webhookFixturePath('update-record-subtable.json'),
        '--config',
        DEMO_CONFIG_PATH,
        '--as',
        'pdf',
        '--out',
        'x.pdf',
      ],
      /app 15 keeps its items in the rows of the table "在庫明細"/,
    ],
  ])('exits 1 for unusable input %#', async (argv, message) => {
    const result = await runPreview(argv);
    expect(result.exitCode).toBe(EXIT_BAD_INPUT);
    expect(result.message).toMatch(message);
  });
});
