import { DynamoDbCounters } from '../../shared/adapters/dynamodb/dynamodb-counters';
import { DynamoDbOrderStore } from '../../shared/adapters/dynamodb/dynamodb-order-store';
import { DynamoDbPageNonces } from '../../shared/adapters/dynamodb/dynamodb-page-nonces';
import { orderLinkKey } from '../../shared/adapters/supplier/order-link-signer';
import { buildOrderLedger } from '../../shared/adapters/kintone/kintone-order-ledger';
import { loadConfigFromEnv, type Env } from '../../shared/config/env';
import { ConfigError } from '../../shared/config/load-config';
import { clockOf, wireCommon, type WiringOverrides } from '../common-wiring';
import { createSupplierPageHandler, type SupplierPageHandler } from './handler';

/**
 * The Lambda wiring: the bridge table (orders, page nonces, the answers' rate counts), kintone, and the secrets (kintone API tokens, the link signing
 * key) from the Secrets Manager secret `SECRETS_ARN`, or the environment without it. The page
 * only checks links, so unlike dispatch it needs no base URL.
 *
 * Environment: `TABLE_NAME`, `KINTONE_BASE_URL`, `BRIDGE_CONFIG` or `BRIDGE_CONFIG_FILE`,
 * optionally `SECRETS_ARN`, `POWERTOOLS_SERVICE_NAME` and the AWS client settings of
 * `awsClientConfig`. The local stack calls it too; `overrides.now` is the clock of tests.
 */
export function wireSupplierPageFromEnv(
  env: Env,
  overrides: WiringOverrides = {},
): SupplierPageHandler {
  const now = clockOf(overrides);
  const config = loadConfigFromEnv(env);
  if (!config.supplierPage) {
    throw new ConfigError(
      'the supplier-page function needs supplierPage (signingKey, linkTtlDays) in the configuration',
    );
  }
  // The page publishes no metrics: a crossing found here is logged (WARN) but not counted.
  const { table, secrets, kintone, logger, kintoneBaseUrl, budget } = wireCommon(env, {
    config,
    metrics: false,
    now,
  });
  const orders = new DynamoDbOrderStore({ ...table, now });
  const ledger = buildOrderLedger(config, secrets, kintoneBaseUrl, { budget });
  return createSupplierPageHandler({
    config,
    orders,
    // The approver's page, when approval goes by link (no order app).
    ...(config.approval && !config.orderApp
      ? { approval: { orders, ...(ledger ? { ledger } : {}) } }
      : {}),
    nonces: new DynamoDbPageNonces(table),
    counters: new DynamoDbCounters(table),
    kintone,
    logger,
    now,
    ...(ledger ? { ledger } : {}),
    signingKey: orderLinkKey(config.supplierPage, secrets),
  });
}
