import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfigFromEnv, requireEnv } from '../../shared/config/env';
import {
  ConfigError,
  findApp,
  loadConfigFile,
  parseConfig,
  resolveSecret,
} from '../../shared/config/load-config';
import { MIN_LITERAL_SECRET_LENGTH } from '../../shared/config/schema';
import { DEMO_CONFIG_PATH, loadDemoConfigJson } from '../fixtures/kintone-webhooks';

/** Marks a key to remove in {@link demoWith}. */
const REMOVE = Symbol('remove');
type Key = string | number;

/** A copy of config/demo.json with one value set (or removed) at `keyPath`. */
function demoWith(keyPath: readonly Key[], value: unknown): Record<string, unknown> {
  const config = loadDemoConfigJson();
  let parent: unknown = config;
  for (const key of keyPath.slice(0, -1)) {
    parent = (parent as Record<Key, unknown>)[key];
  }
  const last = keyPath[keyPath.length - 1];
  if (typeof parent !== 'object' || parent === null || last === undefined) {
    throw new Error(`demo config has no key ${keyPath.join('.')}`);
  }
  const container = parent as Record<Key, unknown>;
  if (value === REMOVE) delete container[last];
  else container[last] = value;
  return config;
}

/** The ConfigError message `parseConfig` throws for `raw` (fails the test when none is thrown). */
function configErrorOf(raw: unknown): string {
  try {
    parseConfig(raw, 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected parseConfig to throw a ConfigError');
}

const demoApp = (): Record<string, unknown> => {
  const apps = loadDemoConfigJson().apps as Record<string, unknown>[];
  const app = apps[0];
  if (app === undefined) throw new Error('demo config has no app');
  return app;
};

describe('loadConfigFile', () => {
  it('loads config/demo.json with its Japanese field codes and defaults', () => {
    // Act
    const config = loadConfigFile(DEMO_CONFIG_PATH);

    // Assess
    expect(config.timeZone).toBe('Asia/Tokyo');
    expect(config.orderNumberPrefix).toBe('PO');
    expect(config.company.email).toBe('purchasing@demo-shoji.example.jp');
    expect(config.apps.map((candidate) => candidate.appId)).toEqual(['12', '15']);
    const app = findApp(config, '12');
    expect(app).toBeDefined();
    expect(app?.webhookTokens).toEqual([{ env: 'WEBHOOK_TOKEN_APP_12' }]);
    expect(app?.apiToken).toEqual({ env: 'KINTONE_API_TOKEN_APP_12' });
    expect(app?.fields.onHand).toBe('在庫数');
    expect(app?.fields.reorderPoint).toBe('発注点');
    expect(app?.writeBack).toEqual({
      status: '発注状況',
      orderNumber: '発注番号',
      orderedAt: '発注日時',
      reason: '発注理由',
      deliveryDate: '納品予定日',
    });
    expect(app?.statuses).toEqual({
      ordered: '発注依頼済',
      closed: ['入荷済', 'キャンセル'],
      needsAttention: '要確認',
      failed: '要対応',
      sending: '送信待ち',
      waiting: '待機中',
      idle: '未発注',
      confirmed: '受注確認済',
      partial: '一部受注',
      declined: '辞退',
      late: '納期遅延',
      partiallyReceived: '一部入荷',
      awaitingApproval: '承認待ち',
    });
    expect(app?.defaults).toEqual({
      unit: '個',
      packSize: 1,
      minimumOrder: 0,
      leadTimeDays: 0,
      channel: 'auto',
    });
    expect(app?.onOrderIncludesBridgeOrders).toBe(false);
    expect(app?.commentOnOrder).toBe(true);
    expect(findApp(config, '13')).toBeUndefined();
  });

  it('loads app 15 of config/demo.json: items as table rows, suppliers from the master', () => {
    // Act
    const config = loadConfigFile(DEMO_CONFIG_PATH);
    const app = findApp(config, '15');

    // Assess: only the supplier code is in the row; the master (app 13) knows the rest.
    expect(app?.subtable).toEqual({ field: '在庫明細' });
    expect(app?.webhookTokens).toEqual([{ env: 'WEBHOOK_TOKEN_APP_15' }]);
    expect(app?.apiToken).toEqual({ env: 'KINTONE_API_TOKEN_APP_15' });
    expect(app?.fields).toEqual({
      sku: '明細_品番',
      name: '明細_品名',
      onHand: '明細_在庫数',
      reorderPoint: '明細_発注点',
      reorderQuantity: '明細_発注量',
      supplierCode: '明細_仕入先コード',
      unitPrice: '明細_単価',
      taxRate: '明細_軽減税率',
      shipTo: '拠点',
    });
    // The site field names the ship-to: 大阪倉庫 has an address of its own.
    expect(app?.shipTo).toEqual({ byValue: { 大阪倉庫: '大阪倉庫' } });
    expect(config.deliveryAddresses['大阪倉庫']?.name).toBe('株式会社デモ商事 大阪倉庫');
    expect(findApp(config, '12')?.shipTo).toEqual({ default: '本社倉庫', byValue: {} });
    expect(app?.writeBack.status).toBe('明細_発注状況');
    expect(config.supplierMaster?.appId).toBe('13');
  });

  it('names the file when it is not valid JSON', () => {
    // Prepare
    const dir = mkdtempSync(path.join(tmpdir(), 'bridge-config-'));
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{ "company": ', 'utf8');

    try {
      // Act
      const act = () => loadConfigFile(file);

      // Assess
      expect(act).toThrow(ConfigError);
      expect(act).toThrow(`${file} is not valid JSON`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the file when it cannot be read', () => {
    // Prepare
    const missing = path.join(tmpdir(), 'no-such-dir-for-bridge', 'missing.json');

    // Act
    const act = () => loadConfigFile(missing);

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(`cannot read configuration file ${missing}`);
  });

  it('names the file in validation errors', () => {
    // Prepare
    const dir = mkdtempSync(path.join(tmpdir(), 'bridge-config-'));
    const file = path.join(dir, 'invalid.json');
    writeFileSync(file, JSON.stringify(demoWith(['timeZone'], 'Nowhere/City')), 'utf8');

    try {
      // Act
      const act = () => loadConfigFile(file);

      // Assess
      expect(act).toThrow(`${file} is invalid:\ntimeZone: expected an IANA time zone`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parseConfig errors', () => {
  it.each<[string, readonly Key[], unknown, string]>([
    [
      'a missing required field code',
      ['apps', 0, 'fields', 'onHand'],
      REMOVE,
      'apps[0].fields.onHand: Invalid input: expected string, received undefined',
    ],
    [
      'a blank field code',
      ['apps', 0, 'fields', 'onHand'],
      '   ',
      'apps[0].fields.onHand: expected a kintone field code',
    ],
    [
      'a field code that is not a string',
      ['apps', 0, 'writeBack', 'status'],
      7,
      'apps[0].writeBack.status: Invalid input: expected string, received number',
    ],
    [
      'an app id that is not a number',
      ['apps', 0, 'appId'],
      'inventory',
      'apps[0].appId: expected a kintone app id such as "12"',
    ],
    [
      'an environment variable name in lower case',
      ['apps', 0, 'webhookTokens', 0, 'env'],
      'webhook_token',
      'apps[0].webhookTokens[0].env: expected an environment variable name like WEBHOOK_TOKEN_12',
    ],
    [
      'a missing API token',
      ['apps', 0, 'apiToken'],
      REMOVE,
      `apps[0].apiToken: expected {"env": "NAME"} or a literal secret of at least ${MIN_LITERAL_SECRET_LENGTH} characters`,
    ],
    [
      'a sender address that is not an email',
      ['company', 'email'],
      'purchasing',
      'company.email: expected the sender email address (verified in SES)',
    ],
    [
      'an order number prefix in lower case',
      ['orderNumberPrefix'],
      'po',
      'orderNumberPrefix: expected 1-8 capital letters or digits, such as "PO"',
    ],
    ['no apps at all', ['apps'], [], 'apps: configure at least one kintone app'],
    [
      'a misspelt key in the field map',
      ['apps', 0, 'fields', 'onhand'],
      '在庫',
      'apps[0].fields: Unrecognized key: "onhand"',
    ],
    [
      'a pack size of zero',
      ['apps', 0, 'defaults', 'packSize'],
      0,
      'apps[0].defaults.packSize: Too small: expected number to be >0',
    ],
    [
      'a default quantity past the safe integers',
      ['apps', 0, 'defaults', 'maxStock'],
      1e30,
      `apps[0].defaults.maxStock: expected a quantity of at most ${Number.MAX_SAFE_INTEGER}`,
    ],
    [
      'a default pack size past the safe integers',
      ['apps', 0, 'defaults', 'packSize'],
      2 ** 60,
      `apps[0].defaults.packSize: expected a quantity of at most ${Number.MAX_SAFE_INTEGER}`,
    ],
    [
      'a default lead time longer than the domain accepts',
      ['apps', 0, 'defaults', 'leadTimeDays'],
      3651,
      'apps[0].defaults.leadTimeDays: expected at most 3650 days (longer is refused for every record)',
    ],
    [
      'neither a supplier email nor a fax field, no default, and no supplier code for the master',
      ['apps', 0, 'fields'],
      ((): Record<string, unknown> => {
        const {
          supplierCode: _code,
          supplierEmail: _email,
          supplierFax: _fax,
          ...fields
        } = (loadDemoConfigJson() as { apps: Array<{ fields: Record<string, string> }> }).apps[0]
          ?.fields ?? {};
        return fields;
      })(),
      'apps[0].fields.supplierEmail: map supplierEmail or supplierFax (or give defaults.supplierEmail, or map supplierCode with a supplierMaster)',
    ],
  ])('names the key and what was expected for %s', (_case, keyPath, value, expected) => {
    // Prepare
    const raw = demoWith(keyPath, value);

    // Act
    const message = configErrorOf(raw);

    // Assess
    expect(message).toMatch(/^test\.json is invalid:\n/);
    expect(message).toContain(expected);
  });

  it('lists every problem at once, one per line', () => {
    // Prepare
    const raw = demoWith(['timeZone'], 'Mars/Olympus');
    (raw.company as Record<string, unknown>).email = 'nobody';

    // Act
    const message = configErrorOf(raw);

    // Assess
    expect(message.split('\n')).toEqual([
      'test.json is invalid:',
      'company.email: expected the sender email address (verified in SES)',
      'timeZone: expected an IANA time zone such as "Asia/Tokyo"',
    ]);
  });

  it('rejects an app configured twice, even when one id is written as a number', () => {
    // Prepare
    const raw = loadDemoConfigJson();
    raw.apps = [demoApp(), { ...demoApp(), appId: 12 }];

    // Act
    const message = configErrorOf(raw);

    // Assess
    expect(message).toContain('apps[1].appId: app 12 is configured twice');
    expect(message).not.toContain('apps[0].appId');
  });

  it('accepts two webhook tokens (rotation) but rejects three', () => {
    // Prepare
    const two = demoWith(['apps', 0, 'webhookTokens'], [{ env: 'TOKEN_A' }, { env: 'TOKEN_B' }]);
    const three = demoWith(
      ['apps', 0, 'webhookTokens'],
      [{ env: 'TOKEN_A' }, { env: 'TOKEN_B' }, { env: 'TOKEN_C' }],
    );

    // Act
    const accepted = parseConfig(two);
    const message = configErrorOf(three);

    // Assess
    expect(accepted.apps[0]?.webhookTokens).toHaveLength(2);
    expect(message).toContain(
      'apps[0].webhookTokens: at most two webhook tokens (current and next) are allowed',
    );
  });

  it('rejects an app without webhook tokens', () => {
    // Act
    const message = configErrorOf(demoWith(['apps', 0, 'webhookTokens'], []));

    // Assess
    expect(message).toContain('apps[0].webhookTokens: Too small: expected array to have >=1 items');
  });

  it('rejects a literal token shorter than the minimum, and accepts one of exactly the minimum', () => {
    // Prepare
    const short = 'a'.repeat(MIN_LITERAL_SECRET_LENGTH - 1);
    const exact = 'a'.repeat(MIN_LITERAL_SECRET_LENGTH);

    // Act
    const message = configErrorOf(demoWith(['apps', 0, 'webhookTokens'], [short]));
    const accepted = parseConfig(demoWith(['apps', 0, 'webhookTokens'], [exact]));

    // Assess
    expect(message).toContain(
      `apps[0].webhookTokens[0]: a literal secret must be at least ${MIN_LITERAL_SECRET_LENGTH} characters (or use {"env": "NAME"})`,
    );
    expect(message).not.toContain(short);
    expect(accepted.apps[0]?.webhookTokens).toEqual([exact]);
  });

  it('rejects an app that maps neither maxStock nor reorderQuantity and has no default for them', () => {
    // Prepare
    const raw = demoWith(['apps', 0, 'fields', 'maxStock'], REMOVE);
    delete ((raw.apps as Record<string, unknown>[])[0]?.fields as Record<string, unknown>)
      .reorderQuantity;

    // Act
    const message = configErrorOf(raw);

    // Assess
    expect(message).toContain(
      'apps[0].fields: map maxStock or reorderQuantity (or give defaults.maxStock / defaults.reorderQuantity)',
    );
  });

  it('accepts either one of maxStock and reorderQuantity, or a default instead of both', () => {
    // Prepare
    const onlyReorderQuantity = demoWith(['apps', 0, 'fields', 'maxStock'], REMOVE);
    const onlyDefault = demoWith(['apps', 0, 'fields', 'maxStock'], REMOVE);
    const app = (onlyDefault.apps as Record<string, unknown>[])[0] as Record<string, unknown>;
    delete (app.fields as Record<string, unknown>).reorderQuantity;
    app.defaults = { maxStock: 50 };

    // Act
    const first = parseConfig(onlyReorderQuantity);
    const second = parseConfig(onlyDefault);

    // Assess
    expect(first.apps[0]?.fields.reorderQuantity).toBe('発注量');
    expect(second.apps[0]?.defaults.maxStock).toBe(50);
    expect(second.apps[0]?.defaults.packSize).toBe(1);
  });

  it('accepts an app with only a supplier code when a supplier master is configured, and not without one', () => {
    // Prepare: the rows of a site's table carry nothing but the supplier's code.
    const codeOnly = demoWith(['apps', 0, 'fields'], {
      sku: '明細_品番',
      name: '明細_品名',
      onHand: '明細_在庫数',
      reorderPoint: '明細_発注点',
      reorderQuantity: '明細_発注量',
      supplierCode: '明細_仕入先コード',
    });
    const app = (codeOnly.apps as Record<string, unknown>[])[0] as Record<string, unknown>;
    app.subtable = { field: '在庫明細' };
    const withoutMaster = structuredClone(codeOnly);
    delete withoutMaster.supplierMaster;

    // Act
    const parsed = parseConfig(codeOnly);
    const message = configErrorOf(withoutMaster);

    // Assess
    expect(parsed.apps[0]?.subtable).toEqual({ field: '在庫明細' });
    expect(message).toContain('apps[0].fields.supplierName: map supplierName');
    expect(message).toContain('apps[0].fields.supplierEmail: map supplierEmail or supplierFax');
  });

  it.each(['Mars/Olympus', 'JST+9', ''])('rejects the time zone %j', (timeZone) => {
    // Act
    const message = configErrorOf(demoWith(['timeZone'], timeZone));

    // Assess
    expect(message).toContain('timeZone: expected an IANA time zone such as "Asia/Tokyo"');
  });

  it('defaults the time zone to Asia/Tokyo when it is left out', () => {
    // Act
    const config = parseConfig(demoWith(['timeZone'], REMOVE));

    // Assess
    expect(config.timeZone).toBe('Asia/Tokyo');
  });
});

describe('parseConfig refuses a field with two roles', () => {
  const SUGGESTION = 'Use a field of its own for each role.';

  it.each<[string, readonly Key[], unknown, string]>([
    [
      'the status written into the item name',
      ['apps', 0, 'writeBack', 'status'],
      '品名',
      `apps[0].writeBack.status: 「品名」 is also fields.name; the bridge would overwrite the item name with its status. ${SUGGESTION}`,
    ],
    [
      'the reason written into the stock on hand',
      ['apps', 0, 'writeBack', 'reason'],
      '在庫数',
      `apps[0].writeBack.reason: 「在庫数」 is also fields.onHand; the bridge would overwrite the stock on hand with the reason. ${SUGGESTION}`,
    ],
    [
      'the delivery date written into the snooze date',
      ['apps', 0, 'writeBack', 'deliveryDate'],
      'スヌーズ期限',
      `apps[0].writeBack.deliveryDate: 「スヌーズ期限」 is also fields.snoozeUntil; the bridge would overwrite the snooze date with the promised delivery date. ${SUGGESTION}`,
    ],
    [
      'two write-back keys on one field',
      ['apps', 0, 'writeBack', 'reason'],
      '発注番号',
      `apps[0].writeBack.reason: 「発注番号」 is also writeBack.orderNumber; the bridge would overwrite the order number with the reason. ${SUGGESTION}`,
    ],
    [
      'the stock on hand read as the reorder point',
      ['apps', 0, 'fields', 'reorderPoint'],
      '在庫数',
      `apps[0].fields.reorderPoint: 「在庫数」 is also fields.onHand; the bridge would read the stock on hand as the reorder point. ${SUGGESTION}`,
    ],
    [
      "the supplier's email read as its fax number",
      ['apps', 0, 'fields', 'supplierFax'],
      '仕入先メール',
      `apps[0].fields.supplierFax: 「仕入先メール」 is also fields.supplierEmail; the bridge would read the supplier's email address as the supplier's fax number. ${SUGGESTION}`,
    ],
    [
      'the table of an app with subtable as a write-back field',
      ['apps', 1, 'writeBack', 'reason'],
      '在庫明細',
      "apps[1].writeBack.reason: 「在庫明細」 is the table itself (subtable.field); the bridge would overwrite the table's rows with the reason. Map writeBack.reason to a field inside the rows of 「在庫明細」.",
    ],
    [
      'the table of an app with subtable as a mapped field',
      ['apps', 1, 'fields', 'sku'],
      '在庫明細',
      'apps[1].fields.sku: 「在庫明細」 is the table itself (subtable.field), not a field of its rows; the bridge reads the item code from each row. Map fields.sku to a field inside the rows of 「在庫明細」 (or a field of the record).',
    ],
    [
      'two supplier master keys on one field',
      ['supplierMaster', 'fields', 'fax'],
      'メールアドレス',
      `supplierMaster.fields.fax: 「メールアドレス」 is also supplierMaster.fields.email; the bridge would read the email address as the fax number. ${SUGGESTION}`,
    ],
  ])('names both roles and the code for %s', (_case, keyPath, value, expected) => {
    // Act
    const message = configErrorOf(demoWith(keyPath, value));

    // Assess: the one problem, and nothing else of the otherwise valid demo configuration.
    expect(message.split('\n')).toEqual(['test.json is invalid:', expected]);
  });

  it('accepts the status field being read as well as written: staff close an order there', () => {
    // Act
    const config = parseConfig(loadDemoConfigJson());

    // Assess: mapRecord reads writeBack.status as the recorded status, by design.
    expect(config.apps[0]?.writeBack.status).toBe('発注状況');
  });

  it('accepts one field as both the item code and the item name (an app with one identifying field)', () => {
    // Act
    const config = parseConfig(demoWith(['apps', 0, 'fields', 'name'], '品番'));

    // Assess
    expect(config.apps[0]?.fields.name).toBe('品番');
  });

  it("accepts the supplier master's field codes equal to the item app's: they are another app's fields", () => {
    // Prepare: the demo maps 仕入先コード in app 12 and in the master (app 13).
    const raw = loadDemoConfigJson();

    // Act
    const config = parseConfig(raw);

    // Assess
    expect(config.apps[0]?.fields.supplierCode).toBe(config.supplierMaster?.fields.code);
  });

  it.each([
    'ordered',
    'needsAttention',
    'idle',
    'failed',
    'sending',
    'confirmed',
    'partial',
    'declined',
  ])(
    'refuses statuses.%s equal to a closed status: the bridge would close its own order',
    (key) => {
      // Act
      const message = configErrorOf(demoWith(['apps', 0, 'statuses', key], 'キャンセル'));

      // Assess
      expect(message).toContain(
        `apps[0].statuses.${key}: "キャンセル" is also one of statuses.closed; each time the bridge wrote it, it would close its own order. Give statuses.${key} a value of its own, or remove "キャンセル" from statuses.closed.`,
      );
    },
  );

  it('refuses a default status equal to a configured closed status', () => {
    // Prepare: statuses left out take their defaults; 未発注 is idle's.
    const raw = demoWith(['apps', 1, 'statuses'], { closed: ['入荷済', '未発注'] });

    // Act
    const message = configErrorOf(raw);

    // Assess
    expect(message).toContain('apps[1].statuses.idle: "未発注" is also one of statuses.closed');
  });

  it('accepts needsAttention and failed being one value (dispatch tells them apart)', () => {
    // Act
    const config = parseConfig(demoWith(['apps', 0, 'statuses', 'failed'], '要確認'));

    // Assess
    expect(config.apps[0]?.statuses.failed).toBe('要確認');
  });

  it('lists every conflict of an app at once', () => {
    // Prepare
    const raw = demoWith(['apps', 0, 'writeBack', 'status'], '品名');
    const app = (raw.apps as Array<Record<string, Record<string, unknown>>>)[0];
    if (app?.writeBack === undefined || app.statuses === undefined) throw new Error('no app 0');
    app.writeBack.orderNumber = '在庫数';
    app.statuses.ordered = '入荷済';

    // Act
    const lines = configErrorOf(raw).split('\n');

    // Assess
    expect(lines.map((line) => line.split(':')[0])).toEqual([
      'test.json is invalid',
      'apps[0].writeBack.status',
      'apps[0].writeBack.orderNumber',
      'apps[0].statuses.ordered',
    ]);
  });
});

describe('resolveSecret', () => {
  const env = {
    WEBHOOK_TOKEN_APP_12: '  k7Qm2vX9pLs4Tn8Rz1Wy6Bc3Hd5Fg0Jq  ',
    KINTONE_API_TOKEN_APP_12: 'api-token-value-never-shown',
    BLANK: '   ',
  };

  it('returns the value of the named environment variable, trimmed', () => {
    // Act
    const value = resolveSecret({ env: 'WEBHOOK_TOKEN_APP_12' }, env, 'apps[0].webhookTokens[0]');

    // Assess
    expect(value).toBe('k7Qm2vX9pLs4Tn8Rz1Wy6Bc3Hd5Fg0Jq');
  });

  it('returns a literal secret as it is', () => {
    // Prepare
    const literal = 'literal-secret-for-local-use-only';

    // Act
    const value = resolveSecret(literal, env, 'apps[0].webhookTokens[0]');

    // Assess
    expect(value).toBe(literal);
  });

  it.each(['MISSING_TOKEN', 'BLANK'])(
    'throws a ConfigError naming %s when it is unset or blank, without any value',
    (name) => {
      // Act
      const act = () => resolveSecret({ env: name }, env, 'apps[0].apiToken');

      // Assess
      expect(act).toThrow(ConfigError);
      expect(act).toThrow(`apps[0].apiToken: environment variable ${name} is not set`);
      let message = '';
      try {
        act();
      } catch (error) {
        message = (error as Error).message;
      }
      for (const value of Object.values(env)) {
        if (value.trim() !== '') expect(message).not.toContain(value.trim());
      }
    },
  );
});

describe('requireEnv', () => {
  it('returns the trimmed value, or names the missing variable', () => {
    // Act
    const value = requireEnv({ QUEUE_URL: ' https://sqs.example/q.fifo ' }, 'QUEUE_URL');
    const act = () => requireEnv({}, 'QUEUE_URL');

    // Assess
    expect(value).toBe('https://sqs.example/q.fifo');
    expect(act).toThrow(ConfigError);
    expect(act).toThrow('environment variable QUEUE_URL is required but not set');
  });
});

describe('loadConfigFromEnv', () => {
  it('loads the file named by BRIDGE_CONFIG_FILE', () => {
    // Act
    const config = loadConfigFromEnv({ BRIDGE_CONFIG_FILE: DEMO_CONFIG_PATH });

    // Assess
    expect(config).toEqual(loadConfigFile(DEMO_CONFIG_PATH));
    expect(config.apps[0]?.appId).toBe('12');
  });

  it('parses inline JSON from BRIDGE_CONFIG', () => {
    // Prepare
    const inline = readFileSync(DEMO_CONFIG_PATH, 'utf8');

    // Act
    const config = loadConfigFromEnv({ BRIDGE_CONFIG: inline });

    // Assess
    expect(config).toEqual(loadConfigFile(DEMO_CONFIG_PATH));
  });

  it('prefers BRIDGE_CONFIG_FILE when both are set', () => {
    // Act
    const config = loadConfigFromEnv({
      BRIDGE_CONFIG_FILE: DEMO_CONFIG_PATH,
      BRIDGE_CONFIG: '{ not json',
    });

    // Assess
    expect(config.apps[0]?.appId).toBe('12');
  });

  it('says BRIDGE_CONFIG is missing when neither is set', () => {
    // Act
    const act = () => loadConfigFromEnv({});

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow('environment variable BRIDGE_CONFIG is required but not set');
  });

  it('names BRIDGE_CONFIG when its JSON is broken or invalid', () => {
    // Act
    const broken = () => loadConfigFromEnv({ BRIDGE_CONFIG: '{ "company": ' });
    const invalid = () =>
      loadConfigFromEnv({ BRIDGE_CONFIG: JSON.stringify(demoWith(['apps'], [])) });

    // Assess
    expect(broken).toThrow('BRIDGE_CONFIG is not valid JSON');
    expect(invalid).toThrow('BRIDGE_CONFIG is invalid:\napps: configure at least one kintone app');
  });
});
