import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formSaveTable, type TableRowJson } from '../local/kintone/form-save';
import { startLocalStack, type LocalStack } from '../local/stack';
import { errorText } from './lib/cli';
import { formatTable, ms, summarize } from './lib/stats';

/**
 * Items as table rows (app 15) through the local stack: how long a save that drops half the
 * rows below their reorder points takes to become order emails and rows written back, and how
 * many kintone calls it costs, for tables of 3, 20 and 100 rows. Rows alternate between two
 * suppliers, so every measured save makes two orders. For 100 rows, the median is checked
 * against issue 13's goal: a save becomes idle within 300 ms (a goal not met is reported, not
 * an error).
 *
 *   npx tsx scripts/bench-table.ts [--rows 3,20,100]   (npm run bench:table)
 */

const APP = '15';
const TABLE = '在庫明細';
/** `--rows 100` (or `--rows 20,100`) measures only those sizes. */
const SIZES = rowsArgument(process.argv.slice(2)) ?? [3, 20, 100];
const WARMUP_RUNS = 1;
const MEASURED_RUNS = 8;
const SUPPLIERS = ['S-002', 'S-003'];
/** Issue 13: a 100-row table save is idle (emails sent, rows written back) within this, median. */
const GOAL = { rows: 100, medianMs: 300 };

interface Row {
  id?: string;
  value: Record<string, { value: unknown }>;
}

async function main(): Promise<void> {
  const results: string[][] = [];
  const calls: string[] = [];
  let goalMedian: number | undefined;
  for (const size of SIZES) {
    const dataDir = mkdtempSync(join(tmpdir(), 'sab-bench-table-'));
    const stack = await startLocalStack({
      dataDir,
      configPath: 'config/demo.json',
      env: {},
      logLevel: 'SILENT',
      ports: { bridge: 0, kintone: 0, ses: 0, sesProxy: 0, dynamodb: 0, fax: 0 },
    });
    try {
      const client = new KintoneRestAPIClient({
        baseUrl: stack.urls.kintoneBaseUrl,
        auth: { apiToken: stack.urls.siteInventoryApiToken ?? '' },
      });
      await fillTable(client, size);
      await stack.idle();
      const times: number[] = [];
      let perSave = '';
      for (let run = 0; run < WARMUP_RUNS + MEASURED_RUNS; run += 1) {
        const from = stack.kintone?.requestLog().length ?? 0;
        const emailsBefore = (await stack.ses.emails()).length;
        const started = performance.now();
        await saveRows(client, (_row, index): Record<string, string> =>
          index % 2 === 0 ? { 明細_在庫数: '1' } : {},
        );
        await stack.idle();
        const elapsed = performance.now() - started;
        const emails = (await stack.ses.emails()).length - emailsBefore;
        if (emails !== 2) throw new Error(`expected 2 order emails, got ${emails}`);
        if (run >= WARMUP_RUNS) times.push(elapsed);
        perSave = bridgeCalls(stack, from);
        // Goods received: every row back up and its order closed, ready for the next run.
        await saveRows(client, (row): Record<string, string> =>
          row.value['明細_発注番号']?.value ? { 明細_在庫数: '50', 明細_発注状況: '入荷済' } : {},
        );
        await stack.idle();
      }
      const summary = summarize(times);
      if (size === GOAL.rows) goalMedian = summary.median;
      results.push([
        String(size),
        String(Math.ceil(size / 2)),
        ms(summary.median),
        ms(summary.p90),
        ms(summary.min),
        ms(summary.max),
      ]);
      calls.push(`${size} rows: ${perSave}`);
    } finally {
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  process.stdout.write(
    `Save of a site record -> 2 order emails sent and rows written back (stack idle), ms, ${MEASURED_RUNS} runs after ${WARMUP_RUNS} warm-up; load average ${loadavg()[0]?.toFixed(1)}\n\n`,
  );
  process.stdout.write(
    `${formatTable(['rows', 'rows due', 'median', 'p90', 'min', 'max'], results)}\n\n`,
  );
  process.stdout.write(`kintone calls by the bridge for the save (its own echo included):\n`);
  for (const line of calls) process.stdout.write(`  ${line}\n`);
  if (goalMedian !== undefined) {
    process.stdout.write(
      `\ngoal: ${GOAL.rows}-row save <= ${GOAL.medianMs} ms (median): ` +
        `${goalMedian <= GOAL.medianMs ? 'met' : 'NOT met'} (median ${ms(goalMedian)} ms)\n`,
    );
  }

  async function fillTable(client: KintoneRestAPIClient, size: number): Promise<void> {
    const rows: Row[] = Array.from({ length: size }, (_, index) => ({
      value: {
        明細_品番: { value: `T-${String(index + 1).padStart(3, '0')}` },
        明細_品名: { value: `品目 ${index + 1}` },
        明細_在庫数: { value: '50' },
        明細_発注点: { value: '10' },
        明細_発注量: { value: '20' },
        明細_仕入先コード: { value: SUPPLIERS[Math.floor(index / 2) % 2] as string },
        明細_発注状況: { value: '未発注' },
      },
    }));
    await client.record.updateRecord({ app: APP, id: '1', record: { [TABLE]: { value: rows } } });
  }

  /** Saves the whole table as kintone's form does, with `edit`'s values in each row. */
  async function saveRows(
    client: KintoneRestAPIClient,
    edit: (row: Row, index: number) => Record<string, string>,
  ): Promise<void> {
    const { record } = await client.record.getRecord({ app: APP, id: '1' });
    const rows = (record[TABLE] as unknown as { value: Row[] }).value;
    const table = formSaveTable(rows as TableRowJson[], edit);
    await client.record.updateRecord({ app: APP, id: '1', record: { [TABLE]: { value: table } } });
  }
}

function rowsArgument(args: readonly string[]): number[] | undefined {
  const index = args.indexOf('--rows');
  if (index < 0) return undefined;
  const sizes = (args[index + 1] ?? '').split(',').map(Number);
  if (sizes.length === 0 || sizes.some((size) => !Number.isInteger(size) || size < 3)) {
    throw new Error(
      '--rows takes sizes of 3 rows or more (two suppliers, every other row due), e.g. --rows 20,100',
    );
  }
  return sizes;
}

/** The bridge's calls since `from`: everything but the benchmark's own GET and PUT. */
function bridgeCalls(stack: LocalStack, from: number): string {
  const counts = new Map<string, number>();
  for (const call of (stack.kintone?.requestLog() ?? []).slice(from)) {
    const key = `${call.method} ${call.path} (app ${call.app ?? '?'})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const own = `GET /k/v1/record.json (app ${APP})`;
  const put = `PUT /k/v1/record.json (app ${APP})`;
  counts.set(own, (counts.get(own) ?? 0) - 1);
  counts.set(put, (counts.get(put) ?? 0) - 1);
  return [...counts]
    .filter(([, count]) => count > 0)
    .map(([key, count]) => `${count}× ${key}`)
    .join(', ');
}

main().catch((error: unknown) => {
  process.stderr.write(`${errorText(error)}\n`);
  process.exit(1);
});
