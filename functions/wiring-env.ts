import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { LoggingBridgeMetrics } from '../shared/adapters/metrics/logging-bridge-metrics';
import {
  createPowertoolsMetrics,
  DEFAULT_SERVICE_NAME,
  PowertoolsBridgeMetrics,
} from '../shared/adapters/metrics/powertools-bridge-metrics';
import type { Env } from '../shared/config/env';
import { ConfigError } from '../shared/config/load-config';
import type { BridgeMetrics } from '../shared/ports/bridge-metrics';
import type { NotificationQueue } from '../shared/ports/notification-queue';

/*
 * How every function's wiring reads its environment: the env object it is given, never
 * process.env behind its back, so the local stack runs the Lambda wiring by passing an
 * environment that points at its emulators. Kept apart from common-wiring (which builds the
 * kintone writer) so the webhook function's bundle carries no kintone client.
 */

/**
 * What a wiring may be given beside its environment: only the things that have no network
 * protocol the environment could point at. Everything else (DynamoDB, SES, SQS endpoints,
 * kintone, the fax gateway, secrets, the configuration) comes from the environment, so the
 * local stack runs the same wiring as Lambda.
 *
 * - `queue`: the local stack's FIFO queue lives in its own process (there is no SQS endpoint
 *   to set `QUEUE_URL` to); only the webhook sends to it.
 * - `faxQueue`: likewise the local fax queue (`FAX_QUEUE_URL`), which the functions that hand
 *   faxes to the fax function send to.
 * - `now`: the clock; tests move it to make gathered orders due without waiting.
 *
 * Lambda passes none (`wire<Name>FromEnv(process.env)`).
 */
export interface WiringOverrides {
  /** The queue the webhook sends to, instead of the SQS queue at `QUEUE_URL`. */
  queue?: NotificationQueue;
  /** The queue faxes are handed to the fax function on, instead of the one at `FAX_QUEUE_URL`. */
  faxQueue?: NotificationQueue;
  /** The clock; `() => new Date()` without it. */
  now?: () => Date;
}

/** The clock of a wiring: the override, or the system clock. */
export function clockOf(overrides: WiringOverrides = {}): () => Date {
  return overrides.now ?? (() => new Date());
}

/**
 * Service ids as the AWS SDK spells them: `AWS_ENDPOINT_URL_<ID>` is the id upper-cased with
 * spaces as underscores (`Secrets Manager` -> `AWS_ENDPOINT_URL_SECRETS_MANAGER`).
 */
export type AwsServiceId = 'DynamoDB' | 'SES' | 'SQS' | 'Secrets Manager';

/** The settings of an AWS SDK v3 client that {@link awsClientConfig} may take from the env. */
export interface AwsClientConfig {
  region?: string;
  endpoint?: string;
  credentials?: () => Promise<{
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
    expiration?: Date;
  }>;
  maxAttempts?: number;
}

const value = (env: Env, name: string): string | undefined => env[name]?.trim() || undefined;

/**
 * An AWS SDK client's settings read from the given environment, not from `process.env`: the
 * same variables the SDK itself reads, so in Lambda (where the env *is* process.env) nothing
 * changes, and the local stack points every client at its emulators by passing an env object.
 *
 * - `AWS_REGION` (or `AWS_DEFAULT_REGION`);
 * - `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL` (as the SDK resolves them);
 * - `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, optionally `AWS_SESSION_TOKEN` and
 *   `AWS_CREDENTIAL_EXPIRATION` (Lambda sets them; locally dummy values). Without them the SDK's
 *   default provider chain applies;
 * - `AWS_MAX_ATTEMPTS_<SERVICE>`, then the SDK's `AWS_MAX_ATTEMPTS`. The per-service variable
 *   is this helper's, not the SDK's: the local stack sets `AWS_MAX_ATTEMPTS_SES=1` so a send its
 *   fault proxy fails is retried by the queue, as in AWS after Lambda's own retries, while its
 *   DynamoDB client keeps the SDK's retries.
 *
 * @example
 * new DynamoDBClient(awsClientConfig(env, 'DynamoDB'));
 */
export function awsClientConfig(env: Env, service: AwsServiceId): AwsClientConfig {
  const suffix = service.toUpperCase().replaceAll(' ', '_');
  const region = value(env, 'AWS_REGION') ?? value(env, 'AWS_DEFAULT_REGION');
  const endpoint = value(env, `AWS_ENDPOINT_URL_${suffix}`) ?? value(env, 'AWS_ENDPOINT_URL');
  const accessKeyId = value(env, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = value(env, 'AWS_SECRET_ACCESS_KEY');
  const rawAttempts = value(env, `AWS_MAX_ATTEMPTS_${suffix}`) ?? value(env, 'AWS_MAX_ATTEMPTS');
  const maxAttempts = rawAttempts === undefined ? undefined : Number(rawAttempts);
  if (maxAttempts !== undefined && (!Number.isInteger(maxAttempts) || maxAttempts < 1)) {
    throw new ConfigError(
      `AWS_MAX_ATTEMPTS(_${suffix}) must be a positive integer, not "${rawAttempts}"`,
    );
  }
  return {
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(accessKeyId && secretAccessKey
      ? {
          // Read on each call, like the SDK's own environment provider.
          credentials: async () => {
            const sessionToken = value(env, 'AWS_SESSION_TOKEN');
            const expiration = value(env, 'AWS_CREDENTIAL_EXPIRATION');
            return {
              accessKeyId: value(env, 'AWS_ACCESS_KEY_ID') ?? accessKeyId,
              secretAccessKey: value(env, 'AWS_SECRET_ACCESS_KEY') ?? secretAccessKey,
              ...(sessionToken ? { sessionToken } : {}),
              ...(expiration ? { expiration: new Date(expiration) } : {}),
            };
          },
        }
      : {}),
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
  };
}

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;

/**
 * The Powertools logger of a function: `POWERTOOLS_SERVICE_NAME` and `POWERTOOLS_LOG_LEVEL`
 * from the given environment (Powertools alone would read process.env).
 */
export function loggerFromEnv(env: Env): Logger {
  const level = value(env, 'POWERTOOLS_LOG_LEVEL')?.toUpperCase();
  const logLevel = LOG_LEVELS.find((known) => known === level) as LogLevel | undefined;
  return new Logger({
    serviceName: value(env, 'POWERTOOLS_SERVICE_NAME') ?? DEFAULT_SERVICE_NAME,
    ...(logLevel ? { logLevel } : {}),
  });
}

/**
 * The metrics of a function: Powertools Metrics (EMF, published by the `logMetrics` middleware)
 * unless `POWERTOOLS_METRICS_DISABLED` is true in the given environment; then each count is a
 * debug log line (the local stack: no CloudWatch to publish to).
 */
export function metricsFromEnv(
  env: Env,
  logger: Logger,
): { metrics: BridgeMetrics; powertoolsMetrics?: Metrics } {
  if (['true', '1', 'yes', 'on'].includes(value(env, 'POWERTOOLS_METRICS_DISABLED') ?? '')) {
    return { metrics: new LoggingBridgeMetrics(logger) };
  }
  const powertoolsMetrics = createPowertoolsMetrics(env, logger);
  return { metrics: new PowertoolsBridgeMetrics(powertoolsMetrics), powertoolsMetrics };
}
