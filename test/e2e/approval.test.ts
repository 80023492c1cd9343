import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RestCallLogEntry } from '../../local/kintone/local-kintone';
import { ORDER_APP_FIELDS, orderApp } from '../../local/kintone/order-app';
import type { StoredEmail } from '../../local/ses/ses-local';
import { startTestStack, type TestStack } from '../support/local-stack';
import { bounceEvent } from '../unit/fixtures/ses-events';

/**
 * Approval before an order goes to the supplier, end to end through the local stack (issue 12):
 * app 12's orders need approval. With the order app (発注管理, app 16) the bridge writes each
 * order as one record, and the approver acts through process management on it (the official
 * client's updateRecordStatus; the UPDATE_STATUS webhook comes back to the bridge): 承認 sends,
 * 却下 sends nothing and re-arms the item. Without an order app the approver gets a signed
 * one-click link by email; an approval not given in time reminds them, then flags staff.
 */

const APPROVER = 'approver@demo-shoji.example.jp';
const ORDER_APP_API_TOKEN = 'order-app-api-token-for-the-e2e-0123456789';
const ORDER_APP_WEBHOOK_TOKEN = 'order-app-webhook-token-for-the-e2e-0123456789';
const HOUR_MS = 3_600_000;

let offsetMs = 0;
const now = (): Date => new Date(Date.now() + offsetMs);

