import { parseConfig } from '../../shared/config/load-config';
import type { BridgeConfig } from '../../shared/config/schema';
import {
  checkAppFields,
  checkSupplierMasterFields,
  formatFindings,
  hasErrors,
  PROBE_RECORD_ID,
  runDoctor,
  type DoctorKintoneClient,
  type DoctorTarget,
  type Finding,
  type FormFieldProperty,
} from '../../shared/kintone/doctor';
import { demoDeliveryAddresses, siteAppJson } from '../support/site-app';

type Properties = Record<string, FormFieldProperty>;

/** A kintone REST error as the official client throws it (the doctor reads it structurally). */
function kintoneError(status: number, code: string, message: string): Error {
  return Object.assign(new Error(`[${status}] [${code}] ${message}`), { status, code });
}

/** An app of the fake kintone: its form, and what its token may do. */
interface FakeApp {
  properties: Properties;
  canView?: boolean;
  canEdit?: boolean;
}

/**
 * The doctor's kintone calls in memory: answers from `apps` like kintone (GAIA_AP01 for an app
 * it does not have, CB_NO02 for a permission the token lacks, GAIA_RE01 for the update probe
 * of a token that may edit) and records every call.
 */
class RecordingDoctorClient implements DoctorKintoneClient {
  readonly calls: string[] = [];
  readonly targets: DoctorTarget[] = [];

  constructor(private readonly apps: Record<string, FakeApp>) {}

  /** As a DoctorClients function: records which app each client was built for. */
  readonly clients = (target: DoctorTarget): DoctorKintoneClient => {
    this.targets.push(target);
    return this;
  };

  private appOf(appId: string): FakeApp {
    const app = this.apps[appId];
    if (app === undefined) throw kintoneError(404, 'GAIA_AP01', 'The app does not exist.');
    return app;
  }

  readonly app = {
    getFormFields: async (params: { app: string }) => {
      this.calls.push(`form ${params.app}`);
      return { properties: this.appOf(params.app).properties };
    },
  };

  readonly record = {
    getRecords: async (params: { app: string; query: string; fields: string[] }) => {
      this.calls.push(`records ${params.app} "${params.query}" ${params.fields.join(',')}`);
      if (this.appOf(params.app).canView === false) {
        throw kintoneError(403, 'CB_NO02', 'No privilege to proceed.');
      }
      return { records: [] };
    },
    updateRecord: async (params: { app: string; id: string }) => {
      this.calls.push(`update ${params.app} ${params.id}`);
      if (this.appOf(params.app).canEdit === false) {
        throw kintoneError(403, 'CB_NO02', 'No privilege to proceed.');
      }
      throw kintoneError(404, 'GAIA_RE01', 'The specified record is not found.');
    },
  };
}

// Form builders: field code = label unless given.
const field = (type: string, code: string, extra: Partial<FormFieldProperty> = {}) => ({
  type,
  code,
  label: code,
  ...extra,
});
const text = (code: string, extra: Partial<FormFieldProperty> = {}) =>
  field('SINGLE_LINE_TEXT', code, extra);
const number = (code: string) => field('NUMBER', code);
const dropDown = (code: string, options: readonly string[]) =>
  field('DROP_DOWN', code, {
    options: Object.fromEntries(
      options.map((option, index) => [option, { label: option, index: String(index) }]),
    ),
  });
const formOf = (...fields: FormFieldProperty[]): Properties =>
  Object.fromEntries(fields.map((property) => [property.code, property]));
const table = (code: string, ...fields: FormFieldProperty[]) =>
  field('SUBTABLE', code, { fields: formOf(...fields) });

const STATUS_OPTIONS = [
  '発注依頼済',
  '未発注',
  '要確認',
  '要対応',
  '送信待ち',
  '入荷済',
  'キャンセル',
  '受注確認済',
  '一部受注',
  '辞退',
];

