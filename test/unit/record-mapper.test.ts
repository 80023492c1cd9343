import fc from 'fast-check';
import { findApp, loadConfigFile } from '../../shared/config/load-config';
import type { AppConfig } from '../../shared/config/schema';
import type { ItemSnapshot, MappedItem } from '../../shared/domain/item';
import { recordNotificationSchema, type KintoneRecord } from '../../shared/kintone/notification';
import {
  absentFieldProblem,
  isPlausibleEmail,
  mapRecord,
  parseQuantity,
  referencedFieldCodes,
} from '../../shared/kintone/record-mapper';
import { DEMO_CONFIG_PATH, loadWebhookFixture } from '../fixtures/kintone-webhooks';

function demoApp(): AppConfig {
  const app = findApp(loadConfigFile(DEMO_CONFIG_PATH), '12');
  if (app === undefined) throw new Error('config/demo.json has no app 12');
  return app;
}

/** The record of update-record-low.json (在庫数 18), with some fields replaced or removed. */
function lowRecord(changes: Record<string, string | unknown[] | null> = {}): KintoneRecord {
  const { record } = recordNotificationSchema.parse(loadWebhookFixture('update-record-low.json'));
  for (const [code, value] of Object.entries(changes)) {
    if (value === null) delete record[code];
    else record[code] = { type: record[code]?.type ?? 'SINGLE_LINE_TEXT', value };
  }
  return record;
}

function problemsOf(result: MappedItem): string[] {
  if (result.ok) throw new Error('expected the record to be rejected');
  return result.problems;
}

function itemOf(result: MappedItem): ItemSnapshot {
  if (!result.ok) throw new Error(`expected an item, got ${result.problems.join(' / ')}`);
  return result.item;
}

const EMPTY_RECORDED = { status: '未発注', orderNumber: '', orderedAt: '', reason: '' };

