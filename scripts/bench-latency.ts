import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RestCallLogEntry } from '../local/kintone/local-kintone';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../local/stack';
import { exitWhenDone } from './lib/cli';
import { HttpCallRecorder, type HttpCall } from './lib/http-call-recorder';
import { formatTable, ms, summarize } from './lib/stats';

/**
 * Measures the local stack's end-to-end latency: from a staff edit that drops A-100 below its
 * reorder point (official kintone client, `updateRecord`) to the order email in the SES
 * emulator's store. Also counts the kintone REST calls the bridge makes per notification.
 *
 * The stack runs in one process, as with `npm start`: the figures measure the bridge's own work
 * plus the local emulators, not network or AWS service latency. Each setting is measured in a
 * fresh child process: measured in one process one after the other, the later setting profits
 * from code the earlier one already got JIT-compiled, which outweighs the setting itself.
 */

const APP = '12';
const SKU = 'A-100';
/** A-100's reorder point is 20: 18 orders, 100 is well above it. */
const LOW_STOCK = '18';
const RESTOCKED = '100';
const CLOSED_STATUS = '入荷済';
const SUPPLIER_EMAIL = 'order@sample-bungu.example.jp';
const WARMUP_RUNS = 2;
const MEASURED_RUNS = 20;
/** How often the SES store is read while waiting; each read is one HTTP GET to the emulator. */
const EMAIL_POLL_MS = 2;
/** A run that takes this long is broken (a lost webhook, a dead letter), not slow. */
const EMAIL_TIMEOUT_MS = 30_000;
/** The bridge logs this line once its webhook handler has queued the notification. */
const WEBHOOK_ACCEPTED = 'POST /webhooks/kintone -> 200';

interface Setting {
  name: string;
  label: string;
  queue?: LocalStackOptions['queue'];
}

const SETTINGS: Setting[] = [
  // What `npm start` uses: no queue options, so local/stack.ts defaults (poll every 50 ms).
  { name: 'default', label: 'defaults (npm start): pollIntervalMs 50' },
  { name: 'poll10', label: 'pollIntervalMs 10', queue: { pollIntervalMs: 10 } },
];

/** One phase (drop or reset) of one run, as kintone's request log saw it. */
interface PhaseCalls {
  notifications: number;
  /** `METHOD /path` -> count, the test's own single PUT already subtracted. */
  bridgeCalls: Record<string, number>;
}

interface RunResult {
  totalMs: number;
  /** updateRecord resolved: kintone saved the record (and queued its webhook). */
  savedMs: number;
  /** The bridge's webhook handler answered: the notification is on the queue. */
  queuedMs: number;
  /** Between queued and the SES send: time inside DynamoDB (dynalite) calls, and their number. */
  dynamoMs: number;
  dynamoCalls: number;
  /** Between queued and email: time inside the SES send (through the fault proxy). */
  sesMs: number;
  sesCalls: number;
  drop: PhaseCalls;
  reset: PhaseCalls;
}

function callKey(entry: RestCallLogEntry): string {
  return `${entry.method} ${entry.path}`;
}

/**
 * The bridge's calls among kintone's log entries of one phase: all of them minus the one
 * `PUT /k/v1/record.json` this script made. The script reads nothing during a phase, so no GET
 * needs subtracting.
 */
