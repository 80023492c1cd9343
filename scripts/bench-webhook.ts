import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { notificationSchema } from '../shared/kintone/notification';
import type { NotificationQueue, QueuedNotification } from '../shared/ports/notification-queue';
import { makeWebhookHandler } from '../functions/webhook/handler';
import { buildWebhookDeps, wireWebhookFromEnv } from '../functions/webhook/wiring';
import { loggerFromEnv } from '../functions/wiring-env';
import { EnvSecretSource } from '../shared/adapters/secrets/env-secret-source';
import { loadConfigFromEnv } from '../shared/config/env';
import { exitWhenDone } from './lib/cli';
import { httpApiEvent, webhookLambdaContext } from './lib/http-api-event';
import { formatTable, median, summarize } from './lib/stats';

/**
 * `npm run bench:webhook [-- --samples N] [--runs R]`: the webhook handler's latency per request
 * as Lambda runs it, against issue 13's goal: p99 at most 3 x "the floor", which is
 * `JSON.parse` of the body plus `notificationSchema.safeParse` of the result, the least any
 * handler that validates the notification must do.
 *
 * - The handler is the deployed one: `wireWebhookFromEnv` (the Lambda wiring, as `index.ts`
 *   calls it) with the environment CDK gives the function (`POWERTOOLS_LOG_LEVEL=INFO`, middy
 *   with `injectLambdaContext` and the error handler; its one log line per queued notification,
 *   "notification queued", is also the NotificationsReceived metric), the demo configuration and
 *   its webhook tokens. Only the queue is an
 *   in-process one that keeps nothing (the SQS call is network time, not the handler's), and
 *   the tokens come from the environment instead of Secrets Manager's (cached) secret.
 * - The body is the ~3 KB `UPDATE_RECORD` notification of a table (app 15,
 *   test/fixtures/kintone-webhooks/update-record-subtable.json), as an API Gateway HTTP API
 *   event with the token in the query string: the one the handler tests use
 *   (scripts/lib/http-api-event.ts), one per call.
 * - The benchmark runs in a child process whose stdout (the log lines and EMF metrics, as in
 *   Lambda) is a pipe the parent drains. Floor, handler and the handler without its middlewares
 *   (`makeWebhookHandler`), and the deployed handler at `POWERTOOLS_LOG_LEVEL=WARN` (the same
 *   work without its log line), for where the time goes, take turns, one call each, in a rotating
 *   order, after a warm-up, so all see the same JIT state, GC and machine load. Each call is
 *   timed on its own (`performance.now()`); p99 is the nearest-rank percentile. The figures
 *   are of one process on a machine others may be using: rerun when the load average is high.
 * - Each call's event and context are built before its timer starts, and the event loop runs
 *   between rounds (untimed), as between Lambda invocations, so the log lines reach the pipe
 *   instead of queuing in the measuring process. The report says how much stdout was still
 *   queued when the last call was timed (it should be next to nothing).
 *
 * `--runs R` repeats the measurement in R fresh child processes, one after the other, reports
 * each, then how many met the goal and the median of the ratios: one run's p99 is a handful of
 * tail events.
 *
 * Exits 1 when the handler does not answer 200 "queued"; a goal not met is reported, not an error.
 */

