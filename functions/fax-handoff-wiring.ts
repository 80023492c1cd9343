import { SQSClient } from '@aws-sdk/client-sqs';
import { QueueFaxHandoff } from '../shared/adapters/sqs/queue-fax-handoff';
import { SqsNotificationQueue } from '../shared/adapters/sqs/sqs-notification-queue';
import { requireEnv, type Env } from '../shared/config/env';
import type { BridgeConfig } from '../shared/config/schema';
import type { FaxHandoff } from '../shared/ports/fax-gateway';
import { awsClientConfig, type WiringOverrides } from './wiring-env';

/**
 * How the functions that do not render faxes (dispatch, send-due-orders, ses-events) hand one to
 * the fax function: a job on the fax queue (`FAX_QUEUE_URL`, SQS FIFO), or on the local stack's
 * in-process queue (`overrides.faxQueue`). Undefined when the configuration has no fax gateway.
 */
export function faxHandoffFromEnv(
  env: Env,
  config: Pick<BridgeConfig, 'fax'>,
  overrides: Pick<WiringOverrides, 'faxQueue'> = {},
): FaxHandoff | undefined {
  if (!config.fax) return undefined;
  const queue =
    overrides.faxQueue ??
    new SqsNotificationQueue(
      new SQSClient(awsClientConfig(env, 'SQS')),
      requireEnv(env, 'FAX_QUEUE_URL'),
    );
  return new QueueFaxHandoff(queue, config.fax.region);
}
