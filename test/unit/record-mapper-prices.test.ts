import type { AppConfig, DeliveryAddressConfig } from '../../shared/config/schema';
import { appConfigSchema } from '../../shared/config/schema';
import type { ItemSnapshot, MappedItem } from '../../shared/domain/item';
import type { KintoneRecord } from '../../shared/kintone/notification';
import {
  mapRecord,
  resolveShipTo,
  taxClassOf,
  unknownShipToProblem,
} from '../../shared/kintone/record-mapper';

const ADDRESSES: Record<string, DeliveryAddressConfig> = {
  本社倉庫: {
    name: '株式会社デモ商事 本社倉庫',
    postalCode: '135-0061',
    address: '東京都江東区豊洲1-1-1',
    phone: '03-0000-4444',
    contact: '倉庫課 鈴木',
  },
  大阪倉庫: { name: '株式会社デモ商事 大阪倉庫', address: '大阪府大阪市北区梅田1-1-1' },
};

function app(extra: Record<string, unknown> = {}, fields: Record<string, string> = {}): AppConfig {
  return appConfigSchema.parse({
    appId: '12',
    webhookTokens: [{ env: 'T' }],
    apiToken: { env: 'A' },
    fields: {
      sku: '品番',
      name: '品名',
      onHand: '在庫数',
      reorderPoint: '発注点',
      maxStock: '最大在庫',
      supplierName: '仕入先名',
      supplierEmail: '仕入先メール',
      unitPrice: '単価',
      taxRate: '軽減税率',
      shipTo: '拠点',
      ...fields,
    },
    writeBack: { status: '発注状況', orderNumber: '発注番号', reason: '発注理由' },
    ...extra,
  });
}

function record(values: Record<string, { type: string; value: unknown }> = {}): KintoneRecord {
  return {
    $id: { type: '__ID__', value: '7' },
    $revision: { type: '__REVISION__', value: '5' },
    品番: { type: 'SINGLE_LINE_TEXT', value: 'A-100' },
    品名: { type: 'SINGLE_LINE_TEXT', value: 'ボールペン 黒 0.5mm' },
    在庫数: { type: 'NUMBER', value: '18' },
    発注点: { type: 'NUMBER', value: '20' },
    最大在庫: { type: 'NUMBER', value: '100' },
    仕入先名: { type: 'SINGLE_LINE_TEXT', value: '株式会社サンプル文具' },
    仕入先メール: { type: 'LINK', value: 'order@sample.example.jp' },
    発注状況: { type: 'DROP_DOWN', value: '未発注' },
    発注番号: { type: 'SINGLE_LINE_TEXT', value: '' },
    発注理由: { type: 'MULTI_LINE_TEXT', value: '' },
    ...values,
  } as KintoneRecord;
}

function itemOf(result: MappedItem): ItemSnapshot {
  if (!result.ok) throw new Error(`expected an item, got ${result.problems.join(' / ')}`);
  return result.item;
}

