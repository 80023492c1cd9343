import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  BridgeStoreInputError,
  DELETED_RECORD_REASON,
  OrderNotFoundError,
} from '../../shared/adapters/dynamodb/bridge-store-rules';
import {
  BRIDGE_GSI1_NAME,
  DynamoDbBridgeStore,
  bridgeTableDefinition,
  ensureBridgeTable,
} from '../../shared/adapters/dynamodb/dynamodb-bridge-store';
import type { OrderChannel } from '../../shared/domain/channels';
import {
  SUPPLIER_ANSWER_HISTORY_LIMIT,
  type BridgeStore,
  type ItemKey,
  type StoredOrder,
} from '../../shared/ports/bridge-store';
import type { SupplierAnswer } from '../../shared/domain/supplier-answer';
import { InMemoryBridgeStore } from '../fakes/in-memory-bridge-store';
import { useBridgeTables } from '../support/dynalite';

const KEY: ItemKey = { appId: '12', recordId: '345' };
const OTHER_KEY: ItemKey = { appId: '12', recordId: '346' };
const EMAIL: OrderChannel = { kind: 'email', address: 'order@yamada.example' };
const FAX: OrderChannel = { kind: 'fax', number: '+81312345678', national: '0312345678' };
const CONFIRMED: SupplierAnswer = { kind: 'confirmed', deliveryDate: '2026-12-03' };
const PARTIAL: SupplierAnswer = {
  kind: 'partial',
  deliveryDate: '2026-12-04',
  quantity: 12,
  note: '残りは年明けになります',
};
const DECLINED: SupplierAnswer = { kind: 'declined', reason: '廃番になりました' };
const NONCE = 'bm9uY2Utb25lLWZvci10ZXN0';
const OTHER_NONCE = 'bm9uY2UtdHdvLWZvci10ZXN0';
/** 2026-11-29T07:00:00Z, in epoch seconds. */
const NOW = new Date('2026-11-29T07:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;

function orderFor(key: ItemKey, cycle: number, orderNumber: string): StoredOrder {
  return {
    appId: key.appId,
    recordId: key.recordId,
    cycle,
    status: 'open',
    request: {
      orderNumber,
      orderedAt: '2026-11-28T01:02:03.000Z',
      orderDate: '2026-11-28',
      desiredDeliveryDate: '2026-12-05',
      supplier: { code: 'S-01', name: '山田商事', email: 'order@yamada.example' },
      lines: [{ sku: 'A-100', name: 'コピー用紙 A4', quantity: 20, unit: '箱' }],
      company: {
        name: '髙橋工業株式会社',
        postalCode: '100-0001',
        address: '東京都千代田区1-1',
        phone: '03-0000-0000',
        email: 'purchase@takahashi.example',
      },
      reason: '在庫 3 箱が発注点 5 箱を下回りました。',
    },
    reflectedInKintone: false,
    createdAt: '2026-11-28T01:02:03.000Z',
    createdByNotificationId: `notif-${cycle}`,
    steps: {},
  };
}

const tables = useBridgeTables('bridge-store-test');

/** A store on a table no other test has touched. */
async function newDynamoStore(): Promise<{ store: DynamoDbBridgeStore; tableName: string }> {
  const tableName = await tables.newTable();
  return {
    store: new DynamoDbBridgeStore({ client: tables.documentClient, tableName }),
    tableName,
  };
}

const implementations: { name: string; create: () => Promise<BridgeStore> }[] = [
  { name: 'DynamoDbBridgeStore on dynalite', create: async () => (await newDynamoStore()).store },
  { name: 'InMemoryBridgeStore', create: async () => new InMemoryBridgeStore() },
];

describe.each(implementations)('BridgeStore contract: $name', ({ create }) => {
  let store: BridgeStore;

  beforeEach(async () => {
    store = await create();
  });

  it('loads a never-seen item as cycle 1 with no order', async () => {
    // Act
    const loaded = await store.loadItem(KEY);

    // Assess
    expect(loaded).toEqual({ item: { appId: '12', recordId: '345', cycle: 1 } });
    expect(loaded.currentOrder).toBeUndefined();
    await expect(store.hasProcessed('never-seen')).resolves.toBe(false);
  });

  it('allocates order numbers in sequence per day and per prefix', async () => {
    // Act
    const numbers = [
      await store.allocateOrderNumber('PO', '2026-11-28'),
      await store.allocateOrderNumber('PO', '2026-11-28'),
      await store.allocateOrderNumber('PO', '2026-11-29'),
      await store.allocateOrderNumber('FX', '2026-11-28'),
      await store.allocateOrderNumber('PO', '2026-11-28'),
    ];

    // Assess
    expect(numbers).toEqual([
      'PO-20261128-0001',
      'PO-20261128-0002',
      'PO-20261129-0001',
      'FX-20261128-0001',
      'PO-20261128-0003',
    ]);
  });

  it('rejects an order date that is not YYYY-MM-DD', async () => {
    await expect(store.allocateOrderNumber('PO', '2026/11/28')).rejects.toBeInstanceOf(
      BridgeStoreInputError,
    );
  });

  it('creates one order per cycle and returns the first to a second create', async () => {
    // Prepare
    const first = orderFor(KEY, 1, 'PO-20261128-0001');

    // Act
    const created = await store.createOrder(first);
    const twin = await store.createOrder(orderFor(KEY, 1, 'PO-20261128-0002'));

    // Assess
    expect(created).toEqual({ order: first, created: true });
    expect(twin).toEqual({ order: first, created: false });
    await expect(store.loadItem(KEY)).resolves.toEqual({
      item: { appId: '12', recordId: '345', cycle: 1 },
      currentOrder: first,
    });
    await expect(store.loadItem(OTHER_KEY)).resolves.toEqual({
      item: { appId: '12', recordId: '346', cycle: 1 },
    });
  });

  it('records steps and returns them with the order', async () => {
    // Prepare
    await store.createOrder(orderFor(KEY, 1, 'PO-20261128-0001'));

    // Act
    const afterEmail = await store.recordOrderStep(KEY, 1, {
      kind: 'email-sent',
      at: '2026-11-28T01:02:04.000Z',
      messageId: '<m-1@ses.example>',
    });
    await store.recordOrderStep(KEY, 1, { kind: 'written-back', at: '2026-11-28T01:02:05.000Z' });
    const afterComment = await store.recordOrderStep(KEY, 1, {
      kind: 'commented',
      at: '2026-11-28T01:02:06.000Z',
    });

    // Assess
    expect(afterEmail.steps).toEqual({
      emailSentAt: '2026-11-28T01:02:04.000Z',
      emailMessageId: '<m-1@ses.example>',
    });
    const allSteps = {
      emailSentAt: '2026-11-28T01:02:04.000Z',
      emailMessageId: '<m-1@ses.example>',
      writtenBackAt: '2026-11-28T01:02:05.000Z',
      commentedAt: '2026-11-28T01:02:06.000Z',
    };
    expect(afterComment.steps).toEqual(allSteps);
    const { currentOrder } = await store.loadItem(KEY);
    expect(currentOrder?.steps).toEqual(allSteps);
  });

  it('records the delivery status and replaces it with the next one', async () => {
    // Prepare
    await store.createOrder(orderFor(KEY, 1, 'PO-20261128-0001'));
    await store.recordOrderStep(KEY, 1, {
      kind: 'email-sent',
      at: '2026-11-28T01:02:04.000Z',
      messageId: '<m-1@ses.example>',
    });

    // Act
    const delivered = await store.recordOrderStep(KEY, 1, {
      kind: 'delivery',
      at: '2026-11-28T01:02:09.000Z',
      status: 'delivered',
      detail: '250 2.0.0 OK (order@yamada.example)',
    });
    const bounced = await store.recordOrderStep(KEY, 1, {
      kind: 'delivery',
      at: '2026-11-28T01:05:00.000Z',
      status: 'bounced',
      detail: 'Permanent/General: smtp; 550 5.1.1 user unknown (order@yamada.example)',
    });

    // Assess
    expect(delivered.steps).toEqual({
      emailSentAt: '2026-11-28T01:02:04.000Z',
      emailMessageId: '<m-1@ses.example>',
      deliveryStatus: 'delivered',
      deliveryDetail: '250 2.0.0 OK (order@yamada.example)',
      deliveryAt: '2026-11-28T01:02:09.000Z',
    });
    expect(bounced.steps).toEqual({
      emailSentAt: '2026-11-28T01:02:04.000Z',
      emailMessageId: '<m-1@ses.example>',
      deliveryStatus: 'bounced',
      deliveryDetail: 'Permanent/General: smtp; 550 5.1.1 user unknown (order@yamada.example)',
      deliveryAt: '2026-11-28T01:05:00.000Z',
    });
    expect((await store.loadItem(KEY)).currentOrder?.steps).toEqual(bounced.steps);
  });

  it('stores the channels of an order and returns them when loaded or found by number', async () => {
    // Prepare
    const order = { ...orderFor(KEY, 1, 'PO-20261128-0001'), channels: [EMAIL, FAX] };

    // Act
    const created = await store.createOrder(order);

    // Assess
    expect(created).toEqual({ order, created: true });
    expect((await store.loadItem(KEY)).currentOrder).toEqual(order);
    await expect(store.findOrderByNumber('PO-20261128-0001')).resolves.toEqual(order);
  });

  it('records an email that could not be sent', async () => {
    // Prepare
    await store.createOrder(orderFor(KEY, 1, 'PO-20261128-0001'));

    // Act
    const failed = await store.recordOrderStep(KEY, 1, {
      kind: 'email-failed',
      at: '2026-11-28T01:02:04.000Z',
      detail: 'Email address is not verified (order@yamada.example)',
    });

    // Assess
    const steps = {
      emailFailedAt: '2026-11-28T01:02:04.000Z',
      emailFailure: 'Email address is not verified (order@yamada.example)',
    };
    expect(failed.steps).toEqual(steps);
    expect((await store.loadItem(KEY)).currentOrder?.steps).toEqual(steps);
  });

  it('records a sent fax and its outcome, dropping the detail of an earlier outcome', async () => {
    // Prepare
    await store.createOrder({ ...orderFor(KEY, 1, 'PO-20261128-0001'), channels: [FAX] });

    // Act
    const sent = await store.recordOrderStep(KEY, 1, {
      kind: 'fax-sent',
      at: '2026-11-28T01:02:04.000Z',
      faxId: 'fax-77',
      gateway: 'phaxio',
    });
    const failed = await store.recordOrderStep(KEY, 1, {
      kind: 'fax-status',
      at: '2026-11-28T01:04:00.000Z',
      status: 'failed',
      detail: 'line busy',
    });
    const delivered = await store.recordOrderStep(KEY, 1, {
      kind: 'fax-status',
      at: '2026-11-28T01:09:00.000Z',
      status: 'delivered',
    });

    // Assess
    const sentSteps = {
      faxSentAt: '2026-11-28T01:02:04.000Z',
      faxId: 'fax-77',
      faxGateway: 'phaxio',
    };
    expect(sent.steps).toEqual(sentSteps);
    expect(failed.steps).toEqual({
      ...sentSteps,
      faxStatus: 'failed',
      faxDetail: 'line busy',
      faxStatusAt: '2026-11-28T01:04:00.000Z',
    });
    expect(delivered.steps).toStrictEqual({
      ...sentSteps,
      faxStatus: 'delivered',
      faxStatusAt: '2026-11-28T01:09:00.000Z',
    });
    expect((await store.findOrderByNumber('PO-20261128-0001'))?.steps).toStrictEqual(
      delivered.steps,
    );
  });

  it('records that an order needs attention', async () => {
    // Prepare
    await store.createOrder(orderFor(KEY, 1, 'PO-20261128-0001'));

    // Act
    const flagged = await store.recordOrderStep(KEY, 1, {
      kind: 'needs-attention',
      at: '2026-11-28T01:10:00.000Z',
      reason: 'メールもFAXも届きませんでした。',
    });

    // Assess
    expect(flagged.steps).toEqual({
      attentionAt: '2026-11-28T01:10:00.000Z',
      attentionReason: 'メールもFAXも届きませんでした。',
    });
    expect((await store.loadItem(KEY)).currentOrder?.steps).toEqual(flagged.steps);
  });

  it('adds a channel once, creating the list on an order stored without one', async () => {
    // Prepare
    const order = orderFor(KEY, 1, 'PO-20261128-0001');
    await store.createOrder(order);
    await store.recordOrderStep(KEY, 1, {
      kind: 'email-failed',
      at: '2026-11-28T01:02:04.000Z',
      detail: 'rejected',
    });
    const addFax = { kind: 'channel-added', at: '2026-11-28T01:02:05.000Z', channel: FAX } as const;

    // Act
    const added = await store.recordOrderStep(KEY, 1, addFax);
    const again = await store.recordOrderStep(KEY, 1, {
      ...addFax,
      channel: { ...FAX },
      at: '2026-11-28T01:03:00.000Z',
    });
    const withEmail = await store.recordOrderStep(KEY, 1, {
      kind: 'channel-added',
      at: '2026-11-28T01:04:00.000Z',
      channel: EMAIL,
    });

    // Assess
    const steps = { emailFailedAt: '2026-11-28T01:02:04.000Z', emailFailure: 'rejected' };
    expect(added).toEqual({ ...order, channels: [FAX], steps });
    expect(again).toEqual(added);
    expect(withEmail).toEqual({ ...order, channels: [FAX, EMAIL], steps });
    expect((await store.loadItem(KEY)).currentOrder).toEqual(withEmail);
    await expect(store.findOrderByNumber('PO-20261128-0001')).resolves.toEqual(withEmail);
  });

  it('adds concurrent channels without losing or repeating one', async () => {
    // Prepare
    await store.createOrder({ ...orderFor(KEY, 1, 'PO-20261128-0001'), channels: [] });
    const add = (channel: OrderChannel) =>
      store.recordOrderStep(KEY, 1, {
        kind: 'channel-added',
        at: '2026-11-28T01:03:00.000Z',
        channel,
      });

    // Act
    // allSettled: a rejection must not end the test while other writes are still in flight.
    const results = await Promise.allSettled([add(FAX), add(EMAIL), add(FAX)]);

    // Assess
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const channels = (await store.loadItem(KEY)).currentOrder?.channels;
    expect(channels).toHaveLength(2);
    expect(channels).toEqual(expect.arrayContaining([FAX, EMAIL]));
  });

  it('finds an order by number in any cycle, as stored now, and nothing for another number', async () => {
    // Prepare
    const first = orderFor(KEY, 1, 'PO-20261128-0001');
    await store.createOrder(first);
    await store.closeOrder(KEY, 1, '2026-12-04T09:00:00.000Z', '入荷済');
    const second = orderFor(KEY, 2, 'PO-20261210-0001');
    await store.createOrder(second);
    await store.createOrder(orderFor(OTHER_KEY, 1, 'PO-20261210-0002'));
    const withStep = await store.recordOrderStep(KEY, 2, {
      kind: 'email-sent',
      at: '2026-12-10T01:00:00.000Z',
      messageId: '<m-2@ses.example>',
    });

    // Act
    const foundFirst = await store.findOrderByNumber('PO-20261128-0001');
    const foundSecond = await store.findOrderByNumber('PO-20261210-0001');
    const unknown = await store.findOrderByNumber('PO-20261210-0099');

    // Assess
    expect(foundFirst).toEqual({
      ...first,
      status: 'closed',
      closedAt: '2026-12-04T09:00:00.000Z',
      closedStatus: '入荷済',
    });
    expect(foundSecond).toEqual(withStep);
    expect(unknown).toBeUndefined();
  });

  it('keeps a row order with its rows at the lead, a membership at each other row, found by number only at the lead', async () => {
    // Prepare: rows 368 and 369 of record 3 in one order, kept at row 368.
    const leadKey = { appId: '15', recordId: '3:368' };
    const memberKey = { appId: '15', recordId: '3:369' };
    const base = orderFor(leadKey, 1, 'PO-20261129-0001');
    const lead: StoredOrder = {
      ...base,
      request: {
        ...base.request,
        lines: [
          { sku: 'B-200', name: 'コピー用紙', quantity: 20, unit: '冊', rowId: '368', reason: 'B' },
          { sku: 'B-201', name: 'トナー', quantity: 3, unit: '個', rowId: '369', reason: 'T' },
        ],
      },
      rows: {
        recordId: '3',
        subtable: '在庫明細',
        members: [
          { rowId: '368', itemRecordId: '3:368', cycle: 1 },
          { rowId: '369', itemRecordId: '3:369', cycle: 2 },
        ],
      },
    };
    const membership: StoredOrder = {
      ...lead,
      recordId: memberKey.recordId,
      cycle: 2,
      rows: undefined,
      memberOf: { recordId: leadKey.recordId, cycle: 1 },
    };
    delete membership.rows;

    // Act
    await store.createOrder(lead);
    await store.createOrder(membership);
    const found = await store.findOrderByNumber('PO-20261129-0001');
    const loadedMember = await store.loadItem(memberKey);

    // Assess
    expect(found).toEqual(lead);
    expect(loadedMember.currentOrder).toBeUndefined(); // the row is still in cycle 1
    await store.closeOrder(memberKey, 1, '2026-11-29T01:00:00.000Z', '入荷済');
    expect((await store.loadItem(memberKey)).currentOrder).toEqual(membership);
  });

  it('refuses to record a step of an order that does not exist', async () => {
    await expect(
      store.recordOrderStep(KEY, 1, { kind: 'written-back', at: '2026-11-28T01:02:05.000Z' }),
    ).rejects.toBeInstanceOf(OrderNotFoundError);
    await expect(
      store.recordOrderStep(KEY, 1, {
        kind: 'channel-added',
        at: '2026-11-28T01:02:05.000Z',
        channel: FAX,
      }),
    ).rejects.toBeInstanceOf(OrderNotFoundError);
    await expect(store.loadItem(KEY)).resolves.toEqual({
      item: { appId: '12', recordId: '345', cycle: 1 },
    });
  });

  it('closes an order once and moves the item to the next cycle', async () => {
    // Prepare
    const first = orderFor(KEY, 1, 'PO-20261128-0001');
    await store.createOrder(first);

    // Act
    await store.closeOrder(KEY, 1, '2026-12-04T09:00:00.000Z', '入荷済');
    await store.closeOrder(KEY, 1, '2026-12-05T09:00:00.000Z', 'キャンセル');

    // Assess
    await expect(store.loadItem(KEY)).resolves.toEqual({
      item: { appId: '12', recordId: '345', cycle: 2 },
    });
    const { order: closed } = await store.createOrder(first);
    expect(closed).toEqual({
      ...first,
      status: 'closed',
      closedAt: '2026-12-04T09:00:00.000Z',
      closedStatus: '入荷済',
    });
  });

  it('makes the order of the next cycle the current one', async () => {
    // Prepare
    await store.createOrder(orderFor(KEY, 1, 'PO-20261128-0001'));
    await store.closeOrder(KEY, 1, '2026-12-04T09:00:00.000Z', '入荷済');
    const second = orderFor(KEY, 2, 'PO-20261210-0001');

    // Act
    const created = await store.createOrder(second);
    await store.closeOrder(KEY, 1, '2026-12-11T09:00:00.000Z', '入荷済');

    // Assess
    expect(created.created).toBe(true);
    await expect(store.loadItem(KEY)).resolves.toEqual({
      item: { appId: '12', recordId: '345', cycle: 2 },
      currentOrder: second,
    });
  });

  it('ignores a close of a cycle the item is not in', async () => {
    // Prepare
    await store.createOrder(orderFor(KEY, 1, 'PO-20261128-0001'));
    await store.closeOrder(KEY, 1, '2026-12-04T09:00:00.000Z', '入荷済');
    await store.createOrder(orderFor(KEY, 2, 'PO-20261210-0001'));
    await store.closeOrder(KEY, 2, '2026-12-14T09:00:00.000Z', '入荷済');

    // Act
    await store.closeOrder(KEY, 1, '2026-12-15T09:00:00.000Z', '入荷済');
    await store.closeOrder(OTHER_KEY, 2, '2026-12-15T09:00:00.000Z', '入荷済');

    // Assess
    expect((await store.loadItem(KEY)).item.cycle).toBe(3);
    expect((await store.loadItem(OTHER_KEY)).item.cycle).toBe(1);
  });

  it('marks notifications processed and never lowers lastRevision', async () => {
    // Act
    await store.completeNotification({
      notificationId: 'n-5',
      key: KEY,
      revision: 5,
      decision: { kind: 'no-order', reason: '在庫は十分です。' },
      at: '2026-11-28T01:00:00.000Z',
    });
    await store.completeNotification({
      notificationId: 'n-3',
      key: KEY,
      revision: 3,
      decision: { kind: 'stale', reason: '古い更新です。' },
      at: '2026-11-28T01:01:00.000Z',
    });
    const afterStale = await store.loadItem(KEY);
    await store.completeNotification({
      notificationId: 'n-7',
      key: KEY,
      revision: 7,
      decision: { kind: 'snoozed', reason: 'スヌーズ中です。' },
      at: '2026-11-28T01:02:00.000Z',
    });

    // Assess
    await expect(store.hasProcessed('n-5')).resolves.toBe(true);
    await expect(store.hasProcessed('n-3')).resolves.toBe(true);
    await expect(store.hasProcessed('n-4')).resolves.toBe(false);
    expect(afterStale.item).toEqual({
      appId: '12',
      recordId: '345',
      cycle: 1,
      lastRevision: 5,
      lastDecision: { kind: 'stale', reason: '古い更新です。', at: '2026-11-28T01:01:00.000Z' },
    });
    const { item } = await store.loadItem(KEY);
    expect(item.lastRevision).toBe(7);
    expect(item.lastDecision?.kind).toBe('snoozed');
  });

  it('completes a notification without a revision, keeping the cycle', async () => {
    // Prepare
    await store.createOrder(orderFor(KEY, 1, 'PO-20261128-0001'));
    await store.closeOrder(KEY, 1, '2026-12-04T09:00:00.000Z', '入荷済');

    // Act
    await store.completeNotification({
      notificationId: 'n-x',
      key: KEY,
      decision: { kind: 'cannot-evaluate', reason: '発注点が空です。' },
      at: '2026-12-04T09:00:01.000Z',
    });

    // Assess
    await expect(store.hasProcessed('n-x')).resolves.toBe(true);
    await expect(store.loadItem(KEY)).resolves.toEqual({
      item: {
        appId: '12',
        recordId: '345',
        cycle: 2,
        lastDecision: {
          kind: 'cannot-evaluate',
          reason: '発注点が空です。',
          at: '2026-12-04T09:00:01.000Z',
        },
      },
    });
  });

  it('remembers a deleted record', async () => {
    // Prepare
    await store.completeNotification({
      notificationId: 'n-1',
      key: KEY,
      revision: 4,
      decision: { kind: 'no-order', reason: '在庫は十分です。' },
      at: '2026-11-28T01:00:00.000Z',
    });

    // Act
    await store.markDeleted(KEY, '2026-11-29T00:00:00.000Z');

    // Assess
    await expect(store.loadItem(KEY)).resolves.toEqual({
      item: {
        appId: '12',
        recordId: '345',
        cycle: 1,
        lastRevision: 4,
        deletedAt: '2026-11-29T00:00:00.000Z',
        lastDecision: {
          kind: 'deleted',
          reason: DELETED_RECORD_REASON,
          at: '2026-11-29T00:00:00.000Z',
        },
      },
    });
  });

  it('records the supplier answer, replaces it with a change and keeps both in the history', async () => {
    // Prepare
    await store.createOrder(orderFor(KEY, 1, 'PO-20261128-0001'));
    await store.recordOrderStep(KEY, 1, { kind: 'written-back', at: '2026-11-28T01:02:05.000Z' });

    // Act
    const first = await store.recordOrderStep(KEY, 1, {
      kind: 'supplier-answer',
      at: '2026-11-29T07:00:00.000Z',
      answer: CONFIRMED,
    });
    const changed = await store.recordOrderStep(KEY, 1, {
      kind: 'supplier-answer',
      at: '2026-11-29T08:00:00.000Z',
      answer: PARTIAL,
    });

    // Assess
    expect(first.steps).toStrictEqual({
      writtenBackAt: '2026-11-28T01:02:05.000Z',
      supplierAnswer: CONFIRMED,
      supplierAnswerAt: '2026-11-29T07:00:00.000Z',
      supplierAnswerHistory: [{ at: '2026-11-29T07:00:00.000Z', answer: CONFIRMED }],
    });
    const steps = {
      writtenBackAt: '2026-11-28T01:02:05.000Z',
      supplierAnswer: PARTIAL,
      supplierAnswerAt: '2026-11-29T08:00:00.000Z',
      supplierAnswerHistory: [
        { at: '2026-11-29T07:00:00.000Z', answer: CONFIRMED },
        { at: '2026-11-29T08:00:00.000Z', answer: PARTIAL },
      ],
    };
    expect(changed.steps).toStrictEqual(steps);
    expect((await store.findOrderByNumber('PO-20261128-0001'))?.steps).toStrictEqual(steps);
  });

  it(`keeps only the newest ${SUPPLIER_ANSWER_HISTORY_LIMIT} answers in the history`, async () => {
    // Prepare
    await store.createOrder(orderFor(KEY, 1, 'PO-20261128-0001'));
    const answers = Array.from({ length: SUPPLIER_ANSWER_HISTORY_LIMIT + 3 }, (_, index) => ({
      at: new Date(NOW.getTime() + index * 60_000).toISOString(),
      answer: index % 2 === 0 ? CONFIRMED : DECLINED,
    }));

    // Act
    let last: StoredOrder | undefined;
    for (const { at, answer } of answers) {
      last = await store.recordOrderStep(KEY, 1, { kind: 'supplier-answer', at, answer });
    }

    // Assess
    const kept = answers.slice(-SUPPLIER_ANSWER_HISTORY_LIMIT);
    expect(last?.steps.supplierAnswerHistory).toEqual(kept);
    expect(last?.steps.supplierAnswer).toEqual(answers.at(-1)?.answer);
    expect((await store.loadItem(KEY)).currentOrder?.steps.supplierAnswerHistory).toEqual(kept);
  });

  it('keeps every one of concurrent answers in the history', async () => {
    // Prepare
    await store.createOrder(orderFor(KEY, 1, 'PO-20261128-0001'));
    const answers = [CONFIRMED, PARTIAL, DECLINED].map((answer, index) => ({
      kind: 'supplier-answer' as const,
      at: `2026-11-29T07:00:0${index}.000Z`,
      answer,
    }));

    // Act
    const results = await Promise.allSettled(
      answers.map((step) => store.recordOrderStep(KEY, 1, step)),
    );

    // Assess
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const history = (await store.loadItem(KEY)).currentOrder?.steps.supplierAnswerHistory;
    expect(history).toHaveLength(3);
    expect(history).toEqual(
      expect.arrayContaining(answers.map(({ at, answer }) => ({ at, answer }))),
    );
  });

  it('trims the history to the limit when concurrent answers overflow it', async () => {
    // Prepare
    await store.createOrder(orderFor(KEY, 1, 'PO-20261128-0001'));
    const step = (index: number) => ({
      kind: 'supplier-answer' as const,
      at: new Date(NOW.getTime() + index * 1000).toISOString(),
      answer: CONFIRMED,
    });
    for (let index = 0; index < SUPPLIER_ANSWER_HISTORY_LIMIT - 1; index += 1) {
      await store.recordOrderStep(KEY, 1, step(index));
    }
    const concurrent = [0, 1, 2, 3].map((offset) => step(100 + offset));

    // Act
    await Promise.all(concurrent.map((each) => store.recordOrderStep(KEY, 1, each)));

    // Assess
    const history = (await store.loadItem(KEY)).currentOrder?.steps.supplierAnswerHistory;
    expect(history).toHaveLength(SUPPLIER_ANSWER_HISTORY_LIMIT);
    expect(history).toEqual(
      expect.arrayContaining(concurrent.map(({ at, answer }) => ({ at, answer }))),
    );
  });

  it('lets a page nonce be used once, for its own order, until it expires', async () => {
    // Prepare
    await store.issuePageNonce('PO-20261128-0001', NONCE, NOW_SECONDS + 7200);
    await store.issuePageNonce('PO-20261128-0001', OTHER_NONCE, NOW_SECONDS + 60);

    // Act
    const otherOrder = await store.consumePageNonce('PO-20261128-0002', NONCE, NOW);
    const first = await store.consumePageNonce('PO-20261128-0001', NONCE, NOW);
    const again = await store.consumePageNonce('PO-20261128-0001', NONCE, NOW);
    const expired = await store.consumePageNonce(
      'PO-20261128-0001',
      OTHER_NONCE,
      new Date((NOW_SECONDS + 60) * 1000),
    );
    const unknown = await store.consumePageNonce('PO-20261128-0001', 'dW5rbm93bi1ub25jZS0x', NOW);
    const malformed = await store.consumePageNonce('PO-20261128-0001', 'a#b', NOW);

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
    await store.issuePageNonce('PO-20261128-0001', NONCE, NOW_SECONDS + 7200);

    // Act
    const results = await Promise.all(
      Array.from({ length: 5 }, () => store.consumePageNonce('PO-20261128-0001', NONCE, NOW)),
    );

    // Assess
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('refuses to issue a nonce that is not random-looking', async () => {
    await expect(
      store.issuePageNonce('PO-20261128-0001', 'short', NOW_SECONDS + 60),
    ).rejects.toBeInstanceOf(BridgeStoreInputError);
  });

  it('counts page requests per order and window, atomically', async () => {
    // Act
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => store.countPageRequest('PO-20261128-0001', '2026-11-29T07')),
    );
    const nextWindow = await store.countPageRequest('PO-20261128-0001', '2026-11-29T08');
    const otherOrder = await store.countPageRequest('PO-20261128-0002', '2026-11-29T07');
    const sixth = await store.countPageRequest('PO-20261128-0001', '2026-11-29T07');

    // Assess
    expect([...concurrent].sort()).toEqual([1, 2, 3, 4, 5]);
    expect({ nextWindow, otherOrder, sixth }).toEqual({ nextWindow: 1, otherOrder: 1, sixth: 6 });
  });

  it('rejects a rate window that is not the start of an ISO timestamp', async () => {
    await expect(
      store.countPageRequest('PO-20261128-0001', '2026-11-29 07'),
    ).rejects.toBeInstanceOf(BridgeStoreInputError);
  });

  it('counts kintone calls per app and quota day, atomically', async () => {
    // Act
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => store.countKintoneCall('12', '2026-11-29')),
    );
    const nextDay = await store.countKintoneCall('12', '2026-11-30');
    const otherApp = await store.countKintoneCall('13', '2026-11-29');
    const sixth = await store.countKintoneCall('12', '2026-11-29');

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
    await expect(store.countKintoneCall(appId, day)).rejects.toBeInstanceOf(BridgeStoreInputError);
  });

  it('is not changed by mutating what it returned', async () => {
    // Prepare
    const { order } = await store.createOrder(orderFor(KEY, 1, 'PO-20261128-0001'));
    const loaded = await store.loadItem(KEY);

    // Act
    order.steps.emailSentAt = 'mutated';
    loaded.item.cycle = 9;
    if (loaded.currentOrder) loaded.currentOrder.request.lines = [];

    // Assess
    const reloaded = await store.loadItem(KEY);
    expect(reloaded.item.cycle).toBe(1);
    expect(reloaded.currentOrder?.steps).toEqual({});
    expect(reloaded.currentOrder?.request.lines).toHaveLength(1);
  });
});