function bridgeCallsOf(entries: RestCallLogEntry[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(callKey(entry), (counts.get(callKey(entry)) ?? 0) + 1);
  const ownPut = 'PUT /k/v1/record.json';
  const remaining = (counts.get(ownPut) ?? 0) - 1;
  if (remaining < 0) throw new Error('the staff edit is missing from kintone’s request log');
  if (remaining === 0) counts.delete(ownPut);
  else counts.set(ownPut, remaining);
  return Object.fromEntries(counts);
}

function describeCalls(calls: Record<string, number>): string {
  const total = Object.values(calls).reduce((sum, n) => sum + n, 0);
  const parts = Object.entries(calls)
    .sort()
    .map(([key, n]) => `${n}x ${key}`);
  return `${total}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** The dispatcher awaits each call before the next, so their durations add up to wall time. */
function totalDuration(calls: HttpCall[], unfinishedUntil: number): number {
  return calls.reduce(
    (sum, call) => sum + ((call.finishedAt ?? unfinishedUntil) - call.startedAt),
    0,
  );
}

class BenchRun {
  private queuedAt: number | undefined;
  private armed = false;

  constructor(
    private readonly stack: LocalStack,
    private readonly client: KintoneRestAPIClient,
    private readonly recordId: string,
    private readonly http: HttpCallRecorder,
  ) {}

  /** Calls to `endpoint` started between `from` and `to`. */
  private callsTo(endpoint: string, calls: HttpCall[], from: number, to: number): HttpCall[] {
    const port = Number(new URL(endpoint).port);
    return calls.filter(
      (call) => call.remotePort === port && call.startedAt >= from && call.startedAt < to,
    );
  }

  /** Passed to the stack as its `log`: timestamps the first webhook accepted after arming. */
  onLog = (line: string): void => {
    if (this.armed && line.startsWith(WEBHOOK_ACCEPTED)) {
      this.queuedAt = performance.now();
      this.armed = false;
    }
  };

  private kintone() {
    const kintone = this.stack.kintone;
    if (!kintone) throw new Error('the local kintone is not running; unset KINTONE_BASE_URL');
    return kintone;
  }

  private async supplierEmails(): Promise<number> {
    return (await this.stack.ses.emails()).filter((email) =>
      email.destination.to.includes(SUPPLIER_EMAIL),
    ).length;
  }

  private async update(values: Record<string, string>): Promise<void> {
    const record = Object.fromEntries(
      Object.entries(values).map(([code, value]) => [code, { value }]),
    );
    await this.client.record.updateRecord({ app: APP, id: this.recordId, record });
  }

  private phaseCalls(logFrom: number, deliveriesFrom: number): PhaseCalls {
    const kintone = this.kintone();
    return {
      notifications: kintone.webhookDeliveries().length - deliveriesFrom,
      bridgeCalls: bridgeCallsOf(kintone.requestLog().slice(logFrom)),
    };
  }

  async run(): Promise<RunResult> {
    const kintone = this.kintone();
    const emailsBefore = await this.supplierEmails();
    let logFrom = kintone.requestLog().length;
    let deliveriesFrom = kintone.webhookDeliveries().length;
    const httpFrom = this.http.calls().length;
    this.queuedAt = undefined;
    this.armed = true;

    const started = performance.now();
    await this.update({ 在庫数: LOW_STOCK });
    const saved = performance.now();
    while ((await this.supplierEmails()) === emailsBefore) {
      if (performance.now() - started > EMAIL_TIMEOUT_MS) {
        const errors = this.stack.queue
          .deadLetters()
          .map((letter) => letter.lastError ?? '(no error recorded)');
        throw new Error(
          `no order email within ${EMAIL_TIMEOUT_MS} ms; queue stats ` +
            `${JSON.stringify(this.stack.queue.stats())}, dead letters: ${errors.join(' | ') || 'none'}`,
        );
      }
      await sleep(EMAIL_POLL_MS);
    }
    const emailed = performance.now();
    if (this.queuedAt === undefined) throw new Error('the bridge never accepted the webhook');
    const calls = this.http.calls().slice(httpFrom);
    // The bridge's SES client talks to the fault proxy; the proxy's forward is not counted again.
    const ses = this.callsTo(this.stack.urls.sesEndpoint, calls, this.queuedAt, emailed);
    // Only DynamoDB calls before the send delay the email; those after it record the step.
    const sentAt = ses[0]?.startedAt ?? emailed;
    const dynamo = this.callsTo(this.stack.urls.dynamodbEndpoint, calls, this.queuedAt, sentAt);

    // The order's write-back (and the webhooks it fires) must land before the reset: the
    // write-back sets 発注状況 without a revision and would otherwise reopen the closed order.
    await this.stack.idle();
    const drop = this.phaseCalls(logFrom, deliveriesFrom);

    logFrom = kintone.requestLog().length;
    deliveriesFrom = kintone.webhookDeliveries().length;
    await this.update({ 在庫数: RESTOCKED, 発注状況: CLOSED_STATUS });
    await this.stack.idle();
    const reset = this.phaseCalls(logFrom, deliveriesFrom);
    if ((await this.supplierEmails()) !== emailsBefore + 1)
      throw new Error('a run sent more than one email; the reset must not order');

    return {
      totalMs: emailed - started,
      savedMs: saved - started,
      queuedMs: this.queuedAt - started,
      dynamoMs: totalDuration(dynamo, emailed),
      dynamoCalls: dynamo.length,
      sesMs: totalDuration(ses, emailed),
      sesCalls: ses.length,
      drop,
      reset,
    };
  }
}

async function measure(setting: Setting): Promise<RunResult[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sab-bench-'));
  let bench: BenchRun | undefined;
  const http = new HttpCallRecorder();
  const stack = await startLocalStack({
    dataDir,
    configPath: 'config/demo.json',
    // Not process.env: a KINTONE_BASE_URL there would send the benchmark to a real kintone.
    env: {},
    // Free ports for every service (the fax emulator's too): never a running `npm start`'s.
    ports: { bridge: 0, kintone: 0, ses: 0, sesProxy: 0, dynamodb: 0, fax: 0 },
    logLevel: 'SILENT',
    ...(setting.queue ? { queue: setting.queue } : {}),
    log: (line) => bench?.onLog(line),
  });
  try {
    // aws-ses-v2-local keeps its store in module state: a previous stack's emails are still there.
    await stack.ses.clear();
    const client = new KintoneRestAPIClient({
      baseUrl: stack.urls.kintoneBaseUrl,
      auth: { apiToken: stack.urls.kintoneApiToken ?? '' },
    });
    const { records } = await client.record.getRecords({ app: APP, query: `品番 = "${SKU}"` });
    const id = records[0]?.$id?.value;
    if (typeof id !== 'string') throw new Error(`${SKU} is not in the demo app`);
    http.start();
    bench = new BenchRun(stack, client, id, http);

    for (let run = 0; run < WARMUP_RUNS; run++) await bench.run();
    const results: RunResult[] = [];
    for (let run = 0; run < MEASURED_RUNS; run++) results.push(await bench.run());
    return results;
  } finally {
    http.stop();
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The distinct call patterns over all runs, with how many runs showed each. */
function callPatterns(phases: PhaseCalls[]): string {
  const patterns = new Map<string, number>();
  for (const phase of phases) {
    const key = `${describeCalls(phase.bridgeCalls)} over ${phase.notifications} notifications`;
    patterns.set(key, (patterns.get(key) ?? 0) + 1);
  }
  return [...patterns].map(([key, runs]) => `${key} [${runs}/${phases.length} runs]`).join('; ');
}

/** `5`, or `4-6` when runs differed. */
function callCounts(counts: number[]): string {
  const low = Math.min(...counts);
  const high = Math.max(...counts);
  return low === high ? String(low) : `${low}-${high}`;
}

const SETTING_FLAG = '--setting';

/** Child mode: measures one setting and writes its runs to stdout as JSON. */
async function measureOne(name: string): Promise<void> {
  const setting = SETTINGS.find((candidate) => candidate.name === name);
  if (!setting)
    throw new Error(`unknown setting "${name}"; use ${SETTINGS.map((s) => s.name).join(' or ')}`);
  process.stdout.write(JSON.stringify(await measure(setting)));
}

/** Runs this script again for one setting, with the same loader (tsx) flags as this process. */
function measureInChild(setting: Setting): RunResult[] {
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), SETTING_FLAG, setting.name],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024 },
  );
  if (child.status !== 0)
    throw new Error(`measuring "${setting.label}" failed (exit ${String(child.status)})`);
  // Trusted: our own child process wrote it with JSON.stringify of RunResult[].
  return JSON.parse(child.stdout) as RunResult[];
}

function report(): void {
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  process.stdout.write(
    `${MEASURED_RUNS} runs after ${WARMUP_RUNS} warm-up runs per setting, each setting in a fresh ` +
      `process; ${SKU} 在庫数 ${RESTOCKED} -> ${LOW_STOCK}; SES store polled every ` +
      `${EMAIL_POLL_MS} ms; load average before: ${load}\n`,
  );
  const rows: string[][] = [];
  const details: string[] = [];
  for (const setting of SETTINGS) {
    const results = measureInChild(setting);
    for (const [phase, values] of [
      ['edit -> email', results.map((r) => r.totalMs)],
      ['  edit saved', results.map((r) => r.savedMs)],
      ['  webhook queued', results.map((r) => r.queuedMs)],
      ['  queued -> email', results.map((r) => r.totalMs - r.queuedMs)],
      [
        `    in DynamoDB before the send (${callCounts(results.map((r) => r.dynamoCalls))} calls)`,
        results.map((r) => r.dynamoMs),
      ],
      [
        `    in the SES send (${callCounts(results.map((r) => r.sesCalls))} call)`,
        results.map((r) => r.sesMs),
      ],
    ] as const) {
      const s = summarize(values);
      rows.push([setting.label, phase, ms(s.median), ms(s.p90), ms(s.min), ms(s.max)]);
    }
    details.push(
      `${setting.label}\n` +
        `  kintone calls by the bridge, drop cycle (order):     ${callPatterns(results.map((r) => r.drop))}\n` +
        `  kintone calls by the bridge, reset cycle (no order): ${callPatterns(results.map((r) => r.reset))}`,
    );
  }
  process.stdout.write(
    `\n${formatTable(['setting', 'phase (ms from updateRecord call)', 'median', 'p90', 'min', 'max'], rows)}\n\n`,
  );
  process.stdout.write(`${details.join('\n')}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { setting: { type: 'string' } } });
  if (values.setting !== undefined) await measureOne(values.setting);
  else report();
}

exitWhenDone(main, 'bench');
