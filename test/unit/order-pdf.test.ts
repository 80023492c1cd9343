import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { inflateSync } from 'node:zlib';
import path from 'node:path';
import QRCode from 'qrcode';
import { demoOrderRequest } from '../support/single-item-order-request';
import type { OrderLine, OrderRequest } from '../../shared/domain/order';
import { renderOrderEmail } from '../../shared/documents/order-email';
import {
  addressSupplier,
  ORDER_FORM_CLOSING,
  ORDER_FORM_DUPLICATE_NOTE,
  ORDER_FORM_END_MARK,
  ORDER_FORM_GREETING,
  ORDER_FORM_QR_CAPTION,
  ORDER_FORM_QR_NOTES,
  ORDER_FORM_TABLE_CAPTION,
  orderFormContent,
  printable,
} from '../../shared/documents/order-form-content';
import { loadFontBytes } from '../../shared/documents/order-form-fonts';
import {
  defaultFontPaths,
  ORDER_TABLE_COLUMNS,
  OrderPdfFontError,
  QR_MIN_SIZE_MM,
  renderOrderPdf,
} from '../../shared/documents/order-form-pdf';
import {
  extractPdfText,
  squash,
  type ExtractedPdfText,
  type PdfTextItem,
} from '../support/pdf-text';

/** A one-page order form must stay small enough to fax quickly and to store per order. */
const ONE_PAGE_BUDGET_BYTES = 50 * 1024;

function manyLines(count: number): OrderLine[] {
  return Array.from({ length: count }, (_, index) => ({
    sku: `SKU-${String(index + 1).padStart(3, '0')}`,
    name: `テスト商品 ${index + 1}`,
    quantity: (index + 1) * 100,
    unit: '個',
  }));
}

/** An image as painted on a page, in PDF points (y grows upwards; `y` is the bottom edge). */
interface PaintedImage {
  x: number;
  y: number;
  width: number;
  height: number;
}

type Matrix = [number, number, number, number, number, number];

function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[2] * n[1],
    m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4],
    m[1] * n[4] + m[3] * n[5] + m[5],
  ];
}

/**
 * The images each page paints, in PDF points. pdf.js cannot list image operators on Node 20
 * (its image decoder needs `ArrayBuffer.prototype.transferToFixedLength`), so this reads the
 * page content streams pdfkit writes (one operator a line) and follows `q`, `Q` and `cm` up to
 * each `Do` of an image XObject.
 */
function paintedImages(pdf: Buffer): PaintedImage[][] {
  const raw = pdf.toString('latin1');
  const objects = new Map<string, string>();
  for (const match of raw.matchAll(/(\d+) 0 obj\n([\s\S]*?)\nendobj/g)) {
    objects.set(match[1] ?? '', match[2] ?? '');
  }
  const pages = [...objects.values()].find((body) => /\/Type \/Pages\b/.test(body)) ?? '';
  const kids = [...(/\/Kids \[([^\]]*)\]/.exec(pages)?.[1] ?? '').matchAll(/(\d+) 0 R/g)];
  const imageNames = new Set(
    [...raw.matchAll(/\/(\w+) (\d+) 0 R/g)]
      .filter((match) => /\/Subtype \/Image/.test(objects.get(match[2] ?? '') ?? ''))
      .map((match) => match[1]),
  );
  return kids.map(([, pageId]) => {
    const page = objects.get(pageId ?? '') ?? '';
    const contents = objects.get(/\/Contents (\d+) 0 R/.exec(page)?.[1] ?? '') ?? '';
    const stream = /stream\n([\s\S]*)\nendstream/.exec(contents)?.[1] ?? '';
    const bytes = Buffer.from(stream, 'latin1');
    const operators = (
      /\/Filter \/FlateDecode/.test(contents) ? inflateSync(bytes) : bytes
    ).toString('latin1');
    const painted: PaintedImage[] = [];
    const saved: Matrix[] = [];
    let ctm: Matrix = [1, 0, 0, 1, 0, 0];
    for (const line of operators.split('\n')) {
      const cm = /^(\S+) (\S+) (\S+) (\S+) (\S+) (\S+) cm$/.exec(line);
      const paint = /^\/(\w+) Do$/.exec(line);
      if (line === 'q') saved.push(ctm);
      else if (line === 'Q') ctm = saved.pop() ?? ctm;
      else if (cm) ctm = multiply(ctm, cm.slice(1).map(Number) as Matrix);
      else if (paint && imageNames.has(paint[1])) {
        const width = Math.hypot(ctm[0], ctm[1]);
        const height = Math.hypot(ctm[2], ctm[3]);
        painted.push({ x: ctm[4], y: ctm[3] < 0 ? ctm[5] - height : ctm[5], width, height });
      }
    }
    return painted;
  });
}

