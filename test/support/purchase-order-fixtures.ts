import {
  groupKeyOf,
  type OrderEvent,
  type PurchaseOrder,
  type PurchaseOrderLine,
} from '../../shared/domain/purchase-order';

/** The supplier of the fixtures' orders (group `12|S-01|`). */
export const FIXTURE_SUPPLIER = { code: 'S-01', name: '山田商事', email: 'order@yamada.example' };

/**
 * A line for item `itemId` of app 12 at `cycle`, with the line id the item's id.
 *
 * @example
 * lineFor('345'); // { lineId: '345', item: { appId: '12', recordId: '345', itemId: '345', cycle: 1 }, ... }
 */
export function lineFor(
  itemId: string,
  cycle = 1,
  overrides: Partial<PurchaseOrderLine> = {},
): PurchaseOrderLine {
  const [recordId = itemId, rowId] = itemId.split(':');
  return {
    lineId: itemId,
    item: { appId: '12', recordId, ...(rowId ? { rowId } : {}), itemId, cycle },
    sku: `SKU-${itemId}`,
    name: 'コピー用紙 A4',
    quantity: 20,
    unit: '箱',
    reason: '在庫 3 箱が発注点 5 箱を下回りました。',
    leadTimeDays: 7,
    addedAt: '2026-11-28T01:02:03.000Z',
    addedBy: `notif-${itemId}`,
    ...overrides,
  };
}

/**
 * A gathering order of app 12 and supplier S-01, due at 2026-11-28T06:00Z, with `lines`.
 * Pass `sealed: true` for an order sealed at creation (an `immediate` one).
 */
export function orderFixture(
  orderNumber: string,
  lines: PurchaseOrderLine[],
  overrides: Partial<PurchaseOrder> & { sealed?: boolean } = {},
): PurchaseOrder {
  const { sealed, ...rest } = overrides;
  const log: OrderEvent[] = [{ kind: 'created', at: '2026-11-28T01:02:03.000Z', by: 'notif-1' }];
  if (sealed) log.push(sealEvent());
  return {
    orderNumber,
    appId: '12',
    groupKey: groupKeyOf('12', FIXTURE_SUPPLIER),
    supplier: FIXTURE_SUPPLIER,
    channels: [{ kind: 'email', address: 'order@yamada.example' }],
    company: {
      name: '髙橋工業株式会社',
      postalCode: '100-0001',
      address: '東京都千代田区1-1',
      phone: '03-0000-0000',
      email: 'purchase@takahashi.example',
    },
    createdAt: '2026-11-28T01:02:03.000Z',
    dueAt: '2026-11-28T06:00:00.000Z',
    reflectedInKintone: false,
    lines,
    log,
    ...rest,
  };
}

/** The event that seals an order. */
export function sealEvent(at = '2026-11-28T06:00:01.000Z'): OrderEvent {
  return { kind: 'sealed', at, orderDate: '2026-11-28' };
}
