import { readFileSync } from 'node:fs';
import { parseConfig } from '../../shared/config/load-config';
import type { BridgeConfig } from '../../shared/config/schema';

/**
 * App 15 拠点在庫 of the subtable fixture: one record per site, one row of 在庫明細 per item,
 * suppliers found in the supplier master by the row's code.
 */
export const SITE_APP_JSON = {
  appId: '15',
  name: '拠点在庫',
  webhookTokens: [{ env: 'WEBHOOK_TOKEN_APP_15' }],
  apiToken: { env: 'KINTONE_API_TOKEN_APP_15' },
  subtable: { field: '在庫明細' },
  fields: {
    sku: '明細_品番',
    name: '明細_品名',
    onHand: '明細_在庫数',
    reorderPoint: '明細_発注点',
    reorderQuantity: '明細_発注量',
    supplierCode: '明細_仕入先コード',
  },
  writeBack: {
    status: '明細_発注状況',
    orderNumber: '明細_発注番号',
    orderedAt: '明細_発注日時',
    reason: '明細_発注理由',
    deliveryDate: '明細_納品予定日',
  },
};

/** config/demo.json with app 15, whether or not the file already configures it. */
export function demoConfigWithSiteApp(): BridgeConfig {
  const raw = JSON.parse(readFileSync('config/demo.json', 'utf8')) as {
    apps: Array<{ appId: string }>;
  };
  const apps = raw.apps.filter((app) => app.appId !== SITE_APP_JSON.appId);
  return parseConfig({ ...raw, apps: [...apps, SITE_APP_JSON] });
}
