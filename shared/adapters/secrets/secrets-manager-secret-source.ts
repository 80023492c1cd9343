import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { Env } from '../../config/env';
import type { SecretSource } from '../../ports/secret-source';

/** How long a read secret is reused before Secrets Manager is asked again (5 minutes). */
export const SECRET_CACHE_SECONDS = 300;

/**
 * How long the last good value may stand in when Secrets Manager cannot be read. A webhook
 * answered 500 is a notification lost (kintone is not known to resend), so a brief outage of
 * Secrets Manager should not stop the bridge; a long one should.
 */
export const SECRET_MAX_STALE_SECONDS = 3_600;

/** The secret cannot be read or does not have the expected shape; the message says which. */
export class SecretSourceError extends Error {
  override readonly name = 'SecretSourceError';
}

/** Options of {@link SecretsManagerSecretSource}. */
export interface SecretsManagerSecretSourceOptions {
  /** ARN or name of the secret. */
  secretId: string;
  /** Powertools provider; inject one built on a client with a test endpoint. */
  provider?: SecretsProvider;
  /** Seconds a read value is cached; defaults to {@link SECRET_CACHE_SECONDS}. */
  maxAgeSeconds?: number;
  /** Seconds the last good value may be served while reads fail; {@link SECRET_MAX_STALE_SECONDS}. */
  maxStaleSeconds?: number;
  /** Called when the last good value is served because a read failed (log it). */
  onStale?: (error: Error) => void;
  /** Epoch milliseconds; injected by tests. */
  now?: () => number;
}

/**
 * {@link SecretSource} over one Secrets Manager secret whose value is a JSON object of strings,
 * e.g. `{"WEBHOOK_TOKEN_APP_12": "...", "KINTONE_API_TOKEN_APP_12": "..."}`: the names the
 * configuration references as `{"env": NAME}`. Reads go through Powertools' SecretsProvider,
 * which caches the value for five minutes, so a rotated token is picked up without a redeploy.
 * While the secret's text is unchanged, `get` returns the same (frozen) object.
 *
 * Error messages name the secret and the offending key, never a value: the text is parsed
 * here rather than by the provider's JSON transform, whose parse errors may quote the input.
 *
 * @example
 * const secrets = new SecretsManagerSecretSource({ secretId: process.env.SECRETS_ARN! });
 * const env = await secrets.get();
 */
export class SecretsManagerSecretSource implements SecretSource {
  readonly #secretId: string;
  readonly #provider: SecretsProvider;
  readonly #maxAgeSeconds: number;
  readonly #maxStaleMs: number;
  readonly #onStale: (error: Error) => void;
  readonly #now: () => number;
  #lastGood: { text: string; env: Env; at: number } | undefined;

  constructor(options: SecretsManagerSecretSourceOptions) {
    this.#secretId = options.secretId;
    this.#provider = options.provider ?? new SecretsProvider();
    this.#maxAgeSeconds = options.maxAgeSeconds ?? SECRET_CACHE_SECONDS;
    this.#maxStaleMs = (options.maxStaleSeconds ?? SECRET_MAX_STALE_SECONDS) * 1000;
    this.#onStale = options.onStale ?? (() => undefined);
    this.#now = options.now ?? Date.now;
  }

  async get(): Promise<Env> {
    let value: unknown;
    try {
      value = await this.#provider.get(this.#secretId, { maxAge: this.#maxAgeSeconds });
    } catch (error) {
      const failure = new SecretSourceError(
        `cannot read Secrets Manager secret ${this.#secretId}: ${errorMessage(error)}. ` +
          "Check that the secret exists and that the function's role may call secretsmanager:GetSecretValue on it.",
        { cause: error },
      );
      const stale = this.#lastGood;
      if (stale !== undefined && this.#now() - stale.at <= this.#maxStaleMs) {
        this.#onStale(failure);
        return stale.env;
      }
      throw failure;
    }
    if (typeof value !== 'string') {
      throw new SecretSourceError(
        `Secrets Manager secret ${this.#secretId} has no text value; store a JSON object of strings such as {"WEBHOOK_TOKEN_APP_12": "..."} as its secret string.`,
      );
    }
    const now = this.#now();
    if (this.#lastGood?.text === value) {
      this.#lastGood.at = now;
      return this.#lastGood.env;
    }
    const env = parseSecretText(value, this.#secretId);
    this.#lastGood = { text: value, env, at: now };
    return env;
  }

  describe(name: string): string {
    return `key ${name} of Secrets Manager secret ${this.#secretId}`;
  }
}

/**
 * Parses a secret string that must be a JSON object of strings. Errors name the secret and the
 * key, never a value.
 *
 * @example
 * parseSecretText('{"WEBHOOK_TOKEN_APP_12":"..."}', 'stock-alert-bridge/prod');
 */
export function parseSecretText(text: string, secretId: string): Env {
  const expected =
    'expected a JSON object of strings such as {"WEBHOOK_TOKEN_APP_12": "...", "KINTONE_API_TOKEN_APP_12": "..."}';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse messages can quote the text, that is the secret: say only what is wrong.
    throw new SecretSourceError(
      `Secrets Manager secret ${secretId} is not valid JSON; ${expected}.`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SecretSourceError(
      `Secrets Manager secret ${secretId} is ${Array.isArray(parsed) ? 'an array' : `a ${parsed === null ? 'null' : typeof parsed}`}; ${expected}.`,
    );
  }
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') {
      throw new SecretSourceError(
        `Secrets Manager secret ${secretId}: the value of key ${key} is ${value === null ? 'null' : `a ${typeof value}`}; ${expected}.`,
      );
    }
    env[key] = value;
  }
  return Object.freeze(env);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
