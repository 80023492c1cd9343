import { webhookTokens } from '../../functions/webhook/wiring';
import {
  SecretsManagerSecretSource,
  type SecretsManagerSecretSourceOptions,
} from '../../shared/adapters/secrets/secrets-manager-secret-source';
import { parseConfig } from '../../shared/config/load-config';
import type { Env } from '../../shared/config/env';
import { memoizeBySecrets } from '../../shared/config/secret-memo';
import type { SecretSource } from '../../shared/ports/secret-source';
import { loadDemoConfigJson } from '../fixtures/kintone-webhooks';

const TOKEN_A = 'k7Qm2vX9pLs4Tn8Rz1Wy6Bc3Hd5Fg0Jq';
const TOKEN_B = 'Zp3Lw8Nc1Vx6Qr4Tb9Ms2Kd7Hf5Gj0Ya';
const TOKEN_15 = 'Hs5Dn2Wq8Xc4Lp7Vt1Kb9Mr3Yg6Jf0Zu';

/** A source that answers with whatever snapshot object the test last set, as it is. */
class SnapshotSource implements SecretSource {
  reads = 0;
  constructor(public snapshot: Env) {}
  async get(): Promise<Env> {
    this.reads += 1;
    return this.snapshot;
  }
  describe(name: string): string {
    return `key ${name} of the test secret`;
  }
}

/** A memo over `source` that records every resolve and build. */
function recordingMemo(source: SecretSource) {
  const resolved: string[] = [];
  const built: string[] = [];
  const value = memoizeBySecrets(
    source,
    (env) => {
      const token = env.TOKEN;
      if (token === undefined) throw new Error('TOKEN is missing');
      resolved.push(token);
      return token;
    },
    (token) => {
      built.push(token);
      return { token };
    },
  );
  return { value, resolved, built };
}

describe('memoizeBySecrets', () => {
  it('neither resolves nor rebuilds while the source answers with the same snapshot', async () => {
    // Prepare
    const source = new SnapshotSource(Object.freeze({ TOKEN: TOKEN_A }));
    const { value, resolved, built } = recordingMemo(source);

    // Act
    const first = await value();
    const second = await value();
    const third = await value();

    // Assess
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(source.reads).toBe(3);
    expect(resolved).toEqual([TOKEN_A]);
    expect(built).toEqual([TOKEN_A]);
  });

  it('resolves a new snapshot but keeps the value when what it uses is unchanged', async () => {
    // Prepare
    const source = new SnapshotSource({ TOKEN: TOKEN_A, OTHER: '1' });
    const { value, resolved, built } = recordingMemo(source);
    const first = await value();

    // Act
    source.snapshot = { TOKEN: TOKEN_A, OTHER: '2' };
    const afterUnrelated = await value();
    const again = await value();

    // Assess
    expect(afterUnrelated).toBe(first);
    expect(again).toBe(first);
    // The new snapshot is resolved once, then recognised by identity.
    expect(resolved).toEqual([TOKEN_A, TOKEN_A]);
    expect(built).toEqual([TOKEN_A]);
  });

  it('rebuilds on the first call after a rotation, and only then', async () => {
    // Prepare
    const source = new SnapshotSource({ TOKEN: TOKEN_A });
    const { value, built } = recordingMemo(source);
    await value();

    // Act
    source.snapshot = { TOKEN: TOKEN_B };
    const rotated = await value();
    const afterRotation = await value();
    source.snapshot = { TOKEN: TOKEN_A };
    const rotatedBack = await value();

    // Assess
    expect(rotated).toEqual({ token: TOKEN_B });
    expect(afterRotation).toBe(rotated);
    expect(rotatedBack).toEqual({ token: TOKEN_A });
    expect(built).toEqual([TOKEN_A, TOKEN_B, TOKEN_A]);
  });

  it('does not remember a snapshot it could not resolve', async () => {
    // Prepare
    const broken = Object.freeze({ OTHER: '1' });
    const source = new SnapshotSource(broken);
    const { value, resolved, built } = recordingMemo(source);

    // Act
    const firstError = value();
    await expect(firstError).rejects.toThrow('TOKEN is missing');
    const secondError = value();
    await expect(secondError).rejects.toThrow('TOKEN is missing');
    source.snapshot = Object.freeze({ TOKEN: TOKEN_A });
    const fixed = await value();

    // Assess
    expect(fixed).toEqual({ token: TOKEN_A });
    expect(resolved).toEqual([TOKEN_A]);
    expect(built).toEqual([TOKEN_A]);
  });

  it('follows a Secrets Manager secret: same value while its text is unchanged, new after rotation', async () => {
    // Prepare
    let text = JSON.stringify({ TOKEN: TOKEN_A, OTHER: 'x' });
    const provider = { get: async () => text } as unknown as NonNullable<
      SecretsManagerSecretSourceOptions['provider']
    >;
    const source = new SecretsManagerSecretSource({ secretId: 'test-secret', provider });
    const { value, resolved, built } = recordingMemo(source);

    // Act
    const first = await value();
    const cached = await value();
    text = JSON.stringify({ TOKEN: TOKEN_A, OTHER: 'y' });
    const afterUnrelated = await value();
    text = JSON.stringify({ TOKEN: TOKEN_B, OTHER: 'y' });
    const afterRotation = await value();
    const cachedAfterRotation = await value();

    // Assess
    expect(cached).toBe(first);
    expect(afterUnrelated).toBe(first);
    expect(afterRotation).toEqual({ token: TOKEN_B });
    expect(cachedAfterRotation).toBe(afterRotation);
    // Resolved only for the three distinct secret texts, built for the two distinct tokens.
    expect(resolved).toEqual([TOKEN_A, TOKEN_A, TOKEN_B]);
    expect(built).toEqual([TOKEN_A, TOKEN_B]);
  });
});

describe('webhookTokens', () => {
  it('keeps one verifier per token set and builds a new one after a rotation', async () => {
    // Prepare
    const config = parseConfig(loadDemoConfigJson());
    const source = new SnapshotSource({
      WEBHOOK_TOKEN_APP_12: TOKEN_A,
      WEBHOOK_TOKEN_APP_15: TOKEN_15,
    });
    const tokens = webhookTokens(config, source);

    // Act
    const first = await tokens();
    const same = await tokens();
    source.snapshot = { WEBHOOK_TOKEN_APP_12: TOKEN_B, WEBHOOK_TOKEN_APP_15: TOKEN_15 };
    const rotated = await tokens();

    // Assess
    expect(same).toBe(first);
    expect(rotated).not.toBe(first);
    expect([...first.appsFor(TOKEN_A)]).toEqual(['12']);
    expect(rotated.appsFor(TOKEN_A).size).toBe(0);
    expect([...rotated.appsFor(TOKEN_B)]).toEqual(['12']);
    expect([...rotated.appsFor(TOKEN_15)]).toEqual(['15']);
  });
});
