import type { OrderRequest } from '../../shared/domain/order';
import { orderLinkExpiry, signOrderLink, verifyOrderLink } from '../../shared/edge/order-link';
import {
  invalidLinkPage,
  renderMessagePage,
  renderOrderPage,
  thankYouPage,
  type OrderPageView,
} from '../../shared/documents/order-page';
import { langFrom, pageText, type PageLang } from '../../shared/documents/page-text';
import type { OrderLinkProblem } from '../../shared/domain/supplier-answer';

const EVIL = '<script>alert("x")</script>';

const REQUEST: OrderRequest = {
  orderNumber: 'PO-20261128-0001',
  orderedAt: '2026-11-28T02:15:04.123Z',
  orderDate: '2026-11-28',
  desiredDeliveryDate: '2026-12-01',
  supplier: { code: 'S-001', name: '株式会社サンプル文具', email: 'order@sample-bungu.example.jp' },
  lines: [{ sku: 'A-100', name: 'ボールペン 黒 0.5mm', quantity: 84, unit: '本' }],
  company: {
    name: '株式会社デモ商事',
    postalCode: '100-0005',
    address: '東京都千代田区丸の内1-1-1 デモビル5F',
    phone: '03-0000-1111',
    email: 'purchasing@demo-shoji.example.jp',
    contactName: '購買部 山田',
  },
  reason: '在庫ポジション 18 が発注点 20 を下回ったため 84本 を発注',
};

function view(overrides: Partial<OrderPageView> = {}): OrderPageView {
  return {
    lang: 'ja',
    request: REQUEST,
    formAction: '/o/PO-20261128-0001.tqhdog.AAAAAAAAAAAAAAAAAAAAAA',
    formNonce: 'form-nonce-123',
    cspNonce: 'csp-nonce-456',
    otherLangUrl: '/o/PO-20261128-0001.tqhdog.AAAAAAAAAAAAAAAAAAAAAA?lang=en',
    ...overrides,
  };
}

const VOID_ELEMENTS = new Set(['meta', 'input', 'br', 'link', 'img', 'hr']);

/** Open and close tags in order; enough to catch an unclosed or misnested element. */
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

/** ids of every visible form control. */
function controlIds(html: string): string[] {
  const controls = [...html.matchAll(/<(input|textarea|select)\b[^>]*>/g)]
    .map((match) => match[0])
    .filter((tag) => !/type="hidden"/.test(tag));
  return controls.map((tag) => /\bid="([^"]+)"/.exec(tag)?.[1] ?? `(no id) ${tag}`);
}

