import fc from 'fast-check';
import type { OrderRequest } from '../../shared/domain/order';
import { headerSafe, renderOrderEmail } from '../../shared/documents/order-email';
import {
  MAX_SUPPLIER_PAGE_URL_LENGTH,
  safeSupplierPageUrl,
} from '../../shared/documents/supplier-page-link';

/** The order the bridge builds from update-record-low.json (A-100 at 18 of 20 → 84 本). */
function sampleOrder(overrides: Partial<OrderRequest> = {}): OrderRequest {
  return {
    orderNumber: 'PO-20261128-0001',
    orderedAt: '2026-11-28T02:15:05.000Z',
    orderDate: '2026-11-28',
    desiredDeliveryDate: '2026-12-01',
    supplier: {
      code: 'S-001',
      name: '株式会社サンプル文具',
      email: 'order@sample-bungu.example.jp',
      fax: '03-1234-5678',
    },
    lines: [{ sku: 'A-100', name: 'ボールペン 黒 0.5mm', quantity: 84, unit: '本' }],
    company: {
      name: '株式会社ストック商事',
      postalCode: '100-0005',
      address: '東京都千代田区丸の内1-1-1',
      phone: '03-0000-1111',
      fax: '03-0000-2222',
      email: 'purchasing@stock-shoji.example.jp',
      contactName: '鈴木 一郎',
    },
    reason: '在庫数 18 が発注点 20 を下回ったため',
    ...overrides,
  };
}

/** Visible text of the HTML, so the same assertions can run on both bodies. */
function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

const REQUIRED_CONTENT = [
  '株式会社サンプル文具 御中',
  'いつもお世話になっております。下記のとおり発注いたします。',
  '発注番号',
  'PO-20261128-0001',
  '発注日',
  '2026年11月28日',
  '納品希望日',
  '2026年12月1日',
  '品番',
  '品名',
  '数量',
  '単位',
  'A-100',
  'ボールペン 黒 0.5mm',
  '84',
  '本',
  '※同じ発注番号のご依頼が重複して届いた場合は、1件の発注としてお取り扱いください。',
  '株式会社ストック商事',
  '〒100-0005 東京都千代田区丸の内1-1-1',
  'TEL：03-0000-1111',
  'FAX：03-0000-2222',
  'purchasing@stock-shoji.example.jp',
  '担当：鈴木 一郎',
];

