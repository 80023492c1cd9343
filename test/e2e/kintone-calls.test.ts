import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../local/stack';
import type { RestCallLogEntry } from '../../local/kintone/local-kintone';
import { createDocumentClient } from '../../shared/adapters/dynamodb/bridge-table';
import { kintoneQuotaDay } from '../../shared/adapters/kintone/kintone-call-budget';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * How many kintone API calls the core loop costs per notification, against kintone's limit of
 * 10,000 a day per app: none for a notification that needs no order, two on the inventory app
 * (write-back and comment) for one that orders. The bridge's own count in the table agrees with
 * kintone's log.
 */

const APP = '12';
let stack: LocalStack;
let recordIdOf: TestStack['recordIdOf'];
let edit: TestStack['edit'];
let close: TestStack['close'];

beforeAll(async () => {
  ({ stack, recordIdOf, edit, close } = await startTestStack('sab-kcalls-'));
});

afterAll(() => close());

function requestLog(): RestCallLogEntry[] {
  const local = stack.kintone;
  if (!local) throw new Error('these tests need the local kintone');
  return local.requestLog();
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
  await edit(id, values);
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
    // The write-back of an immediate order is the record's one write (its order and its own
    // values together): one update of the record.
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
