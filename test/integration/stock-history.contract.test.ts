import { DynamoDbStockHistory } from '../../shared/adapters/dynamodb/dynamodb-stock-history';
import type { ItemStockObservation, StockHistory } from '../../shared/ports/stock-history';
import { InMemoryStockHistory } from '../fakes/in-memory-stock-history';
import type { ContractImplementation } from '../support/bridge-contract';
import { useBridgeTables } from '../support/dynalite';

const tables = useBridgeTables('stock-history-test');

const implementations: ContractImplementation<StockHistory>[] = [
  {
    name: 'DynamoDbStockHistory on dynalite',
    create: async () =>
      new DynamoDbStockHistory({
        client: tables.documentClient,
        tableName: await tables.newTable(),
        retentionDays: 120,
      }),
  },
  { name: 'InMemoryStockHistory', create: () => Promise.resolve(new InMemoryStockHistory()) },
];

function observation(overrides: Partial<ItemStockObservation> = {}): ItemStockObservation {
  return {
    appId: '12',
    itemId: '1',
    sku: 'A-100',
    at: '2026-12-01T01:00:00.000Z',
    quantity: 50,
    ...overrides,
  };
}

describe.each(implementations)('StockHistory contract: $name', ({ create }) => {
  let history: StockHistory;

  beforeEach(async () => {
    history = await create();
  });

  it('lists what was recorded, every field, oldest first, within [from, to)', async () => {
    // Prepare
    const full = observation({
      itemId: '7:3',
      name: 'ボールペン',
      supplierCode: 'S-01',
      at: '2026-12-02T01:00:00.000Z',
      quantity: 18,
      reorderPoint: 20,
      maxStock: 100,
      leadTimeDays: 3,
      onOrder: 0,
      cause: { kind: 'receipt', received: 24 },
      ordered: { orderNumber: 'PO-20261202-0001', quantity: 84 },
      wouldOrder: { quantity: 84 },
      recordedOrder: { orderNumber: 'S-9', orderedAt: '2026-12-02T00:00:00Z' },
    });
    await history.record('12', 'n-2', [full, observation({ itemId: '7:4', at: full.at })]);
    await history.record('12', 'n-1', [observation()]);
    await history.record('12', 'n-3', [observation({ at: '2026-12-03T01:00:00.000Z' })]);
    await history.record('13', 'n-4', [observation({ appId: '13' })]);

    // Act
    const listed = await history.list('12', '2026-12-01T01:00:00.000Z', '2026-12-03T01:00:00.000Z');

    // Assess
    expect(listed).toEqual([observation(), full, observation({ itemId: '7:4', at: full.at })]);
  });

  it('records nothing for a notification without observations', async () => {
    await history.record('12', 'n-1', []);
    await expect(
      history.list('12', '2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z'),
    ).resolves.toEqual([]);
  });

  it('lists a long history past one page of DynamoDB', async () => {
    // Prepare: 100-row entries of about 10 KB each, more than 1 MB in all.
    const rows = (at: string) =>
      Array.from({ length: 100 }, (_, row) =>
        observation({ itemId: `7:${row}`, at, name: '品名'.repeat(20), supplierCode: 'S-01' }),
      );
    for (let n = 0; n < 120; n++) {
      const at = new Date(Date.UTC(2026, 10, 1) + n * 3_600_000).toISOString();
      await history.record('15', `n-${n}`, rows(at));
    }

    // Act
    const listed = await history.list('15', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z');

    // Assess
    expect(listed).toHaveLength(12_000);
    expect(listed.at(-1)?.at).toBe('2026-11-05T23:00:00.000Z');
  });

  it('remembers the suggestions written last, per item, past one batch of 25', async () => {
    // Prepare
    const written = Array.from({ length: 30 }, (_, n) => ({
      itemId: String(n + 1).padStart(3, '0'),
      reorderPoint: n,
      orderUpTo: n * 2,
      leadTimeDays: 5,
      writtenAt: '2026-12-01T17:00:00.000Z',
    }));
    await history.rememberWritten('12', written);
    await history.rememberWritten('12', [{ ...written[0]!, reorderPoint: 99 }]);

    // Act
    const remembered = await history.lastWritten('12');

    // Assess
    expect(remembered).toEqual([{ ...written[0]!, reorderPoint: 99 }, ...written.slice(1)]);
    await expect(history.lastWritten('13')).resolves.toEqual([]);
  });

  it('claims the daily run once per day and app', async () => {
    await expect(history.claimRun('12', '2026-12-01')).resolves.toBe(true);
    await expect(history.claimRun('12', '2026-12-01')).resolves.toBe(false);
    await expect(history.claimRun('13', '2026-12-01')).resolves.toBe(true);
    await expect(history.claimRun('12', '2026-11-30')).resolves.toBe(false);
    await expect(history.claimRun('12', '2026-12-02')).resolves.toBe(true);
  });
});
