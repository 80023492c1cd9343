import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseFaxJob } from '../../shared/edge/fax-job-message';
import { NO_METRICS } from '../../shared/ports/bridge-metrics';
import { describeFailure } from '../../shared/use-cases/failure-kind';
import { sendFaxJob, type SendFaxJobDeps } from '../../shared/use-cases/send-fax-job';

/** What the fax function is built from: the fax path, and what completing an order needs. */
export interface SendFaxHandlerDeps extends SendFaxJobDeps {
  logger: Logger;
  /** Published after every invocation (`logMetrics`); left out in tests and locally. */
  powertoolsMetrics?: Metrics;
}

export type SendFaxHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * Consumes the fax queue (SQS FIFO, one message group per order): renders and sends each job's
 * fax. A failed job is reported back to SQS alone (`reportBatchItemFailures`), and the jobs of
 * the same order behind it wait for its retry; after the queue's maxReceiveCount it goes to the
 * fax dead-letter queue, which is alarmed. The order stays on the due list meanwhile, so the
 * scheduled send hands its fax over again once the outage is over (a malformed job, which no
 * retry can mend, ends in the dead letters too, where an operator sees it).
 */
export function makeSendFaxHandler(deps: SendFaxHandlerDeps) {
  const processor = new SqsFifoPartialProcessorAsync();
  const metrics = deps.metrics ?? NO_METRICS;
  const handleRecord = async (record: SQSRecord): Promise<void> => {
    try {
      const job = parseFaxJob(record.body);
      deps.logger.appendKeys({ correlation_id: job.orderNumber });
      const outcome = await sendFaxJob(job, deps);
      deps.logger.info('fax job done', { ...outcome });
    } catch (error) {
      metrics.count('FaxJobFailures');
      deps.logger.error('fax job failed; it will be retried', {
        error: describeFailure(error),
        messageId: record.messageId,
        receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
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
export function createSendFaxHandler(deps: SendFaxHandlerDeps): SendFaxHandler {
  const handler = middy(makeSendFaxHandler(deps)).use(
    injectLambdaContext(deps.logger, { resetKeys: true }),
  );
  if (deps.powertoolsMetrics) handler.use(logMetrics(deps.powertoolsMetrics));
  return handler as SendFaxHandler;
}
