/**
 * What the learning report page shows (issue 14): the view model the use case
 * `buildLearningReport` (shared/use-cases/learning-report.ts) returns, declared here with the page
 * because documents may not import use cases (shared/README.md); the use case re-exports them.
 * Plain data only: the page renders it without knowing the store, kintone or the domain.
 */

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
