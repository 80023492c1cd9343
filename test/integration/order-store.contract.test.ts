import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  BRIDGE_GSI1_NAME,
  bridgeTableDefinition,
  ensureBridgeTable,
} from '../../shared/adapters/dynamodb/bridge-table';
import { DynamoDbItemStates } from '../../shared/adapters/dynamodb/dynamodb-item-states';
import {
  DynamoDbOrderStore,
  confirmExpression,
  intentExpression,
} from '../../shared/adapters/dynamodb/dynamodb-order-store';
import { CorruptBridgeItemError } from '../../shared/adapters/dynamodb/item-schemas';
import { BridgeStoreInputError } from '../../shared/adapters/dynamodb/table-rules';
import {
  activeLines,
  isSealed,
  type OrderEvent,
  type PurchaseOrder,
} from '../../shared/domain/purchase-order';
import type { ItemStateStore } from '../../shared/ports/item-states';
import {
  LineIdReusedError,
  MAX_LINES_PER_CALL,
  StaleCycleError,
  UnknownOrderError,
  type OrderStore,
} from '../../shared/ports/order-store';
import { bridgeImplementations } from '../support/bridge-contract';
import { useBridgeTables } from '../support/dynalite';
import { lineFor, orderFixture, sealEvent } from '../support/purchase-order-fixtures';

const PO1 = 'PO-20261128-0001';
const PO2 = 'PO-20261128-0002';
const PO3 = 'PO-20261128-0003';
const tables = useBridgeTables('order-store-test');

interface Subject {
  orders: OrderStore;
  items: ItemStateStore;
}

const implementations = bridgeImplementations<Subject>(
  tables,
  'DynamoDbOrderStore',
  (table) => ({ orders: new DynamoDbOrderStore(table), items: new DynamoDbItemStates(table) }),
  (state) => ({ orders: state, items: state }),
);

function lineIds(order: PurchaseOrder | undefined): string[] {
  return order ? activeLines(order).map((line) => line.lineId) : [];
}

