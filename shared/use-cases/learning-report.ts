/**
 * The learning report (issue 14): a plain view model of what the bridge learned, for the HTML
 * report page and the command that writes it for a deployed bridge. Plain data only (strings,
 * numbers, arrays): a page renders it without knowing the store or kintone.
 *
 * The view model's types are the page's (shared/documents/learning-report-view.ts).
 */
import { compareShadow, type ShadowOrderRecord } from '../domain/learning';
import type { PurchaseOrder } from '../domain/purchase-order';
import type { ItemStockObservation } from '../ports/stock-history';
import type {
  LearningReport,
  LearningReportItem,
  LearningReportOrder,
  LearningReportShadowItem,
} from '../documents/learning-report-view';
import { learnApp, scorecardsOf, type LearnDeps, type LearnedItem } from './learn-reorder-points';

// The view model is declared with the page that renders it (documents may not import use cases).
export type {
  LearningReport,
  LearningReportItem,
  LearningReportOrder,
  LearningReportShadowItem,
  LearningReportStockPoint,
  LearningReportSuggestion,
  LearningReportSupplier,
} from '../documents/learning-report-view';

export type LearningReportDeps = Pick<
  LearnDeps,
  'config' | 'stockHistory' | 'orders' | 'calendars'
>;

/**
 * The learning report at `now`: per item of every app that learns, its stock over time, the
 * levels staff set and the suggestion, and its orders; per supplier the scorecard; and shadow
 * mode's comparison. Reads only (the history, and the orders it names).
 *
 * @example
 * const report = await buildLearningReport({ config, stockHistory, orders, calendars }, new Date());
 * report.items[0]; // { sku: 'A-100', series: [...], reorderPoint: 20, suggestion: { kind: 'suggestion', reorderPoint: 26, … }, … }
 */
export async function buildLearningReport(
  deps: LearningReportDeps,
  now: Date,
): Promise<LearningReport> {
  const items: LearningReportItem[] = [];
  const shadow: LearningReportShadowItem[] = [];
  const orders = new Map<string, PurchaseOrder>();
  for (const app of deps.config.apps) {
    const learned = await learnApp(deps, app, now);
    if (!learned) continue;
    for (const order of learned.orders) orders.set(order.orderNumber, order);
    const wouldBe: ShadowOrderRecord[] = [];
    const actual: ShadowOrderRecord[] = [];
    for (const item of learned.items) {
      const view = itemView(item);
      items.push(view);
      for (const order of view.orders) {
        (order.kind === 'shadow' ? wouldBe : actual).push({
          sku: item.sku,
          at: order.at,
          quantity: order.quantity,
        });
      }
    }
    if (wouldBe.length > 0) {
      shadow.push(
        ...compareShadow(wouldBe, actual).map((comparison) => ({
          appId: app.appId,
          ...comparison,
        })),
      );
    }
  }
  const suppliers = scorecardsOf(deps, [...orders.values()], now);
  return { generatedAt: now.toISOString(), items, suppliers, shadow };
}

function itemView(item: LearnedItem): LearningReportItem {
  const last = item.observations[item.observations.length - 1];
  return {
    appId: item.appId,
    itemId: item.itemId,
    sku: item.sku,
    name: item.name,
    supplierCode: item.supplierCode,
    series: item.observations.map((observation) => ({
      at: observation.at,
      quantity: observation.quantity,
      ...(observation.cause ? { cause: observation.cause.kind } : {}),
    })),
    reorderPoint: last?.reorderPoint,
    maxStock: last?.maxStock,
    suggestion:
      item.result.kind === 'suggestion'
        ? {
            kind: 'suggestion',
            reorderPoint: item.result.reorderPoint,
            orderUpTo: item.result.orderUpTo,
            leadTimeDays: item.result.leadTimeDays,
            safetyStock: item.result.safetyStock,
            serviceLevel: item.result.serviceLevel,
            reason: item.result.reason,
          }
        : item.result,
    orders: ordersOf(item.observations),
  };
}

/**
 * An item's orders from its observations: each order the bridge placed once (a retried
 * notification records it again), each shortage of shadow mode once (the first of a run of
 * observations that would order: the next notifications of the same shortage would order too),
 * and the orders staff entered themselves (an order number on the record the bridge never
 * placed), with the quantity on order the record showed then.
 */
export function ordersOf(observations: readonly ItemStockObservation[]): LearningReportOrder[] {
  const orders: LearningReportOrder[] = [];
  const placed = new Set<string>();
  for (const observation of observations) {
    if (observation.ordered) placed.add(observation.ordered.orderNumber);
  }
  const seen = new Set<string>();
  let short = false;
  for (const observation of observations) {
    const { ordered, wouldOrder, recordedOrder } = observation;
    if (ordered && !seen.has(ordered.orderNumber)) {
      seen.add(ordered.orderNumber);
      orders.push({
        at: observation.at,
        quantity: ordered.quantity,
        kind: 'placed',
        orderNumber: ordered.orderNumber,
      });
    }
    if (wouldOrder && !short) {
      orders.push({ at: observation.at, quantity: wouldOrder.quantity, kind: 'shadow' });
    }
    short = wouldOrder !== undefined;
    if (
      recordedOrder &&
      !placed.has(recordedOrder.orderNumber) &&
      !seen.has(recordedOrder.orderNumber)
    ) {
      seen.add(recordedOrder.orderNumber);
      const at = recordedOrder.orderedAt;
      orders.push({
        at:
          at !== undefined && !Number.isNaN(Date.parse(at))
            ? new Date(at).toISOString()
            : observation.at,
        quantity: observation.onOrder ?? 0,
        kind: 'placed',
        orderNumber: recordedOrder.orderNumber,
      });
    }
  }
  return orders.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
