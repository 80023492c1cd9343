import { orderLinkKey } from '../../shared/adapters/supplier/order-link-signer';
import { loadConfigFromEnv, type Env } from '../../shared/config/env';
import { ConfigError } from '../../shared/config/load-config';
import { wireCommon } from '../common-wiring';
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
  const config = loadConfigFromEnv(env);
  if (!config.supplierPage) {
    throw new ConfigError(
      'the supplier-page function needs supplierPage (signingKey, linkTtlDays) in the configuration',
    );
  }
  // The page publishes no metrics: a crossing found here is logged (WARN) but not counted.
  const { store, secrets, kintone, logger } = wireCommon(env, { config, metrics: false });
  return createSupplierPageHandler({
    config,
    store,
    kintone,
    logger,
    now: () => new Date(),
    signingKey: orderLinkKey(config.supplierPage, secrets),
  });
}
