import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { isSubtable } from '../../local/kintone/app-definition';
import { demoInventoryApp } from '../../local/kintone/demo-app';
import { formSaveTable, type TableRowJson } from '../../local/kintone/form-save';
import { startLocalKintone, type LocalKintone } from '../../local/kintone/local-kintone';
import { readRecordSummary } from '../../local/kintone/record-summary';
import { siteInventoryApp } from '../../local/kintone/site-inventory-app';
import { supplierMasterApp } from '../../local/kintone/supplier-master-app';
import { loadConfigFile } from '../../shared/config/load-config';
import type { AppConfig } from '../../shared/config/schema';

/**
 * Staff's read-only view of the local kintone, over HTTP as a browser fetches it, and the
 * summary `npm run demo -- show` prints, read through the REST API: both after the edits the
 * bridge makes (write-back fields, an order comment), with a fixed clock so times are known.
 */

const TOKENS = { '12': 'inventory-token', '13': 'master-token', '15': 'site-token' };
const FIXED_NOW = new Date('2026-11-29T06:20:00.000Z');
const config = loadConfigFile('config/demo.json');
const siteTable = siteInventoryApp.fields['在庫明細'];
/** The fields of a row of 在庫明細, as the app defines them. */
const SITE_ROW_FIELDS = siteTable && isSubtable(siteTable) ? siteTable.fields : {};

function appConfig(appId: string): AppConfig {
  const app = config.apps.find((candidate) => candidate.appId === appId);
  if (app === undefined) throw new Error(`config/demo.json has no app ${appId}`);
  return app;
}

let kintone: LocalKintone;
let inventory: KintoneRestAPIClient;
let site: KintoneRestAPIClient;
let clock = FIXED_NOW;

beforeAll(async () => {
  kintone = await startLocalKintone({
    apps: [demoInventoryApp, supplierMasterApp, siteInventoryApp],
    apiTokens: { '12': [TOKENS['12']], '13': [TOKENS['13']], '15': [TOKENS['15']] },
    now: () => clock,
    timeZone: 'Asia/Tokyo',
  });
  inventory = new KintoneRestAPIClient({
    baseUrl: kintone.baseUrl,
    auth: { apiToken: TOKENS['12'] },
  });
  site = new KintoneRestAPIClient({ baseUrl: kintone.baseUrl, auth: { apiToken: TOKENS['15'] } });

  // What the bridge leaves on A-100 (record 1) after an order, and staff's own comment later.
  await inventory.record.updateRecord({
    app: '12',
    id: '1',
    record: {
      在庫数: { value: '18' },
      発注状況: { value: '発注依頼済' },
      発注番号: { value: 'PO-20261129-0001' },
      発注日時: { value: '2026-11-29T06:20:00Z' },
      発注理由: { value: '在庫数 18 ≤ 発注点 20: 84本を発注\n(入数12の倍数)' },
      品名: { value: '<script>alert("x")</script> & ペン' },
    },
  });
  await inventory.record.addRecordComment({
    app: '12',
    record: '1',
    comment: { text: '発注依頼 PO-20261129-0001 を送信しました。' },
  });
  clock = new Date('2026-11-29T07:05:00.000Z');
  await inventory.record.addRecordComment({
    app: '12',
    record: '1',
    comment: { text: '入荷予定を確認中 <b>急ぎ</b>' },
  });

  // Row B-201 of 大阪倉庫 ordered; the other rows untouched.
  const { record } = await site.record.getRecord({ app: '15', id: '1' });
  const rows = (record['在庫明細'] as unknown as { value: TableRowJson[] }).value;
  const table = formSaveTable(rows, (row): Record<string, string> =>
    row.value['明細_品番']?.value === 'B-201'
      ? {
          明細_発注状況: '発注依頼済',
          明細_発注番号: 'PO-20261129-0002',
          明細_納品予定日: '2026-12-03',
        }
      : {},
  );
  await site.record.updateRecord({ app: '15', id: '1', record: { 在庫明細: { value: table } } });
  await kintone.idle();
});

afterAll(() => kintone.close());

async function get(path: string): Promise<{ status: number; headers: Headers; html: string }> {
  const response = await fetch(`${kintone.baseUrl}${path}`, { redirect: 'manual' });
  return { status: response.status, headers: response.headers, html: await response.text() };
}

