import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../shared/config/env';
import type { BridgeConfig, SecretRef } from '../shared/config/schema';

const SECRETS_FILE = 'local-secrets.json';

/** 32 random bytes, URL-safe: long enough to be unguessable in a webhook URL. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Fills in the secrets the configuration refers to by environment variable, for the local
 * stack only: a variable already set wins; otherwise a random value is generated once and kept
 * in `.data/local-secrets.json` (git-ignored), so URLs stay the same across restarts.
 *
 * @param generate names of variables that may be generated (the local kintone's API token can
 *   be, a real kintone's cannot).
 */
export function localSecretsEnv(
  config: BridgeConfig,
  env: Env,
  dataDir: string,
  generate: (name: string) => boolean,
): Record<string, string> {
  const path = join(dataDir, SECRETS_FILE);
  const stored: Record<string, string> = existsSync(path)
    ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>)
    : {};
  const resolved: Record<string, string> = {};
  let changed = false;
  const gateway = config.fax?.gateway;
  const refs: SecretRef[] = [
    ...config.apps.flatMap((app) => [...app.webhookTokens, app.apiToken]),
    ...(gateway?.type === 'phaxio'
      ? [gateway.apiKey, gateway.apiSecret, gateway.callbackToken]
      : []),
    // 32 random bytes, as an HMAC-SHA256 key should have.
    ...(config.supplierPage ? [config.supplierPage.signingKey] : []),
    ...(config.supplierMaster ? [config.supplierMaster.apiToken] : []),
    ...(config.orderApp ? [config.orderApp.apiToken, ...config.orderApp.webhookTokens] : []),
  ];
  for (const ref of refs) {
    if (typeof ref === 'string') continue;
    const fromEnv = env[ref.env];
    if (fromEnv) {
      resolved[ref.env] = fromEnv;
    } else if (stored[ref.env]) {
      resolved[ref.env] = stored[ref.env] as string;
    } else if (generate(ref.env)) {
      stored[ref.env] = newToken();
      resolved[ref.env] = stored[ref.env] as string;
      changed = true;
    }
  }
  if (changed) {
    writeFileSync(`${path}.tmp`, JSON.stringify(stored, null, 2), { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  }
  return resolved;
}
