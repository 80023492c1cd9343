import type { LocalAppDefinition } from './app-definition';
import { ORDER_CHANNEL_OPTIONS } from './demo-app';
import { DEMO_SUPPLIERS, present, systemFields, type DemoSupplier } from './demo-suppliers';

/**
 * The supplier master of the demo (app 13, 仕入先マスタ): one record per supplier, read by
 * the bridge by 仕入先コード when an order is due (config `supplierMaster`). Seeded with the
 * four suppliers of the inventory app, with the same names, emails and faxes its records hold
 * (there copied by a lookup), so the demo behaves the same until someone edits the master.
 *
 * @example
 * ```ts
 * const kintone = await startLocalKintone({
 *   apps: [demoInventoryApp, supplierMasterApp],
 *   apiTokens: { '12': ['inventory-token'], '13': ['supplier-master-token'] },
 * });
 * ```
 */
export const supplierMasterApp: LocalAppDefinition<Record<string, string>> = {
  appId: '13',
  name: '仕入先マスタ',
  recordTitle: '{仕入先コード} {仕入先名}',
  listFields: ['仕入先コード', '仕入先名', 'メールアドレス', 'FAX番号', '発注方法'],
  fields: {
    ...systemFields(),
    仕入先コード: {
      type: 'SINGLE_LINE_TEXT',
      label: '仕入先コード',
      required: true,
      unique: true,
    },
    仕入先名: { type: 'SINGLE_LINE_TEXT', label: '仕入先名', required: true },
    メールアドレス: { type: 'LINK', label: 'メールアドレス' },
    FAX番号: { type: 'SINGLE_LINE_TEXT', label: 'FAX番号' },
    // Empty: the inventory app's default (email when there is an address, otherwise fax).
    発注方法: { type: 'DROP_DOWN', label: '発注方法', options: ORDER_CHANNEL_OPTIONS },
    // The supplier scorecard (issue 14, `learning.supplierFields`): written by the daily run.
    納期遵守率: { type: 'NUMBER', label: '納期遵守率 (%)' },
    回答時間: { type: 'NUMBER', label: '回答時間 (中央値, 時間)' },
    実績リードタイム: { type: 'NUMBER', label: '実績リードタイム (営業日)' },
    リードタイムのばらつき: { type: 'NUMBER', label: 'リードタイムのばらつき (営業日)' },
  },
  seed: Object.values<DemoSupplier>(DEMO_SUPPLIERS).map((supplier) =>
    present({
      仕入先コード: supplier.code,
      仕入先名: supplier.name,
      メールアドレス: supplier.email,
      FAX番号: supplier.fax,
      発注方法: supplier.channel,
    }),
  ),
};
