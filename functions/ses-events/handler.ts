import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SNSEvent } from 'aws-lambda';
import {
  recordDelivery,
  type DeliveryDeps,
  type DeliveryOutcome,
} from '../../shared/use-cases/record-delivery';
import { parseSesEvent } from '../../shared/edge/ses-event';

export interface SesEventsDeps extends DeliveryDeps {
  logger: Logger;
  /**
   * Powertools Metrics that `metrics` writes to, published after every invocation by the
   * `logMetrics` middleware. Left out where metrics are not published as EMF (tests).
   */
  powertoolsMetrics?: Metrics;
}

export type SesEventsHandler = (event: SNSEvent, context: Context) => Promise<DeliveryOutcome[]>;

/**
 * Consumes SES events (configuration set → SNS → this function): each record's message is an
 * SES event; delivery, bounce, complaint and reject are recorded on the order and in kintone.
 * Messages that are not SES events, other event types and unknown orders are logged and
 * skipped, since retrying cannot help them. Any other failure (kintone, DynamoDB) is thrown, so
 * Lambda retries the asynchronous invocation and finally hands it to its on-failure destination.
 */
export function makeSesEventsHandler(deps: SesEventsDeps) {
  return async (event: SNSEvent): Promise<DeliveryOutcome[]> => {
    const outcomes: DeliveryOutcome[] = [];
    for (const record of event.Records) {
      const snsMessageId = record.Sns.MessageId;
      const parsed = parseSesEvent(record.Sns.Message);
      if (parsed.kind === 'invalid') {
        deps.logger.error('SNS message skipped: it is not an SES event', {
          snsMessageId,
          problem: parsed.problem,
        });
        continue;
      }
      if (parsed.kind === 'ignored') {
        deps.logger.debug('SES event type not recorded', {
          snsMessageId,
          eventType: parsed.eventType,
          orderNumber: parsed.orderNumber,
        });
        continue;
      }
      const { report } = parsed;
      deps.logger.appendKeys({ correlation_id: report.orderNumber ?? snsMessageId });
      try {
        const outcome = await recordDelivery(report, deps);
        deps.logger.info('SES event processed', { snsMessageId, outcome });
        outcomes.push(outcome);
      } catch (error) {
        deps.logger.error('SES event failed; Lambda will retry it', {
          snsMessageId,
          eventType: report.eventType,
          error:
            error instanceof Error ? { name: error.name, message: error.message } : String(error),
        });
        throw error;
      } finally {
        deps.logger.removeKeys(['correlation_id']);
      }
    }
    return outcomes;
  };
}

/** The composed Lambda handler: Lambda context in the logs, metrics published. */
export function createSesEventsHandler(deps: SesEventsDeps): SesEventsHandler {
  const handler = middy(makeSesEventsHandler(deps)).use(
    injectLambdaContext(deps.logger, { resetKeys: true }),
  );
  if (deps.powertoolsMetrics) handler.use(logMetrics(deps.powertoolsMetrics));
  return handler as SesEventsHandler;
}