/** The site inventory app's form: one record per site, one row of 在庫明細 per item. */
function siteRow(): FormFieldProperty[] {
  return [
    text('明細_品番'),
    text('明細_品名'),
    number('明細_在庫数'),
    number('明細_発注点'),
    number('明細_発注量'),
    number('明細_単価'),
    dropDown('明細_軽減税率', ['対象外', '軽減税率']),
    text('明細_仕入先コード'),
    dropDown('明細_発注状況', STATUS_OPTIONS),
    text('明細_発注番号'),
    field('DATETIME', '明細_発注日時'),
    field('MULTI_LINE_TEXT', '明細_発注理由'),
    field('DATE', '明細_納品予定日'),
  ];
}
function siteForm(row: FormFieldProperty[] = siteRow(), ...top: FormFieldProperty[]): Properties {
  return formOf(
    field('RECORD_NUMBER', 'レコード番号'),
    text('拠点'),
    table('在庫明細', ...row),
    ...top,
  );
}

/** The supplier master's form, as config/demo.json maps it. */
function masterForm(...replace: FormFieldProperty[]): Properties {
  return {
    ...formOf(
      field('RECORD_NUMBER', 'レコード番号'),
      text('仕入先コード', { unique: true }),
      text('仕入先名'),
      field('LINK', 'メールアドレス'),
      text('FAX番号'),
      dropDown('発注方法', ['メール', 'FAX', 'メールとFAX']),
    ),
    ...formOf(...replace),
  };
}

const SITE_APP = siteAppJson();

const MASTER = {
  appId: '13',
  apiToken: { env: 'KINTONE_API_TOKEN_APP_13' },
  fields: {
    code: '仕入先コード',
    name: '仕入先名',
    email: 'メールアドレス',
    fax: 'FAX番号',
    channel: '発注方法',
  } as Record<string, string>,
};

type AppJson = typeof SITE_APP & Record<string, unknown>;
type ConfigJson = { apps: AppJson[]; supplierMaster?: typeof MASTER & Record<string, unknown> };

/** A configuration with the site app (15) and the supplier master (13), changed by `edit`. */
function configWith(edit: (app: AppJson, json: ConfigJson) => void = () => {}): BridgeConfig {
  const json = {
    company: {
      name: '株式会社テスト',
      address: '東京都千代田区1-1',
      phone: '03-0000-0000',
      email: 'order@test.example.jp',
    },
    apps: [structuredClone(SITE_APP) as AppJson],
    supplierMaster: structuredClone(MASTER),
    deliveryAddresses: demoDeliveryAddresses(),
  };
  const [app] = json.apps;
  if (app === undefined) throw new Error('no app');
  edit(app, json);
  return parseConfig(json, 'test config');
}

const problems = (findings: Finding[]) => findings.filter((finding) => finding.level !== 'ok');
const levelAndMessage = (findings: Finding[]) =>
  problems(findings).map((finding) => [finding.level, finding.message]);

