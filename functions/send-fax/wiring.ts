import { SESClient } from '@aws-sdk/client-ses';
import { calendarFromConfig } from '../../shared/adapters/calendar/calendar-from-config';
import { buildOrderLedger } from '../../shared/adapters/kintone/kintone-order-ledger';
import type { Env } from '../../shared/config/env';
import { ConfigError } from '../../shared/config/load-config';
import { awsClientConfig, clockOf, wireCommon, type WiringOverrides } from '../common-wiring';
import { faxSendingFromEnv } from '../fax-wiring';
import { wireStores } from '../store-wiring';
import { createSendFaxHandler, type SendFaxHandler } from './handler';

/**
 * The Lambda wiring of the fax function, the only one that renders order forms: the fonts from
 * the bundle and the gateway of `faxSendingFromEnv`, the order store, kintone (the records'
 * 発注依頼済 and comments once the fax is sent) and the order app's ledger (with `orderApp`).
 * The local stack calls it too, with an environment pointing at its emulators.
 *
 * @throws ConfigError when the configuration has no fax gateway: the function is deployed only
 *   with one.
 */
export function wireSendFaxFromEnv(env: Env, overrides: WiringOverrides = {}): SendFaxHandler {
  const now = clockOf(overrides);
  const {
    logger,
    config,
    table,
    secrets,
    kintone,
    metrics,
    powertoolsMetrics,
    kintoneBaseUrl,
    budget,
  } = wireCommon(env, { now });
  const fax = faxSendingFromEnv(
    env,
    { config, secrets },
    new SESClient(awsClientConfig(env, 'SES')),
  );
  if (!fax) throw new ConfigError('the fax function needs a fax gateway in the configuration');
  const ledger = buildOrderLedger(config, secrets, kintoneBaseUrl, { budget });
  return createSendFaxHandler({
    config,
    orders: wireStores(table, now).orders,
    kintone,
    logger,
    now,
    metrics,
    fax,
    calendars: calendarFromConfig(config),
    ...(powertoolsMetrics ? { powertoolsMetrics } : {}),
    ...(ledger ? { ledger } : {}),
  });
}
