import { ConfigError, loadConfigFile, parseConfig } from './load-config';
import type { BridgeConfig } from './schema';

import type { Env } from '../ports/secret-source';

export type { Env };

/** Reads a required environment variable, failing fast with its name. */
export function requireEnv(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(`environment variable ${name} is required but not set`);
  }
  return value.trim();
}

/**
 * The configuration named by the environment: `BRIDGE_CONFIG_FILE` (a path) or
 * `BRIDGE_CONFIG` (the JSON itself, for functions that receive it inline).
 */
export function loadConfigFromEnv(env: Env): BridgeConfig {
  if (env.BRIDGE_CONFIG_FILE) return loadConfigFile(env.BRIDGE_CONFIG_FILE);
  const inline = requireEnv(env, 'BRIDGE_CONFIG');
  let raw: unknown;
  try {
    raw = JSON.parse(inline);
  } catch (error) {
    throw new ConfigError(`BRIDGE_CONFIG is not valid JSON: ${(error as Error).message}`);
  }
  return parseConfig(raw, 'BRIDGE_CONFIG');
}
