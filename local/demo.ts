import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigFile } from '../shared/config/load-config';
import { gatheringFor } from '../shared/config/gathering';
import type { BridgeConfig } from '../shared/config/schema';
import { describeGathering } from './gathering-option';
import { formSaveTable, type TableRowJson as TableRow } from './kintone/form-save';
import { readRecordSummary } from './kintone/record-summary';
import type { LocalUrls } from './stack';

/**
 * Edits a demo record through the local kintone's REST API, as staff would in kintone:
 *   npm run demo -- low [--sku A-100] [--stock 5]   stock below the reorder point
 *   npm run demo -- receive [--sku A-100]           goods received: 入荷済, stock back to 最大在庫
 *   npm run demo -- show [--sku A-100]              print every write-back field and the comments
 *   npm run demo -- gather [--supplier S-001]       every item of one supplier below its reorder
 *                                                   point, one save per record: with a gathering
 *                                                   rule (npm start -- --gathering window:1) one
 *                                                   order of several lines
 * The site inventory app (app 15, items as rows of the table 在庫明細) takes `--app 15`:
 *   npm run demo -- low --app 15 [--sku B-200,B-201]  rows below their reorder points, one save
 *   npm run demo -- receive --app 15 [--sku B-200]    the row's goods received (入荷済)
 *   npm run demo -- show --app 15                     print every row's write-back fields
 * `--data-dir` names the running stack's folder (default `.data`), whose local.json says where
 * everything is.
 */
async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      sku: { type: 'string' },
      app: { type: 'string' },
      stock: { type: 'string' },
      supplier: { type: 'string' },
      'data-dir': { type: 'string', default: '.data' },
    },
  });
  const action = positionals[0] ?? 'low';
  const urls = JSON.parse(
    readFileSync(join(values['data-dir'], 'local.json'), 'utf8'),
  ) as LocalUrls;
  if (values.app !== undefined && values.app === urls.siteInventoryAppId) {
    await siteDemo(action, urls, values.sku, values.stock);
    return;
  }
  if (values.app !== undefined && values.app !== urls.kintoneAppId)
    throw new Error(
      `app ${values.app} is not a demo app here: use ${[urls.kintoneAppId, urls.siteInventoryAppId].filter(Boolean).join(' or ')}`,
    );
  values.sku ??= 'A-100';
  if (!urls.kintoneApiToken)
    throw new Error('the running stack uses a real kintone; edit its records there');
  const client = new KintoneRestAPIClient({
    baseUrl: urls.kintoneBaseUrl,
    auth: { apiToken: urls.kintoneApiToken },
  });
  const app = urls.kintoneAppId;
  if (action === 'gather') {
    await gather(client, urls, values.supplier ?? 'S-001');
    return;
  }
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
    await show(client, urls, app, id);
  } else {
    throw new Error(`unknown action ${action}: use low, receive, show or gather`);
  }
}

/**
 * `gather`: drops every item of one supplier below its reorder point, one save per record (so
 * one webhook each, as when staff update several records in a row), and says what to expect
 * under the app's gathering rule.
 */
async function gather(
  client: KintoneRestAPIClient,
  urls: LocalUrls,
  supplierCode: string,
): Promise<void> {
  const app = urls.kintoneAppId;
  const config = stackConfig(urls);
  const appConfig = config.apps.find((candidate) => candidate.appId === app);
  // The supplier's own rule (suppliers.<code>.gathering) wins over the app's.
  const rule = appConfig
    ? gatheringFor(config, appConfig, supplierCode)
    : { rule: 'immediate' as const };
  const { records } = await client.record.getRecords({
    app,
    query: `仕入先コード = "${supplierCode}" order by $id asc`,
  });
  if (records.length === 0) throw new Error(`no demo record of supplier ${supplierCode}`);
  const text = (record: (typeof records)[number], code: string) =>
    String(record[code]?.value ?? '');
  const lines: string[] = [];
  for (const record of records) {
    const stock = String(Math.max(0, Number(text(record, '発注点')) - 2));
    await client.record.updateRecord({
      app,
      id: String(record.$id?.value),
      record: { 在庫数: { value: stock } },
    });
    const status = text(record, '発注状況');
    lines.push(
      `  ${text(record, '品番')} ${text(record, '品名')}: 在庫数 ${stock} (発注点 ${text(record, '発注点')})${
        status && status !== '未発注' && status !== '入荷済' && status !== 'キャンセル'
          ? ` — already ${status}: not ordered again (npm run demo -- receive --sku ${text(record, '品番')} first)`
          : ''
      }`,
    );
  }
  const first = records[0];
  const supplier = (first && text(first, '仕入先名')) || supplierCode;
  const inbox = (first && text(first, '仕入先メール') ? urls.sesInboxUrl : urls.faxOutboxUrl) ?? '';
  const expect =
    rule.rule === 'immediate'
      ? [
          `App ${app} sends each record at once (gathering: immediate): ${records.length} order requests arrive in ${inbox}.`,
          'To see them gathered into one order, restart with: npm start -- --gathering window:1',
        ]
      : [
          `App ${app} gathers ${supplierCode}'s items (${describeGathering(rule)}): each record shows 待機中 with the same order number now,`,
          `then one order request with ${records.length} lines arrives in ${inbox} ${
            rule.rule === 'window'
              ? `about ${rule.minutes} min after the first drop`
              : `at the next cut-off (${rule.times.join(', ')})`
          } (the local scheduler looks every few seconds); the records then show 発注依頼済.`,
          `Watch a record: npm run demo -- show --sku ${first ? text(first, '品番') : 'A-100'}`,
        ];
  process.stdout.write(
    `Lowered ${records.length} items of ${supplier} (${supplierCode}), one save each:\n${lines.join('\n')}\n${expect.join('\n')}\n`,
  );
}

