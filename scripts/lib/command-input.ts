import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError } from '../../shared/config/load-config';
import type { BridgeConfig } from '../../shared/config/schema';
import { fail } from './cli';

/**
 * What the operator commands (doctor, report) read before their own work: the bridge
 * configuration and what `npm start` leaves in `.data/`, ending the command on a problem.
 */

/** The bridge configuration `load` returns; a {@link ConfigError} ends the command with 1. */
export function configOrFail(load: () => BridgeConfig): BridgeConfig {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 1);
    throw error;
  }
}

/**
 * A JSON file `npm start` writes (e.g. `.data/local.json`), checked against `schema`; a file
 * that is missing, not JSON or not of that shape ends the command with 2, with `hint` (what to
 * do about it) after the problem.
 */
export function readLocalJson<T>(path: string, schema: z.ZodType<T>, hint: string): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return fail(`cannot read ${path} (${(error as Error).message}): ${hint}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return fail(`${path} is not valid JSON (${(error as Error).message}): ${hint}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) fail(`${path} is not what npm start writes: ${parsed.error.message}`);
  return parsed.data;
}
