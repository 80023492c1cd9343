import { filterOf } from '../../local/learning-report-route';
import { renderLearningReportPage } from '../../shared/documents/learning-report-page';
import { selectReportItems } from '../../shared/documents/learning-report-selection';
import { manyItemsReport as manyItems } from '../fixtures/learning-report';

describe('selectReportItems', () => {
  const report = manyItems(120);

  it('pages the items 50 at a time, in the report order, the last page with the rest', () => {
    const first = selectReportItems(report);
    const last = selectReportItems(report, { page: 3 });

    expect(first).toMatchObject({ matching: 120, total: 120, page: 1, pages: 3, pageSize: 50 });
    expect(first.items.map((item) => item.sku).slice(0, 2)).toEqual(['P-0001', 'P-0002']);
    expect(last.items.map((item) => item.sku)).toHaveLength(20);
    expect(last.items[0]?.sku).toBe('P-0101');
    expect(selectReportItems(report, { page: 99 }).page).toBe(3);
    expect(selectReportItems(report, { page: 0 }).page).toBe(1);
  });

  it('filters by part of the 品番 or 品名 in any case and width, and by supplier', () => {
    const boxes = selectReportItems(report, { query: 'box' });
    const ofSupplier = selectReportItems(report, { supplier: 'S-003' });
    const both = selectReportItems(report, { query: 'ｐ-00', supplier: 'S-003' });

    expect(boxes.matching).toBe(12);
    expect(boxes.items.every((item) => item.name.startsWith('ＢＯＸ'))).toBe(true);
    expect(ofSupplier.matching).toBe(40);
    expect(both.matching).toBe(33);
    expect(both.filter).toEqual({ query: 'ｐ-00', supplier: 'S-003' });
    expect(selectReportItems(report, { query: '  ', supplier: '' }).filter).toEqual({});
    expect(boxes.suppliers).toEqual(['S-001', 'S-003']);
  });
});

describe('the report page with a filter', () => {
  const report = manyItems(120);

  it('served: one page of items, the form, and links to the next page that keep the filter', () => {
    const html = renderLearningReportPage(report, {
      filter: { supplier: 'S-001', page: 1 },
      browsePath: '/report',
    });

    expect(html.match(/<section class="item"/g)).toHaveLength(50);
    expect(html).toContain('全 120 品目のうち 80 品目が条件に合います（1–50 件目を表示）');
    expect(html).toContain('<option value="S-001" selected>S-001</option>');
    expect(html).toContain('href="/report?supplier=S-001&amp;page=2" rel="next"');
    expect(html).not.toContain('rel="prev"');
    expect(html).toContain('form-action &#39;self&#39;');
  });

  it('written: every matching item, no form, forms refused by its policy', () => {
    const html = renderLearningReportPage(report, { filter: { query: 'box' } });

    expect(html.match(/<section class="item"/g)).toHaveLength(12);
    expect(html).not.toContain('<form');
    expect(html).not.toContain('rel="next"');
    expect(html).toContain('form-action &#39;none&#39;');
  });

  it('says so when nothing matches, and escapes the filter it shows', () => {
    const html = renderLearningReportPage(report, {
      filter: { query: '"><script>x</script>' },
      browsePath: '/report',
    });

    expect(html).toContain('条件に合う品目はありません。');
    expect(html).not.toContain('<script>x');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
  });
});

describe("the local /report's parameters", () => {
  it('reads q, supplier and page', () => {
    expect(filterOf({ q: 'box', supplier: 'S-1', page: '2' })).toEqual({
      query: 'box',
      supplier: 'S-1',
      page: 2,
    });
    expect(filterOf({})).toEqual({});
  });

  it.each([
    [{ page: 'abc' }, 'ページ番号が読み取れません: abc'],
    [{ page: '0' }, 'ページ番号が読み取れません: 0'],
    [{ page: '-1' }, 'ページ番号が読み取れません: -1'],
    [{ q: 'x'.repeat(101) }, '品番・品名の条件は 100 文字までです。'],
    [{ supplier: 'x'.repeat(101) }, '仕入先コードは 100 文字までです。'],
  ])('refuses %j with a reason', (parameters, reason) => {
    expect(filterOf(parameters)).toEqual(expect.stringContaining(reason));
  });
});
