import { DEFAULT_TAX_RULES } from '../../../shared/domain/pricing';
import { OrderNotSendableError, orderRequestOf } from '../../../shared/domain/order-request';
import type {
  OrderEvent,
  PurchaseOrder,
  PurchaseOrderLine,
} from '../../../shared/domain/purchase-order';

const AT = '2026-12-02T02:00:00.000Z';
const OPTIONS = { tax: DEFAULT_TAX_RULES, timeZone: 'Asia/Tokyo' };
const SEALED: OrderEvent = {
  kind: 'sealed',
  at: '2026-12-02T03:00:00.000Z',
  orderDate: '2026-12-02',
  supplierPageUrl: 'https://api.example/o/PO-20261202-0001.x.y',
  linkExpiresAt: '2027-01-01T03:00:00.000Z',
};

function line(id: string, extra: Partial<PurchaseOrderLine> = {}): PurchaseOrderLine {
  return {
    lineId: id,
    item: { appId: '12', recordId: id, itemId: id, cycle: 1 },
    sku: `A-${id}`,
    name: `品目${id}`,
    quantity: 12,
    unit: '本',
    reason: `理由${id}`,
    leadTimeDays: 3,
    addedAt: AT,
    addedBy: `n-${id}`,
    ...extra,
  };
}

function order(lines: PurchaseOrderLine[], log: OrderEvent[] = [SEALED]): PurchaseOrder {
  return {
    orderNumber: 'PO-20261202-0001',
    appId: '12',
    groupKey: '12|S-001|osaka',
    supplier: { code: 'S-001', name: '株式会社サンプル文具', email: 'order@sample.example.jp' },
    shipTo: {
      id: '大阪倉庫',
      name: 'デモ商事 大阪倉庫',
      postalCode: '530-0001',
      address: '大阪府大阪市北区梅田1-1-1',
      phone: '06-0000-3333',
      contact: '倉庫課 佐藤',
    },
    channels: [{ kind: 'email', address: 'order@sample.example.jp' }],
    company: { name: '株式会社デモ商事', address: '東京都', phone: '03', email: 'a@b.jp' },
    createdAt: AT,
    dueAt: AT,
    reflectedInKintone: false,
    lines,
    log: [{ kind: 'created', at: AT, by: 'n-1' }, ...log],
  };
}

describe('orderRequestOf', () => {
  it('views a sealed one-line order: seal date and link, ship-to, its reason', () => {
    const request = orderRequestOf(order([line('1')]), OPTIONS);
    expect(request).toEqual({
      orderNumber: 'PO-20261202-0001',
      orderedAt: SEALED.kind === 'sealed' ? SEALED.at : '',
      orderDate: '2026-12-02',
      desiredDeliveryDate: '2026-12-05',
      supplier: { code: 'S-001', name: '株式会社サンプル文具', email: 'order@sample.example.jp' },
      lines: [{ lineId: '1', sku: 'A-1', name: '品目1', quantity: 12, unit: '本' }],
      company: { name: '株式会社デモ商事', address: '東京都', phone: '03', email: 'a@b.jp' },
      reason: '理由1',
      timeZone: 'Asia/Tokyo',
      supplierPageUrl: 'https://api.example/o/PO-20261202-0001.x.y',
      linkExpiresAt: '2027-01-01T03:00:00.000Z',
      shipTo: {
        name: 'デモ商事 大阪倉庫',
        postalCode: '530-0001',
        address: '大阪府大阪市北区梅田1-1-1',
        phone: '06-0000-3333',
        contact: '倉庫課 佐藤',
      },
    });
  });

  it('leaves dropped lines out, lists each line reason, and dates each line when lead times differ', () => {
    const request = orderRequestOf(
      order(
        [
          line('1'),
          line('2', {
            leadTimeDays: 7,
            item: { appId: '12', recordId: '9', itemId: '9:r2', cycle: 1, rowId: 'r2' },
          }),
          line('3'),
        ],
        [{ kind: 'line-dropped', at: AT, lineId: '3', reason: '回復' }, SEALED],
      ),
      OPTIONS,
    );
    expect(request.lines.map((l) => l.lineId)).toEqual(['1', '2']);
    expect(request.desiredDeliveryDate).toBe('2026-12-09');
    expect(request.lines).toMatchObject([
      { reason: '理由1', desiredDeliveryDate: '2026-12-05' },
      { reason: '理由2', desiredDeliveryDate: '2026-12-09', rowId: 'r2' },
    ]);
    expect(request.reason).toBe('A-1: 理由1\nA-2: 理由2');
  });

  it('gives no line its own date when every line arrives the same day', () => {
    const request = orderRequestOf(order([line('1'), line('2')]), OPTIONS);
    expect(request.lines.every((l) => l.desiredDeliveryDate === undefined)).toBe(true);
  });

  it('prices lines and totals the order (軽減税率 mixed), once per rate', () => {
    const request = orderRequestOf(
      order([
        line('1', { unitPrice: 120, quantity: 84 }),
        line('2', { unitPrice: 1280, quantity: 3, taxClass: 'reduced' }),
      ]),
      OPTIONS,
    );
    expect(request.lines).toMatchObject([
      { unitPrice: 120, amount: 10_080 },
      { unitPrice: 1280, amount: 3840, taxClass: 'reduced' },
    ]);
    expect(request.totals).toEqual({
      subtotal: 13_920,
      byRate: [
        { taxClass: 'standard', ratePercent: 10, taxable: 10_080, tax: 1008 },
        { taxClass: 'reduced', ratePercent: 8, taxable: 3840, tax: 307 },
      ],
      tax: 1315,
      total: 15_235,
      rounding: 'floor',
    });
  });

  it('has no totals when a line has no price, and no money at all without prices', () => {
    const partly = orderRequestOf(order([line('1', { unitPrice: 120 }), line('2')]), OPTIONS);
    expect(partly.totals).toBeUndefined();
    expect(partly.lines[0]).toMatchObject({ unitPrice: 120, amount: 1440 });
    const none = orderRequestOf(order([line('1'), line('2')]), OPTIONS);
    expect(none.totals).toBeUndefined();
    expect(JSON.stringify(none)).not.toMatch(/unitPrice|amount/);
  });

  it('refuses an order that is not sealed or has no active line', () => {
    expect(() => orderRequestOf(order([line('1')], []), OPTIONS)).toThrow(OrderNotSendableError);
    expect(() =>
      orderRequestOf(
        order([line('1')], [{ kind: 'line-dropped', at: AT, lineId: '1', reason: 'x' }, SEALED]),
        OPTIONS,
      ),
    ).toThrow(OrderNotSendableError);
  });
});
