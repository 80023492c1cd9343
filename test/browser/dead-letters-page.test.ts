import type { Browser, Page } from 'playwright-core';
import { launchChromium, saveScreenshot } from './support/chromium';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * The operators' dead-letters page in a real Chromium: SES fails every attempt of a staff
 * edit's order request, so its notification is dead-lettered; the page shows it with the error
 * and attempts; after the fault is gone 再実行 completes it (one order email in all), and 破棄
 * removes another record's. No JavaScript is involved: the actions are forms. Screenshot:
 * dead-letters.png.
 */

// Chromium's start, two items failing five times each, and a few page loads.
jest.setTimeout(60_000);

/** The test stack's queue gives up after this many receives. */
const MAX_RECEIVES = 5;

let local: TestStack;
let browser: Browser;
/** How far the stack's clock is ahead of the machine's: the fax test lets the order go quiet. */
let offsetMs = 0;

beforeAll(async () => {
  [local, browser] = await Promise.all([
    startTestStack('sab-dead-letters-', {
      now: () => new Date(Date.now() + offsetMs),
    }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await local?.close();
});

/**
 * SES refuses exactly the staff edit's attempts. The order then exists, sealed and unsent: the
 * notification of the bridge's own 要対応 write finds it on order and sends nothing (only the
 * notification that created it, or the scheduled send, sends it), so the replay below sends it,
 * once. (test/e2e/failures-visible.test.ts has SES down for good.)
 */
const SES_DOWN = MAX_RECEIVES;

function rowsOf(page: Page, recordId: string) {
  return page.locator('tr', { has: page.locator(`a:text-is("レコード ${recordId}")`) });
}

async function emailsAbout(sku: string) {
  return (await local.stack.ses.emails()).filter((email) => (email.body.text ?? '').includes(sku));
}

test('a dead-lettered order shows its error and attempts; 再実行 completes it with one email in all, 破棄 drops another', async () => {
  // Prepare: SES down while staff drop two items below their reorder points.
  const { stack } = local;
  const replayed = (await local.recordOf('A-100')).id;
  const skipped = (await local.recordOf('C-300')).id;
  stack.sesFaults.failNext(SES_DOWN, 'unavailable');
  await local.edit(replayed, { 在庫数: '18' });
  stack.sesFaults.failNext(SES_DOWN, 'unavailable');
  await local.edit(skipped, { 在庫数: '1' });
  const emailsBefore = (await stack.ses.emails()).length;
  const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const page = await context.newPage();

  // Act: look at the page.
  const response = await page.goto(stack.urls.deadLettersUrl);

  // Assess: a row per dead letter, with the record link, the error, the attempts.
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
  const row = rowsOf(page, replayed).first();
  const cells = await row.locator('td').allInnerTexts();
  expect(cells[1]).toBe('12');
  expect(cells[2]).toBe('UPDATE_RECORD');
  expect(cells[3]).toContain('SES did not send order');
  expect(cells[4]).toBe(String(MAX_RECEIVES));
  expect(cells[5]).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
  await expect(row.locator('a').getAttribute('href')).resolves.toBe(
    `${stack.urls.kintoneBaseUrl}/k/12/show?record=${replayed}`,
  );
  await saveScreenshot(page, 'dead-letters');

  // Assess: on a phone each failure is a labelled card that fits the screen's width.
  const phone = await browser.newContext({
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    viewport: { width: 390, height: 844 },
  });
  const phonePage = await phone.newPage();
  await phonePage.goto(stack.urls.deadLettersUrl);
  await expect(
    phonePage.evaluate<number>('document.documentElement.scrollWidth'),
  ).resolves.toBeLessThanOrEqual(390);
  await expect(
    rowsOf(phonePage, replayed)
      .first()
      .getByRole('button', { name: /^再実行/ })
      .isVisible(),
  ).resolves.toBe(true);
  await saveScreenshot(phonePage, 'dead-letters-phone');
  await phone.close();

  // Act: SES works again; replay the staff's edit.
  await row.getByRole('button', { name: /^再実行/ }).click();
  await page.waitForURL(/result=replayed/);
  await stack.idle();

  // Assess: processed, and still one order email (the follow-up had sent it).
  await expect(page.locator('.result').innerText()).resolves.toContain('再実行しました');
  await expect(rowsOf(page, replayed).count()).resolves.toBe(0);
  await expect(emailsAbout('A-100')).resolves.toHaveLength(1);
  await expect(local.fields(replayed)).resolves.toMatchObject({ 発注状況: '発注依頼済' });

  // Act: skip every dead letter of the other record.
  await page.goto(stack.urls.deadLettersUrl);
  const skippedRows = await rowsOf(page, skipped).count();
  for (let index = 0; index < skippedRows; index += 1) {
    await rowsOf(page, skipped).first().getByRole('button', { name: /^破棄/ }).click();
    await page.waitForURL(/result=skipped-dead-letter/);
  }
  await stack.idle();

  // Assess: gone from the page and the queue, and nothing was sent for it.
  expect(skippedRows).toBeGreaterThan(0);
  await expect(page.locator('.result').innerText()).resolves.toContain('破棄しました');
  await expect(rowsOf(page, skipped).count()).resolves.toBe(0);
  expect(stack.queue.deadLetters().filter((letter) => letter.groupId === `12:${skipped}`)).toEqual(
    [],
  );
  await expect(emailsAbout('C-300')).resolves.toHaveLength(0);
  expect((await stack.ses.emails()).length).toBe(emailsBefore + 1);
  await context.close();
});

test('refuses an action posted from another site or without the page token', async () => {
  // Prepare
  const url = local.stack.urls.deadLettersUrl;
  const form = new URLSearchParams({ action: 'skip', kind: 'parked', id: 'n-1', token: 'guess' });

  // Act
  const crossSite = await fetch(url, {
    method: 'POST',
    headers: {
      origin: 'https://evil.example',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: form,
    redirect: 'manual',
  });
  const noToken = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
    redirect: 'manual',
  });
  const json = await fetch(`${url}.json`);

  // Assess
  expect(crossSite.status).toBe(403);
  expect(noToken.status).toBe(403);
  expect(json.status).toBe(200);
  expect(await json.json()).toEqual({
    deadLetters: expect.any(Array),
    parked: [],
    faxDeadLetters: [],
  });
});

test('a fax that failed every attempt shows under FAX のデッドレター; 再実行 sends it once, 破棄 leaves it to the scheduled send', async () => {
  // Prepare: the fax gateway answers 500 to every attempt while 段ボール箱 (fax only) runs low.
  const { stack } = local;
  const phaxio = stack.phaxio;
  const faxQueue = stack.faxQueue;
  if (!phaxio || !faxQueue) throw new Error('the test stack has no fax gateway');
  const item = (await local.recordOf('E-500')).id;
  const faxesTo = () => phaxio.faxes().filter((fax) => fax.to === '+81451234567');
  phaxio.failNext(1_000, 'http-500');
  await local.edit(item, { 在庫数: '25' });
  const orderNumber = (await local.fields(item))['発注番号'] ?? '';
  const context = await browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const page = await context.newPage();

  // Act: look at the page.
  await page.goto(stack.urls.deadLettersUrl);

  // Assess: one fax dead letter, named by its order, with the error and the attempts.
  expect(orderNumber).not.toBe('');
  expect(faxQueue.deadLetters()).toHaveLength(1);
  await expect(
    page
      .getByRole('heading', { name: 'FAX のデッドレター（送信できなかった FAX）（1 件）' })
      .count(),
  ).resolves.toBe(1);
  const row = page.locator('tr', { hasText: `発注番号 ${orderNumber}` });
  const cells = await row.locator('td').allInnerTexts();
  expect(cells[2]).toBe('発注依頼の FAX');
  expect(cells[3]).toContain('send-fax のログ');
  await expect(local.fields(item)).resolves.toMatchObject({ 発注状況: '送信待ち' });
  expect(cells[4]).toBe(String(MAX_RECEIVES));
  expect(faxesTo().filter((fax) => fax.status === 'success')).toHaveLength(0);

  // Act: the gateway works again; replay.
  phaxio.failNext(0);
  await row.getByRole('button', { name: /^再実行/ }).click();
  await page.waitForURL(/result=replayed-fax/);
  await stack.idle();

  // Assess: sent once, recorded, and gone from the page.
  await expect(page.locator('.result').innerText()).resolves.toContain(
    'FAX の送信をキューに戻しました',
  );
  expect(faxesTo().filter((fax) => fax.tags.order_number === orderNumber)).toHaveLength(1);
  await expect(local.fields(item)).resolves.toMatchObject({ 発注状況: '発注依頼済' });
  expect(faxQueue.deadLetters()).toEqual([]);

  // Prepare: a second order whose fax fails every attempt again.
  await local.edit(item, { 在庫数: '200', 発注状況: '入荷済' });
  phaxio.failNext(1_000, 'http-500');
  await local.edit(item, { 在庫数: '10' });
  const secondOrder = (await local.fields(item))['発注番号'] ?? '';
  expect(secondOrder).not.toBe(orderNumber);
  await page.goto(stack.urls.deadLettersUrl);

  // Act: drop its dead letter, then the gateway recovers and, five minutes on (SQS drops a job
  // sent again within its deduplication window), the scheduled send runs.
  await page
    .locator('tr', { hasText: `発注番号 ${secondOrder}` })
    .getByRole('button', { name: /^破棄/ })
    .click();
  await page.waitForURL(/result=skipped-fax/);
  expect(faxQueue.deadLetters()).toEqual([]);
  phaxio.failNext(0);
  offsetMs += 5 * 60_000;
  await local.runScheduler();

  // Assess: the order was still due, so the scheduled send faxed it, once.
  await expect(page.locator('.result').innerText()).resolves.toContain(
    '定期送信がもう一度 FAX に回します',
  );
  expect(faxesTo().filter((fax) => fax.tags.order_number === secondOrder)).toHaveLength(1);
  await context.close();
});