describe('DynamoDbBridgeStore storage details', () => {
  it('stores processed markers with expiresAt 30 days ahead, in epoch seconds', async () => {
    // Prepare
    const { store, tableName } = await newDynamoStore();
    const at = new Date().toISOString();

    // Act
    await store.completeNotification({
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
    expect(Item?.expiresAt).toEqual(expect.any(Number));
    expect(Math.abs(Number(Item?.expiresAt) - expected)).toBeLessThan(60);
  });

  it('defines GSI1 on the table and indexes orders by number', async () => {
    // Prepare
    const { store, tableName } = await newDynamoStore();
    const order = orderFor(KEY, 1, 'PO-20261128-0007');
    await store.createOrder(order);

    // Act
    const { Table } = await tables.dynamo.client.send(
      new DescribeTableCommand({ TableName: tableName }),
    );
    const { Items } = await tables.documentClient.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: BRIDGE_GSI1_NAME,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'ORDER#PO-20261128-0007' },
      }),
    );

    // Assess
    expect(bridgeTableDefinition(tableName).GlobalSecondaryIndexes).toHaveLength(1);
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['GSI1']);
    expect(Table?.GlobalSecondaryIndexes?.[0]?.KeySchema).toEqual([
      { AttributeName: 'gsi1pk', KeyType: 'HASH' },
      { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
    ]);
    expect(Items).toEqual([
      expect.objectContaining({
        pk: 'ITEM#12#345',
        sk: 'ORDER#000001',
        orderNumber: 'PO-20261128-0007',
        gsi1sk: 'ORDER',
      }),
    ]);
  });

  it('stores page nonces and rate counters with expiresAt for the table TTL', async () => {
    // Prepare
    const { store, tableName } = await newDynamoStore();

    // Act
    await store.issuePageNonce('PO-20261128-0001', NONCE, NOW_SECONDS + 7200);
    await store.countPageRequest('PO-20261128-0001', '2026-11-29T07');
    await store.countPageRequest('PO-20261128-0001', '2026-11-29T07');

    // Assess
    const { Item: nonce } = await tables.documentClient.send(
      new GetCommand({ TableName: tableName, Key: { pk: `NONCE#${NONCE}`, sk: 'NONCE' } }),
    );
    const { Item: rate } = await tables.documentClient.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: 'RATE#PO-20261128-0001#2026-11-29T07', sk: 'RATE' },
      }),
    );
    expect(nonce).toEqual({
      pk: `NONCE#${NONCE}`,
      sk: 'NONCE',
      orderNumber: 'PO-20261128-0001',
      expiresAt: NOW_SECONDS + 7200,
    });
    // Two days after the window starts.
    expect(rate).toEqual({
      pk: 'RATE#PO-20261128-0001#2026-11-29T07',
      sk: 'RATE',
      count: 2,
      expiresAt: NOW_SECONDS + 2 * 86_400,
    });
  });

  it('stores kintone call counters with expiresAt three days after the quota day begins', async () => {
    // Prepare
    const { store, tableName } = await newDynamoStore();

    // Act
    await store.countKintoneCall('12', '2026-11-29');
    await store.countKintoneCall('12', '2026-11-29');

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

  it('deletes a nonce when it is used', async () => {
    // Prepare
    const { store, tableName } = await newDynamoStore();
    await store.issuePageNonce('PO-20261128-0001', NONCE, NOW_SECONDS + 7200);

    // Act
    await store.consumePageNonce('PO-20261128-0001', NONCE, NOW);

    // Assess
    const { Item } = await tables.documentClient.send(
      new GetCommand({ TableName: tableName, Key: { pk: `NONCE#${NONCE}`, sk: 'NONCE' } }),
    );
    expect(Item).toBeUndefined();
  });

  it('leaves an existing table alone when ensured again', async () => {
    // Prepare
    const { store, tableName } = await newDynamoStore();
    await store.allocateOrderNumber('PO', '2026-11-28');

    // Act
    await ensureBridgeTable(tables.dynamo.client, tableName);

    // Assess
    await expect(store.allocateOrderNumber('PO', '2026-11-28')).resolves.toBe('PO-20261128-0002');
  });
});
