import { DynamoDbItemStates } from '../../shared/adapters/dynamodb/dynamodb-item-states';
import { DynamoDbOrderStore } from '../../shared/adapters/dynamodb/dynamodb-order-store';
import { DynamoDbProcessedNotifications } from '../../shared/adapters/dynamodb/dynamodb-processed-notifications';
import { DELETED_RECORD_REASON } from '../../shared/adapters/dynamodb/table-rules';
import type { ItemKey, ItemStateStore } from '../../shared/ports/item-states';
import type { OrderStore } from '../../shared/ports/order-store';
import type { ProcessedNotifications } from '../../shared/ports/processed-notifications';
import { bridgeImplementations } from '../support/bridge-contract';
import { useBridgeTables } from '../support/dynalite';
import { lineFor, orderFixture } from '../support/purchase-order-fixtures';

const KEY: ItemKey = { appId: '12', recordId: '345' };
const tables = useBridgeTables('item-states-test');

interface Subject {
  items: ItemStateStore;
  orders: OrderStore;
  notifications: ProcessedNotifications;
}

const implementations = bridgeImplementations<Subject>(
  tables,
  'DynamoDbItemStates',
  (table) => ({
    items: new DynamoDbItemStates(table),
    orders: new DynamoDbOrderStore(table),
    notifications: new DynamoDbProcessedNotifications(table),
  }),
  (state) => ({ items: state, orders: state, notifications: state }),
);

describe.each(implementations)('ItemStateStore contract: $name', ({ create }) => {
  let items: ItemStateStore;
  let orders: OrderStore;
  let notifications: ProcessedNotifications;

  beforeEach(async () => {
    ({ items, orders, notifications } = await create());
  });

  it('loads a never-seen item as cycle 1 with nothing else', async () => {
    await expect(items.load([KEY])).resolves.toEqual([{ key: KEY, cycle: 1 }]);
    await expect(items.load([])).resolves.toEqual([]);
  });

  it('loads many items in the order asked, repeats included, past one batch of 100', async () => {
    // Prepare
    const keys = Array.from({ length: 150 }, (_, index) => ({
      appId: '15',
      recordId: `7:${index}`,
    }));
    await orders.create(orderFixture('PO-20261128-0001', [lineFor('345')]));
    await notifications.complete({
      notificationId: 'n-1',
      key: { appId: '15', recordId: '7' },
      revision: 3,
      decision: { kind: 'no-order', reason: '在庫は十分です。' },
      at: '2026-11-28T01:00:00.000Z',
      items: [{ key: keys[120] as ItemKey, decision: { kind: 'no-order', reason: '十分です。' } }],
    });

    // Act
    const loaded = await items.load([...keys, KEY, keys[120] as ItemKey]);

    // Assess
    expect(loaded.map((state) => state.key)).toEqual([...keys, KEY, keys[120]]);
    expect(loaded[120]?.lastRevision).toBe(3);
    expect(loaded[151]).toEqual(loaded[120]);
    expect(loaded[150]).toEqual({ key: KEY, cycle: 1, orderNumber: 'PO-20261128-0001' });
    expect(loaded.filter((state) => state.lastRevision !== undefined)).toHaveLength(2);
  });

  it("shows the order holding the current cycle's line, and none once it is closed", async () => {
    // Prepare
    await orders.create(orderFixture('PO-20261128-0001', [lineFor('345')], { sealed: true }));
    const [onOrder] = await items.load([KEY]);

    // Act
    await orders.append('PO-20261128-0001', {
      kind: 'line-closed',
      at: '2026-12-04T09:00:00.000Z',
      lineId: '345',
      status: '入荷済',
    });

    // Assess
    expect(onOrder).toEqual({ key: KEY, cycle: 1, orderNumber: 'PO-20261128-0001' });
    await expect(items.load([KEY])).resolves.toEqual([{ key: KEY, cycle: 2 }]);
  });

  it('remembers a deleted record, keeping its revision and order', async () => {
    // Prepare
    await notifications.complete({
      notificationId: 'n-1',
      key: KEY,
      revision: 4,
      decision: { kind: 'no-order', reason: '在庫は十分です。' },
      at: '2026-11-28T01:00:00.000Z',
    });
    await orders.create(orderFixture('PO-20261128-0001', [lineFor('345')]));

    // Act
    await items.markDeleted(KEY, '2026-11-29T00:00:00.000Z');

    // Assess
    await expect(items.load([KEY])).resolves.toEqual([
      {
        key: KEY,
        cycle: 1,
        lastRevision: 4,
        deletedAt: '2026-11-29T00:00:00.000Z',
        lastDecision: {
          kind: 'deleted',
          reason: DELETED_RECORD_REASON,
          at: '2026-11-29T00:00:00.000Z',
        },
        orderNumber: 'PO-20261128-0001',
      },
    ]);
  });

  it('is not changed by mutating what it returned', async () => {
    // Prepare
    await items.markDeleted(KEY, '2026-11-29T00:00:00.000Z');
    const [state] = await items.load([KEY]);

    // Act
    if (state) {
      state.cycle = 9;
      state.key.recordId = 'other';
    }

    // Assess
    await expect(items.load([KEY])).resolves.toEqual([
      expect.objectContaining({ key: KEY, cycle: 1 }),
    ]);
  });
});
