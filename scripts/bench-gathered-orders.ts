import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_SUPPLIERS } from '../local/kintone/demo-suppliers';
import type { RestCallLogEntry } from '../local/kintone/local-kintone';
import { startLocalStack, type LocalStack } from '../local/stack';
import { errorText } from './lib/cli';
import { formatTable, ms, summarize } from './lib/stats';

/**
 * Gathered orders through the local stack: what one order of N lines (N items of one supplier
 * that fell due within one window) costs in kintone API calls, and how long it takes from the
 * window's end to the email, for N = 1, 10 and 100.
 *
 * Per size: the stack starts (demo configuration with a 10-minute window on every app, the
 * scheduler driven by hand, a clock the script moves), and N item records of 紙の山田商店 are
 * added to app 12 (one `addRecord` each: the local kintone serves no bulk add; webhooks off
 * meanwhile). Then, per run: staff drop all N below their reorder point in bulk updates of at
 * most 100 records (`updateRecords`, one webhook per record, as kintone sends them) and the
 * stack settles (the order gathers, every record shows 待機中); the clock moves past the window;
 * `runScheduler()` is called (the window's end) and the SES emulator's store is polled until the
 * order's email is in it; then the stack settles again (every record 発注依頼済, commented). Each
 * run ends with the goods received (入荷済, stock back up), which closes the lines for the next.
 * Calls are read from the local kintone's request log, the script's own calls subtracted.
 *
 *   npx tsx scripts/bench-gathered-orders.ts   (npm run bench:gather)
 */

const APP = '12';
const MASTER = '13';
const SIZES = [1, 10, 100];
const WARMUP_RUNS = 2;
const MEASURED_RUNS = 8;
const WINDOW_MINUTES = 10;
const MINUTE_MS = 60_000;
/** kintone takes at most 100 records per bulk update. */
const BULK_LIMIT = 100;
const EMAIL_POLL_MS = 2;
const EMAIL_TIMEOUT_MS = 60_000;
const SUPPLIER = DEMO_SUPPLIERS['S-002'];
/** Reorder point 10, fixed quantity 20: 在庫数 3 orders 20, 50 is well above. */
const LOW_STOCK = '3';
const RESTOCKED = '50';

/** The calls of one phase, `METHOD path (app)` -> count, and their total. */
interface Calls {
  byKind: Map<string, number>;
  total: number;
}

interface RunFigures {
  /** The drop of all N (the script's bulk updates) until the stack is idle, every record 待機中. */
  gatheringMs: number;
  gathering: Calls;
  send: Calls;
  toEmailMs: number;
  toSchedulerDoneMs: number;
  toIdleMs: number;
}

interface SizeResult {
  size: number;
  runs: RunFigures[];
}

