import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDocumentClient } from '../shared/adapters/dynamodb/bridge-table';
import { DynamoDbProcessedNotifications } from '../shared/adapters/dynamodb/dynamodb-processed-notifications';
import { demoInventoryApp } from '../local/kintone/demo-app';
import type { RestCallLogEntry } from '../local/kintone/local-kintone';
import { startLocalStack, TABLE_NAME, type LocalStack } from '../local/stack';
import type { SweepRunResult } from '../functions/sweep/handler';
import { errorText } from './lib/cli';
import { formatTable } from './lib/stats';

/**
 * The sweep through the local stack: kintone calls per sweep for 100, 1,000 and 10,000 item
 * records in app 12, most of which need nothing.
 *
 * Per size: the stack starts (demo configuration: apps 12 and 15, the sweep driven by hand), and
 * N item records are written into the local kintone's record store directly, as one CSV-style
 * import (`importRecords`: no webhook, one write of the data file; N REST calls would take
 * minutes at 10,000 and are not what is measured). The bridge is then told it has processed
 * every record at its revision (the items' states written straight to dynalite), as after a
 * day of webhooks. Then, per size:
 *
 * 1. "steady": a sweep over the unchanged app (nothing to queue);
 * 2. "after import": another CSV-style import lowers 1 % of the items below their reorder point
 *    (at least one), and a sweep orders them; its write calls are the orders' write-backs;
 * 3. "again": a sweep right after (the write-backs' new revisions go through the pipeline,
 *    which finds the items on order and writes nothing).
 *
 * Read calls are the cursor API's (POST, GET and DELETE records/cursor.json), for both apps;
 * app 15 (one site record) adds 2 to every sweep. Other reads are the GETs the sweep's
 * notifications made (the supplier master when an order is due); write calls are the rest
 * (write-backs and comments). Time is from the sweep's
 * start until the stack is idle (every queued notification processed).
 *
 *   npx tsx scripts/bench-sweep.ts   (npm run bench:sweep)
 */

const APP = '12';
const SIZES = [100, 1_000, 10_000];
/** Share of the items that an import drops below their reorder point. */
const SHORT_SHARE = 0.01;
/** A demo item of one supplier: reorder point 10, a fixed quantity of 20. */
const TEMPLATE = demoInventoryApp.seed?.find((seed) => seed['品番'] === 'B-200') ?? {};
const CURSOR_PATH = '/k/v1/records/cursor.json';

interface PhaseFigures {
  phase: string;
  records: number;
  queued: number;
  shortages: number;
  readCalls: number;
  readCallsApp12: number;
  /** Other reads the sweep's notifications made (the supplier master, a table record). */
  otherReads: number;
  writeCalls: number;
  ms: number;
}

function local(stack: LocalStack) {
  if (!stack.kintone) throw new Error('the bench runs the local kintone');
  return stack.kintone;
}

function recordsOf(count: number, start: number) {
  return Array.from({ length: count }, (_, index) => {
    const values: Record<string, string> = {
      ...TEMPLATE,
      品番: `S-${String(start + index).padStart(6, '0')}`,
      品名: `ベンチ品目 ${start + index}`,
      在庫数: '50',
    };
    return {
      record: Object.fromEntries(Object.entries(values).map(([code, value]) => [code, { value }])),
    };
  });
}

/** Marks every record of the app as processed at its current revision (as after its webhooks). */
async function primeProcessed(stack: LocalStack): Promise<void> {
  const processed = new DynamoDbProcessedNotifications({
    client: createDocumentClient(stack.dynamo.client),
    tableName: TABLE_NAME,
  });
  const records = local(stack).records(APP);
  const at = new Date().toISOString();
  for (let start = 0; start < records.length; start += 50) {
    await Promise.all(
      records.slice(start, start + 50).map((record) =>
        processed.complete({
          notificationId: `bench-${String(record.$id?.value)}-${String(record.$revision?.value)}`,
          key: { appId: APP, recordId: String(record.$id?.value) },
          revision: Number(record.$revision?.value),
          decision: { kind: 'no-order', reason: 'bench' },
          at,
        }),
      ),
    );
  }
}

async function measure(stack: LocalStack, phase: string): Promise<PhaseFigures> {
  const kintone = local(stack);
  const before = kintone.requestLog().length;
  const started = performance.now();
  const result: SweepRunResult = await stack.runSweep();
  await stack.idle();
  const ms = performance.now() - started;
  if ('disabled' in result) throw new Error('the sweep is switched off');
  const calls: RestCallLogEntry[] = kintone.requestLog().slice(before);
  const reads = calls.filter((call) => call.path === CURSOR_PATH);
  return {
    phase,
    records: result.records,
    queued: result.queued,
    shortages: result.shortages,
    readCalls: reads.length,
    readCallsApp12: reads.filter((call) => call.app === APP).length,
    otherReads: calls.filter((call) => call.path !== CURSOR_PATH && call.method === 'GET').length,
    writeCalls: calls.filter((call) => call.path !== CURSOR_PATH && call.method !== 'GET').length,
    ms,
  };
}

async function benchSize(size: number): Promise<PhaseFigures[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sab-bench-sweep-'));
  const stack = await startLocalStack({
    dataDir,
    configPath: 'config/demo.json',
    env: {},
    ports: { bridge: 0, kintone: 0, ses: 0, sesProxy: 0, dynamodb: 0, fax: 0 },
    queue: { visibilityTimeoutMs: 5_000, maxReceiveCount: 5, pollIntervalMs: 5 },
    logLevel: 'SILENT',
    scheduler: { intervalMs: false },
    sweep: { intervalMs: false },
  });
  try {
    const kintone = local(stack);
    // The demo's six seed records stay; N more are imported (the table counts app 12's).
    kintone.importRecords(APP, recordsOf(size - kintone.records(APP).length, 1));
    await primeProcessed(stack);
    // App 15's site record is processed by the first sweep; "steady" starts after it.
    await stack.runSweep();
    await stack.idle();

    const figures = [await measure(stack, 'steady')];
    const shortCount = Math.max(1, Math.round(size * SHORT_SHARE));
    const victims = kintone
      .records(APP)
      .filter((record) => String(record['品番']?.value).startsWith('S-'))
      .slice(0, shortCount);
    kintone.importRecords(
      APP,
      victims.map((record) => ({
        id: String(record.$id?.value),
        record: { 在庫数: { value: '3' } },
      })),
    );
    figures.push(await measure(stack, `after import (${shortCount} short)`));
    figures.push(await measure(stack, 'again'));
    return figures;
  } finally {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  for (const size of SIZES) {
    for (const figures of await benchSize(size)) {
      rows.push([
        size.toLocaleString('en-US'),
        figures.phase,
        String(figures.queued),
        String(figures.shortages),
        `${figures.readCallsApp12} + ${figures.readCalls - figures.readCallsApp12}`,
        String(Math.ceil(size / 500) + 1),
        String(figures.otherReads),
        String(figures.writeCalls),
        `${(figures.ms / 1000).toFixed(2)} s`,
      ]);
    }
  }
  process.stdout.write(
    `${formatTable(
      [
        'records (app 12)',
        'sweep',
        'queued',
        'shortages',
        'read calls (app 12 + app 15)',
        'ceil(N/500)+1',
        'other reads',
        'write calls',
        'time',
      ],
      rows,
    )}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${errorText(error)}\n`);
  process.exitCode = 1;
});
