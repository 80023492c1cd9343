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

type JsonObject = Record<string, unknown>;

const objectAt = (value: unknown, key: string): JsonObject => {
  const inner =
    typeof value === 'object' && value !== null ? (value as JsonObject)[key] : undefined;
  return typeof inner === 'object' && inner !== null ? (inner as JsonObject) : {};
};

/**
 * True when an app names its suppliers itself (a supplier name and an email or fax, mapped or
 * as defaults), the rule the config schema applies to an app when there is no supplier master.
 */
function namesItsOwnSuppliers(app: unknown): boolean {
  const fields = objectAt(app, 'fields');
  const defaults = objectAt(app, 'defaults');
  const hasName = fields.supplierName !== undefined || defaults.supplierName !== undefined;
  const hasContact =
    fields.supplierEmail !== undefined ||
    fields.supplierFax !== undefined ||
    defaults.supplierEmail !== undefined;
  return hasName && hasContact;
}

/**
 * `config` without its `supplierMaster`, and so without the apps that need it: an app mapping
 * only a supplier code (the demo's app 15, 拠点在庫) has no supplier name or contact without the
 * master, and the config schema refuses it. The apps that name their suppliers stay.
 */
export function withoutSupplierMaster(config: JsonObject): JsonObject {
  const { supplierMaster: _master, apps, ...rest } = config;
  return { ...rest, apps: (apps as unknown[]).filter(namesItsOwnSuppliers) };
}

/** The optional blocks a test configuration has; each one absent unless given. */
export interface TestConfigBlocks {
  readonly fax?: object;
  readonly supplierPage?: object;
}

/**
 * Writes config/demo.json with its `fax` and `supplierPage` blocks replaced by `blocks` (each
 * removed when not given, whatever the demo has), without the supplier master and the apps that
 * need it, to `dir/name` and returns the file's path, for `-c configPath=...`.
 */
export function writeTestConfig(dir: string, name: string, blocks: TestConfigBlocks): string {
  // The supplier master adds its own API token to the secret, and so do the apps that cannot do
  // without it; these tests are about the rest, with the one app that names its suppliers.
  const {
    fax: _demoFax,
    supplierPage: _demoPage,
    ...rest
  } = withoutSupplierMaster(demoConfigJson());
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
