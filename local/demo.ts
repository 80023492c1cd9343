import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { LocalUrls } from './stack';

/**
 * Edits a demo record through the local kintone's REST API, as staff would in kintone:
 *   npm run demo -- low [--sku A-100] [--stock 5]   stock below the reorder point
 *   npm run demo -- receive [--sku A-100]           goods received: 入荷済, stock back to 最大在庫
 *   npm run demo -- show [--sku A-100]              print the record's bridge fields
 */
async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      sku: { type: 'string', default: 'A-100' },
      stock: { type: 'string' },
      'data-dir': { type: 'string', default: '.data' },
    },
  });
  const action = positionals[0] ?? 'low';
  const urls = JSON.parse(
    readFileSync(join(values['data-dir'], 'local.json'), 'utf8'),
  ) as LocalUrls;
  if (!urls.kintoneApiToken)
    throw new Error('the running stack uses a real kintone; edit its records there');
  const client = new KintoneRestAPIClient({
    baseUrl: urls.kintoneBaseUrl,
    auth: { apiToken: urls.kintoneApiToken },
  });
  const app = urls.kintoneAppId;
  const { records } = await client.record.getRecords({ app, query: `品番 = "${values.sku}"` });
  const record = records[0];
  if (!record) throw new Error(`no demo record with 品番 ${values.sku}`);
  const id = String(record.$id?.value);
  const text = (code: string) => String(record[code]?.value ?? '');

  if (action === 'low') {
    const stock = values.stock ?? String(Math.max(0, Number(text('発注点')) - 2));
    await client.record.updateRecord({ app, id, record: { 在庫数: { value: stock } } });
    process.stdout.write(
      `在庫数 of ${values.sku} set to ${stock} (発注点 ${text('発注点')}).\nThe order request appears within a second in ${text('仕入先メール') ? urls.sesInboxUrl : (urls.faxOutboxUrl ?? urls.sesInboxUrl)}.\n`,
    );
  } else if (action === 'receive') {
    const stock = text('最大在庫') || String(Number(text('発注点')) * 3);
    await client.record.updateRecord({
      app,
      id,
      record: { 在庫数: { value: stock }, 発注状況: { value: '入荷済' } },
    });
    process.stdout.write(
      `${values.sku} received: 在庫数 ${stock}, 発注状況 入荷済 (order ${text('発注番号')} closed).\n`,
    );
  } else if (action === 'show') {
    for (const code of ['品番', '在庫数', '発注点', '発注状況', '発注番号', '発注日時', '発注理由'])
      process.stdout.write(`${code}: ${text(code)}\n`);
  } else {
    throw new Error(`unknown action ${action}: use low, receive or show`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
