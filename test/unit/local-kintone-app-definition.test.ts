import {
  assertValidAppDefinition,
  type LocalAppDefinition,
  type LocalFieldDefinition,
} from '../../local/kintone/app-definition';
import { demoInventoryApp } from '../../local/kintone/demo-app';
import { siteInventoryApp } from '../../local/kintone/site-inventory-app';
import { supplierMasterApp } from '../../local/kintone/supplier-master-app';

/** A small app with one table, valid as it stands; each test breaks one thing. */
function appWithTable(overrides: Partial<LocalAppDefinition> = {}): LocalAppDefinition {
  return {
    appId: '77',
    name: '棚卸',
    recordTitle: '{拠点}',
    fields: {
      拠点: { type: 'SINGLE_LINE_TEXT', label: '拠点' },
      明細: {
        type: 'SUBTABLE',
        label: '明細',
        fields: {
          品番: { type: 'SINGLE_LINE_TEXT', label: '品番' },
          数量: { type: 'NUMBER', label: '数量' },
        },
      },
    },
    seed: [{ 拠点: '本社', 明細: [{ 品番: 'A', 数量: '1' }] }],
    ...overrides,
  };
}

function withRowField(code: string, field: LocalFieldDefinition): LocalAppDefinition {
  const app = appWithTable();
  const table = app.fields['明細'];
  if (table?.type !== 'SUBTABLE') throw new Error('the test app has a table 明細');
  return {
    ...app,
    fields: { ...app.fields, 明細: { ...table, fields: { ...table.fields, [code]: field } } },
  };
}

function problemOf(app: LocalAppDefinition): string {
  try {
    assertValidAppDefinition(app);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the definition to be refused');
}

describe('assertValidAppDefinition', () => {
  it('accepts the demo apps, the site inventory app with its table among them', () => {
    // Act and assess
    for (const app of [demoInventoryApp, supplierMasterApp, siteInventoryApp, appWithTable()]) {
      expect(() => assertValidAppDefinition(app)).not.toThrow();
    }
  });

  it('refuses field codes used twice across the app, as kintone does', () => {
    // Prepare
    const clashWithApp = withRowField('拠点', { type: 'SINGLE_LINE_TEXT', label: '拠点' });
    const base = appWithTable();
    const clashWithTable = {
      ...base,
      fields: {
        ...base.fields,
        明細2: {
          type: 'SUBTABLE' as const,
          label: '明細2',
          fields: { 品番: { type: 'SINGLE_LINE_TEXT' as const, label: '品番' } },
        },
      },
    };

    // Act and assess
    expect(problemOf(clashWithApp)).toContain(
      'field "拠点" of table "明細" has the code of a field of the app',
    );
    expect(problemOf(clashWithTable)).toContain(
      'field "品番" of table "明細2" has the code of a field of table "明細"',
    );
  });

  it('allows only writable, non-unique fields with their options inside a table', () => {
    // Act
    const problems = [
      problemOf(withRowField('作成者', { type: 'CREATOR', label: '作成者' })),
      problemOf(
        withRowField('コード', { type: 'SINGLE_LINE_TEXT', label: 'コード', unique: true }),
      ),
      problemOf(withRowField('状況', { type: 'DROP_DOWN', label: '状況' })),
      problemOf(
        withRowField('区分', {
          type: 'RADIO_BUTTON',
          label: '区分',
          options: ['A', 'B'],
          defaultValue: 'C',
        }),
      ),
      problemOf(
        appWithTable({ fields: { 明細: { type: 'SUBTABLE', label: '明細', fields: {} } } }),
      ),
    ];

    // Assess
    expect(problems).toEqual([
      expect.stringContaining(
        'field "作成者" of table "明細" is CREATOR: a table holds only writable field types',
      ),
      expect.stringContaining('field "コード" of table "明細" cannot be unique'),
      expect.stringContaining('field "明細.状況" (DROP_DOWN) needs options'),
      expect.stringContaining('field "明細.区分" defaultValue "C" is not an option'),
      expect.stringContaining('table "明細" needs at least one field'),
    ]);
  });

  it('checks seed rows against the table fields', () => {
    // Act
    const problems = [
      problemOf(appWithTable({ seed: [{ 明細: [{ 品番: 'A', 在庫: '1' }] }] })),
      problemOf(appWithTable({ seed: [{ 明細: 'A' }] })),
      problemOf(appWithTable({ seed: [{ 拠点: [{ 品番: 'A' }] }] })),
    ];

    // Assess
    expect(problems).toEqual([
      expect.stringContaining('seed[0].明細[0] sets unknown field "在庫"'),
      expect.stringContaining('seed[0] sets table "明細" to a string, not a list of rows'),
      expect.stringContaining('seed[0] sets field "拠点" to a list, but it is not a table'),
    ]);
  });

  it('refuses a record title made of a table or a field inside one', () => {
    // Act
    const problems = [
      problemOf(appWithTable({ recordTitle: '{明細}' })),
      problemOf(appWithTable({ recordTitle: undefined, recordTitleField: '品番' })),
    ];

    // Assess
    expect(problems).toEqual([
      expect.stringContaining('recordTitle refers to "明細", which is a table'),
      expect.stringContaining('recordTitleField "品番" is inside table "明細"'),
    ]);
  });

  it("refuses list fields (the staff view's columns) that are not fields of the app", () => {
    expect(problemOf(appWithTable({ listFields: ['拠点', '明細', '在庫'] }))).toContain(
      'listFields names "在庫", which is not a field',
    );
    expect(() =>
      assertValidAppDefinition(appWithTable({ listFields: ['拠点', '明細'] })),
    ).not.toThrow();
  });
});
