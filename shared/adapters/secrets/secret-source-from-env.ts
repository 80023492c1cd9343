import type { Env } from '../../config/env';
import type { BridgeLogger } from '../../ports/logger';
import type { SecretSource } from '../../ports/secret-source';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { EnvSecretSource } from './env-secret-source';
import { SecretsManagerSecretSource } from './secrets-manager-secret-source';

/**
 * The secret source a function's environment asks for: the Secrets Manager secret named by
 * `SECRETS_ARN` when it is set (AWS), otherwise the environment itself (local runs).
 * `clientConfig` (the wiring's `awsClientConfig(env, 'Secrets Manager')`) configures the
 * Secrets Manager client from the same environment.
 *
 * @example
 * const secrets = secretSourceFromEnv(process.env, logger);
 */
export function secretSourceFromEnv(
  env: Env,
  logger: BridgeLogger,
  clientConfig?: SecretsManagerClientConfig,
): SecretSource {
  const secretId = env.SECRETS_ARN?.trim();
  if (!secretId) return new EnvSecretSource(env);
  return new SecretsManagerSecretSource({
    secretId,
    // The Secrets Manager client's region, endpoint and credentials as the wiring read them.
    ...(clientConfig ? { provider: new SecretsProvider({ clientConfig }) } : {}),
    onStale: (error) =>
      logger.warn('Secrets Manager could not be read; using the last value read', {
        error: { name: error.name, message: error.message },
      }),
  });
}
