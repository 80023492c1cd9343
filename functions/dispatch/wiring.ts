import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import type { KintoneRestAPIClient } from '@kintone/rest-api-client';
import {
  createDocumentClient,
  DynamoDbBridgeStore,
} from '../../shared/adapters/dynamodb/dynamodb-bridge-store';
import {
  createKintoneClient,
  RestKintoneRecordWriter,
} from '../../shared/adapters/kintone/kintone-record-writer';
import { SesOrderMailer } from '../../shared/adapters/ses/ses-order-mailer';
import { loadConfigFromEnv, requireEnv, type Env } from '../../shared/config/env';
import { findApp, resolveSecret } from '../../shared/config/load-config';
import type { BridgeConfig } from '../../shared/config/schema';
import { UnknownAppError } from '../../shared/dispatch/process-notification';
import { createDispatchHandler, type DispatchHandler } from './handler';

/**
 * One kintone client per app, built on first use: each app has its own API token, and a
 * notification for an app that needs no write-back never resolves its token.
 */
export function kintoneClients(
  config: BridgeConfig,
  env: Env,
  baseUrl: string,
): (appId: string) => KintoneRestAPIClient {
  const clients = new Map<string, KintoneRestAPIClient>();
  return (appId) => {
    const existing = clients.get(appId);
    if (existing) return existing;
    const app = findApp(config, appId);
    if (!app) throw new UnknownAppError(appId);
    const client = createKintoneClient(
      baseUrl,
      resolveSecret(app.apiToken, env, `apps[app ${appId}].apiToken`),
    );
    clients.set(appId, client);
    return client;
  };
}

/** The Lambda wiring: every adapter is the real AWS or kintone one. */
export function wireDispatchFromEnv(env: Env): DispatchHandler {
  const logger = new Logger({ serviceName: 'stock-alert-bridge' });
  const config = loadConfigFromEnv(env);
  const store = new DynamoDbBridgeStore({
    client: createDocumentClient(new DynamoDBClient({})),
    tableName: requireEnv(env, 'TABLE_NAME'),
  });
  const configurationSetName = env.SES_CONFIGURATION_SET;
  const mailer = new SesOrderMailer({
    client: new SESClient({}),
    ...(configurationSetName ? { configurationSetName } : {}),
  });
  const kintone = new RestKintoneRecordWriter(
    kintoneClients(config, env, requireEnv(env, 'KINTONE_BASE_URL')),
  );
  return createDispatchHandler({ config, store, mailer, kintone, logger, now: () => new Date() });
}
