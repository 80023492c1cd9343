import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  learningReportHeaders,
  renderLearningReportPage,
} from '../../shared/documents/learning-report-page';
import type { LearningReport } from '../../shared/documents/learning-report-view';
import { startHttpBridge } from '../../local/http-bridge';
import { LEARNING_REPORT_PATH, learningReportRoutes } from '../../local/learning-report-route';
import { manyItemsReport, sampleLearningReport } from '../fixtures/learning-report';
import { startTestStack } from '../support/local-stack';
import { launchChromium, saveScreenshot } from './support/chromium';

/**
 * The learning report page (issue 14) in a real Chromium, at a desktop width and on a phone:
 * the charts and the scorecard are visible, the phone needs no sideways scrolling, the policy
 * blocks nothing the page uses, and markup typed into kintone stays text. The page is served as
 * the local stack serves it (same headers), from the sample report; then the local stack's own
 * /report after staff drop an item, it is ordered and received; then the local route over 120
 * items, paged and filtered. Screenshots: learning-report.png, learning-report-phone.png,
 * learning-report-local.png, learning-report-filtered-phone.png.
 */

jest.setTimeout(60_000);

const HOSTILE = '<img src=x onerror="document.title=\'pwned\'">';

function reportWithHostileItem(): LearningReport {
  const report = sampleLearningReport();
  const [, second] = report.items;
  if (!second) throw new Error('the sample report has items');
  report.items.push({ ...second, itemId: '9', sku: 'Z-999', name: HOSTILE, orders: [] });
  return report;
}

let server: Server;
let url: string;
let browser: Browser;

