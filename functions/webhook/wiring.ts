import { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import { secretSourceFromEnv } from '../../shared/adapters/secrets/secret-source-from-env';
import { SqsNotificationQueue } from '../../shared/adapters/sqs/sqs-notification-queue';
import { loadConfigFromEnv, requireEnv, type Env } from '../../shared/config/env';
import { ConfigError, resolveSecret } from '../../shared/config/load-config';
import { MIN_LITERAL_SECRET_LENGTH, type BridgeConfig } from '../../shared/config/schema';
import { memoizeBySecrets } from '../../shared/config/secret-memo';
import { referencedFieldCodes } from '../../shared/kintone/record-mapper';
import type { NotificationQueue } from '../../shared/ports/notification-queue';
import type { SecretSource } from '../../shared/ports/secret-source';
import { awsClientConfig, loggerFromEnv, type WiringOverrides } from '../wiring-env';
import { WebhookTokenVerifier, type AppTokens } from '../../shared/edge/token-verifier';
import { createWebhookHandler, type WebhookDeps, type WebhookHandler } from './handler';

/** A token from the environment must be as unguessable as a literal one in the config. */
function webhookToken(value: string, appId: string): string {
  if (value.length < MIN_LITERAL_SECRET_LENGTH) {
    throw new ConfigError(
      `the webhook token of app ${appId} is shorter than ${MIN_LITERAL_SECRET_LENGTH} characters; use a long random value`,
    );
  }
  return value;
}

/**
 * Every app's accepted webhook tokens, resolved from the secret source on each call and
 * turned into a verifier only when they change (see {@link memoizeBySecrets}).
 *
 * @example
 * const tokens = webhookTokens(config, new EnvSecretSource(process.env));
 * (await tokens()).appsFor(token);
 */
export function webhookTokens(
  config: BridgeConfig,
  secrets: SecretSource,
): () => Promise<WebhookTokenVerifier> {
  return memoizeBySecrets(
    secrets,
    (env): AppTokens[] => [
      ...config.apps.map((app) => ({
        appId: app.appId,
        tokens: app.webhookTokens.map((ref, index) =>
          webhookToken(
            resolveSecret(ref, env, `apps[app ${app.appId}].webhookTokens[${index}]`, (name) =>
              secrets.describe(name),
            ),
            app.appId,
          ),
        ),
      })),
      // The order app's UPDATE_STATUS webhook (approval) comes to the same endpoint.
      ...(config.orderApp && config.orderApp.webhookTokens.length > 0
        ? [
            {
              appId: config.orderApp.appId,
              tokens: config.orderApp.webhookTokens.map((ref, index) =>
                webhookToken(
                  resolveSecret(ref, env, `orderApp.webhookTokens[${index}]`, (name) =>
                    secrets.describe(name),
                  ),
                  config.orderApp?.appId ?? '',
                ),
              ),
            },
          ]
        : []),
    ],
    (apps) => new WebhookTokenVerifier(apps),
  );
}

/** Builds the webhook function's collaborators from a validated configuration. */
export function buildWebhookDeps(
  config: BridgeConfig,
  secrets: SecretSource,
  queue: NotificationQueue,
  logger: Logger,
): WebhookDeps {
  const fieldCodesByApp = new Map(config.apps.map((app) => [app.appId, referencedFieldCodes(app)]));
  // The order app's notifications are queued whole: the approval reads its status and modifier.
  return {
    tokens: webhookTokens(config, secrets),
    queue,
    logger,
    fieldCodesByApp,
  };
}

/**
 * The Lambda wiring: configuration, queue URL (`QUEUE_URL`) and Powertools Logger settings
 * from the environment (no Metrics: NotificationsReceived is counted from the log); webhook tokens from the Secrets Manager secret `SECRETS_ARN` (or the environment
 * without it). AWS clients take their region, endpoint and credentials from the same environment
 * (`awsClientConfig`). No table: every notification fits one SQS message (1 MiB; kintone sends
 * at most 1 MB), so the webhook writes no claim checks.
 *
 * The local stack calls it too, with `overrides.queue` (its in-process FIFO queue: there is no
 * SQS endpoint for `QUEUE_URL`); `QUEUE_URL` is then not read.
 */
export function wireWebhookFromEnv(env: Env, overrides: WiringOverrides = {}): WebhookHandler {
  const logger = loggerFromEnv(env);
  const config = loadConfigFromEnv(env);
  const queue =
    overrides.queue ??
    new SqsNotificationQueue(
      new SQSClient(awsClientConfig(env, 'SQS')),
      requireEnv(env, 'QUEUE_URL'),
    );
  return createWebhookHandler(
    buildWebhookDeps(
      config,
      secretSourceFromEnv(env, logger, awsClientConfig(env, 'Secrets Manager')),
      queue,
      logger,
    ),
  );
}
