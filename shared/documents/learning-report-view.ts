import type {
  NoSuggestion,
  ReorderSuggestion,
  ShadowComparison,
  SupplierScorecard,
} from '../domain/learning';

/**
 * What the learning report page shows (issue 14): the view model the use case
 * `buildLearningReport` (shared/use-cases/learning-report.ts) returns, declared here with the page
 * because documents may not import use cases (shared/README.md); the use case re-exports them.
 * Plain data only: the page renders it without knowing the store or kintone. Where the report
 * shows a domain result as it is (a suggestion, a scorecard, a shadow comparison), its type is
 * the domain's, so the two cannot drift apart.
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

/**
 * What the learning suggests for an item, or why it suggests nothing yet: the domain's result
 * without its working (z, the unrounded values).
 */
export type LearningReportSuggestion =
  | Pick<
      ReorderSuggestion,
      | 'kind'
      | 'reorderPoint'
      | 'orderUpTo'
      | 'leadTimeDays'
      | 'safetyStock'
      | 'serviceLevel'
      | 'reason'
    >
  | NoSuggestion;

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

/** A supplier's scorecard, as the domain scores it. */
export type LearningReportSupplier = SupplierScorecard;

/** Shadow mode: what the bridge would have ordered against what was actually ordered, per item. */
export interface LearningReportShadowItem extends ShadowComparison {
  appId: string;
}

/** The whole report. */
export interface LearningReport {
  /** ISO instant the report was built at. */
  generatedAt: string;
  items: LearningReportItem[];
  suppliers: LearningReportSupplier[];
  shadow: LearningReportShadowItem[];
}
