import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../shared/adapters/dynamodb/bridge-table';
import { DynamoDbCounters } from '../shared/adapters/dynamodb/dynamodb-counters';
import { KintoneCallBudget } from '../shared/adapters/kintone/kintone-call-budget';
import { kintoneClients } from '../shared/adapters/kintone/kintone-clients';
import { RestKintoneRecordWriter } from '../shared/adapters/kintone/kintone-record-writer';
import { secretSourceFromEnv } from '../shared/adapters/secrets/secret-source-from-env';
import { loadConfigFromEnv, requireEnv, type Env } from '../shared/config/env';
import type { BridgeConfig } from '../shared/config/schema';
import type { BridgeMetrics } from '../shared/ports/bridge-metrics';
import type { SecretSource } from '../shared/ports/secret-source';
import { awsClientConfig, loggerFromEnv, metricsFromEnv } from './wiring-env';

// The environment readers live apart, so a function that needs no kintone client (the webhook)
// can use them without bundling one; re-exported here for the others.
export {
  awsClientConfig,
  clockOf,
  loggerFromEnv,
  metricsFromEnv,
  type AwsClientConfig,
  type AwsServiceId,
  type WiringOverrides,
} from './wiring-env';

/** What every function that reads the bridge table and writes to kintone is built from. */
export interface CommonWiring {
  logger: Logger;
  config: BridgeConfig;
  /** The bridge table's atomic counters (kintone calls, page requests). */
  counters: DynamoDbCounters;
  /**
   * The bridge table and the one document client for it: every adapter of the table (store,
   * failure log, claim checks) shares it, so a container opens one connection pool, not one per
   * adapter.
   */
  table: { client: DynamoDBDocumentClient; tableName: string };
  /** kintone API tokens (and other secrets) from `SECRETS_ARN`, or the environment without it. */
  secrets: SecretSource;
  /** `KINTONE_BASE_URL`. */
  kintoneBaseUrl: string;
  /** Counts every kintone request against the app's daily limit. */
  budget: KintoneCallBudget;
  kintone: RestKintoneRecordWriter;
}

/** {@link CommonWiring} of a function that publishes metrics. */
export interface MeteredWiring extends CommonWiring {
  /** Absent when `POWERTOOLS_METRICS_DISABLED` (metrics are then debug log lines). */
  powertoolsMetrics?: Metrics;
  metrics: BridgeMetrics;
}

/** Options of {@link wireCommon}. */
export interface CommonWiringOptions {
  /**
   * The configuration, when the function checks it before anything else is read from the
   * environment; loaded with `loadConfigFromEnv` otherwise.
   */
  config?: BridgeConfig;
  /** `false` for a function that publishes no metrics (kintone budget warnings are then only logged). */
  metrics?: boolean;
  /** The clock of the kintone call budget; the system clock without it. */
  now?: () => Date;
}

/**
 * The collaborators the Lambda functions share, from the given environment (never read from
 * process.env behind its back): the Powertools logger (`POWERTOOLS_SERVICE_NAME`,
 * `POWERTOOLS_LOG_LEVEL`), the configuration (`BRIDGE_CONFIG` or `BRIDGE_CONFIG_FILE`), the
 * bridge table (`TABLE_NAME`, the client from {@link awsClientConfig}), the secret source
 * (`SECRETS_ARN`, or the environment itself), metrics ({@link metricsFromEnv}) and the kintone
 * record writer with the daily call budget (`KINTONE_BASE_URL`).
 *
 * @example
 * const { config, store, kintone, logger, metrics, powertoolsMetrics } = wireCommon(process.env);
 */
export function wireCommon(
  env: Env,
  options?: CommonWiringOptions & { metrics?: true },
): MeteredWiring;
export function wireCommon(
  env: Env,
  options: CommonWiringOptions & { metrics: false },
): CommonWiring;
export function wireCommon(
  env: Env,
  options: CommonWiringOptions = {},
): CommonWiring | MeteredWiring {
  const logger = loggerFromEnv(env);
  const config = options.config ?? loadConfigFromEnv(env);
  const table = {
    client: createDocumentClient(new DynamoDBClient(awsClientConfig(env, 'DynamoDB'))),
    tableName: requireEnv(env, 'TABLE_NAME'),
  };
  const counters = new DynamoDbCounters(table);
  const secrets = secretSourceFromEnv(env, logger, awsClientConfig(env, 'Secrets Manager'));
  const metered = options.metrics === false ? undefined : metricsFromEnv(env, logger);
  const metrics = metered?.metrics;
  const budget = new KintoneCallBudget({
    store: counters,
    logger,
    ...(metrics ? { metrics } : {}),
    now: options.now ?? (() => new Date()),
  });
  const kintoneBaseUrl = requireEnv(env, 'KINTONE_BASE_URL');
  const kintone = new RestKintoneRecordWriter(kintoneClients(config, secrets, kintoneBaseUrl), {
    budget,
    onRetry: ({ attempt, attempts, delayMs, reason }) =>
      logger.warn('kintone busy, retrying', { attempt, attempts, delayMs, reason }),
    onRevisionConflict: ({ appId, recordId, attempt }) =>
      logger.info('record saved by staff meanwhile: reading it again', {
        appId,
        recordId,
        attempt,
      }),
  });
  const common = { logger, config, counters, table, secrets, kintoneBaseUrl, budget, kintone };
  return metered ? { ...common, ...metered } : common;
}
