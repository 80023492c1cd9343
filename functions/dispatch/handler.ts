import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { describeIssues } from '../../shared/config/load-config';
import {
  processNotification,
  type DispatchDeps,
} from '../../shared/use-cases/process-notification';
import { isRecordNotification, notificationSchema } from '../../shared/kintone/notification';
import {
  approveFromNotification,
  isOrderAppNotification,
} from '../../shared/use-cases/approve-order';
import type { CompleteOrderDeps } from '../../shared/use-cases/complete-order';
import { NO_METRICS } from '../../shared/ports/bridge-metrics';
import type {
  FailureDisposition,
  NotificationFailureLog,
} from '../../shared/ports/notification-failures';
import { describeFailure, failureKind } from '../../shared/use-cases/failure-kind';
import {
  identifyMessage,
  reportUnprocessed,
  type MessageIdentity,
} from '../../shared/use-cases/report-unprocessed';
import { ClaimCheckNotFoundError, type ClaimCheckStore } from '../../shared/ports/claim-checks';
import {
  queueBodyFor,
  resolveQueuedNotification,
  UnreadableQueueMessageError,
} from '../../shared/edge/queued-notification';

export interface DispatchHandlerDeps
  extends DispatchDeps, Pick<CompleteOrderDeps, 'ledger' | 'approvalMailer' | 'approvalLinks'> {
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
  /**
   * The queue's maxReceiveCount: the attempt that reaches it is the last before the dead
   * letters, and marks the record. Defaults to {@link DEFAULT_MAX_RECEIVE_COUNT}.
   */
  maxReceiveCount?: number;
}

/** The redrive policy's maxReceiveCount of the dispatch queue (infra and the local queue). */
export const DEFAULT_MAX_RECEIVE_COUNT = 5;

export type DispatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** A queue message that can never be processed; it goes to the dead-letter queue for a person. */
export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

/**
 * The notification a queue message stands for, validated. A claim-check reference (a
 * notification over SQS's size limit) is resolved to the stored copy first.
 */
/**
 * A parked body is kept in its failure's item (a DynamoDB item holds at most 400 KB) up to this
 * size; a larger one is put in the claim-check store and the item keeps a reference, which a
 * replay queues and dispatch resolves like any other.
 */
export const MAX_PARKED_BODY_BYTES = 256 * 1024;

/** The body to park: the message's, or a claim-check reference to a copy of a large one. */
async function parkedBody(
  body: string,
  identity: MessageIdentity,
  deps: Pick<DispatchHandlerDeps, 'claimChecks'>,
  at: string,
): Promise<string> {
  const { notificationId, type, appId, recordId } = identity;
  // Without what a reference names (an unreadable message), or a store, the body is kept as it
  // is: recording it may then fail, and the message goes on to the dead letters instead.
  if (!notificationId || !type || !appId || !recordId || !deps.claimChecks) return body;
  const parked = await queueBodyFor(
    body,
    { notificationId, type, app: { id: appId }, recordId },
    deps.claimChecks,
    new Date(at),
    MAX_PARKED_BODY_BYTES,
  );
  return parked.body;
}

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
  const maxReceiveCount = deps.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT;
  const handleRecord = async (record: SQSRecord): Promise<void> => {
    try {
      const notification = await parseMessage(record, deps.claimChecks);
      deps.logger.appendKeys({ correlation_id: notification.id });
      // The order app's (発注管理) status changes are approvals; item apps' changes are stock.
      if (isOrderAppNotification(deps.config, notification.app.id)) {
        const outcome = isRecordNotification(notification)
          ? await approveFromNotification(notification, deps)
          : { result: 'ignored' };
        deps.logger.info('order app notification processed', { result: outcome.result });
      } else {
        await processNotification(notification, deps);
      }
      // A replayed notification that succeeds no longer needs its failure kept.
      if (deps.failures && Number(record.attributes.ApproximateReceiveCount) > 1) {
        await deps.failures.clearFailure(notification.id).catch(() => undefined);
      }
    } catch (error) {
      await handleFailure(record, error);
    } finally {
      deps.logger.removeKeys(['correlation_id']);
    }
  };

  /**
   * A permanent failure (the notification itself cannot be processed) is parked: recorded with
   * its body, the record marked, and the message completed, so the record's later
   * notifications go on. A transient one is recorded and rethrown for the queue to retry; on
   * the last attempt, before the queue moves it to the dead letters, the record is marked.
   */
  const handleFailure = async (record: SQSRecord, error: unknown): Promise<void> => {
    metrics.count('DispatchFailures');
    const identity = identifyMessage(record.body, deps);
    const attempt = Number(record.attributes.ApproximateReceiveCount) || 1;
    const kind = failureKind(error);
    const lastAttempt = kind === 'transient' && attempt >= maxReceiveCount;
    const disposition: FailureDisposition =
      kind === 'permanent' ? 'parked' : lastAttempt ? 'dead-lettered' : 'retrying';
    const problem = describeFailure(error);
    const detail = {
      error: problem,
      disposition,
      messageId: record.messageId,
      receiveCount: attempt,
      ...(identity.appId ? { appId: identity.appId } : {}),
      ...(identity.recordId ? { recordId: identity.recordId } : {}),
    };
    const at = deps.now().toISOString();
    let logged = true;
    if (deps.failures) {
      try {
        const body =
          kind === 'permanent' ? await parkedBody(record.body, identity, deps, at) : undefined;
        await deps.failures.recordFailure({
          notificationId: identity.notificationId ?? record.messageId,
          messageId: record.messageId,
          ...(identity.appId ? { appId: identity.appId } : {}),
          ...(identity.recordId ? { recordId: identity.recordId } : {}),
          ...(identity.type ? { type: identity.type } : {}),
          error: problem,
          disposition,
          attempt,
          at,
          ...(body === undefined ? {} : { body }),
        });
      } catch (logError) {
        logged = false;
        deps.logger.error('could not record the failure', { error: describeFailure(logError) });
      }
    }
    if (kind === 'permanent' && logged && deps.failures) {
      deps.logger.error(
        'notification parked: it cannot be processed, retrying cannot help',
        detail,
      );
      metrics.count('NotificationsParked');
      await reportUnprocessed(identity, error, false, deps);
      return;
    }
    // Without a place to park it, a permanent failure is retried into the dead letters rather
    // than dropped.
    deps.logger.error(
      lastAttempt
        ? 'notification failed on its last attempt; it goes to the dead letters'
        : 'notification failed; it will be retried',
      detail,
    );
    if (lastAttempt || (kind === 'permanent' && attempt >= maxReceiveCount)) {
      await reportUnprocessed(identity, error, true, deps);
    }
    throw error;
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
