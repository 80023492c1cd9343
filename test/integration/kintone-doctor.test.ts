import { KintoneRestAPIClient, KintoneRestAPIError } from '@kintone/rest-api-client';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withKintoneRetry } from '../../shared/adapters/kintone/kintone-retry';
import { parseConfig, resolveSecret } from '../../shared/config/load-config';
import type { BridgeConfig } from '../../shared/config/schema';
import {
  formatFindings,
  hasErrors,
  runDoctor,
  type DoctorKintoneClient,
  type DoctorTarget,
  type Finding,
  type FormFieldProperty,
} from '../../shared/kintone/doctor';
import { demoInventoryApp } from '../../local/kintone/demo-app';
import { siteInventoryApp } from '../../local/kintone/site-inventory-app';
import { supplierMasterApp } from '../../local/kintone/supplier-master-app';
import {
  startLocalKintone,
  type LocalAppDefinition,
  type LocalKintone,
} from '../../local/kintone/local-kintone';
import { DEMO_CONFIG_PATH, loadDemoConfigJson } from '../fixtures/kintone-webhooks';
import { siteAppJson } from '../support/site-app';

const APP = demoInventoryApp.appId;
const MASTER = supplierMasterApp.appId;
/** App 15 of config/demo.json (items as rows of 在庫明細), served beside app 12. */
const SITE = siteInventoryApp.appId;
const TOKEN = 'doctor-test-token';
const MASTER_TOKEN = 'doctor-test-master-token';
const SITE_TOKEN = 'doctor-test-site-token';

type AppJson = Record<string, unknown> & {
  fields: Record<string, string>;
  writeBack: Record<string, string>;
  statuses: Record<string, unknown>;
};

/**
 * config/demo.json (app 12, the site inventory app 15 and the supplier master, app 13) with
 * app 12 changed by `edit`.
 */
function demoConfig(edit: (app: AppJson, config: Record<string, unknown>) => void = () => {}) {
  const json = loadDemoConfigJson();
  const app = (json.apps as AppJson[]).find((candidate) => candidate.appId === APP);
  if (app === undefined) throw new Error(`config/demo.json has no app ${APP}`);
  edit(app, json);
  return parseConfig(json, 'test config');
}

const problems = (findings: Finding[]) => findings.filter((finding) => finding.level !== 'ok');
const ofMaster = (findings: Finding[]) =>
  findings.filter((finding) => finding.target === 'supplierMaster');

