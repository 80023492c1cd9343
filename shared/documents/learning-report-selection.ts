import type { LearningReport, LearningReportItem } from './learning-report-view';

/**
 * Which items of the learning report to show: with a thousand items the whole report is one
 * page of a thousand charts, so the served page filters by 品番 / 品名 and supplier and shows a
 * page of items at a time, and `npm run report` writes the filtered items only.
 */
export interface LearningReportFilter {
  /** Part of the 品番 or 品名, any case and width (ＡＢＣ matches abc). */
  query?: string;
  /** The supplier's code, exactly. */
  supplier?: string;
  /** 1-based; past the last page is the last page. */
  page?: number;
  /** Items per page; {@link DEFAULT_REPORT_PAGE_SIZE} without it. */
  pageSize?: number;
}

/** Items per page of the served report. */
export const DEFAULT_REPORT_PAGE_SIZE = 50;
/** The longest filter text taken: longer is no 品番 or 品名 anyone types. */
export const MAX_REPORT_QUERY_LENGTH = 100;

/** The items of one page, and where the page is among all that match. */
export interface LearningReportSelection {
  items: LearningReportItem[];
  /** Items that match the filter, on every page. */
  matching: number;
  /** Items in the report. */
  total: number;
  page: number;
  pages: number;
  pageSize: number;
  /** The filter as applied (trimmed; empty values left out). */
  filter: { query?: string; supplier?: string };
  /** Every supplier code of the report, sorted, for the filter's choices. */
  suppliers: string[];
}

/** Case- and width-insensitive form for matching (NFKC, then lower case). */
function folded(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/**
 * The page of items `filter` asks for, in the report's order.
 *
 * @example
 * selectReportItems(report, { query: 'a-1', page: 2 }); // items 51–100 of those whose 品番 or 品名 holds "a-1"
 */
export function selectReportItems(
  report: Pick<LearningReport, 'items'>,
  filter: LearningReportFilter = {},
): LearningReportSelection {
  const query = filter.query?.trim().slice(0, MAX_REPORT_QUERY_LENGTH) || undefined;
  const supplier = filter.supplier?.trim() || undefined;
  const needle = query === undefined ? undefined : folded(query);
  const matching = report.items.filter(
    (item) =>
      (supplier === undefined || item.supplierCode === supplier) &&
      (needle === undefined ||
        folded(item.sku).includes(needle) ||
        folded(item.name).includes(needle)),
  );
  const pageSize = Math.max(1, Math.floor(filter.pageSize ?? DEFAULT_REPORT_PAGE_SIZE));
  const pages = Math.max(1, Math.ceil(matching.length / pageSize));
  const page = Math.min(Math.max(1, Math.floor(filter.page ?? 1)), pages);
  return {
    items: matching.slice((page - 1) * pageSize, page * pageSize),
    matching: matching.length,
    total: report.items.length,
    page,
    pages,
    pageSize,
    filter: {
      ...(query === undefined ? {} : { query }),
      ...(supplier === undefined ? {} : { supplier }),
    },
    suppliers: [...new Set(report.items.map((item) => item.supplierCode))].sort(),
  };
}