async function main(): Promise<void> {
  const results: SizeResult[] = [];
  for (const size of SIZES) results.push(await measureSize(size));

  process.stdout.write(
    `Gathered order of N lines (N items of one supplier, window ${WINDOW_MINUTES} min), ` +
      `${MEASURED_RUNS} runs after ${WARMUP_RUNS} warm-up per size; ` +
      `load average ${loadavg()[0]?.toFixed(1)}, node ${process.version}\n\n`,
  );
  const measured = (result: SizeResult) => result.runs.slice(WARMUP_RUNS);
  const last = (result: SizeResult) => result.runs[result.runs.length - 1] as RunFigures;
  process.stdout.write(
    'kintone calls by the bridge per gathered order (measured runs; the script’s own calls subtracted):\n\n',
  );
  process.stdout.write(
    `${formatTable(
      [
        'lines',
        'gathering (all)',
        'per notification',
        'at send',
        'at send per line',
        'total',
        'total per line',
      ],
      results.map((result) => {
        const { gathering, send } = last(result);
        return [
          String(result.size),
          String(gathering.total),
          (gathering.total / result.size).toFixed(2),
          String(send.total),
          (send.total / result.size).toFixed(2),
          String(gathering.total + send.total),
          ((gathering.total + send.total) / result.size).toFixed(2),
        ];
      }),
    )}\n\n`,
  );
  for (const result of results) {
    const { gathering, send } = last(result);
    process.stdout.write(`  ${result.size} lines, gathering: ${describeCalls(gathering)}\n`);
    process.stdout.write(`  ${result.size} lines, at send:   ${describeCalls(send)}\n`);
    const varying = measured(result).some(
      (run) => run.gathering.total !== gathering.total || run.send.total !== send.total,
    );
    const first = result.runs[0] as RunFigures;
    if (varying) {
      process.stdout.write(
        `  (calls varied between measured runs: ${measured(result)
          .map((run) => `${run.gathering.total}+${run.send.total}`)
          .join(', ')})\n`,
      );
    }
    if (first.gathering.total + first.send.total !== gathering.total + send.total) {
      process.stdout.write(
        `  first run of the stack (cold caches): gathering ${describeCalls(first.gathering)}; ` +
          `at send ${describeCalls(first.send)}\n`,
      );
    }
  }
  process.stdout.write(
    '\nGathering: the drop of all N (bulk updates) until every record shows 待機中, ms:\n\n',
  );
  process.stdout.write(
    `${formatTable(
      ['lines', 'median', 'p90', 'min', 'max', 'median per line'],
      results.map((result) => {
        const summary = summarize(measured(result).map((run) => run.gatheringMs));
        return [
          String(result.size),
          ms(summary.median),
          ms(summary.p90),
          ms(summary.min),
          ms(summary.max),
          ms(summary.median / result.size),
        ];
      }),
    )}\n`,
  );
  process.stdout.write('\nTime from the window’s end (runScheduler called), ms:\n\n');
  const timeRows: string[][] = [];
  for (const result of results) {
    for (const [phase, pick] of [
      ['-> email in the SES store', (run: RunFigures) => run.toEmailMs],
      ['-> scheduler run returned', (run: RunFigures) => run.toSchedulerDoneMs],
      ['-> stack idle (records written)', (run: RunFigures) => run.toIdleMs],
    ] as const) {
      const summary = summarize(measured(result).map(pick));
      timeRows.push([
        phase === '-> email in the SES store' ? String(result.size) : '',
        phase,
        ms(summary.median),
        ms(summary.p90),
        ms(summary.min),
        ms(summary.max),
      ]);
    }
  }
  process.stdout.write(
    `${formatTable(['lines', 'phase', 'median', 'p90', 'min', 'max'], timeRows)}\n\n`,
  );
  const [first, ...rest] = results;
  if (first) {
    for (const [phase, pick] of [
      ['to the email', (run: RunFigures) => run.toEmailMs],
      ['to idle', (run: RunFigures) => run.toIdleMs],
    ] as const) {
      const base = summarize(measured(first).map(pick)).median;
      for (const result of rest) {
        const median = summarize(measured(result).map(pick)).median;
        process.stdout.write(
          `  ${phase}: ${result.size} lines take ${(median / base).toFixed(1)}x the time of ${first.size} ` +
            `(${ms((median - base) / (result.size - first.size))} ms per extra line)\n`,
        );
      }
    }
  }
}

