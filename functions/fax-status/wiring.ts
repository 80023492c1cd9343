import { phaxioCallbackSettings } from '../../shared/adapters/fax/phaxio-callback-settings';
import { loadConfigFromEnv, type Env } from '../../shared/config/env';
import { ConfigError } from '../../shared/config/load-config';
import { wireCommon } from '../common-wiring';
import { createFaxStatusHandler, type FaxStatusHandler } from './handler';

/** The Lambda wiring: Phaxio's callback settings from the config and the secret. */
export function wireFaxStatusFromEnv(env: Env): FaxStatusHandler {
  const config = loadConfigFromEnv(env);
  const fax = config.fax;
  if (!fax)
    throw new ConfigError('the fax-status function needs a fax gateway in the configuration');
  const { store, secrets, kintone, logger, metrics, powertoolsMetrics } = wireCommon(env, {
    config,
  });
  return createFaxStatusHandler({
    config,
    store,
    kintone,
    logger,
    now: () => new Date(),
    metrics,
    powertoolsMetrics,
    callback: () => phaxioCallbackSettings(fax, secrets, env.FAX_CALLBACK_URL?.trim() || undefined),
  });
}
