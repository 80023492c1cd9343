import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { EnvSecretSource } from '../../shared/adapters/secrets/env-secret-source';
import {
  SECRET_CACHE_SECONDS,
  SecretSourceError,
  SecretsManagerSecretSource,
} from '../../shared/adapters/secrets/secrets-manager-secret-source';
import { secretSourceFromEnv } from '../../shared/adapters/secrets/secret-source-from-env';
import { ConfigError, resolveSecret } from '../../shared/config/load-config';
import { memoizeBySecrets } from '../../shared/config/secret-memo';
import { RecordingLogger } from '../fakes/recording-logger';
import { startFakeSecretsManager, type FakeSecretsManager } from '../fakes/fake-secrets-manager';

const SECRET_ID = 'stock-alert-bridge/test';
const TOKEN_A = 'k7Qm2vX9pLs4Tn8Rz1Wy6Bc3Hd5Fg0Jq';
const TOKEN_B = 'Zp3Lw8Nc1Vx6Qr4Tb9Ms2Kd7Hf5Gj0Ya';
const API_TOKEN = 'kintone-api-token-never-shown-1234';
const START = new Date('2026-11-28T00:00:00.000Z');

let sm: FakeSecretsManager;

beforeAll(async () => {
  sm = await startFakeSecretsManager();
});

afterAll(async () => {
  await sm.close();
});

