import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbItemStates } from '../../shared/adapters/dynamodb/dynamodb-item-states';
import { DynamoDbProcessedNotifications } from '../../shared/adapters/dynamodb/dynamodb-processed-notifications';
import { BridgeStoreInputError } from '../../shared/adapters/dynamodb/table-rules';
import type { ItemKey, ItemStateStore } from '../../shared/ports/item-states';
import type { ProcessedNotifications } from '../../shared/ports/processed-notifications';
import { bridgeImplementations } from '../support/bridge-contract';
import { useBridgeTables } from '../support/dynalite';

const KEY: ItemKey = { appId: '12', recordId: '345' };
const ROW_1: ItemKey = { appId: '15', recordId: '7:101' };
const ROW_2: ItemKey = { appId: '15', recordId: '7:102' };
const tables = useBridgeTables('processed-notifications-test');

interface Subject {
  notifications: ProcessedNotifications;
  items: ItemStateStore;
}

const implementations = bridgeImplementations<Subject>(
  tables,
  'DynamoDbProcessedNotifications',
  (table) => ({
    notifications: new DynamoDbProcessedNotifications(table),
    items: new DynamoDbItemStates(table),
  }),
  (state) => ({ notifications: state, items: state }),
);

describe.each(implementations)('ProcessedNotifications contract: $name', ({ create }) => {
  let notifications: ProcessedNotifications;
  let items: ItemStateStore;

  beforeEach(async () => {
    ({ notifications, items } = await create());
  });

  it('knows no notification before one is completed', async () => {
    await expect(notifications.hasProcessed('never-seen')).resolves.toBe(false);
  });

  it('marks notifications processed and never lowers lastRevision', async () => {
    // Act
    await notifications.complete({
      notificationId: 'n-5',
      key: KEY,
      revision: 5,
      decision: { kind: 'no-order', reason: '在庫は十分です。' },
      at: '2026-11-28T01:00:00.000Z',
    });
    await notifications.complete({
      notificationId: 'n-3',
      key: KEY,
      revision: 3,
      decision: { kind: 'stale', reason: '古い更新です。' },
      at: '2026-11-28T01:01:00.000Z',
    });
    const [afterStale] = await items.load([KEY]);
    await notifications.complete({
      notificationId: 'n-7',
      key: KEY,
      revision: 7,
      decision: { kind: 'snoozed', reason: 'スヌーズ中です。' },
      at: '2026-11-28T01:02:00.000Z',
    });

    // Assess
    await expect(notifications.hasProcessed('n-5')).resolves.toBe(true);
    await expect(notifications.hasProcessed('n-3')).resolves.toBe(true);
    await expect(notifications.hasProcessed('n-4')).resolves.toBe(false);
    expect(afterStale).toEqual({
      key: KEY,
      cycle: 1,
      lastRevision: 5,
      lastDecision: { kind: 'stale', reason: '古い更新です。', at: '2026-11-28T01:01:00.000Z' },
    });
    const [state] = await items.load([KEY]);
    expect(state?.lastRevision).toBe(7);
    expect(state?.lastDecision?.kind).toBe('snoozed');
  });

  it("raises the rows' lastRevision and decisions with the record's", async () => {
    // Prepare
    await notifications.complete({
      notificationId: 'n-9',
      key: { appId: '15', recordId: '7' },
      revision: 9,
      decision: { kind: 'no-order', reason: '在庫は十分です。' },
      at: '2026-11-28T01:00:00.000Z',
    });

    // Act
    await notifications.complete({
      notificationId: 'n-8',
      key: { appId: '15', recordId: '7' },
      revision: 8,
      decision: { kind: 'stale', reason: '古い更新です。' },
      at: '2026-11-28T01:01:00.000Z',
      items: [
        { key: ROW_1, decision: { kind: 'order', reason: '発注点を下回りました。' } },
        { key: ROW_2, decision: { kind: 'no-order', reason: '在庫は十分です。' } },
      ],
    });

    // Assess
    const [record, row1, row2] = await items.load([{ appId: '15', recordId: '7' }, ROW_1, ROW_2]);
    expect(record?.lastRevision).toBe(9);
    expect(row1).toEqual({
      key: ROW_1,
      cycle: 1,
      lastRevision: 8,
      lastDecision: {
        kind: 'order',
        reason: '発注点を下回りました。',
        at: '2026-11-28T01:01:00.000Z',
      },
    });
    expect(row2?.lastDecision?.kind).toBe('no-order');
  });

  it("keeps the revision of the bridge's own table write on the record's state only, with a raise", async () => {
    // Prepare
    const record = { appId: '15', recordId: '7' };
    await notifications.complete({
      notificationId: 'n-10',
      key: record,
      revision: 10,
      ownWriteRevision: 11,
      decision: { kind: 'order', reason: '1行を発注 (PO-20261129-0001)' },
      at: '2026-11-28T01:00:00.000Z',
      items: [{ key: ROW_1, decision: { kind: 'order', reason: '発注点を下回りました。' } }],
    });
    const [afterWrite, row] = await items.load([record, ROW_1]);

    // Act: an older notification that (impossibly) names another write raises nothing.
    await notifications.complete({
      notificationId: 'n-9',
      key: record,
      revision: 9,
      ownWriteRevision: 99,
      decision: { kind: 'stale', reason: '古い更新です。' },
      at: '2026-11-28T01:01:00.000Z',
    });
    const [afterStale] = await items.load([record]);
    // The echo itself (revision 11) raises the revision and keeps the write's.
    await notifications.complete({
      notificationId: 'n-11',
      key: record,
      revision: 11,
      decision: { kind: 'no-order', reason: '変更なし' },
      at: '2026-11-28T01:02:00.000Z',
    });
    const [afterEcho] = await items.load([record]);

    // Assess
    expect(afterWrite?.lastRevision).toBe(10);
    expect(afterWrite?.ownWriteRevision).toBe(11);
    expect(row?.ownWriteRevision).toBeUndefined();
    expect(afterStale?.ownWriteRevision).toBe(11);
    expect(afterEcho?.lastRevision).toBe(11);
    expect(afterEcho?.ownWriteRevision).toBe(11);
  });

  it('completes a notification without a revision, keeping what was there', async () => {
    // Prepare
    await notifications.complete({
      notificationId: 'n-1',
      key: KEY,
      revision: 4,
      decision: { kind: 'no-order', reason: '在庫は十分です。' },
      at: '2026-11-28T01:00:00.000Z',
    });

    // Act
    await notifications.complete({
      notificationId: 'n-x',
      key: KEY,
      decision: { kind: 'cannot-evaluate', reason: '発注点が空です。' },
      at: '2026-12-04T09:00:01.000Z',
    });

    // Assess
    await expect(notifications.hasProcessed('n-x')).resolves.toBe(true);
    await expect(items.load([KEY])).resolves.toEqual([
      {
        key: KEY,
        cycle: 1,
        lastRevision: 4,
        lastDecision: {
          kind: 'cannot-evaluate',
          reason: '発注点が空です。',
          at: '2026-12-04T09:00:01.000Z',
        },
      },
    ]);
  });

  it('is idempotent: completing the same notification again changes nothing', async () => {
    // Prepare
    const done = {
      notificationId: 'n-2',
      key: KEY,
      revision: 2,
      decision: { kind: 'no-order' as const, reason: '在庫は十分です。' },
      at: '2026-11-28T01:00:00.000Z',
    };
    await notifications.complete(done);
    const before = await items.load([KEY]);

    // Act
    await notifications.complete(done);

    // Assess
    await expect(items.load([KEY])).resolves.toEqual(before);
  });

  it('refuses a completion time that is not an ISO timestamp', async () => {
    await expect(
      notifications.complete({
        notificationId: 'n-bad',
        key: KEY,
        decision: { kind: 'no-order', reason: '在庫は十分です。' },
        at: 'yesterday',
      }),
    ).rejects.toBeInstanceOf(BridgeStoreInputError);
    await expect(notifications.hasProcessed('n-bad')).resolves.toBe(false);
  });
});

describe('DynamoDbProcessedNotifications storage', () => {
  it('stores processed markers with expiresAt 30 days ahead, in epoch seconds', async () => {
    // Prepare
    const tableName = await tables.newTable();
    const notifications = new DynamoDbProcessedNotifications({
      client: tables.documentClient,
      tableName,
    });
    const at = new Date().toISOString();

    // Act
    await notifications.complete({
      notificationId: 'n-ttl',
      key: KEY,
      revision: 1,
      decision: { kind: 'no-order', reason: '在庫は十分です。' },
      at,
    });

    // Assess
    const { Item } = await tables.documentClient.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'NOTIF#n-ttl', sk: 'NOTIF' } }),
    );
    const expected = Date.now() / 1000 + 30 * 86_400;
    expect(Math.abs(Number(Item?.expiresAt) - expected)).toBeLessThan(60);
  });

  it('refuses a TTL that would expire markers at once', () => {
    expect(
      () =>
        new DynamoDbProcessedNotifications({
          client: tables.documentClient,
          tableName: 'any',
          processedTtlDays: 0,
        }),
    ).toThrow(BridgeStoreInputError);
  });
});
