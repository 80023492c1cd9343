import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfigFile, findApp } from '../../shared/config/load-config';
import { buildOrderRequest } from '../../shared/dispatch/build-order-request';
import { evaluateReorder } from '../../shared/domain/evaluate-reorder';
import type { OrderLine, OrderRequest } from '../../shared/domain/order';
import { renderOrderEmail } from '../../shared/email/render-order-email';
import {
  addressSupplier,
  ORDER_FORM_CLOSING,
  ORDER_FORM_DUPLICATE_NOTE,
  ORDER_FORM_END_MARK,
  ORDER_FORM_GREETING,
  ORDER_FORM_TABLE_CAPTION,
  orderFormContent,
  printable,
} from '../../shared/fax/order-form-content';
import { loadFontBytes } from '../../shared/fax/order-form-fonts';
import {
  defaultFontPaths,
  ORDER_TABLE_COLUMNS,
  OrderPdfFontError,
  renderOrderPdf,
} from '../../shared/fax/render-order-pdf';
import { notificationSchema, isRecordNotification } from '../../shared/kintone/notification';
import { mapRecord } from '../../shared/kintone/record-mapper';
import { DEMO_CONFIG_PATH, loadWebhookFixture } from '../fixtures/kintone-webhooks';

/** A one-page order form must stay small enough to fax quickly and to store per order. */
const ONE_PAGE_BUDGET_BYTES = 50 * 1024;

/**
 * The order the bridge builds from update-record-low.json with config/demo.json, through the
 * same steps as the dispatch function (A-100 at 18 of 20 → 84 本, delivery in 3 days).
 */
function fixtureOrder(): OrderRequest {
  const config = loadConfigFile(DEMO_CONFIG_PATH);
  const notification = notificationSchema.parse(loadWebhookFixture('update-record-low.json'));
  if (!isRecordNotification(notification)) throw new Error('fixture is not a record notification');
  const app = findApp(config, notification.app.id);
  if (app === undefined) throw new Error('demo config lacks the fixture app');
  const mapped = mapRecord(notification.record, app);
  if (!mapped.ok) throw new Error(`fixture does not map: ${mapped.problems.join(', ')}`);
  const now = new Date('2026-11-28T02:15:00Z');
  const decision = evaluateReorder({
    mapped,
    state: {},
    notification: { id: notification.id, revision: mapped.item.revision },
    policy: { closedStatuses: app.statuses.closed, timeZone: config.timeZone },
    now,
  });
  if (decision.kind !== 'order') throw new Error(`fixture decision is ${decision.kind}`);
  return buildOrderRequest(mapped.item, decision, 'PO-20261128-0001', config, now);
}

function manyLines(count: number): OrderLine[] {
  return Array.from({ length: count }, (_, index) => ({
    sku: `SKU-${String(index + 1).padStart(3, '0')}`,
    name: `テスト商品 ${index + 1}`,
    quantity: (index + 1) * 100,
    unit: '個',
  }));
}

interface TextItem {
  str: string;
  x: number;
  y: number;
  width: number;
}

interface ExtractedPdf {
  totalPages: number;
  /** unpdf's extractText, one string per page. */
  text: string[];
  /** pdf.js text items per page, for geometry checks. */
  items: TextItem[][];
}

/**
 * unpdf loads pdf.js with a dynamic `import()` of an ES module, which jest's CommonJS VM
 * refuses without --experimental-vm-modules; a plain Node child process runs it as published.
 */
const EXTRACT_SCRIPT = `
import { extractText, getDocumentProxy } from 'unpdf';
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const pdf = await getDocumentProxy(new Uint8Array(Buffer.concat(chunks)));
const { totalPages, text } = await extractText(pdf, { mergePages: false });
const items = [];
for (let n = 1; n <= pdf.numPages; n += 1) {
  const content = await (await pdf.getPage(n)).getTextContent();
  items.push(content.items.filter((item) => 'str' in item && item.str.trim() !== '').map((item) => ({
    str: item.str, x: item.transform[4], y: item.transform[5], width: item.width,
  })));
}
process.stdout.write(JSON.stringify({ totalPages, text, items }));
`;

