import { DynamoDbOrderStore } from '../../shared/adapters/dynamodb/dynamodb-order-store';
import { buildOrderLedger } from '../../shared/adapters/kintone/kintone-order-ledger';
import type { Env } from '../../shared/config/env';
import { clockOf, wireCommon, type WiringOverrides } from '../common-wiring';
import { faxHandoffFromEnv } from '../fax-handoff-wiring';
import { createSesEventsHandler, type SesEventsHandler } from './handler';

/**
 * The Lambda wiring: the purchase orders in the bridge table, kintone with API tokens from the Secrets Manager secret
 * `SECRETS_ARN` (or the environment without it), and Powertools settings from the environment.
 * The local stack calls it with its own environment; `overrides.now` is the clock of tests.
 */
export function wireSesEventsFromEnv(env: Env, overrides: WiringOverrides = {}): SesEventsHandler {
  const now = clockOf(overrides);
  const {
    config,
    table,
    secrets,
    kintone,
    logger,
    metrics,
    powertoolsMetrics,
    kintoneBaseUrl,
    budget,
  } = wireCommon(env, { now });
  // A hard bounce falls back to fax: the fax function sends it (`FAX_QUEUE_URL`).
  const faxHandoff = faxHandoffFromEnv(env, config, overrides);
  // The order app's record shows a lost email and the fax sent instead (with `orderApp` only).
  const ledger = buildOrderLedger(config, secrets, kintoneBaseUrl, { budget });
  return createSesEventsHandler({
    config,
    orders: new DynamoDbOrderStore({ ...table, now }),
    kintone,
    logger,
    now,
    metrics,
    powertoolsMetrics,
    ...(faxHandoff ? { faxHandoff } : {}),
    ...(ledger ? { ledger } : {}),
  });
}
