import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createDocumentClient,
  DynamoDbBridgeStore,
} from '../../shared/adapters/dynamodb/dynamodb-bridge-store';
import { phaxioCallbackSettings } from '../../shared/adapters/fax/phaxio-callback-settings';
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
import { ConfigError } from '../../shared/config/load-config';
import { createFaxStatusHandler, type FaxStatusHandler } from './handler';

/** The Lambda wiring: Phaxio's callback settings from the config and the secret. */
export function wireFaxStatusFromEnv(env: Env): FaxStatusHandler {
  const logger = new Logger({
    serviceName: env.POWERTOOLS_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME,
  });
  const config = loadConfigFromEnv(env);
  const fax = config.fax;
  if (!fax)
    throw new ConfigError('the fax-status function needs a fax gateway in the configuration');
  const secrets = secretSourceFromEnv(env, logger);
  const powertoolsMetrics = createPowertoolsMetrics(env, logger);
  const metrics = new PowertoolsBridgeMetrics(powertoolsMetrics);
  const store = new DynamoDbBridgeStore({
    client: createDocumentClient(new DynamoDBClient({})),
    tableName: requireEnv(env, 'TABLE_NAME'),
  });
  return createFaxStatusHandler({
    config,
    store,
    kintone: new RestKintoneRecordWriter(
      kintoneClients(config, secrets, requireEnv(env, 'KINTONE_BASE_URL')),
      { budget: new KintoneCallBudget({ store, logger, metrics, now: () => new Date() }) },
    ),
    logger,
    now: () => new Date(),
    metrics,
    powertoolsMetrics,
    callback: () => phaxioCallbackSettings(fax, secrets, env.FAX_CALLBACK_URL?.trim() || undefined),
  });
}