describe('renderOrderPage', () => {
  it('is a complete HTML5 document in Japanese with a viewport and one nonce-carrying style', () => {
    // Act
    const html = renderOrderPage(view());

    // Assess
    expect(html.startsWith('<!doctype html>\n<html lang="ja">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html.match(/<style\b/g)).toHaveLength(1);
    expect(html).toContain('<style nonce="csp-nonce-456">');
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(unbalancedTags(html)).toEqual([]);
  });

  it('shows the order: heading, number, dates, company, supplier 御中 and the lines table', () => {
    // Act
    const html = renderOrderPage(view());

    // Assess
    expect(html).toContain('<h1>発注内容のご確認</h1>');
    expect(html).toContain('<dt>発注番号</dt><dd>PO-20261128-0001</dd>');
    expect(html).toContain('<dt>発注日</dt><dd>2026年11月28日</dd>');
    expect(html).toContain('<dt>納品希望日</dt><dd>2026年12月1日</dd>');
    expect(html).toContain('<h2>発注元</h2>');
    expect(html).toContain('〒100-0005 東京都千代田区丸の内1-1-1 デモビル5F');
    expect(html).toContain('<a href="tel:0300001111">03-0000-1111</a>');
    expect(html).toContain('株式会社サンプル文具 御中');
    expect(html).toContain('<caption id="lines-caption">発注明細</caption>');
    for (const header of ['品番', '品名', '数量', '単位']) {
      expect(html).toContain(`<th scope="col">${header}</th>`);
    }
    expect(html).toContain(
      '<tr><td>A-100</td><th scope="row">ボールペン 黒 0.5mm</th><td class="num">84</td><td>本</td></tr>',
    );
  });

  it('has one POST form with the nonce and the three answers as radio buttons in a fieldset', () => {
    // Act
    const html = renderOrderPage(view());

    // Assess
    expect(html.match(/<form\b/g)).toHaveLength(1);
    expect(html).toContain(
      '<form method="post" action="/o/PO-20261128-0001.tqhdog.AAAAAAAAAAAAAAAAAAAAAA" novalidate>',
    );
    expect(html).toContain('<input type="hidden" name="nonce" value="form-nonce-123">');
    expect(html).toMatch(/<fieldset>\n<legend>ご回答をお選びください<\/legend>/);
    const radios = [...html.matchAll(/<input type="radio" name="action"[^>]* value="([a-z]+)"/g)];
    expect(radios.map((match) => match[1])).toEqual(['confirm', 'partial', 'decline']);
    expect(html).toContain('<label for="action-confirm">受注する</label>');
    expect(html).toContain('<label for="action-partial">一部のみ受注する</label>');
    expect(html).toContain('<label for="action-decline">辞退する</label>');
    expect(html).toMatch(/<input type="date" name="deliveryDate" id="f-deliveryDate"/);
    expect(html).toMatch(/<input type="date" name="partialDeliveryDate"/);
    expect(html).toMatch(
      /<input type="number" name="quantity" id="f-quantity" value="" min="1" step="any" max="84"/,
    );
    expect(html).toMatch(/<textarea name="note" id="f-note"[^>]* maxlength="500"/);
    expect(html).toMatch(/<textarea name="reason" id="f-reason"/);
    expect(html).toContain('<button type="submit">送信する</button>');
    // Without JavaScript `required` would block the answers that were not chosen.
    expect(html).not.toMatch(/\srequired\b/);
  });

  it('labels every visible input with a matching <label for>', () => {
    // Prepare
    const html = renderOrderPage(
      view({ errors: [{ field: 'quantity', message: 'x' }], values: { action: 'partial' } }),
    );

    // Act
    const ids = controlIds(html);

    // Assess
    expect(ids).toHaveLength(8);
    for (const id of ids) expect(html).toContain(`<label for="${id}">`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('escapes every value from kintone, the configuration and the supplier', () => {
    // Prepare
    const request: OrderRequest = {
      ...REQUEST,
      orderNumber: `PO-1${EVIL}`,
      orderDate: EVIL,
      supplier: { name: `${EVIL}商店` },
      lines: [{ sku: EVIL, name: `ボールペン${EVIL}`, quantity: 84, unit: EVIL }],
      company: {
        name: EVIL,
        postalCode: EVIL,
        address: EVIL,
        phone: `03${EVIL}`,
        fax: EVIL,
        email: `a"${EVIL}@example.jp`,
        contactName: EVIL,
      },
    };

    // Act
    const html = renderOrderPage(
      view({
        request,
        answer: { kind: 'partial', deliveryDate: EVIL, quantity: 48, note: EVIL, at: EVIL },
        formAction: `/o/x"${EVIL}`,
        formNonce: `"${EVIL}`,
        cspNonce: `"${EVIL}`,
        otherLangUrl: `javascript:"${EVIL}`,
        errors: [
          { field: 'note', message: EVIL },
          { field: EVIL, message: EVIL },
        ],
        values: { action: 'partial', note: `</textarea>${EVIL}`, quantity: `"${EVIL}` },
      }),
    );

    // Assess
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('</textarea><');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;商店 御中');
    expect(unbalancedTags(html)).toEqual([]);
  });

  it('lists errors in an alert summary and links each to its field', () => {
    // Prepare
    const errors = [
      { field: 'quantity', message: '数量はご発注数量（84）より少なくご入力ください。' },
      { field: 'note', message: '一部のみ受注される場合は、備考をご記入ください。' },
    ];

    // Act
    const html = renderOrderPage(view({ errors, values: { action: 'partial', quantity: '90' } }));

    // Assess
    expect(html).toMatch(/<div class="error-summary" role="alert"/);
    expect(html).toContain(`<li><a href="#f-quantity">${errors[0]?.message}</a></li>`);
    expect(html).toContain(`<li><a href="#f-note">${errors[1]?.message}</a></li>`);
    expect(html).toMatch(
      /<input type="number" name="quantity" id="f-quantity" value="90"[^>]* aria-describedby="hint-quantity err-quantity" aria-invalid="true">/,
    );
    expect(html).toContain(`<p class="error-message" id="err-quantity">${errors[0]?.message}</p>`);
    expect(html).toMatch(/id="action-partial" value="partial"[^>]* checked>/);
  });

  it('links a missing answer choice to the first radio button and describes every radio with it', () => {
    const html = renderOrderPage(
      view({ errors: [{ field: 'action', message: '選んでください' }] }),
    );

    expect(html).toContain('<li><a href="#action-confirm">選んでください</a></li>');
    expect(html.match(/aria-describedby="hint-action-[a-z]+ err-action"/g)).toHaveLength(3);
    expect(html).toContain('<p class="error-message" id="err-action">選んでください</p>');
  });

  it('shows the answer on record at the top and pre-fills the form with it', () => {
    // Act
    const html = renderOrderPage(
      view({
        answer: {
          kind: 'partial',
          deliveryDate: '2026-12-03',
          quantity: 48,
          note: '残りは12月10日に\n納品します',
          at: '2026-11-28T03:00:00.000Z',
        },
      }),
    );

    // Assess
    expect(html).toContain(
      'ご回答済み（<time datetime="2026-11-28T03:00:00.000Z">2026年11月28日 12:00</time>）',
    );
    expect(html.indexOf('ご回答済み')).toBeLessThan(html.indexOf('<dt>発注番号</dt>'));
    expect(html).toContain('<dt>ご回答</dt><dd>一部のみ受注する</dd>');
    expect(html).toContain('<dt>納品予定日</dt><dd>2026年12月3日</dd>');
    expect(html).toContain('<dd class="pre">残りは12月10日に\n納品します</dd>');
    expect(html).toMatch(/id="action-partial" value="partial"[^>]* checked>/);
    expect(html).toMatch(/name="partialDeliveryDate"[^>]* value="2026-12-03"/);
    expect(html).toMatch(/name="quantity"[^>]* value="48"/);
    expect(html).toContain('>\n残りは12月10日に\n納品します</textarea>');
  });

  it('shows a closed order with its answer but without a form', () => {
    const html = renderOrderPage(
      view({
        closed: true,
        answer: { kind: 'confirmed', deliveryDate: '2026-12-03', at: '2026-11-28T03:00:00Z' },
        errors: [{ field: 'note', message: 'x' }],
      }),
    );

    expect(html).not.toContain('<form');
    expect(html).not.toContain('<input');
    expect(html).not.toContain('role="alert"');
    expect(html).toContain('この発注は受付を終了しているため');
    expect(html).toContain('<dt>ご回答</dt><dd>受注する</dd>');
  });

  it.each<[PageLang, string, string]>([
    [
      'ja',
      '下のフォームから改めて送信',
      'この発注は受付を終了しているため、回答の送信・変更はできません',
    ],
    [
      'en',
      'send the form below again',
      'This order is closed, so answers can no longer be sent or changed',
    ],
  ])(
    'says only that a closed order can no longer be answered (%s): no invitation to change the answer',
    (lang, changeHint, closedNotice) => {
      // Prepare
      const answer = {
        kind: 'confirmed',
        deliveryDate: '2026-12-03',
        at: '2026-11-28T03:00:00Z',
      } as const;

      // Act
      const closed = renderOrderPage(view({ lang, closed: true, answer }));
      const open = renderOrderPage(view({ lang, answer }));

      // Assess: the open page invites a change below; the closed one says one thing.
      expect(closed).not.toContain(changeHint);
      expect(closed).toContain(closedNotice);
      expect(open).toContain(changeHint);
      expect(open).not.toContain(closedNotice);
    },
  );

  describe('an order with several lines', () => {
    /** Two rows of one supplier ordered together (the subtable fixture's B-200 and B-201). */
    const MULTI: OrderRequest = {
      ...REQUEST,
      lines: [
        { sku: 'B-200', name: 'コピー用紙 A4 500枚', quantity: 1200, unit: '枚', rowId: '368' },
        { sku: 'B-201', name: 'トナー TN-29J', quantity: 3, unit: '個', rowId: '369' },
      ],
    };

    /** The `<input>` tag of a line's quantity. */
    function lineInput(html: string, line: number): string {
      return new RegExp(`<input [^>]*name="quantity-${line}"[^>]*>`).exec(html)?.[0] ?? '';
    }

    it('lists every line and asks for a quantity per line under 一部のみ受注する', () => {
      // Act
      const html = renderOrderPage(view({ request: MULTI }));

      // Assess
      expect(html.match(/<tr><td>/g)).toHaveLength(2);
      expect(html).toContain('<td class="num">1,200</td>');
      expect(html).not.toMatch(/name="quantity"/);
      expect(html).toContain(
        '<fieldset class="field" id="f-lineQuantities">\n<legend>受注できる数量（必須）</legend>',
      );
      expect(html).toContain(pageText('ja').lineQuantitiesHint);
      expect(lineInput(html, 1)).toBe(
        '<input type="number" name="quantity-1" id="f-quantity-1" value="1200" min="0" max="1200" step="any" inputmode="decimal" autocomplete="off" aria-describedby="hint-quantity-1">',
      );
      expect(lineInput(html, 2)).toMatch(/id="f-quantity-2" value="3" min="0" max="3" /);
      expect(html).toContain('<label for="f-quantity-1">B-200 コピー用紙 A4 500枚</label>');
      expect(html).toContain('<label for="f-quantity-2">B-201 トナー TN-29J</label>');
      expect(html).toContain('<p class="hint" id="hint-quantity-1">ご発注数量: 1,200枚</p>');
      expect(html).toContain('<p class="hint" id="hint-quantity-2">ご発注数量: 3個</p>');
      // The partial answer sits between its date and its note, inside its own choice.
      const partial = html.slice(
        html.indexOf('id="action-partial"'),
        html.indexOf('id="action-decline"'),
      );
      expect(partial.indexOf('partialDeliveryDate')).toBeLessThan(partial.indexOf('quantity-1'));
      expect(partial.indexOf('quantity-2')).toBeLessThan(partial.indexOf('name="note"'));
      expect(unbalancedTags(html)).toEqual([]);
    });

    it('labels every visible input, the line quantities included', () => {
      const ids = controlIds(renderOrderPage(view({ request: MULTI })));

      expect(ids).toEqual([
        'action-confirm',
        'f-deliveryDate',
        'action-partial',
        'f-partialDeliveryDate',
        'f-quantity-1',
        'f-quantity-2',
        'f-note',
        'action-decline',
        'f-reason',
      ]);
    });

    it('keeps the posted quantities after an error and links each message to its line', () => {
      // Prepare
      const t = pageText('ja').errors;
      const errors = [
        { field: 'quantity-2', message: t.lineQuantityTooMany('B-201 トナー TN-29J', '3個') },
      ];

      // Act
      const html = renderOrderPage(
        view({
          request: MULTI,
          errors,
          values: { action: 'partial', 'quantity-1': '１０００', 'quantity-2': '5' },
        }),
      );

      // Assess
      expect(html).toContain(`<li><a href="#f-quantity-2">${errors[0]?.message}</a></li>`);
      expect(lineInput(html, 1)).toContain('value="１０００"');
      expect(lineInput(html, 1)).not.toContain('aria-invalid');
      expect(lineInput(html, 2)).toContain(
        'value="5" min="0" max="3" step="any" inputmode="decimal" autocomplete="off" aria-describedby="hint-quantity-2 err-quantity-2" aria-invalid="true">',
      );
      expect(html).toContain(
        `<div class="line-quantity field--error">\n<label for="f-quantity-2">B-201 トナー TN-29J</label>`,
      );
      expect(html).toContain(
        `<p class="error-message" id="err-quantity-2">${errors[0]?.message}</p>`,
      );
      expect(html).toMatch(/id="action-partial" value="partial"[^>]* checked>/);
    });

    it('shows a message about the lines together under the legend and links it to the first line', () => {
      // Prepare
      const message = pageText('ja').errors.lineQuantitiesAllFull;

      // Act
      const html = renderOrderPage(
        view({
          request: MULTI,
          errors: [{ field: 'lineQuantities', message }],
          values: { action: 'partial', 'quantity-1': '1200', 'quantity-2': '3' },
        }),
      );

      // Assess
      expect(html).toContain(`<li><a href="#f-quantity-1">${message}</a></li>`);
      expect(html).toContain(
        `<fieldset class="field field--error" id="f-lineQuantities">\n<legend>受注できる数量（必須）</legend>\n<p class="hint" id="hint-lineQuantities">${pageText('ja').lineQuantitiesHint}</p>\n<p class="error-message" id="err-lineQuantities">${message}</p>`,
      );
      for (const line of [1, 2]) {
        expect(lineInput(html, line)).toContain(
          `aria-describedby="hint-quantity-${line} err-lineQuantities" aria-invalid="true"`,
        );
      }
    });

    it('shows the answer on record per line and pre-fills the line quantities with it', () => {
      // Act
      const html = renderOrderPage(
        view({
          request: MULTI,
          answer: {
            kind: 'partial',
            deliveryDate: '2026-12-03',
            lines: [
              { sku: 'B-200', rowId: '368', quantity: 1000 },
              { sku: 'B-201', rowId: '369', quantity: 0 },
            ],
            note: 'トナーは廃番です',
            at: '2026-11-28T03:00:00.000Z',
          },
        }),
      );

      // Assess
      expect(html).toContain(
        '<dt>受注できる数量</dt><dd class="pre">B-200 コピー用紙 A4 500枚: 1,000枚\nB-201 トナー TN-29J: 0個</dd>',
      );
      expect(html).toMatch(/id="action-partial" value="partial"[^>]* checked>/);
      expect(lineInput(html, 1)).toContain('value="1000"');
      expect(lineInput(html, 2)).toContain('value="0"');
    });

    it('starts every line at its ordered quantity when the answer on record is not per line', () => {
      const html = renderOrderPage(
        view({
          request: MULTI,
          answer: { kind: 'confirmed', deliveryDate: '2026-12-03', at: '2026-11-28T03:00:00Z' },
        }),
      );

      expect(lineInput(html, 1)).toContain('value="1200"');
      expect(lineInput(html, 2)).toContain('value="3"');
    });

    it('renders the line quantities in English, escaping the line names', () => {
      const html = renderOrderPage(
        view({
          lang: 'en',
          request: {
            ...MULTI,
            lines: [
              { sku: 'B-200', name: EVIL, quantity: 20, unit: EVIL },
              { sku: 'B-201', name: 'Toner', quantity: 3, unit: 'pcs' },
            ],
          },
        }),
      );

      expect(html).toContain('<legend>Quantity you can deliver (required)</legend>');
      expect(html).toContain('<p class="hint" id="hint-quantity-2">Ordered: 3pcs</p>');
      expect(html).not.toMatch(/<script/i);
      expect(unbalancedTags(html)).toEqual([]);
    });
  });

  it('renders the English page with English strings and a link back to Japanese', () => {
    // Act
    const html = renderOrderPage(view({ lang: 'en', otherLangUrl: '/o/token' }));

    // Assess
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<h1>Please confirm this order</h1>');
    expect(html).toContain('<dt>Order date</dt><dd>November 28, 2026</dd>');
    expect(html).toContain('To: 株式会社サンプル文具');
    expect(html).toContain('<label for="action-confirm">Accept the order</label>');
    expect(html).toContain('<label for="action-partial">Accept part of the order</label>');
    expect(html).toContain('<label for="action-decline">Decline the order</label>');
    expect(html).toContain('<button type="submit">Send</button>');
    expect(html).toContain('<a href="/o/token" lang="ja" hreflang="ja">日本語</a>');
    expect(html).not.toContain('発注内容のご確認');
  });

  it('offers English from the Japanese page', () => {
    const html = renderOrderPage(view());

    expect(html).toContain(
      '<a href="/o/PO-20261128-0001.tqhdog.AAAAAAAAAAAAAAAAAAAAAA?lang=en" lang="en" hreflang="en">English</a>',
    );
  });

  it('shows dates and times it cannot read as they are instead of failing', () => {
    const html = renderOrderPage(
      view({
        request: { ...REQUEST, desiredDeliveryDate: '2026-02-30' },
        answer: { kind: 'declined', reason: '廃番', at: 'yesterday' },
        timeZone: 'Not/AZone',
      }),
    );

    expect(html).toContain('<dd>2026-02-30</dd>');
    expect(html).toContain('<time datetime="yesterday">yesterday</time>');
  });
});

describe('message pages', () => {
  it('renders a thank-you page without a form or script', () => {
    const html = thankYouPage('ja', 'n');

    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('<h1>ありがとうございました</h1>');
    expect(html).toContain('<style nonce="n">');
    expect(html).not.toMatch(/<script|<form/);
    expect(unbalancedTags(html)).toEqual([]);
  });

  it('escapes the title and message and marks errors', () => {
    const html = renderMessagePage({
      lang: 'en',
      title: EVIL,
      message: EVIL,
      cspNonce: 'n',
      status: 'error',
    });

    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('<div class="message message--error">');
  });

  it('shows one and the same page for malformed, tampered, expired and unknown links', () => {
    // Prepare
    const key = 'test-signing-key-0123456789abcdef';
    const now = new Date('2026-11-28T00:00:00Z');
    const good = signOrderLink(
      { orderNumber: REQUEST.orderNumber, supplier: 'S-001', expiresAt: orderLinkExpiry(now, 30) },
      key,
    );
    const expired = signOrderLink(
      { orderNumber: REQUEST.orderNumber, supplier: 'S-001', expiresAt: 1_700_000_000 },
      key,
    );
    const problems = new Set<OrderLinkProblem | 'unknown'>();
    const pages = new Set<string>();
    const cases: Array<[string, string]> = [
      ['garbage', 'S-001'],
      [`${good.slice(0, -1)}x`, 'S-001'],
      [good, 'S-002'],
      [expired, 'S-001'],
    ];

    // Act
    for (const [token, supplier] of cases) {
      const result = verifyOrderLink(token, key, supplier, now);
      if (!result.ok) problems.add(result.problem);
      pages.add(invalidLinkPage('ja', 'nonce'));
    }
    // An unknown order never reaches verification: the handler shows the same page.
    problems.add('unknown');
    pages.add(invalidLinkPage('ja', 'nonce'));

    // Assess
    expect([...problems].sort()).toEqual(['bad-signature', 'expired', 'malformed', 'unknown']);
    expect(pages.size).toBe(1);
    const [page = ''] = pages;
    expect(page).toContain(
      'このリンクは無効か、有効期限が切れています。発注元にお問い合わせください。',
    );
    expect(page).not.toContain(REQUEST.orderNumber);
    expect(page).not.toContain(REQUEST.supplier.name);
    expect(invalidLinkPage('en', 'nonce')).toContain('This link is invalid or has expired.');
  });
});

describe('langFrom', () => {
  it.each([
    ['en', 'en'],
    ['EN', 'en'],
    [' en-US ', 'en'],
    [undefined, 'ja'],
    ['', 'ja'],
    ['ja', 'ja'],
    ['fr', 'ja'],
    ['english', 'ja'],
    ['en-US,en;q=0.9', 'ja'],
  ] as const)('reads %p as %p', (value, lang) => {
    expect(langFrom(value)).toBe(lang);
  });

  it('has every text in both languages', () => {
    const keys = (lang: 'ja' | 'en') => Object.keys(pageText(lang)).sort();
    expect(keys('en')).toEqual(keys('ja'));
    for (const lang of ['ja', 'en'] as const) {
      for (const value of Object.values(pageText(lang))) {
        if (typeof value === 'string') expect(value.trim()).not.toBe('');
      }
    }
  });
});
