import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { formSaveTable, type TableRowJson } from '../../local/kintone/form-save';
import type { LocalStack } from '../../local/stack';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * Prices, 消費税 and the ship-to through the local stack: the demo apps' 単価 and site fields
 * reach the email the supplier gets, with the delivery address config/demo.json gives them.
 */

let stack: LocalStack;
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack('sab-priced-');
  ({ stack } = t);
});

afterAll(() => t.close());

test('an order of a priced item shows 納品先, 単価, 金額, 消費税 and 合計, and until when the link works', async () => {
  // Act: A-100 (¥120, app 12's default ship-to 本社倉庫) falls from 50 to 18: 84 本 are ordered.
  const id = await t.recordIdOf('A-100');
  await t.edit(id, { 在庫数: '18' });
  await stack.idle();

  // Assess
  const [email] = (await stack.ses.emails()).filter((candidate) =>
    candidate.destination.to.includes('order@sample-bungu.example.jp'),
  );
  const text = email?.body.text ?? '';
  expect(text).toContain('【納品先】\n株式会社デモ商事 本社倉庫\n〒135-0061 東京都江東区豊洲1-1-1');
  expect(text).toContain('A-100 | ボールペン 黒 0.5mm | 84 | 本 | ¥120 | ¥10,080');
  expect(text).toContain(
    '小計：¥10,080\n10%対象：¥10,080\n消費税（10%）：¥1,008\n合計（税込）：¥11,088',
  );
  expect(text).toMatch(/※このリンクは\d{4}年\d{1,2}月\d{1,2}日まで有効です。/);
  expect(text).not.toContain('一定期間');
  expect(email?.body.html).toContain('<tfoot>');
});

test('rows of the site 大阪倉庫 (app 15) are ordered to its own address, with their prices', async () => {
  // Prepare: staff save the site record as kintone's form does, B-201 (¥8,980) below its point.
  const site = new KintoneRestAPIClient({
    baseUrl: stack.urls.kintoneBaseUrl,
    auth: { apiToken: stack.urls.siteInventoryApiToken ?? '' },
  });
  const { record } = await site.record.getRecord({ app: '15', id: '1' });
  const rows = (record['在庫明細'] as unknown as { value: TableRowJson[] }).value;
  const table = formSaveTable(rows, (row): Record<string, string> =>
    row.value['明細_品番']?.value === 'B-201' ? { 明細_在庫数: '1' } : {},
  );

  // Act
  await site.record.updateRecord({ app: '15', id: '1', record: { 在庫明細: { value: table } } });
  await stack.idle();

  // Assess
  const [email] = (await stack.ses.emails()).filter((candidate) =>
    candidate.destination.to.includes('sales@yamada-paper.example.jp'),
  );
  const text = email?.body.text ?? '';
  expect(text).toContain(
    '【納品先】\n株式会社デモ商事 大阪倉庫\n〒530-0001 大阪府大阪市北区梅田1-1-1',
  );
  expect(text).toMatch(/B-201 \| トナー TN-29J \| \d+ \| 個 \| ¥8,980 \| ¥[\d,]+/);
  expect(text).toContain('合計（税込）：¥');
});