function configWith(dir: string, extra: Record<string, unknown>): string {
  const config = JSON.parse(readFileSync('config/demo.json', 'utf8')) as Record<string, unknown>;
  Object.assign(config, extra);
  const path = join(dir, 'config.approval.json');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

const APPROVAL = {
  apps: ['12'],
  approverEmail: APPROVER,
  remindAfterHours: 2,
  flagAfterHours: 4,
};

async function emailsTo(t: TestStack, address: string): Promise<StoredEmail[]> {
  return (await t.stack.ses.emails()).filter((email) => email.destination.to.includes(address));
}

/** Emails to anyone but the approver: the supplier's order. */
async function supplierEmails(t: TestStack): Promise<StoredEmail[]> {
  return (await t.stack.ses.emails()).filter((email) => !email.destination.to.includes(APPROVER));
}

describe('approval through process management on the order app', () => {
  let t: TestStack;
  let configDir: string;
  let orders: KintoneRestAPIClient;
  /** The order the first test approves and sends. */
  let approvedOrderNumber = '';

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), 'sab-approval-config-'));
    t = await startTestStack('sab-e2e-approval-app-', {
      configPath: configWith(configDir, {
        approval: APPROVAL,
        orderApp: {
          appId: orderApp.appId,
          apiToken: { env: 'KINTONE_API_TOKEN_ORDER_APP' },
          webhookTokens: [{ env: 'WEBHOOK_TOKEN_ORDER_APP' }],
          fields: ORDER_APP_FIELDS,
          approval: { reasonField: '差し戻し理由' },
        },
      }),
      env: {
        KINTONE_API_TOKEN_ORDER_APP: ORDER_APP_API_TOKEN,
        WEBHOOK_TOKEN_ORDER_APP: ORDER_APP_WEBHOOK_TOKEN,
      },
      now,
    });
    await t.stack.ses.clear();
    orders = new KintoneRestAPIClient({
      baseUrl: t.stack.urls.kintoneBaseUrl,
      auth: { apiToken: ORDER_APP_API_TOKEN },
    });
  });

  afterAll(async () => {
    await t.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  const log = (): RestCallLogEntry[] => t.stack.kintone?.requestLog() ?? [];

  async function orderRecord(orderNumber: string) {
    const { records } = await orders.record.getRecords({
      app: orderApp.appId,
      query: `発注番号 = "${orderNumber}"`,
    });
    expect(records).toHaveLength(1);
    return records[0] as Record<string, { value: unknown }>;
  }

  test('an order needing approval waits as 承認待ち, is written to the order app, and 承認 sends it', async () => {
    const id = await t.recordIdOf('A-100');
    const before = log().length;
    await t.edit(id, { 在庫数: '18' });
    // The bridge's calls for the order's creation: everything after staff's own edit.
    const atCreation = log().slice(before + 1);

    const item = await t.fields(id);
    expect(item['発注状況']).toBe('承認待ち');
    const orderNumber = item['発注番号'] ?? '';
    expect(orderNumber).toMatch(/^PO-\d{8}-\d{4}$/);
    expect(item['発注理由']).toContain('承認');
    expect(await supplierEmails(t)).toHaveLength(0);
    expect((await emailsTo(t, APPROVER))[0]?.subject).toContain('【承認のお願い】');
    const record = await orderRecord(orderNumber);
    expect(record['発注状況']?.value).toBe('承認待ち');
    expect(record['ステータス']?.value).toBe('承認待ち');
    expect(JSON.stringify(record['明細']?.value)).toContain('A-100');

    // Still short: a second edit places no second order.
    await t.edit(id, { 在庫数: '17' });
    expect((await t.fields(id))['発注番号']).toBe(orderNumber);

    // The approver performs 承認 on the order record.
    const beforeApproval = log().length;
    await orders.record.updateRecordStatus({
      app: orderApp.appId,
      id: String(record.$id?.value),
      action: '承認',
    });
    await t.stack.idle();
    const atApproval = log().slice(beforeApproval + 1);

    const sent = await supplierEmails(t);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.subject).toContain(orderNumber);
    const after = await t.fields(id);
    expect(after['発注状況']).toBe('発注依頼済');
    expect((await orderRecord(orderNumber))['発注状況']?.value).toBe('発注依頼済');
    approvedOrderNumber = orderNumber;

    // kintone calls the bridge made for this order (staff's edit and status action left out).
    const calls = [...atCreation, ...atApproval];
    const byApp = (app: string) => calls.filter((call) => call.app === app).length;
    const described = calls.map((call) => `${call.method} ${call.path} app=${call.app ?? '-'}`);
    console.info(
      `kintone calls per approved order: ${calls.length} (item app ${byApp('12')}, order app ${byApp(orderApp.appId)})\n${described.join('\n')}`,
    );
    expect(byApp(orderApp.appId)).toBeLessThanOrEqual(4);
  });

  test('a bounce of the sent order shows on the order record (不達, the fax sent instead) in one PUT', async () => {
    // Prepare: the first test's order went to S-001 by email; S-001 has a fax number too.
    expect(approvedOrderNumber).toMatch(/^PO-/);
    const before = log().length;

    // Act: SES reports a permanent bounce (through the local stand-in for SNS).
    const response = await fetch(t.stack.urls.sesEventsUrl, {
      method: 'POST',
      body: JSON.stringify(bounceEvent(approvedOrderNumber)),
    });
    await t.stack.idle();
    const orderAppCalls = log()
      .slice(before)
      .filter((call) => call.app === orderApp.appId);

    // Assess
    expect(response.status).toBe(200);
    const record = await orderRecord(approvedOrderNumber);
    expect(record['送信先']?.value).toMatch(/\(不達\)、FAX 0312345678 \(送信済\)$/);
    expect(record['発注状況']?.value).toBe('発注依頼済');
    expect(orderAppCalls.map((call) => call.method)).toEqual(['PUT']);
  });

  test('却下 sends nothing, appends the rejection and re-arms the item with the reason on its record', async () => {
    const id = await t.recordIdOf('B-200');
    await t.stack.ses.clear();
    await t.edit(id, { 在庫数: '0' });
    const waiting = await t.fields(id);
    expect(waiting['発注状況']).toBe('承認待ち');
    const orderNumber = waiting['発注番号'] ?? '';
    const record = await orderRecord(orderNumber);

    await orders.record.updateRecord({
      app: orderApp.appId,
      id: String(record.$id?.value),
      record: { 差し戻し理由: { value: '今月の予算を超えています' } },
    });
    await orders.record.updateRecordStatus({
      app: orderApp.appId,
      id: String(record.$id?.value),
      action: '却下',
    });
    await t.stack.idle();

    expect(await supplierEmails(t)).toHaveLength(0);
    expect((await orderRecord(orderNumber))['発注状況']?.value).toBe('却下');
    const after = await t.fields(id);
    // kintone sends no webhook for the bridge's bulk write of the rejection: the item is not
    // ordered again until the record changes.
    expect(
      (t.stack.kintone?.webhookDeliveries() ?? []).filter(
        (delivery) => delivery.appId === '12' && delivery.notification.type === 'UPDATE_RECORD',
      ).length,
    ).toBeGreaterThan(0);
    expect(after['発注状況']).toBe('未発注');
    expect(after['発注番号']).toBe(orderNumber);
    expect(after['発注理由']).toContain('却下');
    expect(after['発注理由']).toContain('今月の予算を超えています');

    // Re-armed: the next change of the still-short item orders again, under a new number.
    await t.edit(id, { 在庫数: '1' });
    const again = await t.fields(id);
    expect(again['発注状況']).toBe('承認待ち');
    expect(again['発注番号']).not.toBe(orderNumber);
    expect(await supplierEmails(t)).toHaveLength(0);
  });
});

