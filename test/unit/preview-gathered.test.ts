import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderOrderEmail } from '../../shared/documents/order-email';
import { defaultFontPaths, renderOrderPdf } from '../../shared/documents/order-form-pdf';
import {
  countPdfPages,
  EXIT_BAD_INPUT,
  PREVIEW_LINK_MARK,
  previewPage,
  runPreview,
  type PreviewResult,
} from '../../scripts/lib/preview';
import { DEMO_CONFIG_PATH, webhookFixturePath } from '../fixtures/kintone-webhooks';
import { extractPdfText, squash } from '../support/pdf-text';

const LOW = webhookFixturePath('update-record-low.json');
const NOW = '2026-12-02T01:00:00Z';

function written(result: PreviewResult): Extract<PreviewResult, { exitCode: 0 }> {
  if (result.exitCode !== 0) throw new Error(`preview failed: ${result.message}`);
  return result;
}

/** A fresh temporary folder for the describe block, removed after it; returns a path maker. */
function tempDir(prefix: string): (name: string) => string {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return (name) => path.join(dir, name);
}

describe('npm run preview: everything the supplier gets', () => {
  const inDir = tempDir('preview-all-');

  it('writes email (MIME, text, HTML), fax PDF and supplier page with an index marked プレビュー', async () => {
    // Act
    const out = inDir('record');
    const result = written(
      await runPreview([
        '--record',
        LOW,
        '--config',
        DEMO_CONFIG_PATH,
        '--as',
        'all',
        '--out',
        out,
        '--now',
        NOW,
      ]),
    );

    // Assess
    expect(result.format).toBe('all');
    expect(result.files?.map((file) => path.basename(file))).toEqual([
      'index.html',
      'email.eml',
      'email.txt',
      'email.html',
      'fax.pdf',
      'supplier-page.html',
    ]);
    const { request } = result;
    const email = renderOrderEmail(request);
    expect(await readFile(path.join(out, 'email.txt'), 'utf8')).toBe(email.text);
    expect(await readFile(path.join(out, 'email.html'), 'utf8')).toBe(email.html);
    const pdf = await readFile(path.join(out, 'fax.pdf'));
    expect(pdf.equals(await renderOrderPdf(request, defaultFontPaths()))).toBe(true);
    expect(await readFile(path.join(out, 'supplier-page.html'), 'utf8')).toBe(
      previewPage(request, 'ja'),
    );
    const index = await readFile(path.join(out, 'index.html'), 'utf8');
    expect(index).toContain('<strong>プレビュー</strong>');
    expect(index).toContain('署名されていません');
    expect(index).toContain('<iframe src="email.html"');
    expect(index).toContain('<embed src="fax.pdf"');
    expect(index).toContain('<iframe src="supplier-page.html"');
  });

  it('shows the link and QR code, but never a signed link: the sample host and mark', async () => {
    const result = written(
      await runPreview([
        '--record',
        LOW,
        '--config',
        DEMO_CONFIG_PATH,
        '--as',
        'pdf',
        '--out',
        inDir('linked.pdf'),
        '--now',
        NOW,
      ]),
    );
    const url = result.request.supplierPageUrl ?? '';
    expect(url).toBe(`https://preview.invalid/o/PO-PREVIEW.${PREVIEW_LINK_MARK}`);
    // demo.json's linkTtlDays is 30: the link is said to work through the 30th day after.
    expect(result.request.linkExpiresAt).toBe('2027-01-01T01:00:00.000Z');
    expect(renderOrderEmail(result.request).text).toContain(
      `${url}\n※このリンクは2026年12月31日まで有効です。`,
    );
    const pdf = await readFile(inDir('linked.pdf'));
    expect(pdf.toString('latin1')).toContain('/Subtype /Image');
    expect(result.message).toContain(`link (preview sample, not signed): ${url}`);
  });

  it('shows the ship-to the record maps to (app 12: its default, 本社倉庫)', async () => {
    const result = written(
      await runPreview([
        '--record',
        LOW,
        '--config',
        DEMO_CONFIG_PATH,
        '--as',
        'email',
        '--out',
        inDir('shipped.eml'),
        '--now',
        NOW,
      ]),
    );
    expect(result.request.shipTo?.name).toBe('株式会社デモ商事 本社倉庫');
    expect(renderOrderEmail(result.request).text).toContain(
      '【納品先】\n株式会社デモ商事 本社倉庫\n',
    );
  });

  it('writes the supplier page alone, with the answer button and the banner, in English too', async () => {
    const out = inDir('page.html');
    const result = written(
      await runPreview([
        '--record',
        LOW,
        '--config',
        DEMO_CONFIG_PATH,
        '--as',
        'page',
        '--out',
        out,
        '--now',
        NOW,
        '--lang',
        'en',
      ]),
    );
    const html = await readFile(out, 'utf8');
    expect(result.format).toBe('page');
    expect(html).toContain('<strong>Preview</strong>');
    expect(html).toContain('<button type="submit">Send</button>');
    expect(html).toContain('action="#"');
  });
});