describe('renderOrderEmail', () => {
  it('puts the order number and ordering company in the subject', () => {
    // Act
    const { subject } = renderOrderEmail(sampleOrder());

    // Assess
    expect(subject).toBe('【発注依頼】PO-20261128-0001 株式会社ストック商事');
  });

  it.each(['text', 'html'] as const)('writes every required element into the %s body', (part) => {
    // Act
    const email = renderOrderEmail(sampleOrder());

    // Assess
    const visible = part === 'html' ? htmlText(email.html) : email.text;
    for (const content of REQUIRED_CONTENT) expect(visible).toContain(content);
  });

  it('writes the text lines as a table under the 品番 品名 数量 単位 header', () => {
    // Act
    const { text } = renderOrderEmail(sampleOrder());

    // Assess
    expect(text).toContain('品番 | 品名 | 数量 | 単位\nA-100 | ボールペン 黒 0.5mm | 84 | 本\n');
  });

  it('builds a complete, self-contained UTF-8 HTML document with a real table', () => {
    // Act
    const { html } = renderOrderEmail(sampleOrder());

    // Assess
    expect(html.startsWith('<!doctype html>\n<html lang="ja">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('color:#000000');
    expect(html.match(/<th scope="col"[^>]*>(品番|品名|数量|単位)<\/th>/g)).toHaveLength(4);
    expect(html).toMatch(
      /<td[^>]*>A-100<\/td><td[^>]*>ボールペン 黒 0\.5mm<\/td><td[^>]*>84<\/td>/,
    );
    expect(html).toMatch(/<\/html>\n$/);
    // Email clients strip <style> and block remote content: no stylesheet, script or fetch.
    expect(html).not.toMatch(/<style|<link|<script|<img|src=|url\(|@import|https?:/i);
  });

  it('groups quantities the Japanese way and keeps every line in order', () => {
    // Prepare
    const request = sampleOrder({
      lines: [
        { sku: 'B-200', name: 'コピー用紙 A4', quantity: 12000, unit: '枚' },
        { sku: 'C-300', name: '付箋', quantity: 1234567, unit: '個' },
      ],
    });

    // Act
    const { text, html } = renderOrderEmail(request);

    // Assess
    expect(text).toContain('B-200 | コピー用紙 A4 | 12,000 | 枚\nC-300 | 付箋 | 1,234,567 | 個');
    expect(html.indexOf('12,000')).toBeLessThan(html.indexOf('1,234,567'));
  });

  it('leaves out FAX, 担当 and 〒 when the company has none', () => {
    // Prepare
    const {
      fax: _fax,
      contactName: _contact,
      postalCode: _postal,
      ...company
    } = sampleOrder().company;

    // Act
    const { text, html } = renderOrderEmail(sampleOrder({ company }));

    // Assess
    for (const body of [text, htmlText(html)]) {
      expect(body).not.toMatch(/FAX|担当|〒/);
      expect(body).toContain('東京都千代田区丸の内1-1-1');
    }
  });

  it.each(['株式会社サンプル文具 御中', '株式会社サンプル文具御中', '山田 太郎 様'])(
    'does not add 御中 to a supplier name that already has an honorific (%s)',
    (name) => {
      // Act
      const { text, html } = renderOrderEmail(
        sampleOrder({ supplier: { ...sampleOrder().supplier, name } }),
      );

      // Assess
      expect(text.split('\n')[0]).toBe(name);
      expect(html).not.toContain('御中 御中');
      expect(text).not.toMatch(/御中\s*御中|様 御中/);
    },
  );

  it.each([
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
  ])('cannot be made to carry markup through supplier or item names (%s)', (attack) => {
    // Prepare
    const request = sampleOrder({
      supplier: { ...sampleOrder().supplier, name: attack },
      lines: [{ sku: attack, name: attack, quantity: 1, unit: attack }],
      company: { ...sampleOrder().company, contactName: attack, address: attack },
    });

    // Act
    const { html, text } = renderOrderEmail(request);

    // Assess
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<[^>]*\son\w+=/i);
    expect(html).not.toContain(attack);
    expect(html).toContain(
      attack
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;'),
    );
    // The text part is not HTML: the value is shown as typed.
    expect(text).toContain(attack);
  });

  it('escapes every value in the HTML, whatever kintone holds', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (supplierName, itemName, company) => {
        // Prepare
        const request = sampleOrder({
          supplier: { name: supplierName },
          lines: [{ sku: 'X', name: itemName, quantity: 1, unit: '個' }],
          company: { ...sampleOrder().company, name: company },
        });

        // Act
        const { html } = renderOrderEmail(request);

        // Assess: the only tags are the template's own.
        const tags = new Set(html.match(/<\/?[a-z!][a-z0-9]*/gi));
        const allowed = [
          '<!doctype',
          '<html',
          '<head',
          '<meta',
          '<title',
          '<body',
          '<p',
          '<table',
          '<caption',
          '<thead',
          '<tr',
          '<th',
          '<tbody',
          '<td',
          '<br',
          '<hr',
        ];
        for (const tag of tags) expect(allowed).toContain(tag.replace('/', ''));
      }),
    );
  });

  it('keeps CR/LF in the company name or order number from adding a header line', () => {
    // Prepare
    const request = sampleOrder({
      orderNumber: 'PO-1\r\nX-Injected: 1',
      company: {
        ...sampleOrder().company,
        name: '株式会社ストック商事\r\nBcc: evil@example.com\n',
      },
    });

    // Act
    const { subject } = renderOrderEmail(request);

    // Assess
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject).toBe(
      '【発注依頼】PO-1 X-Injected: 1 株式会社ストック商事 Bcc: evil@example.com',
    );
  });

  it('refuses dates that are not YYYY-MM-DD calendar dates rather than sending a wrong one', () => {
    expect(() => renderOrderEmail(sampleOrder({ orderDate: '2026/11/28' }))).toThrow(
      /orderDate "2026\/11\/28"/,
    );
    expect(() => renderOrderEmail(sampleOrder({ desiredDeliveryDate: '2026-02-30' }))).toThrow(
      /desiredDeliveryDate "2026-02-30" is not a calendar date/,
    );
  });

  it('renders the same email for the same request (a retry sends the same thing)', () => {
    expect(renderOrderEmail(sampleOrder())).toEqual(renderOrderEmail(sampleOrder()));
  });
});

