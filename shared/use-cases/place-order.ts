import type { AppConfig } from '../config/schema';
import type { OrderChannel } from '../domain/channels';
import { localDate } from '../domain/dates';
import type { SupplierContact } from '../domain/item';
import type { OrderRequest } from '../domain/order';
import { NO_METRICS } from '../ports/bridge-metrics';
import type { ItemKey, OrderRows, StoredOrder } from '../ports/bridge-store';
import type { DispatchDeps } from './process-notification';

/** An order about to be created: where it is kept, whom it goes to and how, what it says. */
export interface NewOrder {
  /** The item (or lead row) the order is kept at, and its cycle. */
  key: ItemKey;
  cycle: number;
  supplier: SupplierContact;
  channels: OrderChannel[];
  /** Builds the request once the number and the supplier page link are known. */
  request: (orderNumber: string, supplierPageUrl: string | undefined) => OrderRequest;
  notificationId: string;
  /** Set for an order of table rows. */
  rows?: OrderRows;
}

/**
 * Creates an order: allocates its number, signs the supplier page link, and stores it with a
 * conditional write, so that of a retry (or a concurrent twin) for the same cycle only one is
 * created; the other gets the stored order back. Counts OrdersCreated.
 */
export async function placeOrder(
  order: NewOrder,
  app: AppConfig,
  deps: Pick<DispatchDeps, 'config' | 'store' | 'orderLinks' | 'metrics' | 'logger'>,
  now: Date,
): Promise<StoredOrder> {
  const orderNumber = await deps.store.allocateOrderNumber(
    deps.config.orderNumberPrefix,
    localDate(now, deps.config.timeZone),
  );
  const supplierPageUrl = await deps.orderLinks?.sign(orderNumber, order.supplier, now);
  const { order: stored, created } = await deps.store.createOrder({
    appId: order.key.appId,
    recordId: order.key.recordId,
    cycle: order.cycle,
    status: 'open',
    channels: order.channels,
    request: order.request(orderNumber, supplierPageUrl),
    reflectedInKintone: app.onOrderIncludesBridgeOrders,
    createdAt: now.toISOString(),
    createdByNotificationId: order.notificationId,
    steps: {},
    ...(order.rows ? { rows: order.rows } : {}),
  });
  if (created) (deps.metrics ?? NO_METRICS).count('OrdersCreated');
  deps.logger.info(created ? 'order created' : 'order already existed for this cycle', {
    orderNumber: stored.request.orderNumber,
    cycle: order.cycle,
    ...(order.rows ? { rows: order.rows.members.map((member) => member.rowId) } : {}),
  });
  return stored;
}
