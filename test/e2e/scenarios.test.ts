import type { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalStack } from '../../local/stack';
import type { StoredEmail } from '../../local/ses/ses-store';
import { demoReason } from '../support/business-days';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * The core loop end to end through the local stack: staff edit records with the official
 * kintone client; the local kintone fires real webhooks at the bridge's HTTP API; the queue,
 * dispatcher, dynalite, SES emulator and write-back all run for real.
 */

const APP = '12';
let stack: LocalStack;
let dataDir: string;
let kintone: KintoneRestAPIClient;
let recordIdOf: TestStack['recordIdOf'];
let fields: TestStack['fields'];
let edit: TestStack['edit'];
let close: TestStack['close'];

beforeAll(async () => {
  ({ stack, dataDir, kintone, recordIdOf, fields, edit, close } = await startTestStack('sab-e2e-'));
});

afterAll(() => close());

async function emailsTo(address: string): Promise<StoredEmail[]> {
  return (await stack.ses.emails()).filter((email) => email.destination.to.includes(address));
}

/** A notification exactly as kintone would send it for the record's current state. */
async function notificationFor(id: string) {
  const { record } = await kintone.record.getRecord({ app: APP, id });
  return {
    id: randomUUID(),
    type: 'UPDATE_RECORD',
    app: { id: APP, name: '在庫管理' },
    record,
    recordTitle: `${String(record['品番']?.value)} ${String(record['品名']?.value)}`,
    url: `${stack.urls.kintoneBaseUrl}/k/${APP}/show#record=${id}`,
  };
}

async function postWebhook(body: unknown, url = stack.urls.webhookUrl): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const SUPPLIER_A = 'order@sample-bungu.example.jp';

describe('the core loop through the local stack', () => {
  let a100: string;
  let firstOrderNumber: string;

  beforeAll(async () => {
    a100 = await recordIdOf('A-100');
  });

  test('S1: stock below the reorder point sends exactly one email and the record shows the order', async () => {
    // Act: staff record a drop from 50 to 18 (reorder point 20, max 100, pack 12).
    await edit(a100, { 在庫数: '18' });

    // Assess
    const emails = await emailsTo(SUPPLIER_A);
    expect(emails).toHaveLength(1);
    const [email] = emails;
    expect(email?.body.text).toContain('A-100 | ボールペン 黒 0.5mm | 84 | 本');
    const record = await fields(a100);
    expect(record['発注状況']).toBe('発注依頼済');
    expect(record['発注番号']).toMatch(/^PO-\d{8}-0001$/);
    // Lead time 3 in business days: from a Thursday the reason also names the weekend skipped.
    expect(record['発注理由']).toBe(
      demoReason('在庫数 18 ≤ 発注点 20: 84本を発注 (入数12の倍数、最大在庫100まで)', 3),
    );
    expect(record['発注日時']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z$/);
    expect(email?.subject).toContain(record['発注番号']);
    firstOrderNumber = record['発注番号'] ?? '';
    const { comments } = await kintone.record.getRecordComments({ app: APP, record: a100 });
    expect(comments).toHaveLength(1);
    expect(comments[0]?.text).toContain(firstOrderNumber);
  });

  test('S9: the write-back fires a webhook that leads to no second order and no second write', async () => {
    // Prepare: the write-back's own webhook was delivered and processed (S1 waited for idle).
    const deliveries = stack.kintone?.webhookDeliveries() ?? [];
    const ownWebhook = deliveries.find(
      (delivery) =>
        delivery.notification.type === 'UPDATE_RECORD' &&
        'record' in delivery.notification &&
        (delivery.notification.record as Record<string, { value: unknown }>)['発注状況']?.value ===
          '発注依頼済',
    );
    expect(ownWebhook?.status).toBe(200);

    // Assess: two PUTs on the record (staff's edit and the bridge's single write-back, a bulk
    // update of the order's records), one email, and no further write after the write-back's
    // own webhook.
    const writes = (stack.kintone?.requestLog() ?? []).filter(
      (entry) => entry.method === 'PUT' && /\/records?\.json$/.test(entry.path),
    );
    expect(writes).toHaveLength(2);
    expect(await emailsTo(SUPPLIER_A)).toHaveLength(1);
  });

  test('S2: a further edit while the order is open sends nothing', async () => {
    await edit(a100, { 在庫数: '7' });

    expect(await emailsTo(SUPPLIER_A)).toHaveLength(1);
    const record = await fields(a100);
    expect(record['発注番号']).toBe(firstOrderNumber);
    expect(record['発注状況']).toBe('発注依頼済');
  });

  test('S5: stock received and the order closed, then a new drop: a second order with a new number', async () => {
    // Act: goods arrive, staff close the order; later the stock falls again.
    await edit(a100, { 在庫数: '102', 発注状況: '入荷済' });
    expect(await emailsTo(SUPPLIER_A)).toHaveLength(1);
    await edit(a100, { 在庫数: '15' });

    // Assess
    const emails = await emailsTo(SUPPLIER_A);
    expect(emails).toHaveLength(2);
    const record = await fields(a100);
    expect(record['発注状況']).toBe('発注依頼済');
    expect(record['発注番号']).toMatch(/^PO-\d{8}-0002$/);
    expect(record['発注番号']).not.toBe(firstOrderNumber);
    expect(emails[1]?.subject).toContain(record['発注番号']);
    // 100 - 15 = 85, rounded up to packs of 12 = 96.
    expect(emails[1]?.body.text).toContain('A-100 | ボールペン 黒 0.5mm | 96 | 本');
  });
});

