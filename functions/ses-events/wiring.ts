import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createDocumentClient,
  DynamoDbBridgeStore,
} from '../../shared/adapters/dynamodb/dynamodb-bridge-store';
import { kintoneClients } from '../../shared/adapters/kintone/kintone-clients';
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
  const kintone = new RestKintoneRecordWriter(
    kintoneClients(config, secretSourceFromEnv(env, logger), requireEnv(env, 'KINTONE_BASE_URL')),
  );
  const powertoolsMetrics = createPowertoolsMetrics(env, logger);
  return createSesEventsHandler({
    config,
    store,
    kintone,
    logger,
    now: () => new Date(),
    metrics: new PowertoolsBridgeMetrics(powertoolsMetrics),
    powertoolsMetrics,
  });
}
