import { readFileSync } from 'node:fs';
import type * as z from 'zod/mini';
import { bridgeConfigSchema, type AppConfig, type BridgeConfig, type SecretRef } from './schema';

/** The configuration is unusable; the message names the bad key and what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) =>
      typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key),
    '',
  );
}

/** Turns zod issues into lines such as `apps[0].fields.onHand: expected a kintone field code`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => `${formatPath(issue.path) || '(top level)'}: ${issue.message}`)
    .join('\n');
}

/**
 * Validates an already-parsed configuration object.
 *
 * @example
 * const config = parseConfig(JSON.parse(text), 'config/demo.json');
 */
export function parseConfig(raw: unknown, source = 'configuration'): BridgeConfig {
  const result = bridgeConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(`${source} is invalid:\n${describeIssues(result.error.issues)}`);
  }
  return result.data;
}

/** Reads and validates a JSON configuration file. */
export function loadConfigFile(path: string): BridgeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read configuration file ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseConfig(raw, path);
}

/** Looks up an app's configuration by kintone app id. */
export function findApp(config: BridgeConfig, appId: string): AppConfig | undefined {
  return config.apps.find((app) => app.appId === appId);
}

/**
 * Resolves a secret reference against an environment (passed in, never read globally here).
 * Throws a ConfigError naming the missing variable, never the value.
 *
 * @param describe says where a name is looked up, for the error message; the default suits the
 *   process environment, a Secrets Manager source names its secret instead.
 */
export function resolveSecret(
  ref: SecretRef,
  env: Readonly<Record<string, string | undefined>>,
  what: string,
  describe: (name: string) => string = (name) => `environment variable ${name}`,
): string {
  if (typeof ref === 'string') return ref;
  const value = env[ref.env];
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(`${what}: ${describe(ref.env)} is not set`);
  }
  return value.trim();
}

/** The notification names an app that is not configured: retrying will not help. */
export class UnknownAppError extends Error {
  override readonly name = 'UnknownAppError';
  constructor(readonly appId: string) {
    super(`kintone app ${appId} is not in the configuration; add it or remove the webhook`);
  }
}
