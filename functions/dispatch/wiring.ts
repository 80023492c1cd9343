import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import {
  createDocumentClient,
  DynamoDbBridgeStore,
} from '../../shared/adapters/dynamodb/dynamodb-bridge-store';
import { buildFaxSending } from '../../shared/adapters/fax/fax-sending';
import { fontPathsFromEnv } from '../../shared/adapters/fax/fonts-from-env';
import { kintoneClients } from '../../shared/adapters/kintone/kintone-clients';
import { KintoneCallBudget } from '../../shared/adapters/kintone/kintone-call-budget';
import { RestKintoneRecordWriter } from '../../shared/adapters/kintone/kintone-record-writer';
import { buildSupplierDirectory } from '../../shared/adapters/kintone/kintone-supplier-directory';
import {
  createPowertoolsMetrics,
  DEFAULT_SERVICE_NAME,
  PowertoolsBridgeMetrics,
} from '../../shared/adapters/metrics/powertools-bridge-metrics';
import { secretSourceFromEnv } from '../../shared/adapters/secrets/secret-source-from-env';
import { SesOrderMailer } from '../../shared/adapters/ses/ses-order-mailer';
import {
  orderLinkSigner,
  supplierPageSettings,
} from '../../shared/adapters/supplier/order-link-signer';
import { loadConfigFromEnv, requireEnv, type Env } from '../../shared/config/env';
import { createDispatchHandler, type DispatchHandler } from './handler';

/**
 * The Lambda wiring: every adapter is the real AWS or kintone one; kintone API tokens come from
 * the Secrets Manager secret `SECRETS_ARN` (or the environment without it).
 */
export function wireDispatchFromEnv(env: Env): DispatchHandler {
  const logger = new Logger({
    serviceName: env.POWERTOOLS_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME,
  });
  const config = loadConfigFromEnv(env);
  const store = new DynamoDbBridgeStore({
    client: createDocumentClient(new DynamoDBClient({})),
    tableName: requireEnv(env, 'TABLE_NAME'),
  });
  const configurationSetName = env.SES_CONFIGURATION_SET?.trim();
  const sesClient = new SESClient({});
  const mailer = new SesOrderMailer({
    client: sesClient,
    ...(configurationSetName ? { configurationSetName } : {}),
  });
  const secrets = secretSourceFromEnv(env, logger);
  const powertoolsMetrics = createPowertoolsMetrics(env, logger);
  const metrics = new PowertoolsBridgeMetrics(powertoolsMetrics);
  const kintone = new RestKintoneRecordWriter(
    kintoneClients(config, secrets, requireEnv(env, 'KINTONE_BASE_URL')),
    { budget: new KintoneCallBudget({ store, logger, metrics, now: () => new Date() }) },
  );
  const fax = buildFaxSending({
    config,
    secrets,
    fonts: fontPathsFromEnv(env),
    sesClient,
    ...(configurationSetName ? { configurationSetName } : {}),
    ...(env.FAX_CALLBACK_URL?.trim() ? { phaxioCallbackUrl: env.FAX_CALLBACK_URL.trim() } : {}),
  });
  // Links go to the order page function behind the same HTTP API; its URL comes from the stack.
  const orderLinks = config.supplierPage
    ? orderLinkSigner(
        supplierPageSettings(config.supplierPage, secrets, env.SUPPLIER_PAGE_BASE_URL),
      )
    : undefined;
  // Built once per container, so its cache serves every invocation while the container is warm.
  const suppliers = buildSupplierDirectory(config, secrets, requireEnv(env, 'KINTONE_BASE_URL'), {
    logger,
    budget: new KintoneCallBudget({ store, logger, metrics, now: () => new Date() }),
  });
  return createDispatchHandler({
    config,
    store,
    mailer,
    kintone,
    logger,
    now: () => new Date(),
    metrics,
    powertoolsMetrics,
    ...(fax ? { fax } : {}),
    ...(orderLinks ? { orderLinks } : {}),
    ...(suppliers ? { suppliers } : {}),
  });
}
