import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import {
  sweepInventory,
  type SweepDeps,
  type SweepOutcome,
} from '../../shared/use-cases/sweep-inventory';

export interface SweepHandlerDeps extends SweepDeps {
  logger: Logger;
  /** Powertools Metrics that `metrics` writes to (published by `logMetrics`); absent locally. */
  powertoolsMetrics?: Metrics;
}

/** What a run returns: the sweep's outcome, or that the configuration switched it off. */
export type SweepRunResult = SweepOutcome | { disabled: true };

export type SweepHandler = (event: ScheduledEvent, context: Context) => Promise<SweepRunResult>;

/**
 * Runs on a schedule (an EventBridge rule every `sweep.intervalMinutes`, or the local stack's
 * timer): reads every inventory app and queues the records the bridge has not processed at
 * their current revision (see `sweepInventory`). A failure throws: the run ends in the failure
 * queue (alarmed), and the next run reads everything again anyway.
 */
export function makeSweepHandler(deps: SweepHandlerDeps) {
  return async (event: ScheduledEvent): Promise<SweepRunResult> => {
    if (deps.config.sweep?.enabled === false) return { disabled: true };
    const now = deps.now();
    deps.logger.appendKeys({ correlation_id: event.id ?? `sweep-${now.toISOString()}` });
    try {
      const outcome = await sweepInventory(deps);
      deps.logger.info('sweep finished', {
        records: outcome.records,
        queued: outcome.queued,
        shortages: outcome.shortages,
        calls: outcome.calls,
        stoppedEarly: outcome.stoppedEarly,
      });
      return outcome;
    } finally {
      deps.logger.removeKeys(['correlation_id']);
    }
  };
}

/** The composed Lambda handler: Lambda context in the logs, metrics published. */
export function createSweepHandler(deps: SweepHandlerDeps): SweepHandler {
  const handler = middy(makeSweepHandler(deps)).use(
    injectLambdaContext(deps.logger, { resetKeys: true }),
  );
  if (deps.powertoolsMetrics) handler.use(logMetrics(deps.powertoolsMetrics));
  return handler as SweepHandler;
}
