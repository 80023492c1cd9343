import { PutCommand } from '@aws-sdk/lib-dynamodb';
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

  describe('the daily run', () => {
    const day = '2026-12-01';
    const at = (time: string) => new Date(`${day}T${time}:00.000Z`);
    /** A claim at `time` held for 15 minutes, as the learning run asks. */
    const claimAt = (appId: string, time: string, runDay = day) =>
      history.claimRun(appId, runDay, at(time), new Date(at(time).getTime() + 15 * 60_000));

    it('is claimed once per day and app while it runs, and not for an earlier day', async () => {
      await expect(claimAt('12', '00:00')).resolves.toEqual({ attempt: 1 });
      await expect(claimAt('12', '00:01')).resolves.toBeUndefined();
      await expect(claimAt('13', '00:01')).resolves.toEqual({ attempt: 1 });
      await expect(claimAt('12', '00:02', '2026-11-30')).resolves.toBeUndefined();
      await expect(claimAt('12', '00:03', '2026-12-02')).resolves.toEqual({ attempt: 1 });
    });

    it('once finished, is not claimed again that day, and is the next day', async () => {
      await claimAt('12', '00:00');
      await history.finishRun('12', day);
      await expect(claimAt('12', '00:20')).resolves.toBeUndefined();
      await expect(claimAt('12', '23:59')).resolves.toBeUndefined();
      await expect(claimAt('12', '00:00', '2026-12-02')).resolves.toEqual({ attempt: 1 });
    });

    it('after a failure, is claimed again from its retry time, counting the attempts', async () => {
      await claimAt('12', '00:00');
      await history.failRun('12', day, at('00:30'));
      await expect(claimAt('12', '00:29')).resolves.toBeUndefined();
      await expect(claimAt('12', '00:30')).resolves.toEqual({ attempt: 2 });
      await history.failRun('12', day, at('01:30'));
      await expect(claimAt('12', '01:31')).resolves.toEqual({ attempt: 3 });
      await history.finishRun('12', day);
      await history.failRun('12', day, at('02:00'));
      await expect(claimAt('12', '03:00')).resolves.toBeUndefined();
    });

    it('is claimed again once the hold of a run that never finished has passed', async () => {
      await claimAt('12', '00:00');
      await expect(claimAt('12', '00:14')).resolves.toBeUndefined();
      await expect(claimAt('12', '00:15')).resolves.toEqual({ attempt: 2 });
    });
  });
});

describe('DynamoDbStockHistory: a daily run stored before runs had a state', () => {
  it('counts as done for its day', async () => {
    // Prepare: the item as the earlier version wrote it.
    const tableName = await tables.newTable();
    await tables.documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: 'LEARNRUN#12', sk: 'LEARNRUN', day: '2026-12-01' },
      }),
    );
    const history = new DynamoDbStockHistory({
      client: tables.documentClient,
      tableName,
      retentionDays: 120,
    });
    const at = new Date('2026-12-01T05:00:00.000Z');
    const hold = new Date(at.getTime() + 60_000);

    // Act
    const sameDay = await history.claimRun('12', '2026-12-01', at, hold);
    const nextDay = await history.claimRun('12', '2026-12-02', at, hold);

    // Assess
    expect(sameDay).toBeUndefined();
    expect(nextDay).toEqual({ attempt: 1 });
  });
});
