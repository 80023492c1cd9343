import { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsNotificationQueue } from '../../shared/adapters/sqs/sqs-notification-queue';
import { loadConfigFromEnv, requireEnv, type Env } from '../../shared/config/env';
import { ConfigError, resolveSecret } from '../../shared/config/load-config';
import { MIN_LITERAL_SECRET_LENGTH, type BridgeConfig } from '../../shared/config/schema';
import { referencedFieldCodes } from '../../shared/kintone/record-mapper';
import type { NotificationQueue } from '../../shared/ports/notification-queue';
import { WebhookTokenVerifier } from '../../shared/webhook/token-verifier';
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

/** Builds the webhook function's collaborators from a validated configuration. */
export function buildWebhookDeps(
  config: BridgeConfig,
  env: Env,
  queue: NotificationQueue,
  logger: Logger,
): WebhookDeps {
  const verifier = new WebhookTokenVerifier(
    config.apps.map((app) => ({
      appId: app.appId,
      tokens: app.webhookTokens.map((ref, index) =>
        webhookToken(
          resolveSecret(ref, env, `apps[app ${app.appId}].webhookTokens[${index}]`),
          app.appId,
        ),
      ),
    })),
  );
  const fieldCodesByApp = new Map(config.apps.map((app) => [app.appId, referencedFieldCodes(app)]));
  return { verifier, queue, logger, fieldCodesByApp };
}

/** The Lambda wiring: configuration and queue URL from the environment. */
export function wireWebhookFromEnv(env: Env): WebhookHandler {
  const logger = new Logger({ serviceName: 'stock-alert-bridge' });
  const config = loadConfigFromEnv(env);
  const queue = new SqsNotificationQueue(new SQSClient({}), requireEnv(env, 'QUEUE_URL'));
  return createWebhookHandler(buildWebhookDeps(config, env, queue, logger));
}