describe('mapRecord', () => {
  it('maps update-record-low.json through the demo configuration', () => {
    // Prepare
    const app = demoApp();
    const record = lowRecord();

    // Act
    const result = mapRecord(record, app);

    // Assess: toStrictEqual also proves that absent optional fields are not set at all.
    expect(result).toStrictEqual({
      ok: true,
      item: {
        appId: '12',
        recordId: '7',
        revision: 5,
        sku: 'A-100',
        name: 'ボールペン 黒 0.5mm',
        unit: '本',
        onHand: 18,
        reorderPoint: 20,
        maxStock: 100,
        packSize: 12,
        minimumOrder: 24,
        leadTimeDays: 3,
        supplier: {
          code: 'S-001',
          name: '株式会社サンプル文具',
          email: 'order@sample-bungu.example.jp',
          fax: '03-1234-5678',
        },
        recorded: EMPTY_RECORDED,
      },
    });
  });

  it('leaves fields the record lacks (発注残, 引当数, 発注量, スヌーズ期限) undefined', () => {
    // Act
    const item = itemOf(mapRecord(lowRecord(), demoApp()));

    // Assess
    expect(item.onOrder).toBeUndefined();
    expect(item.reserved).toBeUndefined();
    expect(item.reorderQuantity).toBeUndefined();
    expect(item.snoozeUntil).toBeUndefined();
    for (const key of ['onOrder', 'reserved', 'reorderQuantity', 'snoozeUntil']) {
      expect(Object.keys(item)).not.toContain(key);
    }
  });

  it('reads the write-back fields a previous order left on the record', () => {
    // Act
    const item = itemOf(
      mapRecord(
        recordNotificationSchema.parse(loadWebhookFixture('update-record-recovered.json')).record,
        demoApp(),
      ),
    );

    // Assess
    expect(item.onHand).toBe(102);
    expect(item.recorded).toEqual({
      status: '入荷済',
      orderNumber: 'PO-20261128-0001',
      orderedAt: '2026-11-28T02:15:04Z',
      reason: '',
    });
  });

  it('maps the optional fields when the record has them', () => {
    // Prepare
    const record = lowRecord({ 発注残: '24', 引当数: '5', スヌーズ期限: '2026-12-10' });

    // Act
    const item = itemOf(mapRecord(record, demoApp()));

    // Assess
    expect(item.onOrder).toBe(24);
    expect(item.reserved).toBe(5);
    expect(item.snoozeUntil).toBe('2026-12-10');
  });

  it('falls back to the defaults when optional fields are empty', () => {
    // Prepare
    const record = lowRecord({ 入数: '', 最小発注数: '', リードタイム日数: '', 単位: '' });

    // Act
    const item = itemOf(mapRecord(record, demoApp()));

    // Assess
    expect(item.packSize).toBe(1);
    expect(item.minimumOrder).toBe(0);
    expect(item.leadTimeDays).toBe(0);
    expect(item.unit).toBe('個');
  });

  it('uses the SKU as the name when the name is empty', () => {
    // Act
    const item = itemOf(mapRecord(lowRecord({ 品名: '' }), demoApp()));

    // Assess
    expect(item.name).toBe('A-100');
  });

  it('reports an empty 在庫数 in Japanese, with what it already knows of the record', () => {
    // Act
    const result = mapRecord(lowRecord({ 在庫数: '' }), demoApp());

    // Assess
    expect(result).toStrictEqual({
      ok: false,
      appId: '12',
      recordId: '7',
      revision: 5,
      problems: ['「在庫数」が空です'],
      recorded: EMPTY_RECORDED,
    });
  });

  it.each([
    ['blank', '   '],
    ['a multi-value field', []],
  ])('reports 在庫数 as empty when it is %s', (_case, value) => {
    // Act
    const problems = problemsOf(mapRecord(lowRecord({ 在庫数: value }), demoApp()));

    // Assess
    expect(problems).toEqual(['「在庫数」が空です']);
  });

  it('says the notification has no such field, pointing to the doctor, when a required field is absent', () => {
    // Prepare: a mistyped code (在庫 for 在庫数) finds no field in the notification at all.
    const base = demoApp();
    const app: AppConfig = { ...base, fields: { ...base.fields, onHand: '在庫' } };

    // Act
    const problems = problemsOf(mapRecord(lowRecord(), app));

    // Assess
    expect(problems).toEqual([
      '通知にフィールド「在庫」がありません。設定のフィールドコードを確認してください (npm run doctor)',
    ]);
  });

  it.each([
    ['品番', '品番'],
    ['発注点', '発注点'],
    ['仕入先名', '仕入先名'],
  ])('reports the required field %s as absent when the notification lacks it', (code, named) => {
    // Act
    const problems = problemsOf(mapRecord(lowRecord({ [code]: null }), demoApp()));

    // Assess
    expect(problems).toEqual([absentFieldProblem(named)]);
  });

  it('falls back to the default, without a problem, when an optional field is absent', () => {
    // Act
    const item = itemOf(mapRecord(lowRecord({ 入数: null, 単位: null }), demoApp()));

    // Assess
    expect(item.packSize).toBe(1);
    expect(item.unit).toBe('個');
  });

  it('takes the default supplier name, without a problem, when the supplier name field is absent', () => {
    // Prepare
    const base = demoApp();
    const app: AppConfig = { ...base, defaults: { ...base.defaults, supplierName: '既定仕入先' } };

    // Act
    const item = itemOf(mapRecord(lowRecord({ 仕入先名: null }), app));

    // Assess
    expect(item.supplier.name).toBe('既定仕入先');
  });

  it.each([
    ['1000000000000000000000000000000'],
    ['1e30'],
    ['-9007199254740992'],
    ['9'.repeat(400)],
  ])('reports the quantity %j as too large instead of mapping it', (raw) => {
    // Act
    const problems = problemsOf(mapRecord(lowRecord({ 在庫数: raw }), demoApp()));

    // Assess: 要確認 with the reason, rather than a number DynamoDB refuses to store.
    expect(problems).toEqual([`「在庫数」の値が大きすぎます ("${raw}")`]);
  });

  it('reports an optional quantity that is too large instead of using its default', () => {
    // Act
    const problems = problemsOf(
      mapRecord(lowRecord({ 最大在庫: '99999999999999999999' }), demoApp()),
    );

    // Assess
    expect(problems).toEqual(['「最大在庫」の値が大きすぎます ("99999999999999999999")']);
  });

  it('reports a quantity kintone sent as a JSON number past the safe range', () => {
    // Prepare
    const record = lowRecord();
    record['在庫数'] = { type: 'NUMBER', value: 1e30 };

    // Act
    const problems = problemsOf(mapRecord(record, demoApp()));

    // Assess
    expect(problems).toEqual(['「在庫数」の値が大きすぎます ("1e+30")']);
  });

  it('maps the largest safe quantity as it is', () => {
    // Act
    const item = itemOf(mapRecord(lowRecord({ 在庫数: '9007199254740991' }), demoApp()));

    // Assess
    expect(item.onHand).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('reports a 在庫数 that is not a number, quoting it', () => {
    // Act
    const problems = problemsOf(mapRecord(lowRecord({ 在庫数: 'abc' }), demoApp()));

    // Assess
    expect(problems).toEqual(['「在庫数」が数値ではありません ("abc")']);
  });

  it.each([
    ['１８', 18],
    ['1,200', 1200],
    ['１，２００', 1200],
    [' 18 ', 18],
    ['1.5', 1.5],
    ['-3', -3],
    ['−3', -3],
    ['0', 0],
  ])('reads 在庫数 %j as %d', (raw, expected) => {
    // Act
    const item = itemOf(mapRecord(lowRecord({ 在庫数: raw }), demoApp()));

    // Assess
    expect(item.onHand).toBe(expected);
  });

  it.each(['18個', '0x12', '1.2.3', '--1', 'Infinity', 'NaN', '1e', 'e3'])(
    'rejects the quantity %j',
    (raw) => {
      // Act
      const reading = parseQuantity(raw);

      // Assess
      expect(reading).toEqual({ kind: 'invalid', raw });
    },
  );

  it.each([
    ['1e3', 1000],
    ['1.5E+2', 150],
  ])('reads the exponent notation %j as %d', (raw, expected) => {
    // Act
    const reading = parseQuantity(raw);

    // Assess
    expect(reading).toEqual({ kind: 'number', value: expected });
  });

  it('reports an optional quantity that is not a number instead of using its default', () => {
    // Act
    const problems = problemsOf(mapRecord(lowRecord({ 入数: 'ダース' }), demoApp()));

    // Assess
    expect(problems).toEqual(['「入数」が数値ではありません ("ダース")']);
  });

  it.each([
    'order at sample-bungu.example.jp',
    'order@',
    'a@b',
    'a@b.jp, c@d.jp',
    'a@b.jp\nBcc: x',
  ])('reports the supplier email %j as not an email address', (email) => {
    // Act
    const problems = problemsOf(mapRecord(lowRecord({ 仕入先メール: email }), demoApp()));

    // Assess
    expect(problems).toEqual([
      `「仕入先メール」がメールアドレスではありません ("${email.trim()}")`,
    ]);
  });

  it('reports an empty SKU and supplier name, but not an empty email (fax may reach the supplier)', () => {
    // Act
    const problems = problemsOf(
      mapRecord(lowRecord({ 仕入先メール: '', 品番: '', 仕入先名: '' }), demoApp()),
    );

    // Assess
    expect(problems).toEqual(['「品番」が空です', '「仕入先名」が空です']);
  });

  it('reports a snooze date that is not YYYY-MM-DD', () => {
    // Act
    const problems = problemsOf(mapRecord(lowRecord({ スヌーズ期限: '12/10' }), demoApp()));

    // Assess
    expect(problems).toEqual(['「スヌーズ期限」が日付ではありません ("12/10")']);
  });

  it('reports every problem of the record together, in field order', () => {
    // Prepare
    const record = lowRecord({
      在庫数: '',
      発注点: 'abc',
      最大在庫: '多め',
      仕入先メール: 'not-an-email',
    });

    // Act
    const problems = problemsOf(mapRecord(record, demoApp()));

    // Assess
    expect(problems).toEqual([
      '「在庫数」が空です',
      '「発注点」が数値ではありません ("abc")',
      '「最大在庫」が数値ではありません ("多め")',
      '「仕入先メール」がメールアドレスではありません ("not-an-email")',
    ]);
  });

  it('uses configured supplier defaults when the app maps no supplier fields', () => {
    // Prepare
    const base = demoApp();
    const app: AppConfig = {
      ...base,
      fields: { ...base.fields, supplierName: undefined, supplierEmail: undefined },
      defaults: {
        ...base.defaults,
        supplierName: '既定仕入先',
        supplierEmail: 'po@default.example',
      },
    };

    // Act
    const item = itemOf(mapRecord(lowRecord(), app));

    // Assess
    expect(item.supplier).toEqual({
      code: 'S-001',
      name: '既定仕入先',
      email: 'po@default.example',
      fax: '03-1234-5678',
    });
  });

  it('never throws, whatever text any mapped field holds', () => {
    // Prepare
    const app = demoApp();
    const codes = referencedFieldCodes(app).filter((code) => !code.startsWith('$'));
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('', ' ', '１８', '1,200', '−', '.', '1e999', '9'.repeat(400), 'NaN'),
    );
    const values = fc.dictionary(fc.constantFrom(...codes), text);

    fc.assert(
      fc.property(values, (changes) => {
        // Act
        const result = mapRecord(lowRecord(changes), app);

        // Assess: a rejected record always says why; an accepted one keeps its identity.
        if (result.ok) {
          expect(result.item.recordId).toBe('7');
          expect(result.item.revision).toBe(5);
        } else {
          expect(result.problems.length).toBeGreaterThan(0);
          for (const problem of result.problems) expect(problem).not.toBe('');
        }
      }),
    );
  });
});

describe('referencedFieldCodes', () => {
  it('lists $id, $revision and every mapped and write-back field code once', () => {
    // Act
    const codes = referencedFieldCodes(demoApp());

    // Assess
    expect([...codes].sort()).toEqual(
      [
        '$id',
        '$revision',
        '品番',
        '品名',
        '単位',
        '在庫数',
        '発注点',
        '最大在庫',
        '発注量',
        '入数',
        '最小発注数',
        '発注残',
        '引当数',
        'リードタイム日数',
        'スヌーズ期限',
        '仕入先コード',
        '仕入先名',
        '仕入先メール',
        '仕入先FAX',
        '発注方法',
        '単価',
        '軽減税率',
        '発注状況',
        '発注番号',
        '発注日時',
        '発注理由',
        '納品予定日',
      ].sort(),
    );
  });
});

describe('isPlausibleEmail', () => {
  it.each([
    ['order@sample-bungu.example.jp', true],
    ['a.b+c@example.co.jp', true],
    ['order@localhost', false],
    ['<order@example.jp>', false],
    ['order@example.jp\r\n', false],
  ])('judges %j as %s', (value, expected) => {
    // Act
    const plausible = isPlausibleEmail(value);

    // Assess
    expect(plausible).toBe(expected);
  });
});
