import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalStack } from '../../local/stack';
import type { SendDueOrdersRunResult } from '../../functions/send-due-orders/handler';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * Follow-up end to end through the local stack (issue 12), on a controlled clock that starts on
 * a Monday at 09:30 JST: A-100 (supplier S-001, email and a fax number, lead time 3 days) is
 * ordered by email; the supplier does not answer. The scheduled run (send-due-orders, then the
 * follow-up) sends ONE reminder email (【再送・ご確認のお願い】, same order number) after 8
 * business hours, the fax after 12, flags staff after 16 (要対応 with the reason, a comment),
 * and marks the record 納期遅延 once the desired date (Thursday) has passed, each once. Staff
 * then receive part of it (入荷済 with 入荷数 below the quantity): the record shows 一部入荷 and
 * the rest stays on order; receiving the rest closes the line and the follow-up ends. A
 * supplier who answers on the order page gets no reminder; once the date they confirmed has
 * passed without receipt, the record shows 納期遅延 with that date, once.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * A Monday at 10:00 JST (01:00 UTC) at least a week ahead, early in June: the test's three weeks
 * then hold no Japanese public holiday and no closed day of the demo calendar (年末年始, お盆),
 * so business hours are plain weekdays whichever calendar the stack counts with.
 */
function aMonday(): number {
  const start = new Date(Date.now() + 7 * DAY_MS);
  start.setUTCHours(1, 0, 0, 0);
  while (start.getUTCDay() !== 1 || start.getUTCMonth() !== 5 || start.getUTCDate() > 12) {
    start.setTime(start.getTime() + DAY_MS);
  }
  return start.getTime();
}

const monday = aMonday();
let offsetMs = monday - Date.now();
const now = (): Date => new Date(Date.now() + offsetMs);
/** Sets the clock to `hours` after Monday 10:00 JST. */
function at(hours: number): void {
  offsetMs = monday + hours * HOUR_MS - Date.now();
}

/** config/demo.json with the follow-up rule and 入荷数 mapped on app 12. */
function followUpConfig(dir: string): string {
  const config = JSON.parse(readFileSync('config/demo.json', 'utf8')) as {
    apps: Array<{ appId: string; fields: Record<string, string> }>;
    followUp?: unknown;
  };
  config.followUp = {
    remindAfterBusinessHours: 8,
    faxAfterReminder: true,
    flagAfterBusinessHours: 16,
  };
  const app = config.apps.find((candidate) => candidate.appId === '12');
  if (!app) throw new Error('config/demo.json has no app 12');
  app.fields.receivedQuantity = '入荷数';
  const path = join(dir, 'config.follow-up.json');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

let configDir: string;
let test$: TestStack;
let stack: LocalStack;

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), 'sab-follow-up-config-'));
  test$ = await startTestStack('sab-follow-up-', { now, configPath: followUpConfig(configDir) });
  stack = test$.stack;
});

afterAll(async () => {
  await test$.close();
  rmSync(configDir, { recursive: true, force: true });
});

const faxes = () => stack.phaxio?.faxes() ?? [];
const emailsOf = async (orderNumber: string) =>
  (await stack.ses.emails()).filter((email) => email.subject.includes(orderNumber));
