import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbItemStates } from '../../shared/adapters/dynamodb/dynamodb-item-states';
import { DynamoDbOrderStore } from '../../shared/adapters/dynamodb/dynamodb-order-store';
import {
  activeLines,
  isSealed,
  remainingSteps,
  type PurchaseOrder,
} from '../../shared/domain/purchase-order';
import {
  formatMigrationReport,
  migrateOrders,
  type OldOrder,
} from '../../scripts/lib/migrate-orders';
import { useBridgeTables } from '../support/dynalite';
import { lineFor, orderFixture } from '../support/purchase-order-fixtures';

const tables = useBridgeTables('migrate-orders-test');

type OldOrderFields = Omit<OldOrder, 'pk' | 'sk'>;

/** An order as the old BridgeStore wrote it (written raw: that store is being deleted). */
async function putOld(tableName: string, order: OldOrderFields): Promise<void> {
  await tables.documentClient.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...order,
        pk: `ITEM#${order.appId}#${order.recordId}`,
        sk: `ORDER#${String(order.cycle).padStart(6, '0')}`,
        orderNumber: order.request.orderNumber,
        gsi1pk: `ORDER#${order.request.orderNumber}`,
        gsi1sk: 'ORDER',
      },
    }),
  );
}

function oldOrder(
  recordId: string,
  orderNumber: string,
  steps: OldOrderFields['steps'],
): OldOrderFields {
  return {
    appId: '12',
    recordId,
    cycle: 1,
    channels: [{ kind: 'email', address: 'order@yamada.example' }],
    status: 'open',
    request: {
      orderNumber,
      orderDate: '2026-11-20',
      desiredDeliveryDate: '2026-11-27',
      supplier: { code: 'S-01', name: '山田商事', email: 'order@yamada.example' },
      lines: [{ sku: 'A-100', name: 'コピー用紙 A4', quantity: 20, unit: '箱' }],
      company: {
        name: '髙橋工業株式会社',
        address: '東京都千代田区1-1',
        phone: '03-0000-0000',
        email: 'purchase@takahashi.example',
      },
      reason: '在庫 3 箱が発注点 5 箱を下回りました。',
    },
    reflectedInKintone: false,
    createdAt: '2026-11-20T01:02:03.000Z',
    createdByNotificationId: `notif-${recordId}`,
    steps,
  };
}

describe('migrate-orders', () => {
  it('converts old open orders into sealed purchase orders holding their items, once', async () => {
    // Prepare
    const tableName = await tables.newTable();
    const table = { client: tables.documentClient, tableName };
    await putOld(
      tableName,
      oldOrder('345', 'PO-20261120-0001', {
        emailSentAt: '2026-11-20T01:02:04.000Z',
        emailMessageId: 'm-1',
        writtenBackAt: '2026-11-20T01:02:05.000Z',
      }),
    );
    await putOld(tableName, oldOrder('346', 'PO-20261120-0002', {}));
    await putOld(tableName, { ...oldOrder('347', 'PO-20261120-0003', {}), status: 'closed' });
    const orders = new DynamoDbOrderStore(table);

    // Act
    const dry = await migrateOrders({ ...table, dryRun: true });
    const first = await migrateOrders(table);
    const second = await migrateOrders(table);

    // Assess
    expect(dry.converted.sort()).toEqual(['PO-20261120-0001', 'PO-20261120-0002']);
    await expect(orders.get('PO-20261120-0003')).resolves.toBeUndefined();
    expect(first.converted.sort()).toEqual(['PO-20261120-0001', 'PO-20261120-0002']);
    expect(second.alreadyDone.sort()).toEqual(['PO-20261120-0001', 'PO-20261120-0002']);
    expect(formatMigrationReport(second).at(-1)).toBe(
      '0 converted, 2 already converted, 0 skipped',
    );
    const sent = (await orders.get('PO-20261120-0001')) as PurchaseOrder;
    expect(isSealed(sent)).toBe(true);
    expect(activeLines(sent).map((line) => line.item)).toEqual([
      { appId: '12', recordId: '345', itemId: '345', cycle: 1 },
    ]);
    expect(sent.lines[0]?.leadTimeDays).toBe(7);
    expect(sent.log.map((event) => event.kind)).toEqual([
      'created',
      'sealed',
      'email-sent',
      'written-back',
    ]);
    expect(remainingSteps(sent, { now: new Date(), commentOnOrder: false })).toEqual([]);
    const unsent = (await orders.get('PO-20261120-0002')) as PurchaseOrder;
    expect(remainingSteps(unsent, { now: new Date(), commentOnOrder: false })).toEqual([
      { step: 'send', channel: { kind: 'email', address: 'order@yamada.example' } },
    ]);
    await expect(
      new DynamoDbItemStates(table).load([{ appId: '12', recordId: '345' }]),
    ).resolves.toEqual([expect.objectContaining({ cycle: 1, orderNumber: 'PO-20261120-0001' })]);
    await expect(
      orders.create(orderFixture('PO-20261128-0001', [lineFor('345')], { sealed: true })),
    ).resolves.toEqual({
      created: false,
      conflict: 'claimed',
      lineId: '345',
      orderNumber: 'PO-20261120-0001',
    });
  });

  it('leaves an old order alone when its item is already on a new order', async () => {
    // Prepare
    const tableName = await tables.newTable();
    const table = { client: tables.documentClient, tableName };
    await putOld(tableName, oldOrder('345', 'PO-20261120-0001', {}));
    await new DynamoDbOrderStore(table).create(
      orderFixture('PO-20261128-0001', [lineFor('345')], { sealed: true }),
    );

    // Act
    const report = await migrateOrders(table);

    // Assess
    expect(report.skipped).toEqual([
      {
        orderNumber: 'PO-20261120-0001',
        reason: 'line 345 is already on order PO-20261128-0001',
      },
    ]);
  });
});
