import { DynamoDbClaimCheckStore } from '../../shared/adapters/dynamodb/dynamodb-claim-check-store';
import { DynamoDbNotificationFailureLog } from '../../shared/adapters/dynamodb/dynamodb-notification-failure-log';
import { buildSupplierDirectory } from '../../shared/adapters/kintone/kintone-supplier-directory';
import { calendarFromConfig } from '../../shared/adapters/calendar/calendar-from-config';
import type { Env } from '../../shared/config/env';
import { ConfigError } from '../../shared/config/load-config';
import { clockOf, wireCommon, type WiringOverrides } from '../common-wiring';
import { orderCompletionFromEnv } from '../order-sending-wiring';
import { wireStores } from '../store-wiring';
import { createDispatchHandler, type DispatchHandler } from './handler';

/**
 * The Lambda wiring: every adapter is the real AWS or kintone one; kintone API tokens come from
 * the Secrets Manager secret `SECRETS_ARN` (or the environment without it). The local stack
 * calls it too, with an environment pointing at its emulators (see {@link wireCommon} and
 * `awsClientConfig`); `overrides.now` is the clock of tests.
 *
 * Environment: as {@link wireCommon}, plus `SES_CONFIGURATION_SET`, `SUPPLIER_PAGE_BASE_URL`,
 * `MAX_RECEIVE_COUNT`, `FAX_QUEUE_URL` and `AWS_ENDPOINT_URL_SES`.
 */
export function wireDispatchFromEnv(env: Env, overrides: WiringOverrides = {}): DispatchHandler {
  const now = clockOf(overrides);
  const {
    logger,
    config,
    table,
    secrets,
    kintoneBaseUrl,
    budget,
    kintone,
    metrics,
    powertoolsMetrics,
  } = wireCommon(env, { now });
  // Built once per container, so its cache serves every invocation while the container is warm.
  const suppliers = buildSupplierDirectory(config, secrets, kintoneBaseUrl, { logger, budget });
  // Failures go to the bridge table: SQS keeps no error with a dead-lettered message.
  const failures = new DynamoDbNotificationFailureLog(table);
  // Records the sweep found too big for SQS (and what an older webhook queued that way) arrive
  // as a reference to a claim check.
  const claimChecks = new DynamoDbClaimCheckStore(table);
  return createDispatchHandler({
    config,
    ...wireStores(table, now, config),
    ...orderCompletionFromEnv(env, { config, secrets, kintoneBaseUrl, budget }, overrides),
    kintone,
    logger,
    now,
    metrics,
    powertoolsMetrics,
    failures,
    claimChecks,
    ...maxReceiveCountFromEnv(env),
    ...(suppliers ? { suppliers } : {}),
    calendars: calendarFromConfig(config),
  });
}

/** The queue's maxReceiveCount as the stack sets it (MAX_RECEIVE_COUNT); absent: the default. */
function maxReceiveCountFromEnv(env: Env): { maxReceiveCount?: number } {
  const raw = env.MAX_RECEIVE_COUNT?.trim();
  if (!raw) return {};
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 1_000) {
    throw new ConfigError(
      `MAX_RECEIVE_COUNT must be the queue's maxReceiveCount (an integer 1-1000), not "${raw}"`,
    );
  }
  return { maxReceiveCount: value };
}