/** A signed link as dispatch issues it: base URL, order number, expiry, signature. */
const PAGE_URL =
  'https://abc123.execute-api.ap-northeast-1.amazonaws.com/o/PO-20261128-0001.lz3k2a.AbCd_efGH-ij0123456789KLmnOPqrSTuvWXyz';
const CALL_TO_ACTION = '受注のご確認・納期のご回答はこちら（ログイン不要）';
const VALIDITY_NOTE = '※このリンクは一定期間有効です。';

describe('renderOrderEmail with a supplier page link', () => {
  it('puts the call to action, the URL on a line of its own and the validity note in the text', () => {
    // Act
    const { text } = renderOrderEmail(sampleOrder({ supplierPageUrl: PAGE_URL }));

    // Assess
    expect(text).toContain(`\n【${CALL_TO_ACTION}】\n${PAGE_URL}\n${VALIDITY_NOTE}\n`);
    // After the order lines, before the closing.
    expect(text.indexOf('A-100 |')).toBeLessThan(text.indexOf(CALL_TO_ACTION));
    expect(text.indexOf(PAGE_URL)).toBeLessThan(text.indexOf('何卒よろしくお願いいたします。'));
  });

  it('links the call to action with a real, tappable <a href> in the HTML', () => {
    // Act
    const { html } = renderOrderEmail(sampleOrder({ supplierPageUrl: PAGE_URL }));

    // Assess
    const button = new RegExp(
      `<a href="${PAGE_URL.replace(/[.?]/g, '\\$&')}" rel="noreferrer" style="([^"]*)">${CALL_TO_ACTION}</a>`,
    ).exec(html);
    expect(button).not.toBeNull();
    const style = button?.[1] ?? '';
    expect(style).toContain('display:inline-block');
    expect(style).toMatch(/min-height:(4[4-9]|[5-9]\d)px/);
    expect(style).toMatch(/font-size:1[6-9]px/);
    // The URL is also spelt out (and linked) for clients that block buttons, then the note.
    expect(htmlText(html)).toContain(PAGE_URL);
    expect(html.match(/<a href=/g)).toHaveLength(2);
    expect(htmlText(html)).toContain(VALIDITY_NOTE);
  });

  it('escapes the URL in the HTML', () => {
    // Prepare: & and ; are legal URL characters that mean something in HTML.
    const url = 'https://api.example/o/PO-1?a=1&lang=ja;x=2';

    // Act
    const { html, text } = renderOrderEmail(sampleOrder({ supplierPageUrl: url }));

    // Assess
    expect(html).toContain('href="https://api.example/o/PO-1?a=1&amp;lang=ja;x=2"');
    expect(html).not.toContain('a=1&lang');
    expect(text).toContain(`\n${url}\n`);
  });

  it.each([
    'http://127.0.0.1:4010/o/PO-20261128-0001.lz3k2a.sig',
    'http://localhost:4010/o/PO-20261128-0001.lz3k2a.sig',
  ])('accepts plain http for the local stack (%s)', (url) => {
    const { text, html } = renderOrderEmail(sampleOrder({ supplierPageUrl: url }));
    expect(text).toContain(url);
    expect(html).toContain(`href="${url}"`);
  });

  it.each([
    ['plain http to a public host', 'http://api.example/o/PO-1.x.sig'],
    ['a host that only starts like localhost', 'http://localhost.evil.example/o/PO-1'],
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['a relative path', '/o/PO-1.x.sig'],
    ['a scheme-relative URL', '//evil.example/o/PO-1'],
    ['https without //', 'https:evil.example/o/PO-1'],
    ['https without a host', 'https:///o/PO-1'],
    ['credentials disguising the host', 'https://api.example@evil.example/o/PO-1'],
    ['a quote breaking out of href', 'https://api.example/o/"onmouseover="alert(1)'],
    ['markup', 'https://api.example/o/<img src=x>'],
    ['a space', 'https://api.example/o/PO 1'],
    ['a line break', 'https://api.example/o/PO-1\r\nBcc: evil@example.com'],
    ['an empty string', ''],
    ['an absurd length', `https://api.example/o/${'a'.repeat(MAX_SUPPLIER_PAGE_URL_LENGTH)}`],
  ])('leaves out a link that is not safe to show: %s', (_label, url) => {
    // Act
    const email = renderOrderEmail(sampleOrder({ supplierPageUrl: url }));

    // Assess: the same email as without a link.
    expect(email).toEqual(renderOrderEmail(sampleOrder()));
    expect(safeSupplierPageUrl(url)).toBeUndefined();
  });

  it('shows nothing of the page without a link', () => {
    // Act
    const { text, html } = renderOrderEmail(sampleOrder());

    // Assess
    for (const body of [text, html]) {
      expect(body).not.toContain('ログイン不要');
      expect(body).not.toContain(VALIDITY_NOTE);
    }
    expect(html).not.toContain('<a ');
  });

  it('never lets a link carry markup or an attribute, whatever string it is', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl({ withQueryParameters: true, withFragments: true }),
          fc.string().map((tail) => `https://api.example/o/${tail}`),
        ),
        (url) => {
          // Act
          const { html } = renderOrderEmail(sampleOrder({ supplierPageUrl: url }));

          // Assess: at most the template's two links, each href exactly the escaped URL.
          const anchors = [...html.matchAll(/<a\b[^>]*>/g)].map((match) => match[0]);
          expect([0, 2]).toContain(anchors.length);
          for (const anchor of anchors) {
            expect(anchor).toMatch(/^<a href="[^"<>]*" rel="noreferrer" style="[^"<>]*">$/);
            expect(anchor).toMatch(/^<a href="https:\/\//);
          }
          expect(html).not.toMatch(/<[^>]*\son\w+=/i);
          expect(html).not.toMatch(/<(script|img|iframe|form)/i);
        },
      ),
    );
  });

  it('renders the same email for the same link', () => {
    const request = sampleOrder({ supplierPageUrl: PAGE_URL });
    expect(renderOrderEmail(request)).toEqual(renderOrderEmail(request));
  });
});

describe('headerSafe', () => {
  it('turns control characters and line breaks into single spaces and trims', () => {
    expect(headerSafe(' a\r\nb\tc\u0000d\u0085e\u2028f\u007fg  h ')).toBe('a b c d e f g h');
  });

  it('keeps Japanese text, including full-width spaces inside a name', () => {
    expect(headerSafe('株式会社　サンプル文具')).toBe('株式会社　サンプル文具');
  });

  it('never returns control characters, line breaks or doubled spaces', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const safe = headerSafe(value);
        expect(safe).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]| {2}/);
        expect(safe).toBe(safe.trim());
      }),
    );
  });
});