/** The text of a table cell or row header, tags removed (the view escapes values). */
function rowOf(html: string, label: string): string | undefined {
  const match = new RegExp(`<tr><th scope="row"[^>]*>${label}</th><td[^>]*>([^<]*)</td></tr>`).exec(
    html,
  );
  return match?.[1];
}

describe('the staff view', () => {
  it('lists the apps with links, without a token, and shows no API token', async () => {
    // Act
    const portal = await get('/k/');
    const root = await get('/');

    // Assess
    expect(portal.status).toBe(200);
    expect(root.html).toBe(portal.html);
    expect(portal.html).toContain('<a href="/k/12/">在庫管理</a>');
    expect(portal.html).toContain('<a href="/k/13/">仕入先マスタ</a>');
    expect(portal.html).toContain('<a href="/k/15/">拠点在庫</a>');
    for (const token of Object.values(TOKENS)) expect(portal.html).not.toContain(token);
  });

  it('sends a strict Content-Security-Policy: no script, only its own stylesheet', async () => {
    const { headers } = await get('/k/12/show?record=1');

    const csp = headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; /);
    expect(csp).not.toContain('script-src');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
  });

  it("lists an app's records, newest first, with the app's list fields by label", async () => {
    // Act
    const { status, html } = await get('/k/12/');

    // Assess
    expect(status).toBe(200);
    expect(html).toContain(
      '<thead><tr><th scope="col">レコード番号</th><th scope="col">品番</th><th scope="col">品名</th><th scope="col">在庫数</th><th scope="col">発注点</th><th scope="col">発注状況</th><th scope="col">発注番号</th><th scope="col">納品予定日</th><th scope="col">仕入先名</th></tr></thead>',
    );
    const recordLinks = [...html.matchAll(/<a href="\/k\/12\/show\?record=(\d+)">/g)].map(
      (match) => match[1],
    );
    expect(recordLinks).toEqual(['6', '5', '4', '3', '2', '1']);
    expect(html).toContain('<td class="value">PO-20261129-0001</td>');
  });

  it('shows a record with every field by label, empty ones empty, and values as text', async () => {
    // Act
    const { status, html } = await get('/k/12/show?record=1');

    // Assess
    expect(status).toBe(200);
    expect(rowOf(html, '発注状況')).toBe('発注依頼済');
    expect(rowOf(html, '発注番号')).toBe('PO-20261129-0001');
    // DATETIME as staff read it in kintone: local time.
    expect(rowOf(html, '発注日時')).toBe('2026-11-29 15:20');
    expect(rowOf(html, '発注理由')).toBe('在庫数 18 ≤ 発注点 20: 84本を発注\n(入数12の倍数)');
    expect(rowOf(html, '納品予定日')).toBe('');
    expect(rowOf(html, '作成者')).toBe('Administrator');
    // Every field of the form, in its order.
    const labels = [...html.matchAll(/<th scope="row"[^>]*>([^<]+)<\/th>/g)].map((m) => m[1]);
    expect(labels).toEqual(Object.values(demoInventoryApp.fields).map((field) => field.label));
    // A value with markup is escaped, never markup.
    expect(html).not.toContain('<script>');
    expect(rowOf(html, '品名')).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; ペン',
    );
  });

  it("shows the record's comments newest first, with author and local time, as text", async () => {
    const { html } = await get('/k/12/show?record=1');

    const comments = [
      ...html.matchAll(/<p class="meta">([^<]*)<\/p><p class="text">([^<]*)<\/p>/g),
    ].map((match) => [match[1], match[2]]);
    expect(comments).toEqual([
      ['Administrator · 2026-11-29 16:05', '入荷予定を確認中 &lt;b&gt;急ぎ&lt;/b&gt;'],
      ['Administrator · 2026-11-29 15:20', '発注依頼 PO-20261129-0001 を送信しました。'],
    ]);
    expect(html).toContain('<h2>コメント (2)</h2>');
  });

  it("shows a table's rows as a table with the row fields' labels", async () => {
    // Act
    const { html } = await get('/k/15/show?record=1');

    // Assess
    const section = html.slice(
      html.indexOf('<h2 title="在庫明細">'),
      html.indexOf('</table>', html.indexOf('<h2 title="在庫明細">')),
    );
    const header = [...section.matchAll(/<th scope="col"[^>]*>([^<]+)<\/th>/g)].map((m) => m[1]);
    expect(header).toEqual(Object.values(SITE_ROW_FIELDS).map((field) => field.label));
    const rows = [...section.matchAll(/<tr>(<td[^]*?)<\/tr>/g)].map((row) =>
      [...(row[1] ?? '').matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((cell) => cell[1]),
    );
    expect(rows.map((cells) => cells[0])).toEqual(['B-200', 'B-201', 'B-202']);
    expect(rows[1]).toEqual([
      'B-201',
      'トナー TN-29J',
      '5',
      '2',
      '3',
      '8980',
      '対象外',
      'S-002',
      '発注依頼済',
      'PO-20261129-0002',
      '',
      '',
      '2026-12-03',
    ]);
    expect(rows[0]?.[8]).toBe('未発注');
  });

  it('answers 404 pages for an unknown app or record and redirects an app URL without its slash', async () => {
    expect((await get('/k/99/')).status).toBe(404);
    expect((await get('/k/12/show?record=77')).status).toBe(404);
    expect((await get('/k/12/show?record=abc')).html).toContain('has no record abc.');
    const redirect = await get('/k/12');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/k/12/');
    // kintone's own record link (webhooks use it) carries the id in the fragment, which never
    // reaches the server: the app's list answers it.
    expect((await get('/k/12/show')).html).toContain('<a href="/k/12/show?record=1">');
  });

  it('leaves the REST API as it was: a token is still required there', async () => {
    const response = await fetch(`${kintone.baseUrl}/k/v1/record.json?app=12&id=1`);

    expect(response.status).toBe(401);
  });
});

