import type { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { resolveSecret } from '../../config/load-config';
import type { BridgeConfig, SupplierMasterConfig } from '../../config/schema';
import { memoizeBySecrets } from '../../config/secret-memo';
import { channelFromLabel } from '../../domain/channels';
import type { SupplierContact } from '../../domain/item';
import { isPlausibleEmail } from '../../kintone/record-mapper';
import type { BridgeLogger } from '../../ports/logger';
import type { SecretSource } from '../../ports/secret-source';
import type { SupplierDirectory } from '../../ports/supplier-directory';
import type { KintoneCallBudget } from './kintone-call-budget';
import { createKintoneClient } from './kintone-record-writer';
import { withKintoneRetry, type KintoneRetryOptions } from './kintone-retry';
import { escapeQueryValue } from '../../kintone/query';

/** Suppliers kept at most; beyond it the oldest entry goes (a master rarely has this many). */
export const MAX_CACHED_SUPPLIERS = 1_000;

/** A record as GET records.json returns it, reduced to what is read here. */
export type SupplierRecordJson = Readonly<Record<string, { value: unknown }>>;

/**
 * The part of the official client this adapter uses; `KintoneRestAPIClient` satisfies it, and
 * tests can pass a recording stand-in.
 */
export interface SupplierRecordsClient {
  record: {
    getRecords(params: {
      app: string;
      query: string;
      fields: string[];
      totalCount: boolean;
    }): Promise<{ records: readonly SupplierRecordJson[] }>;
  };
}

export interface KintoneSupplierDirectoryOptions {
  /** Retries of the read (429, 503, dropped connections); see {@link withKintoneRetry}. */
  retry?: KintoneRetryOptions;
  /** Milliseconds since the epoch; tests pass a clock they move. */
  now?: () => number;
  /** Told about master values that cannot be used (a malformed email, an unknown channel). */
  logger?: Pick<BridgeLogger, 'warn'>;
  /** Counts each attempt against the master app's daily request limit. */
  budget?: Pick<KintoneCallBudget, 'call'>;
}

interface CacheEntry {
  contact: Promise<SupplierContact | undefined>;
  /** Infinity while the read is in flight: every caller shares it. */
  expiresAt: number;
}

/**
 * Reads suppliers from a kintone supplier master app by their code, through the official
 * client with retries, and keeps each answer for `cacheTtlSeconds`: a burst of notifications
 * for one supplier costs one read, and concurrent lookups of the same code share a single
 * request. A code the master does not have is cached too, so a record pointing at a missing
 * supplier does not cost a read per notification. A failed read is not cached.
 *
 * The cache lives in memory, so it is per Lambda container: the queue runs at most 2 dispatch
 * invocations at once (`DISPATCH_MAX_CONCURRENCY`, the event source's maximum concurrency), so
 * a burst costs at most one read per supplier in each of those 2 containers, and an edit of
 * the master is used by every container at the latest `cacheTtlSeconds` after it.
 *
 * @example
 * const suppliers = new KintoneSupplierDirectory(
 *   config.supplierMaster,
 *   supplierMasterClient(config.supplierMaster, secrets, 'https://example.cybozu.com'),
 * );
 * await suppliers.find('S-002'); // { code: 'S-002', name: '紙の山田商店', email: '...' }
 */
export class KintoneSupplierDirectory implements SupplierDirectory {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly now: () => number;
  private readonly ttlMs: number;

  constructor(
    private readonly master: SupplierMasterConfig,
    private readonly client: () => Promise<SupplierRecordsClient>,
    private readonly options: KintoneSupplierDirectoryOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.ttlMs = master.cacheTtlSeconds * 1_000;
  }

  find(code: string): Promise<SupplierContact | undefined> {
    const key = code.trim();
    if (key === '') return Promise.resolve(undefined);
    const cached = this.cache.get(key);
    if (cached && this.now() < cached.expiresAt) return cached.contact;
    this.cache.delete(key);

    const entry: CacheEntry = { contact: this.read(key), expiresAt: Infinity };
    this.cache.set(key, entry);
    if (this.cache.size > MAX_CACHED_SUPPLIERS) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    entry.contact.then(
      () => {
        entry.expiresAt = this.now() + this.ttlMs;
      },
      () => {
        // The next caller reads again instead of inheriting the failure.
        if (this.cache.get(key) === entry) this.cache.delete(key);
      },
    );
    return entry.contact;
  }

  private async read(code: string): Promise<SupplierContact | undefined> {
    const { fields, appId } = this.master;
    const codes = [fields.code, fields.name, fields.email, fields.fax, fields.channel].filter(
      (field): field is string => field !== undefined,
    );
    const client = await this.client();
    const request = () =>
      client.record.getRecords({
        app: appId,
        query: `${fields.code} = "${escapeQueryValue(code)}" limit 1`,
        fields: codes,
        totalCount: false,
      });
    const { budget } = this.options;
    const { records } = await withKintoneRetry(
      () => (budget ? budget.call(appId, request) : request()),
      this.options.retry,
    );
    const record = records[0];
    return record ? this.contactOf(code, record) : undefined;
  }

  private contactOf(code: string, record: SupplierRecordJson): SupplierContact {
    const { fields, appId, channelLabels } = this.master;
    const text = (field: string | undefined): string => {
      const value = field === undefined ? undefined : record[field]?.value;
      return typeof value === 'string' ? value.trim() : '';
    };
    const contact: SupplierContact = { code, name: text(fields.name) };
    const warn = (problem: string, value: string) =>
      this.options.logger?.warn('supplier master value ignored', {
        appId,
        supplierCode: code,
        problem,
        value,
      });

    const email = text(fields.email);
    if (email !== '' && isPlausibleEmail(email)) contact.email = email;
    else if (email !== '') warn(`「${fields.email ?? ''}」がメールアドレスではありません`, email);

    const fax = text(fields.fax);
    if (fax !== '') contact.fax = fax;

    const channelText = text(fields.channel);
    const channel = channelFromLabel(channelText, channelLabels);
    if (channel !== undefined && channel !== 'auto') contact.channel = channel;
    else if (channelText !== '') warn(`「${fields.channel ?? ''}」の値が分かりません`, channelText);
    return contact;
  }
}

/**
 * The official client for the supplier master app, with its own API token from the secret
 * source, rebuilt when that token is rotated.
 */
export function supplierMasterClient(
  master: SupplierMasterConfig,
  secrets: SecretSource,
  baseUrl: string,
): () => Promise<KintoneRestAPIClient> {
  return memoizeBySecrets(
    secrets,
    (env) =>
      resolveSecret(master.apiToken, env, `supplierMaster.apiToken`, (name) =>
        secrets.describe(name),
      ),
    (apiToken) => createKintoneClient(baseUrl, apiToken),
  );
}

/**
 * The supplier directory the configuration asks for, or undefined without `supplierMaster`.
 * Build it once per container (in the function's wiring) so its cache is shared.
 */
export function buildSupplierDirectory(
  config: BridgeConfig,
  secrets: SecretSource,
  baseUrl: string,
  options: KintoneSupplierDirectoryOptions = {},
): SupplierDirectory | undefined {
  const master = config.supplierMaster;
  if (!master) return undefined;
  return new KintoneSupplierDirectory(
    master,
    supplierMasterClient(master, secrets, baseUrl),
    options,
  );
}
