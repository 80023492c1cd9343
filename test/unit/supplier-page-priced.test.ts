import { renderOrderPage, type OrderPageView } from '../../shared/documents/order-page';
import { pageText } from '../../shared/documents/page-text';
import type { OrderRequest } from '../../shared/domain/order';
import { pricedOrder } from '../support/priced-order';

function view(request: OrderRequest, overrides: Partial<OrderPageView> = {}): OrderPageView {
  return {
    lang: 'ja',
    request,
    formAction: '/o/PO-20261202-0001.tqhdog.AAAA',
    formNonce: 'form-nonce',
    cspNonce: 'csp-nonce',
    otherLangUrl: '/o/PO-20261202-0001.tqhdog.AAAA?lang=en',
    ...overrides,
  };
}

/** The visible text: tags dropped, whitespace collapsed, escape-html's entities decoded. */
function visible(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/, '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

const VOID_ELEMENTS = new Set(['meta', 'input', 'br', 'link', 'img', 'hr']);

function unbalancedTags(html: string): string[] {
  const stack: string[] = [];
  const problems: string[] = [];
  for (const match of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>/g)) {
    const [, closing, rawName = ''] = match;
    const name = rawName.toLowerCase();
    if (VOID_ELEMENTS.has(name)) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) problems.push(`unexpected </${name}>`);
  }
  return [...problems, ...stack.map((name) => `unclosed <${name}>`)];
}

describe('the order page of a priced order with a ship-to', () => {
  const request = pricedOrder({ linkExpiresAt: '2026-12-31T15:00:00.000Z' });
  const html = renderOrderPage(view(request));
  const text = visible(html);

  it('shows the ship-to in its own labelled section, TEL as a tap-to-call link', () => {
    expect(html).toMatch(/<section class="ship-to" aria-labelledby="ship-to-title">/);
    expect(text).toContain('納品先 株式会社デモ商事 大阪倉庫 〒530-0001 大阪府大阪市北区梅田1-1-1');
    expect(html).toContain('<a href="tel:0600003333">06-0000-3333</a>');
    expect(text).toContain('担当: 倉庫課 佐藤');
  });

  it('has 単価, 金額 and 納品希望日 columns, and ※ on the reduced-rate line', () => {
    expect(text).toContain('品番 品名 数量 単位 単価 金額 納品希望日');
    expect(text).toContain('A-100 ボールペン 黒 0.5mm 84 本 ¥120 ¥10,080 2026年12月5日');
    expect(text).toContain('K-010 ドリップコーヒー 50袋 ※ 3 箱 ¥1,280 ¥3,840 2026年12月9日');
    expect(text).toContain('2026年12月9日（明細ごとの納品希望日は明細表のとおり）');
  });

  it('totals the order in the table foot, per rate, and explains ※ and the rounding', () => {
    expect(html).toContain('<tfoot>');
    for (const row of [
      '小計 ¥21,880',
      '10%対象 ¥18,040',
      '消費税（10%） ¥1,804',
      '8%対象（※軽減税率） ¥3,840',
      '消費税（8%） ¥307',
      '合計（税込） ¥23,991',
      '※印は軽減税率対象です。',
      '※消費税は税率ごとに合計し、1円未満を切り捨てています。',
    ]) {
      expect(text).toContain(row);
    }
  });

  it('says until when the page opens, and stays well-formed', () => {
    expect(text).toContain('このページは2026年12月31日まで開けます。');
    expect(unbalancedTags(html)).toEqual([]);
  });

  it('shows the same in English', () => {
    const en = visible(renderOrderPage(view(request, { lang: 'en' })));
    for (const part of [
      'Deliver to',
      'Unit price',
      'Amount',
      'Subtotal ¥21,880',
      'Taxable at 8% (* reduced rate) ¥3,840',
      'Consumption tax (10%) ¥1,804',
      'Total (tax included) ¥23,991',
      'This page opens until December 31, 2026.',
    ]) {
      expect(en).toContain(part);
    }
  });

  it('marks a preview with a banner, and only a preview', () => {
    const preview = renderOrderPage(view(request, { preview: true }));
    expect(preview).toMatch(/<div class="preview" role="note"><strong>プレビュー<\/strong>/);
    expect(visible(preview)).toContain(pageText('ja').previewMessage);
    expect(html).not.toContain('class="preview"');
  });
});

describe('the order page without prices', () => {
  it('shows nothing about money and no ship-to section', () => {
    const request = pricedOrder({
      lines: pricedOrder().lines.map(
        ({ unitPrice: _p, amount: _a, desiredDeliveryDate: _d, ...line }) => line,
      ),
      totals: undefined,
      shipTo: undefined,
    });
    const html = renderOrderPage(view(request));
    for (const money of ['¥', '単価', '金額', '小計', '消費税', '合計', '軽減税率']) {
      expect(visible(html)).not.toContain(money);
    }
    expect(html).not.toContain('ship-to-title');
    expect(html).not.toContain('<tfoot>');
  });

  it('escapes ship-to values', () => {
    const html = renderOrderPage(
      view(pricedOrder({ shipTo: { name: '<img src=x onerror=alert(1)>', address: '"&' } })),
    );
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;&amp;');
  });
});