/** The order's emails once there are `count` (the SES emulator stores a sent email shortly after). */
async function emailsWhen(orderNumber: string, count: number) {
  for (let waited = 0; ; waited += 20) {
    const emails = await emailsOf(orderNumber);
    if (emails.length >= count || waited >= 3_000) return emails;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const run = async (): Promise<SendDueOrdersRunResult> =>
  (await test$.runScheduler()) as SendDueOrdersRunResult;

describe('follow-up through the local stack', () => {
  let id: string;
  let orderNumber: string;

  beforeAll(async () => {
    id = await test$.recordIdOf('A-100');
    // Sent at 09:30: business hours from then, whatever the milliseconds the send takes.
    at(-0.5);
    await test$.edit(id, { 在庫数: '5' });
    orderNumber = (await test$.fields(id))['発注番号'] ?? '';
  });

  test('an order is emailed, and nothing is followed up within 8 business hours', async () => {
    // Act: Monday 17:00, 7.5 business hours after the send.
    at(7);
    const result = await run();

    // Assess
    expect(orderNumber).toMatch(/^PO-\d{8}-\d{4}$/);
    expect(await emailsOf(orderNumber)).toHaveLength(1);
    expect(result.followUp).toMatchObject({ reminded: [], faxed: [], flagged: [], late: [] });
    expect((await test$.fields(id))['発注状況']).toBe('発注依頼済');
  });

  test('after 8 business hours the supplier gets ONE reminder email under the same order number', async () => {
    // Act: Monday 18:30 (8.5 business hours), then again a few minutes later.
    at(8.5);
    const first = await run();
    at(8.6);
    const second = await run();

    // Assess
    const emails = await emailsWhen(orderNumber, 2);
    expect(emails).toHaveLength(2);
    const reminder = emails[1];
    expect(reminder?.subject).toBe(`【再送・ご確認のお願い】${orderNumber} 株式会社デモ商事`);
    expect(reminder?.destination.to).toEqual(emails[0]?.destination.to);
    expect(reminder?.body.text).toContain('同じ発注番号の再送です');
    expect(reminder?.body.text).toContain(`発注番号：${orderNumber}`);
    expect(first.followUp?.reminded).toEqual([orderNumber]);
    expect(second.followUp?.reminded).toEqual([]);
    expect(faxes()).toHaveLength(0);
  });

  test('then the fax: the supplier fax number as the fallback channel, once', async () => {
    // Act: Tuesday 13:30 (13 business hours), twice.
    at(27.5);
    const first = await run();
    const second = await run();

    // Assess
    const sent = faxes();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: '+81312345678', tags: { order_number: orderNumber } });
    expect(first.followUp?.faxed).toEqual([orderNumber]);
    expect(second.followUp?.faxed).toEqual([]);
    expect(await emailsOf(orderNumber)).toHaveLength(2);
    expect((await test$.fields(id))['発注状況']).toBe('発注依頼済');
  });

  test('after 16 business hours staff are flagged: 要対応 with the reason and a comment, once', async () => {
    // Act: Tuesday 17:30 (16.5 business hours), twice.
    at(31.5);
    const first = await run();
    const commentsAfterFirst = await test$.comments(id);
    const second = await run();

    // Assess
    const record = await test$.fields(id);
    expect(record['発注状況']).toBe('要対応');
    expect(record['発注番号']).toBe(orderNumber);
    expect(record['発注理由']).toContain(
      `発注 ${orderNumber} に仕入先の回答が 16 営業時間ありません`,
    );
    expect(record['発注理由']).toContain('再送済: メール・FAX');
    const flags = (await test$.comments(id)).filter((text) => text.startsWith('【要対応】'));
    expect(flags).toHaveLength(1);
    expect(await test$.comments(id)).toEqual(commentsAfterFirst);
    expect(first.followUp?.flagged).toEqual([orderNumber]);
    expect(second.followUp?.flagged).toEqual([]);
    expect(await emailsOf(orderNumber)).toHaveLength(2);
    expect(faxes()).toHaveLength(1);
  });

  test('once the desired delivery date has passed without receipt the record shows 納期遅延, once', async () => {
    // Prepare: Thursday (order date + 3 days) is still in time.
    at(3 * 24 + 13);
    const onTheDay = await run();

    // Act: Friday 00:30 JST, twice.
    at(3 * 24 + 14.5);
    const first = await run();
    const second = await run();

    // Assess
    expect(onTheDay.followUp?.late).toEqual([]);
    expect(first.followUp?.late).toEqual([orderNumber]);
    expect(second.followUp?.late).toEqual([]);
    const record = await test$.fields(id);
    expect(record['発注状況']).toBe('納期遅延');
    expect(record['発注理由']).toContain('を過ぎても入荷がありません');
    const late = (await test$.comments(id)).filter((text) => text.startsWith('【納期遅延】'));
    expect(late).toHaveLength(1);
  });

  test('a partial receipt keeps the rest on order (一部入荷); receiving the rest closes the line', async () => {
    // Prepare: what was ordered (50 on hand... 5, order-up-to 100 in packs of 12).
    const ordered = (await emailsOf(orderNumber))[0]?.body.text ?? '';
    const quantity = Number(/A-100 \| [^|]+ \| (\d+) \|/.exec(ordered)?.[1]);
    expect(quantity).toBeGreaterThan(12);
    const emailsBefore = (await stack.ses.emails()).length;

    // Act: 12 received.
    await test$.edit(id, { 発注状況: '入荷済', 入荷数: '12' });
    const partial = await test$.fields(id);
    const afterPartial = await run();

    // Assess: the line is open for the rest, on the same order; nothing new is ordered.
    expect(partial['発注状況']).toBe('一部入荷');
    expect(partial['発注番号']).toBe(orderNumber);
    expect(partial['発注理由']).toContain(`${quantity}本 のうち 12本 が入荷しました`);
    expect(partial['発注理由']).toContain(`残り ${quantity - 12}本 は発注中です`);
    expect(afterPartial.followUp?.checked ?? []).not.toContain(orderNumber);
    expect((await stack.ses.emails()).length).toBe(emailsBefore);

    // Act: the rest arrives.
    await test$.edit(id, { 発注状況: '入荷済', 入荷数: String(quantity), 在庫数: '100' });
    at(5 * 24);
    const later = await run();

    // Assess: closed; the follow-up is done with the order (checked once more, then off the list).
    const closed = await test$.fields(id);
    expect(closed['発注状況']).toBe('入荷済');
    expect(closed['発注番号']).toBe(orderNumber);
    expect(later.followUp?.checked).toEqual([orderNumber]);
    expect(later.followUp).toMatchObject({ reminded: [], faxed: [], flagged: [], late: [] });
    at(7 * 24);
    expect((await run()).followUp?.checked).toEqual([]);
    expect((await stack.ses.emails()).length).toBe(emailsBefore);
    expect(faxes()).toHaveLength(1);
  });
});