describe('approval through the signed link, with a reminder and a flag', () => {
  let t: TestStack;
  let configDir: string;

  beforeAll(async () => {
    offsetMs = 0;
    configDir = mkdtempSync(join(tmpdir(), 'sab-approval-config-'));
    t = await startTestStack('sab-e2e-approval-link-', {
      configPath: configWith(configDir, { approval: APPROVAL }),
      now,
    });
    await t.stack.ses.clear();
  });

  afterAll(async () => {
    await t.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  test('the approver is mailed a link, reminded once, then staff are flagged; POST 承認 sends the order', async () => {
    const id = await t.recordIdOf('A-100');
    await t.edit(id, { 在庫数: '18' });
    const item = await t.fields(id);
    expect(item['発注状況']).toBe('承認待ち');
    const orderNumber = item['発注番号'] ?? '';

    const [request] = await emailsTo(t, APPROVER);
    expect(request?.subject).toContain('承認のお願い');
    const link = /https?:\/\/\S+\/a\/\S+/.exec(request?.body.text ?? '')?.[0] ?? '';
    expect(link).toContain(orderNumber);

    // A supplier link's token never opens the approval page, nor the other way round.
    const supplierLink = link.replace('/a/', '/o/');
    expect((await fetch(supplierLink)).status).toBe(404);

    // GET shows the order and the form, and changes nothing.
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(orderNumber);
    expect(html).toContain('承認して送信する');
    expect((await t.fields(id))['発注状況']).toBe('承認待ち');

    // Not approved within 2 hours: one reminder; within 4: staff flagged.
    offsetMs += 2 * HOUR_MS + 60_000;
    await t.runScheduler();
    await t.runScheduler();
    expect((await emailsTo(t, APPROVER)).map((email) => email.subject)).toEqual([
      expect.stringContaining('【承認のお願い】'),
      expect.stringContaining('【再送・承認のお願い】'),
    ]);
    offsetMs += 2 * HOUR_MS;
    await t.runScheduler();
    const flagged = await t.fields(id);
    expect(flagged['発注状況']).toBe('要対応');
    expect(flagged['発注理由']).toContain('承認が期限を過ぎても');
    await t.runScheduler();
    expect(await emailsTo(t, APPROVER)).toHaveLength(2);

    // POST the form: approved, then sent by the next scheduled run.
    const nonce = /name="nonce" value="([^"]+)"/.exec(await (await fetch(link)).text())?.[1] ?? '';
    const posted = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ nonce, decision: 'approve' }).toString(),
      redirect: 'manual',
    });
    expect(posted.status).toBe(303);
    offsetMs += 3 * 60_000;
    await t.runScheduler();
    const supplierMails = await supplierEmails(t);
    expect(supplierMails).toHaveLength(1);
    expect((await t.fields(id))['発注状況']).toBe('発注依頼済');
    // The page now says it was approved, without a form.
    const done = await (await fetch(link)).text();
    expect(done).toContain('承認済みです');
    expect(done).not.toContain('承認して送信する');
  });
});