async function measureSize(size: number): Promise<SizeResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sab-bench-gather-'));
  let offsetMs = 0;
  const stack = await startLocalStack({
    dataDir,
    configPath: 'config/demo.json',
    env: {},
    logLevel: 'SILENT',
    ports: { bridge: 0, kintone: 0, ses: 0, sesProxy: 0, dynamodb: 0, fax: 0 },
    scheduler: { intervalMs: false },
    gathering: { rule: 'window', minutes: WINDOW_MINUTES },
    now: () => new Date(Date.now() + offsetMs),
  });
  try {
    const local = stack.kintone;
    if (!local) throw new Error('the benchmark needs the local kintone');
    const client = new KintoneRestAPIClient({
      baseUrl: stack.urls.kintoneBaseUrl,
      auth: { apiToken: stack.urls.kintoneApiToken ?? '' },
    });
    const ids = await addItems(stack, client, size);
    const runs: RunFigures[] = [];
    for (let run = 0; run < WARMUP_RUNS + MEASURED_RUNS; run += 1) {
      // Gathering: every item falls due, one webhook per record.
      const beforeDrop = local.requestLog().length;
      const dropped = performance.now();
      const staffCalls = await bulkUpdate(client, ids, { 在庫数: LOW_STOCK });
      await stack.idle();
      const gatheringMs = performance.now() - dropped;
      const gathering = bridgeCalls(local.requestLog().slice(beforeDrop), staffCalls);
      const waiting = local
        .records(APP)
        .filter((record) => ids.includes(String(record.$id?.value)));
      const orderNumbers = new Set(waiting.map((record) => String(record['発注番号']?.value)));
      if (orderNumbers.size !== 1 || waiting.some((r) => r['発注状況']?.value !== '待機中')) {
        throw new Error(`expected ${size} records 待機中 on one order, got ${[...orderNumbers]}`);
      }
      const [orderNumber] = [...orderNumbers] as [string];

      // The window ends.
      offsetMs += (WINDOW_MINUTES + 1) * MINUTE_MS;
      const beforeSend = local.requestLog().length;
      const started = performance.now();
      let schedulerDone = 0;
      const scheduled = stack.runScheduler().then((result) => {
        schedulerDone = performance.now() - started;
        return result;
      });
      const email = await emailOf(stack, orderNumber, started);
      const toEmailMs = performance.now() - started;
      const result = await scheduled;
      await stack.idle();
      const toIdleMs = performance.now() - started;
      const send = bridgeCalls(local.requestLog().slice(beforeSend), 0);
      const lines = (email.body.text ?? '').split('\n').filter((line) => /^G-\d{3} \| /.test(line));
      if (!result.sent.includes(orderNumber) || lines.length !== size) {
        throw new Error(`order ${orderNumber}: sent ${result.sent}, ${lines.length} lines`);
      }
      const ordered = local
        .records(APP)
        .filter((record) => ids.includes(String(record.$id?.value)))
        .filter((record) => record['発注状況']?.value === '発注依頼済').length;
      if (ordered !== size) throw new Error(`${ordered} of ${size} records show 発注依頼済`);
      runs.push({
        gatheringMs,
        gathering,
        send,
        toEmailMs,
        toSchedulerDoneMs: schedulerDone,
        toIdleMs,
      });

      // Goods received: each line closed, ready for the next run.
      await bulkUpdate(client, ids, { 在庫数: RESTOCKED, 発注状況: '入荷済' });
      await stack.idle();
      await stack.ses.clear();
    }
    process.stderr.write(`measured ${size} lines\n`);
    return { size, runs };
  } finally {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** N items of one supplier, well stocked; webhooks off meanwhile (adding orders nothing). */
async function addItems(
  stack: LocalStack,
  client: KintoneRestAPIClient,
  size: number,
): Promise<string[]> {
  stack.kintone?.setWebhooks(APP, []);
  const ids: string[] = [];
  for (let index = 0; index < size; index += 1) {
    const sku = `G-${String(index + 1).padStart(3, '0')}`;
    const values: Record<string, string> = {
      品番: sku,
      品名: `品目 ${index + 1}`,
      単位: '個',
      単価: String(100 + index),
      在庫数: RESTOCKED,
      発注点: '10',
      発注量: '20',
      仕入先コード: SUPPLIER.code,
      仕入先名: SUPPLIER.name,
      仕入先メール: SUPPLIER.email,
      発注状況: '未発注',
    };
    const record = Object.fromEntries(
      Object.entries(values).map(([code, value]) => [code, { value }]),
    );
    ids.push((await client.record.addRecord({ app: APP, record })).id);
  }
  stack.kintone?.setWebhooks(APP, [stack.urls.webhookUrl]);
  await stack.idle();
  return ids;
}

/** Staff's bulk update of every item (at most 100 a call); returns the calls it took. */
async function bulkUpdate(
  client: KintoneRestAPIClient,
  ids: readonly string[],
  values: Record<string, string>,
): Promise<number> {
  const record = Object.fromEntries(
    Object.entries(values).map(([code, value]) => [code, { value }]),
  );
  let calls = 0;
  for (let from = 0; from < ids.length; from += BULK_LIMIT) {
    await client.record.updateRecords({
      app: APP,
      records: ids.slice(from, from + BULK_LIMIT).map((id) => ({ id, record })),
    });
    calls += 1;
  }
  return calls;
}

/** Polls the SES emulator's store until the order's email is there. */
async function emailOf(stack: LocalStack, orderNumber: string, started: number) {
  for (;;) {
    const email = (await stack.ses.emails()).find((candidate) =>
      candidate.subject.includes(orderNumber),
    );
    if (email) return email;
    if (performance.now() - started > EMAIL_TIMEOUT_MS) {
      throw new Error(`no email for ${orderNumber} within ${EMAIL_TIMEOUT_MS} ms`);
    }
    await sleep(EMAIL_POLL_MS);
  }
}

/** The bridge's calls in a slice of the request log: the script's own bulk updates subtracted. */
function bridgeCalls(entries: readonly RestCallLogEntry[], staffBulkUpdates: number): Calls {
  const byKind = new Map<string, number>();
  for (const call of entries) {
    const key = `${call.method} ${call.path} (app ${call.app ?? '?'}${call.status === 200 ? '' : `, ${call.status}`})`;
    byKind.set(key, (byKind.get(key) ?? 0) + 1);
  }
  const own = `PUT /k/v1/records.json (app ${APP})`;
  const left = (byKind.get(own) ?? 0) - staffBulkUpdates;
  if (left > 0) byKind.set(own, left);
  else byKind.delete(own);
  return { byKind, total: [...byKind.values()].reduce((sum, count) => sum + count, 0) };
}

function describeCalls(calls: Calls): string {
  if (calls.total === 0) return 'none';
  return [...calls.byKind]
    .map(([kind, count]) => `${count}× ${kind.replace(` (app ${MASTER}`, ' (supplier master')}`)
    .join(', ');
}

main().catch((error: unknown) => {
  process.stderr.write(`${errorText(error)}\n`);
  process.exit(1);
});
