import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../shared/adapters/dynamodb/bridge-table';
import { formSaveTable, type TableRowJson } from '../../local/kintone/form-save';
import type { LocalStack } from '../../local/stack';
import type { StoredEmail } from '../../local/ses/ses-store';
import { loadConfigFile } from '../../shared/config/load-config';
import { demoReason } from '../support/business-days';
import { startTestStack, type TestStack } from '../support/local-stack';

/** The site app's lead time (its rows have none of their own): its configured default. */
const LEAD_TIME_DAYS =
  loadConfigFile('config/demo.json').apps.find((app) => app.appId === '15')?.defaults
    .leadTimeDays ?? 0;

/**
 * Items kept as the rows of a table (app 15 拠点在庫, one record per site, one row of 在庫明細
 * per item) through the whole local stack: staff save the record with the official client as
 * kintone's form does (the whole table), the bridge orders per supplier and writes into rows.
 */

const SITE = '15';
const MASTER = '13';
const TABLE = '在庫明細';
const YAMADA = 'sales@yamada-paper.example.jp';
const OFFICE_KIKI = 'support@office-kiki.example.jp';

type Row = TableRowJson;

let stack: LocalStack;
let site: KintoneRestAPIClient;
let close: TestStack['close'];

beforeAll(async () => {
  ({ stack, close } = await startTestStack('sab-e2e-site-'));
  site = new KintoneRestAPIClient({
    baseUrl: stack.urls.kintoneBaseUrl,
    auth: { apiToken: stack.urls.siteInventoryApiToken ?? '' },
  });
});

afterAll(() => close());

async function rows(): Promise<Row[]> {
  const { record } = await site.record.getRecord({ app: SITE, id: '1' });
  return (record[TABLE] as unknown as { value: Row[] }).value;
}

function cell(row: Row | undefined, code: string): string {
  return String(row?.value[code]?.value ?? '');
}

/**
 * Staff change rows (by 品番) and save the record as kintone's form does: the whole table,
 * every row with every value. Then everything the save set off runs to the end.
 */
async function staffSave(changes: Record<string, Record<string, string>>): Promise<void> {
  const table = formSaveTable(await rows(), (row) => changes[cell(row, '明細_品番')] ?? {});
  await site.record.updateRecord({ app: SITE, id: '1', record: { [TABLE]: { value: table } } });
  await stack.idle();
}

/** The REST calls made to an app since `from` (an index into the request log). */
function callsTo(app: string, from: number): string[] {
  return (stack.kintone?.requestLog() ?? [])
    .slice(from)
    .filter((call) => call.app === app)
    .map((call) => `${call.method} ${call.path} ${call.status}`);
}

function logLength(): number {
  return stack.kintone?.requestLog().length ?? 0;
}

async function emailsTo(address: string): Promise<StoredEmail[]> {
  return (await stack.ses.emails()).filter((email) => email.destination.to.includes(address));
}

async function comments(): Promise<string[]> {
  return (await site.record.getRecordComments({ app: SITE, record: '1' })).comments.map(
    (comment) => comment.text,
  );
}

