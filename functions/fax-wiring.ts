import type { SESClient } from '@aws-sdk/client-ses';
import { buildFaxSending } from '../shared/adapters/fax/fax-sending';
import { fontPathsFromEnv } from '../shared/adapters/fax/fonts-from-env';
import type { Env } from '../shared/config/env';
import type { CommonWiring } from './common-wiring';
import type { FaxSending } from '../shared/ports/fax-gateway';

// Kept out of common-wiring on purpose: the fax form pulls in pdfkit and fontkit (about 600 KB
// of bundle) and the fonts, which only the fax function (functions/send-fax) loads.

/**
 * Fax sending as the fax function builds it: fonts from the bundle (`FAX_FONT_PATH`, `FAX_BOLD_FONT_PATH`), the
 * SES client for email-to-fax (`SES_CONFIGURATION_SET`), the Phaxio callback URL from the stack
 * (`FAX_CALLBACK_URL`) and, locally, the Phaxio emulator's API (`PHAXIO_BASE_URL`, in place of
 * the configuration's `fax.gateway.baseUrl`). Undefined when the configuration has no fax
 * gateway.
 */
export function faxSendingFromEnv(
  env: Env,
  common: Pick<CommonWiring, 'config' | 'secrets'>,
  sesClient: SESClient,
): FaxSending | undefined {
  const configurationSetName = env.SES_CONFIGURATION_SET?.trim();
  const callbackUrl = env.FAX_CALLBACK_URL?.trim();
  const phaxioBaseUrl = env.PHAXIO_BASE_URL?.trim();
  return buildFaxSending({
    config: common.config,
    secrets: common.secrets,
    fonts: fontPathsFromEnv(env),
    sesClient,
    ...(configurationSetName ? { configurationSetName } : {}),
    ...(callbackUrl ? { phaxioCallbackUrl: callbackUrl } : {}),
    ...(phaxioBaseUrl ? { phaxioBaseUrl } : {}),
  });
}
