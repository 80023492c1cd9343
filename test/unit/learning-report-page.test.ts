import { createHash } from 'node:crypto';
import {
  learningReportHeaders,
  renderLearningReportPage,
} from '../../shared/documents/learning-report-page';
import type * as View from '../../shared/documents/learning-report-view';
import { sampleLearningReport } from '../fixtures/learning-report';

/**
 * The learning report page (issue 14) as HTML: what it shows per item, the scorecard's numbers,
 * the shadow comparison when there is one, empty states, escaping, and a policy that allows
 * exactly its stylesheet. The browser test (test/browser/learning-report.test.ts) looks at it.
 */

const html = (report: View.LearningReport = sampleLearningReport()) =>
  renderLearningReportPage(report, { timeZone: 'Asia/Tokyo' });

/** The text of the element with this attribute value, tags stripped, for loose matching. */
function section(page: string, marker: string): string {
  const start = page.indexOf(marker);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = page.indexOf('</section>', start);
  return page.slice(start, end === -1 ? undefined : end);
}

function rowOf(page: string, attribute: string): string {
  const start = page.indexOf(attribute);
  expect(start).toBeGreaterThanOrEqual(0);
  return page
    .slice(page.indexOf('>', start) + 1, page.indexOf('</tr>', start))
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
}

describe('renderLearningReportPage', () => {
  it('renders a complete Japanese document with a chart per item that has stock', () => {
    // Act
    const page = html();

    // Assess
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="ja">')).toBe(true);
    expect(page.trimEnd().endsWith('</html>')).toBe(true);
    expect(page).toContain('<h1>学習レポート: 在庫・発注点・仕入先</h1>');
    expect(page).toContain('作成 2026/12/01 09:00');
    expect(page.match(/<svg class="chart"/g)).toHaveLength(2);
    const a100 = section(page, 'data-sku="A-100"');
    expect(a100).toContain('<title id="item-1-chart-title">A-100 ボールペン 黒 0.5mm: 在庫の推移');
    expect(a100).toMatch(/<desc id="item-1-chart-desc">[^<]*発注点（設定）20、推奨発注点 27/);
    expect(a100).toContain('class="rop-set"');
    expect(a100).toContain('class="rop-suggested"');
    expect(a100).toMatch(/<line class="max-suggested"[^>]*><title>推奨最大在庫 67<\/title>/);
    expect(a100).toMatch(/<path class="stock" d="M[\d.,VHLM-]+"/);
    expect(a100.match(/class="order-placed"/g)?.length).toBeGreaterThanOrEqual(3);
    expect(a100).toContain('<dt>推奨発注点</dt><dd>27</dd>');
    expect(a100).toContain('<dt>推奨最大在庫</dt><dd>67</dd>');
    expect(a100).toContain('<dt>推定リードタイム</dt><dd>4 営業日</dd>');
    expect(a100).toContain('<dt>サービス率</dt><dd>95%</dd>');
    expect(a100).toContain('日付（Asia/Tokyo）');
    expect(a100).toContain('在庫数</text>');
  });

  it('says why an item has no suggestion and shows its shadow orders apart', () => {
    // Act
    const b200 = section(html(), 'data-sku="B-200"');

    // Assess
    expect(b200).toContain('推奨なし: 記録が 6 営業日分しかありません');
    expect(b200).toContain('<dt>推奨発注点</dt><dd>-</dd>');
    expect(b200).toContain('<dt>シャドー発注（未送信）</dt><dd>1 件</dd>');
    expect(b200).toContain('class="order-shadow"');
    expect(b200).not.toContain('class="rop-suggested"');
    expect(b200).not.toContain('class="max-suggested"');
  });

  it('shows an item without stock records as text, not an empty chart', () => {
    const c300 = section(html(), 'data-sku="C-300"');

    expect(c300).toContain('在庫の推移はまだ記録されていません。');
    expect(c300).toContain('発注はまだありません。');
    expect(c300).not.toContain('<svg class="chart"');
  });

  it('shows the scorecard numbers: OTIF with its counts, answer hours, lead time and its σ', () => {
    const page = html();

    expect(rowOf(page, 'data-supplier="S-001"')).toBe(
      ' S-001 12 件 90.9%（10/11） 12 件 3.3 時間 4.2 営業日 0.8 営業日 11 件 ',
    );
    expect(rowOf(page, 'data-supplier="S-002"')).toBe(
      ' S-002 1 件 -（判定できる発注なし） 0 件 - - - 0 件 ',
    );
  });

  it('shows the shadow comparison only when there is one', () => {
    const report = sampleLearningReport();

    expect(rowOf(html(report), '<tr data-sku="B-200"')).toContain('+19.3 時間');
    expect(html({ ...report, shadow: [] })).not.toContain('シャドーモードの比較');
  });

  it('says so when nothing has been learned yet', () => {
    const page = html({
      generatedAt: '2026-12-01T00:00:00Z',
      items: [],
      suppliers: [],
      shadow: [],
    });

    expect(page).toContain('まだ品目の記録がありません。');
    expect(page).toContain('まだ仕入先への発注がありません。');
    expect(page).not.toContain('<svg');
  });

  it('escapes every value that comes from kintone or the store', () => {
    // Prepare: markup in every string a record or the store can supply.
    const hostile = '<img src=x onerror=alert(1)>"\'&';
    const report = sampleLearningReport();
    const [first] = report.items;
    if (!first) throw new Error('fixture has items');
    report.items = [
      {
        ...first,
        appId: hostile,
        itemId: hostile,
        sku: hostile,
        name: hostile,
        supplierCode: hostile,
        suggestion: { kind: 'no-suggestion', code: 'no-demand', reason: hostile },
        orders: first.orders.map((order) => ({ ...order, orderNumber: hostile })),
      },
    ];
    report.suppliers = [
      { ...(report.suppliers[0] as View.LearningReportSupplier), supplierCode: hostile },
    ];
    report.shadow = [
      { ...(report.shadow[0] as View.LearningReportShadowItem), sku: hostile, appId: hostile },
    ];

    // Act
    const page = renderLearningReportPage(report, { timeZone: 'Asia/Tokyo', source: hostile });

    // Assess: the markup is text everywhere; no tag or attribute came through.
    expect(page).not.toContain('<img');
    expect(page).not.toMatch(/onerror=alert\(1\)>"/);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    expect(page).not.toMatch(/<script/i);
  });

  it('shows non-finite numbers as a dash and still draws', () => {
    const report = sampleLearningReport();
    const [first] = report.items;
    if (!first) throw new Error('fixture has items');
    report.items = [
      {
        ...first,
        reorderPoint: Number.NaN,
        series: [...first.series, { at: 'not a date', quantity: 5 }],
      },
    ];

    const page = html(report);

    expect(page).toContain('<dt>発注点（設定）</dt><dd>-</dd>');
    expect(page).not.toMatch(/NaN|Infinity/);
  });

  it('allows exactly its own stylesheet and nothing else, in the header and the document', () => {
    // Prepare
    const page = html();
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? '';
    const hash = createHash('sha256').update(style, 'utf8').digest('base64');

    // Act
    const header = learningReportHeaders()['content-security-policy'];
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)?.[1];

    // Assess
    expect(header).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'`,
    );
    expect(meta?.replace(/&#39;/g, "'")).toBe(header?.replace("; frame-ancestors 'none'", ''));
    expect(page).not.toMatch(/\sstyle="/);
    expect(page).not.toMatch(/<script|\son[a-z]+="/i);
  });
});
