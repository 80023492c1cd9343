import type { LocalAppDefinition, LocalFieldDefinition } from './app-definition';
import { ORDER_STATUS_OPTIONS, REDUCED_RATE_OPTIONS } from './demo-app';
import { systemFields } from './demo-suppliers';

const text = (label: string): LocalFieldDefinition => ({ type: 'SINGLE_LINE_TEXT', label });
const number = (label: string): LocalFieldDefinition => ({ type: 'NUMBER', label });

/**
 * The site inventory app of the subtable webhook fixture (app 15, 拠点在庫): one record per
 * site, one row of the table 在庫明細 per item, with the fixture's field codes. Each row also
 * has the fields the bridge writes back per item (明細_発注状況 to 明細_納品予定日), as the
 * configuration's `subtable` option maps them, and a unit price and 軽減税率 per row. The site
 * field 拠点 is the ship-to: config/demo.json maps 大阪倉庫 to its own delivery address. Seeded
 * with one site, 大阪倉庫, whose three items are all above their reorder points, so starting
 * the demo orders nothing.
 *
 * @example
 * ```ts
 * const kintone = await startLocalKintone({
 *   apps: [siteInventoryApp],
 *   apiTokens: { [siteInventoryApp.appId]: ['local-token'] },
 * });
 * ```
 */
export const siteInventoryApp: LocalAppDefinition = {
  appId: '15',
  name: '拠点在庫',
  recordTitle: '{拠点}',
  listFields: ['拠点', '在庫明細', '更新日時'],
  fields: {
    ...systemFields(),
    拠点: { type: 'SINGLE_LINE_TEXT', label: '拠点', required: true },
    在庫明細: {
      type: 'SUBTABLE',
      label: '在庫明細',
      fields: {
        明細_品番: text('品番'),
        明細_品名: text('品名'),
        明細_在庫数: number('在庫数'),
        明細_発注点: number('発注点'),
        明細_発注量: number('発注量'),
        明細_単価: number('単価'),
        明細_軽減税率: {
          type: 'DROP_DOWN',
          label: '軽減税率',
          options: REDUCED_RATE_OPTIONS,
          defaultValue: '対象外',
        },
        明細_仕入先コード: text('仕入先コード'),
        明細_発注状況: {
          type: 'DROP_DOWN',
          label: '発注状況',
          options: ORDER_STATUS_OPTIONS,
          defaultValue: '未発注',
        },
        明細_発注番号: text('発注番号'),
        明細_発注日時: { type: 'DATETIME', label: '発注日時' },
        明細_発注理由: { type: 'MULTI_LINE_TEXT', label: '発注理由' },
        明細_納品予定日: { type: 'DATE', label: '納品予定日' },
      },
    },
  },
  seed: [
    {
      拠点: '大阪倉庫',
      在庫明細: [
        {
          明細_品番: 'B-200',
          明細_品名: 'コピー用紙 A4 500枚',
          明細_在庫数: '30',
          明細_発注点: '10',
          明細_発注量: '20',
          明細_単価: '398',
          明細_仕入先コード: 'S-002',
          明細_発注状況: '未発注',
        },
        {
          明細_品番: 'B-201',
          明細_品名: 'トナー TN-29J',
          明細_在庫数: '5',
          明細_発注点: '2',
          明細_発注量: '3',
          明細_単価: '8980',
          明細_仕入先コード: 'S-002',
          明細_発注状況: '未発注',
        },
        {
          明細_品番: 'B-202',
          明細_品名: '付箋 75mm 黄',
          明細_在庫数: '40',
          明細_発注点: '10',
          明細_発注量: '50',
          明細_単価: '88',
          明細_仕入先コード: 'S-003',
          明細_発注状況: '未発注',
        },
      ],
    },
  ],
};
