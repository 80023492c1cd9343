import type { KintoneRestAPIClient } from '@kintone/rest-api-client';
import type {
  Browser,
  BrowserContext,
  BrowserContextOptions,
  Locator,
  Page,
} from 'playwright-core';
import type { LocalStack } from '../../local/stack';
import { addDays, localDate } from '../../shared/domain/dates';
import { orderPageUrl, signOrderLink } from '../../shared/edge/order-link';
import { supplierIdentity } from '../../shared/domain/supplier-answer';
import {
  launchChromium,
  localSigningKey,
  orderPageLinkIn,
  saveScreenshot,
} from './support/chromium';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * The supplier's order page in a real Chromium, the way a supplier meets it: staff change stock
 * with the official kintone client, the order request arrives in the local SES inbox, the link
 * is taken from the email's HTML and opened in the browser, the form is filled by clicking
 * labels and typing into labelled fields, and the answer is read back from kintone.
 *
 * Each test orders its own demo item, so the answers do not meet. Screenshots are written to
 * test-artifacts/screenshots/.
 */

// Chromium's start and a few page loads on top of the local stack's own start.
jest.setTimeout(45_000);

const APP = '12';
const TIME_ZONE = 'Asia/Tokyo';
/** A phone, as many suppliers will open the link from the email on one. */
const PHONE: BrowserContextOptions = {
  viewport: { width: 412, height: 915 },
  locale: 'ja-JP',
  timezoneId: TIME_ZONE,
};

let stack: LocalStack;
let dataDir: string;
let kintone: KintoneRestAPIClient;
let itemRecord: TestStack['recordOf'];
let local: TestStack | undefined;
let browser: Browser;

beforeAll(async () => {
  [local, browser] = await Promise.all([startTestStack('sab-browser-'), launchChromium()]);
  ({ stack, dataDir, kintone, recordOf: itemRecord } = local);
});

afterAll(async () => {
  await browser?.close();
  await local?.close();
});

/** An item whose order request has gone out. */
interface OrderedItem {
  recordId: string;
  orderNumber: string;
  fields: Record<string, string>;
}

/** Staff record a stock level below the item's reorder point; the bridge orders it. */
async function dropStock(sku: string, onHand: number): Promise<OrderedItem> {
  const { id } = await itemRecord(sku);
  await kintone.record.updateRecord({
    app: APP,
    id,
    record: { 在庫数: { value: String(onHand) } },
  });
  await stack.idle();
  const { fields } = await itemRecord(sku);
  const orderNumber = fields['発注番号'] ?? '';
  if (fields['発注状況'] !== '発注依頼済' || orderNumber === '') {
    throw new Error(`${sku} was not ordered: 発注状況 ${fields['発注状況']}`);
  }
  return { recordId: id, orderNumber, fields };
}

/** The order page link in the HTML of the email that carried the order request. */
async function linkFromEmail(orderNumber: string): Promise<string> {
  const emails = (await stack.ses.emails()).filter((email) => email.subject.includes(orderNumber));
  expect(emails).toHaveLength(1);
  return orderPageLinkIn(emails[0]?.body.html ?? '', stack.urls.supplierPageBaseUrl ?? '');
}

async function latestComment(recordId: string): Promise<string> {
  const { comments } = await kintone.record.getRecordComments({
    app: APP,
    record: recordId,
    order: 'desc',
  });
  return comments[0]?.text ?? '';
}

/** Runs `use` with a fresh browser context (cookies, cache) that is closed afterwards. */
async function withPage<T>(
  options: BrowserContextOptions,
  use: (page: Page) => Promise<T>,
): Promise<T> {
  const context: BrowserContext = await browser.newContext(options);
  try {
    return await use(await context.newPage());
  } finally {
    await context.close();
  }
}

/**
 * One answer block of the form (受注する, 一部のみ受注する, 辞退する): its fields have the same
 * labels in several blocks (納品予定日), so they are looked up inside the chosen block.
 */
function answerBlock(page: Page, answer: string): Locator {
  return page.locator('.choice').filter({ has: page.getByLabel(answer, { exact: true }) });
}

/** Chooses an answer the way a person does: by clicking the words next to the radio button. */
async function chooseAnswer(page: Page, answer: string): Promise<Locator> {
  const radio = page.getByRole('radio', { name: answer, exact: true });
  const id = await radio.getAttribute('id');
  await page.locator(`label[for="${id}"]`).click();
  await expect(radio.isChecked()).resolves.toBe(true);
  return answerBlock(page, answer);
}

