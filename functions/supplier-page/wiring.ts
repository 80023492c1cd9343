import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createDocumentClient,
  DynamoDbBridgeStore,
} from '../../shared/adapters/dynamodb/dynamodb-bridge-store';
import { kintoneClients } from '../../shared/adapters/kintone/kintone-clients';
import { KintoneCallBudget } from '../../shared/adapters/kintone/kintone-call-budget';
import { RestKintoneRecordWriter } from '../../shared/adapters/kintone/kintone-record-writer';
import { DEFAULT_SERVICE_NAME } from '../../shared/adapters/metrics/powertools-bridge-metrics';
import { secretSourceFromEnv } from '../../shared/adapters/secrets/secret-source-from-env';
import { orderLinkKey } from '../../shared/adapters/supplier/order-link-signer';
import { loadConfigFromEnv, requireEnv, type Env } from '../../shared/config/env';
import { ConfigError } from '../../shared/config/load-config';
import { createSupplierPageHandler, type SupplierPageHandler } from './handler';

/**
 * The Lambda wiring: the table, kintone, and the secrets (kintone API tokens, the link signing
 * key) from the Secrets Manager secret `SECRETS_ARN`, or the environment without it. The page
 * only checks links, so unlike dispatch it needs no base URL.
 *
 * Environment: `TABLE_NAME`, `KINTONE_BASE_URL`, `BRIDGE_CONFIG` or `BRIDGE_CONFIG_FILE`,
 * optionally `SECRETS_ARN` and `POWERTOOLS_SERVICE_NAME`.
 */
export function wireSupplierPageFromEnv(env: Env): SupplierPageHandler {
  const logger = new Logger({
    serviceName: env.POWERTOOLS_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME,
  });
  const config = loadConfigFromEnv(env);
  if (!config.supplierPage) {
    throw new ConfigError(
      'the supplier-page function needs supplierPage (signingKey, linkTtlDays) in the configuration',
    );
  }
  const secrets = secretSourceFromEnv(env, logger);
  const store = new DynamoDbBridgeStore({
    client: createDocumentClient(new DynamoDBClient({})),
    tableName: requireEnv(env, 'TABLE_NAME'),
  });
  return createSupplierPageHandler({
    config,
    store,
    // The page publishes no metrics: a crossing found here is logged (WARN) but not counted.
    kintone: new RestKintoneRecordWriter(
      kintoneClients(config, secrets, requireEnv(env, 'KINTONE_BASE_URL')),
      { budget: new KintoneCallBudget({ store, logger, now: () => new Date() }) },
    ),
    logger,
    now: () => new Date(),
    signingKey: orderLinkKey(config.supplierPage, secrets),
  });
}
