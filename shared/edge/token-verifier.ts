import { hash, timingSafeEqual } from 'node:crypto';

/** One app's accepted webhook tokens (two during rotation). */
export interface AppTokens {
  appId: string;
  tokens: readonly string[];
}

/** SHA-256 of the UTF-8 text, one-shot: no Hash object per request. */
const digest = (value: string): Buffer => hash('sha256', value, 'buffer');

/**
 * Verifies webhook tokens in constant time. Tokens are compared as SHA-256 digests so the
 * comparison length never depends on the guess, and every configured token is compared on
 * every call so the time does not reveal which app (if any) matched.
 */
export class WebhookTokenVerifier {
  private readonly entries: ReadonlyArray<{ appId: string; digest: Buffer }>;

  constructor(apps: readonly AppTokens[]) {
    this.entries = apps.flatMap((app) =>
      app.tokens.map((token) => ({ appId: app.appId, digest: digest(token) })),
    );
  }

  /**
   * The app ids this token is valid for (empty when it is valid for none).
   *
   * @example
   * const verifier = new WebhookTokenVerifier([{ appId: '12', tokens: [secret] }]);
   * verifier.appsFor(secret); // ['12']
   */
  appsFor(token: string | undefined): Set<string> {
    const given = digest(token ?? '');
    const apps = new Set<string>();
    for (const entry of this.entries) {
      if (timingSafeEqual(given, entry.digest) && token) apps.add(entry.appId);
    }
    return apps;
  }
}
