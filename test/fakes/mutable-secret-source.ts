import type { Env } from '../../shared/config/env';
import type { SecretSource } from '../../shared/ports/secret-source';

/**
 * {@link SecretSource} whose values a test changes at will, as an operator changes the Secrets
 * Manager secret (without the cache delay). Errors queued in `failures` are thrown by the next
 * `get` calls, one per call; `reads` counts the calls.
 *
 * @example
 * const secrets = new MutableSecretSource({ WEBHOOK_TOKEN_APP_12: 'old...' });
 * secrets.values = { WEBHOOK_TOKEN_APP_12: 'new...' };
 */
export class MutableSecretSource implements SecretSource {
  readonly failures: Error[] = [];
  reads = 0;

  constructor(public values: Env) {}

  async get(): Promise<Env> {
    this.reads += 1;
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    return { ...this.values };
  }

  describe(name: string): string {
    return `key ${name} of the test secret`;
  }
}
