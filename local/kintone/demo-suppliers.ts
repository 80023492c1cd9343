import type { LocalFieldDefinition } from './app-definition';

/** The demo's suppliers, kept once: the supplier master holds them, inventory records copy them. */
export interface DemoSupplier {
  code: string;
  name: string;
  email?: string;
  fax?: string;
  /** 発注方法; absent means the app's default (email when there is an address). */
  channel?: string;
}

export const DEMO_SUPPLIERS = {
  'S-001': {
    code: 'S-001',
    name: '株式会社サンプル文具',
    email: 'order@sample-bungu.example.jp',
    fax: '03-1234-5678',
  },
  'S-002': { code: 'S-002', name: '紙の山田商店', email: 'sales@yamada-paper.example.jp' },
  'S-003': {
    code: 'S-003',
    name: 'オフィス機器サービス株式会社',
    email: 'support@office-kiki.example.jp',
    fax: '06-9876-5432',
  },
  'S-004': { code: 'S-004', name: '有限会社みなと梱包', fax: '045-123-4567', channel: 'FAX' },
} as const satisfies Record<string, DemoSupplier>;

/** Field values without the empty ones (a seed leaves an absent field at its default). */
export function present(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** The fields kintone keeps itself on every app, as the fixtures show them. */
export function systemFields(): Record<string, LocalFieldDefinition> {
  return {
    レコード番号: { type: 'RECORD_NUMBER', label: 'レコード番号' },
    作成者: { type: 'CREATOR', label: '作成者' },
    作成日時: { type: 'CREATED_TIME', label: '作成日時' },
    更新者: { type: 'MODIFIER', label: '更新者' },
    更新日時: { type: 'UPDATED_TIME', label: '更新日時' },
  };
}
