import { findApp, loadConfigFile } from '../../shared/config/load-config';
import type { BridgeConfig } from '../../shared/config/schema';
import type { OrderDecision } from '../../shared/domain/decision';
import { localDate } from '../../shared/domain/dates';
import { evaluateReorder } from '../../shared/domain/evaluate-reorder';
import type { ItemSnapshot, SupplierContact } from '../../shared/domain/item';
import type { OrderRequest } from '../../shared/domain/order';
import { isRecordNotification, notificationSchema } from '../../shared/kintone/notification';
import { mapRecord } from '../../shared/kintone/record-mapper';
import { DEMO_CONFIG_PATH, loadWebhookFixture } from '../fixtures/kintone-webhooks';

/**
 * The 発注依頼 for an order decision: what the supplier receives by email or fax. Built once
 * when the order is created and stored with it, so every retry and every channel sends exactly
 * the same request.
 *
 * @param supplierPageUrl the signed order page (see {@link OrderLinkSigner}), when the
 *   deployment has one: the email links it, the fax prints it.
 * @example
 * const request = buildOrderRequest(item, decision, 'PO-20261128-0001', config, new Date());
 */
export function buildOrderRequest(
  item: ItemSnapshot,
  decision: OrderDecision,
  orderNumber: string,
  config: BridgeConfig,
  now: Date,
  supplierPageUrl?: string,
): OrderRequest {
  return {
    ...requestFrame(orderNumber, config, now, supplierPageUrl),
    desiredDeliveryDate: decision.desiredDeliveryDate,
    supplier: item.supplier,
    lines: [{ sku: item.sku, name: item.name, quantity: decision.quantity, unit: item.unit }],
    reason: decision.reason,
  };
}

/** What every request carries whatever its lines: number, dates, the ordering company, link. */
function requestFrame(
  orderNumber: string,
  config: BridgeConfig,
  now: Date,
  supplierPageUrl: string | undefined,
): Pick<OrderRequest, 'orderNumber' | 'orderedAt' | 'orderDate' | 'company' | 'supplierPageUrl'> {
  return {
    orderNumber,
    orderedAt: now.toISOString(),
    orderDate: localDate(now, config.timeZone),
    company: config.company,
    ...(supplierPageUrl !== undefined ? { supplierPageUrl } : {}),
  };
}

/** One row due for ordering: its item (mapped from the row) and its decision. */
export interface DueRow {
  rowId: string;
  item: ItemSnapshot;
  decision: OrderDecision;
}

/**
 * The 発注依頼 for several SUBTABLE rows due for one supplier: one line per row, each keeping
 * its row id and its own reason. The desired delivery date is the latest of the rows', so every
 * line can come in one delivery; the request's reason lists each line's.
 *
 * @example
 * const request = buildRowsOrderRequest(dueRows, supplier, 'PO-20261129-0001', config, new Date());
 */
export function buildRowsOrderRequest(
  rows: readonly DueRow[],
  supplier: SupplierContact,
  orderNumber: string,
  config: BridgeConfig,
  now: Date,
  supplierPageUrl?: string,
): OrderRequest {
  const [first] = rows;
  if (!first) throw new Error('an order needs at least one row');
  const desiredDeliveryDate = rows
    .map((row) => row.decision.desiredDeliveryDate)
    .reduce((latest, date) => (date > latest ? date : latest));
  return {
    ...requestFrame(orderNumber, config, now, supplierPageUrl),
    desiredDeliveryDate,
    supplier,
    lines: rows.map(({ rowId, item, decision }) => ({
      sku: item.sku,
      name: item.name,
      quantity: decision.quantity,
      unit: item.unit,
      rowId,
      reason: decision.reason,
    })),
    reason:
      rows.length === 1
        ? first.decision.reason
        : rows.map(({ item, decision }) => `${item.sku}: ${decision.reason}`).join('\n'),
  };
}

/**
 * The order the bridge builds from update-record-low.json with config/demo.json, through the
 * same steps as the dispatch function (A-100 at 18 of 20 -> 84 本, delivery in 3 days), as
 * PO-20261128-0001 on 2026-11-28.
 *
 * @param supplierPageUrl the supplier page link, for a form that carries the QR code.
 * @example
 * const request = demoOrderRequest('https://orders.example.com/o/PO-20261128-0001?sig=abc');
 */
export function demoOrderRequest(supplierPageUrl?: string): OrderRequest {
  const config = loadConfigFile(DEMO_CONFIG_PATH);
  const notification = notificationSchema.parse(loadWebhookFixture('update-record-low.json'));
  if (!isRecordNotification(notification)) throw new Error('fixture is not a record notification');
  const app = findApp(config, notification.app.id);
  if (app === undefined) throw new Error('demo config lacks the fixture app');
  const mapped = mapRecord(notification.record, app);
  if (!mapped.ok) throw new Error(`fixture does not map: ${mapped.problems.join(', ')}`);
  const now = new Date('2026-11-28T02:15:00Z');
  const decision = evaluateReorder({
    mapped,
    state: {},
    notification: { id: notification.id, revision: mapped.item.revision },
    policy: { closedStatuses: app.statuses.closed, timeZone: config.timeZone },
    now,
  });
  if (decision.kind !== 'order') throw new Error(`fixture decision is ${decision.kind}`);
  return buildOrderRequest(mapped.item, decision, 'PO-20261128-0001', config, now, supplierPageUrl);
}
