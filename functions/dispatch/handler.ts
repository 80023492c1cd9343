import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { describeIssues } from '../../shared/config/load-config';
import { processNotification, type DispatchDeps } from '../../shared/dispatch/process-notification';
import { notificationSchema } from '../../shared/kintone/notification';
import { NO_METRICS } from '../../shared/ports/bridge-metrics';

export interface DispatchHandlerDeps extends DispatchDeps {
  logger: Logger;
  /**
   * Powertools Metrics that `metrics` writes to, published after every invocation by the
   * `logMetrics` middleware. Left out where metrics are not published as EMF (tests, local).
   */
  powertoolsMetrics?: Metrics;
}

export type DispatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** A queue message that can never be processed; it goes to the dead-letter queue for a person. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

function parseMessage(record: SQSRecord) {
  let raw: unknown;
  try {
    raw = JSON.parse(record.body);
  } catch {
    throw new MalformedMessageError(`message ${record.messageId} is not JSON`);
  }
  const parsed = notificationSchema.safeParse(raw);
  if (!parsed.success) {
    throw new MalformedMessageError(
      `message ${record.messageId} is not a kintone notification:\n${describeIssues(parsed.error.issues)}`,
    );
  }
  return parsed.data;
}

/**
 * Processes a batch of queued notifications in order. A failed message is reported back so
 * only it is retried; `skipGroupOnError` also holds back the later messages of the same record
 * (FIFO group) while unrelated records proceed.
 */
export function makeDispatchHandler(deps: DispatchHandlerDeps) {
  const processor = new SqsFifoPartialProcessorAsync();
  const metrics = deps.metrics ?? NO_METRICS;
  const handleRecord = async (record: SQSRecord): Promise<void> => {
    try {
      const notification = parseMessage(record);
      deps.logger.appendKeys({ correlation_id: notification.id });
      await processNotification(notification, deps);
    } catch (error) {
      metrics.count('DispatchFailures');
      deps.logger.error('notification failed; it will be retried', {
        error:
          error instanceof Error ? { name: error.name, message: error.message } : String(error),
        messageId: record.messageId,
        receiveCount: record.attributes.ApproximateReceiveCount,
      });
      throw error;
    } finally {
      deps.logger.removeKeys(['correlation_id']);
    }
  };
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, handleRecord, processor, {
      context,
      skipGroupOnError: true,
      throwOnFullBatchFailure: false,
    });
}

/** The composed Lambda handler: Lambda context in the logs, metrics published. */
export function createDispatchHandler(deps: DispatchHandlerDeps): DispatchHandler {
  const handler = middy(makeDispatchHandler(deps)).use(
    injectLambdaContext(deps.logger, { resetKeys: true }),
  );
  if (deps.powertoolsMetrics) handler.use(logMetrics(deps.powertoolsMetrics));
  return handler as DispatchHandler;
}