describe.each(implementations)('OrderStore contract: $name', ({ create }) => {
  let orders: OrderStore;
  let items: ItemStateStore;

  beforeEach(async () => {
    ({ orders, items } = await create());
  });

  describe('order numbers', () => {
    it('allocates order numbers in sequence per day and per prefix', async () => {
      // Act
      const numbers = [
        await orders.allocateOrderNumber('PO', '2026-11-28'),
        await orders.allocateOrderNumber('PO', '2026-11-28'),
        await orders.allocateOrderNumber('PO', '2026-11-29'),
        await orders.allocateOrderNumber('FX', '2026-11-28'),
        await orders.allocateOrderNumber('PO', '2026-11-28'),
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

    it('never gives two concurrent callers the same number', async () => {
      // Act
      const numbers = await Promise.all(
        Array.from({ length: 10 }, () => orders.allocateOrderNumber('PO', '2026-11-28')),
      );

      // Assess
      expect(new Set(numbers).size).toBe(10);
    });

    it.each([
      ['an order date that is not YYYY-MM-DD', 'PO', '2026/11/28'],
      ['a prefix with "#"', 'P#O', '2026-11-28'],
    ])('rejects %s', async (_case, prefix, date) => {
      await expect(orders.allocateOrderNumber(prefix, date)).rejects.toBeInstanceOf(
        BridgeStoreInputError,
      );
    });
  });

  describe('create', () => {
    it('creates a gathering order: found by number, as the group gathering order and by its items', async () => {
      // Prepare
      const order = orderFixture(PO1, [lineFor('345'), lineFor('346')]);

      // Act
      const result = await orders.create(order);

      // Assess
      expect(result).toEqual({ created: true, order });
      await expect(orders.get(PO1)).resolves.toEqual(order);
      await expect(orders.findGathering(order.groupKey)).resolves.toEqual(order);
      await expect(orders.orderOfItem('12', '345', 1)).resolves.toBe(PO1);
      await expect(orders.orderOfItem('12', '345', 2)).resolves.toBeUndefined();
      await expect(
        items.load([
          { appId: '12', recordId: '346' },
          { appId: '12', recordId: '999' },
        ]),
      ).resolves.toEqual([
        { key: { appId: '12', recordId: '346' }, cycle: 1, orderNumber: PO1 },
        { key: { appId: '12', recordId: '999' }, cycle: 1 },
      ]);
    });

    it('creates an order sealed at creation without making it the group gathering order', async () => {
      // Prepare
      const order = orderFixture(PO1, [lineFor('345')], { sealed: true });

      // Act
      const result = await orders.create(order);

      // Assess
      expect(result.created).toBe(true);
      await expect(orders.findGathering(order.groupKey)).resolves.toBeUndefined();
      await expect(orders.orderOfItem('12', '345', 1)).resolves.toBe(PO1);
    });

    it("returns the group's gathering order instead of opening a second one, writing nothing", async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('345')]));

      // Act
      const result = await orders.create(orderFixture(PO2, [lineFor('346')]));

      // Assess
      expect(result).toEqual({ created: false, conflict: 'group', orderNumber: PO1 });
      await expect(orders.get(PO2)).resolves.toBeUndefined();
      await expect(orders.orderOfItem('12', '346', 1)).resolves.toBeUndefined();
    });

    it('refuses an item cycle already on an order, writing nothing', async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('345')], { sealed: true }));

      // Act
      const result = await orders.create(
        orderFixture(PO2, [lineFor('346'), lineFor('345')], { sealed: true }),
      );

      // Assess
      expect(result).toEqual({
        created: false,
        conflict: 'claimed',
        lineId: '345',
        orderNumber: PO1,
      });
      await expect(orders.get(PO2)).resolves.toBeUndefined();
      await expect(orders.orderOfItem('12', '346', 1)).resolves.toBeUndefined();
      await expect(orders.orderOfItem('12', '345', 1)).resolves.toBe(PO1);
    });

    it('claims an item cycle once when twins create at the same time', async () => {
      // Act
      const results = await Promise.all(
        [PO1, PO2, PO3].map((number) =>
          orders.create(orderFixture(number, [lineFor('345')], { sealed: true })),
        ),
      );

      // Assess
      const created = results.filter((result) => result.created);
      expect(created).toHaveLength(1);
      const winner = created[0]?.created ? created[0].order.orderNumber : '';
      expect(results.filter((result) => !result.created)).toEqual([
        { created: false, conflict: 'claimed', lineId: '345', orderNumber: winner },
        { created: false, conflict: 'claimed', lineId: '345', orderNumber: winner },
      ]);
      await expect(orders.orderOfItem('12', '345', 1)).resolves.toBe(winner);
      const stored = await Promise.all([PO1, PO2, PO3].map((number) => orders.get(number)));
      expect(stored.filter(Boolean)).toHaveLength(1);
    });

    it('opens one gathering order per group when creates race, and the others can join it', async () => {
      // Act
      const results = await Promise.all(
        [PO1, PO2, PO3].map((number, index) =>
          orders.create(orderFixture(number, [lineFor(`34${index}`)])),
        ),
      );
      const gathering = await orders.findGathering(orderFixture(PO1, []).groupKey);
      const joined = await Promise.all(
        results.map((result, index) =>
          result.created || result.conflict !== 'group'
            ? undefined
            : orders.addLines(result.orderNumber, [lineFor(`34${index}`)]),
        ),
      );

      // Assess
      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(results.filter((result) => !result.created)).toEqual([
        { created: false, conflict: 'group', orderNumber: gathering?.orderNumber },
        { created: false, conflict: 'group', orderNumber: gathering?.orderNumber },
      ]);
      expect(joined.filter((result) => result?.added)).toHaveLength(2);
      const order = await orders.get(gathering?.orderNumber ?? '');
      expect(lineIds(order).sort()).toEqual(['340', '341', '342']);
    });

    it('refuses more lines than one write takes, an order number used twice and repeated lines', async () => {
      // Prepare
      const tooMany = Array.from({ length: MAX_LINES_PER_CALL + 1 }, (_, index) =>
        lineFor(`${1000 + index}`),
      );
      await orders.create(orderFixture(PO1, [lineFor('345')], { sealed: true }));

      // Act
      const refusals = [
        orders.create(orderFixture(PO2, tooMany)),
        orders.create(orderFixture(PO1, [lineFor('346')], { sealed: true })),
        orders.create(orderFixture(PO3, [lineFor('347'), lineFor('347')])),
        orders.create(orderFixture(PO3, [lineFor('347')], { dueAt: 'soon' })),
      ];

      // Assess
      for (const refusal of refusals) {
        await expect(refusal).rejects.toBeInstanceOf(BridgeStoreInputError);
      }
      await expect(orders.get(PO2)).resolves.toBeUndefined();
      await expect(orders.orderOfItem('12', '1000', 1)).resolves.toBeUndefined();
    });

    it(`takes ${MAX_LINES_PER_CALL} lines in one create`, async () => {
      // Prepare
      const lines = Array.from({ length: MAX_LINES_PER_CALL }, (_, index) =>
        lineFor(`${1000 + index}:${index}`),
      );

      // Act
      const result = await orders.create(orderFixture(PO1, lines));

      // Assess
      expect(result.created).toBe(true);
      expect(lineIds(await orders.get(PO1))).toEqual(lines.map((line) => line.lineId));
      await expect(orders.orderOfItem('12', '1098:98', 1)).resolves.toBe(PO1);
    });

    it('refuses numbers DynamoDB cannot store, anywhere in the order', async () => {
      await expect(
        orders.create(orderFixture(PO1, [lineFor('345', 1, { quantity: Number.NaN })])),
      ).rejects.toThrow(/line 345\.quantity is NaN/);
      await expect(
        orders.create(
          orderFixture(PO1, [lineFor('345', 1, { unitPrice: Number.MAX_SAFE_INTEGER + 2 })]),
        ),
      ).rejects.toBeInstanceOf(BridgeStoreInputError);
      await expect(orders.get(PO1)).resolves.toBeUndefined();
    });

    it('refuses a line for a cycle the item is not at', async () => {
      // Act
      const result = orders.create(orderFixture(PO1, [lineFor('345', 2)]));

      // Assess
      await expect(result).rejects.toBeInstanceOf(StaleCycleError);
      await expect(orders.get(PO1)).resolves.toBeUndefined();
      await expect(orders.findGathering(orderFixture(PO1, []).groupKey)).resolves.toBeUndefined();
    });
  });

  describe('addLines', () => {
    it('adds lines to a gathering order, in the order added', async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('345')]));

      // Act
      const first = await orders.addLines(PO1, [lineFor('347'), lineFor('346')]);
      const second = await orders.addLines(PO1, [lineFor('340')]);

      // Assess
      expect(first.added).toBe(true);
      expect(second.added && lineIds(second.order)).toEqual(['345', '347', '346', '340']);
      expect(lineIds(await orders.get(PO1))).toEqual(['345', '347', '346', '340']);
      await expect(orders.orderOfItem('12', '340', 1)).resolves.toBe(PO1);
    });

    it('lands every line of concurrent addLines to one gathering order', async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('345')]));

      // Act
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, index) => orders.addLines(PO1, [lineFor(`50${index}`)])),
      );

      // Assess
      expect(results.every((result) => result.added)).toBe(true);
      expect(lineIds(await orders.get(PO1)).sort()).toEqual([
        '345',
        '500',
        '501',
        '502',
        '503',
        '504',
        '505',
        '506',
        '507',
      ]);
    });

    it('refuses a line added again (a replay) or by twins at the same time, keeping one', async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('345')]));

      // Act
      const replay = await orders.addLines(PO1, [lineFor('345')]);
      const twins = await Promise.all([
        orders.addLines(PO1, [lineFor('346')]),
        orders.addLines(PO1, [lineFor('346')]),
      ]);

      // Assess
      expect(replay).toEqual({
        added: false,
        conflict: 'claimed',
        lineId: '345',
        orderNumber: PO1,
      });
      expect(twins.filter((result) => result.added)).toHaveLength(1);
      expect(twins.filter((result) => !result.added)).toEqual([
        { added: false, conflict: 'claimed', lineId: '346', orderNumber: PO1 },
      ]);
      expect(lineIds(await orders.get(PO1))).toEqual(['345', '346']);
    });

    it('adds all lines or none when one item cycle is on another order', async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('345')], { sealed: true }));
      await orders.create(orderFixture(PO2, [lineFor('346')]));

      // Act
      const result = await orders.addLines(PO2, [lineFor('347'), lineFor('345')]);

      // Assess
      expect(result).toEqual({
        added: false,
        conflict: 'claimed',
        lineId: '345',
        orderNumber: PO1,
      });
      expect(lineIds(await orders.get(PO2))).toEqual(['346']);
      await expect(orders.orderOfItem('12', '347', 1)).resolves.toBeUndefined();
    });

    it('refuses lines once the order is sealed, and the group opens a new order', async () => {
      // Prepare
      const order = orderFixture(PO1, [lineFor('345')]);
      await orders.create(order);
      await orders.append(PO1, sealEvent());

      // Act
      const result = await orders.addLines(PO1, [lineFor('346')]);
      const next = await orders.create(orderFixture(PO2, [lineFor('346')]));

      // Assess
      expect(result).toEqual({ added: false, conflict: 'sealed' });
      await expect(orders.orderOfItem('12', '346', 1)).resolves.toBe(PO2);
      expect(next.created).toBe(true);
      expect((await orders.findGathering(order.groupKey))?.orderNumber).toBe(PO2);
      expect(lineIds(await orders.get(PO1))).toEqual(['345']);
    });

    it(`takes ${MAX_LINES_PER_CALL} lines in one addLines`, async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('345')]));
      const lines = Array.from({ length: MAX_LINES_PER_CALL }, (_, index) =>
        lineFor(`${1000 + index}:${index}`),
      );

      // Act
      const result = await orders.addLines(PO1, lines);

      // Assess
      expect(result.added).toBe(true);
      expect(lineIds(await orders.get(PO1))).toEqual(['345', ...lines.map((line) => line.lineId)]);
    });

    it('refuses an unknown order and more lines than one write takes', async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('345')]));
      const tooMany = Array.from({ length: MAX_LINES_PER_CALL + 1 }, (_, index) =>
        lineFor(`${1000 + index}`),
      );

      // Act & Assess
      await expect(orders.addLines(PO2, [lineFor('346')])).rejects.toBeInstanceOf(
        UnknownOrderError,
      );
      await expect(orders.addLines(PO1, tooMany)).rejects.toBeInstanceOf(BridgeStoreInputError);
      expect(lineIds(await orders.get(PO1))).toEqual(['345']);
    });
  });

  describe('append', () => {
    it('records events in order and returns the order as updated', async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('345')], { sealed: true }));
      const sent: OrderEvent = {
        kind: 'email-sent',
        at: '2026-11-28T06:00:02.000Z',
        messageId: 'm-1',
      };
      const written: OrderEvent = {
        kind: 'written-back',
        at: '2026-11-28T06:00:03.000Z',
        lineIds: ['345'],
      };

      // Act
      const afterSend = await orders.append(PO1, sent);
      const afterWrite = await orders.append(PO1, written);

      // Assess
      expect(afterSend.log.slice(-1)).toEqual([sent]);
      expect(afterWrite.log.slice(-2)).toEqual([sent, written]);
      await expect(orders.get(PO1)).resolves.toEqual(afterWrite);
    });

    it('seals once: a second seal returns the order unchanged', async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('345')]));

      // Act
      const [first, second] = await Promise.all([
        orders.append(PO1, sealEvent('2026-11-28T06:00:01.000Z')),
        orders.append(PO1, sealEvent('2026-11-28T06:00:09.000Z')),
      ]);
      const third = await orders.append(PO1, sealEvent('2026-11-28T07:00:00.000Z'));

      // Assess
      const stored = await orders.get(PO1);
      expect(stored?.log.filter((event) => event.kind === 'sealed')).toHaveLength(1);
      expect(isSealed(first) && isSealed(second)).toBe(true);
      expect(third).toEqual(stored);
      await expect(orders.findGathering(stored?.groupKey ?? '')).resolves.toBeUndefined();
    });

    it('drops a line and releases its claim, so the item may order again in the same cycle', async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('345'), lineFor('346')]));

      // Act
      const dropped = await orders.append(PO1, {
        kind: 'line-dropped',
        at: '2026-11-28T02:00:00.000Z',
        lineId: '345',
        reason: '在庫が回復しました。',
      });
      const [state] = await items.load([{ appId: '12', recordId: '345' }]);
      await orders.append(PO1, sealEvent());
      const again = await orders.create(orderFixture(PO2, [lineFor('345')]));

      // Assess
      expect(lineIds(dropped)).toEqual(['346']);
      expect(dropped.lines.map((line) => line.lineId)).toEqual(['345', '346']);
      expect(state).toEqual({ key: { appId: '12', recordId: '345' }, cycle: 1 });
      expect(again.created).toBe(true);
      await expect(orders.orderOfItem('12', '345', 1)).resolves.toBe(PO2);
    });

    it('refuses to re-add a line the gathering order dropped', async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('345')]));
      await orders.append(PO1, {
        kind: 'line-dropped',
        at: '2026-11-28T02:00:00.000Z',
        lineId: '345',
        reason: '在庫が回復しました。',
      });

      // Act
      const result = orders.addLines(PO1, [lineFor('345')]);

      // Assess
      await expect(result).rejects.toBeInstanceOf(LineIdReusedError);
      await expect(orders.orderOfItem('12', '345', 1)).resolves.toBeUndefined();
    });

    it('does not drop a line once the order is sealed', async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('345')], { sealed: true }));

      // Act
      const order = await orders.append(PO1, {
        kind: 'line-dropped',
        at: '2026-11-28T07:00:00.000Z',
        lineId: '345',
        reason: '在庫が回復しました。',
      });

      // Assess
      expect(lineIds(order)).toEqual(['345']);
      await expect(orders.orderOfItem('12', '345', 1)).resolves.toBe(PO1);
    });

    it("closes a line: the item's cycle advances and its next order is the next cycle", async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('345')], { sealed: true }));
      const close: OrderEvent = {
        kind: 'line-closed',
        at: '2026-12-04T09:00:00.000Z',
        lineId: '345',
        status: '入荷済',
      };

      // Act
      await orders.append(PO1, close);
      const again = await orders.append(PO1, { ...close, at: '2026-12-04T09:05:00.000Z' });
      const [state] = await items.load([{ appId: '12', recordId: '345' }]);
      const stale = orders.create(orderFixture(PO2, [lineFor('345', 1)], { sealed: true }));
      await expect(stale).rejects.toBeInstanceOf(StaleCycleError);
      const next = await orders.create(orderFixture(PO3, [lineFor('345', 2)], { sealed: true }));

      // Assess
      expect(again.log.filter((event) => event.kind === 'line-closed')).toHaveLength(1);
      expect(state).toEqual({ key: { appId: '12', recordId: '345' }, cycle: 2 });
      expect(next.created).toBe(true);
      await expect(orders.orderOfItem('12', '345', 2)).resolves.toBe(PO3);
      await expect(items.load([{ appId: '12', recordId: '345' }])).resolves.toEqual([
        { key: { appId: '12', recordId: '345' }, cycle: 2, orderNumber: PO3 },
      ]);
    });

    it('refuses an event of an unknown order or line', async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('345')]));

      // Act & Assess
      await expect(orders.append(PO2, sealEvent())).rejects.toBeInstanceOf(UnknownOrderError);
      await expect(
        orders.append(PO1, {
          kind: 'line-closed',
          at: '2026-12-04T09:00:00.000Z',
          lineId: '999',
          status: '入荷済',
        }),
      ).rejects.toBeInstanceOf(BridgeStoreInputError);
      await expect(orders.get(PO2)).resolves.toBeUndefined();
    });
  });

  describe('due list', () => {
    it('lists due orders oldest due first, up to the limit, until settled', async () => {
      // Prepare
      await orders.create(
        orderFixture(PO1, [lineFor('341')], { dueAt: '2026-11-28T06:00:00.000Z', sealed: true }),
      );
      await orders.create(
        orderFixture(PO2, [lineFor('342')], { dueAt: '2026-11-28T05:00:00.000Z', sealed: true }),
      );
      await orders.create(
        orderFixture(PO3, [lineFor('343')], { dueAt: '2026-11-28T09:00:00+09:00' }),
      );
      await orders.create(
        orderFixture('PO-20261128-0004', [lineFor('344')], {
          dueAt: '2026-11-29T06:00:00.000Z',
          sealed: true,
        }),
      );
      const now = new Date('2026-11-28T06:00:00.000Z');

      // Act
      const due = await orders.listDue(now, 10);
      const firstTwo = await orders.listDue(now, 2);
      await orders.markSettled(PO2);
      await orders.markSettled(PO2);
      const afterSettle = await orders.listDue(now, 10);

      // Assess
      expect(due).toEqual([PO3, PO2, PO1]);
      expect(firstTwo).toEqual([PO3, PO2]);
      expect(afterSettle).toEqual([PO3, PO1]);
      await expect(orders.get(PO2)).resolves.toBeDefined();
    });

    it('moves a rescheduled order on the due list: left out before its new time, listed from then', async () => {
      // Prepare
      for (const [number, item] of [
        [PO1, '361'],
        [PO2, '362'],
        [PO3, '363'],
      ] as const) {
        await orders.create(
          orderFixture(number, [lineFor(item)], {
            dueAt: '2026-11-28T06:00:00.000Z',
            sealed: true,
          }),
        );
      }
      const now = new Date('2026-11-28T07:00:00.000Z');
      const later = new Date('2026-11-29T07:00:00.000Z');

      // Act
      await orders.reschedule(PO1, later);
      await orders.reschedule(PO2, new Date('2026-11-29T06:00:00.000Z'));
      const before = await orders.listDue(now, 10);
      const first = await orders.listDue(now, 1);
      const justBefore = await orders.listDue(new Date('2026-11-29T06:59:59.999Z'), 10);
      const after = await orders.listDue(later, 10);
      await orders.reschedule(PO1, now);
      const back = await orders.listDue(now, 10);

      // Assess
      expect(before).toEqual([PO3]);
      expect(first).toEqual([PO3]);
      expect(justBefore).toEqual([PO3, PO2]);
      expect(after).toEqual([PO3, PO2, PO1]);
      expect(back).toEqual([PO3, PO1]);
      const order = await orders.get(PO1);
      expect(order?.dueAt).toBe('2026-11-28T06:00:00.000Z');
    });

    it('leaves a settled order off the due list when it is rescheduled, and refuses an unknown one', async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('364')], { sealed: true }));
      await orders.create(orderFixture(PO2, [lineFor('365')], { sealed: true }));
      await orders.markSettled(PO1);
      const now = new Date('2026-12-01T09:00:00.000Z');

      // Act
      await orders.reschedule(PO1, now);
      await orders.reschedule(PO1, new Date('2026-11-01T00:00:00.000Z'));

      // Assess
      await expect(orders.listDue(now, 10)).resolves.toEqual([PO2]);
      await expect(orders.listChecksDue(now, 10)).resolves.toEqual([PO1]);
      await expect(orders.reschedule(PO3, now)).rejects.toBeInstanceOf(UnknownOrderError);
      await expect(orders.reschedule(PO2, new Date('nope'))).rejects.toBeInstanceOf(
        BridgeStoreInputError,
      );
      await expect(orders.listDue(now, 10)).resolves.toEqual([PO2]);
    });

    it('refuses to settle an unknown order and a limit DynamoDB cannot take', async () => {
      await expect(orders.markSettled(PO1)).rejects.toBeInstanceOf(UnknownOrderError);
      await expect(orders.listDue(new Date(), 0)).rejects.toBeInstanceOf(BridgeStoreInputError);
    });
  });

  describe('follow-up list', () => {
    it('puts a settled order on the follow-up list at once, then where it is scheduled', async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('351')], { sealed: true }));
      await orders.create(orderFixture(PO2, [lineFor('352')], { sealed: true }));
      await orders.create(orderFixture(PO3, [lineFor('353')], { sealed: true }));
      const now = new Date('2026-12-01T09:00:00.000Z');

      // Act
      const before = await orders.listChecksDue(now, 10);
      await orders.markSettled(PO1);
      await orders.markSettled(PO2);
      await orders.markSettled(PO3);
      const settled = await orders.listChecksDue(now, 10);
      await orders.scheduleCheck(PO1, new Date('2026-12-01T08:00:00.000Z'));
      await orders.scheduleCheck(PO2, new Date('2026-12-01T10:00:00.000Z'));
      await orders.scheduleCheck(PO3, new Date('2026-12-01T07:00:00.000Z'));
      const scheduled = await orders.listChecksDue(now, 10);
      const first = await orders.listChecksDue(now, 1);
      const later = await orders.listChecksDue(new Date('2026-12-01T10:00:00.000Z'), 10);

      // Assess
      expect(before).toEqual([]);
      expect(settled).toEqual([PO1, PO2, PO3]);
      expect(scheduled).toEqual([PO3, PO1]);
      expect(first).toEqual([PO3]);
      expect(later).toEqual([PO3, PO1, PO2]);
      await expect(orders.listDue(now, 10)).resolves.toEqual([]);
    });

    it('takes an order off the follow-up list, idempotently, and the due list is unchanged', async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('354')], { sealed: true }));
      await orders.create(orderFixture(PO2, [lineFor('355')], { sealed: true }));
      await orders.markSettled(PO1);
      const now = new Date('2026-12-01T09:00:00.000Z');

      // Act
      await orders.clearCheck(PO1);
      await orders.clearCheck(PO1);
      await orders.clearCheck(PO2);

      // Assess
      await expect(orders.listChecksDue(now, 10)).resolves.toEqual([]);
      await expect(orders.listDue(now, 10)).resolves.toEqual([PO2]);
      await expect(orders.get(PO1)).resolves.toBeDefined();
    });

    it('puts no unknown order on the follow-up list and refuses a limit DynamoDB cannot take', async () => {
      await expect(orders.markSettled(PO1)).rejects.toBeInstanceOf(UnknownOrderError);
      await expect(orders.listChecksDue(new Date(), 10)).resolves.toEqual([]);
      await expect(orders.listChecksDue(new Date(), 0)).rejects.toBeInstanceOf(
        BridgeStoreInputError,
      );
    });
  });

  describe('races', () => {
    /** Each item on at most one active line, and its claim names exactly that order. */
    async function expectOneLinePerItem(numbers: string[], itemIds: string[]): Promise<void> {
      const stored = await Promise.all(numbers.map((number) => orders.get(number)));
      for (const itemId of itemIds) {
        const holders = stored
          .filter((order) => lineIds(order).includes(itemId))
          .map((order) => order?.orderNumber);
        expect(holders.length).toBeLessThanOrEqual(1);
        await expect(orders.orderOfItem('12', itemId, 1)).resolves.toBe(holders[0]);
      }
    }

    it('keeps every item on at most one line when creates and addLines of overlapping items race', async () => {
      // Prepare
      const itemIds = ['401', '402', '403', '404'];
      const numbers = Array.from({ length: 8 }, (_, index) => `PO-20261128-01${index}`);
      // A fixed pattern of overlapping subsets, gathering and sealed, so runs are repeatable.
      const subsets = [[0, 1], [1, 2], [2, 3], [3, 0], [0, 2], [1, 3], [0, 1, 2, 3], [2]];

      // Act
      const results = await Promise.all(
        numbers.map((number, index) => {
          const lines = (subsets[index] ?? []).map((item) => lineFor(itemIds[item] ?? ''));
          return orders.create(orderFixture(number, lines, { sealed: index % 2 === 0 }));
        }),
      );
      const joined = await Promise.all(
        results.map((result, index) =>
          !result.created && result.conflict === 'group'
            ? orders.addLines(
                result.orderNumber,
                (subsets[index] ?? []).map((item) => lineFor(itemIds[item] ?? '')),
              )
            : undefined,
        ),
      );

      // Assess
      expect(results.some((result) => result.created)).toBe(true);
      expect(joined.length).toBe(8);
      await expectOneLinePerItem(numbers, itemIds);
    });

    it('keeps the lines of an order sealed while lines are being added', async () => {
      // Prepare
      await orders.create(orderFixture(PO1, [lineFor('345')]));

      // Act
      const [, ...added] = await Promise.all([
        orders.append(PO1, sealEvent()),
        ...['501', '502', '503', '504'].map((itemId) => orders.addLines(PO1, [lineFor(itemId)])),
      ]);
      const sealed = await orders.get(PO1);
      const late = await orders.addLines(PO1, [lineFor('505')]);

      // Assess
      expect(late).toEqual({ added: false, conflict: 'sealed' });
      expect(lineIds(await orders.get(PO1))).toEqual(lineIds(sealed));
      expect(lineIds(sealed).length).toBe(1 + added.filter((result) => result.added).length);
      await expectOneLinePerItem([PO1], ['345', '501', '502', '503', '504', '505']);
    });
  });

  it('is not changed by mutating what it returned', async () => {
    // Prepare
    const result = await orders.create(orderFixture(PO1, [lineFor('345')]));
    const loaded = await orders.get(PO1);

    // Act
    if (result.created) result.order.lines.length = 0;
    loaded?.log.push(sealEvent());

    // Assess
    const reloaded = await orders.get(PO1);
    expect(lineIds(reloaded)).toEqual(['345']);
    expect(reloaded && isSealed(reloaded)).toBe(false);
  });
});

