import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { calendarFromConfig } from '../../shared/adapters/calendar/calendar-from-config';
import { createDocumentClient } from '../../shared/adapters/dynamodb/bridge-table';
import { DynamoDbOrderStore } from '../../shared/adapters/dynamodb/dynamodb-order-store';
import { DynamoDbStockHistory } from '../../shared/adapters/dynamodb/dynamodb-stock-history';
import type { BridgeConfig } from '../../shared/config/schema';
import {
  selectReportItems,
  type LearningReportFilter,
} from '../../shared/documents/learning-report-selection';
import { renderLearningReportPage } from '../../shared/documents/learning-report-page';
import type { LearningReport } from '../../shared/documents/learning-report-view';
import { buildLearningReport } from '../../shared/use-cases/learning-report';

/** Where the report's data is: a bridge table (deployed, or the local stack's dynalite). */
export interface LearningReportSource {
  config: BridgeConfig;
  client: DynamoDBClient;
  tableName: string;
  /** Shown under the page's heading: the table and region, or the local stack. */
  label: string;
}

/** What {@link writeLearningReportFile} wrote. */
export interface WrittenLearningReport {
  path: string;
  /** Items written: those the filter matches. */
  items: number;
  /** Items in the report before the filter. */
  total: number;
  suppliers: number;
  shadowItems: number;
}

/**
 * The learning report of a bridge table, by the use case over the table's stock history and
 * orders: what the local stack's `/report` serves and `npm run report` writes. Reads only.
 *
 * @example
 * const report = await learningReportOfTable({ config, client, tableName }, new Date());
 */
export function learningReportOfTable(
  source: Pick<LearningReportSource, 'config' | 'client' | 'tableName'>,
  now: Date,
): Promise<LearningReport> {
  const client = createDocumentClient(source.client);
  return buildLearningReport(
    {
      config: source.config,
      stockHistory: new DynamoDbStockHistory({ client, tableName: source.tableName }),
      orders: new DynamoDbOrderStore({ client, tableName: source.tableName }),
      calendars: calendarFromConfig(source.config),
    },
    now,
  );
}

/**
 * Builds the learning report from a bridge table ({@link learningReportOfTable}) and writes the
 * page to `out` (folders created).
 *
 * @example
 * await writeLearningReportFile({ config, client, tableName, label: tableName }, 'report.html', new Date());
 */
export async function writeLearningReportFile(
  source: LearningReportSource,
  out: string,
  now: Date,
  filter: LearningReportFilter = {},
): Promise<WrittenLearningReport> {
  const report = await learningReportOfTable(source, now);
  const path = resolve(out);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(
    path,
    renderLearningReportPage(report, {
      timeZone: source.config.timeZone,
      source: source.label,
      filter,
    }),
  );
  return {
    path,
    items: selectReportItems(report, { ...filter, pageSize: Number.POSITIVE_INFINITY }).matching,
    total: report.items.length,
    suppliers: report.suppliers.length,
    shadowItems: report.shadow.length,
  };
}
