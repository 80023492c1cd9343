import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { supplierMasterApp } from '../../local/kintone/supplier-master-app';
import { startLocalKintone, type LocalKintone } from '../../local/kintone/local-kintone';
import {
  buildSupplierDirectory,
  KintoneSupplierDirectory,
  supplierMasterClient,
} from '../../shared/adapters/kintone/kintone-supplier-directory';
import { loadConfigFile } from '../../shared/config/load-config';
import type { SupplierMasterConfig } from '../../shared/config/schema';
import { MutableSecretSource } from '../fakes/mutable-secret-source';
import { DEMO_CONFIG_PATH } from '../fixtures/kintone-webhooks';

const APP = supplierMasterApp.appId;
const TOKEN = 'supplier-master-test-token';

function demoMaster(): SupplierMasterConfig {
  const master = loadConfigFile(DEMO_CONFIG_PATH).supplierMaster;
  if (!master) throw new Error('config/demo.json has no supplierMaster');
  return master;
}

describe('KintoneSupplierDirectory against the local kintone', () => {
  let kintone: LocalKintone;
  let staff: KintoneRestAPIClient;
  let clock: { now: number };
  let directory: KintoneSupplierDirectory;

  /** `METHOD path -> status` of the REST calls to the supplier master so far. */
  const masterCalls = () =>
    kintone
      .requestLog()
      .filter((call) => call.app === APP)
      .map((call) => `${call.method} ${call.path} ${call.status}`);

  beforeEach(async () => {
    kintone = await startLocalKintone({ apps: [supplierMasterApp], apiTokens: { [APP]: [TOKEN] } });
    staff = new KintoneRestAPIClient({ baseUrl: kintone.baseUrl, auth: { apiToken: TOKEN } });
    clock = { now: Date.parse('2026-11-28T02:15:00Z') };
    const secrets = new MutableSecretSource({ KINTONE_API_TOKEN_APP_13: TOKEN });
    directory = new KintoneSupplierDirectory(
      demoMaster(),
      supplierMasterClient(demoMaster(), secrets, kintone.baseUrl),
      { now: () => clock.now, retry: { sleep: async () => undefined } },
    );
  });

  afterEach(async () => {
    await kintone.close();
  });

  it('reads a seeded supplier by its code through the demo config', async () => {
    // Act
    const emailAndFax = await directory.find('S-003');
    const faxOnly = await directory.find('S-004');
    const missing = await directory.find('S-999');

    // Assess
    expect(emailAndFax).toEqual({
      code: 'S-003',
      name: 'オフィス機器サービス株式会社',
      email: 'support@office-kiki.example.jp',
      fax: '06-9876-5432',
    });
    expect(faxOnly).toEqual({
      code: 'S-004',
      name: '有限会社みなと梱包',
      fax: '045-123-4567',
      channel: 'fax',
    });
    expect(missing).toBeUndefined();
    expect(masterCalls()).toEqual([
      'GET /k/v1/records.json 200',
      'GET /k/v1/records.json 200',
      'GET /k/v1/records.json 200',
    ]);
  });

  it('uses the new email once the master changed and the TTL has passed', async () => {
    // Prepare
    const before = await directory.find('S-002');
    await staff.record.updateRecord({
      app: APP,
      updateKey: { field: '仕入先コード', value: 'S-002' },
      record: { メールアドレス: { value: 'orders@yamada-paper.example.jp' } },
    });

    // Act
    const withinTtl = await directory.find('S-002');
    clock.now += demoMaster().cacheTtlSeconds * 1_000;
    const afterTtl = await directory.find('S-002');

    // Assess
    expect(before?.email).toBe('sales@yamada-paper.example.jp');
    expect(withinTtl?.email).toBe('sales@yamada-paper.example.jp');
    expect(afterTtl?.email).toBe('orders@yamada-paper.example.jp');
    expect(masterCalls()).toEqual([
      'GET /k/v1/records.json 200',
      'PUT /k/v1/record.json 200',
      'GET /k/v1/records.json 200',
    ]);
  });

  it('makes one request for a burst of 10 lookups of one supplier', async () => {
    // Act
    const found = await Promise.all(Array.from({ length: 10 }, () => directory.find('S-001')));

    // Assess
    expect(found.every((contact) => contact?.email === 'order@sample-bungu.example.jp')).toBe(true);
    expect(masterCalls()).toEqual(['GET /k/v1/records.json 200']);
  });

  it('finds a code holding " and \\ (the query escapes them)', async () => {
    // Prepare
    const code = 'X"9\\" or 仕入先コード != "';
    await staff.record.addRecord({
      app: APP,
      record: { 仕入先コード: { value: code }, 仕入先名: { value: '引用符商会' } },
    });

    // Act
    const found = await directory.find(code);
    const prefixOnly = await directory.find('X');

    // Assess
    expect(found).toEqual({ code, name: '引用符商会' });
    expect(prefixOnly).toBeUndefined();
  });

  it("retries kintone's 503 maintenance page and 429 GAIA_TO04", async () => {
    // Prepare
    kintone.injectFailures({ status: 503, times: 1, path: 'records.json' });
    kintone.injectFailures({ status: 429, times: 1, path: 'records.json' });

    // Act
    const found = await directory.find('S-001');

    // Assess
    expect(found?.name).toBe('株式会社サンプル文具');
    expect(masterCalls()).toEqual([
      'GET /k/v1/records.json 503',
      'GET /k/v1/records.json 429',
      'GET /k/v1/records.json 200',
    ]);
  });

  it('names the missing API token by its key, and builds nothing without supplierMaster', async () => {
    // Prepare
    const config = loadConfigFile(DEMO_CONFIG_PATH);
    const secrets = new MutableSecretSource({});
    const withoutMaster = { ...config, supplierMaster: undefined };

    // Act
    const built = buildSupplierDirectory(config, secrets, kintone.baseUrl);
    const lookup = built?.find('S-001');

    // Assess
    await expect(lookup).rejects.toThrow(
      'supplierMaster.apiToken: key KINTONE_API_TOKEN_APP_13 of the test secret is not set',
    );
    expect(buildSupplierDirectory(withoutMaster, secrets, kintone.baseUrl)).toBeUndefined();
  });
});
