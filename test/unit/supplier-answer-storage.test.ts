import {
  CorruptBridgeItemError,
  parseBridgeItem,
  storedOrderSchema,
} from '../../shared/adapters/dynamodb/bridge-item-schemas';
import type { StoredOrder } from '../../shared/ports/bridge-store';

/** A stored order item as DynamoDB returns it, with the given answer on record. */
function orderItem(answer: Record<string, unknown>): Record<string, unknown> {
  const order: StoredOrder = {
    appId: '15',
    recordId: '3:368',
    cycle: 1,
    status: 'open',
    request: {
      orderNumber: 'PO-20261129-0001',
      orderedAt: '2026-11-29T01:00:00.000Z',
      orderDate: '2026-11-29',
      desiredDeliveryDate: '2026-12-02',
      supplier: { code: 'S-002', name: '紙の山田商店' },
      lines: [
        { sku: 'B-200', name: 'コピー用紙', quantity: 20, unit: '個', rowId: '368' },
        { sku: 'B-201', name: 'トナー', quantity: 3, unit: '個', rowId: '369' },
      ],
      company: { name: 'デモ商事', address: '東京都', phone: '03', email: 'a@example.jp' },
      reason: '発注点割れ',
    },
    reflectedInKintone: false,
    createdAt: '2026-11-29T01:00:00.000Z',
    createdByNotificationId: 'n-1',
    steps: {},
  };
  return {
    pk: 'ORDER#x',
    sk: 'CYCLE#1',
    ...order,
    steps: {
      supplierAnswer: answer,
      supplierAnswerAt: '2026-11-29T07:00:00.000Z',
      supplierAnswerHistory: [{ at: '2026-11-29T07:00:00.000Z', answer }],
    },
  };
}

const SINGLE = { kind: 'partial', deliveryDate: '2026-12-03', quantity: 48, note: '残り来月' };
const PER_LINE = {
  kind: 'partial',
  deliveryDate: '2026-12-03',
  lines: [
    { sku: 'B-200', rowId: '368', quantity: 20 },
    { sku: 'B-201', rowId: '369', quantity: 0 },
  ],
  note: 'トナーは廃番',
};

describe('stored partial answers', () => {
  it('reads a partial answer with one quantity, as stored before orders had several lines', () => {
    const order = parseBridgeItem(storedOrderSchema, orderItem(SINGLE), 'bridge');

    expect(order.steps.supplierAnswer).toEqual(SINGLE);
    expect(order.steps.supplierAnswerHistory?.[0]?.answer).toEqual(SINGLE);
  });

  it('reads a partial answer with a quantity per line', () => {
    const order = parseBridgeItem(storedOrderSchema, orderItem(PER_LINE), 'bridge');

    expect(order.steps.supplierAnswer).toEqual(PER_LINE);
  });

  it.each([
    ['both a quantity and lines', { ...PER_LINE, quantity: 20 }],
    ['neither a quantity nor lines', { ...SINGLE, quantity: undefined }],
    ['no lines at all', { ...PER_LINE, lines: [] }],
    ['a line without a quantity', { ...PER_LINE, lines: [{ sku: 'B-200' }] }],
  ])('refuses a partial answer with %s', (_case, answer) => {
    expect(() => parseBridgeItem(storedOrderSchema, orderItem(answer), 'bridge')).toThrow(
      CorruptBridgeItemError,
    );
  });
});
