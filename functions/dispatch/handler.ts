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
import type { NotificationFailureLog } from '../../shared/ports/notification-failures';
import { ClaimCheckNotFoundError, type ClaimCheckStore } from '../../shared/ports/claim-checks';
import {
  resolveQueuedNotification,
  UnreadableQueueMessageError,
} from '../../shared/webhook/queued-notification';

export interface DispatchHandlerDeps extends DispatchDeps {
  logger: Logger;
  /**
   * Powertools Metrics that `metrics` writes to, published after every invocation by the
   * `logMetrics` middleware. Left out where metrics are not published as EMF (tests, local).
   */
  powertoolsMetrics?: Metrics;
  /**
   * Where notifications over SQS's size limit are kept; the queue message then refers to one.
   * Without it such a message fails as malformed.
   */
  claimChecks?: ClaimCheckStore;
  /**
   * Where failed attempts are recorded (error, attempts, disposition, and the body of a parked
   * notification), for the operators' dead-letter page and `npm run replay`. Left out in tests
   * that do not look at failures.
   */
  failures?: NotificationFailureLog;
}

export type DispatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** A queue message that can never be processed; it goes to the dead-letter queue for a person. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

/**
 * The notification a queue message stands for, validated. A claim-check reference (a
 * notification over SQS's size limit) is resolved to the stored copy first.
 */
async function parseMessage(record: SQSRecord, claimChecks: ClaimCheckStore | undefined) {
  let raw: unknown;
  try {
    raw = await resolveQueuedNotification(record.body, claimChecks);
  } catch (error) {
    if (error instanceof UnreadableQueueMessageError || error instanceof ClaimCheckNotFoundError) {
      throw new MalformedMessageError(`message ${record.messageId}: ${error.message}`);
    }
    throw error;
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
      const notification = await parseMessage(record, deps.claimChecks);
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