describe('delivery problems', () => {
  const SUPPLIER_C = 'support@office-kiki.example.jp';

  test('S3: the same notification delivered twice sends one email', async () => {
    // Prepare: C-300 (stock 6, reorder point 2, max 8) falls to 1, with kintone's webhook off so
    // the test delivers the notification itself, twice.
    const id = await recordIdOf('C-300');
    stack.kintone?.setWebhooks(APP, []);
    await kintone.record.updateRecord({ app: APP, id, record: { 在庫数: { value: '1' } } });
    stack.kintone?.setWebhooks(APP, [stack.urls.webhookUrl]);
    const notification = await notificationFor(id);

    // Act
    const first = await postWebhook(notification);
    const second = await postWebhook(notification);
    await stack.idle();
    const third = await postWebhook(notification);
    await stack.idle();

    // Assess
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    expect(await emailsTo(SUPPLIER_C)).toHaveLength(1);
    expect((await fields(id))['発注状況']).toBe('発注依頼済');
  });

  test('S4: an older revision arriving after a newer one is ignored', async () => {
    // Prepare: D-400 (stock 30, reorder point 10) drops to 4 (older) then recovers to 45 (newer).
    const id = await recordIdOf('D-400');
    stack.kintone?.setWebhooks(APP, []);
    await kintone.record.updateRecord({ app: APP, id, record: { 在庫数: { value: '4' } } });
    const older = await notificationFor(id);
    await kintone.record.updateRecord({ app: APP, id, record: { 在庫数: { value: '45' } } });
    const newer = await notificationFor(id);
    stack.kintone?.setWebhooks(APP, [stack.urls.webhookUrl]);
    const emailsBefore = (await emailsTo(SUPPLIER_A)).length;

    // Act: the newer notification arrives first.
    expect((await postWebhook(newer)).status).toBe(200);
    await stack.idle();
    expect((await postWebhook(older)).status).toBe(200);
    await stack.idle();

    // Assess
    expect(await emailsTo(SUPPLIER_A)).toHaveLength(emailsBefore);
    expect((await fields(id))['発注状況']).toBe('未発注');
  });

  test('S6: non-numeric stock sends nothing and the reason is visible on the record', async () => {
    const id = await recordIdOf('B-200');
    const before = (await stack.ses.emails()).length;

    await edit(id, { 在庫数: 'abc' });

    expect(await stack.ses.emails()).toHaveLength(before);
    const record = await fields(id);
    expect(record['発注状況']).toBe('要確認');
    expect(record['発注理由']).toBe('「在庫数」が数値ではありません ("abc")');

    // Once fixed, the record is cleared without an order (40 is above the reorder point 10).
    await edit(id, { 在庫数: '40' });
    const fixed = await fields(id);
    expect(fixed['発注状況']).toBe('未発注');
    expect(fixed['発注理由']).toBe('在庫数 40 > 発注点 10: 発注不要');
    expect(await stack.ses.emails()).toHaveLength(before);
  });

  test('S7: a wrong token gets 401, queues nothing and calls no kintone API', async () => {
    const id = await recordIdOf('B-200');
    const notification = await notificationFor(id);
    const kintoneCalls = stack.kintone?.requestLog().length;
    const url = new URL(stack.urls.webhookUrl);
    url.searchParams.set('token', 'wrong-token-wrong-token-wrong-token');

    const response = await postWebhook(notification, url.toString());
    await stack.idle();

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { code: 'unauthorized', message: expect.stringContaining('token') },
    });
    expect(stack.queue.stats()).toEqual({ visible: 0, inFlight: 0, deadLetters: 0 });
    expect(stack.kintone?.requestLog().length).toBe(kintoneCalls);
  });

  test('S8: SES failing on the first attempt: sent on retry, same order number, exactly one email', async () => {
    // Prepare: B-200 (stock 40, reorder point 10, fixed quantity 20, pack 5); SES fails once.
    const id = await recordIdOf('B-200');
    stack.sesFaults.failNext(1, 'unavailable');
    const supplier = 'sales@yamada-paper.example.jp';

    // Act
    await edit(id, { 在庫数: '4' });

    // Assess
    const emails = await emailsTo(supplier);
    expect(emails).toHaveLength(1);
    const record = await fields(id);
    expect(record['発注状況']).toBe('発注依頼済');
    expect(emails[0]?.subject).toContain(record['発注番号']);
    expect(emails[0]?.body.text).toContain('B-200 | コピー用紙 A4 500枚 | 20 | 冊');
    expect(stack.queue.stats().deadLetters).toBe(0);
  });
});

test('the stack writes its URLs to local.json for scripts', () => {
  const urls = JSON.parse(readFileSync(join(dataDir, 'local.json'), 'utf8')) as Record<
    string,
    string
  >;
  expect(urls.webhookUrl).toMatch(/\/webhooks\/kintone\?token=.{40,}/);
  expect(urls.kintoneBaseUrl).toMatch(/^http:\/\/localhost:\d+$/);
  expect(urls.sesStoreUrl).toMatch(/\/store$/);
});
