import type { LocalAppDefinition, LocalFieldDefinition } from './app-definition';
import { systemFields } from './demo-suppliers';

/**
 * The demo order app (発注管理, app 16): one record per purchase order, written by the bridge
 * (config `orderApp`), with a table of its lines and process management for approval:
 * 承認待ち (a new record's status) → 承認 → 承認済, or → 差し戻し / 却下 → the status of the
 * same name. The bridge learns of an action from the UPDATE_STATUS webhook.
 */

/** The process management of the order app: each action, the status it applies to and leads to. */
export const ORDER_APP_ACTIONS = [
  { name: '承認', from: '承認待ち', to: '承認済' },
  { name: '差し戻し', from: '承認待ち', to: '差し戻し' },
  { name: '却下', from: '承認待ち', to: '却下' },
] as const;

const text = (label: string, extra: Partial<LocalFieldDefinition> = {}): LocalFieldDefinition => ({
  type: 'SINGLE_LINE_TEXT',
  label,
  ...extra,
});
const number = (label: string): LocalFieldDefinition => ({ type: 'NUMBER', label });

export const orderApp: LocalAppDefinition = {
  appId: '16',
  name: '発注管理',
  recordTitle: '{発注番号} {仕入先}',
  listFields: ['発注番号', '仕入先', '納品先', '合計', '発注状況', 'ステータス', '発注日'],
  fields: {
    ...systemFields(),
    ステータス: {
      type: 'STATUS',
      label: 'ステータス',
      options: ['承認待ち', '承認済', '差し戻し', '却下'],
    },
    発注番号: text('発注番号', { unique: true }),
    仕入先: text('仕入先'),
    納品先: text('納品先'),
    明細: {
      type: 'SUBTABLE',
      label: '明細',
      fields: {
        明細_品番: text('品番'),
        明細_品名: text('品名'),
        明細_数量: number('数量'),
        明細_単位: text('単位'),
        明細_単価: number('単価'),
        明細_金額: number('金額'),
      },
    },
    小計: number('小計'),
    消費税: number('消費税'),
    合計: number('合計'),
    発注状況: text('発注状況'),
    送信先: text('送信先'),
    仕入先回答: { type: 'MULTI_LINE_TEXT', label: '仕入先回答' },
    発注日: { type: 'DATE', label: '発注日' },
    送信日時: { type: 'DATETIME', label: '送信日時' },
    回答日時: { type: 'DATETIME', label: '回答日時' },
    備考: { type: 'MULTI_LINE_TEXT', label: '備考' },
    差し戻し理由: { type: 'MULTI_LINE_TEXT', label: '差し戻し理由' },
  },
  process: { actions: ORDER_APP_ACTIONS.map((action) => ({ ...action })) },
};

/** The `orderApp` configuration that fits {@link orderApp}. */
export const ORDER_APP_FIELDS = {
  orderNumber: '発注番号',
  supplier: '仕入先',
  shipTo: '納品先',
  lines: '明細',
  lineSku: '明細_品番',
  lineName: '明細_品名',
  lineQuantity: '明細_数量',
  lineUnit: '明細_単位',
  lineUnitPrice: '明細_単価',
  lineAmount: '明細_金額',
  subtotal: '小計',
  tax: '消費税',
  total: '合計',
  status: '発注状況',
  channels: '送信先',
  answer: '仕入先回答',
  orderDate: '発注日',
  sentAt: '送信日時',
  answeredAt: '回答日時',
  note: '備考',
} as const;