describe('config doctor: supplier master', () => {
  const config = configWith();
  const master = config.supplierMaster;
  if (master === undefined) throw new Error('the test config has no supplier master');

  it('checks the master in two reads, and never probes an update', async () => {
    // Prepare
    const kintone = new RecordingDoctorClient({
      '15': { properties: siteForm() },
      '13': { properties: masterForm() },
    });

    // Act
    const findings = await runDoctor(config, kintone.clients);

    // Assess
    expect(problems(findings)).toEqual([]);
    expect(kintone.calls).toEqual([
      'form 15',
      'records 15 "limit 1" $id',
      `update 15 ${PROBE_RECORD_ID}`,
      'form 13',
      'records 13 "limit 1" 仕入先コード',
    ]);
    expect(kintone.targets).toEqual([
      {
        appId: '15',
        apiToken: { env: 'KINTONE_API_TOKEN_APP_15' },
        tokenPath: 'apps[app 15].apiToken',
      },
      {
        appId: '13',
        apiToken: { env: 'KINTONE_API_TOKEN_APP_13' },
        tokenPath: 'supplierMaster.apiToken',
      },
    ]);
    expect(findings.filter((finding) => finding.target === 'supplierMaster')).toHaveLength(7);
  });

  it('names a mapped field the master does not have, and suggests the code of a label', () => {
    // Prepare
    const properties = masterForm(field('LINK', 'メールアドレス', { label: 'Eメール' }));
    const withLabel = { ...master, fields: { ...master.fields, email: 'Eメール', fax: 'FAX' } };

    // Act
    const findings = checkSupplierMasterFields(withLabel, properties);

    // Assess
    expect(problems(findings)).toEqual([
      {
        level: 'error',
        app: '13',
        target: 'supplierMaster',
        field: 'Eメール',
        message: '"Eメール" (supplierMaster.fields.email): the app has no field with this code',
        fix: expect.stringContaining(
          'its field code is "メールアドレス": set supplierMaster.fields.email to "メールアドレス"',
        ),
      },
      expect.objectContaining({
        level: 'error',
        field: 'FAX',
        message: '"FAX" (supplierMaster.fields.fax): the app has no field with this code',
      }),
    ]);
  });

  it('refuses a code field kintone cannot query with "=", and a channel of check boxes', () => {
    // Prepare
    const properties = masterForm(
      field('MULTI_LINE_TEXT', '仕入先コード'),
      field('CHECK_BOX', '発注方法'),
    );

    // Act
    const findings = checkSupplierMasterFields(master, properties);

    // Assess
    expect(levelAndMessage(findings)).toEqual([
      [
        'error',
        '"仕入先コード" (supplierMaster.fields.code) is MULTI_LINE_TEXT; the bridge needs Text (文字列 1行) (it finds a supplier with the query 仕入先コード = "S-001", which kintone allows on Text, Link, Number and Record number fields)',
      ],
      [
        'error',
        '"発注方法" (supplierMaster.fields.channel) is CHECK_BOX; the bridge needs Drop-down (ドロップダウン)',
      ],
    ]);
  });

  it('warns when the code field does not prohibit duplicate values', () => {
    // Prepare
    const properties = masterForm(text('仕入先コード', { unique: false }));

    // Act
    const findings = checkSupplierMasterFields(master, properties);

    // Assess
    expect(problems(findings)).toEqual([
      expect.objectContaining({
        level: 'warning',
        field: '仕入先コード',
        message: expect.stringContaining(
          '"仕入先コード" (supplierMaster.fields.code) does not prohibit duplicate values',
        ),
        fix: expect.stringContaining('"Prohibit duplicate values" (値の重複を禁止する)'),
      }),
    ]);
    expect(hasErrors(findings)).toBe(false);
  });

  it('accepts a record number as the code without a duplicate warning, and warns on a calculated one', () => {
    // Act
    const recordNumber = checkSupplierMasterFields(
      master,
      masterForm(field('RECORD_NUMBER', '仕入先コード')),
    );
    const calculated = checkSupplierMasterFields(
      master,
      masterForm(field('CALC', '仕入先コード', { format: 'NUMBER' })),
    );

    // Assess
    expect(problems(recordNumber)).toEqual([]);
    expect(levelAndMessage(calculated)).toEqual([
      [
        'warning',
        '"仕入先コード" (supplierMaster.fields.code) is CALC: kintone cannot prohibit duplicate values of a calculated field, so two suppliers may share a code',
      ],
    ]);
  });

  it('warns about channel options none of supplierMaster.channelLabels names', () => {
    // Prepare
    const properties = masterForm(dropDown('発注方法', ['メール', 'FAX', '電話']));

    // Act
    const findings = checkSupplierMasterFields(master, properties);

    // Assess
    expect(problems(findings)).toEqual([
      expect.objectContaining({
        level: 'warning',
        field: '発注方法',
        message:
          'option "電話" of "発注方法" (supplierMaster.fields.channel) is none of supplierMaster.channelLabels: the bridge ignores it and uses the item record\'s channel (or defaults.channel)',
        fix: 'Add "電話" to supplierMaster.channelLabels.email, .fax or .both in the config, or rename the option.',
      }),
    ]);
  });

  it("understands the options through supplierMaster.channelLabels, not the apps' labels", () => {
    // Prepare
    const labelled = configWith((_app, json) => {
      if (json.supplierMaster) json.supplierMaster.channelLabels = { fax: ['電話'] };
    }).supplierMaster;
    if (labelled === undefined) throw new Error('no supplier master');

    // Act
    const findings = checkSupplierMasterFields(
      labelled,
      masterForm(dropDown('発注方法', ['メール', '電話'])),
    );

    // Assess
    expect(problems(findings)).toEqual([]);
  });

  it('refuses a master field inside a table', () => {
    // Prepare
    const { FAX番号: _fax, ...properties } = masterForm();
    const withTable = { ...properties, 連絡先: table('連絡先', text('FAX番号')) };

    // Act
    const findings = checkSupplierMasterFields(master, withTable);

    // Assess
    expect(levelAndMessage(findings)).toEqual([
      [
        'error',
        '"FAX番号" (supplierMaster.fields.fax) is a field of the table "連絡先": the bridge reads one supplier per record, from the record\'s own fields',
      ],
    ]);
  });

  it('reports a master token that may not view records', async () => {
    // Prepare
    const kintone = new RecordingDoctorClient({
      '15': { properties: siteForm() },
      '13': { properties: masterForm(), canView: false },
    });

    // Act
    const findings = await runDoctor(config, kintone.clients);

    // Assess
    expect(problems(findings)).toEqual([
      {
        level: 'error',
        app: '13',
        target: 'supplierMaster',
        message:
          'the API token of supplier master app 13 may not view records (403 CB_NO02: [403] [CB_NO02] No privilege to proceed.)',
        fix: 'In App settings > API token (アプリの設定 > APIトークン) of app 13, tick "View records (レコード閲覧)" for the token, click Save and then Update App.',
      },
    ]);
  });

  it('reports a master app kintone does not have, naming supplierMaster.appId', async () => {
    // Prepare
    const kintone = new RecordingDoctorClient({ '15': { properties: siteForm() } });

    // Act
    const findings = await runDoctor(config, kintone.clients);

    // Assess
    expect(problems(findings)).toEqual([
      expect.objectContaining({
        level: 'error',
        target: 'supplierMaster',
        message: expect.stringContaining('supplier master app 13 does not exist at this kintone'),
        fix: expect.stringContaining('Check supplierMaster.appId'),
      }),
    ]);
    expect(kintone.calls.filter((call) => call.endsWith(' 13'))).toEqual(['form 13']);
  });

  it('reads the $id when the code field is missing, so the read checks only the token', async () => {
    // Prepare
    const { 仕入先コード: _code, ...properties } = masterForm();
    const kintone = new RecordingDoctorClient({
      '15': { properties: siteForm() },
      '13': { properties },
    });

    // Act
    await runDoctor(config, kintone.clients, { apps: ['13'] });

    // Assess
    expect(kintone.calls).toEqual(['form 13', 'records 13 "limit 1" $id']);
  });

  it('does not ask for supplier name or contacts on an app that maps the supplier code', () => {
    // Prepare: the site app maps no supplierName, supplierEmail or supplierFax.
    const [app] = config.apps;
    if (app === undefined) throw new Error('no app');

    // Act
    const findings = checkAppFields(config, app, siteForm());

    // Assess
    expect(problems(findings)).toEqual([]);
    expect(findings.some((finding) => /supplier(Name|Email|Fax)/.test(finding.message))).toBe(
      false,
    );
  });

  it('names the supplier master among the known ids of an unknown --app', async () => {
    // Prepare
    const kintone = new RecordingDoctorClient({});

    // Act
    const findings = await runDoctor(config, kintone.clients, { apps: ['99'] });

    // Assess
    expect(findings).toEqual([
      {
        level: 'error',
        app: '99',
        message: 'app 99 is not in the configuration',
        fix: 'Check the app id; the configuration has 15, 13 (supplier master).',
      },
    ]);
    expect(kintone.calls).toEqual([]);
  });

  it('prints the master under its own heading', async () => {
    // Prepare
    const kintone = new RecordingDoctorClient({
      '15': { properties: siteForm() },
      '13': { properties: masterForm(text('仕入先コード')) },
    });

    // Act
    const printed = formatFindings(await runDoctor(config, kintone.clients), config);

    // Assess
    const lines = printed.split('\n');
    const heading = lines.indexOf('supplier master app 13');
    expect(lines[0]).toBe('app 15 (拠点在庫)');
    expect(heading).toBeGreaterThan(0);
    expect(lines[heading - 1]).toBe('');
    expect(lines[heading + 1]).toMatch(
      /^ {2}WARNING "仕入先コード" \(supplierMaster\.fields\.code\) does not prohibit/,
    );
    expect(printed).toMatch(/\n0 error\(s\), 1 warning\(s\), \d+ ok\n$/);
  });
});

