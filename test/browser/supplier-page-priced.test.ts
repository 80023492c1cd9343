import type { Browser } from 'playwright-core';
import { renderOrderPage } from '../../shared/documents/order-page';
import { pricedOrder } from '../support/priced-order';
import { launchChromium, saveScreenshot } from './support/chromium';

/**
 * The order page of a priced order with a ship-to on a phone, in Chromium without JavaScript:
 * the page itself never scrolls sideways (the wide lines table scrolls inside its own box), the
 * ship-to and the totals are read by their roles, and the screenshot goes to
 * test-artifacts/screenshots/.
 */

jest.setTimeout(30_000);

const PAGE_URL = 'https://supplier-page.example.test/o/PO-20261202-0001.token';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

test('a priced order with a ship-to fits a 390 px phone: ship-to, totals per rate, the answer button', async () => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    locale: 'ja-JP',
    javaScriptEnabled: false,
  });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    await page.route(`${PAGE_URL}*`, (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: renderOrderPage({
          lang: 'ja',
          request: pricedOrder({ linkExpiresAt: '2026-12-31T15:00:00.000Z' }),
          formAction: PAGE_URL,
          formNonce: 'form-nonce',
          cspNonce: 'csp-nonce',
          otherLangUrl: `${PAGE_URL}?lang=en`,
          preview: true,
        }),
      }),
    );
    await page.goto(PAGE_URL);

    const shipTo = page.getByRole('region', { name: '納品先' });
    await expect(shipTo.textContent()).resolves.toContain('株式会社デモ商事 大阪倉庫');
    const lines = page.getByRole('table', { name: '発注明細' });
    const total = lines.getByRole('row', { name: /合計（税込）/ });
    await expect(total.textContent()).resolves.toContain('¥23,991');
    await expect(
      lines.getByRole('row', { name: /8%対象（※軽減税率）/ }).textContent(),
    ).resolves.toContain('¥3,840');
    await expect(page.getByRole('note').textContent()).resolves.toContain('プレビュー');
    await expect(page.getByRole('button', { name: '送信する' }).isVisible()).resolves.toBe(true);

    const widths = await page.evaluate(
      '({ page: document.documentElement.scrollWidth, view: window.innerWidth })',
    );
    const { page: pageWidth, view } = widths as { page: number; view: number };
    expect(pageWidth).toBeLessThanOrEqual(view);
    await saveScreenshot(page, 'supplier-page-priced-phone');
  } finally {
    await context.close();
  }
});
