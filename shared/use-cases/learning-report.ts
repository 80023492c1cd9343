/**
 * The learning report (issue 14): a plain view model of what the bridge learned, for the HTML
 * report page and the command that writes it for a deployed bridge. Plain data only (strings,
 * numbers, arrays): a page renders it without knowing the store, kintone or the domain.
 *
 * The types come first and stay compatible: the report page is built on them.
 */
import { compareShadow, type ShadowOrderRecord } from '../domain/learning';
import type { PurchaseOrder } from '../domain/purchase-order';
import type { ItemStockObservation } from '../ports/stock-history';
import { learnApp, scorecardsOf, type LearnDeps, type LearnedItem } from './learn-reorder-points';

/** One point of an item's stock over time. */
export interface LearningReportStockPoint {
  /** ISO 8601 instant. */
  at: string;
  /** On hand after the change. */
  quantity: number;
  /** Why the stock changed, when known: a goods receipt or a staff correction. */
  cause?: 'receipt' | 'correction';
}

/** One order of an item: placed (sent), or, in shadow mode, one the bridge would have placed. */
export interface LearningReportOrder {
  /** ISO 8601 instant. */
  at: string;
  quantity: number;
  /** `placed`: sent by the bridge or set by staff; `shadow`: recorded only, never sent. */
  kind: 'placed' | 'shadow';
  /** The order number when one exists. */
  orderNumber?: string;
}

/** What the learning suggests for an item, or why it suggests nothing yet. */
export type LearningReportSuggestion =
  | {
      kind: 'suggestion';
      /** 推奨発注点. */
      reorderPoint: number;
      /** 推奨最大在庫. */
      orderUpTo: number;
      /** 推定リードタイム, business days. */
      leadTimeDays: number;
      safetyStock: number;
      serviceLevel: number;
      /** One Japanese line for staff. */
      reason: string;
    }
  | {
      kind: 'no-suggestion';
      code: 'short-history' | 'few-demand-days' | 'no-demand';
      reason: string;
    };

/** One item of the report. */
export interface LearningReportItem {
  appId: string;
  itemId: string;
  sku: string;
  /** 品名 when the bridge saw it; the SKU otherwise. */
  name: string;
  supplierCode: string;
  /** Stock over time, oldest first. */
  series: LearningReportStockPoint[];
  /** The reorder point staff set (発注点), as last seen; undefined when never seen. */
  reorderPoint: number | undefined;
  /** The maximum stock staff set (最大在庫), as last seen. */
  maxStock: number | undefined;
  suggestion: LearningReportSuggestion;
  /** Orders of the item, oldest first (placed and, in shadow mode, would-be). */
  orders: LearningReportOrder[];
}

/** A supplier's scorecard. */
export interface LearningReportSupplier {
  supplierCode: string;
  orders: number;
  /** Orders judged for on-time-in-full (complete, or past their desired date). */
  judged: number;
  onTimeInFull: number;
  /** 0–1; undefined when nothing is judged yet. */
  otifRate: number | undefined;
  answered: number;
  medianAnswerHours: number | undefined;
  /** Lead time in business days, learned from receipts; undefined without receipts. */
  leadTime:
    | { receipts: number; mean: number; ewma: number; lastThree: number; standardDeviation: number }
    | undefined;
}

/** Shadow mode: what the bridge would have ordered against what was actually ordered, per item. */
export interface LearningReportShadowItem {
  appId: string;
  sku: string;
  shadow: { count: number; quantity: number };
  actual: { count: number; quantity: number };
  matched: number;
  onlyShadow: number;
  onlyActual: number;
  /** Median hours (actual − would-be): positive when staff ordered later than the bridge would. */
  medianTimingHours: number | undefined;
  /** Median quantity (actual − would-be) over matched pairs. */
  medianQuantityDifference: number | undefined;
}

/** The whole report. */
export interface LearningReport {
  /** ISO instant the report was built at. */
  generatedAt: string;
  items: LearningReportItem[];
  suppliers: LearningReportSupplier[];
  shadow: LearningReportShadowItem[];
}

/** What the report reads. */
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
  const suppliers = scorecardsOf(deps, [...orders.values()], now).map(
    (card): LearningReportSupplier => ({
      supplierCode: card.supplierCode,
      orders: card.orders,
      judged: card.judged,
      onTimeInFull: card.onTimeInFull,
      otifRate: card.otifRate,
      answered: card.answered,
      medianAnswerHours: card.medianAnswerHours,
      leadTime: card.leadTime
        ? {
            receipts: card.leadTime.receipts,
            mean: card.leadTime.mean,
            ewma: card.leadTime.ewma,
            lastThree: card.leadTime.lastThree,
            standardDeviation: card.leadTime.standardDeviation,
          }
        : undefined,
    }),
  );
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
        : { kind: 'no-suggestion', code: item.result.code, reason: item.result.reason },
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