describe('npm run demo -- show (readRecordSummary)', () => {
  it('prints every write-back field of app 12 by label, 納品予定日 included, and the comments', async () => {
    // Act
    const summary = await readRecordSummary(inventory, appConfig('12'), '1', 'Asia/Tokyo');

    // Assess
    expect(summary).toBe(
      [
        'app 12, record 1',
        '  品番 [sku]: A-100',
        '  品名 [name]: <script>alert("x")</script> & ペン',
        '  在庫数 [onHand]: 18',
        '  発注点 [reorderPoint]: 20',
        '  -- written by the bridge (writeBack) --',
        '  発注状況 [status]: 発注依頼済',
        '  発注番号 [orderNumber]: PO-20261129-0001',
        '  発注日時 [orderedAt]: 2026-11-29T06:20:00Z',
        '  発注理由 [reason]: 在庫数 18 ≤ 発注点 20: 84本を発注',
        '    (入数12の倍数)',
        '  納品予定日 [deliveryDate]: (empty)',
        '  comments (2, newest first):',
        '    2026-11-29 16:05 Administrator:',
        '      入荷予定を確認中 <b>急ぎ</b>',
        '    2026-11-29 15:20 Administrator:',
        '      発注依頼 PO-20261129-0001 を送信しました。',
        '',
      ].join('\n'),
    );
  });

  it("prints each row of app 15 with the row's write-back fields", async () => {
    // Act
    const summary = await readRecordSummary(site, appConfig('15'), '1', 'Asia/Tokyo');

    // Assess
    const rows = summary.split(/\n {2}row /).slice(1);
    expect(rows).toHaveLength(3);
    expect(summary).toContain('  在庫明細: 3 rows\n');
    expect(rows[1]).toContain('    品番 [sku]: B-201\n');
    expect(rows[1]).toContain('    発注状況 [status]: 発注依頼済\n');
    expect(rows[1]).toContain('    発注番号 [orderNumber]: PO-20261129-0002\n');
    expect(rows[1]).toMatch(/^ {4}納品予定日 \[deliveryDate\]: 2026-12-03$/m);
    expect(rows[0]).toContain('    発注状況 [status]: 未発注\n');
    expect(rows[0]).toMatch(/^ {4}納品予定日 \[deliveryDate\]: \(empty\)$/m);
    expect(summary).toMatch(/ {2}comments \(0, newest first\):\n {4}\(empty\)\n$/);
  });

  it('reads comments past the first page of ten', async () => {
    // Prepare: twelve comments on B-200 (record 2).
    for (let index = 1; index <= 12; index++) {
      await inventory.record.addRecordComment({
        app: '12',
        record: '2',
        comment: { text: `comment ${index}` },
      });
    }

    // Act
    const summary = await readRecordSummary(inventory, appConfig('12'), '2', 'Asia/Tokyo');

    // Assess
    const texts = [...summary.matchAll(/^ {6}(comment \d+)$/gm)].map((match) => match[1]);
    expect(texts).toEqual(Array.from({ length: 12 }, (_, index) => `comment ${12 - index}`));
  });
});
