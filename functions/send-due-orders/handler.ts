import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import {
  sendDueOrders,
  type SendDueOrdersDeps,
  type SendDueOrdersResult,
} from '../../shared/use-cases/send-due-orders';
import { describeFailure } from '../../shared/use-cases/failure-kind';
import {
  followUpOrders,
  type FollowUpOrdersDeps,
  type FollowUpOrdersResult,
} from '../../shared/use-cases/follow-up-orders';
import {
  learnReorderPoints,
  type LearnDeps,
  type LearningOutcome,
} from '../../shared/use-cases/learn-reorder-points';

export interface SendDueOrdersHandlerDeps
  extends
    SendDueOrdersDeps,
    Pick<FollowUpOrdersDeps, 'calendars' | 'businessClock' | 'followUpBatchSize'> {
  logger: Logger;
  /**
   * Powertools Metrics that `metrics` writes to, published after every invocation by the
   * `logMetrics` middleware. Left out where metrics are not published as EMF (tests, local).
   */
  powertoolsMetrics?: Metrics;
  /** The daily learning run (issue 14): done by the first run of each local day. */
  learning?: LearnDeps;
}

/** The event is EventBridge's scheduled event; only its arrival matters (and its time, logged). */
export type SendDueOrdersHandler = (
  event: ScheduledEvent,
  context: Context,
) => Promise<SendDueOrdersRunResult>;

/** One scheduled run: the due orders sent, then the sent orders followed up. */
export type SendDueOrdersRunResult = SendDueOrdersResult & {
  followUp?: FollowUpOrdersResult;
  learning?: LearningOutcome;
};

/**
 * Runs on a schedule (an EventBridge rule, or the local stack's timer): sends every order that
 * is due now (see `sendDueOrders`). An order that fails is left due and retried by the next run,
 * so the invocation itself succeeds; nothing is gained by Lambda retrying the whole run. Only a
 * failure to read the due list throws (the next run tries again anyway).
 */
export function makeSendDueOrdersHandler(deps: SendDueOrdersHandlerDeps) {
  return async (event: ScheduledEvent): Promise<SendDueOrdersRunResult> => {
    const now = deps.now();
    deps.logger.appendKeys({ correlation_id: event.id ?? `schedule-${now.toISOString()}` });
    try {
      const result = await sendDueOrders(deps, now);
      // Then the sent orders' follow-up (reminders, staff flags, 納期遅延); its failure is
      // logged and leaves the orders on the follow-up list for the next run.
      const followUp = await followUpOrders(deps, now).catch((error: unknown) => {
        deps.logger.error('follow-up run failed; the next run tries again', {
          error: describeFailure(error),
        });
        return undefined;
      });
      if (result.more) {
        deps.logger.warn('more orders are due than one run sends; the next run goes on', {
          sent: result.sent.length,
        });
      }
      // Then, once a day, the learning (issue 14); its failure waits for tomorrow's run.
      const learning = deps.learning
        ? await learnReorderPoints(deps.learning, now).catch((error: unknown) => {
            deps.logger.error('learning run failed; the next day tries again', {
              error: describeFailure(error),
            });
            return undefined;
          })
        : undefined;
      const learned = learning && learning.apps.some((app) => app.ran) ? { learning } : {};
      // Without `followUp` in the configuration the run only empties the follow-up list.
      return followUp && deps.config.followUp
        ? { ...result, followUp, ...learned }
        : { ...result, ...learned };
    } finally {
      deps.logger.removeKeys(['correlation_id']);
    }
  };
}

/** The composed Lambda handler: Lambda context in the logs, metrics published. */
export function createSendDueOrdersHandler(deps: SendDueOrdersHandlerDeps): SendDueOrdersHandler {
  const handler = middy(makeSendDueOrdersHandler(deps)).use(
    injectLambdaContext(deps.logger, { resetKeys: true }),
  );
  if (deps.powertoolsMetrics) handler.use(logMetrics(deps.powertoolsMetrics));
  return handler as SendDueOrdersHandler;
}