function problemsOf(result: MappedItem): string[] {
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

const SHIP = { app: { default: '本社倉庫', byValue: { 大阪: '大阪倉庫' } } };
const withAddresses = { deliveryAddresses: ADDRESSES };

describe('mapRecord: unit price', () => {
  it('reads a unit price, full-width and grouped too', () => {
    expect(
      itemOf(mapRecord(record({ 単価: { type: 'NUMBER', value: '120' } }), app())).unitPrice,
    ).toBe(120);
    expect(
      itemOf(mapRecord(record({ 単価: { type: 'SINGLE_LINE_TEXT', value: '１,２８０' } }), app()))
        .unitPrice,
    ).toBe(1280);
    expect(
      itemOf(mapRecord(record({ 単価: { type: 'NUMBER', value: '0.5' } }), app())).unitPrice,
    ).toBe(0.5);
  });

  it('has no unit price when the field is empty or absent', () => {
    const empty = itemOf(mapRecord(record({ 単価: { type: 'NUMBER', value: '' } }), app()));
    expect('unitPrice' in empty).toBe(false);
    expect('unitPrice' in itemOf(mapRecord(record(), app()))).toBe(false);
  });

  it.each([
    ['abc', '「単価」が数値ではありません ("abc")'],
    ['-5', '「単価」が負の値です ("-5")'],
    ['1e300', '「単価」の値が大きすぎます ("1e300")'],
    ['20000000000000', '「単価」の値が大きすぎます ("20000000000000")'],
  ])('reports a unit price of %p on the record', (value, problem) => {
    expect(problemsOf(mapRecord(record({ 単価: { type: 'NUMBER', value } }), app()))).toEqual([
      problem,
    ]);
  });
});

describe('mapRecord: 軽減税率', () => {
  it.each([
    [{ type: 'CHECK_BOX', value: ['軽減税率'] }, 'reduced'],
    [{ type: 'CHECK_BOX', value: [] }, 'standard'],
    [{ type: 'MULTI_SELECT', value: ['食品', '８％'] }, 'reduced'],
    [{ type: 'DROP_DOWN', value: '軽減' }, 'reduced'],
    [{ type: 'DROP_DOWN', value: '10%' }, 'standard'],
    [{ type: 'DROP_DOWN', value: '' }, 'standard'],
    [{ type: 'SINGLE_LINE_TEXT', value: ' ※ ' }, 'reduced'],
  ])('reads %p as %s', (field, taxClass) => {
    expect(itemOf(mapRecord(record({ 軽減税率: field }), app())).taxClass).toBe(taxClass);
  });

  it('uses the configured labels, ignoring width and case', () => {
    const result = mapRecord(
      record({ 軽減税率: { type: 'DROP_DOWN', value: 'ＲＥＤＵＣＥＤ' } }),
      app(),
      {
        reducedLabels: ['reduced'],
      },
    );
    expect(itemOf(result).taxClass).toBe('reduced');
    expect(taxClassOf(['軽減'], ['reduced'])).toBe('standard');
  });

  it('says nothing about the rate when the record lacks the field or the app maps none', () => {
    expect('taxClass' in itemOf(mapRecord(record(), app()))).toBe(false);
  });
});

describe('mapRecord: ship-to', () => {
  it('maps the site value through shipTo.byValue', () => {
    const item = itemOf(
      mapRecord(
        record({ 拠点: { type: 'DROP_DOWN', value: '大阪' } }),
        app({ shipTo: SHIP.app }),
        withAddresses,
      ),
    );
    expect(item.shipTo).toEqual({
      id: '大阪倉庫',
      name: '株式会社デモ商事 大阪倉庫',
      address: '大阪府大阪市北区梅田1-1-1',
    });
  });

  it('takes the default for an empty site, and for a site value with no mapping', () => {
    for (const value of ['', '名古屋']) {
      const item = itemOf(
        mapRecord(
          record({ 拠点: { type: 'SINGLE_LINE_TEXT', value } }),
          app({ shipTo: SHIP.app }),
          withAddresses,
        ),
      );
      expect(item.shipTo).toEqual({ id: '本社倉庫', ...ADDRESSES['本社倉庫'] });
    }
  });

  it('accepts a site value that names a delivery address itself', () => {
    const item = itemOf(
      mapRecord(
        record({ 拠点: { type: 'SINGLE_LINE_TEXT', value: '大阪倉庫' } }),
        app({ shipTo: { byValue: {} } }),
        withAddresses,
      ),
    );
    expect(item.shipTo?.id).toBe('大阪倉庫');
  });

  it('puts an unknown site without a default on the record (要確認, not an order to nowhere)', () => {
    const result = mapRecord(
      record({ 拠点: { type: 'SINGLE_LINE_TEXT', value: '福岡倉庫' } }),
      app({ shipTo: { byValue: { 大阪: '大阪倉庫' } } }),
      withAddresses,
    );
    expect(problemsOf(result)).toEqual(['納品先 "福岡倉庫" が設定にありません']);
    expect(unknownShipToProblem('X')).toBe('納品先 "X" が設定にありません');
  });

  it('has no ship-to when the app configures none, or the caller passes no addresses', () => {
    expect('shipTo' in itemOf(mapRecord(record(), app(), withAddresses))).toBe(false);
    expect('shipTo' in itemOf(mapRecord(record(), app({ shipTo: SHIP.app })))).toBe(false);
  });

  it('reports a configured name missing from the addresses given', () => {
    expect(resolveShipTo('', { shipTo: { default: '本社倉庫', byValue: {} } }, {})).toEqual({
      kind: 'unknown',
      name: '本社倉庫',
    });
  });

  it('does not take Object.prototype names for sites or addresses', () => {
    expect(resolveShipTo('constructor', { shipTo: { byValue: {} } }, ADDRESSES)).toEqual({
      kind: 'unknown',
      name: 'constructor',
    });
  });
});