describe('config doctor: items in a SUBTABLE', () => {
  const appOf = (config: BridgeConfig) => {
    const [app] = config.apps;
    if (app === undefined) throw new Error('no app');
    return app;
  };
  const check = (properties: Properties, config = configWith()) =>
    checkAppFields(config, appOf(config), properties);

  it('finds every mapped field in the rows, and probes the token as for any app', async () => {
    // Prepare
    const kintone = new RecordingDoctorClient({
      '15': { properties: siteForm() },
      '13': { properties: masterForm() },
    });

    // Act
    const findings = await runDoctor(configWith(), kintone.clients, { apps: ['15'] });

    // Assess
    expect(problems(findings)).toEqual([]);
    expect(findings.map((finding) => finding.message)).toEqual(
      expect.arrayContaining([
        '"在庫明細" (subtable.field) is SUBTABLE with 13 field(s) per row: each row is an item',
        '"明細_在庫数" (fields.onHand) is NUMBER',
        '"明細_発注状況" (writeBack.status) is DROP_DOWN',
        '"明細_納品予定日" (writeBack.deliveryDate) is DATE',
        'the API token can edit records of app 15',
      ]),
    );
    expect(kintone.calls).toEqual([
      'form 15',
      'records 15 "limit 1" $id',
      `update 15 ${PROBE_RECORD_ID}`,
    ]);
  });

  it('warns about an attachment in the table, which the whole-table write-back sends back', () => {
    // Act
    const findings = check(siteForm([...siteRow(), field('FILE', '明細_写真')]));

    // Assess
    expect(problems(findings)).toEqual([
      expect.objectContaining({
        level: 'warning',
        field: '明細_写真',
        message: expect.stringContaining('is an attachment (FILE)'),
        fix: expect.stringContaining('Keep attachments outside the table "在庫明細"'),
      }),
    ]);
  });

  it('names the tables the app has when subtable.field is missing, and checks no field', () => {
    // Prepare
    const properties = formOf(text('拠点'), table('明細', ...siteRow()), table('棚卸', text('棚')));

    // Act
    const findings = check(properties);

    // Assess
    expect(findings).toEqual([
      {
        level: 'error',
        app: '15',
        field: '在庫明細',
        message:
          '"在庫明細" (subtable.field): the app has no field with this code; the field mapping is checked once the table is found',
        fix: 'Set subtable.field to the field code of the table whose rows are the items; the app\'s tables are "明細", "棚卸".',
      },
    ]);
  });

  it('says the app has no table at all when it has none', () => {
    // Act
    const findings = check(formOf(text('拠点'), ...siteRow()));

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        level: 'error',
        fix: expect.stringContaining('The app has no table (SUBTABLE field)'),
      }),
    ]);
  });

  it('suggests the field code of a table labelled as subtable.field', () => {
    // Act
    const findings = check(
      formOf(field('SUBTABLE', 'stock_rows', { label: '在庫明細', fields: formOf(...siteRow()) })),
    );

    // Assess
    expect(findings[0]?.fix).toBe(
      'A table is labelled "在庫明細", but its field code is "stock_rows": set subtable.field to "stock_rows".',
    );
  });

  it('refuses a subtable.field that is not a table', () => {
    // Prepare
    const properties = formOf(text('在庫明細'), table('明細', ...siteRow()));

    // Act
    const findings = check(properties);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        level: 'error',
        field: '在庫明細',
        message:
          '"在庫明細" (subtable.field) is SINGLE_LINE_TEXT, not a table (SUBTABLE); the field mapping is checked once the table is found',
        fix: expect.stringContaining('the app\'s tables are "明細"'),
      }),
    ]);
  });

  it('names a mapped field that is neither in the row nor on the record', () => {
    // Prepare
    const row = siteRow().filter((property) => property.code !== '明細_発注点');

    // Act
    const findings = check(siteForm(row));

    // Assess
    expect(problems(findings)).toEqual([
      expect.objectContaining({
        level: 'error',
        field: '明細_発注点',
        message: '"明細_発注点" (fields.reorderPoint): the app has no field with this code',
        fix: expect.stringContaining(
          'It must be a field of the table "在庫明細" or of the record.',
        ),
      }),
    ]);
  });

  it('refuses a write-back field outside the row', () => {
    // Prepare
    const row = siteRow().filter((property) => property.code !== '明細_発注番号');

    // Act
    const findings = check(siteForm(row, text('明細_発注番号')));

    // Assess
    expect(problems(findings)).toEqual([
      {
        level: 'error',
        app: '15',
        field: '明細_発注番号',
        message:
          '"明細_発注番号" (writeBack.orderNumber) is a field of the record, outside the table "在庫明細" (subtable.field): write-back fields must be in the row, where each item\'s outcome goes',
        fix: expect.stringMatching(
          /^Add a Text \(文字列 1行\) field to the table "在庫明細" .* and map writeBack\.orderNumber to it; a write-back field outside the table is not supported/,
        ),
      },
    ]);
  });

  it('reads a mapped field the row lacks from the record', () => {
    // Prepare: one supplier for the whole site, on the record.
    const config = configWith((app) => {
      app.fields.supplierCode = '仕入先コード';
    });

    // Act
    const findings = check(siteForm(siteRow(), text('仕入先コード')), config);

    // Assess
    expect(problems(findings)).toEqual([]);
    expect(findings).toContainEqual(
      expect.objectContaining({
        level: 'ok',
        message:
          '"仕入先コード" (fields.supplierCode) is SINGLE_LINE_TEXT, a field of the record (one value for every row of "在庫明細")',
      }),
    );
  });

  it('checks the type of a field read from the record as of one in the row', () => {
    // Prepare
    const config = configWith((app) => {
      // 拠点 is the ship-to in config/demo.json; here it plays a lead time instead.
      delete app.fields.shipTo;
      delete app.shipTo;
      app.fields.leadTimeDays = '拠点';
    });

    // Act
    const findings = check(siteForm(), config);

    // Assess
    expect(levelAndMessage(findings)).toEqual([
      [
        'warning',
        '"拠点" (fields.leadTimeDays) is SINGLE_LINE_TEXT: non-numeric values become "要確認"',
      ],
    ]);
  });

  it('checks the price, 軽減税率 and ship-to fields like the others', () => {
    // Prepare: 単価 as text, 軽減税率 without a reduced choice, 拠点 missing from the form.
    const row = siteRow()
      .filter((property) => property.code !== '明細_単価' && property.code !== '明細_軽減税率')
      .concat(text('明細_単価'), dropDown('明細_軽減税率', ['標準', '対象外']));
    const properties = siteForm(row);
    delete properties['拠点'];

    // Act
    const findings = check(properties);

    // Assess
    expect(levelAndMessage(findings)).toEqual(
      expect.arrayContaining([
        [
          'warning',
          '"明細_単価" (fields.unitPrice) is SINGLE_LINE_TEXT: non-numeric values become "要確認"',
        ],
        [
          'warning',
          expect.stringContaining(
            'none of the choices of "明細_軽減税率" (fields.taxRate) is in tax.reducedLabels',
          ),
        ],
        ['error', expect.stringContaining('"拠点" (fields.shipTo)')],
      ]),
    );
    expect(findings.map((finding) => finding.message)).toContain(
      'shipTo: every delivery address named is in deliveryAddresses',
    );
  });

  it('refuses a 軽減税率 field of a type that holds no label', () => {
    const row = siteRow()
      .filter((property) => property.code !== '明細_軽減税率')
      .concat(field('DATE', '明細_軽減税率'));
    expect(levelAndMessage(check(siteForm(row)))).toEqual([
      ['error', expect.stringContaining('"明細_軽減税率" (fields.taxRate) is DATE')],
    ]);
  });

  it('refuses a mapped field of another table', () => {
    // Prepare
    const row = siteRow().filter((property) => property.code !== '明細_発注量');
    const properties = { ...siteForm(row), 発注条件: table('発注条件', number('明細_発注量')) };

    // Act
    const findings = check(properties);

    // Assess
    expect(levelAndMessage(findings)).toEqual([
      [
        'error',
        '"明細_発注量" (fields.reorderQuantity) is a field of the table "発注条件", not of "在庫明細" (subtable.field): the bridge reads the rows of "在庫明細" and the record\'s own fields only',
      ],
    ]);
  });

  it('still refuses unwritable write-back fields and missing status options in the row', () => {
    // Prepare
    const row = siteRow().map((property) =>
      property.code === '明細_発注日時'
        ? field('CALC', '明細_発注日時', { format: 'DATETIME' })
        : property.code === '明細_発注状況'
          ? dropDown(
              '明細_発注状況',
              STATUS_OPTIONS.filter((option) => option !== '要対応'),
            )
          : property,
    );

    // Act
    const findings = check(siteForm(row));

    // Assess
    expect(levelAndMessage(findings)).toEqual([
      [
        'error',
        expect.stringContaining(
          'option "要対応" (statuses.failed) is not among the options of "明細_発注状況"',
        ),
      ],
      [
        'error',
        '"明細_発注日時" (writeBack.orderedAt) cannot be written by the bridge: it is a calculated field',
      ],
    ]);
  });
});