/** Whitespace-insensitive: pdf.js breaks lines where the layout wrapped them. */

describe('renderOrderPdf', () => {
  const fonts = defaultFontPaths();

  describe('the fixture order (A-100, 84 本)', () => {
    let request: OrderRequest;
    let pdf: Buffer;
    let extracted: ExtractedPdfText;

    beforeAll(async () => {
      // Prepare
      request = demoOrderRequest();
      // Act
      pdf = await renderOrderPdf(request, fonts);
      extracted = await extractPdfText(pdf);
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
      const again = await renderOrderPdf(demoOrderRequest(), fonts);
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
    let extracted: ExtractedPdfText;

    beforeAll(async () => {
      const pdf = await renderOrderPdf({ ...demoOrderRequest(), lines: manyLines(80) }, fonts);
      extracted = await extractPdfText(pdf);
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
        ...demoOrderRequest(),
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
      const { text } = await extractPdfText(pdf);
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
        ...demoOrderRequest(),
        lines: [{ sku: longSku, name: longName, quantity: 1234567, unit: 'ケース（12本入り）' }],
      };
      const { items } = await extractPdfText(await renderOrderPdf(request, fonts));
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
        ...demoOrderRequest(),
        supplier: { name: '髙橋𠮷商店' },
        lines: [{ sku: 'K-1', name: 'ﾎﾞｰﾙﾍﾟﾝ', quantity: 3, unit: 'ﾀﾞｰｽ' }],
      };
      const { text } = await extractPdfText(await renderOrderPdf(request, fonts));
      expect(text.join('')).toContain('髙橋𠮷商店 御中');
      expect(text.join('')).toContain('ﾎﾞｰﾙﾍﾟﾝ');
    });

    it('does not add 御中 to a name that already has an honorific', async () => {
      const request = { ...demoOrderRequest(), supplier: { name: '株式会社サンプル文具 御中' } };
      const { text } = await extractPdfText(await renderOrderPdf(request, fonts));
      expect(text.join('').match(/御中/g)).toHaveLength(1);
    });
  });

  describe('with a supplier page link', () => {
    const url =
      'https://abc123defg.execute-api.ap-northeast-1.amazonaws.com/o/PO-20261128-0001.lz3k2a.AbCd_efGH-ij0123456789KLmnOPqrSTuvWXyz';
    const POINTS_PER_MM = 72 / 25.4;
    /** Fine-mode fax smears QR modules smaller than this together. */
    const MIN_MODULE_MM = 0.5;
    /** Modules across the printed code, quiet-zone margin of one module included. */
    const modulesOf = (encoded: string) =>
      QRCode.create(encoded, { errorCorrectionLevel: 'M' }).modules.size + 2;
    const find = (page: PdfTextItem[] | undefined, text: string) =>
      (page ?? []).find((item) => item.str.includes(text));

    let pdf: Buffer;
    let extracted: ExtractedPdfText;

    beforeAll(async () => {
      // Act
      pdf = await renderOrderPdf({ ...demoOrderRequest(), supplierPageUrl: url }, fonts);
      extracted = await extractPdfText(pdf);
    });

    it('embeds the QR code as a black-on-white image XObject, without a soft mask', () => {
      const raw = pdf.toString('latin1');
      expect(raw.match(/\/Subtype \/Image/g)).toHaveLength(1);
      expect(raw).toContain('/ColorSpace /DeviceGray');
      expect(raw).not.toContain('/SMask');
      expect(paintedImages(pdf)[0]).toHaveLength(1);
    });

    it('prints it at least 25 mm wide, square, with modules a fax keeps apart', () => {
      const [image] = paintedImages(pdf)[0] ?? [];
      expect(image).toBeDefined();
      const widthMm = (image?.width ?? 0) / POINTS_PER_MM;
      expect(widthMm).toBeGreaterThanOrEqual(25);
      expect(widthMm).toBeGreaterThanOrEqual(QR_MIN_SIZE_MM - 0.01);
      expect(image?.height).toBeCloseTo(image?.width ?? 0, 3);
      expect(widthMm / modulesOf(url)).toBeGreaterThanOrEqual(MIN_MODULE_MM);
    });

    it('puts it in the 備考 box, with the sentence beside it and the URL as text beneath', () => {
      const page = extracted.items[0];
      const [image] = paintedImages(pdf)[0] ?? [];
      const notesLabel = find(page, '備考');
      const closing = find(page, ORDER_FORM_CLOSING);
      const caption = find(page, ORDER_FORM_QR_CAPTION);
      const urlStart = find(page, 'https://abc123defg');
      expect(image && notesLabel && closing && caption && urlStart).toBeTruthy();
      const top = (image?.y ?? 0) + (image?.height ?? 0);
      // Below the 備考 label, above the closing line that follows the box.
      expect(top).toBeLessThan(notesLabel?.y ?? 0);
      expect(image?.y).toBeGreaterThan(closing?.y ?? 0);
      // The sentence to the right of the code, level with it; the URL under it.
      expect(caption?.x).toBeGreaterThan((image?.x ?? 0) + (image?.width ?? 0));
      expect(caption?.y).toBeLessThan(top);
      expect(caption?.y).toBeGreaterThan(image?.y ?? 0);
      expect(urlStart?.y).toBeLessThan(image?.y ?? 0);
      expect(urlStart?.x).toBeCloseTo(image?.x ?? 0, 0);
    });

    it('prints the URL as extractable text and says what the code is for', () => {
      const text = squash(extracted.text.join(''));
      expect(text).toContain(url);
      for (const sentence of [ORDER_FORM_QR_CAPTION, ...ORDER_FORM_QR_NOTES]) {
        expect(text).toContain(squash(sentence));
      }
      expect(text).toContain(
        squash('スマートフォンでQRコードを読み取ると、受注・納期をご回答いただけます'),
      );
    });

    it('stays one page under 50 KB', () => {
      expect(extracted.totalPages).toBe(1);
      expect(pdf.length).toBeLessThan(ONE_PAGE_BUDGET_BYTES);
    });

    it('renders the same bytes for the same request', async () => {
      const again = await renderOrderPdf({ ...demoOrderRequest(), supplierPageUrl: url }, fonts);
      expect(again.equals(pdf)).toBe(true);
    });

    it('grows the code for a long URL instead of shrinking its modules', async () => {
      // Prepare
      const long = `${url}${'Z'.repeat(300)}`;

      // Act
      const longPdf = await renderOrderPdf({ ...demoOrderRequest(), supplierPageUrl: long }, fonts);
      const { totalPages, text } = await extractPdfText(longPdf);
      const images = paintedImages(longPdf);

      // Assess
      const [image] = images[0] ?? [];
      const widthMm = (image?.width ?? 0) / POINTS_PER_MM;
      expect(widthMm).toBeGreaterThan(QR_MIN_SIZE_MM);
      expect(widthMm / modulesOf(long)).toBeGreaterThanOrEqual(MIN_MODULE_MM);
      // The order itself stays on page 1; the fax-back reply section may move to page 2.
      expect(totalPages).toBeLessThanOrEqual(2);
      expect(images.map((page) => page.length)[0]).toBe(1);
      expect(squash(text[0] ?? '')).toContain(long);
      expect(squash(text[0] ?? '')).toContain(ORDER_FORM_END_MARK);
      expect(longPdf.length).toBeLessThan(totalPages * ONE_PAGE_BUDGET_BYTES);
    });

    it('keeps the code on page 1 when the lines run over several pages', async () => {
      // Act
      const longForm = await renderOrderPdf(
        { ...demoOrderRequest(), lines: manyLines(80), supplierPageUrl: url },
        fonts,
      );
      const { items, text, totalPages } = await extractPdfText(longForm);
      const images = paintedImages(longForm);

      // Assess: on page 1 only, below its last line and above the page's foot.
      expect(totalPages).toBeGreaterThanOrEqual(2);
      expect(images.map((page) => page.length)).toEqual([1, ...Array(totalPages - 1).fill(0)]);
      const [image] = images[0] ?? [];
      const rowsOnPageOne = (items[0] ?? []).filter((item) => /^SKU-\d+$/.test(item.str));
      const lowestRow = Math.min(...rowsOnPageOne.map((item) => item.y));
      expect((image?.y ?? 0) + (image?.height ?? 0)).toBeLessThan(lowestRow);
      expect(image?.y).toBeGreaterThan(0);
      expect(squash(text[0] ?? '')).toContain(url);
      expect(squash(text[0] ?? '')).toContain(squash(ORDER_FORM_QR_CAPTION));
      // Every line still printed once, and the notes still close the last page.
      const all = text.join('\n');
      for (const line of manyLines(80)) {
        expect(all.match(new RegExp(`${line.sku}(?!\\d)`, 'g'))).toHaveLength(1);
      }
      expect(text.at(-1)).toContain(ORDER_FORM_END_MARK);
      expect(squash(text.slice(1).join(''))).not.toContain(url);
    });

    it.each([
      'javascript:alert(1)',
      'http://api.example/o/PO-20261128-0001.x.sig',
      'https://api.example/o/"><script>',
    ])('prints neither code nor URL for a link that is not safe (%s)', async (unsafe) => {
      const unsafePdf = await renderOrderPdf(
        { ...demoOrderRequest(), supplierPageUrl: unsafe },
        fonts,
      );
      expect(unsafePdf.toString('latin1')).not.toContain('/Subtype /Image');
      expect(unsafePdf.equals(await renderOrderPdf(demoOrderRequest(), fonts))).toBe(true);
    });
  });

  it('has no image without a supplier page link', async () => {
    const pdf = await renderOrderPdf(demoOrderRequest(), fonts);
    expect(pdf.toString('latin1')).not.toContain('/Subtype /Image');
  });

  it('rejects an order whose timestamp is not a date', async () => {
    await expect(
      renderOrderPdf({ ...demoOrderRequest(), orderedAt: 'yesterday' }, fonts),
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
      await expect(renderOrderPdf(demoOrderRequest(), { fontPath: missing })).rejects.toThrow(
        OrderPdfFontError,
      );
      await writeFile(missing, 'not a font');
      await expect(renderOrderPdf(demoOrderRequest(), { fontPath: missing })).rejects.toThrow(
        /Cannot embed the order form font .*missing\.ttf/,
      );
    });

    it('works with the regular weight alone', async () => {
      const pdf = await renderOrderPdf(demoOrderRequest(), { fontPath: fonts.fontPath });
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

  it('leaves the reason out and keeps the supplier page link only when it is safe', () => {
    const request = demoOrderRequest();
    const content = orderFormContent(request);
    expect(JSON.stringify(content)).not.toContain(request.reason);
    expect(content.supplierPageUrl).toBeUndefined();
    expect(
      orderFormContent({ ...request, supplierPageUrl: 'https://x.example/o/PO-1.a.b' })
        .supplierPageUrl,
    ).toBe('https://x.example/o/PO-1.a.b');
    expect(
      orderFormContent({ ...request, supplierPageUrl: 'http://127.0.0.1:4010/o/PO-1.a.b' })
        .supplierPageUrl,
    ).toBe('http://127.0.0.1:4010/o/PO-1.a.b');
    for (const unsafe of [' https://x.example/o\n ', 'javascript:alert(1)', 'http://x.example/o']) {
      expect(orderFormContent({ ...request, supplierPageUrl: unsafe }).supplierPageUrl).toBe(
        undefined,
      );
    }
  });
});