describe('config doctor against the local kintone', () => {
  let kintone: LocalKintone;

  /**
   * The local kintone with the inventory app, the site inventory app and the supplier master,
   * each with its token, as npm start serves them for config/demo.json.
   */
  const start = async (app: LocalAppDefinition = demoInventoryApp, master = supplierMasterApp) => {
    kintone = await startLocalKintone({
      apps: [app, siteInventoryApp, master],
      apiTokens: {
        [app.appId]: [TOKEN],
        [SITE]: [SITE_TOKEN],
        [master.appId]: [MASTER_TOKEN],
      },
    });
  };
  /**
   * Clients with the given tokens: `apiToken` for app 12, `masterToken` for the master; app 15
   * always gets its own right token, so that these tests are about app 12 and the master.
   */
  const clientWith =
    (apiToken: string, masterToken = MASTER_TOKEN) =>
    (target: DoctorTarget): KintoneRestAPIClient =>
      new KintoneRestAPIClient({
        baseUrl: kintone.baseUrl,
        auth: {
          apiToken:
            target.appId === MASTER ? masterToken : target.appId === SITE ? SITE_TOKEN : apiToken,
        },
      });
  const doctor = (config: BridgeConfig, apiToken = TOKEN, masterToken = MASTER_TOKEN) =>
    runDoctor(config, clientWith(apiToken, masterToken));

  afterEach(async () => {
    await kintone?.close();
  });

  it('finds no problem with config/demo.json on the demo apps, in three calls per app and two for the master', async () => {
    // Prepare
    await start();

    // Act
    const findings = await doctor(demoConfig());

    // Assess
    expect(problems(findings)).toEqual([]);
    expect(findings.map((finding) => finding.message)).toEqual(
      expect.arrayContaining([
        'the API token can read the form of app 12',
        'the API token can view records of app 12',
        'the API token can edit records of app 12',
        '"在庫数" (fields.onHand) is NUMBER',
        '"発注状況" (writeBack.status) is DROP_DOWN',
        'the API token can read the form of app 15',
        '"在庫明細" (subtable.field) is SUBTABLE with 13 field(s) per row: each row is an item',
        '"明細_在庫数" (fields.onHand) is NUMBER',
        'the API token can edit records of app 15',
      ]),
    );
    expect(ofMaster(findings).map((finding) => finding.message)).toEqual([
      'the API token can read the form of supplier master app 13',
      '"仕入先コード" (supplierMaster.fields.code) is SINGLE_LINE_TEXT',
      '"仕入先名" (supplierMaster.fields.name) is SINGLE_LINE_TEXT',
      '"メールアドレス" (supplierMaster.fields.email) is LINK',
      '"FAX番号" (supplierMaster.fields.fax) is SINGLE_LINE_TEXT',
      '"発注方法" (supplierMaster.fields.channel) is DROP_DOWN',
      'the API token can view records of supplier master app 13',
    ]);
    // Apps 12 and 15, then the master, which is only read: no update probe there.
    expect(
      kintone.requestLog().map((call) => `${call.method} ${call.path} ${call.status}`),
    ).toEqual([
      'GET /k/v1/app/form/fields.json 200',
      'GET /k/v1/records.json 200',
      'PUT /k/v1/record.json 404',
      'GET /k/v1/app/form/fields.json 200',
      'GET /k/v1/records.json 200',
      'PUT /k/v1/record.json 404',
      'GET /k/v1/app/form/fields.json 200',
      'GET /k/v1/records.json 200',
    ]);
    expect(kintone.records(APP).map((record) => record.$revision?.value)).toEqual(
      demoInventoryApp.seed?.map(() => '1'),
    );
    expect(kintone.records(SITE).map((record) => record.$revision?.value)).toEqual(
      siteInventoryApp.seed?.map(() => '1'),
    );
  });

  it('names a mapped field the app does not have', async () => {
    // Prepare
    await start();
    const config = demoConfig((app) => {
      app.fields.reserved = '引当';
    });

    // Act
    const findings = await doctor(config);

    // Assess
    expect(problems(findings)).toEqual([
      {
        level: 'error',
        app: APP,
        field: '引当',
        message: '"引当" (fields.reserved): the app has no field with this code',
        fix: expect.stringContaining('Field code'),
      },
    ]);
  });

  it('suggests the field code when the config holds a field label', async () => {
    // Prepare
    const { 引当数: reserved, ...fields } = demoInventoryApp.fields;
    if (reserved === undefined) throw new Error('the demo app has no 引当数');
    await start({ ...demoInventoryApp, fields: { ...fields, reserved_qty: reserved } });

    // Act
    const findings = await doctor(demoConfig());

    // Assess
    expect(problems(findings)).toEqual([
      expect.objectContaining({
        level: 'error',
        field: '引当数',
        fix: expect.stringContaining('set fields.reserved to "reserved_qty"'),
      }),
    ]);
  });

  it('refuses a quantity mapped to a DATE field', async () => {
    // Prepare
    await start();
    const config = demoConfig((app) => {
      // The app's only DATE fields are the snooze date and the delivery date: each field has
      // one role, so the snooze date is left unmapped.
      app.fields.onHand = 'スヌーズ期限';
      delete app.fields.snoozeUntil;
    });

    // Act
    const findings = await doctor(config);

    // Assess
    expect(problems(findings)).toEqual([
      expect.objectContaining({
        level: 'error',
        field: 'スヌーズ期限',
        message: '"スヌーズ期限" (fields.onHand) is DATE; the bridge needs Number (数値)',
      }),
    ]);
    expect(hasErrors(findings)).toBe(true);
  });

  it('warns about a quantity in a text field, without an error', async () => {
    // Prepare
    await start();
    const config = demoConfig((app) => {
      app.fields.reorderPoint = '単位';
      delete app.fields.unit;
    });

    // Act
    const findings = await doctor(config);

    // Assess
    expect(problems(findings)).toEqual([
      expect.objectContaining({
        level: 'warning',
        field: '単位',
        message:
          '"単位" (fields.reorderPoint) is SINGLE_LINE_TEXT: non-numeric values become "要確認"',
      }),
    ]);
    expect(hasErrors(findings)).toBe(false);
  });

  it('names a status value that is not among the drop-down options', async () => {
    // Prepare
    await start();
    const config = demoConfig((app) => {
      app.statuses.failed = '電話待ち';
    });

    // Act
    const findings = await doctor(config);

    // Assess
    expect(problems(findings)).toEqual([
      expect.objectContaining({
        level: 'error',
        field: '発注状況',
        message: expect.stringContaining('option "電話待ち" (statuses.failed) is not among'),
        fix: expect.stringContaining('Add the option "電話待ち" to "発注状況"'),
      }),
    ]);
  });

  it('checks the answer statuses once the supplier page is configured', async () => {
    // Prepare
    await start();
    const withPage = demoConfig((_app, json) => {
      json.supplierPage = { signingKey: { env: 'ORDER_LINK_SIGNING_KEY' } };
    });
    const withUnknownAnswerStatus = demoConfig((app, json) => {
      json.supplierPage = { signingKey: { env: 'ORDER_LINK_SIGNING_KEY' } };
      app.statuses = { ...app.statuses, confirmed: '受注済み' };
    });
    const withoutPage = demoConfig((app, json) => {
      delete json.supplierPage;
      app.statuses = { ...app.statuses, confirmed: '受注済み' };
    });

    // Act
    const findings = await doctor(withPage);
    const unknown = await doctor(withUnknownAnswerStatus);
    const unchecked = await doctor(withoutPage);

    // Assess: the demo app has the answer options; a value it lacks is named, and the answer
    // statuses are not checked at all without a supplier page.
    expect(problems(findings)).toEqual([]);
    expect(problems(unknown).map((finding) => finding.message)).toEqual([
      expect.stringContaining('option "受注済み" (statuses.confirmed)'),
    ]);
    expect(problems(unchecked)).toEqual([]);
  });

  it('refuses a write-back field kintone maintains itself', async () => {
    // Prepare
    await start();
    const config = demoConfig((app) => {
      app.writeBack.orderNumber = 'レコード番号';
    });

    // Act
    const findings = await doctor(config);

    // Assess
    expect(problems(findings)).toEqual([
      expect.objectContaining({
        level: 'error',
        field: 'レコード番号',
        message:
          '"レコード番号" (writeBack.orderNumber) cannot be written by the bridge: kintone sets RECORD_NUMBER fields itself',
      }),
    ]);
  });

  it('reports a wrong API token, and stops there', async () => {
    // Prepare
    await start();

    // Act
    const findings = await doctor(demoConfig(), 'not-the-token');

    // Assess
    expect(problems(findings)).toEqual([
      {
        level: 'error',
        app: APP,
        message: expect.stringContaining('kintone does not accept the API token of app 12'),
        fix: expect.stringContaining('KINTONE_API_TOKEN_APP_12'),
      },
    ]);
    expect(findings[0]?.message).toContain('GAIA_IA02');
    // One call for app 12; app 15 and the supplier master, with their own tokens, are checked on.
    expect(kintone.requestLog().map((call) => `${call.path} ${call.status}`)).toEqual([
      '/k/v1/app/form/fields.json 400',
      '/k/v1/app/form/fields.json 200',
      '/k/v1/records.json 200',
      '/k/v1/record.json 404',
      '/k/v1/app/form/fields.json 200',
      '/k/v1/records.json 200',
    ]);
  });

  it("reports the supplier master's token apart, asking only for view permission", async () => {
    // Prepare
    await start();

    // Act
    const findings = await doctor(demoConfig(), TOKEN, 'not-the-master-token');

    // Assess
    expect(problems(findings)).toEqual([
      {
        level: 'error',
        app: MASTER,
        target: 'supplierMaster',
        message: expect.stringContaining(
          'kintone does not accept the API token of supplier master app 13 (400 GAIA_IA02',
        ),
        fix: expect.stringContaining('KINTONE_API_TOKEN_APP_13'),
      },
    ]);
    expect(problems(findings)[0]?.fix).toContain(
      '"View records" (レコード閲覧) (the bridge never writes the supplier master)',
    );
  });

  it('reports API tokens missing from the environment, naming the variables', async () => {
    // Prepare
    await start();
    const config = demoConfig();
    const fromEmptyEnv = (target: DoctorTarget) =>
      clientWith(resolveSecret(target.apiToken, {}, target.tokenPath))(target);

    // Act
    const findings = await runDoctor(config, fromEmptyEnv);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining(
          'environment variable KINTONE_API_TOKEN_APP_12 is not set',
        ),
      }),
      expect.objectContaining({
        level: 'error',
        app: SITE,
        message: expect.stringContaining(
          'environment variable KINTONE_API_TOKEN_APP_15 is not set',
        ),
      }),
      expect.objectContaining({
        level: 'error',
        target: 'supplierMaster',
        message: expect.stringContaining(
          'environment variable KINTONE_API_TOKEN_APP_13 is not set',
        ),
      }),
    ]);
    expect(kintone.requestLog()).toEqual([]);
  });

  it('reports an app id the kintone does not have', async () => {
    // Prepare
    await start();
    const config = demoConfig((app) => {
      app.appId = '77';
    });

    // Act
    const findings = await doctor(config);

    // Assess
    expect(problems(findings)).toEqual([
      expect.objectContaining({
        level: 'error',
        app: '77',
        message: expect.stringContaining('app 77 does not exist'),
      }),
    ]);
  });

  it('warns when the supplier code of the master does not prohibit duplicate values', async () => {
    // Prepare
    await start(demoInventoryApp, {
      ...supplierMasterApp,
      fields: {
        ...supplierMasterApp.fields,
        仕入先コード: { type: 'SINGLE_LINE_TEXT', label: '仕入先コード', required: true },
      },
    });

    // Act
    const findings = await doctor(demoConfig());

    // Assess
    expect(problems(findings)).toEqual([
      {
        level: 'warning',
        app: MASTER,
        target: 'supplierMaster',
        field: '仕入先コード',
        message: expect.stringContaining(
          '"仕入先コード" (supplierMaster.fields.code) does not prohibit duplicate values',
        ),
        fix: expect.stringContaining('Prohibit duplicate values'),
      },
    ]);
    expect(hasErrors(findings)).toBe(false);
  });

  it('warns of a supplier code in `suppliers` that the master does not have, in the same one read', async () => {
    // Prepare: S-001 is in the demo master; S-0O2 (a letter O) is a typing slip.
    await start();
    const config = demoConfig((_app, json) => {
      json['suppliers'] = {
        'S-001': { gathering: { rule: 'cutoff', times: ['15:00'] } },
        'S-0O2': { closedDates: [{ from: '2027-08-10', to: '2027-08-16', name: '夏季休業' }] },
      };
    });

    // Act
    const findings = await doctor(config);

    // Assess: one warning for the slip, none for S-001; the master is still read once.
    expect(problems(findings)).toEqual([
      {
        level: 'warning',
        app: MASTER,
        target: 'supplierMaster',
        field: '仕入先コード',
        message: expect.stringContaining(
          'suppliers["S-0O2"]: no supplier with the code "S-0O2" in supplier master app 13',
        ),
        fix: expect.stringContaining('"仕入先コード"'),
      },
    ]);
    expect(hasErrors(findings)).toBe(false);
    expect(ofMaster(findings).map((finding) => finding.message)).toContain(
      'the API token can view records of supplier master app 13',
    );
    expect(
      kintone
        .requestLog()
        .filter((call) => call.app === MASTER)
        .map((call) => `${call.method} ${call.path} ${call.status}`),
    ).toEqual(['GET /k/v1/app/form/fields.json 200', 'GET /k/v1/records.json 200']);
  });

  it('names a supplier master field the master app does not have, still reading one record', async () => {
    // Prepare
    await start();
    const config = demoConfig((_app, json) => {
      const master = json.supplierMaster as { fields: Record<string, string> };
      master.fields.fax = 'FAX';
    });

    // Act
    const findings = await doctor(config);

    // Assess
    expect(problems(findings)).toEqual([
      expect.objectContaining({
        level: 'error',
        app: MASTER,
        target: 'supplierMaster',
        field: 'FAX',
        message: '"FAX" (supplierMaster.fields.fax): the app has no field with this code',
      }),
    ]);
    expect(ofMaster(findings).at(-1)?.message).toBe(
      'the API token can view records of supplier master app 13',
    );
  });

  it('checks only the supplier master with its app id as --app', async () => {
    // Prepare
    await start();

    // Act
    const findings = await runDoctor(demoConfig(), clientWith(TOKEN), { apps: [MASTER] });

    // Assess
    expect(problems(findings)).toEqual([]);
    expect(findings.every((finding) => finding.target === 'supplierMaster')).toBe(true);
    expect(kintone.requestLog().map((call) => `${call.method} ${call.path}`)).toEqual([
      'GET /k/v1/app/form/fields.json',
      'GET /k/v1/records.json',
    ]);
  });

  it('accepts an app that maps only the supplier code when a supplier master is configured', async () => {
    // Prepare
    await start();
    const config = demoConfig((app) => {
      delete app.fields.supplierName;
      delete app.fields.supplierEmail;
      delete app.fields.supplierFax;
      delete app.fields.supplierChannel;
    });

    // Act
    const findings = await doctor(config);

    // Assess
    expect(problems(findings)).toEqual([]);
  });

  it('retries through a busy kintone when given a retrying call', async () => {
    // Prepare
    await start();
    kintone.injectFailures({ status: 429, times: 1 });
    kintone.injectFailures({ status: 503, times: 1 });
    const retrying = <T>(request: () => Promise<T>) =>
      withKintoneRetry(request, { sleep: async () => undefined });

    // Act
    const findings = await runDoctor(demoConfig(), clientWith(TOKEN), { call: retrying });

    // Assess
    expect(problems(findings)).toEqual([]);
    expect(kintone.requestLog().map((call) => call.status)).toEqual([
      429, 503, 200, 200, 404, 200, 200, 404, 200, 200,
    ]);
  });
});

