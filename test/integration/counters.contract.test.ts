import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbCounters } from '../../shared/adapters/dynamodb/dynamodb-counters';
import { BridgeStoreInputError } from '../../shared/adapters/dynamodb/table-rules';
import type { Counters } from '../../shared/ports/counters';
import { bridgeImplementations } from '../support/bridge-contract';
import { useBridgeTables } from '../support/dynalite';

const NOW_SECONDS = Date.parse('2026-11-29T07:00:00.000Z') / 1000;
const tables = useBridgeTables('counters-test');

const implementations = bridgeImplementations<Counters>(
  tables,
  'DynamoDbCounters',
  (table) => new DynamoDbCounters(table),
  (state) => state,
);

describe.each(implementations)('Counters contract: $name', ({ create }) => {
  let counters: Counters;

  beforeEach(async () => {
    counters = await create();
  });

  it('counts page requests per order and window, atomically', async () => {
    // Act
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () =>
        counters.countPageRequest('PO-20261128-0001', '2026-11-29T07'),
      ),
    );
    const nextWindow = await counters.countPageRequest('PO-20261128-0001', '2026-11-29T08');
    const otherOrder = await counters.countPageRequest('PO-20261128-0002', '2026-11-29T07');
    const sixth = await counters.countPageRequest('PO-20261128-0001', '2026-11-29T07');

    // Assess
    expect([...concurrent].sort()).toEqual([1, 2, 3, 4, 5]);
    expect({ nextWindow, otherOrder, sixth }).toEqual({ nextWindow: 1, otherOrder: 1, sixth: 6 });
  });

  it('rejects a rate window that is not the start of an ISO timestamp', async () => {
    await expect(
      counters.countPageRequest('PO-20261128-0001', '2026-11-29 07'),
    ).rejects.toBeInstanceOf(BridgeStoreInputError);
  });

  it('counts kintone calls per app and quota day, atomically', async () => {
    // Act
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => counters.countKintoneCall('12', '2026-11-29')),
    );
    const nextDay = await counters.countKintoneCall('12', '2026-11-30');
    const otherApp = await counters.countKintoneCall('13', '2026-11-29');
    const sixth = await counters.countKintoneCall('12', '2026-11-29');

    // Assess
    expect([...concurrent].sort()).toEqual([1, 2, 3, 4, 5]);
    expect({ nextDay, otherApp, sixth }).toEqual({ nextDay: 1, otherApp: 1, sixth: 6 });
  });

  it.each([
    ['an app id with "#"', '12#1', '2026-11-29'],
    ['an empty app id', '', '2026-11-29'],
    ['a day with a time', '12', '2026-11-29T07'],
    ['a day that does not exist', '12', '2026-02-30'],
  ])('refuses to count kintone calls for %s', async (_case, appId, day) => {
    await expect(counters.countKintoneCall(appId, day)).rejects.toBeInstanceOf(
      BridgeStoreInputError,
    );
  });
});

describe('DynamoDbCounters storage', () => {
  it('keeps page request counters two days after the window starts, for the table TTL', async () => {
    // Prepare
    const tableName = await tables.newTable();
    const counters = new DynamoDbCounters({ client: tables.documentClient, tableName });

    // Act
    await counters.countPageRequest('PO-20261128-0001', '2026-11-29T07');
    await counters.countPageRequest('PO-20261128-0001', '2026-11-29T07');

    // Assess
    const { Item } = await tables.documentClient.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: 'RATE#PO-20261128-0001#2026-11-29T07', sk: 'RATE' },
      }),
    );
    expect(Item).toEqual({
      pk: 'RATE#PO-20261128-0001#2026-11-29T07',
      sk: 'RATE',
      count: 2,
      expiresAt: NOW_SECONDS + 2 * 86_400,
    });
  });

  it('keeps kintone call counters three days after the quota day begins', async () => {
    // Prepare
    const tableName = await tables.newTable();
    const counters = new DynamoDbCounters({ client: tables.documentClient, tableName });

    // Act
    await counters.countKintoneCall('12', '2026-11-29');
    await counters.countKintoneCall('12', '2026-11-29');

    // Assess
    const { Item } = await tables.documentClient.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'KCALLS#12#2026-11-29', sk: 'KCALLS' } }),
    );
    expect(Item).toEqual({
      pk: 'KCALLS#12#2026-11-29',
      sk: 'KCALLS',
      count: 2,
      expiresAt: Date.parse('2026-12-02T00:00:00Z') / 1000,
    });
  });
});
