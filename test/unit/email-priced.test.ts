import { renderOrderEmail } from '../../shared/documents/order-email';
import {
  linkValidThrough,
  SUPPLIER_PAGE_VALIDITY_NOTE,
  supplierPageValidityNote,
} from '../../shared/documents/supplier-page-link';
import { pricedOrder } from '../support/priced-order';

/** The visible text of an HTML body: tags dropped, entities of escape-html decoded. */
function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

const LINK = 'https://api.example/o/PO-20261202-0001.lz3k2a.sig';

describe('renderOrderEmail of a priced order with a ship-to', () => {
  const { text, html, subject } = renderOrderEmail(
    pricedOrder({ supplierPageUrl: LINK, linkExpiresAt: '2026-12-31T15:00:00.000Z' }),
  );

  it('shows the ship-to block before the lines, in text and HTML', () => {
    const block =
      '【納品先】\n株式会社デモ商事 大阪倉庫\n〒530-0001 大阪府大阪市北区梅田1-1-1\nTEL：06-0000-3333\n担当：倉庫課 佐藤\n';
    expect(text).toContain(block);
    expect(text.indexOf('【納品先】')).toBeLessThan(text.indexOf('【発注明細】'));
    expect(htmlText(html)).toContain('株式会社デモ商事 大阪倉庫');
    expect(html).toContain('〒530-0001 大阪府大阪市北区梅田1-1-1<br>');
  });

  it('lists each line with unit price, amount and its own date, ※ for the reduced rate', () => {
    expect(text).toContain('品番 | 品名 | 数量 | 単位 | 単価 | 金額 | 納品希望日\n');
    expect(text).toContain(
      'A-100 | ボールペン 黒 0.5mm | 84 | 本 | ¥120 | ¥10,080 | 2026年12月5日\n',
    );
    expect(text).toContain(
      'K-010 | ドリップコーヒー 50袋 ※ | 3 | 箱 | ¥1,280 | ¥3,840 | 2026年12月9日\n',
    );
    expect(text).toContain('納品希望日：2026年12月9日（明細ごとの納品希望日は明細表のとおり）');
    expect(html).toMatch(/<td style="[^"]*text-align:right;">¥10,080<\/td>/);
  });

  it('totals the order per rate, in text and in the HTML table foot', () => {
    expect(text).toContain(
      [
        '小計：¥21,880',
        '10%対象：¥18,040',
        '消費税（10%）：¥1,804',
        '8%対象（※軽減税率）：¥3,840',
        '消費税（8%）：¥307',
        '合計（税込）：¥23,991',
        '',
        '※印は軽減税率対象です。',
        '※消費税は税率ごとに合計し、1円未満を切り捨てています。',
      ].join('\n'),
    );
    expect(html).toContain('<tfoot>');
    expect(html).toMatch(
      /<th scope="row" colspan="5"[^>]*>合計（税込）<\/th><td[^>]*>¥23,991<\/td>/,
    );
  });

  it('states until when the link works', () => {
    const note = '※このリンクは2026年12月31日まで有効です。';
    expect(text).toContain(`${LINK}\n${note}\n`);
    expect(htmlText(html)).toContain(note);
    expect(text).not.toContain('一定期間');
  });

  it('keeps the subject to the order number and company', () => {
    expect(subject).toBe('【発注依頼】PO-20261202-0001 株式会社デモ商事');
  });
});

describe('renderOrderEmail without prices', () => {
  it('shows nothing about money, nor a date column when the lines share one', () => {
    const request = pricedOrder({
      lines: pricedOrder().lines.map(
        ({ unitPrice: _p, amount: _a, desiredDeliveryDate: _d, ...line }) => line,
      ),
      totals: undefined,
    });
    const { text, html } = renderOrderEmail(request);
    for (const money of ['¥', '単価', '金額', '小計', '消費税', '合計', '軽減税率']) {
      expect(text).not.toContain(money);
      expect(htmlText(html)).not.toContain(money);
    }
    expect(text).toContain('品番 | 品名 | 数量 | 単位\n');
    expect(text).not.toContain('明細ごと');
  });

  it('says why there is no total when only some lines have a price', () => {
    const [first, ...rest] = pricedOrder().lines;
    const request = pricedOrder({
      lines: [first!, ...rest.map(({ unitPrice: _p, amount: _a, ...line }) => line)],
      totals: undefined,
    });
    const { text } = renderOrderEmail(request);
    expect(text).toContain('| ¥120 | ¥10,080 |');
    expect(text).toContain('| 未定 | 未定 |');
    expect(text).toContain('※単価未定の明細があるため、合計金額は記載しておりません。');
    expect(text).not.toContain('小計');
  });
});

describe('escaping', () => {
  it('escapes ship-to values in the HTML and keeps line breaks out of the text', () => {
    const request = pricedOrder({
      shipTo: {
        name: '<script>alert(1)</script>倉庫',
        address: '大阪府\r\n"梅田" & <b>',
        contact: "O'Neil",
      },
    });
    const { html, text } = renderOrderEmail(request);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;倉庫');
    expect(html).toContain('大阪府 &quot;梅田&quot; &amp; &lt;b&gt;');
    expect(html).toContain('O&#39;Neil');
    expect(text).toContain('大阪府 "梅田" & <b>\n');
  });
});

describe('the link validity date', () => {
  it.each([
    ['2026-12-31T15:00:00.000Z', '2026-12-31'], // midnight JST ending Dec 31
    ['2026-12-31T14:59:30.000Z', '2026-12-31'], // 23:59:30 JST
    ['2027-01-01T02:23:00.000Z', '2026-12-31'], // 11:23 JST on Jan 1: Jan 1 is not a full day
    ['2026-12-31T10:00:00.000Z', '2026-12-30'],
  ])('%s is valid through %s in Tokyo', (expiresAt, date) => {
    expect(linkValidThrough(expiresAt, 'Asia/Tokyo')).toBe(date);
  });

  it('falls back to the undated sentence for no, or an unreadable, expiry', () => {
    expect(supplierPageValidityNote({})).toBe(SUPPLIER_PAGE_VALIDITY_NOTE);
    expect(supplierPageValidityNote({ linkExpiresAt: 'soon' })).toBe(SUPPLIER_PAGE_VALIDITY_NOTE);
    expect(
      supplierPageValidityNote({ linkExpiresAt: '2026-12-31T15:00:00Z', timeZone: 'Nowhere/X' }),
    ).toBe(SUPPLIER_PAGE_VALIDITY_NOTE);
    expect(supplierPageValidityNote({ linkExpiresAt: '2026-12-31T15:00:00Z' })).toBe(
      '※このリンクは2026年12月31日まで有効です。',
    );
  });
});
