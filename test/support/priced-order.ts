import type { OrderLine, OrderRequest } from '../../shared/domain/order';
import { DEFAULT_TAX_RULES, lineAmount, orderTotals } from '../../shared/domain/pricing';

/** The ordering company of the demo configuration. */
export const DEMO_COMPANY: OrderRequest['company'] = {
  name: '株式会社デモ商事',
  postalCode: '100-0005',
  address: '東京都千代田区丸の内1-1-1 デモビル5F',
  phone: '03-0000-1111',
  fax: '03-0000-2222',
  email: 'purchasing@demo-shoji.example.jp',
  contactName: '購買部 山田',
};

export const OSAKA_SHIP_TO: NonNullable<OrderRequest['shipTo']> = {
  name: '株式会社デモ商事 大阪倉庫',
  postalCode: '530-0001',
  address: '大阪府大阪市北区梅田1-1-1',
  phone: '06-0000-3333',
  contact: '倉庫課 佐藤',
};

function priced(line: Omit<OrderLine, 'amount'>): OrderLine {
  return line.unitPrice === undefined
    ? line
    : { ...line, amount: lineAmount(line.unitPrice, line.quantity) };
}

/**
 * A gathered order of three lines with prices (one at the reduced rate), a ship-to and lines
 * of two lead times: what an app with 単価, 軽減税率 and a site field sends.
 */
export function pricedOrder(overrides: Partial<OrderRequest> = {}): OrderRequest {
  const lines = [
    priced({
      lineId: '7',
      sku: 'A-100',
      name: 'ボールペン 黒 0.5mm',
      quantity: 84,
      unit: '本',
      unitPrice: 120,
      desiredDeliveryDate: '2026-12-05',
    }),
    priced({
      lineId: '8',
      sku: 'K-010',
      name: 'ドリップコーヒー 50袋',
      quantity: 3,
      unit: '箱',
      unitPrice: 1280,
      taxClass: 'reduced',
      desiredDeliveryDate: '2026-12-09',
    }),
    priced({
      lineId: '9',
      sku: 'B-200',
      name: 'コピー用紙 A4 500枚',
      quantity: 20,
      unit: '冊',
      unitPrice: 398,
      desiredDeliveryDate: '2026-12-05',
    }),
  ];
  const base: OrderRequest = {
    orderNumber: 'PO-20261202-0001',
    orderedAt: '2026-12-02T03:00:00.000Z',
    orderDate: '2026-12-02',
    desiredDeliveryDate: '2026-12-09',
    supplier: {
      code: 'S-001',
      name: '株式会社サンプル文具',
      email: 'order@sample-bungu.example.jp',
    },
    lines,
    company: DEMO_COMPANY,
    reason: 'A-100: x\nK-010: y\nB-200: z',
    timeZone: 'Asia/Tokyo',
    shipTo: OSAKA_SHIP_TO,
  };
  const totals = orderTotals(lines, DEFAULT_TAX_RULES);
  return { ...base, ...(totals ? { totals } : {}), ...overrides };
}

/** `count` priced lines of one lead time, for pagination. */
export function manyPricedLines(count: number): OrderLine[] {
  return Array.from({ length: count }, (_, index) =>
    priced({
      lineId: String(index + 1),
      sku: `SKU-${String(index + 1).padStart(3, '0')}`,
      name: `テスト商品 ${index + 1}`,
      quantity: (index + 1) * 10,
      unit: '個',
      unitPrice: 150,
      ...(index % 4 === 0 ? { taxClass: 'reduced' as const } : {}),
    }),
  );
}