describe('config doctor against the local site inventory app (items in a SUBTABLE)', () => {
  const SITE = siteInventoryApp.appId;
  let kintone: LocalKintone;

  beforeEach(async () => {
    kintone = await startLocalKintone({
      apps: [siteInventoryApp, supplierMasterApp],
      apiTokens: { [SITE]: [TOKEN], [MASTER]: [TOKEN] },
    });
  });

  afterEach(async () => {
    await kintone.close();
  });

  /** 拠点 plays another role in a test: it is no longer the ship-to. */
  function withoutShipTo(app: AppJson): void {
    delete app.fields.shipTo;
    delete app.shipTo;
  }

  /** config/demo.json with app 15 instead of app 12, its fields changed by `edit`. */
  function siteConfig(edit: (app: AppJson) => void = () => {}) {
    const json = loadDemoConfigJson();
    const app: AppJson = { ...siteAppJson(), statuses: {} };
    edit(app);
    json.apps = [app];
    return parseConfig(json, 'test config');
  }
  const doctor = (config: BridgeConfig) =>
    runDoctor(
      config,
      () => new KintoneRestAPIClient({ baseUrl: kintone.baseUrl, auth: { apiToken: TOKEN } }),
    );

  it('finds every mapped field in the rows of 在庫明細, in three calls (and two for the master)', async () => {
    // Act
    const findings = await doctor(siteConfig());

    // Assess
    expect(problems(findings)).toEqual([]);
    expect(findings.map((finding) => finding.message)).toEqual(
      expect.arrayContaining([
        '"在庫明細" (subtable.field) is SUBTABLE with 13 field(s) per row: each row is an item',
        '"明細_在庫数" (fields.onHand) is NUMBER',
        '"明細_発注状況" (writeBack.status) is DROP_DOWN',
        'the API token can edit records of app 15',
      ]),
    );
    expect(
      kintone.requestLog().map((call) => `${call.method} ${call.path} ${call.status}`),
    ).toEqual([
      'GET /k/v1/app/form/fields.json 200',
      'GET /k/v1/records.json 200',
      'PUT /k/v1/record.json 404',
      'GET /k/v1/app/form/fields.json 200',
      'GET /k/v1/records.json 200',
    ]);
  });

  it('reads a field the row lacks from the record, and refuses it as a write-back field', async () => {
    // Prepare
    // Two configurations: one field may not be both read and written (start-up refuses it).
    const reading = siteConfig((app) => {
      withoutShipTo(app);
      app.fields.unit = '拠点';
    });
    const writing = siteConfig((app) => {
      withoutShipTo(app);
      app.writeBack.reason = '拠点';
    });

    // Act
    const findings = await doctor(reading);
    const written = await doctor(writing);

    // Assess
    expect(problems(findings)).toEqual([]);
    expect(findings).toContainEqual(
      expect.objectContaining({
        level: 'ok',
        message:
          '"拠点" (fields.unit) is SINGLE_LINE_TEXT, a field of the record (one value for every row of "在庫明細")',
      }),
    );
    expect(problems(written)).toEqual([
      expect.objectContaining({
        level: 'error',
        field: '拠点',
        message: expect.stringContaining(
          '"拠点" (writeBack.reason) is a field of the record, outside the table "在庫明細"',
        ),
      }),
    ]);
  });

  it('names the table of the app when subtable.field names another field', async () => {
    // Prepare
    const config = siteConfig((app) => {
      withoutShipTo(app);
      app.subtable = { field: '拠点' };
    });

    // Act
    const findings = await doctor(config);

    // Assess
    expect(problems(findings)).toEqual([
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining(
          '"拠点" (subtable.field) is SINGLE_LINE_TEXT, not a table (SUBTABLE)',
        ),
        fix: expect.stringContaining('the app\'s tables are "在庫明細"'),
      }),
    ]);
  });
});

