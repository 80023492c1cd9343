import { orderTotals, DEFAULT_TAX_RULES } from '../../shared/domain/pricing';
import type { OrderRequest } from '../../shared/domain/order';
import {
  ORDER_FORM_END_MARK,
  ORDER_FORM_REPLY_CHOICES,
  ORDER_FORM_REPLY_LINES_HINT,
  ORDER_FORM_REPLY_TITLE,
  orderFormContent,
} from '../../shared/documents/order-form-content';
import {
  defaultFontPaths,
  orderTableColumns,
  renderOrderPdf,
} from '../../shared/documents/order-form-pdf';
import { extractPdfText, squash, type ExtractedPdfText } from '../support/pdf-text';
import { manyPricedLines, pricedOrder } from '../support/priced-order';

const fonts = defaultFontPaths();
/** The page's margin (15 mm) in points: nothing may be printed closer to an edge. */
const MARGIN = 42;

describe('the fax form of a priced order with a ship-to', () => {
  let extracted: ExtractedPdfText;
  let all: string;

  beforeAll(async () => {
    extracted = await extractPdfText(await renderOrderPdf(pricedOrder(), fonts));
    all = squash(extracted.text.join('\n'));
  });

  it('prints the ship-to block on page 1', () => {
    const first = squash(extracted.text[0] ?? '');
    for (const part of [
      '【納品先】',
      '株式会社デモ商事大阪倉庫',
      '〒530-0001大阪府大阪市北区梅田1-1-1',
      'TEL：06-0000-3333',
      '担当：倉庫課佐藤',
    ]) {
      expect(first).toContain(squash(part));
    }
  });

  it('prints unit prices, amounts, per-line dates and the ※ of the reduced-rate line', () => {
    for (const part of [
      '品番品名数量単位単価金額納品希望日',
      '¥120',
      '¥10,080',
      'ドリップコーヒー50袋※',
      '¥1,280',
      '¥3,840',
      '2026年12月5日',
      '2026年12月9日',
      '納品希望日：2026年12月9日（明細ごとの納品希望日は明細表のとおり）',
    ]) {
      expect(all).toContain(squash(part));
    }
  });

  it('prints subtotal, tax per rate and total, and how the tax was rounded', () => {
    for (const part of [
      '小計¥21,880',
      '10%対象¥18,040',
      '消費税（10%）¥1,804',
      '8%対象（※軽減税率）¥3,840',
      '消費税（8%）¥307',
      '合計（税込）¥23,991',
      '※印は軽減税率対象です。',
      '※消費税は税率ごとに合計し、1円未満を切り捨てています。',
    ]) {
      expect(all).toContain(squash(part));
    }
  });

  it('ends with the fax-back reply section: FAX number, order number, check boxes, fields, seal', () => {
    const last = squash(extracted.text.at(-1) ?? '');
    for (const part of [
      ORDER_FORM_REPLY_TITLE,
      'FAX返信先：03-0000-2222',
      '株式会社デモ商事購買部山田宛',
      '株式会社デモ商事購買部山田宛発注番号PO-20261202-0001について',
      ...ORDER_FORM_REPLY_CHOICES,
      '納品予定日：',
      '年',
      '会社名：',
      'ご担当者名：',
      '印',
      ORDER_FORM_REPLY_LINES_HINT,
    ]) {
      expect(last).toContain(squash(part));
    }
    // After 以上 (on the same page, or a page of its own with the order number).
    const endPage = extracted.text.findIndex((page) => page.includes(ORDER_FORM_END_MARK));
    const replyPage = extracted.text.findIndex((page) =>
      squash(page).includes(squash(ORDER_FORM_REPLY_TITLE)),
    );
    expect(replyPage).toBeGreaterThanOrEqual(endPage);
    expect(extracted.text[replyPage]).toContain('PO-20261202-0001');
  });
});

describe('the fax-back reply section', () => {
  it('has a quantity line with the unit for a one-line order, and no FAX line without a company fax', async () => {
    const [line] = pricedOrder().lines;
    const request: OrderRequest = {
      ...pricedOrder(),
      lines: line ? [{ ...line, desiredDeliveryDate: undefined }] : [],
      company: { ...pricedOrder().company, fax: '' },
      totals: undefined,
    };
    const content = orderFormContent(request);
    expect(content.reply).toEqual({
      addressee: '株式会社デモ商事 購買部 山田 宛',
      subject: '発注番号 PO-20261202-0001 について、下記のとおり回答いたします。',
      singleLineUnit: '本',
    });
    const text = squash((await extractPdfText(await renderOrderPdf(request, fonts))).text.join(''));
    expect(text).toContain(squash(ORDER_FORM_REPLY_TITLE));
    expect(text).toContain('受注数量：');
    expect(text).not.toContain('FAX返信先');
    expect(text).not.toContain(squash(ORDER_FORM_REPLY_LINES_HINT));
  });
});