/** The demo actions on the site inventory app: rows of 在庫明細 in the record of 大阪倉庫. */
async function siteDemo(
  action: string,
  urls: LocalUrls,
  skuOption: string | undefined,
  stockOption: string | undefined,
): Promise<void> {
  if (!urls.siteInventoryApiToken || !urls.siteInventoryAppId)
    throw new Error('the running stack does not serve the site inventory app locally');
  const client = new KintoneRestAPIClient({
    baseUrl: urls.kintoneBaseUrl,
    auth: { apiToken: urls.siteInventoryApiToken },
  });
  const app = urls.siteInventoryAppId;
  const { record } = await client.record.getRecord({ app, id: '1' });
  const rows = (record['在庫明細'] as unknown as { value: TableRow[] }).value;
  const cell = (row: TableRow, code: string) => String(row.value[code]?.value ?? '');
  const skus = (skuOption ?? (action === 'receive' ? 'B-200' : 'B-200,B-201')).split(',');
  for (const sku of skus) {
    if (!rows.some((row) => cell(row, '明細_品番') === sku))
      throw new Error(`大阪倉庫 has no row with 明細_品番 ${sku}`);
  }
  /** Saves the whole table as kintone's form does, with `edit`'s values in the chosen rows. */
  const save = async (edit: (row: TableRow) => Record<string, string>) => {
    const table = formSaveTable(rows, (row) =>
      skus.includes(cell(row, '明細_品番')) ? edit(row) : {},
    );
    await client.record.updateRecord({ app, id: '1', record: { 在庫明細: { value: table } } });
  };

  if (action === 'low') {
    await save((row) => ({
      明細_在庫数: stockOption ?? String(Math.max(0, Number(cell(row, '明細_発注点')) - 2)),
    }));
    process.stdout.write(
      `在庫数 of ${skus.join(', ')} lowered in one save of 大阪倉庫.\nRows due for one supplier arrive as one order request in ${urls.sesInboxUrl}.\n`,
    );
  } else if (action === 'receive') {
    await save((row) => ({
      明細_在庫数: String(Number(cell(row, '明細_発注点')) * 3),
      明細_発注状況: '入荷済',
    }));
    process.stdout.write(`${skus.join(', ')} received: 明細_発注状況 入荷済.\n`);
  } else if (action === 'show') {
    await show(client, urls, app, '1');
  } else {
    throw new Error(`unknown action ${action}: use low, receive or show`);
  }
}

/** The configuration the running stack uses (local.json names it; older ones: the demo's). */
function stackConfig(urls: LocalUrls): BridgeConfig {
  return loadConfigFile(urls.configPath ?? 'config/demo.json');
}

/** Prints what the bridge wrote on the record: its configured write-back fields and comments. */
async function show(
  client: KintoneRestAPIClient,
  urls: LocalUrls,
  appId: string,
  recordId: string,
): Promise<void> {
  const config = stackConfig(urls);
  const app = config.apps.find((candidate) => candidate.appId === appId);
  if (!app) throw new Error(`the stack's configuration has no app ${appId}`);
  process.stdout.write(await readRecordSummary(client, app, recordId, config.timeZone));
  if (urls.kintoneViewUrl)
    process.stdout.write(
      `As staff see it: ${urls.kintoneViewUrl}${appId}/show?record=${recordId}\n`,
    );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
