import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbClaimCheckStore } from '../../shared/adapters/dynamodb/dynamodb-claim-check-store';
import { DynamoDbItemStates } from '../../shared/adapters/dynamodb/dynamodb-item-states';
import { kintoneClients } from '../../shared/adapters/kintone/kintone-clients';
import { RestInventoryReader } from '../../shared/adapters/kintone/kintone-inventory-reader';
import { SqsNotificationQueue } from '../../shared/adapters/sqs/sqs-notification-queue';
import { requireEnv, type Env } from '../../shared/config/env';
import { awsClientConfig, clockOf, wireCommon, type WiringOverrides } from '../common-wiring';
import { createSweepHandler, type SweepHandler } from './handler';

/**
 * The Lambda wiring of the sweep: kintone read through the cursor API (API tokens from the
 * Secrets Manager secret `SECRETS_ARN`, or the environment without it; every call counted in
 * the daily budget), the items' states in the bridge table (read only), claim checks for a
 * record too large for one message, and the notification queue (`QUEUE_URL`). The local stack
 * calls it with `overrides.queue` (its in-process FIFO queue) and `overrides.now`.
 *
 * Environment: as `wireCommon`, plus `QUEUE_URL` (unless `overrides.queue`).
 */
export function wireSweepFromEnv(env: Env, overrides: WiringOverrides = {}): SweepHandler {
  const now = clockOf(overrides);
  const { logger, config, table, secrets, kintoneBaseUrl, budget, metrics, powertoolsMetrics } =
    wireCommon(env, { now });
  const reader = new RestInventoryReader(kintoneClients(config, secrets, kintoneBaseUrl), {
    budget,
    onRetry: ({ attempt, attempts, delayMs, reason }) =>
      logger.warn('kintone busy, retrying', { attempt, attempts, delayMs, reason }),
    onCursorEvent: ({ kind, appId, afterId, error }) =>
      logger.warn(
        kind === 'restarted'
          ? 'kintone cursor lost or expired: reading on from the last record seen'
          : 'kintone cursor could not be deleted (kintone drops it within 10 minutes)',
        {
          appId,
          ...(afterId !== undefined ? { afterId } : {}),
          error: error instanceof Error ? error.message : String(error),
        },
      ),
  });
  const queue =
    overrides.queue ??
    new SqsNotificationQueue(
      new SQSClient(awsClientConfig(env, 'SQS')),
      requireEnv(env, 'QUEUE_URL'),
    );
  return createSweepHandler({
    config,
    reader,
    items: new DynamoDbItemStates(table),
    queue,
    claimChecks: new DynamoDbClaimCheckStore(table),
    logger,
    metrics,
    now,
    ...(powertoolsMetrics ? { powertoolsMetrics } : {}),
  });
}
