import type { Browser, BrowserContext, Page } from 'playwright-core';
import { formSaveTable, type TableRowJson } from '../../local/kintone/form-save';
import { launchChromium, saveScreenshot } from './support/chromium';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * Staff's view of the local kintone in Chromium, with JavaScript off: after staff drop stock
 * through the REST API and the bridge orders, the record page shows what kintone would show
 * staff (発注依頼済, the order number, the reason, the order comment); app 15's record shows
 * its table rows; a value with markup is shown as text. Screenshots go to
 * test-artifacts/screenshots/.
 */

jest.setTimeout(60_000);

let local: TestStack;
let browser: Browser;
let context: BrowserContext;
/** Content-Security-Policy complaints Chromium logged: the page's own style must not be one. */
const cspViolations: string[] = [];

beforeAll(async () => {
  [local, browser] = await Promise.all([startTestStack('sab-kintone-view-'), launchChromium()]);
  context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'ja-JP',
    javaScriptEnabled: false,
  });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await local?.close();
});

async function open(path: string): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  const response = await page.goto(`${local.stack.urls.kintoneBaseUrl}${path}`);
  expect(response?.status()).toBe(200);
  return page;
}

/** The value cell of a field, found by its label as staff read it. */
function fieldValue(page: Page, label: string) {
  return page
    .getByRole('table', { name: 'フィールド' })
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: label, exact: true }) })
    .getByRole('cell');
}

it('shows the ordered record as staff would see it in kintone', async () => {
  // Prepare: A-100 drops below its reorder point; the bridge orders and writes back.
  const { id } = await local.recordOf('A-100');
  await local.edit(id, { 在庫数: '18' });
  const { fields } = await local.recordOf('A-100');
  const orderNumber = fields['発注番号'] ?? '';
  expect(orderNumber).toMatch(/^PO-\d{8}-\d{4}$/);

  // Act
  const page = await open(`/k/12/show?record=${id}`);

  // Assess
  await expect(fieldValue(page, '発注状況').textContent()).resolves.toBe('発注依頼済');
  await expect(fieldValue(page, '発注番号').textContent()).resolves.toBe(orderNumber);
  await expect(fieldValue(page, '発注理由').textContent()).resolves.toBe(fields['発注理由']);
  await expect(fieldValue(page, '納品予定日').textContent()).resolves.toBe('');
  const comments = page.getByRole('list', { name: 'コメント' }).getByRole('listitem');
  await expect(comments.first().textContent()).resolves.toContain(`発注依頼 ${orderNumber}`);
  // The stylesheet is allowed by its hash: the page is styled, and nothing was refused.
  await expect(
    page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor"),
  ).resolves.toBe('rgb(45, 58, 70)');
  expect(cspViolations).toEqual([]);
  await saveScreenshot(page, 'local-kintone-record');
  await page.close();
});

it("shows app 15's record with its table rows", async () => {
  // Prepare: B-200 and B-201 of 大阪倉庫 drop in one save, as the demo does.
  const site = local.stack.urls;
  const { KintoneRestAPIClient } = await import('@kintone/rest-api-client');
  const client = new KintoneRestAPIClient({
    baseUrl: site.kintoneBaseUrl,
    auth: { apiToken: site.siteInventoryApiToken ?? '' },
  });
  const { record } = await client.record.getRecord({ app: '15', id: '1' });
  const rows = (record['在庫明細'] as unknown as { value: TableRowJson[] }).value;
  const low: Record<string, string> = { 'B-200': '8', 'B-201': '0' };
  const table = formSaveTable(rows, (row): Record<string, string> => {
    const stock = low[String(row.value['明細_品番']?.value)];
    return stock === undefined ? {} : { 明細_在庫数: stock };
  });
  await client.record.updateRecord({ app: '15', id: '1', record: { 在庫明細: { value: table } } });
  await local.stack.idle();

  // Act
  const page = await open('/k/15/show?record=1');

  // Assess
  const bodyRows = page.getByRole('table', { name: '在庫明細' }).locator('tbody tr');
  await expect(bodyRows.count()).resolves.toBe(3);
  const cells = async (index: number) => bodyRows.nth(index).locator('td').allTextContents();
  const b201 = await cells(1);
  expect(b201[0]).toBe('B-201');
  expect(b201[8]).toBe('発注依頼済');
  expect(b201[9]).toMatch(/^PO-\d{8}-\d{4}$/);
  expect((await cells(2))[8]).toBe('未発注');
  await saveScreenshot(page, 'local-kintone-table-record');
  await page.close();
});

it('shows a value with <script> as text, even to a browser that runs scripts', async () => {
  // Prepare: staff type markup into an item name; this browser runs JavaScript.
  const { id } = await local.recordOf('D-400');
  const typed = '<script>document.title="pwned"</script><b>太字</b>';
  await local.edit(id, { 品名: typed });
  const scripting = await browser.newContext({ javaScriptEnabled: true });

  // Act
  const page = await scripting.newPage();
  await page.goto(`${local.stack.urls.kintoneBaseUrl}/k/12/show?record=${id}`);

  // Assess
  await expect(fieldValue(page, '品名').textContent()).resolves.toBe(typed);
  await expect(page.locator('main script, main b').count()).resolves.toBe(0);
  await expect(page.title()).resolves.toBe(`D-400 ${typed} - 在庫管理 | local kintone`);
  await scripting.close();
});
