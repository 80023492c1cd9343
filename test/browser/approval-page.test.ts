import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import type { StoredEmail } from '../../local/ses/ses-local';
import { startTestStack, type TestStack } from '../support/local-stack';
import { launchChromium, saveScreenshot } from './support/chromium';

/**
 * The approver's one-click page (`/a/{token}`) in a real Chromium without JavaScript, through
 * the local stack with approval by link (config/demo.json plus `approval`, as
 * test/e2e/approval.test.ts): staff drop A-100's stock, the approver's email arrives in the
 * local SES store, its link is opened at desktop width and on a 390 px phone (no sideways
 * scroll), 承認 is clicked, and the next scheduled send mails the order to the supplier.
 * Screenshots go to test-artifacts/screenshots/.
 */

jest.setTimeout(60_000);

const APPROVER = 'approver@demo-shoji.example.jp';
const DESKTOP: BrowserContextOptions = {
  viewport: { width: 1280, height: 900 },
  locale: 'ja-JP',
  javaScriptEnabled: false,
};
const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  locale: 'ja-JP',
  javaScriptEnabled: false,
};

let offsetMs = 0;
const now = (): Date => new Date(Date.now() + offsetMs);

let t: TestStack | undefined;
let browser: Browser;
let configDir: string;

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), 'sab-browser-approval-config-'));
  const config = JSON.parse(readFileSync('config/demo.json', 'utf8')) as Record<string, unknown>;
  config.approval = {
    apps: ['12'],
    approverEmail: APPROVER,
    remindAfterHours: 24,
    flagAfterHours: 48,
  };
  const configPath = join(configDir, 'config.approval.json');
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  [t, browser] = await Promise.all([
    startTestStack('sab-browser-approval-', { configPath, now }),
    launchChromium(),
  ]);
  await t.stack.ses.clear();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  rmSync(configDir, { recursive: true, force: true });
});

function stack(): TestStack {
  if (t === undefined) throw new Error('the local stack did not start');
  return t;
}

async function emailsTo(address: string): Promise<StoredEmail[]> {
  return (await stack().stack.ses.emails()).filter((email) =>
    email.destination.to.includes(address),
  );
}

async function supplierEmails(): Promise<StoredEmail[]> {
  return (await stack().stack.ses.emails()).filter(
    (email) => !email.destination.to.includes(APPROVER),
  );
}

async function withPage<T>(
  options: BrowserContextOptions,
  use: (page: Page) => Promise<T>,
): Promise<T> {
  const context = await browser.newContext(options);
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    return await use(page);
  } finally {
    await context.close();
  }
}

async function widths(page: Page): Promise<{ page: number; view: number }> {
  return (await page.evaluate(
    '({ page: document.documentElement.scrollWidth, view: window.innerWidth })',
  )) as { page: number; view: number };
}

/** What the approver must see before deciding. */
async function expectOrderShown(page: Page, orderNumber: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(
    orderNumber,
  );
  const main = (await page.locator('main').textContent()) ?? '';
  expect(main).toContain('株式会社サンプル文具');
  expect(main).toContain('株式会社デモ商事 本社倉庫');
  expect(main).toContain('承認が必要な理由');
  const table = page.getByRole('table', { name: '発注明細' });
  const line = table.locator('tbody tr');
  await expect(line.count()).resolves.toBe(1);
  const cells = await line.first().locator('td').allTextContents();
  expect(cells[0]).toBe('A-100');
  expect(cells.join(' ')).toContain('84');
  expect(main).toMatch(/合計.*税込/);
  expect(main).toContain('11,088');
  await expect(page.getByRole('button', { name: '承認して送信する' }).isVisible()).resolves.toBe(
    true,
  );
  await expect(page.getByRole('button', { name: '差し戻す' }).isVisible()).resolves.toBe(true);
  await expect(page.getByLabel('差し戻しの理由 (任意)').isVisible()).resolves.toBe(true);
}

test('the approver opens the emailed link on a desktop and a phone, clicks 承認, and the order goes out', async () => {
  // Prepare: A-100 (reorder point 20) drops to 18; app 12's orders need approval.
  const id = await stack().recordIdOf('A-100');
  await stack().edit(id, { 在庫数: '18' });
  const item = await stack().fields(id);
  expect(item['発注状況']).toBe('承認待ち');
  const orderNumber = item['発注番号'] ?? '';
  const [request] = await emailsTo(APPROVER);
  const link = /https?:\/\/\S+\/a\/\S+/.exec(request?.body.text ?? '')?.[0] ?? '';
  expect(link).toContain(orderNumber);
  expect(await supplierEmails()).toHaveLength(0);

  // Act + assess: the page at desktop width.
  await withPage(DESKTOP, async (page) => {
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(/default-src 'none'/);
    await expectOrderShown(page, orderNumber);
    await saveScreenshot(page, 'approval-page');
  });

  // On a 390 px phone: the same, and the page never scrolls sideways.
  await withPage(PHONE, async (page) => {
    await page.goto(link);
    await expectOrderShown(page, orderNumber);
    const { page: pageWidth } = await widths(page);
    expect(pageWidth).toBeLessThanOrEqual(390);
    await saveScreenshot(page, 'approval-page-phone');

    // 承認: the POST redirects back to the page, which says so without a form.
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: '承認して送信する' }).click(),
    ]);
    await page.waitForLoadState();
    await expect(page.getByRole('status').textContent()).resolves.toContain('承認済みです');
    await expect(page.getByRole('button', { name: '承認して送信する' }).count()).resolves.toBe(0);
    expect((await widths(page)).page).toBeLessThanOrEqual(390);
    await saveScreenshot(page, 'approval-page-approved-phone');
  });

  // The next scheduled send (after the 2-minute quiet period) mails the order to the supplier.
  offsetMs += 3 * 60_000;
  await stack().runScheduler();
  const sent = await supplierEmails();
  expect(sent).toHaveLength(1);
  expect(sent[0]?.subject).toContain(orderNumber);
  expect((await stack().fields(id))['発注状況']).toBe('発注依頼済');
});