const ROOT = resolve(import.meta.dirname, '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'kintone-webhooks', 'update-record-subtable.json');
const TOKEN = 'bench-webhook-token-0123456789abcdef';
const DEFAULT_SAMPLES = 20_000;
const WARMUP = 5_000;
const GOAL_RATIO = 3;
const CHILD_FLAG = '--child';

interface Series {
  floor: number[];
  core: number[];
  handler: number[];
  /** The deployed handler at log level WARN: what the "notification queued" line costs. */
  silent: number[];
  /** Bytes of stdout still queued in the child when the last call was timed. */
  backlogBytes?: number;
  logBytes?: number;
}

/** Keeps nothing: the handler's work ends where the SQS call would begin. */
class DiscardingQueue implements NotificationQueue {
  count = 0;
  enqueue(_message: QueuedNotification): Promise<void> {
    this.count += 1;
    return Promise.resolve();
  }
}

/** The environment CDK gives the webhook function (infra/constructs/bridge-function.ts). */
function lambdaEnv(): Record<string, string> {
  return {
    BRIDGE_CONFIG_FILE: join(ROOT, 'config', 'demo.json'),
    POWERTOOLS_SERVICE_NAME: 'stock-alert-bridge',
    POWERTOOLS_METRICS_NAMESPACE: 'StockAlertBridge',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    STAGE: 'bench',
    AWS_REGION: 'ap-northeast-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_LAMBDA_FUNCTION_NAME: 'stock-alert-bridge-webhook',
    WEBHOOK_TOKEN_APP_12: TOKEN,
    WEBHOOK_TOKEN_APP_15: TOKEN,
  };
}

/** Child mode: measures and sends both series to the parent over IPC. */
async function measure(samples: number): Promise<void> {
  const body = readFileSync(FIXTURE, 'utf8');
  const queue = new DiscardingQueue();
  const handler = wireWebhookFromEnv(lambdaEnv(), { queue });
  const silent = wireWebhookFromEnv({ ...lambdaEnv(), POWERTOOLS_LOG_LEVEL: 'WARN' }, { queue });
  // The same handler without middy and its middlewares (context, metrics, error mapping): what
  // the wiring adds is the difference. Its log lines go to the same stdout.
  const env = lambdaEnv();
  const core = makeWebhookHandler(
    buildWebhookDeps(loadConfigFromEnv(env), new EnvSecretSource(env), queue, loggerFromEnv(env)),
  );

  let sink = 0;
  const floor = (): void => {
    const parsed = notificationSchema.safeParse(JSON.parse(body));
    if (!parsed.success) throw new Error('the fixture is not a valid notification');
    sink += parsed.data.id.length;
  };
  let invocation = 0;
  const check = (response: { statusCode?: number; body?: string }): void => {
    if (response.statusCode !== 200 || !String(response.body).includes('"queued"')) {
      throw new Error(`the handler answered ${response.statusCode}: ${String(response.body)}`);
    }
  };
  // Each call is prepared (its event and context built) before its timer starts: building the
  // event is the benchmark's work, not the handler's. The floor needs nothing prepared.
  type Call = () => Promise<void> | void;
  // A Lambda invocation of a wired handler: a new request id each time, as Lambda gives.
  const invoke = (wired: typeof handler) => (): Call => {
    invocation += 1;
    const event = httpApiEvent({ body, token: TOKEN });
    const context = webhookLambdaContext(
      `c6af9ac6-7b61-11e6-9a41-${String(invocation).padStart(12, '0')}`,
    );
    return async () => check(await wired(event, context));
  };
  const prepare: Record<keyof Omit<Series, 'logBytes' | 'backlogBytes'>, () => Call> = {
    floor: () => floor,
    core: () => {
      const event = httpApiEvent({ body, token: TOKEN });
      return async () => check(await core(event));
    },
    handler: invoke(handler),
    silent: invoke(silent),
  };
  const names = Object.keys(prepare) as (keyof typeof prepare)[];

  const series: Series = { floor: [], core: [], handler: [], silent: [] };
  for (let round = 0; round < WARMUP + samples; round++) {
    // A new order each round: rotate through the three.
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length] as keyof typeof prepare;
      const call = prepare[name]();
      const started = performance.now();
      // The floor is synchronous: awaiting it would time a microtask turn too.
      const pending = call();
      if (pending) await pending;
      if (round >= WARMUP) series[name].push(performance.now() - started);
    }
    // Between rounds, untimed, the event loop runs, as it does between Lambda invocations: the
    // log lines are written out to the pipe then, instead of piling up in this process's memory
    // (which would make writes look free and grow the heap, and the GC pauses, instead).
    await new Promise<void>((next) => setImmediate(next));
  }
  if (queue.count !== 3 * (WARMUP + samples) || sink === 0) throw new Error('requests were lost');
  // For the report only, after the last call was timed: what stdout still held, then a wait
  // until it is all written, so the parent counts every byte before this process exits.
  series.backlogBytes = process.stdout.writableLength;
  await new Promise<void>((done) => process.stdout.write('', () => done()));
  await new Promise<void>((done, fail) =>
    process.send?.(series, (error: Error | null) => (error ? fail(error) : done())),
  );
}

