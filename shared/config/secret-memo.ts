import { createHash } from 'node:crypto';
import type { SecretSource } from '../ports/secret-source';
import type { Env } from './env';

/**
 * A value built from secrets, rebuilt only when the secrets it uses change. Every call reads
 * the (cached) source:
 *
 * - when the source answers with the very snapshot of the last call (the same object), nothing
 *   is resolved or hashed: the last value is returned. Every {@link SecretSource} gives a new
 *   object when a value changes: `SecretsManagerSecretSource` returns one frozen object while
 *   the secret's text is unchanged and a new one when it changes, `EnvSecretSource` returns its
 *   environment, whose values never change while it lives.
 * - any other snapshot is resolved to what the value needs, and a digest of that is compared
 *   with the last build's. A rotated secret is therefore picked up on the first call after the
 *   source's cache expires, and an unrelated change in the source rebuilds nothing.
 *
 * Only a SHA-256 digest of the resolved values is kept for the comparison, and the snapshot
 * itself (which its source holds anyway) for the identity check.
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
  let last: { snapshot: Env; digest: string; value: T } | undefined;
  return async () => {
    const snapshot = await secrets.get();
    if (last !== undefined && last.snapshot === snapshot) return last.value;
    const resolved = resolve(snapshot);
    const digest = createHash('sha256').update(JSON.stringify(resolved)).digest('hex');
    if (last?.digest === digest) last.snapshot = snapshot;
    else last = { snapshot, digest, value: build(resolved) };
    return last.value;
  };
}
