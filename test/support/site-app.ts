import { readFileSync } from 'node:fs';

/** The site inventory app of the subtable fixture, as `config/demo.json` configures it. */
export const SITE_APP_ID = '15';

/**
 * App 15 拠点在庫's entry of `config/demo.json`, as raw JSON (one record per site, one row of
 * 在庫明細 per item, suppliers found in the supplier master by the row's code): the one place
 * tests take its field codes from. A fresh copy each call, for tests that change it.
 */
export function siteAppJson(): {
  appId: string;
  fields: Record<string, string>;
  writeBack: Record<string, string>;
  [key: string]: unknown;
} {
  const demo = JSON.parse(readFileSync('config/demo.json', 'utf8')) as {
    apps: Array<{ appId: string }>;
  };
  const app = demo.apps.find((candidate) => candidate.appId === SITE_APP_ID);
  if (!app) throw new Error(`config/demo.json has no app ${SITE_APP_ID}`);
  return app as ReturnType<typeof siteAppJson>;
}

/** `config/demo.json`'s delivery addresses, which its apps' `shipTo` names. */
export function demoDeliveryAddresses(): Record<string, unknown> {
  const demo = JSON.parse(readFileSync('config/demo.json', 'utf8')) as {
    deliveryAddresses?: Record<string, unknown>;
  };
  return demo.deliveryAddresses ?? {};
}
