import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../local/stack';
import type { RestCallLogEntry } from '../../local/kintone/local-kintone';
import { createDocumentClient } from '../../shared/adapters/dynamodb/dynamodb-bridge-store';
import { kintoneQuotaDay } from '../../shared/adapters/kintone/kintone-call-budget';

/**
 * How many kintone API calls the core loop costs per notification, against kintone's limit of
 * 10,000 a day per app: none for a notification that needs no order, two on the inventory app
 * (write-back and comment) for one that orders. The bridge's own count in the table agrees with
 * kintone's log.
 */

const APP = '12';
let stack: LocalStack;
let dataDir: string;
let kintone: KintoneRestAPIClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sab-kcalls-'));
  stack = await startLocalStack({
    dataDir,
    configPath: 'config/demo.json',
    env: {},
    ports: { bridge: 0, kintone: 0, ses: 0, sesProxy: 0, dynamodb: 0 },
    queue: { visibilityTimeoutMs: 300, maxReceiveCount: 5, pollIntervalMs: 10 },
    logLevel: 'SILENT',
  });
  kintone = new KintoneRestAPIClient({
    baseUrl: stack.urls.kintoneBaseUrl,
    auth: { apiToken: stack.urls.kintoneApiToken ?? '' },
  });
});

afterAll(async () => {
  await stack.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function requestLog(): RestCallLogEntry[] {
  const local = stack.kintone;
  if (!local) throw new Error('these tests need the local kintone');
  return local.requestLog();
}

async function recordIdOf(sku: string): Promise<string> {
  const { records } = await kintone.record.getRecords({ app: APP, query: `品番 = "${sku}"` });
  return String(records[0]?.$id?.value);
}

/**
 * Staff edit the record; returns the kintone calls the bridge made for the resulting webhooks
 * (the edit's own PUT excluded), once everything is idle.
 */
async function bridgeCallsAfterEdit(
  id: string,
  values: Record<string, string>,
): Promise<RestCallLogEntry[]> {
  const before = requestLog().length;
  const record = Object.fromEntries(
    Object.entries(values).map(([code, value]) => [code, { value }]),
  );
  await kintone.record.updateRecord({ app: APP, id, record });
  await stack.idle();
  const [staffEdit, ...bridgeCalls] = requestLog().slice(before);
  expect(staffEdit).toMatchObject({ method: 'PUT', path: '/k/v1/record.json', status: 200 });
  return bridgeCalls;
}

/** The bridge's own count of calls to the app today, from the table. */
async function countedCalls(day: string): Promise<number> {
  const { Item } = await createDocumentClient(stack.dynamo.client).send(
    new GetCommand({
      TableName: stack.urls.tableName,
      Key: { pk: `KCALLS#${APP}#${day}`, sk: 'KCALLS' },
    }),
  );
  return Number(Item?.count ?? 0);
}

describe('kintone calls per notification through the local stack', () => {
  test('a notification that needs no order makes no kintone call', async () => {
    // Prepare: A-100 holds 50, reorder point 20.
    const id = await recordIdOf('A-100');
    const day = kintoneQuotaDay(new Date());

    // Act
    const calls = await bridgeCallsAfterEdit(id, { 在庫数: '45' });

    // Assess
    expect(calls).toEqual([]);
    expect(await countedCalls(day)).toBe(0);
  });

  test('an order makes two on the inventory app: the write-back and the comment, both counted', async () => {
    // Prepare
    const id = await recordIdOf('A-100');
    const day = kintoneQuotaDay(new Date());

    // Act: below the reorder point; the write-back's own webhook then needs no further call.
    const calls = await bridgeCallsAfterEdit(id, { 在庫数: '18' });

    // Assess: the inventory app's share of its daily limit. A configured supplier master is
    // another app with its own limit, read at most once per supplier (its answers are cached).
    const onInventoryApp = calls.filter((call) => call.app === APP);
    expect(onInventoryApp.map((call) => `${call.method} ${call.path} ${call.status}`)).toEqual([
      'PUT /k/v1/record.json 200',
      'POST /k/v1/record/comment.json 200',
    ]);
    expect(calls.length - onInventoryApp.length).toBeLessThanOrEqual(1);
    // The quota day turns at 09:00 JST; a run across it splits the count over two days.
    const counted =
      kintoneQuotaDay(new Date()) === day
        ? await countedCalls(day)
        : (await countedCalls(day)) + (await countedCalls(kintoneQuotaDay(new Date())));
    expect(counted).toBe(2);
  });
});
