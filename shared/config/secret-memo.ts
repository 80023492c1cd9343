import { createHash } from 'node:crypto';
import type { SecretSource } from '../ports/secret-source';
import type { Env } from './env';

/**
 * A value built from secrets, rebuilt only when the secrets it uses change: every call reads
 * the (cached) source, resolves what the value needs and compares a digest of that with the
 * last build. A rotated secret is therefore picked up on the first call after the source's
 * cache expires, and an unrelated change in the source rebuilds nothing.
 *
 * Only a SHA-256 digest of the resolved values is kept for the comparison.
 *
 * @param resolve picks the values the build needs; throws (a ConfigError) when one is missing.
 * @param build makes the value; called once per distinct resolved input.
 *
 * @example
 * const verifier = memoizeBySecrets(
 *   secrets,
 *   (env) => resolveSecret(ref, env, 'webhook token', secrets.describe),
 *   (token) => new WebhookTokenVerifier([{ appId: '12', tokens: [token] }]),
 * );
 * await verifier(); // the same instance until the token changes
 */
export function memoizeBySecrets<R, T>(
  secrets: SecretSource,
  resolve: (env: Env) => R,
  build: (resolved: R) => T,
): () => Promise<T> {
  let last: { digest: string; value: T } | undefined;
  return async () => {
    const resolved = resolve(await secrets.get());
    const digest = createHash('sha256').update(JSON.stringify(resolved)).digest('hex');
    if (last?.digest !== digest) last = { digest, value: build(resolved) };
    return last.value;
  };
}
