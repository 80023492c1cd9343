import { addDays } from './dates';
import type { OrderLine, OrderRequest, ShipToBlock } from './order';
import { lineAmount, orderTotals, type TaxRules } from './pricing';
import {
  activeLines,
  sealOf,
  type PurchaseOrder,
  type PurchaseOrderLine,
  type ShipTo,
} from './purchase-order';

/** What {@link orderRequestOf} needs beyond the order: plain data, no configuration types. */
export interface OrderRequestOptions {
  /** The rates and rounding of 消費税 (the configuration's `tax`). */
  tax: TaxRules;
  /** The ordering company's IANA time zone: the documents read the link's expiry date in it. */
  timeZone: string;
}

/** Why an order cannot be shown to its supplier yet. */
export class OrderNotSendableError extends Error {
  override readonly name = 'OrderNotSendableError';
}

/**
 * The 発注依頼 (the documents' view) of a sealed purchase order: its active lines, the date and
 * link fixed when it was sealed, the ship-to, and the money when every line has a unit price.
 * Pure: the same order renders the same request, so a retry sends exactly the same documents.
 *
 * - Each line's desired delivery date is the one fixed when it was placed (business days, see
 *   `business-calendar`), else the order date plus its lead time; the order's is the
 *   latest of them (every line can come in one delivery). Lines carry their own date only when
 *   the dates differ.
 * - With one line the reason is that line's; with several it lists each line's as
 *   `SKU: reason`, one a line, and each line keeps its own (as the rows orders do).
 * - Amounts round a fraction of a yen by the tax rule; totals exist only when every active line
 *   has a unit price (see `orderTotals`).
 *
 * @throws OrderNotSendableError when the order is not sealed or has no active line.
 * @throws PriceRangeError (a RangeError) when a price or an amount is out of range.
 * @example
 * const request = orderRequestOf(order, { tax: config.tax, timeZone: config.timeZone });
 */
export function orderRequestOf(order: PurchaseOrder, options: OrderRequestOptions): OrderRequest {
  const seal = sealOf(order);
  if (seal === undefined) {
    throw new OrderNotSendableError(`order ${order.orderNumber} is not sealed yet`);
  }
  const lines = activeLines(order);
  if (lines.length === 0) {
    throw new OrderNotSendableError(`order ${order.orderNumber} has no active line`);
  }
  // A line placed with a business calendar carries its date; older lines count calendar days.
  const dates = lines.map(
    (line) => line.desiredDeliveryDate ?? addDays(seal.orderDate, line.leadTimeDays),
  );
  const desiredDeliveryDate = dates.reduce((latest, date) => (date > latest ? date : latest));
  const datesDiffer = dates.some((date) => date !== desiredDeliveryDate);
  const several = lines.length > 1;
  const totals = orderTotals(lines, options.tax);
  return {
    orderNumber: order.orderNumber,
    orderedAt: seal.at,
    orderDate: seal.orderDate,
    desiredDeliveryDate,
    supplier: order.supplier,
    lines: lines.map((line, index) =>
      requestLine(line, options.tax, {
        ...(several ? { reason: line.reason } : {}),
        ...(datesDiffer ? { desiredDeliveryDate: dates[index] } : {}),
      }),
    ),
    company: order.company,
    reason: several
      ? lines.map((line) => `${line.sku}: ${line.reason}`).join('\n')
      : (lines[0]?.reason ?? ''),
    timeZone: options.timeZone,
    ...(seal.supplierPageUrl !== undefined ? { supplierPageUrl: seal.supplierPageUrl } : {}),
    ...(seal.linkExpiresAt !== undefined ? { linkExpiresAt: seal.linkExpiresAt } : {}),
    ...(order.shipTo !== undefined ? { shipTo: shipToBlock(order.shipTo) } : {}),
    ...(totals !== undefined ? { totals } : {}),
  };
}

function requestLine(
  line: PurchaseOrderLine,
  tax: TaxRules,
  extra: Pick<OrderLine, 'reason' | 'desiredDeliveryDate'>,
): OrderLine {
  return {
    lineId: line.lineId,
    sku: line.sku,
    name: line.name,
    quantity: line.quantity,
    unit: line.unit,
    ...(line.item.rowId !== undefined ? { rowId: line.item.rowId } : {}),
    ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
    ...(extra.desiredDeliveryDate !== undefined
      ? { desiredDeliveryDate: extra.desiredDeliveryDate }
      : {}),
    ...(line.unitPrice !== undefined
      ? {
          unitPrice: line.unitPrice,
          amount: lineAmount(line.unitPrice, line.quantity, tax.rounding),
        }
      : {}),
    ...(line.taxClass !== undefined ? { taxClass: line.taxClass } : {}),
  };
}

/** The ship-to as the documents print it (its configuration name is not printed). */
export function shipToBlock(shipTo: ShipTo): ShipToBlock {
  return {
    name: shipTo.name,
    address: shipTo.address,
    ...(shipTo.postalCode !== undefined ? { postalCode: shipTo.postalCode } : {}),
    ...(shipTo.phone !== undefined ? { phone: shipTo.phone } : {}),
    ...(shipTo.contact !== undefined ? { contact: shipTo.contact } : {}),
  };
}