describe('config doctor on forms the local kintone cannot serve', () => {
  let kintone: LocalKintone;
  let real: KintoneRestAPIClient;

  beforeEach(async () => {
    // App 15 of config/demo.json is served too, unchanged, with the same token.
    kintone = await startLocalKintone({
      apps: [demoInventoryApp, siteInventoryApp, supplierMasterApp],
      apiTokens: { [APP]: [TOKEN], [SITE]: [TOKEN], [MASTER]: [TOKEN] },
    });
    real = new KintoneRestAPIClient({ baseUrl: kintone.baseUrl, auth: { apiToken: TOKEN } });
  });

  afterEach(async () => {
    await kintone.close();
  });

  /**
   * The real client, with the form of app `app` (the inventory app by default) changed by
   * `edit` and the update probe's answer replaced.
   */
  function withForm(
    edit: (properties: Record<string, FormFieldProperty>) => void,
    updateRecord: DoctorKintoneClient['record']['updateRecord'] = (params) =>
      real.record.updateRecord(params),
    app = APP,
  ): DoctorKintoneClient {
    return {
      app: {
        getFormFields: async (params) => {
          const { properties } = await real.app.getFormFields(params);
          const copy: Record<string, FormFieldProperty> = { ...properties };
          if (params.app === app) edit(copy);
          return { properties: copy };
        },
      },
      record: { getRecords: (params) => real.record.getRecords(params), updateRecord },
    };
  }

  it('refuses write-back fields that are calculated or filled by a lookup', async () => {
    // Prepare
    const client = withForm((properties) => {
      properties.発注番号 = { type: 'CALC', code: '発注番号', label: '発注番号', format: 'NUMBER' };
      properties.仕入先コード = {
        type: 'SINGLE_LINE_TEXT',
        code: '仕入先コード',
        label: '仕入先コード',
        lookup: { fieldMappings: [{ field: '発注理由' }, { field: '仕入先名' }] },
      };
    });

    // Act
    const findings = await runDoctor(demoConfig(), () => client);

    // Assess
    expect(problems(findings).map((finding) => [finding.level, finding.message])).toEqual([
      [
        'error',
        '"発注番号" (writeBack.orderNumber) cannot be written by the bridge: it is a calculated field',
      ],
      [
        'error',
        '"発注理由" (writeBack.reason) cannot be written by the bridge: the lookup "仕入先コード" copies its value into it',
      ],
    ]);
  });

  it('accepts a calculated quantity, and warns when it is shown as a date', async () => {
    // Prepare
    const client = withForm((properties) => {
      properties.在庫数 = { type: 'CALC', code: '在庫数', label: '在庫数', format: 'NUMBER_DIGIT' };
      properties.発注残 = { type: 'CALC', code: '発注残', label: '発注残', format: 'DATE' };
    });

    // Act
    const findings = await runDoctor(demoConfig(), () => client);

    // Assess
    expect(problems(findings)).toEqual([
      expect.objectContaining({
        level: 'warning',
        field: '発注残',
        message: '"発注残" (fields.onOrder) is a calculated field shown as DATE, not as a number',
      }),
    ]);
  });

  it('reports a token without edit permission from the CB_NO02 answer to the update probe', async () => {
    // Prepare: kintone answers 403 CB_NO02 before looking the record up (app 12's token only).
    const client = withForm(
      () => undefined,
      async (params) => {
        if (params.app !== APP) return real.record.updateRecord(params);
        throw new KintoneRestAPIError({
          status: 403,
          statusText: 'Forbidden',
          headers: {},
          data: { id: 'x', code: 'CB_NO02', message: 'No privilege to proceed.' },
        });
      },
    );

    // Act
    const findings = await runDoctor(demoConfig(), () => client);

    // Assess
    expect(problems(findings)).toEqual([
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining('the API token of app 12 may not edit records'),
        fix: expect.stringContaining('Edit records (レコード編集)'),
      }),
    ]);
  });

  it('formats findings as a list with the fix under each problem', async () => {
    // Prepare
    const config = demoConfig((app) => {
      app.fields.onHand = 'スヌーズ期限';
      delete app.fields.snoozeUntil;
    });

    // Act
    const text = formatFindings(await runDoctor(config, () => real), config);

    // Assess
    const lines = text.split('\n');
    expect(lines[0]).toBe('app 12 (在庫管理)');
    expect(lines[1]).toBe(
      '  ERROR   "スヌーズ期限" (fields.onHand) is DATE; the bridge needs Number (数値)',
    );
    expect(lines[2]).toMatch(/^ {10}fix: Map fields\.onHand to a Number \(数値\) field/);
    expect(lines).toContain('supplier master app 13');
    expect(lines.indexOf('supplier master app 13')).toBeGreaterThan(lines.indexOf(''));
    expect(text).toMatch(/\n1 error\(s\), 0 warning\(s\), \d+ ok\n$/);
  });
});

