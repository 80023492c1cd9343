import type { LocalAppDefinition, LocalFieldDefinition } from './app-definition';
import { DEMO_SUPPLIERS, present, systemFields, type DemoSupplier } from './demo-suppliers';

/** Choices of 発注状況, the field the bridge writes its order progress into. */
export const ORDER_STATUS_OPTIONS = [
  '未発注',
  '発注依頼済',
  '入荷済',
  'キャンセル',
  '要確認',
  '要対応',
  '送信待ち',
  '待機中',
  '受注確認済',
  '一部受注',
  '辞退',
  '納期遅延',
  '一部入荷',
  '承認待ち',
];

/**
 * Choices of 軽減税率: whether an item is taxed at the reduced rate (food and drink). The
 * configuration's `tax.reducedLabels` holds 軽減税率; 対象外 is the standard rate.
 */
export const REDUCED_RATE_OPTIONS = ['対象外', '軽減税率'];

/** Choices of 発注方法: how the supplier takes orders (empty: email, else fax). */
export const ORDER_CHANNEL_OPTIONS = ['メール', 'FAX', 'メールとFAX'];

const text = (label: string, extra: Partial<LocalFieldDefinition> = {}): LocalFieldDefinition => ({
  type: 'SINGLE_LINE_TEXT',
  label,
  ...extra,
});
const number = (label: string): LocalFieldDefinition => ({ type: 'NUMBER', label });

/** The supplier fields of an inventory record, as a lookup on 仕入先コード copies them. */
const copiedFrom = (supplier: DemoSupplier): Record<string, string> =>
  present({
    仕入先コード: supplier.code,
    仕入先名: supplier.name,
    仕入先メール: supplier.email,
    仕入先FAX: supplier.fax,
    発注方法: supplier.channel,
  });

/**
 * The inventory app of the webhook fixtures (app 12, 在庫管理) with the same field codes
 * and types, plus the fields the bridge reads or writes beyond them (発注理由, スヌーズ期限,
 * 発注残, 引当数, 発注量, 発注方法, 納品予定日). Seeded with six items covering the reorder
 * policies: order-up-to (最大在庫), fixed quantity (発注量, B-200 has no 最大在庫), pack size 1, a
 * supplier shared by three items (S-001: A-100, D-400, F-600) and a supplier reached by fax only
 * (E-500).
 *
 * @example
 * ```ts
 * const kintone = await startLocalKintone({
 *   apps: [demoInventoryApp],
 *   apiTokens: { [demoInventoryApp.appId]: ['local-token'] },
 * });
 * ```
 */
