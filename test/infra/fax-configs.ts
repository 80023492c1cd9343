import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A Phaxio gateway block as an operator writes it: credentials as secret references. */
export const PHAXIO_FAX = {
  region: 'JP',
  gateway: {
    type: 'phaxio',
    apiKey: { env: 'TEST_PHAXIO_API_KEY' },
    apiSecret: { env: 'TEST_PHAXIO_API_SECRET' },
    callbackToken: { env: 'TEST_PHAXIO_CALLBACK_TOKEN' },
  },
} as const;

/** An email-to-fax gateway block: no credentials, the faxes go out through SES. */
export const EMAIL_TO_FAX = {
  region: 'JP',
  gateway: { type: 'email-to-fax', domain: 'fax.example.jp' },
} as const;

/** A supplier page block: the link signing key as a secret reference, the default TTL. */
export const SUPPLIER_PAGE = {
  signingKey: { env: 'TEST_SUPPLIER_PAGE_SIGNING_KEY' },
} as const;

/** The demo configuration (config/demo.json) as JSON. */
export function demoConfigJson(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(process.cwd(), 'config/demo.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** The optional blocks a test configuration has; each one absent unless given. */
export interface TestConfigBlocks {
  readonly fax?: object;
  readonly supplierPage?: object;
}

/**
 * Writes config/demo.json with its `fax` and `supplierPage` blocks replaced by `blocks` (each
 * removed when not given, whatever the demo has) to `dir/name` and returns the file's path, for
 * `-c configPath=...`.
 */
export function writeTestConfig(dir: string, name: string, blocks: TestConfigBlocks): string {
  // The supplier master adds its own API token to the secret; these tests are about the rest.
  const {
    fax: _demoFax,
    supplierPage: _demoPage,
    supplierMaster: _demoMaster,
    ...rest
  } = demoConfigJson();
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify({ ...rest, ...blocks }, null, 2));
  return file;
}

/**
 * Writes config/demo.json with its `fax` block replaced by `fax` (or removed when `fax` is
 * undefined) and without a supplier page to `dir/name` and returns the file's path.
 */
export function writeConfigWithFax(dir: string, name: string, fax: object | undefined): string {
  return writeTestConfig(dir, name, fax ? { fax } : {});
}
