import { randomBytes } from 'node:crypto';
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { BRIDGE_TTL_ATTRIBUTE } from '../../shared/adapters/dynamodb/bridge-table';
import {
  CLAIM_CHECK_TTL_DAYS,
  ClaimCheckCorruptError,
  DYNAMODB_MAX_ITEM_BYTES,
  DynamoDbClaimCheckStore,
} from '../../shared/adapters/dynamodb/dynamodb-claim-check-store';
import { ClaimCheckNotFoundError, type ClaimCheckStore } from '../../shared/ports/claim-checks';
import { InMemoryClaimCheckStore } from '../fakes/in-memory-claim-check-store';
import { useBridgeTables } from '../support/dynalite';

const NOW = new Date('2026-11-29T07:00:00.000Z');
/** kintone's largest notification: 1 MB. */
const ONE_MB = 1024 * 1024;

/** Text that gzip cannot shrink much: a 1 MB notification of it needs several items. */
function incompressibleText(bytes: number): string {
  return randomBytes(Math.ceil((bytes * 3) / 4))
    .toString('base64')
    .slice(0, bytes);
}

const tables = useBridgeTables('claim-check-test');

const newTable = () => tables.newTable();

const implementations: { name: string; create: () => Promise<ClaimCheckStore> }[] = [
  {
    name: 'DynamoDbClaimCheckStore on dynalite',
    create: async () =>
      new DynamoDbClaimCheckStore({ client: tables.documentClient, tableName: await newTable() }),
  },
  { name: 'InMemoryClaimCheckStore', create: async () => new InMemoryClaimCheckStore() },
];

describe.each(implementations)('ClaimCheckStore contract: $name', ({ create }) => {
  let store: ClaimCheckStore;

  beforeEach(async () => {
    store = await create();
  });

  it.each([
    ['an empty payload', ''],
    ['a small notification', '{"id":"n-1","record":{"品名":{"value":"ボールペン\\uffff黒"}}}'],
    ['odd unicode (U+FFFF, astral, NUL escaped)', '{"v":"\uFFFF\uFFFE𠮷\\u0000"}'],
    [
      '1 MB of repetitive Japanese text',
      `{"v":"${'在庫数が発注点を下回りました。'.repeat(23_000)}"}`,
    ],
    ['1 MB that does not compress', incompressibleText(ONE_MB)],
  ])('gives back %s exactly', async (_, payload) => {
    // Act
    const id = await store.put(payload, NOW);
    const read = await store.get(id);

    // Assess
    expect(read).toBe(payload);
  });

  it('stores each payload under its own id', async () => {
    // Act
    const first = await store.put('{"id":"a"}', NOW);
    const second = await store.put('{"id":"b"}', NOW);

    // Assess
    expect(first).not.toBe(second);
    await expect(store.get(first)).resolves.toBe('{"id":"a"}');
    await expect(store.get(second)).resolves.toBe('{"id":"b"}');
  });

  it('throws ClaimCheckNotFoundError, naming the id, for an id never stored', async () => {
    await expect(store.get('5b0e8f7c-0000-4000-8000-000000000000')).rejects.toThrow(
      new ClaimCheckNotFoundError('5b0e8f7c-0000-4000-8000-000000000000'),
    );
  });
});

describe('DynamoDbClaimCheckStore in the bridge table', () => {
  it('compresses, splits into items under 400 KB and sets the TTL 30 days ahead', async () => {
    // Prepare
    const tableName = await newTable();
    const store = new DynamoDbClaimCheckStore({ client: tables.documentClient, tableName });
    const payload = incompressibleText(ONE_MB);

    // Act
    const id = await store.put(payload, NOW);

    // Assess
    const { Items = [] } = await tables.documentClient.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `CLAIM#${id}` },
      }),
    );
    expect(Items.map((item) => item.sk)).toEqual(['PART#000', 'PART#001', 'PART#002']);
    for (const item of Items) {
      expect(item.parts).toBe(3);
      expect((item.data as Uint8Array).byteLength).toBeLessThan(DYNAMODB_MAX_ITEM_BYTES - 1024);
      expect(item[BRIDGE_TTL_ATTRIBUTE]).toBe(NOW.getTime() / 1000 + CLAIM_CHECK_TTL_DAYS * 86_400);
      expect(item.storedAt).toBe(NOW.toISOString());
    }
  });

  it('stores a compressible notification in one item', async () => {
    // Prepare
    const tableName = await newTable();
    const store = new DynamoDbClaimCheckStore({ client: tables.documentClient, tableName });

    // Act
    const id = await store.put(`{"v":"${'在庫'.repeat(170_000)}"}`, NOW);

    // Assess
    const { Items = [] } = await tables.documentClient.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `CLAIM#${id}` },
      }),
    );
    expect(Items).toHaveLength(1);
  });

  it('reports a claim check missing a part as incomplete rather than returning a fragment', async () => {
    // Prepare: a part missing, as when the webhook fails between its puts.
    const tableName = await newTable();
    const store = new DynamoDbClaimCheckStore({
      client: tables.documentClient,
      tableName,
      partBytes: 8,
    });
    const id = await store.put('{"id":"n-1","v":"long enough for two parts"}', NOW);
    await tables.documentClient.send(
      new DeleteCommand({ TableName: tableName, Key: { pk: `CLAIM#${id}`, sk: 'PART#001' } }),
    );

    // Act, Assess
    await expect(store.get(id)).rejects.toThrow(ClaimCheckCorruptError);
    await expect(store.get(id)).rejects.toThrow(/is incomplete: (\d+) of \d+ parts stored/);
  });
});
