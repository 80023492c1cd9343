import { SESClient } from '@aws-sdk/client-ses';
import type { Env } from '../../shared/config/env';
import { wireCommon } from '../common-wiring';
import { faxSendingFromEnv } from '../fax-wiring';
import { createSesEventsHandler, type SesEventsHandler } from './handler';

/**
 * The Lambda wiring: the bridge table, kintone with API tokens from the Secrets Manager secret
 * `SECRETS_ARN` (or the environment without it), and Powertools settings from the environment.
 */
export function wireSesEventsFromEnv(env: Env): SesEventsHandler {
  const { config, store, secrets, kintone, logger, metrics, powertoolsMetrics } = wireCommon(env);
  // A hard bounce falls back to fax: this function sends it.
  const fax = faxSendingFromEnv(env, { config, secrets }, new SESClient({}));
  return createSesEventsHandler({
    config,
    store,
    kintone,
    logger,
    now: () => new Date(),
    metrics,
    powertoolsMetrics,
    ...(fax ? { fax } : {}),
  });
}