export const demoInventoryApp: LocalAppDefinition<Record<string, string>> = {
  appId: '12',
  name: '在庫管理',
  // The fixtures' title reads "A-100 ボールペン 黒 0.5mm": item code, then name.
  recordTitle: '{品番} {品名}',
  listFields: [
    '品番',
    '品名',
    '在庫数',
    '発注点',
    '発注状況',
    '発注番号',
    '納品予定日',
    '仕入先名',
  ],
  fields: {
    ...systemFields(),
    品番: text('品番', { required: true, unique: true }),
    品名: text('品名', { required: true }),
    単位: text('単位'),
    在庫数: number('在庫数'),
    発注点: number('発注点'),
    最大在庫: number('最大在庫'),
    発注量: number('発注量'),
    入数: number('入数'),
    最小発注数: number('最小発注数'),
    リードタイム日数: number('リードタイム日数'),
    // Yen per unit: orders show each line's amount, the tax per rate and the total.
    単価: number('単価'),
    軽減税率: {
      type: 'DROP_DOWN',
      label: '軽減税率',
      options: REDUCED_RATE_OPTIONS,
      defaultValue: '対象外',
    },
    仕入先コード: text('仕入先コード'),
    仕入先名: text('仕入先名'),
    仕入先メール: { type: 'LINK', label: '仕入先メール' },
    仕入先FAX: text('仕入先FAX'),
    発注状況: {
      type: 'DROP_DOWN',
      label: '発注状況',
      options: ORDER_STATUS_OPTIONS,
      defaultValue: '未発注',
    },
    発注方法: { type: 'DROP_DOWN', label: '発注方法', options: ORDER_CHANNEL_OPTIONS },
    発注番号: text('発注番号'),
    発注日時: { type: 'DATETIME', label: '発注日時' },
    発注理由: { type: 'MULTI_LINE_TEXT', label: '発注理由' },
    スヌーズ期限: { type: 'DATE', label: 'スヌーズ期限' },
    // The delivery date the supplier promised on the order page.
    納品予定日: { type: 'DATE', label: '納品予定日' },
    発注残: number('発注残'),
    // What staff received of the open order (follow-up's fields.receivedQuantity, optional).
    入荷数: number('入荷数'),
    引当数: number('引当数'),
    // What the learning suggests (issue 14, config learning.fields): staff read them, and
    // decide whether to take them over into 発注点 and 最大在庫.
    推奨発注点: number('推奨発注点'),
    推奨最大在庫: number('推奨最大在庫'),
    推定リードタイム: number('推定リードタイム'),
    推奨理由: text('推奨理由'),
    // Process management as in the fixtures; the local kintone has no status actions, so
    // every record stays in the first state.
    ステータス: { type: 'STATUS', label: 'ステータス', options: ['在庫あり', '入荷済'] },
    作業者: { type: 'STATUS_ASSIGNEE', label: '作業者' },
    カテゴリー: { type: 'CATEGORY', label: 'カテゴリー' },
  },
  seed: [
    {
      品番: 'A-100',
      品名: 'ボールペン 黒 0.5mm',
      単位: '本',
      単価: '120',
      在庫数: '50',
      発注点: '20',
      最大在庫: '100',
      入数: '12',
      最小発注数: '24',
      リードタイム日数: '3',
      ...copiedFrom(DEMO_SUPPLIERS['S-001']),
      発注状況: '未発注',
    },
    {
      品番: 'B-200',
      品名: 'コピー用紙 A4 500枚',
      単位: '冊',
      単価: '398',
      在庫数: '40',
      発注点: '10',
      最大在庫: '',
      発注量: '20',
      入数: '5',
      ...copiedFrom(DEMO_SUPPLIERS['S-002']),
      発注状況: '未発注',
    },
    {
      品番: 'C-300',
      品名: 'トナー TN-29J',
      単位: '個',
      単価: '8980',
      在庫数: '6',
      発注点: '2',
      最大在庫: '8',
      入数: '1',
      ...copiedFrom(DEMO_SUPPLIERS['S-003']),
      発注状況: '未発注',
    },
    {
      品番: 'D-400',
      品名: '付箋 75mm 黄',
      単位: '冊',
      単価: '88',
      在庫数: '30',
      発注点: '10',
      最大在庫: '60',
      入数: '10',
      ...copiedFrom(DEMO_SUPPLIERS['S-001']),
      発注状況: '未発注',
    },
    {
      // A supplier that takes orders by fax only: the order form goes out as a PDF fax.
      品番: 'E-500',
      品名: '段ボール箱 60サイズ',
      単位: '枚',
      単価: '95',
      在庫数: '80',
      発注点: '30',
      最大在庫: '200',
      入数: '20',
      ...copiedFrom(DEMO_SUPPLIERS['S-004']),
      発注状況: '未発注',
    },
    {
      // A third item of S-001 (with A-100 and D-400): `npm run demo -- gather` drops all three,
      // so an app with a gathering window sends them as one order of three lines.
      品番: 'F-600',
      品名: 'ゼムクリップ 大 100本入',
      単位: '箱',
      単価: '220',
      在庫数: '25',
      発注点: '10',
      最大在庫: '40',
      入数: '5',
      ...copiedFrom(DEMO_SUPPLIERS['S-001']),
      発注状況: '未発注',
    },
  ],
};