describe('a priced order of 35 lines', () => {
  let extracted: ExtractedPdfText;
  const lines = manyPricedLines(35);

  beforeAll(async () => {
    const totals = orderTotals(lines, DEFAULT_TAX_RULES);
    const request = pricedOrder({ lines, ...(totals ? { totals } : {}) });
    extracted = await extractPdfText(await renderOrderPdf(request, fonts));
  });

  it('paginates instead of overflowing: every page numbered, nothing printed past the margins', () => {
    const pages = extracted.totalPages;
    expect(pages).toBeGreaterThanOrEqual(2);
    extracted.text.forEach((page, index) => expect(page).toContain(`${index + 1} / ${pages}`));
    extracted.items.forEach((items, index) => {
      const height = extracted.heights[index] ?? 0;
      for (const item of items) {
        // The page number sits in the bottom margin on purpose; everything else inside it.
        if (/^\d+ \/ \d+$/.test(item.str)) continue;
        expect(item.y).toBeGreaterThan(MARGIN - 4);
        expect(item.y).toBeLessThan(height - MARGIN + 4);
        expect(item.x).toBeGreaterThanOrEqual(MARGIN - 0.5);
      }
    });
  });

  it('prints every line once, the header on every page with lines, totals and reply at the end', () => {
    const all = extracted.text.join('\n');
    for (const line of lines) {
      expect(all.match(new RegExp(`${line.sku}(?!\\d)`, 'g'))).toHaveLength(1);
    }
    for (const page of extracted.text.filter((text) => /SKU-\d+/.test(text))) {
      expect(squash(page)).toContain('品番品名数量単位単価金額');
      expect(page).toContain('PO-20261202-0001');
    }
    const squashed = squash(all);
    expect(squashed.indexOf('SKU-035')).toBeLessThan(squashed.indexOf('合計（税込）'));
    expect(squashed.indexOf('合計（税込）')).toBeLessThan(squashed.indexOf(ORDER_FORM_END_MARK));
    expect(squash(extracted.text.at(-1) ?? '')).toContain(squash(ORDER_FORM_REPLY_TITLE));
  });
});

describe('table columns', () => {
  it('fit the page for every combination of price and date columns', () => {
    for (const headings of [
      ['品番', '品名', '数量', '単位'],
      ['品番', '品名', '数量', '単位', '単価', '金額'],
      ['品番', '品名', '数量', '単位', '納品希望日'],
      ['品番', '品名', '数量', '単位', '単価', '金額', '納品希望日'],
    ]) {
      const columns = orderTableColumns(headings);
      const last = columns.at(-1);
      expect((last?.left ?? 0) + (last?.width ?? 0)).toBeCloseTo(595.28 - MARGIN, 1);
      // 品名 keeps room for a readable name.
      expect(columns.find((c) => c.heading === '品名')?.width).toBeGreaterThanOrEqual(110);
    }
  });

  it('shows nothing about money for an order without prices', async () => {
    const request = pricedOrder({
      lines: pricedOrder().lines.map(({ unitPrice: _u, amount: _a, ...line }) => line),
      totals: undefined,
    });
    const text = squash((await extractPdfText(await renderOrderPdf(request, fonts))).text.join(''));
    for (const money of ['¥', '単価', '金額', '小計', '消費税', '合計', '軽減税率']) {
      expect(text).not.toContain(money);
    }
  });
});

describe('a one-line order with a ship-to and a supplier page link', () => {
  it('fits ship-to, QR code, notes and the reply section on one page', async () => {
    const [line] = pricedOrder().lines.map(
      ({ unitPrice: _p, amount: _a, desiredDeliveryDate: _d, ...unpriced }) => unpriced,
    );
    const request = pricedOrder({
      lines: line ? [line] : [],
      totals: undefined,
      supplierPageUrl:
        'https://abc123defg.execute-api.ap-northeast-1.amazonaws.com/o/PO-20261202-0001.lz3k2a.AbCd_efGH-ij0123456789KLmnOPqrSTuvWXyz',
      linkExpiresAt: '2026-12-31T15:00:00.000Z',
    });
    const extracted = await extractPdfText(await renderOrderPdf(request, fonts));
    expect(extracted.totalPages).toBe(1);
    const text = squash(extracted.text[0] ?? '');
    for (const part of [
      '【納品先】',
      ORDER_FORM_END_MARK,
      ORDER_FORM_REPLY_TITLE,
      '印',
      '※このリンクは2026年12月31日まで有効です。',
    ]) {
      expect(text).toContain(squash(part));
    }
  });
});
