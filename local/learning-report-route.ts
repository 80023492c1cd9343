/**
 * The local stack's learning report (issue 14): `GET /report` renders what the bridge learned
 * from the local data as HTML (the page `npm run report` writes for a deployed bridge), 50
 * items a page, filtered by `q` (part of the 品番 or 品名) and `supplier` (its code), with
 * `page` for the page; `GET /report.json` the whole view model for scripts. Read-only; the page
 * has no script and its policy allows only its own stylesheet and forms to itself.
 *
 * @module
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  learningReportHeaders,
  renderLearningReportPage,
} from '../shared/documents/learning-report-page';
import {
  MAX_REPORT_QUERY_LENGTH,
  type LearningReportFilter,
} from '../shared/documents/learning-report-selection';
import type { LearningReport } from '../shared/documents/learning-report-view';
import type { LocalRoute } from './http-bridge';

export const LEARNING_REPORT_PATH = '/report';
export const LEARNING_REPORT_JSON_PATH = '/report.json';
const FUNCTION_NAME = 'stock-alert-bridge-local-report';

/** Options of {@link learningReportRoutes}. */
export interface LearningReportRouteOptions {
  /** Builds the report as of `now` (the use case `buildLearningReport` over the local stores). */
  build: (now: Date) => Promise<LearningReport>;
  /** Zone the times are shown in (the configuration's `timeZone`). */
  timeZone: string;
  now?: () => Date;
}

/**
 * @example
 * routes: [...learningReportRoutes({ build: (now) => buildLearningReport(deps, now), timeZone })]
 */
export function learningReportRoutes(options: LearningReportRouteOptions): LocalRoute[] {
  const now = options.now ?? (() => new Date());
  const html = async (
    event: APIGatewayProxyEventV2,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const filter = filterOf(event.queryStringParameters ?? {});
    if (typeof filter === 'string') {
      return {
        statusCode: 400,
        headers: {
          'content-type': 'text/plain; charset=utf-8',
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-store',
        },
        body: `${filter}\n`,
      };
    }
    return {
      statusCode: 200,
      headers: learningReportHeaders({ forms: true }),
      body: renderLearningReportPage(await options.build(now()), {
        timeZone: options.timeZone,
        source: 'ローカル環境',
        filter,
        browsePath: LEARNING_REPORT_PATH,
      }),
    };
  };
  const json = async (): Promise<APIGatewayProxyStructuredResultV2> => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(await options.build(now()), null, 2),
  });
  return [
    { method: 'GET', path: LEARNING_REPORT_PATH, functionName: FUNCTION_NAME, handler: html },
    { method: 'GET', path: LEARNING_REPORT_JSON_PATH, functionName: FUNCTION_NAME, handler: json },
  ];
}

/** The filter in the query string, or what is wrong with it (in Japanese, for the reader). */
export function filterOf(
  parameters: Readonly<Record<string, string | undefined>>,
): LearningReportFilter | string {
  const { q, supplier, page } = parameters;
  if (q !== undefined && q.length > MAX_REPORT_QUERY_LENGTH) {
    return `品番・品名の条件は ${MAX_REPORT_QUERY_LENGTH} 文字までです。`;
  }
  if (supplier !== undefined && supplier.length > MAX_REPORT_QUERY_LENGTH) {
    return `仕入先コードは ${MAX_REPORT_QUERY_LENGTH} 文字までです。`;
  }
  if (page !== undefined && !/^[1-9]\d{0,5}$/.test(page)) {
    return `ページ番号が読み取れません: ${page.slice(0, 20)}（1 以上の整数）`;
  }
  return {
    ...(q === undefined ? {} : { query: q }),
    ...(supplier === undefined ? {} : { supplier }),
    ...(page === undefined ? {} : { page: Number(page) }),
  };
}
