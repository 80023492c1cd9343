import { DynamoDbOrderStore } from '../../shared/adapters/dynamodb/dynamodb-order-store';
import { buildOrderLedger } from '../../shared/adapters/kintone/kintone-order-ledger';
import { phaxioCallbackSettings } from '../../shared/adapters/fax/phaxio-callback-settings';
import { loadConfigFromEnv, type Env } from '../../shared/config/env';
import { ConfigError } from '../../shared/config/load-config';
import { clockOf, wireCommon, type WiringOverrides } from '../common-wiring';
import { createFaxStatusHandler, type FaxStatusHandler } from './handler';

/**
 * The Lambda wiring: the purchase orders in the bridge table, Phaxio's callback settings from the config and the secret, the URL they
 * are signed for from `FAX_CALLBACK_URL`. The local stack calls it too; `overrides.now` is the
 * clock of tests.
 */
export function wireFaxStatusFromEnv(env: Env, overrides: WiringOverrides = {}): FaxStatusHandler {
  const now = clockOf(overrides);
  const config = loadConfigFromEnv(env);
  const fax = config.fax;
  if (!fax)
    throw new ConfigError('the fax-status function needs a fax gateway in the configuration');
  const { table, secrets, kintone, logger, metrics, powertoolsMetrics, kintoneBaseUrl, budget } =
    wireCommon(env, { config, now });
  // The order app's record shows a failed fax (with `orderApp` only).
  const ledger = buildOrderLedger(config, secrets, kintoneBaseUrl, { budget });
  return createFaxStatusHandler({
    config,
    orders: new DynamoDbOrderStore({ ...table, now }),
    kintone,
    logger,
    now,
    metrics,
    powertoolsMetrics,
    callback: () => phaxioCallbackSettings(fax, secrets, env.FAX_CALLBACK_URL?.trim() || undefined),
    ...(ledger ? { ledger } : {}),
  });
}
