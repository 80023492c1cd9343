/**
 * The local stack's learning report (issue 14): `GET /report` renders what the bridge learned
 * from the local data as HTML (the page `npm run report` writes for a deployed bridge), and
 * `GET /report.json` the same view model for scripts. Read-only; the page has no script and
 * its policy allows only its own stylesheet.
 *
 * @module
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  learningReportHeaders,
  renderLearningReportPage,
} from '../shared/documents/learning-report-page';
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
  const html = async (): Promise<APIGatewayProxyStructuredResultV2> => ({
    statusCode: 200,
    headers: learningReportHeaders(),
    body: renderLearningReportPage(await options.build(now()), {
      timeZone: options.timeZone,
      source: 'ローカル環境',
    }),
  });
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
