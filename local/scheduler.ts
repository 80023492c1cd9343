import type { Context, ScheduledEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

/** How often the local stack runs the scheduled sender by default (EventBridge: every minute). */
export const DEFAULT_SCHEDULER_INTERVAL_MS = 5_000;

/** Options of {@link startLocalScheduler}. */
export interface LocalSchedulerOptions<R> {
  /** The scheduled function's handler, as Lambda would invoke it. */
  handler: (event: ScheduledEvent, context: Context) => Promise<R>;
  /** A fresh Lambda context per run. */
  context: () => Context;
  /** The clock the event's `time` is read from (the stack's, so tests control it). */
  now: () => Date;
  /** Milliseconds between runs; `false` runs only when {@link LocalScheduler.runOnce} is called. */
  intervalMs: number | false;
  /** A run that threw (the handler logs its own errors; this is for the stack's log). */
  onError: (error: unknown) => void;
  /** Region and account of the rule ARN in the event. */
  region: string;
  ruleName: string;
}

/** The local stand-in for the EventBridge rule that drives send-due-orders. */
export interface LocalScheduler<R> {
  /** Runs the handler once, after any run in progress (one at a time, as reserved concurrency 1). */
  runOnce(): Promise<R>;
  /** Resolves when no run is in progress. */
  idle(): Promise<void>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/** EventBridge's scheduled event, as a rule with a rate expression delivers it. */
export function scheduledEventOf(time: Date, region: string, ruleName: string): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: time.toISOString(),
    region,
    resources: [`arn:aws:events:${region}:000000000000:rule/${ruleName}`],
    detail: {},
  };
}

/**
 * Runs a scheduled handler every `intervalMs` (the next run is timed from the end of the last,
 * so runs never overlap) and on demand. Tests pass `intervalMs: false` and call `runOnce()`
 * after moving their clock, so a gathered order is sent exactly when they say.
 *
 * @example
 * const scheduler = startLocalScheduler({ handler, context, now, intervalMs: 5_000, ... });
 * await scheduler.runOnce();
 */
export function startLocalScheduler<R>(options: LocalSchedulerOptions<R>): LocalScheduler<R> {
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const runOnce = (): Promise<R> => {
    const run = running.then(() =>
      options.handler(
        scheduledEventOf(options.now(), options.region, options.ruleName),
        options.context(),
      ),
    );
    // The chain goes on after a failed run; the caller of runOnce still sees the failure.
    running = run.catch(() => undefined);
    return run;
  };

  const schedule = () => {
    if (stopped || options.intervalMs === false) return;
    timer = setTimeout(() => {
      timer = undefined;
      runOnce().catch(options.onError).finally(schedule);
    }, options.intervalMs);
    // The stack's servers keep `npm start` alive; a test's process may exit without stopping it.
    timer.unref();
  };
  schedule();

  return {
    runOnce,
    idle: async () => {
      await running;
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
