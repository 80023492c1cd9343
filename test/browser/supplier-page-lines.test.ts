import type { Browser, Page } from 'playwright-core';
import type { OrderRequest } from '../../shared/domain/order';
import { renderOrderPage, thankYouPage } from '../../shared/documents/order-page';
import { parseAnswerForm } from '../../shared/documents/order-page-form';
import { launchChromium, saveScreenshot } from './support/chromium';

/**
 * The order page of an order with several lines (table rows of one supplier ordered together)
 * in a real Chromium with JavaScript switched off: the per-line quantities are found by their
 * labels, typed into, and posted by the browser's own form submission. The page is served by
 * intercepted requests, so no local stack is needed; the posted body is read back with the
 * page's own parser. The screenshot is written to test-artifacts/screenshots/.
 */

jest.setTimeout(30_000);

const PAGE_URL = 'https://supplier-page.example.test/o/PO-20261129-0001.token';
const REQUEST: OrderRequest = {
  orderNumber: 'PO-20261129-0001',
  orderedAt: '2026-11-29T01:00:00.000Z',
  orderDate: '2026-11-29',
  desiredDeliveryDate: '2026-12-02',
  supplier: { code: 'S-002', name: '紙の山田商店', email: 'sales@yamada-paper.example.jp' },
  lines: [
    { sku: 'B-200', name: 'コピー用紙 A4 500枚', quantity: 20, unit: '個', rowId: '368' },
    { sku: 'B-201', name: 'トナー TN-29J', quantity: 3, unit: '個', rowId: '369' },
    { sku: 'B-202', name: 'ホチキス針', quantity: 5, unit: '箱', rowId: '370' },
  ],
  company: {
    name: '株式会社デモ商事',
    postalCode: '100-0005',
    address: '東京都千代田区丸の内1-1-1 デモビル5F',
    phone: '03-0000-1111',
    email: 'purchasing@demo-shoji.example.jp',
    contactName: '購買部 山田',
  },
  reason: 'B-200, B-201, B-202 が発注点を下回ったため',
};

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** Serves the order page at {@link PAGE_URL} and keeps the bodies of the form's POSTs. */
async function servePage(page: Page): Promise<string[]> {
  const posted: string[] = [];
  await page.route(`${PAGE_URL}*`, async (route) => {
    const request = route.request();
    if (request.method() === 'POST') {
      posted.push(request.postData() ?? '');
      await route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: thankYouPage('ja', 'n'),
      });
      return;
    }
    await route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: renderOrderPage({
        lang: 'ja',
        request: REQUEST,
        formAction: PAGE_URL,
        formNonce: 'form-nonce',
        cspNonce: 'csp-nonce',
        otherLangUrl: `${PAGE_URL}?lang=en`,
      }),
    });
  });
  return posted;
}

test('partial answer per line: labelled quantities, typed on a phone without JavaScript, posted by the form', async () => {
  // Prepare
  const context = await browser.newContext({
    viewport: { width: 412, height: 915 },
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    javaScriptEnabled: false,
  });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    const posted = await servePage(page);
    await page.goto(PAGE_URL);

    // Act
    const radio = page.getByRole('radio', { name: '一部のみ受注する', exact: true });
    await page.locator(`label[for="${await radio.getAttribute('id')}"]`).click();
    const block = page.locator('.choice').filter({ has: radio });
    const group = block.getByRole('group', { name: '受注できる数量（必須）' });
    const b200 = group.getByRole('spinbutton', { name: 'B-200 コピー用紙 A4 500枚' });
    const b201 = group.getByRole('spinbutton', { name: 'B-201 トナー TN-29J' });
    const b202 = group.getByRole('spinbutton', { name: 'ホチキス針' });
    const startingValues = [
      await b200.inputValue(),
      await b201.inputValue(),
      await b202.inputValue(),
    ];
    const maxima = [await b200.getAttribute('max'), await b201.getAttribute('max')];
    await block.getByLabel('納品予定日').fill('2026-12-04');
    await b201.fill('1');
    await b202.fill('0');
    await block.getByLabel('備考').fill('B-202 は廃番のためお受けできません。');
    await saveScreenshot(page, 'partial-lines-form');
    await Promise.all([
      page.waitForURL(PAGE_URL),
      page.getByRole('button', { name: '送信する' }).click(),
    ]);

    // Assess
    expect(startingValues).toEqual(['20', '3', '5']);
    expect(maxima).toEqual(['20', '3']);
    expect(posted).toHaveLength(1);
    const fields = Object.fromEntries(new URLSearchParams(posted[0] ?? ''));
    expect(fields).toMatchObject({ 'quantity-1': '20', 'quantity-2': '1', 'quantity-3': '0' });
    expect(
      parseAnswerForm(fields, {
        orderedQuantity: 20,
        lines: REQUEST.lines,
        today: '2026-11-29',
        lang: 'ja',
      }),
    ).toEqual({
      ok: true,
      answer: {
        kind: 'partial',
        deliveryDate: '2026-12-04',
        lines: [
          { sku: 'B-200', rowId: '368', quantity: 20 },
          { sku: 'B-201', rowId: '369', quantity: 1 },
          { sku: 'B-202', rowId: '370', quantity: 0 },
        ],
        note: 'B-202 は廃番のためお受けできません。',
      },
    });
  } finally {
    await context.close();
  }
});
