import type { LocalAppDefinition } from './app-definition';
import { ORDER_CHANNEL_OPTIONS } from './demo-app';

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
export const supplierMasterApp: LocalAppDefinition = {
  appId: '13',
  name: '仕入先マスタ',
  recordTitle: '{仕入先コード} {仕入先名}',
  fields: {
    レコード番号: { type: 'RECORD_NUMBER', label: 'レコード番号' },
    作成者: { type: 'CREATOR', label: '作成者' },
    作成日時: { type: 'CREATED_TIME', label: '作成日時' },
    更新者: { type: 'MODIFIER', label: '更新者' },
    更新日時: { type: 'UPDATED_TIME', label: '更新日時' },
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
  },
  seed: [
    {
      仕入先コード: 'S-001',
      仕入先名: '株式会社サンプル文具',
      メールアドレス: 'order@sample-bungu.example.jp',
      FAX番号: '03-1234-5678',
    },
    {
      仕入先コード: 'S-002',
      仕入先名: '紙の山田商店',
      メールアドレス: 'sales@yamada-paper.example.jp',
    },
    {
      仕入先コード: 'S-003',
      仕入先名: 'オフィス機器サービス株式会社',
      メールアドレス: 'support@office-kiki.example.jp',
      FAX番号: '06-9876-5432',
    },
    {
      仕入先コード: 'S-004',
      仕入先名: '有限会社みなと梱包',
      FAX番号: '045-123-4567',
      発注方法: 'FAX',
    },
  ],
};
