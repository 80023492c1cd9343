import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbPageNonces } from '../../shared/adapters/dynamodb/dynamodb-page-nonces';
import { BridgeStoreInputError } from '../../shared/adapters/dynamodb/table-rules';
import type { PageNonces } from '../../shared/ports/page-nonces';
import { bridgeImplementations } from '../support/bridge-contract';
import { useBridgeTables } from '../support/dynalite';

const NONCE = 'bm9uY2Utb25lLWZvci10ZXN0';
const OTHER_NONCE = 'bm9uY2UtdHdvLWZvci10ZXN0';
const NOW = new Date('2026-11-29T07:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const tables = useBridgeTables('page-nonces-test');

const implementations = bridgeImplementations<PageNonces>(
  tables,
  'DynamoDbPageNonces',
  (table) => new DynamoDbPageNonces(table),
  (state) => state,
);

describe.each(implementations)('PageNonces contract: $name', ({ create }) => {
  let nonces: PageNonces;

  beforeEach(async () => {
    nonces = await create();
  });

  it('lets a page nonce be used once, for its own order, until it expires', async () => {
    // Prepare
    await nonces.issuePageNonce('PO-20261128-0001', NONCE, NOW_SECONDS + 7200);
    await nonces.issuePageNonce('PO-20261128-0001', OTHER_NONCE, NOW_SECONDS + 60);

    // Act
    const otherOrder = await nonces.consumePageNonce('PO-20261128-0002', NONCE, NOW);
    const first = await nonces.consumePageNonce('PO-20261128-0001', NONCE, NOW);
    const again = await nonces.consumePageNonce('PO-20261128-0001', NONCE, NOW);
    const expired = await nonces.consumePageNonce(
      'PO-20261128-0001',
      OTHER_NONCE,
      new Date((NOW_SECONDS + 60) * 1000),
    );
    const unknown = await nonces.consumePageNonce('PO-20261128-0001', 'dW5rbm93bi1ub25jZS0x', NOW);
    const malformed = await nonces.consumePageNonce('PO-20261128-0001', 'a#b', NOW);

    // Assess
    expect({ otherOrder, first, again, expired, unknown, malformed }).toEqual({
      otherOrder: false,
      first: true,
      again: false,
      expired: false,
      unknown: false,
      malformed: false,
    });
  });

  it('lets exactly one of concurrent posts use a nonce', async () => {
    // Prepare
    await nonces.issuePageNonce('PO-20261128-0001', NONCE, NOW_SECONDS + 7200);

    // Act
    const results = await Promise.all(
      Array.from({ length: 5 }, () => nonces.consumePageNonce('PO-20261128-0001', NONCE, NOW)),
    );

    // Assess
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('replaces a nonce issued twice (the later order and expiry count)', async () => {
    // Prepare
    await nonces.issuePageNonce('PO-20261128-0001', NONCE, NOW_SECONDS + 7200);
    await nonces.issuePageNonce('PO-20261128-0002', NONCE, NOW_SECONDS + 7200);

    // Act
    const first = await nonces.consumePageNonce('PO-20261128-0001', NONCE, NOW);
    const second = await nonces.consumePageNonce('PO-20261128-0002', NONCE, NOW);

    // Assess
    expect({ first, second }).toEqual({ first: false, second: true });
  });

  it('refuses to issue a nonce that is not random-looking', async () => {
    await expect(
      nonces.issuePageNonce('PO-20261128-0001', 'short', NOW_SECONDS + 60),
    ).rejects.toBeInstanceOf(BridgeStoreInputError);
  });
});

describe('DynamoDbPageNonces storage', () => {
  it('stores a nonce with expiresAt for the table TTL and deletes it when used', async () => {
    // Prepare
    const tableName = await tables.newTable();
    const nonces = new DynamoDbPageNonces({ client: tables.documentClient, tableName });
    const key = { pk: `NONCE#${NONCE}`, sk: 'NONCE' };

    // Act
    await nonces.issuePageNonce('PO-20261128-0001', NONCE, NOW_SECONDS + 7200);
    const { Item: issued } = await tables.documentClient.send(
      new GetCommand({ TableName: tableName, Key: key }),
    );
    await nonces.consumePageNonce('PO-20261128-0001', NONCE, NOW);
    const { Item: used } = await tables.documentClient.send(
      new GetCommand({ TableName: tableName, Key: key }),
    );

    // Assess
    expect(issued).toEqual({
      ...key,
      orderNumber: 'PO-20261128-0001',
      expiresAt: NOW_SECONDS + 7200,
    });
    expect(used).toBeUndefined();
  });
});
