import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import type { LocalStack } from '../../local/stack';
import type { StoredEmail } from '../../local/ses/ses-store';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * The supplier master (app 13) through the local stack: staff edit the master and the
 * inventory with the official client; the bridge reads the master only when an order is due.
 */

const INVENTORY = '12';
const MASTER = '13';
const OLD_ADDRESS = 'sales@yamada-paper.example.jp';
const NEW_ADDRESS = 'orders@yamada-paper.example.jp';
let stack: LocalStack;
let inventory: KintoneRestAPIClient;
let master: KintoneRestAPIClient;
let recordIdOf: TestStack['recordIdOf'];
let editRecord: TestStack['edit'];
let close: TestStack['close'];

beforeAll(async () => {
  ({
    stack,
    kintone: inventory,
    recordIdOf,
    edit: editRecord,
    close,
  } = await startTestStack('sab-e2e-master-'));
  master = new KintoneRestAPIClient({
    baseUrl: stack.urls.kintoneBaseUrl,
    auth: { apiToken: stack.urls.supplierMasterApiToken ?? '' },
  });
});

afterAll(() => close());

/** The REST calls the bridge (or a test) made to the supplier master so far. */
function masterCalls(): string[] {
  return (stack.kintone?.requestLog() ?? [])
    .filter((call) => call.app === MASTER)
    .map((call) => `${call.method} ${call.path} ${call.status}`);
}

/** Staff edit the demo item with this 品番 in the inventory app. */
async function edit(sku: string, values: Record<string, string>): Promise<void> {
  await editRecord(await recordIdOf(sku), values);
}

async function emailsTo(address: string): Promise<StoredEmail[]> {
  return (await stack.ses.emails()).filter((email) => email.destination.to.includes(address));
}

describe('the supplier master through the local stack', () => {
  test('the local stack serves app 13 with its own token, as the demo config says', () => {
    expect(stack.urls.supplierMasterAppId).toBe(MASTER);
    expect(stack.urls.supplierMasterApiToken).not.toBe(stack.urls.kintoneApiToken);
  });

  test('an edit that needs no order makes no call to the supplier master', async () => {
    // Prepare
    const deliveriesBefore = stack.kintone?.webhookDeliveries().length ?? 0;

    // Act: B-200 (stock 40, reorder point 10) falls to 35: nothing to order.
    await edit('B-200', { 在庫数: '35' });

    // Assess: the bridge received and processed the edit's webhook, and never asked app 13.
    const deliveries = stack.kintone?.webhookDeliveries().slice(deliveriesBefore) ?? [];
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200]);
    expect(stack.queue.stats()).toMatchObject({ visible: 0, inFlight: 0 });
    expect(masterCalls()).toEqual([]);
    expect(await emailsTo(OLD_ADDRESS)).toEqual([]);
  });

  test("after S-002's email changes in the master, B-200's order goes to the new address", async () => {
    // Prepare: the supplier's new address is entered in the master only; B-200 still holds
    // the address its lookup copied.
    await master.record.updateRecord({
      app: MASTER,
      updateKey: { field: '仕入先コード', value: 'S-002' },
      record: { メールアドレス: { value: NEW_ADDRESS } },
    });
    const callsBefore = masterCalls().length;

    // Act: B-200 falls below its reorder point.
    await edit('B-200', { 在庫数: '5' });

    // Assess
    const emails = await emailsTo(NEW_ADDRESS);
    expect(emails).toHaveLength(1);
    expect(emails[0]?.body.text).toContain('B-200 | コピー用紙 A4 500枚');
    expect(await emailsTo(OLD_ADDRESS)).toEqual([]);
    expect(masterCalls().slice(callsBefore)).toEqual(['GET /k/v1/records.json 200']);
    const { record } = await inventory.record.getRecord({
      app: INVENTORY,
      id: await recordIdOf('B-200'),
    });
    expect(record['発注状況']?.value).toBe('発注依頼済');
    expect(record['仕入先メール']?.value).toBe(OLD_ADDRESS);
  });

  test('orders for two items of one supplier within the TTL read the master once', async () => {
    // Prepare
    const callsBefore = masterCalls().length;

    // Act: A-100 and D-400, both from S-001, fall below their reorder points.
    await edit('A-100', { 在庫数: '18' });
    await edit('D-400', { 在庫数: '4' });

    // Assess
    expect(await emailsTo('order@sample-bungu.example.jp')).toHaveLength(2);
    expect(masterCalls().slice(callsBefore)).toEqual(['GET /k/v1/records.json 200']);
  });
});
