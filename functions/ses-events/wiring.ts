import { SESClient } from '@aws-sdk/client-ses';
import { buildFaxSending } from '../../shared/adapters/fax/fax-sending';
import { fontPathsFromEnv } from '../../shared/adapters/fax/fonts-from-env';
import type { Env } from '../../shared/config/env';
import { wireCommon } from '../common-wiring';
import { createSesEventsHandler, type SesEventsHandler } from './handler';

/**
 * The Lambda wiring: the bridge table, kintone with API tokens from the Secrets Manager secret
 * `SECRETS_ARN` (or the environment without it), and Powertools settings from the environment.
 */
export function wireSesEventsFromEnv(env: Env): SesEventsHandler {
  const { config, store, secrets, kintone, logger, metrics, powertoolsMetrics } = wireCommon(env);
  // A hard bounce falls back to fax: this function sends it.
  const configurationSetName = env.SES_CONFIGURATION_SET?.trim();
  const fax = buildFaxSending({
    config,
    secrets,
    fonts: fontPathsFromEnv(env),
    sesClient: new SESClient({}),
    ...(configurationSetName ? { configurationSetName } : {}),
    ...(env.FAX_CALLBACK_URL?.trim() ? { phaxioCallbackUrl: env.FAX_CALLBACK_URL.trim() } : {}),
  });
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
