import { ConfigError, resolveSecret } from '../../config/load-config';
import type { FaxConfig } from '../../config/schema';
import type { SecretSource } from '../../ports/secret-source';

/*
 * Kept apart from fax-sending.ts so the fax-status function, which only verifies callbacks,
 * does not bundle the PDF renderer.
 */

/** The Phaxio callback settings, resolved: what the fax-status function verifies against. */
export async function phaxioCallbackSettings(
  fax: FaxConfig,
  secrets: SecretSource,
  callbackUrlOverride?: string,
): Promise<{ callbackUrl: string; callbackToken: string }> {
  if (fax.gateway.type !== 'phaxio')
    throw new ConfigError('fax.gateway is not phaxio: there are no fax status callbacks');
  const callbackUrl = fax.gateway.callbackUrl ?? callbackUrlOverride;
  if (!callbackUrl) {
    throw new ConfigError(
      'fax.gateway.callbackUrl is not set (the public URL of /webhooks/fax); set it or FAX_CALLBACK_URL',
    );
  }
  const env = await secrets.get();
  return {
    callbackUrl,
    callbackToken: resolveSecret(fax.gateway.callbackToken, env, 'fax.gateway.callbackToken'),
  };
}