beforeAll(async () => {
  const body = renderLearningReportPage(reportWithHostileItem(), { timeZone: 'Asia/Tokyo' });
  server = createServer((_request, response) => {
    response.writeHead(200, learningReportHeaders());
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/report`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** Opens the page at a width and collects what the console says about the policy. */
async function open(
  width: number,
): Promise<{ context: BrowserContext; page: Page; csp: string[] }> {
  const context = await browser.newContext({
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    viewport: { width, height: 900 },
  });
  const page = await context.newPage();
  const csp: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) csp.push(message.text());
  });
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  return { context, page, csp };
}

async function scrollWidth(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth');
}

test.each([
  { width: 1280, name: 'learning-report' },
  { width: 390, name: 'learning-report-phone' },
])(
  'at $width px: charts, legend and scorecard visible, nothing overflows, CSP holds',
  async ({ width, name }) => {
    // Act
    const { context, page, csp } = await open(width);

    // Assess: the A-100 chart is drawn at a readable size, with its stock line and levels.
    const chart = page.locator('section[data-sku="A-100"] svg.chart');
    await expect(chart.isVisible()).resolves.toBe(true);
    const box = await chart.boundingBox();
    expect(box?.width).toBeGreaterThan(width < 500 ? 300 : 500);
    expect(box?.height).toBeGreaterThan(150);
    await expect(chart.getAttribute('aria-labelledby')).resolves.toBe(
      'item-1-chart-title item-1-chart-desc',
    );
    const stockLine = await chart.locator('path.stock').boundingBox();
    expect(stockLine?.width).toBeGreaterThan((box?.width ?? 0) * 0.7);
    // A horizontal line has no height, which Playwright calls invisible: its width shows it.
    for (const level of ['line.rop-set', 'line.rop-suggested']) {
      const lineBox = await chart.locator(level).boundingBox();
      expect(lineBox?.width).toBeGreaterThan((box?.width ?? 0) * 0.7);
    }
    await expect(page.locator('section[data-sku="A-100"] .legend').innerText()).resolves.toMatch(
      /在庫数[\s\S]*発注点（設定）[\s\S]*推奨発注点[\s\S]*発注/,
    );

    // Assess: the scorecard shows S-001's numbers.
    const row = page.locator('tr[data-supplier="S-001"]');
    await expect(row.isVisible()).resolves.toBe(true);
    await expect(row.innerText()).resolves.toContain('90.9%（10/11）');
    await expect(page.locator('table.shadow').isVisible()).resolves.toBe(true);

    // Assess: no sideways scrolling, with an order list open too; the policy blocked nothing;
    // markup stayed text.
    expect(await scrollWidth(page)).toBeLessThanOrEqual(width);
    await page.locator('section[data-sku="A-100"] details summary').click();
    await expect(page.locator('section[data-sku="A-100"] table.orders').isVisible()).resolves.toBe(
      true,
    );
    expect(await scrollWidth(page)).toBeLessThanOrEqual(width);
    expect(csp).toEqual([]);
    await expect(page.title()).resolves.toBe('学習レポート - stock-alert-bridge');
    await expect(page.locator('section[data-sku="Z-999"] h3').innerText()).resolves.toContain(
      HOSTILE,
    );
    await expect(page.locator('section[data-sku="Z-999"] img').count()).resolves.toBe(0);
    await saveScreenshot(page, name);
    await context.close();
  },
);

test('a style the page did not bring is refused', async () => {
  // Prepare
  const { context, page } = await open(1280);

  // Act: an injected <style> (what an escaping bug would let through).
  const applied = await page.evaluate<string>(`(() => {
    const style = document.createElement('style');
    style.textContent = 'body { background: rgb(255, 0, 0) }';
    document.head.appendChild(style);
    return getComputedStyle(document.body).backgroundColor;
  })()`);

  // Assess
  expect(applied).not.toBe('rgb(255, 0, 0)');
  await context.close();
});

test('the local stack serves the report of what it saw: the item ordered and received', async () => {
  // Prepare: the demo configuration, learning; A-100 drops, is ordered, and is received.
  const demo = JSON.parse(readFileSync('config/demo.json', 'utf8')) as Record<string, unknown>;
  const configDir = mkdtempSync(join(tmpdir(), 'sab-report-browser-'));
  const configPath = join(configDir, 'learning.json');
  writeFileSync(configPath, JSON.stringify({ ...demo, learning: {} }));
  const local = await startTestStack('sab-report-browser-', { configPath });
  try {
    const id = (await local.recordOf('A-100')).id;
    const edits: Record<string, string>[] = [
      { 在庫数: '40' },
      { 在庫数: '26' },
      { 在庫数: '18' },
      { 在庫数: '100', 発注状況: '入荷済' },
      { 在庫数: '92' },
    ];
    for (const values of edits) {
      await local.edit(id, values);
      await local.stack.idle();
    }
    url = local.stack.urls.learningReportUrl;

    // Act
    const { context, page, csp } = await open(1280);

    // Assess
    const chart = page.locator('section[data-sku="A-100"] svg.chart');
    await expect(chart.isVisible()).resolves.toBe(true);
    await expect(chart.locator('path.order-placed').count()).resolves.toBe(1);
    await expect(page.locator('section[data-sku="A-100"] dl.facts').innerText()).resolves.toMatch(
      /在庫数（最新）\s*92[\s\S]*発注点（設定）\s*20/,
    );
    await expect(page.locator('tr[data-supplier="S-001"]').isVisible()).resolves.toBe(true);
    expect(csp).toEqual([]);
    await saveScreenshot(page, 'learning-report-local');
    await context.close();
  } finally {
    await local.close();
    rmSync(configDir, { recursive: true, force: true });
  }
});

test('with 120 items the served report shows 50 a page, filters by text and supplier, and pages on', async () => {
  // Prepare: the local route over a report of 120 items.
  const bridge = await startHttpBridge({
    port: 0,
    routes: learningReportRoutes({
      build: () => Promise.resolve(manyItemsReport(120)),
      timeZone: 'Asia/Tokyo',
    }),
  });
  url = `http://127.0.0.1:${bridge.port}${LEARNING_REPORT_PATH}`;
  try {
    for (const width of [1280, 390]) {
      const { context, page, csp } = await open(width);
      const items = page.locator('section.item');

      // Assess: the first page.
      await expect(items.count()).resolves.toBe(50);
      await expect(page.locator('.pager').first().innerText()).resolves.toContain('1 / 3 ページ');

      // Act: the next page, by its link.
      await page.locator('.pager a[rel="next"]').first().click();

      // Assess
      await expect(items.first().getAttribute('data-sku')).resolves.toBe('P-0051');
      await expect(page.locator('.pager').first().innerText()).resolves.toContain('2 / 3 ページ');

      // Act: filter by a full-width name and one supplier, with the form.
      await page.getByLabel('品番・品名').fill('box');
      await page.getByLabel('仕入先').selectOption('S-001');
      await page.getByRole('button', { name: '絞り込む' }).click();

      // Assess: the matching items only (ＢＯＸ 1, 31, 61 and 91 are S-003's), the filter kept.
      await page.waitForURL(/q=box/);
      await expect(items.count()).resolves.toBe(8);
      await expect(page.locator('[role="status"]').innerText()).resolves.toContain(
        '全 120 品目のうち 8 品目が条件に合います',
      );
      await expect(page.getByLabel('品番・品名').inputValue()).resolves.toBe('box');
      await expect(page.locator('.pager').count()).resolves.toBe(0);
      expect(await scrollWidth(page)).toBeLessThanOrEqual(width);
      expect(csp).toEqual([]);
      if (width === 390) await saveScreenshot(page, 'learning-report-filtered-phone');
      await context.close();
    }

    // Assess: a page number that is not one is refused, with the reason.
    const refused = await fetch(`${url}?page=two`);
    expect(refused.status).toBe(400);
    await expect(refused.text()).resolves.toContain('ページ番号が読み取れません');
  } finally {
    await bridge.close();
  }
});
