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
import { formatTable, summarize } from './lib/stats';

/**
 * `npm run bench:webhook [-- --samples N]`: the webhook handler's latency per request as Lambda
 * runs it, against issue 13's goal: p99 at most 3 x "the floor", which is `JSON.parse` of the
 * body plus `notificationSchema.safeParse` of the result, the least any handler that validates
 * the notification must do.
 *
 * - The handler is the deployed one: `wireWebhookFromEnv` (the Lambda wiring, as `index.ts`
 *   calls it) with the environment CDK gives the function (`POWERTOOLS_LOG_LEVEL=INFO`,
 *   Powertools Metrics publishing EMF through middy's `logMetrics`, `injectLambdaContext`, the
 *   error handler), the demo configuration and its webhook tokens. Only the queue is an
 *   in-process one that keeps nothing (the SQS call is network time, not the handler's), and
 *   the tokens come from the environment instead of Secrets Manager's (cached) secret.
 * - The body is the ~3 KB `UPDATE_RECORD` notification of a table (app 15,
 *   test/fixtures/kintone-webhooks/update-record-subtable.json), as an API Gateway HTTP API
 *   event with the token in the query string: the one the handler tests use
 *   (scripts/lib/http-api-event.ts), one per call.
 * - The benchmark runs in a child process whose stdout (the log lines and EMF metrics, as in
 *   Lambda) is a pipe the parent drains. Floor, handler and the handler without its middlewares
 *   (`makeWebhookHandler`, for where the time goes) take turns, one call each, in a rotating
 *   order, after a warm-up, so all see the same JIT state, GC and machine load. Each call is
 *   timed on its own (`performance.now()`); p99 is the nearest-rank percentile. The figures
 *   are of one process on a machine others may be using: rerun when the load average is high.
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
    TABLE_NAME: 'stock-alert-bridge-bench',
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
  const calls: Record<keyof Omit<Series, 'logBytes'>, () => Promise<void> | void> = {
    floor,
    core: async () => check(await core(httpApiEvent({ body, token: TOKEN }))),
    handler: async () => {
      invocation += 1;
      const requestId = `c6af9ac6-7b61-11e6-9a41-${String(invocation).padStart(12, '0')}`;
      check(await handler(httpApiEvent({ body, token: TOKEN }), webhookLambdaContext(requestId)));
    },
  };
  const names = Object.keys(calls) as (keyof typeof calls)[];

  const series: Series = { floor: [], core: [], handler: [] };
  for (let round = 0; round < WARMUP + samples; round++) {
    // A new order each round: rotate through the three.
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length] as keyof typeof calls;
      const started = performance.now();
      // The floor is synchronous: awaiting it would time a microtask turn too.
      const pending = calls[name]();
      if (pending) await pending;
      if (round >= WARMUP) series[name].push(performance.now() - started);
    }
  }
  if (queue.count !== 2 * (WARMUP + samples) || sink === 0) throw new Error('requests were lost');
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

function report(series: Series, samples: number): void {
  const floor = summarize(series.floor);
  const core = summarize(series.core);
  const handler = summarize(series.handler);
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  const rows = (
    [
      ['floor: JSON.parse + notificationSchema.safeParse', floor],
      ['handler without middlewares (makeWebhookHandler)', core],
      ['handler as deployed (wireWebhookFromEnv: middy, logger, metrics)', handler],
    ] as const
  ).map(([label, f]) => [label, us(f.median), us(f.p90), us(f.p99), us(f.max)]);
  const ratio = handler.p99 / floor.p99;
  process.stdout.write(
    `${samples} calls each after ${WARMUP} warm-up calls, alternating, on Node ` +
      `${process.versions.node}; body ${Buffer.byteLength(readFileSync(FIXTURE))} bytes ` +
      `(update-record-subtable.json); ${((series.logBytes ?? 0) / samples).toFixed(0)} bytes ` +
      `of logs and metrics per round (both handlers); load average ${load}\n\n` +
      `${formatTable(['µs per request', 'median', 'p90', 'p99', 'max'], rows)}\n\n` +
      `p99 ratio handler / floor: ${ratio.toFixed(2)} x (median ratio ` +
      `${(handler.median / floor.median).toFixed(2)} x); goal <= ${GOAL_RATIO} x: ` +
      `${ratio <= GOAL_RATIO ? 'met' : 'NOT met'}\n`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { child: { type: 'boolean' }, samples: { type: 'string' } },
  });
  const samples = values.samples === undefined ? DEFAULT_SAMPLES : Number(values.samples);
  if (!Number.isInteger(samples) || samples < 100)
    throw new Error('--samples takes an integer of at least 100');
  if (values.child) await measure(samples);
  else report(await measureInChild(samples), samples);
}

exitWhenDone(main, 'bench');