describe('DynamoDbOrderStore on its table', () => {
  async function subject() {
    const tableName = await tables.newTable();
    const table = { client: tables.documentClient, tableName };
    return {
      tableName,
      orders: new DynamoDbOrderStore(table),
      items: new DynamoDbItemStates(table),
    };
  }

  it('keeps the order at ORDER#<number> with its lines as a map and its place on the due list', async () => {
    // Prepare
    const { tableName, orders } = await subject();

    // Act
    await orders.create(orderFixture(PO1, [lineFor('345')]));

    // Assess
    const { Item: order } = await tables.documentClient.send(
      new GetCommand({ TableName: tableName, Key: { pk: `ORDER#${PO1}`, sk: 'ORDER' } }),
    );
    const { Item: gather } = await tables.documentClient.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'GATHER#12|S-01|', sk: 'GATHER' } }),
    );
    const { Item: state } = await tables.documentClient.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'ITEM#12#345', sk: 'STATE' } }),
    );
    expect(order).toMatchObject({
      committed: true,
      gsi1pk: 'DUE',
      gsi1sk: `2026-11-28T06:00:00.000Z#${PO1}`,
      lines: { '345': { state: 'in', index: 0 } },
    });
    expect(order?.expiresAt).toBeUndefined();
    expect(gather).toMatchObject({ orderNumber: PO1 });
    expect(state).toMatchObject({ cycle: 1, onOrder: { orderNumber: PO1, cycle: 1 } });
  });

  it('keeps the follow-up list as CHECK#<number> items on GSI1, apart from the order', async () => {
    // Prepare
    const { tableName, orders } = await subject();
    await orders.create(orderFixture(PO1, [lineFor('346')], { sealed: true }));
    const check = () =>
      tables.documentClient.send(
        new GetCommand({ TableName: tableName, Key: { pk: `CHECK#${PO1}`, sk: 'CHECK' } }),
      );

    // Act
    await orders.markSettled(PO1);
    const settled = (await check()).Item;
    await orders.scheduleCheck(PO1, new Date('2026-12-01T08:00:00.000Z'));
    const scheduled = (await check()).Item;
    await orders.clearCheck(PO1);
    const cleared = (await check()).Item;

    // Assess
    expect(settled).toMatchObject({
      orderNumber: PO1,
      gsi1pk: 'CHECK',
      gsi1sk: `1970-01-01T00:00:00.000Z#${PO1}`,
    });
    expect(scheduled).toMatchObject({
      at: '2026-12-01T08:00:00.000Z',
      gsi1pk: 'CHECK',
      gsi1sk: `2026-12-01T08:00:00.000Z#${PO1}`,
    });
    expect(cleared).toBeUndefined();
    const { Item: order } = await tables.documentClient.send(
      new GetCommand({ TableName: tableName, Key: { pk: `ORDER#${PO1}`, sk: 'ORDER' } }),
    );
    expect(order?.gsi1pk).toBeUndefined();
  });

  it("reschedules by the order's gsi1sk alone, and puts no settled order back on the due list", async () => {
    // Prepare
    const { tableName, orders } = await subject();
    await orders.create(orderFixture(PO1, [lineFor('347')], { sealed: true }));
    const item = async () =>
      (
        await tables.documentClient.send(
          new GetCommand({ TableName: tableName, Key: { pk: `ORDER#${PO1}`, sk: 'ORDER' } }),
        )
      ).Item;

    // Act
    await orders.reschedule(PO1, new Date('2026-11-29T00:00:00.000Z'));
    const rescheduled = await item();
    await orders.markSettled(PO1);
    await orders.reschedule(PO1, new Date('2026-11-30T00:00:00.000Z'));
    const settled = await item();

    // Assess
    expect(rescheduled).toMatchObject({
      gsi1pk: 'DUE',
      gsi1sk: `2026-11-29T00:00:00.000Z#${PO1}`,
      dueAt: '2026-11-28T06:00:00.000Z',
    });
    expect(settled?.gsi1pk).toBeUndefined();
    expect(settled?.gsi1sk).toBeUndefined();
  });

  it('runs on the table as defined, with GSI1 as the due list, and an ensured table left alone', async () => {
    // Prepare
    const { tableName, orders } = await subject();
    await orders.create(orderFixture(PO1, [lineFor('345')]));

    // Act
    await ensureBridgeTable(tables.dynamo.client, tableName);
    const { Table } = await tables.dynamo.client.send(
      new DescribeTableCommand({ TableName: tableName }),
    );

    // Assess
    expect(bridgeTableDefinition(tableName).GlobalSecondaryIndexes).toHaveLength(1);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual([
      BRIDGE_GSI1_NAME,
    ]);
    expect(Table?.GlobalSecondaryIndexes?.[0]?.KeySchema).toEqual([
      { AttributeName: 'gsi1pk', KeyType: 'HASH' },
      { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
    ]);
    await expect(orders.listDue(new Date('2026-11-28T06:00:00.000Z'), 10)).resolves.toEqual([PO1]);
  });

  it('takes over a claim left by a call that crashed before its line joined the order', async () => {
    // Prepare: a claim whose order never committed (the create crashed after claiming).
    const { tableName, orders, items } = await subject();
    await tables.documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: 'ITEM#12#345',
          sk: 'STATE',
          cycle: 1,
          onOrder: { orderNumber: 'PO-20261127-0009', cycle: 1, attempt: 'crashed' },
        },
      }),
    );

    // Act
    const [before] = await items.load([{ appId: '12', recordId: '345' }]);
    const result = await orders.create(orderFixture(PO1, [lineFor('345')], { sealed: true }));

    // Assess
    expect(before?.orderNumber).toBeUndefined();
    expect(result.created).toBe(true);
    await expect(orders.orderOfItem('12', '345', 1)).resolves.toBe(PO1);
  });

  it('lets a replay add a line that a crashed addLines left pending with its claim', async () => {
    // Prepare: addLines wrote its pending line and claim, then crashed before confirming.
    const { tableName, orders, items } = await subject();
    await orders.create(orderFixture(PO1, [lineFor('345')]));
    const pending = { line: lineFor('346'), attempt: 'crashed', index: 0, state: 'pending' };
    await tables.documentClient.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: `ORDER#${PO1}`, sk: 'ORDER' },
        UpdateExpression: 'SET #lines.#k = :pending',
        ExpressionAttributeNames: { '#lines': 'lines', '#k': '346' },
        ExpressionAttributeValues: { ':pending': pending },
      }),
    );
    await tables.documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: 'ITEM#12#346',
          sk: 'STATE',
          cycle: 1,
          onOrder: { orderNumber: PO1, cycle: 1, attempt: 'crashed' },
        },
      }),
    );

    // Act
    const before = await orders.get(PO1);
    const [state] = await items.load([{ appId: '12', recordId: '346' }]);
    const replay = await orders.addLines(PO1, [lineFor('346')]);

    // Assess
    expect(lineIds(before)).toEqual(['345']);
    expect(state?.orderNumber).toBeUndefined();
    expect(replay.added).toBe(true);
    expect(lineIds(await orders.get(PO1))).toEqual(['345', '346']);
    await expect(orders.orderOfItem('12', '346', 1)).resolves.toBe(PO1);
  });

  it('takes over the group from a create that crashed before it committed', async () => {
    // Prepare: the crashed create's order and pointer, never committed.
    const { tableName, orders } = await subject();
    const crashed = orderFixture('PO-20261127-0009', []);
    await tables.documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...crashed,
          pk: 'ORDER#PO-20261127-0009',
          sk: 'ORDER',
          lines: {},
          batches: [],
          committed: false,
        },
      }),
    );
    await tables.documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: `GATHER#${crashed.groupKey}`, sk: 'GATHER', orderNumber: crashed.orderNumber },
      }),
    );

    // Act
    const result = await orders.create(orderFixture(PO1, [lineFor('345')]));

    // Assess
    expect(result.created).toBe(true);
    expect((await orders.findGathering(crashed.groupKey))?.orderNumber).toBe(PO1);
    await expect(orders.get(crashed.orderNumber)).resolves.toBeUndefined();
  });

  it(`keeps the expressions of ${MAX_LINES_PER_CALL} lines within DynamoDB's 4 KB and 300 operators`, () => {
    // Prepare: line ids as long as row item ids get.
    const lines = Array.from({ length: MAX_LINES_PER_CALL }, (_, index) =>
      lineFor(`${100_000 + index}:${900_000 + index}`),
    );

    // Act
    const intent = intentExpression(lines, 'attempt');
    const confirm = confirmExpression(lines, 'attempt');
    const expressions = [
      intent.update,
      intent.condition,
      `SET ${confirm.set}, #committed = :true, #batches = :batches, #gsi1pk = :due, #gsi1sk = :dueKey REMOVE #expiresAt`,
      `#committed = :false AND attribute_not_exists(#aborted)${confirm.condition}`,
    ];

    // Assess
    for (const expression of expressions) {
      expect(Buffer.byteLength(expression)).toBeLessThan(4096);
      expect(expression.split(/ AND |=|attribute_not_exists/).length - 1).toBeLessThan(300);
    }
  });

  /**
   * A store whose client holds back the call's confirming update (`#S = :in`) until released,
   * so a second call can run in between: the interleavings Promise.all may or may not hit.
   */
  async function pausedAtConfirm() {
    const tableName = await tables.newTable();
    let release = (): void => undefined;
    let reached = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const atConfirm = new Promise<void>((resolve) => (reached = resolve));
    const real = tables.documentClient;
    const client = {
      send: async (command: { input: { UpdateExpression?: string } }) => {
        if (
          command instanceof UpdateCommand &&
          command.input.UpdateExpression?.includes('#S = :in')
        ) {
          reached();
          await gate;
        }
        return real.send(command as never);
      },
    } as unknown as typeof real;
    return {
      first: new DynamoDbOrderStore({ client, tableName, newAttempt: () => 'first' }),
      second: new DynamoDbOrderStore({ client: real, tableName, newAttempt: () => 'second' }),
      atConfirm,
      release,
    };
  }

  it('lets the second of two creates of one item win when it overtakes the first', async () => {
    // Prepare
    const { first, second, atConfirm, release } = await pausedAtConfirm();

    // Act
    const slow = first.create(orderFixture(PO1, [lineFor('345')], { sealed: true }));
    await atConfirm;
    const fast = await second.create(orderFixture(PO2, [lineFor('345')], { sealed: true }));
    release();

    // Assess
    expect(fast.created).toBe(true);
    await expect(slow).resolves.toEqual({
      created: false,
      conflict: 'claimed',
      lineId: '345',
      orderNumber: PO2,
    });
    await expect(second.get(PO1)).resolves.toBeUndefined();
    await expect(second.orderOfItem('12', '345', 1)).resolves.toBe(PO2);
  });

  it('lets a second create take the group from a first that has not committed yet', async () => {
    // Prepare
    const { first, second, atConfirm, release } = await pausedAtConfirm();

    // Act
    const slow = first.create(orderFixture(PO1, [lineFor('345')]));
    await atConfirm;
    const fast = await second.create(orderFixture(PO2, [lineFor('346')]));
    release();

    // Assess
    expect(fast.created).toBe(true);
    await expect(slow).resolves.toEqual({ created: false, conflict: 'group', orderNumber: PO2 });
    await expect(second.orderOfItem('12', '345', 1)).resolves.toBeUndefined();
    expect((await second.findGathering(orderFixture(PO1, []).groupKey))?.orderNumber).toBe(PO2);
  });

  it('reports the twin that added the same line to the same order first', async () => {
    // Prepare
    const { first, second, atConfirm, release } = await pausedAtConfirm();
    await second.create(orderFixture(PO1, [lineFor('345')]));

    // Act
    const slow = first.addLines(PO1, [lineFor('346')]);
    await atConfirm;
    const fast = await second.addLines(PO1, [lineFor('346')]);
    release();

    // Assess
    expect(fast.added).toBe(true);
    await expect(slow).resolves.toEqual({
      added: false,
      conflict: 'claimed',
      lineId: '346',
      orderNumber: PO1,
    });
    expect(lineIds(await second.get(PO1))).toEqual(['345', '346']);
  });

  it('refuses lines whose order was sealed between their claim and their confirm', async () => {
    // Prepare
    const { first, second, atConfirm, release } = await pausedAtConfirm();
    await second.create(orderFixture(PO1, [lineFor('345')]));

    // Act
    const slow = first.addLines(PO1, [lineFor('346')]);
    await atConfirm;
    await second.append(PO1, sealEvent());
    release();

    // Assess
    await expect(slow).resolves.toEqual({ added: false, conflict: 'sealed' });
    expect(lineIds(await second.get(PO1))).toEqual(['345']);
    await expect(second.orderOfItem('12', '346', 1)).resolves.toBeUndefined();
    const again = await second.create(orderFixture(PO2, [lineFor('346')]));
    expect(again.created).toBe(true);
  });

  it('counts a confirm as done when its answer was lost and the retry failed its condition', async () => {
    // Prepare: every write is sent twice and only the second answer comes back, as when the
    // SDK retries a write whose first answer was lost.
    const tableName = await tables.newTable();
    const real = tables.documentClient;
    const client = {
      send: async (command: unknown) => {
        if (command instanceof UpdateCommand || command instanceof PutCommand) {
          await real.send(command as never).catch(() => undefined);
        }
        return real.send(command as never);
      },
    } as unknown as typeof real;
    const orders = new DynamoDbOrderStore({ client, tableName });

    // Act
    const created = await orders.create(orderFixture(PO1, [lineFor('345')]));
    const added = await orders.addLines(PO1, [lineFor('346')]);

    // Assess
    expect(created.created).toBe(true);
    expect(added.added).toBe(true);
    expect(lineIds(await orders.get(PO1))).toEqual(['345', '346']);
    await expect(orders.orderOfItem('12', '346', 1)).resolves.toBe(PO1);
  });

  it('names a corrupt order or item state in a clear error', async () => {
    // Prepare
    const { tableName, orders, items } = await subject();
    await orders.create(orderFixture(PO1, [lineFor('345')]));
    await tables.documentClient.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: `ORDER#${PO1}`, sk: 'ORDER' },
        UpdateExpression: 'SET #log = :broken',
        ExpressionAttributeNames: { '#log': 'log' },
        ExpressionAttributeValues: { ':broken': [{ kind: 'sealed' }] },
      }),
    );
    await tables.documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: 'ITEM#12#346', sk: 'STATE', cycle: 'one' },
      }),
    );

    // Act & Assess
    await expect(orders.get(PO1)).rejects.toThrow(CorruptBridgeItemError);
    await expect(orders.get(PO1)).rejects.toThrow(`pk="ORDER#${PO1}"`);
    await expect(items.load([{ appId: '12', recordId: '346' }])).rejects.toThrow(
      CorruptBridgeItemError,
    );
  });
});