describe('npm run doctor', () => {
  let kintone: LocalKintone;
  let dataDir: string;

  beforeEach(async () => {
    // The apps npm start serves for config/demo.json.
    kintone = await startLocalKintone({
      apps: [demoInventoryApp, siteInventoryApp, supplierMasterApp],
      apiTokens: { [APP]: [TOKEN], [SITE]: [SITE_TOKEN], [MASTER]: [MASTER_TOKEN] },
    });
    dataDir = mkdtempSync(join(tmpdir(), 'doctor-'));
  });

  afterEach(async () => {
    await kintone.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Runs scripts/doctor.ts as `npm run doctor` does; resolves with its exit code and output. */
  function runScript(args: string[], env: Record<string, string>) {
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        join(process.cwd(), 'node_modules', '.bin', 'tsx'),
        ['scripts/doctor.ts', ...args],
        { cwd: process.cwd(), env: { PATH: process.env.PATH ?? '', ...env } },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  it('exits 1 with the start-up refusal, before calling kintone, for a field with two roles', async () => {
    // Prepare: the status mapped onto the item name, which the bridge would overwrite.
    const json = loadDemoConfigJson();
    const [app] = json.apps as AppJson[];
    if (app === undefined) throw new Error('config/demo.json has no app');
    app.writeBack.status = '品名';
    const file = join(dataDir, 'two-roles.json');
    writeFileSync(file, JSON.stringify(json));

    // Act
    const result = await runScript(['--config', file, '--base-url', kintone.baseUrl], {
      KINTONE_API_TOKEN_APP_12: TOKEN,
      KINTONE_API_TOKEN_APP_13: MASTER_TOKEN,
      KINTONE_API_TOKEN_APP_15: SITE_TOKEN,
    });

    // Assess: the schema's message as it is, without a stack trace.
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `${file} is invalid:\napps[0].writeBack.status: 「品名」 is also fields.name; the bridge would overwrite the item name with its status. Use a field of its own for each role.\n`,
    );
  });

  it('exits 0 for config/demo.json with the token from the environment', async () => {
    // Act
    const result = await runScript(['--config', DEMO_CONFIG_PATH, '--base-url', kintone.baseUrl], {
      KINTONE_API_TOKEN_APP_12: TOKEN,
      KINTONE_API_TOKEN_APP_13: MASTER_TOKEN,
      KINTONE_API_TOKEN_APP_15: SITE_TOKEN,
    });

    // Assess
    expect(result.stdout).toContain('0 error(s), 0 warning(s)');
    expect(result.stdout).toContain('\napp 15 (拠点在庫)\n');
    expect(result.stdout).toContain('\nsupplier master app 13\n');
    expect(result.code).toBe(0);
  });

  it('exits 1 with the fix when the token is wrong', async () => {
    // Act
    const result = await runScript(['--config', DEMO_CONFIG_PATH], {
      KINTONE_BASE_URL: kintone.baseUrl,
      KINTONE_API_TOKEN_APP_12: 'wrong',
      KINTONE_API_TOKEN_APP_13: MASTER_TOKEN,
      KINTONE_API_TOKEN_APP_15: SITE_TOKEN,
    });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('ERROR   kintone does not accept the API token of app 12');
    expect(result.stdout).toContain('fix: In kintone open app 12');
  });

  it('uses the URL and tokens npm start leaves in the data directory with --local', async () => {
    // Prepare
    writeFileSync(
      join(dataDir, 'local.json'),
      JSON.stringify({
        kintoneBaseUrl: kintone.baseUrl,
        kintoneAppId: APP,
        kintoneApiToken: TOKEN,
        supplierMasterAppId: MASTER,
        supplierMasterApiToken: MASTER_TOKEN,
        siteInventoryAppId: SITE,
        siteInventoryApiToken: SITE_TOKEN,
      }),
    );
    writeFileSync(join(dataDir, 'local-secrets.json'), JSON.stringify({}));

    // Act
    const result = await runScript(
      ['--config', DEMO_CONFIG_PATH, '--local', '--data-dir', dataDir],
      {},
    );

    // Assess
    expect(result.stdout).toContain(`against ${kintone.baseUrl}`);
    expect(result.stdout).toContain('ok      the API token can edit records of app 15');
    expect(result.stdout).toContain(
      'ok      the API token can view records of supplier master app 13',
    );
    expect(result.code).toBe(0);
  });

  it('with --local, reads the supplier master token npm start keeps in local-secrets.json', async () => {
    // Prepare: an older local.json without the master's token.
    writeFileSync(
      join(dataDir, 'local.json'),
      JSON.stringify({
        kintoneBaseUrl: kintone.baseUrl,
        kintoneAppId: APP,
        kintoneApiToken: TOKEN,
      }),
    );
    writeFileSync(
      join(dataDir, 'local-secrets.json'),
      JSON.stringify({ KINTONE_API_TOKEN_APP_13: MASTER_TOKEN }),
    );

    // Act
    const result = await runScript(
      ['--config', DEMO_CONFIG_PATH, '--local', '--data-dir', dataDir, '--app', MASTER],
      {},
    );

    // Assess
    expect(result.stdout).not.toContain('app 12');
    expect(result.stdout).toContain(
      'ok      the API token can view records of supplier master app 13',
    );
    expect(result.code).toBe(0);
  });
});
