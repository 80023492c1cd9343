import type { OrderChannel } from '../../shared/domain/channels';
import type { SupplierContact } from '../../shared/domain/item';
import type {
  OrderEvent,
  PurchaseOrder,
  PurchaseOrderLine,
} from '../../shared/domain/purchase-order';
import { assertAppendable } from '../../shared/adapters/dynamodb/order-rules';
import { UnknownOrderError, type OrderStore } from '../../shared/ports/order-store';

/**
 * Purchase orders for the tests of the use cases that act on a sealed order (channels, write
 * back, callbacks, the answer), and a store of them that keeps what those use cases touch:
 * `get` and `append`, with every append recorded.
 */

export const ORDER_NUMBER = 'PO-20261128-0001';
export const ORDERED_AT = '2026-11-28T02:15:00.000Z';
export const EMAIL = 'order@sample-bungu.example.jp';
export const EMAIL_CHANNEL: OrderChannel = { kind: 'email', address: EMAIL };
export const FAX_CHANNEL: OrderChannel = {
  kind: 'fax',
  number: '+81312345678',
  national: '0312345678',
};
export const SUPPLIER_WITH_FAX: SupplierContact = {
  code: 'S-001',
  name: '株式会社サンプル文具',
  email: EMAIL,
  fax: '03-1234-5678',
};
export const SUPPLIER_EMAIL_ONLY: SupplierContact = {
  code: 'S-001',
  name: '株式会社サンプル文具',
  email: EMAIL,
};

/** A line of app 12: a plain record `recordId`, or row `rowId` of record `recordId`. */
export function orderLine(
  options: Partial<Omit<PurchaseOrderLine, 'item'>> & {
    recordId?: string;
    rowId?: string;
    appId?: string;
  } = {},
): PurchaseOrderLine {
  const { recordId = '7', rowId, appId = '12', ...rest } = options;
  const itemId = rowId === undefined ? recordId : `${recordId}:${rowId}`;
  return {
    lineId: itemId,
    item: { appId, recordId, itemId, cycle: 1, ...(rowId !== undefined ? { rowId } : {}) },
    sku: 'A-100',
    name: 'ボールペン 黒 0.5mm',
    quantity: 84,
    unit: '本',
    reason: '在庫数 18 ≤ 発注点 20',
    leadTimeDays: 3,
    addedAt: ORDERED_AT,
    addedBy: 'n-1',
    ...rest,
  };
}

export const SEALED: OrderEvent = { kind: 'sealed', at: ORDERED_AT, orderDate: '2026-11-28' };

/** A sealed order of app 12 with one line (record 7), by email, nothing sent yet. */
export function sealedOrder(
  options: {
    lines?: PurchaseOrderLine[];
    channels?: OrderChannel[];
    supplier?: SupplierContact;
    log?: OrderEvent[];
    appId?: string;
    orderNumber?: string;
  } = {},
): PurchaseOrder {
  const appId = options.appId ?? '12';
  return {
    orderNumber: options.orderNumber ?? ORDER_NUMBER,
    appId,
    groupKey: `${appId}|S-001|`,
    supplier: options.supplier ?? SUPPLIER_WITH_FAX,
    channels: options.channels ?? [EMAIL_CHANNEL],
    company: {
      name: '株式会社デモ商事',
      address: '東京都千代田区丸の内1-1-1',
      phone: '03-0000-1111',
      email: 'purchasing@demo-shoji.example.jp',
    },
    createdAt: ORDERED_AT,
    dueAt: ORDERED_AT,
    reflectedInKintone: false,
    lines: options.lines ?? [orderLine({ appId })],
    log: [{ kind: 'created', at: ORDERED_AT, by: 'n-1' }, SEALED, ...(options.log ?? [])],
  };
}

/** The events of an order's log after its creation and seal. */
export function eventsAfterSeal(order: PurchaseOrder): OrderEvent[] {
  const sealAt = order.log.findIndex((event) => event.kind === 'sealed');
  return order.log.slice(sealAt + 1);
}

/**
 * The orders by number, `get` and `append` with the order store's rules (`assertAppendable`:
 * a second seal or close changes nothing), for the use cases that only read and append; the
 * whole store is `InMemoryBridgeState` (test/fakes/in-memory-order-store). Appends are recorded
 * in `appended`; errors queued in `appendFailures` are thrown by the next appends, one each.
 */
export class PurchaseOrderBook implements Pick<OrderStore, 'get' | 'append'> {
  readonly orders = new Map<string, PurchaseOrder>();
  readonly appended: { orderNumber: string; event: OrderEvent }[] = [];
  readonly appendFailures: Error[] = [];

  constructor(...orders: PurchaseOrder[]) {
    for (const order of orders) this.orders.set(order.orderNumber, structuredClone(order));
  }

  async get(orderNumber: string): Promise<PurchaseOrder | undefined> {
    const order = this.orders.get(orderNumber);
    return order && structuredClone(order);
  }

  async append(orderNumber: string, event: OrderEvent): Promise<PurchaseOrder> {
    const failure = this.appendFailures.shift();
    if (failure) throw failure;
    const order = this.orders.get(orderNumber);
    if (!order) throw new UnknownOrderError(orderNumber);
    if (assertAppendable(order, event) === 'append') order.log.push(structuredClone(event));
    this.appended.push({ orderNumber, event: structuredClone(event) });
    return structuredClone(order);
  }

  /** The order as stored now. */
  current(orderNumber = ORDER_NUMBER): PurchaseOrder {
    const order = this.orders.get(orderNumber);
    if (!order) throw new Error(`no order ${orderNumber}`);
    return structuredClone(order);
  }

  /** The kinds appended so far, in order. */
  kinds(): OrderEvent['kind'][] {
    return this.appended.map((entry) => entry.event.kind);
  }
}