describe('config doctor: write-back fields', () => {
  const config = configWith();
  const [app] = config.apps;
  if (app === undefined) throw new Error('no app');
  /** The site form with one row field replaced. */
  const withRowField = (replacement: FormFieldProperty) =>
    siteForm(
      siteRow().map((property) => (property.code === replacement.code ? replacement : property)),
    );

  it.each<[string, FormFieldProperty, string]>([
    [
      'a status of check boxes',
      field('CHECK_BOX', '明細_発注状況'),
      '"明細_発注状況" (writeBack.status) is CHECK_BOX; the bridge needs Drop-down (ドロップダウン)',
    ],
    [
      'a numeric order number',
      number('明細_発注番号'),
      '"明細_発注番号" (writeBack.orderNumber) is NUMBER; the bridge needs Text (文字列 1行)',
    ],
    [
      'an order time that is a date',
      field('DATE', '明細_発注日時'),
      '"明細_発注日時" (writeBack.orderedAt) is DATE; the bridge needs Date and time (日時)',
    ],
    [
      'a delivery date with a time',
      field('DATETIME', '明細_納品予定日'),
      '"明細_納品予定日" (writeBack.deliveryDate) is DATETIME; the bridge needs Date (日付)',
    ],
    [
      'a numeric reason',
      number('明細_発注理由'),
      '"明細_発注理由" (writeBack.reason) is NUMBER; the bridge needs Text area (文字列 複数行)',
    ],
  ])('refuses %s, naming the type it needs', (_case, replacement, message) => {
    // Act
    const findings = checkAppFields(config, app, withRowField(replacement));

    // Assess
    expect(levelAndMessage(findings)).toEqual([['error', message]]);
    expect(problems(findings)[0]?.fix).toMatch(/^Map writeBack\.\w+ to a .* field, or change/);
  });

  it('accepts a status kept in a one-line text field', () => {
    // Act
    const findings = checkAppFields(config, app, withRowField(text('明細_発注状況')));

    // Assess
    expect(problems(findings)).toEqual([]);
  });

  it('refuses a write-back field that prohibits duplicate values, except the order number', () => {
    // Prepare: kintone would refuse 発注依頼済 on a second record.
    const properties = siteForm(
      siteRow().map((property) =>
        property.code === '明細_発注状況' || property.code === '明細_発注番号'
          ? { ...property, unique: true }
          : property,
      ),
    );

    // Act
    const findings = checkAppFields(config, app, properties);

    // Assess
    expect(levelAndMessage(findings)).toEqual([
      [
        'error',
        '"明細_発注状況" (writeBack.status) prohibits duplicate values: the bridge writes the same value into many records, and kintone would refuse the second write',
      ],
    ]);
  });

  it('refuses a maximum length shorter than the bridge writes, and warns about one on the reason', () => {
    // Prepare: "PO-YYYYMMDD-NNNN" is 16 characters.
    const properties = siteForm(
      siteRow().map((property) =>
        property.code === '明細_発注番号'
          ? text('明細_発注番号', { maxLength: '12' })
          : property.code === '明細_発注理由'
            ? text('明細_発注理由', { maxLength: '100' })
            : property,
      ),
    );

    // Act
    const findings = checkAppFields(config, app, properties);

    // Assess
    expect(levelAndMessage(findings)).toEqual([
      [
        'error',
        '"明細_発注番号" (writeBack.orderNumber) allows at most 12 characters, but the bridge writes up to 16',
      ],
      [
        'warning',
        '"明細_発注理由" (writeBack.reason) allows at most 100 characters: kintone refuses a longer value, and the bridge\'s write-back of that record fails',
      ],
    ]);
  });

  it('accepts an order number field long enough for the prefix, and one without a limit', () => {
    // Prepare
    const exact = withRowField(text('明細_発注番号', { maxLength: '16' }));
    const unlimited = withRowField(text('明細_発注番号', { maxLength: '' }));

    // Act
    const findings = [
      ...checkAppFields(config, app, exact),
      ...checkAppFields(config, app, unlimited),
    ];

    // Assess
    expect(problems(findings)).toEqual([]);
  });

  it('refuses a write-back field that another role maps, for a configuration the schema did not see', () => {
    // Prepare: parseConfig refuses this; checkAppFields may still be handed such an app.
    const overlapping = { ...app, writeBack: { ...app.writeBack, status: '明細_品名' } };

    // Act
    const findings = checkAppFields(config, overlapping, siteForm());

    // Assess
    expect(problems(findings)).toContainEqual({
      level: 'error',
      app: '15',
      field: '明細_品名',
      message:
        'writeBack.status: 「明細_品名」 is also fields.name; the bridge would overwrite the item name with its status',
      fix: 'Use a field of its own for each role.',
    });
  });

  it('refuses a status the bridge writes that is one of the closed statuses', () => {
    // Prepare
    const closing = { ...app, statuses: { ...app.statuses, idle: '入荷済' } };

    // Act
    const findings = checkAppFields(config, closing, siteForm());

    // Assess
    expect(levelAndMessage(findings)).toEqual([
      [
        'error',
        'statuses.idle: "入荷済" is also one of statuses.closed; each time the bridge wrote it, it would close its own order',
      ],
    ]);
  });
});