function extractPdf(pdf: Buffer): Promise<ExtractedPdf> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', EXTRACT_SCRIPT], {
      cwd: process.cwd(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`text extraction failed (${code}): ${Buffer.concat(err).toString()}`));
        return;
      }
      resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as ExtractedPdf);
    });
    child.stdin.end(pdf);
  });
}

/** Whitespace-insensitive: pdf.js breaks lines where the layout wrapped them. */
function squash(text: string): string {
  return text.replace(/\s+/g, '');
}

describe('renderOrderPdf', () => {
  const fonts = defaultFontPaths();

  describe('the fixture order (A-100, 84 本)', () => {
    let request: OrderRequest;
    let pdf: Buffer;
    let extracted: ExtractedPdf;

    beforeAll(async () => {
      // Prepare
      request = fixtureOrder();
      // Act
      pdf = await renderOrderPdf(request, fonts);
      extracted = await extractPdf(pdf);
    });

    it('is the order request built from the fixture', () => {
      expect(request).toMatchObject({
        orderNumber: 'PO-20261128-0001',
        orderDate: '2026-11-28',
        desiredDeliveryDate: '2026-12-01',
        lines: [{ sku: 'A-100', name: 'ボールペン 黒 0.5mm', quantity: 84, unit: '本' }],
      });
    });

    it('prints the title, order facts, supplier, company block, line and notes', () => {
      const text = extracted.text.join('\n');
      for (const expected of [
        '発注書',
        '発注番号：PO-20261128-0001',
        '発注日：2026年11月28日',
        '株式会社サンプル文具 御中',
        ORDER_FORM_GREETING,
        '納品希望日：2026年12月1日',
        `【${ORDER_FORM_TABLE_CAPTION}】`,
        '品番',
        '品名',
        '数量',
        '単位',
        'A-100',
        'ボールペン 黒 0.5mm',
        '84',
        '本',
        '備考',
        ORDER_FORM_DUPLICATE_NOTE,
        ORDER_FORM_CLOSING,
        ORDER_FORM_END_MARK,
        '株式会社デモ商事',
        '〒100-0005 東京都千代田区丸の内1-1-1 デモビル5F',
        'TEL：03-0000-1111',
        'FAX：03-0000-2222',
        'E-mail：purchasing@demo-shoji.example.jp',
        '担当：購買部 山田',
      ]) {
        expect(squash(text)).toContain(squash(expected));
      }
    });

    it('keeps the internal reason off the form', () => {
      expect(squash(extracted.text.join(''))).not.toContain(squash(request.reason));
      expect(extracted.text.join('')).not.toContain('発注点');
    });

    it('is one page under 50 KB, without page numbers', () => {
      expect(extracted.totalPages).toBe(1);
      expect(pdf.length).toBeLessThan(ONE_PAGE_BUDGET_BYTES);
      expect(extracted.text[0]).not.toMatch(/\d+ \/ \d+/);
    });

    it('embeds the Japanese font as a subset, not the 5 MB file', () => {
      const raw = pdf.toString('latin1');
      expect(raw).toContain('/FontFile2');
      // A subset font's name carries a six-letter tag, e.g. BZZZZZ+NotoSansJP-Regular.
      expect(raw).toMatch(/\/FontName \/[A-Z]{6}\+NotoSansJP-Regular/);
      expect(raw).not.toMatch(/\/BaseFont \/Helvetica/);
      const ttfBytes = statSync(fonts.fontPath).size;
      expect(ttfBytes).toBeGreaterThan(5_000_000);
      expect(pdf.length * 100).toBeLessThan(ttfBytes);
    });

    it('renders the same bytes for the same request', async () => {
      const again = await renderOrderPdf(fixtureOrder(), fonts);
      expect(again.equals(pdf)).toBe(true);
    });

    it('says what the email says, word for word', () => {
      const email = renderOrderEmail(request).text;
      const content = orderFormContent(request);
      for (const sentence of [
        ORDER_FORM_GREETING,
        ORDER_FORM_DUPLICATE_NOTE,
        ORDER_FORM_CLOSING,
        ORDER_FORM_END_MARK,
        `【${ORDER_FORM_TABLE_CAPTION}】`,
        content.addressee,
        ...content.companyLines,
      ]) {
        expect(email).toContain(sentence);
      }
    });
  });

  describe('an order of 80 lines', () => {
    let extracted: ExtractedPdf;

    beforeAll(async () => {
      const pdf = await renderOrderPdf({ ...fixtureOrder(), lines: manyLines(80) }, fonts);
      extracted = await extractPdf(pdf);
    });

    it('continues over several pages, each numbered n / total', () => {
      const pages = extracted.totalPages;
      expect(pages).toBeGreaterThanOrEqual(2);
      expect(extracted.text).toHaveLength(pages);
      extracted.text.forEach((page, index) => {
        expect(page).toContain(`${index + 1} / ${pages}`);
      });
    });

    it('repeats the table header and the order number on every page', () => {
      for (const page of extracted.text) {
        expect(squash(page)).toContain('品番品名数量単位');
        expect(page).toContain('PO-20261128-0001');
      }
    });

    it('prints every line once, with grouped quantities', () => {
      const all = extracted.text.join('\n');
      for (const line of manyLines(80)) {
        expect(all.match(new RegExp(`${line.sku}(?!\\d)`, 'g'))).toHaveLength(1);
      }
      expect(all).toContain('8,000');
    });

    it('puts the notes and 以上 after the last line', () => {
      const last = extracted.text.at(-1) ?? '';
      expect(last.indexOf('SKU-080')).toBeLessThan(last.indexOf(ORDER_FORM_END_MARK));
    });
  });

  describe('values from kintone', () => {
    it('prints markup as text and drops control characters', async () => {
      const request = {
        ...fixtureOrder(),
        lines: [
          {
            sku: 'B-1\u0000\u001b[31m',
            name: '<script>alert("x")</script>\r\n替芯\u202e&amp;',
            quantity: 1200,
            unit: '箱\u0085',
          },
        ],
      };
      const pdf = await renderOrderPdf(request, fonts);
      const { text } = await extractPdf(pdf);
      const all = text.join('\n');
      expect(all).toContain('<script>alert("x")</script>');
      expect(all).toContain('替芯');
      expect(all).toContain('&amp;');
      expect(all).toContain('1,200');
      expect(all).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    });

    it('wraps long names inside their cell instead of running into the next column', async () => {
      const longName =
        'ステンレス製替芯（業務用）'.repeat(8) + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.repeat(3);
      const longSku = 'X'.repeat(60);
      const request = {
        ...fixtureOrder(),
        lines: [{ sku: longSku, name: longName, quantity: 1234567, unit: 'ケース（12本入り）' }],
      };
      const { items } = await extractPdf(await renderOrderPdf(request, fonts));
      const page = items[0] ?? [];
      const headerY = page.find((item) => item.str === '品番')?.y;
      expect(headerY).toBeDefined();
      // Table cells are below the header row (PDF y grows upwards) and above the notes.
      const notesY = page.find((item) => item.str === '備考')?.y ?? 0;
      const cells = page.filter((item) => item.y < (headerY ?? 0) && item.y > notesY);
      expect(cells.length).toBeGreaterThan(4);
      for (const item of cells) {
        const column = ORDER_TABLE_COLUMNS.find(
          (c) => item.x >= c.left && item.x < c.left + c.width,
        );
        expect(column).toBeDefined();
        expect(item.x + item.width).toBeLessThanOrEqual((column?.left ?? 0) + (column?.width ?? 0));
      }
      // Very long values are cut with an ellipsis rather than growing past a page.
      expect(cells.some((item) => item.str.includes('…'))).toBe(true);
    });

    it('prints rare kanji and half-width kana from the embedded font', async () => {
      const request = {
        ...fixtureOrder(),
        supplier: { name: '髙橋𠮷商店' },
        lines: [{ sku: 'K-1', name: 'ﾎﾞｰﾙﾍﾟﾝ', quantity: 3, unit: 'ﾀﾞｰｽ' }],
      };
      const { text } = await extractPdf(await renderOrderPdf(request, fonts));
      expect(text.join('')).toContain('髙橋𠮷商店 御中');
      expect(text.join('')).toContain('ﾎﾞｰﾙﾍﾟﾝ');
    });

    it('does not add 御中 to a name that already has an honorific', async () => {
      const request = { ...fixtureOrder(), supplier: { name: '株式会社サンプル文具 御中' } };
      const { text } = await extractPdf(await renderOrderPdf(request, fonts));
      expect(text.join('').match(/御中/g)).toHaveLength(1);
    });
  });

  it('prints the order page link when one is given', async () => {
    const url = `https://orders.example.jp/o/PO-20261128-0001?sig=${'a1b2c3'.repeat(30)}`;
    const pdf = await renderOrderPdf(fixtureOrder(), { ...fonts, orderPageUrl: url });
    const { text, totalPages } = await extractPdf(pdf);
    expect(totalPages).toBe(1);
    expect(squash(text.join(''))).toContain(url);
  });

  it('rejects an order whose timestamp is not a date', async () => {
    await expect(
      renderOrderPdf({ ...fixtureOrder(), orderedAt: 'yesterday' }, fonts),
    ).rejects.toThrow(RangeError);
  });

  describe('fonts', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'order-pdf-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reads each font file once per process', async () => {
      const first = await loadFontBytes(fonts.fontPath);
      const second = await loadFontBytes(fonts.fontPath);
      expect(second).toBe(first);
    });

    it('names a missing font file, and tries again on the next render', async () => {
      const missing = path.join(dir, 'missing.ttf');
      await expect(renderOrderPdf(fixtureOrder(), { fontPath: missing })).rejects.toThrow(
        OrderPdfFontError,
      );
      await writeFile(missing, 'not a font');
      await expect(renderOrderPdf(fixtureOrder(), { fontPath: missing })).rejects.toThrow(
        /Cannot embed the order form font .*missing\.ttf/,
      );
    });

    it('works with the regular weight alone', async () => {
      const pdf = await renderOrderPdf(fixtureOrder(), { fontPath: fonts.fontPath });
      expect(pdf.toString('latin1')).not.toContain('NotoSansJP-Bold');
      expect(pdf.length).toBeLessThan(ONE_PAGE_BUDGET_BYTES);
    });
  });
});

describe('order form content', () => {
  it('makes kintone values printable on one line', () => {
    expect(printable('ボールペン\r\n黒\u202e\u200b  0.5mm\t')).toBe('ボールペン 黒 0.5mm');
    expect(printable('全角\u3000スペース')).toBe('全角\u3000スペース');
    expect(printable('lone \ud800 surrogate')).toBe('lone surrogate');
  });

  it('addresses the supplier with 御中 once', () => {
    expect(addressSupplier('株式会社サンプル文具')).toBe('株式会社サンプル文具 御中');
    expect(addressSupplier('サンプル文具 御中')).toBe('サンプル文具 御中');
    expect(addressSupplier('山田 太郎 様')).toBe('山田 太郎 様');
  });

  it('leaves the reason out and adds the link only when given', () => {
    const request = fixtureOrder();
    const content = orderFormContent(request);
    expect(JSON.stringify(content)).not.toContain(request.reason);
    expect(content.orderPageUrl).toBeUndefined();
    expect(orderFormContent(request, ' https://x.example/o\n ').orderPageUrl).toBe(
      'https://x.example/o',
    );
  });
});