/** Sends the form and waits for the page the redirect after the POST lands on. */
async function send(page: Page, label: string): Promise<void> {
  await Promise.all([
    page.waitForURL(/[?&]done=1/),
    page.getByRole('button', { name: label }).click(),
  ]);
}

function today(): string {
  return localDate(new Date(), TIME_ZONE);
}

describe('the supplier order page in Chromium', () => {
  test('confirm: the link from the email opens the order, and 受注する with a date reaches kintone', async () => {
    // Prepare: A-100 drops from 50 to 18 (reorder point 20): 84 本 are ordered by email.
    const item = await dropStock('A-100', 18);
    const link = await linkFromEmail(item.orderNumber);
    const deliveryDate = addDays(today(), 5);

    await withPage(PHONE, async (page) => {
      // Act
      const response = await page.goto(link);
      expect(response?.status()).toBe(200);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        '発注内容のご確認',
      );
      await expect(page.locator('main').textContent()).resolves.toContain(item.orderNumber);
      const line = page.getByRole('table', { name: '発注明細' }).locator('tbody tr');
      await expect(line.count()).resolves.toBe(1);
      await expect(line.locator('td').allTextContents()).resolves.toEqual([
        'A-100',
        '84',
        '本',
        '¥120',
        '¥10,080',
      ]);

      const block = await chooseAnswer(page, '受注する');
      await block.getByLabel('納品予定日').fill(deliveryDate);
      await saveScreenshot(page, 'confirm-form');
      await send(page, '送信する');

      // Assess
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        'ありがとうございました',
      );
      await expect(page.locator('main').textContent()).resolves.toContain('ご回答を受け付けました');
      await saveScreenshot(page, 'confirm-thank-you');
    });
    await stack.idle();
    const { fields } = await itemRecord('A-100');
    expect(fields['発注状況']).toBe('受注確認済');
    expect(fields['納品予定日']).toBe(deliveryDate);
    const comment = await latestComment(item.recordId);
    expect(comment).toContain(
      `仕入先 株式会社サンプル文具 様が発注依頼 ${item.orderNumber} を受注しました。`,
    );
    expect(comment).toContain(`納品予定日: ${deliveryDate}`);
  });

  test('partial: 一部のみ受注する with a smaller quantity and a note, then the page in English', async () => {
    // Prepare: C-300 drops from 6 to 1 (reorder point 2, up to 8): 7 個 are ordered.
    const item = await dropStock('C-300', 1);
    const link = await linkFromEmail(item.orderNumber);
    const deliveryDate = addDays(today(), 7);
    const note = '残りの3個は来週中に納品できる見込みです。';

    await withPage(PHONE, async (page) => {
      // Act
      await page.goto(link);
      const line = page.getByRole('table', { name: '発注明細' }).locator('tbody tr');
      await expect(line.locator('td').allTextContents()).resolves.toEqual([
        'C-300',
        '7',
        '個',
        '¥8,980',
        '¥62,860',
      ]);
      const block = await chooseAnswer(page, '一部のみ受注する');
      await block.getByLabel('納品予定日').fill(deliveryDate);
      await block.getByLabel('受注できる数量').fill('4');
      await block.getByLabel('備考').fill(note);
      await saveScreenshot(page, 'partial-form');
      await send(page, '送信する');
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        'ありがとうございました',
      );

      // Act: the supplier opens the link again and switches to English.
      await page.goto(link);
      await Promise.all([
        page.waitForURL(/[?&]lang=en/),
        page.getByRole('link', { name: 'English' }).click(),
      ]);

      // Assess: English labels, and the answer on record shown at the top.
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        'Please confirm this order',
      );
      await expect(
        page.getByRole('radio', { name: 'Accept part of the order', exact: true }).isChecked(),
      ).resolves.toBe(true);
      await expect(
        answerBlock(page, 'Accept part of the order')
          .getByLabel('Quantity you can deliver')
          .inputValue(),
      ).resolves.toBe('4');
      await expect(page.getByRole('button', { name: 'Send' }).isVisible()).resolves.toBe(true);
      await expect(page.getByRole('link', { name: '日本語' }).isVisible()).resolves.toBe(true);
      await expect(page.locator('main').textContent()).resolves.toContain('Answered (');
      await saveScreenshot(page, 'partial-english');
    });
    await stack.idle();
    const { fields } = await itemRecord('C-300');
    expect(fields['発注状況']).toBe('一部受注');
    expect(fields['納品予定日']).toBe(deliveryDate);
    const comment = await latestComment(item.recordId);
    expect(comment).toContain('一部のみ受注しました。');
    expect(comment).toContain(`備考: ${note}`);
  });

  test('a tampered link shows the invalid-link page and nothing of the order', async () => {
    // Prepare: B-200 drops from 40 to 5 (reorder point 10); one character of the signature changes.
    const item = await dropStock('B-200', 5);
    const link = await linkFromEmail(item.orderNumber);
    const last = link.at(-1);
    const tampered = `${link.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`;

    await withPage(PHONE, async (page) => {
      // Act
      const response = await page.goto(tampered);

      // Assess
      expect(response?.status()).toBe(404);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        'リンクが無効か期限切れです',
      );
      const text = (await page.content()) + (await page.title());
      expect(text).not.toContain(item.orderNumber);
      expect(text).not.toContain('B-200');
      expect(text).not.toContain('紙の山田商店');
      await expect(page.locator('form').count()).resolves.toBe(0);
      await saveScreenshot(page, 'tampered-link');
    });
    const { fields } = await itemRecord('B-200');
    expect(fields['発注状況']).toBe('発注依頼済');
  });

  test('an expired link, correctly signed, shows the same invalid-link page', async () => {
    // Prepare: E-500 (ordered by fax) drops from 80 to 10; links for its order are signed
    // with the local key, one valid for another hour and one that expired an hour ago.
    const item = await dropStock('E-500', 10);
    const key = localSigningKey(stack.config, dataDir);
    const supplier = supplierIdentity({
      code: item.fields['仕入先コード'] ?? '',
      fax: item.fields['仕入先FAX'] ?? '',
      name: item.fields['仕入先名'] ?? '',
    });
    const nowSeconds = Math.floor(Date.now() / 1000);
    const base = stack.urls.supplierPageBaseUrl ?? '';
    const linkUntil = (expiresAt: number) =>
      orderPageUrl(
        base,
        signOrderLink({ orderNumber: item.orderNumber, supplier, expiresAt }, key),
      );

    await withPage(PHONE, async (page) => {
      // Act: the still-valid link first, which shows the key and identity are the right ones.
      const valid = await page.goto(linkUntil(nowSeconds + 3600));
      expect(valid?.status()).toBe(200);
      await expect(page.locator('main').textContent()).resolves.toContain(item.orderNumber);
      const expired = await page.goto(linkUntil(nowSeconds - 3600));

      // Assess
      expect(expired?.status()).toBe(404);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        'リンクが無効か期限切れです',
      );
      expect(await page.content()).not.toContain(item.orderNumber);
      await expect(page.locator('form').count()).resolves.toBe(0);
      await saveScreenshot(page, 'expired-link');
    });
  });

  test('security headers on the page, and a decline sent with JavaScript turned off', async () => {
    // Prepare: D-400 drops from 30 to 5 (reorder point 10); same supplier as A-100.
    const item = await dropStock('D-400', 5);
    const link = await linkFromEmail(item.orderNumber);
    const reason = '当該商品は生産終了のため、お受けできません。';

    await withPage({ ...PHONE, javaScriptEnabled: false }, async (page) => {
      // Act
      const response = await page.goto(link);
      const headers = (await response?.allHeaders()) ?? {};
      expect(headers['content-security-policy']).toMatch(/^default-src 'none';/);
      expect(headers['content-security-policy']).not.toMatch(/script-src/);
      expect(headers['referrer-policy']).toBe('no-referrer');
      const block = await chooseAnswer(page, '辞退する');
      await block.getByLabel('辞退の理由').fill(reason);
      await saveScreenshot(page, 'decline-no-javascript');
      await send(page, '送信する');

      // Assess
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
        'ありがとうございました',
      );
    });
    await stack.idle();
    const { fields } = await itemRecord('D-400');
    expect(fields['発注状況']).toBe('辞退');
    const comment = await latestComment(item.recordId);
    expect(comment).toContain('辞退しました。');
    expect(comment).toContain(`理由: ${reason}`);
  });
});