describe('config doctor: table fields of an app without subtable', () => {
  const config = configWith((app) => {
    delete (app as Record<string, unknown>).subtable;
  });
  const [app] = config.apps;
  if (app === undefined) throw new Error('no app');

  it('warns about a read field and refuses a write-back field in a table, pointing at subtable', () => {
    // Prepare: the mapping names row fields, but the app has no subtable setting.
    const properties = siteForm();

    // Act
    const findings = checkAppFields(config, app, properties);

    // Assess
    const onHand = problems(findings).find((finding) => finding.field === '明細_在庫数');
    const status = problems(findings).find((finding) => finding.field === '明細_発注状況');
    expect(onHand).toEqual(
      expect.objectContaining({
        level: 'warning',
        message:
          '"明細_在庫数" (fields.onHand) is a field of the table "在庫明細": the bridge reads the record\'s own fields unless the app\'s subtable is set, so it finds no value',
        fix: expect.stringContaining('set the app\'s subtable.field to "在庫明細"'),
      }),
    );
    expect(status).toEqual(
      expect.objectContaining({
        level: 'error',
        message:
          '"明細_発注状況" (writeBack.status) is a field of the table "在庫明細": the bridge writes the record\'s own fields, not table rows, unless the app\'s subtable is set',
      }),
    );
  });
});

describe('config doctor: gathering', () => {
  const waitingMissing = [
    'error',
    expect.stringContaining(
      'option "待機中" (statuses.waiting) is not among the options of "明細_発注状況"',
    ),
  ];

  it('asks for 待機中 when a supplier gathers its items, though the app sends at once', () => {
    // Prepare: the site app is `immediate`; S-002 has its own cut-off.
    const config = configWith((_app, json) => {
      Object.assign(json, {
        suppliers: { 'S-002': { gathering: { rule: 'cutoff', times: ['15:00'] } } },
      });
    });
    const [app] = config.apps;
    if (app === undefined) throw new Error('no app');

    // Act
    const findings = checkAppFields(config, app, siteForm());

    // Assess
    expect(levelAndMessage(findings)).toEqual([waitingMissing]);
  });

  it('does not ask for it when every supplier rule is immediate too', () => {
    // Prepare
    const config = configWith((_app, json) => {
      Object.assign(json, { suppliers: { 'S-002': { gathering: { rule: 'immediate' } } } });
    });
    const [app] = config.apps;
    if (app === undefined) throw new Error('no app');

    // Act
    const findings = checkAppFields(config, app, siteForm());

    // Assess
    expect(levelAndMessage(findings)).toEqual([]);
  });
});