/** Runs the measurement in a child (same tsx loader flags) and drains its stdout. */
function measureInChild(samples: number): Promise<Series> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), CHILD_FLAG, '--samples', `${samples}`],
      {
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      },
    );
    let logBytes = 0;
    let result: Series | undefined;
    child.stdout?.on('data', (chunk: Buffer) => {
      logBytes += chunk.length;
    });
    child.on('message', (message) => {
      // Trusted: our own child sent it with process.send of a Series.
      result = message as Series;
    });
    child.on('error', fail);
    child.on('close', (code) => {
      if (code === 0 && result) done({ ...result, logBytes });
      else fail(new Error(`the measuring process failed (exit ${String(code)})`));
    });
  });
}

const us = (ms: number): string => (ms * 1000).toFixed(1);

interface Ratios {
  p99: number;
  median: number;
}

function report(series: Series, samples: number): Ratios {
  const floor = summarize(series.floor);
  const core = summarize(series.core);
  const handler = summarize(series.handler);
  const silent = summarize(series.silent);
  const rows = (
    [
      ['floor: JSON.parse + notificationSchema.safeParse', floor],
      ['handler without middlewares (makeWebhookHandler)', core],
      ['handler as deployed (wireWebhookFromEnv: middy, context, one log line)', handler],
      ['handler as deployed at log level WARN (no log line)', silent],
    ] as const
  ).map(([label, f]) => [label, us(f.median), us(f.p90), us(f.p99), us(f.max)]);
  const ratio = handler.p99 / floor.p99;
  const medianRatio = handler.median / floor.median;
  process.stdout.write(
    `${samples} calls each after ${WARMUP} warm-up calls, alternating, on Node ` +
      `${process.versions.node}; body ${Buffer.byteLength(readFileSync(FIXTURE))} bytes ` +
      `(update-record-subtable.json); ${((series.logBytes ?? 0) / (WARMUP + samples)).toFixed(0)} ` +
      `bytes of logs per round (the handlers that log), ` +
      `${((series.backlogBytes ?? 0) / 1e6).toFixed(1)} MB of them still queued in the ` +
      `measuring process when its last call was timed; load average ${loadAverage()}\n\n` +
      `${formatTable(['µs per request', 'median', 'p90', 'p99', 'max'], rows)}\n\n` +
      `p99 ratio handler / floor: ${ratio.toFixed(2)} x (median ratio ` +
      `${medianRatio.toFixed(2)} x); goal <= ${GOAL_RATIO} x: ` +
      `${ratio <= GOAL_RATIO ? 'met' : 'NOT met'}\n` +
      `the "notification queued" log line (NotificationsReceived) costs ` +
      `${us(handler.median - silent.median)} µs at the median, ${us(handler.p99 - silent.p99)} at ` +
      `p99; without it the p99 ratio would be ${(silent.p99 / floor.p99).toFixed(2)} x\n`,
  );
  return { p99: ratio, median: medianRatio };
}

function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

function reportRuns(ratios: readonly Ratios[]): void {
  const met = ratios.filter((ratio) => ratio.p99 <= GOAL_RATIO).length;
  const list = (pick: (ratio: Ratios) => number): string =>
    ratios.map((ratio) => pick(ratio).toFixed(2)).join(', ');
  process.stdout.write(
    `\n${ratios.length} runs: goal met in ${met}; p99 ratios ${list((r) => r.p99)} ` +
      `(median ${median(ratios.map((r) => r.p99)).toFixed(2)} x); median ratios ` +
      `${list((r) => r.median)} (median ${median(ratios.map((r) => r.median)).toFixed(2)} x); ` +
      `load average ${loadAverage()}\n`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'boolean' },
      samples: { type: 'string' },
      runs: { type: 'string' },
    },
  });
  const samples = values.samples === undefined ? DEFAULT_SAMPLES : Number(values.samples);
  if (!Number.isInteger(samples) || samples < 100)
    throw new Error('--samples takes an integer of at least 100');
  const runs = values.runs === undefined ? 1 : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer');
  if (values.child) {
    await measure(samples);
    return;
  }
  const ratios: Ratios[] = [];
  for (let run = 1; run <= runs; run++) {
    if (runs > 1) process.stdout.write(`${run === 1 ? '' : '\n'}run ${run} of ${runs}\n`);
    ratios.push(report(await measureInChild(samples), samples));
  }
  if (runs > 1) reportRuns(ratios);
}

exitWhenDone(main, 'bench');
