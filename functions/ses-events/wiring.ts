import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createDocumentClient,
  DynamoDbBridgeStore,
} from '../../shared/adapters/dynamodb/dynamodb-bridge-store';
import { SESClient } from '@aws-sdk/client-ses';
import { buildFaxSending } from '../../shared/adapters/fax/fax-sending';
import { fontPathsFromEnv } from '../../shared/adapters/fax/fonts-from-env';
import { kintoneClients } from '../../shared/adapters/kintone/kintone-clients';
import { KintoneCallBudget } from '../../shared/adapters/kintone/kintone-call-budget';
import { RestKintoneRecordWriter } from '../../shared/adapters/kintone/kintone-record-writer';
import {
  createPowertoolsMetrics,
  DEFAULT_SERVICE_NAME,
  PowertoolsBridgeMetrics,
} from '../../shared/adapters/metrics/powertools-bridge-metrics';
import { secretSourceFromEnv } from '../../shared/adapters/secrets/secret-source-from-env';
import { loadConfigFromEnv, requireEnv, type Env } from '../../shared/config/env';
import { createSesEventsHandler, type SesEventsHandler } from './handler';

/**
 * The Lambda wiring: the bridge table, kintone with API tokens from the Secrets Manager secret
 * `SECRETS_ARN` (or the environment without it), and Powertools settings from the environment.
 */
export function wireSesEventsFromEnv(env: Env): SesEventsHandler {
  const logger = new Logger({
    serviceName: env.POWERTOOLS_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME,
  });
  const config = loadConfigFromEnv(env);
  const store = new DynamoDbBridgeStore({
    client: createDocumentClient(new DynamoDBClient({})),
    tableName: requireEnv(env, 'TABLE_NAME'),
  });
  const secrets = secretSourceFromEnv(env, logger);
  const powertoolsMetrics = createPowertoolsMetrics(env, logger);
  const metrics = new PowertoolsBridgeMetrics(powertoolsMetrics);
  const kintone = new RestKintoneRecordWriter(
    kintoneClients(config, secrets, requireEnv(env, 'KINTONE_BASE_URL')),
    { budget: new KintoneCallBudget({ store, logger, metrics, now: () => new Date() }) },
  );
  // A hard bounce falls back to fax: this function sends it.
  const configurationSetName = env.SES_CONFIGURATION_SET?.trim();
  const fax = buildFaxSending({
    config,
    secrets,
    fonts: fontPathsFromEnv(env),
    sesClient: new SESClient({}),
    ...(configurationSetName ? { configurationSetName } : {}),
    ...(env.FAX_CALLBACK_URL?.trim() ? { phaxioCallbackUrl: env.FAX_CALLBACK_URL.trim() } : {}),
  });
  return createSesEventsHandler({
    config,
    store,
    kintone,
    logger,
    now: () => new Date(),
    metrics,
    powertoolsMetrics,
    ...(fax ? { fax } : {}),
  });
}