describe('items in a table (app 15) through the local stack', () => {
  test('a save that leaves every row above its reorder point costs no kintone call', async () => {
    // Prepare
    const from = logLength();

    // Act: B-202 falls from 40 to 35 (reorder point 10).
    await staffSave({ 'B-202': { 明細_在庫数: '35' } });

    // Assess: only the staff's own read and save; the bridge made no call at all.
    expect(callsTo(SITE, from)).toEqual(['GET /k/v1/record.json 200', 'PUT /k/v1/record.json 200']);
    expect(callsTo(MASTER, from)).toEqual([]);
    expect(await emailsTo(YAMADA)).toEqual([]);
  });

  test('two rows of one supplier fall: one order request with two lines, written into each row', async () => {
    // Prepare
    const before = await rows();
    const from = logLength();

    // Act: B-200 falls to 4 (reorder point 10), B-201 to 1 (reorder point 2); both S-002.
    await staffSave({ 'B-200': { 明細_在庫数: '4' }, 'B-201': { 明細_在庫数: '1' } });
    const siteCalls = callsTo(SITE, from);
    const masterCalls = callsTo(MASTER, from);

    // Assess: one email to 紙の山田商店 (found in the supplier master by code) with both lines.
    const emails = await emailsTo(YAMADA);
    expect(emails).toHaveLength(1);
    const body = emails[0]?.body.text ?? '';
    expect(body).toContain('B-200');
    expect(body).toContain('B-201');
    expect(await emailsTo(OFFICE_KIKI)).toEqual([]);

    const after = await rows();
    expect(after.map((row) => row.id)).toEqual(before.map((row) => row.id));
    const [b200, b201, b202] = after;
    const orderNumber = cell(b200, '明細_発注番号');
    expect(orderNumber).toMatch(/^PO-\d{8}-\d{4}$/);
    expect(cell(b201, '明細_発注番号')).toBe(orderNumber);
    expect(cell(b200, '明細_発注状況')).toBe('発注依頼済');
    expect(cell(b201, '明細_発注状況')).toBe('発注依頼済');
    // The app's default lead time in business days: a weekend run names the days skipped.
    expect(cell(b200, '明細_発注理由')).toBe(
      demoReason('在庫数 4 ≤ 発注点 10: 20個を発注 (発注量20)', LEAD_TIME_DAYS),
    );
    expect(cell(b201, '明細_発注理由')).toBe(
      demoReason('在庫数 1 ≤ 発注点 2: 3個を発注 (発注量3)', LEAD_TIME_DAYS),
    );
    // The third row is exactly as staff left it.
    expect(b202).toEqual(before[2] && { ...before[2], value: { ...before[2].value } });
    expect(cell(b202, '明細_発注状況')).toBe('未発注');

    const texts = await comments();
    expect(texts.filter((text) => text.includes(orderNumber))).toHaveLength(1);

    // kintone calls: the staff's read and save, then the bridge's read and full-table write
    // (with the revision), its comment, and one read of the supplier master.
    expect(siteCalls).toEqual([
      'GET /k/v1/record.json 200',
      'PUT /k/v1/record.json 200',
      'GET /k/v1/record.json 200',
      'PUT /k/v1/record.json 200',
      'POST /k/v1/record/comment.json 200',
    ]);
    expect(masterCalls).toEqual(['GET /k/v1/records.json 200']);
  });

  test("the webhook of the bridge's own table write is recognised by the revision kintone gave it", async () => {
    // Prepare: the last two webhooks of the ordering save: the staff's save and the bridge's own
    // table write (its comment fires no record webhook).
    const deliveries = (stack.kintone?.webhookDeliveries() ?? []).filter(
      (delivery) => delivery.appId === SITE && delivery.notification.type === 'UPDATE_RECORD',
    );
    const [staff, echo] = deliveries.slice(-2).map((delivery) => delivery.notification);
    const marker = async (id: string | undefined) => {
      const { Item } = await createDocumentClient(stack.dynamo.client).send(
        new GetCommand({
          TableName: stack.urls.tableName,
          Key: { pk: `NOTIF#${id ?? ''}`, sk: 'NOTIF' },
        }),
      );
      return Item?.['decision'] as { kind: string; reason: string } | undefined;
    };
    const revisionOf = (notification: typeof staff) =>
      notification && 'record' in notification
        ? Number(notification.record['$revision']?.value)
        : undefined;

    // Act
    const [staffDecision, echoDecision] = [await marker(staff?.id), await marker(echo?.id)];

    // Assess
    expect(revisionOf(echo)).toBe((revisionOf(staff) ?? 0) + 1);
    expect(staffDecision?.kind).toBe('order');
    expect(echoDecision).toEqual({
      kind: 'no-order',
      reason: `ブリッジ自身の書き込み (リビジョン ${revisionOf(echo)}) の通知: 変更なし`,
    });
  });

  test('an edit of another row while the order is open orders nothing more', async () => {
    // Prepare
    const from = logLength();

    // Act: B-202 changes, B-200 and B-201 still low with their order open.
    await staffSave({ 'B-202': { 明細_在庫数: '33' } });

    // Assess
    expect(await emailsTo(YAMADA)).toHaveLength(1);
    expect(callsTo(SITE, from)).toEqual(['GET /k/v1/record.json 200', 'PUT /k/v1/record.json 200']);
  });

  test('B-200 received, then low again: a new order for B-200 alone; B-201 keeps its order', async () => {
    // Prepare
    const firstOrder = cell((await rows())[0], '明細_発注番号');
    await staffSave({ 'B-200': { 明細_発注状況: '入荷済', 明細_在庫数: '24' } });

    // Act
    await staffSave({ 'B-200': { 明細_在庫数: '3' } });

    // Assess
    const emails = await emailsTo(YAMADA);
    expect(emails).toHaveLength(2);
    const [b200, b201] = await rows();
    const secondOrder = cell(b200, '明細_発注番号');
    expect(secondOrder).not.toBe(firstOrder);
    expect(cell(b200, '明細_発注状況')).toBe('発注依頼済');
    expect(cell(b201, '明細_発注番号')).toBe(firstOrder);
    expect(emails[1]?.body.text).toContain('B-200');
    expect(emails[1]?.body.text).not.toContain('B-201');
  });
});