beforeEach(() => {
  sm.secrets.clear();
  sm.requests.length = 0;
  sm.failures.length = 0;
  // Only Date is faked: the cache compares Date.now(), while sockets need the real timers.
  jest.useFakeTimers({
    now: START,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
});

afterEach(() => {
  jest.useRealTimers();
});

function secretText(values: Record<string, unknown>): string {
  return JSON.stringify(values);
}

function source(options: { onStale?: (error: Error) => void } = {}): SecretsManagerSecretSource {
  return new SecretsManagerSecretSource({
    secretId: SECRET_ID,
    provider: new SecretsProvider({ awsSdkV3Client: sm.client() }),
    ...options,
  });
}

function advanceSeconds(seconds: number): void {
  jest.setSystemTime(Date.now() + seconds * 1000);
}

async function messageOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a rejection');
}

describe('SecretsManagerSecretSource', () => {
  it('reads the secret as an object of strings', async () => {
    // Prepare
    sm.secrets.set(
      SECRET_ID,
      secretText({ WEBHOOK_TOKEN_APP_12: TOKEN_A, KINTONE_API_TOKEN_APP_12: API_TOKEN }),
    );

    // Act
    const env = await source().get();

    // Assess
    expect(env).toEqual({ WEBHOOK_TOKEN_APP_12: TOKEN_A, KINTONE_API_TOKEN_APP_12: API_TOKEN });
    expect(Object.isFrozen(env)).toBe(true);
    expect(sm.requests).toEqual([{ target: 'secretsmanager.GetSecretValue', secretId: SECRET_ID }]);
  });

  it('caches for five minutes, then picks up a rotated value without a restart', async () => {
    // Prepare
    const secrets = source();
    sm.secrets.set(SECRET_ID, secretText({ WEBHOOK_TOKEN_APP_12: TOKEN_A }));
    const first = await secrets.get();
    sm.secrets.set(SECRET_ID, secretText({ WEBHOOK_TOKEN_APP_12: TOKEN_B }));

    // Act
    advanceSeconds(SECRET_CACHE_SECONDS - 1);
    const withinCache = await secrets.get();
    advanceSeconds(2);
    const afterCache = await secrets.get();

    // Assess
    expect(SECRET_CACHE_SECONDS).toBe(300);
    expect(withinCache).toBe(first);
    expect(afterCache).toEqual({ WEBHOOK_TOKEN_APP_12: TOKEN_B });
    expect(sm.requests).toHaveLength(2);
  });

  it('returns the same object when the re-read secret did not change', async () => {
    // Prepare
    const secrets = source();
    sm.secrets.set(SECRET_ID, secretText({ WEBHOOK_TOKEN_APP_12: TOKEN_A }));
    const first = await secrets.get();

    // Act
    advanceSeconds(SECRET_CACHE_SECONDS + 1);
    const second = await secrets.get();

    // Assess
    expect(sm.requests).toHaveLength(2);
    expect(second).toBe(first);
  });

  it('serves the last good value while Secrets Manager fails, and says so', async () => {
    // Prepare
    const stale: Error[] = [];
    const secrets = source({ onStale: (error) => stale.push(error) });
    sm.secrets.set(SECRET_ID, secretText({ WEBHOOK_TOKEN_APP_12: TOKEN_A }));
    const first = await secrets.get();
    advanceSeconds(SECRET_CACHE_SECONDS + 1);
    sm.failures.push('InternalServiceError');

    // Act
    const during = await secrets.get();

    // Assess
    expect(during).toBe(first);
    expect(stale).toHaveLength(1);
    expect(stale[0]).toBeInstanceOf(SecretSourceError);
    expect(stale[0]?.message).toContain(`cannot read Secrets Manager secret ${SECRET_ID}`);
  });

  it('fails once the last good value is more than an hour old', async () => {
    // Prepare
    const secrets = source();
    sm.secrets.set(SECRET_ID, secretText({ WEBHOOK_TOKEN_APP_12: TOKEN_A }));
    await secrets.get();
    advanceSeconds(3_601);
    sm.failures.push('InternalServiceError');

    // Act
    const message = await messageOf(secrets.get());

    // Assess
    expect(message).toContain(`cannot read Secrets Manager secret ${SECRET_ID}`);
    expect(message).toContain('secretsmanager:GetSecretValue');
  });

  it('names a missing secret and what to check', async () => {
    // Act
    const message = await messageOf(source().get());

    // Assess
    expect(message).toContain(`cannot read Secrets Manager secret ${SECRET_ID}`);
    expect(message).toContain("can't find the specified secret");
  });

  it.each([
    ['not JSON', `${TOKEN_A}`, 'is not valid JSON'],
    ['an array', JSON.stringify([TOKEN_A]), 'is an array'],
    ['a string', JSON.stringify(TOKEN_A), 'is a string'],
    [
      'an object with a number',
      JSON.stringify({ WEBHOOK_TOKEN_APP_12: TOKEN_A, PORT: 3 }),
      'the value of key PORT is a number',
    ],
  ])('rejects a secret that is %s without quoting any value', async (_what, text, expected) => {
    // Prepare
    sm.secrets.set(SECRET_ID, text);

    // Act
    const message = await messageOf(source().get());

    // Assess
    expect(message).toContain(expected);
    expect(message).toContain('expected a JSON object of strings');
    expect(message).not.toContain(TOKEN_A);
  });

  it('describes where a name is looked up, for error messages', async () => {
    // Prepare
    sm.secrets.set(SECRET_ID, secretText({ WEBHOOK_TOKEN_APP_12: TOKEN_A }));
    const secrets = source();
    const env = await secrets.get();

    // Act
    const act = () =>
      resolveSecret({ env: 'KINTONE_API_TOKEN_APP_12' }, env, 'apps[app 12].apiToken', (name) =>
        secrets.describe(name),
      );

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(
      `apps[app 12].apiToken: key KINTONE_API_TOKEN_APP_12 of Secrets Manager secret ${SECRET_ID} is not set`,
    );
  });
});

describe('secretSourceFromEnv', () => {
  it('uses Secrets Manager when SECRETS_ARN is set, else the environment', async () => {
    // Prepare
    const env = { SECRETS_ARN: ' arn:aws:secretsmanager:ap-northeast-1:1:secret:x ', A: 'a' };
    const logger = new RecordingLogger();

    // Act
    const fromArn = secretSourceFromEnv(env, logger);
    const fromEnv = secretSourceFromEnv({ A: 'a' }, logger);

    // Assess
    expect(fromArn).toBeInstanceOf(SecretsManagerSecretSource);
    expect(fromArn.describe('A')).toBe(
      'key A of Secrets Manager secret arn:aws:secretsmanager:ap-northeast-1:1:secret:x',
    );
    expect(fromEnv).toBeInstanceOf(EnvSecretSource);
    await expect(fromEnv.get()).resolves.toEqual({ A: 'a' });
    expect(fromEnv.describe('A')).toBe('environment variable A');
  });
});

describe('memoizeBySecrets', () => {
  it('builds once per distinct resolved value, ignoring unrelated secrets', async () => {
    // Prepare
    let current: Record<string, string> = { TOKEN: TOKEN_A, OTHER: '1' };
    const secrets = { get: async () => current, describe: (name: string) => name };
    const built: string[] = [];
    const value = memoizeBySecrets(
      secrets,
      (env) => env.TOKEN ?? '',
      (token) => {
        built.push(token);
        return { token };
      },
    );

    // Act
    const first = await value();
    current = { TOKEN: TOKEN_A, OTHER: '2' };
    const afterUnrelated = await value();
    current = { TOKEN: TOKEN_B, OTHER: '2' };
    const afterRotation = await value();

    // Assess
    expect(afterUnrelated).toBe(first);
    expect(afterRotation).toEqual({ token: TOKEN_B });
    expect(built).toEqual([TOKEN_A, TOKEN_B]);
  });
});