describe('npm run preview -- --gathered', () => {
  const inDir = tempDir('preview-gathered-');

  it('previews a sample order of 5 lines with a ship-to, prices and 軽減税率 lines', async () => {
    // Act
    const out = inDir('five');
    const result = written(
      await runPreview(['--lines', '5', '--config', DEMO_CONFIG_PATH, '--out', out, '--now', NOW]),
    );

    // Assess
    const { request } = result;
    expect(result.format).toBe('all');
    expect(request.lines).toHaveLength(5);
    expect(request.lines.every((line) => line.unitPrice !== undefined)).toBe(true);
    expect(request.lines.filter((line) => line.taxClass === 'reduced')).toHaveLength(2);
    expect(request.shipTo?.name).toBe('株式会社デモ商事 本社倉庫');
    expect(request.totals).toMatchObject({ subtotal: 39_020, tax: 3656, total: 42_676 });
    expect(request.totals?.byRate.map((rate) => rate.ratePercent)).toEqual([10, 8]);
    // Two lead times: each line carries its own date.
    expect(new Set(request.lines.map((line) => line.desiredDeliveryDate))).toEqual(
      new Set(['2026-12-05', '2026-12-07']),
    );
    const text = await readFile(path.join(out, 'email.txt'), 'utf8');
    expect(text).toContain('合計（税込）：¥42,676');
    const fax = await extractPdfText(await readFile(path.join(out, 'fax.pdf')));
    const all = squash(fax.text.join(''));
    for (const part of [
      '【納品先】',
      '8%対象（※軽減税率）¥12,260',
      '合計（税込）¥42,676',
      '注文請書',
    ]) {
      expect(all).toContain(squash(part));
    }
    expect(result.message).toContain('total ¥42,676 (tax ¥3,656)');
    expect(result.message).toContain('(+2 more)');
  });

  it('takes --gathered alone as 5 lines, and --lines 35 as a form of several pages', async () => {
    const five = written(
      await runPreview(['--gathered', '--as', 'pdf', '--out', inDir('g.pdf'), '--now', NOW]),
    );
    expect(five.request.lines).toHaveLength(5);
    const many = written(
      await runPreview(['--lines', '35', '--as', 'pdf', '--out', inDir('m.pdf'), '--now', NOW]),
    );
    expect(many.request.lines).toHaveLength(35);
    expect(new Set(many.request.lines.map((line) => line.sku)).size).toBe(35);
    expect(countPdfPages(await readFile(inDir('m.pdf')))).toBeGreaterThanOrEqual(2);
  });

  it.each([
    [['--lines', '0'], /--lines must be a whole number from 1 to 99/],
    [['--lines', 'many'], /--lines must be a whole number/],
    [['--gathered', '--record', LOW], /either --record or --gathered/],
    [['--gathered', '--as', 'fax'], /--as must be pdf, email, page or all/],
  ])('refuses %p', async (argv, message) => {
    const result = await runPreview(argv);
    expect(result.exitCode).toBe(EXIT_BAD_INPUT);
    expect(result.message).toMatch(message);
  });
});
