import type { Env } from '../../config/env';
import type { SecretSource } from '../../ports/secret-source';

/**
 * {@link SecretSource} over an environment (the process environment of the local stack, or a
 * test's own object). The values never change while it lives.
 *
 * @example
 * const secrets = new EnvSecretSource(process.env);
 * const env = await secrets.get();
 */
export class EnvSecretSource implements SecretSource {
  constructor(private readonly env: Env) {}

  async get(): Promise<Env> {
    return this.env;
  }

  describe(name: string): string {
    return `environment variable ${name}`;
  }
}