describe('a confirmed delivery date that passes without receipt', () => {
  /** Two weeks after the first Monday: a fresh week for B-200 (supplier S-002, email only). */
  const WEEK = 14 * 24;
  let id: string;
  let orderNumber: string;

  test('no reminder for a supplier who answered; 納期遅延 once the confirmed date has passed', async () => {
    // Prepare: B-200 ordered on Monday 09:30; the supplier confirms delivery for Tuesday.
    id = await test$.recordIdOf('B-200');
    at(WEEK - 0.5);
    await test$.edit(id, { 在庫数: '1' });
    orderNumber = (await test$.fields(id))['発注番号'] ?? '';
    const [email] = await emailsWhen(orderNumber, 1);
    const pageUrl = /http:\/\/127\.0\.0\.1:\d+\/o\/[A-Za-z0-9._-]+/.exec(
      email?.body.text ?? '',
    )?.[0];
    if (pageUrl === undefined) throw new Error('the order email carries no order page link');
    const html = await (await fetch(pageUrl)).text();
    const nonce = /name="nonce" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const tuesday = new Date(monday + (WEEK + 24) * HOUR_MS).toISOString().slice(0, 10);
    const posted = await fetch(pageUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ action: 'confirm', deliveryDate: tuesday, nonce }).toString(),
      redirect: 'manual',
    });
    await stack.idle();
    expect(posted.status).toBe(303);
    expect((await test$.fields(id))['発注状況']).toBe('受注確認済');

    // Act: Monday 18:30 and Tuesday 17:30 (past the reminder and the flag), then Wednesday 00:30.
    at(WEEK + 8.5);
    const evening = await run();
    at(WEEK + 31.5);
    const tuesdayRun = await run();
    at(WEEK + 38.5);
    const late = await run();
    const again = await run();

    // Assess
    expect(evening.followUp).toMatchObject({ reminded: [], faxed: [], flagged: [], late: [] });
    expect(tuesdayRun.followUp).toMatchObject({ reminded: [], flagged: [], late: [] });
    expect(await emailsOf(orderNumber)).toHaveLength(1);
    expect(late.followUp?.late).toEqual([orderNumber]);
    expect(again.followUp?.late).toEqual([]);
    const record = await test$.fields(id);
    expect(record['発注状況']).toBe('納期遅延');
    expect(record['発注理由']).toContain(
      `発注 ${orderNumber} の納期 ${tuesday} を過ぎても入荷がありません`,
    );
  });
});
