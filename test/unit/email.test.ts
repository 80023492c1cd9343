import fc from 'fast-check';
import type { OrderRequest } from '../../shared/domain/order';
import { headerSafe, renderOrderEmail } from '../../shared/email/render-order-email';

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
