import { createHash } from 'node:crypto';
import { scaleLinear, scaleUtc } from 'd3-scale';
import { curveStepAfter, line, symbol, symbolDiamond, symbolTriangle } from 'd3-shape';
import escapeHtml from 'escape-html';
import {
  MAX_REPORT_QUERY_LENGTH,
  selectReportItems,
  type LearningReportFilter,
  type LearningReportSelection,
} from './learning-report-selection';
import type {
  LearningReport,
  LearningReportItem,
  LearningReportOrder,
  LearningReportShadowItem,
  LearningReportSupplier,
} from './learning-report-view';

/**
 * The learning report as one complete HTML document (issue 14): per item a chart of stock over
 * time with the reorder point staff set, the suggested one and the orders, and the numbers
 * beside it; the supplier scorecard; and shadow mode's comparison when there is one. The same
 * page is served by the local stack (`GET /report`) and written to a file by `npm run report`.
 *
 * Charts are inline SVG drawn on the server (d3-scale for the axes, d3-shape for the paths), so
 * the page has no script at all. Its one `<style>` block is allowed by its hash, in the header
 * ({@link learningReportHeaders}) and in a `<meta>` policy for the written file, and the SVG
 * uses presentation attributes, never `style=""`. Every value from kintone or the store is
 * escaped; numbers that are not finite are shown as "-".
 */

/** Options of {@link renderLearningReportPage}. */
export interface LearningReportPageOptions {
  /** Zone the times are shown in (the configuration's `timeZone`); default Asia/Tokyo. */
  timeZone?: string;
  /** Where the data came from, shown under the heading (e.g. "ローカル環境", a table name). */
  source?: string;
  /** Which items to show; all when left out. */
  filter?: LearningReportFilter;
  /**
   * The path the page is served at: it then has a filter form and page links (plain GET
   * requests to this path, no script) and shows one page of items. A written file has neither
   * and shows every item the filter matches.
   */
  browsePath?: string;
}

const DEFAULT_TIME_ZONE = 'Asia/Tokyo';

/** The chart's drawing size in SVG units; it scales to the width of the page. */
const CHART = { width: 440, height: 260, top: 12, right: 24, bottom: 48, left: 48 } as const;
const Y_TICKS = 5;
const X_TICKS = 5;
/** Above this span the time axis shows dates, below it times of day. */
const DATE_TICKS_FROM_MS = 36 * 3_600_000;
/** Above this span it shows hours and minutes, below it seconds too. */
const MINUTE_TICKS_FROM_MS = 2 * 3_600_000;
/** Headroom above the highest value so the top line does not touch the frame. */
const HEADROOM = 1.1;
const MARKER_AREA = 90;

const e = escapeHtml;

/**
 * Mobile first: one column, the chart at the page's width, tables that become labelled cards
 * under 44rem. Colours meet WCAG AA contrast on white; the lines also differ by dash pattern, so
 * the chart reads without colour.
 */
const STYLE = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#fff;color:#1f2328;font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans JP",Meiryo,sans-serif;font-size:1rem;line-height:1.6}
main{max-width:64rem;margin:0 auto;padding:.5rem 1rem 2rem}
h1{font-size:1.5rem;line-height:1.35;margin:.5rem 0}
h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:2px solid #d0d7de;padding-bottom:.25rem}
h3{font-size:1.1rem;margin:0 0 .25rem;overflow-wrap:anywhere}
p{margin:0 0 .75rem}
a{color:#0645ad}
.meta{color:#57606a;font-size:.9rem}
.empty{color:#57606a}
.toc{margin:0 0 1rem;padding-left:1.25rem}
.filter{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:0 0 .75rem}
.filter label{display:flex;flex-direction:column;font-size:.9rem;color:#57606a}
.filter input,.filter select,.filter button{font:inherit;min-height:2.5rem;padding:.35rem .5rem;border:1px solid #8c959f;border-radius:6px;background:#fff;color:#1f2328}
.filter button{background:#0969da;border-color:#0969da;color:#fff;cursor:pointer}
.pager{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:0 0 1rem}
.pager a{padding:.35rem .75rem;border:1px solid #d0d7de;border-radius:6px;text-decoration:none}
.item{border:1px solid #d0d7de;border-radius:8px;padding:1rem;margin:0 0 1.25rem}
.item-head{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:baseline}
.item-head .meta{margin:0}
.item-body{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1rem;align-items:start}
figure{margin:0}
svg.chart{display:block;width:100%;height:auto;font-size:12px}
figcaption{font-size:.9rem}
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:.25rem 0 0;padding:0}
.legend li{display:flex;align-items:center;gap:.35rem}
.legend svg{flex:none}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .75rem;margin:0 0 .5rem}
.facts dt{color:#57606a}
.facts dd{margin:0;font-variant-numeric:tabular-nums}
.reason{font-size:.9rem;overflow-wrap:anywhere}
details{margin:.5rem 0 0}
summary{cursor:pointer}
table{border-collapse:collapse;width:100%;font-size:.9rem}
caption{text-align:left;font-weight:bold;padding:0 0 .25rem}
th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
table.orders th{white-space:nowrap}
.axis text{fill:#3d444d}
.axis line,.axis path{stroke:#8c959f}
.grid line{stroke:#eaeef2}
.axis-title{fill:#3d444d;font-size:12px}
.stock{fill:none;stroke:#0969da;stroke-width:2.5}
.rop-set{stroke:#bc4c00;stroke-width:2;stroke-dasharray:8 5}
.rop-suggested{stroke:#1a7f37;stroke-width:2;stroke-dasharray:2 4;stroke-linecap:round}
.max-suggested{stroke:#1a7f37;stroke-width:1.5;stroke-dasharray:12 4 2 4}
.receipt{fill:#0969da;stroke:#fff;stroke-width:1}
.correction{fill:#fff;stroke:#0969da;stroke-width:1.5}
.order-placed{fill:#8250df}
.order-shadow{fill:#fff;stroke:#8250df;stroke-width:1.5}
.order-rule{stroke:#c297ff;stroke-width:1}
@media (max-width:44rem){
main{padding:.25rem .75rem 1.5rem}
.item{padding:.75rem}
table.orders{font-size:.8rem}
table.orders th,table.orders td{padding:.3rem .35rem}
.item-body{grid-template-columns:minmax(0,1fr)}
svg.chart{font-size:15px}
.axis-title{font-size:14px}
table.cards thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.cards,table.cards tbody,table.cards tr,table.cards td,table.cards th{display:block}
table.cards tr{border:1px solid #d0d7de;border-radius:6px;margin:0 0 .6rem}
table.cards td,table.cards th{border:none;border-top:1px solid #eaeef2;text-align:left;white-space:normal}
table.cards tr>:first-child{border-top:none;background:#f6f8fa}
table.cards td[data-label]{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:.5rem;align-items:baseline}
table.cards td[data-label]::before{content:attr(data-label);font-size:.8rem;color:#57606a}
}
`;

const STYLE_HASH = createHash('sha256').update(STYLE, 'utf8').digest('base64');

/**
 * The policy the document carries itself (a `<meta>` cannot say `frame-ancestors`). The served
 * page's filter form may only submit to the page itself; a written file has no form.
 */
function documentPolicy(forms: boolean): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${STYLE_HASH}'`,
    `form-action ${forms ? "'self'" : "'none'"}`,
    "base-uri 'none'",
  ].join('; ');
}

/**
 * Response headers for serving the page: only its own stylesheet, no script, no framing, no
 * referrer.
 *
 * @example
 * return { statusCode: 200, headers: learningReportHeaders(), body: renderLearningReportPage(report) };
 */
export function learningReportHeaders(options: { forms?: boolean } = {}): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `${documentPolicy(options.forms ?? false)}; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}

/** Formatting in Japanese, in one zone; every output is escaped HTML. */
interface Formats {
  number(value: number | undefined): string;
  percent(value: number | undefined): string;
  dateTime(iso: string): string;
  timeZone: string;
}

function formatsFor(timeZone: string): Formats {
  const number = new Intl.NumberFormat('ja-JP', { maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat('ja-JP', { style: 'percent', maximumFractionDigits: 1 });
  const dateTime = new Intl.DateTimeFormat('ja-JP', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const finite = (value: number | undefined): value is number =>
    value !== undefined && Number.isFinite(value);
  return {
    number: (value) => (finite(value) ? e(number.format(value)) : '-'),
    percent: (value) => (finite(value) ? e(percent.format(value)) : '-'),
    dateTime: (iso) => {
      const millis = Date.parse(iso);
      return Number.isNaN(millis) ? e(iso) : e(dateTime.format(millis));
    },
    timeZone,
  };
}

/**
 * The report page.
 *
 * @example
 * const report = await buildLearningReport(deps, new Date());
 * writeFileSync('report.html', renderLearningReportPage(report, { timeZone: 'Asia/Tokyo' }));
 */
export function renderLearningReportPage(
  report: LearningReport,
  options: LearningReportPageOptions = {},
): string {
  const formats = formatsFor(options.timeZone ?? DEFAULT_TIME_ZONE);
  const source = options.source ? `（${e(options.source)}）` : '';
  const browsing = options.browsePath !== undefined;
  const selection = selectReportItems(
    report,
    browsing
      ? (options.filter ?? {})
      : { ...options.filter, page: 1, pageSize: Number.POSITIVE_INFINITY },
  );
  const shown = new Set(selection.items.map((item) => `${item.appId}\u0000${item.sku}`));
  const shadow = report.shadow.filter((entry) => shown.has(`${entry.appId}\u0000${entry.sku}`));
  const body = `<main>
<h1>学習レポート: 在庫・発注点・仕入先</h1>
<p class="meta">作成 ${formats.dateTime(report.generatedAt)}${source}。時刻は ${e(formats.timeZone)}。</p>
<p>ブリッジが在庫の変化と発注・回答・入荷から学んだ値です。推奨は提案であり、発注点を変えるかどうかは担当者が決めます。</p>
${itemsSection(selection, report.generatedAt, formats, options.browsePath)}
${suppliersSection(report.suppliers, formats)}
${shadowSection(shadow, formats)}
</main>`;
  return `<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(documentPolicy(browsing))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>学習レポート - stock-alert-bridge</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function itemsSection(
  selection: LearningReportSelection,
  generatedAt: string,
  formats: Formats,
  browsePath: string | undefined,
): string {
  const { items } = selection;
  if (selection.total === 0) {
    return `<h2 id="items">品目</h2>\n<p class="empty">まだ品目の記録がありません。設定に learning があるアプリで在庫が変わると、ここに推移が出ます。</p>`;
  }
  const filtered = selection.filter.query !== undefined || selection.filter.supplier !== undefined;
  const controls = browsePath === undefined ? '' : filterForm(selection, browsePath);
  const count = filtered
    ? `<p class="meta" role="status">全 ${selection.total} 品目のうち ${selection.matching} 品目が条件に合います${selection.matching > 0 ? `（${rangeOf(selection)} 件目を表示）` : ''}。</p>`
    : selection.pages > 1
      ? `<p class="meta" role="status">全 ${selection.total} 品目（${rangeOf(selection)} 件目を表示）。</p>`
      : '';
  const pager = browsePath === undefined ? '' : pagerOf(selection, browsePath);
  if (items.length === 0) {
    return `<h2 id="items">品目</h2>
${controls}
${count}
<p class="empty">条件に合う品目はありません。</p>`;
  }
  const toc = items
    .map(
      (item, index) =>
        `<li><a href="#item-${index + 1}">${e(item.sku)} ${e(item.name === item.sku ? '' : item.name)}</a></li>`,
    )
    .join('\n');
  const sections = items
    .map((item, index) => itemSection(item, `item-${index + 1}`, generatedAt, formats))
    .join('\n');
  return `<h2 id="items">品目（${filtered ? selection.matching : selection.total} 件）</h2>
${controls}
${count}
${pager}
<ul class="toc">
${toc}
</ul>
${sections}
${pager}`;
}

/** "51–100" for the second page of 50. */
function rangeOf(selection: LearningReportSelection): string {
  const first = (selection.page - 1) * selection.pageSize + 1;
  return `${first}–${first + selection.items.length - 1}`;
}

/** The page's link for a filter and page: the path with only the parameters that are set. */
function pageHref(
  browsePath: string,
  filter: LearningReportSelection['filter'],
  page: number,
): string {
  const parameters = new URLSearchParams();
  if (filter.query !== undefined) parameters.set('q', filter.query);
  if (filter.supplier !== undefined) parameters.set('supplier', filter.supplier);
  if (page > 1) parameters.set('page', String(page));
  const query = parameters.toString();
  return query === '' ? browsePath : `${browsePath}?${query}`;
}

function filterForm(selection: LearningReportSelection, browsePath: string): string {
  const options = selection.suppliers
    .map(
      (code) =>
        `<option value="${e(code)}"${code === selection.filter.supplier ? ' selected' : ''}>${e(code)}</option>`,
    )
    .join('');
  return `<form class="filter" method="get" action="${e(browsePath)}" role="search">
<label>品番・品名<input type="search" name="q" value="${e(selection.filter.query ?? '')}" maxlength="${MAX_REPORT_QUERY_LENGTH}"></label>
<label>仕入先<select name="supplier"><option value="">すべて</option>${options}</select></label>
<button type="submit">絞り込む</button>
</form>`;
}

function pagerOf(selection: LearningReportSelection, browsePath: string): string {
  if (selection.pages <= 1) return '';
  const link = (page: number, label: string, rel: string) =>
    `<a href="${e(pageHref(browsePath, selection.filter, page))}" rel="${rel}">${label}</a>`;
  return `<nav class="pager" aria-label="品目のページ">
${selection.page > 1 ? link(selection.page - 1, '前のページ', 'prev') : ''}
<span>${selection.page} / ${selection.pages} ページ</span>
${selection.page < selection.pages ? link(selection.page + 1, '次のページ', 'next') : ''}
</nav>`;
}

function itemSection(
  item: LearningReportItem,
  id: string,
  generatedAt: string,
  formats: Formats,
): string {
  const latest = item.series.at(-1);
  const suggestion = item.suggestion;
  const facts: [string, string][] = [
    ['在庫数（最新）', formats.number(latest?.quantity)],
    ['発注点（設定）', formats.number(item.reorderPoint)],
    [
      '推奨発注点',
      suggestion.kind === 'suggestion' ? formats.number(suggestion.reorderPoint) : '-',
    ],
    ['最大在庫（設定）', formats.number(item.maxStock)],
    ['推奨最大在庫', suggestion.kind === 'suggestion' ? formats.number(suggestion.orderUpTo) : '-'],
  ];
  if (suggestion.kind === 'suggestion') {
    facts.push(
      ['推定リードタイム', `${formats.number(suggestion.leadTimeDays)} 営業日`],
      ['安全在庫', formats.number(suggestion.safetyStock)],
      ['サービス率', formats.percent(suggestion.serviceLevel)],
    );
  }
  facts.push(['発注', `${item.orders.filter((order) => order.kind === 'placed').length} 件`]);
  const shadowOrders = item.orders.filter((order) => order.kind === 'shadow').length;
  if (shadowOrders > 0) facts.push(['シャドー発注（未送信）', `${shadowOrders} 件`]);
  const reason =
    suggestion.kind === 'suggestion'
      ? `<p class="reason">${e(suggestion.reason)}</p>`
      : `<p class="reason">推奨なし: ${e(suggestion.reason)}</p>`;
  return `<section class="item" id="${id}" aria-labelledby="${id}-title" data-sku="${e(item.sku)}">
<div class="item-head">
<h3 id="${id}-title">${e(item.sku)} ${e(item.name === item.sku ? '' : item.name)}</h3>
<p class="meta">アプリ ${e(item.appId)}・レコード ${e(item.itemId)}・仕入先 ${e(item.supplierCode)}</p>
</div>
<div class="item-body">
${stockChart(item, id, generatedAt, formats)}
<div>
<dl class="facts">
${facts.map(([label, value]) => `<dt>${label}</dt><dd>${value}</dd>`).join('\n')}
</dl>
${reason}
${ordersTable(item.orders, formats)}
</div>
</div>
</section>`;
}

function ordersTable(orders: readonly LearningReportOrder[], formats: Formats): string {
  if (orders.length === 0) return '<p class="empty">発注はまだありません。</p>';
  const rows = orders
    .map(
      (order) =>
        `<tr><td>${formats.dateTime(order.at)}</td><td class="num">${formats.number(order.quantity)}</td><td>${e(order.orderNumber ?? '-')}</td><td>${order.kind === 'shadow' ? 'シャドー（未送信）' : '発注'}</td></tr>`,
    )
    .join('\n');
  return `<details>
<summary>発注の一覧（${orders.length} 件）</summary>
<table class="orders">
<thead><tr><th>日時</th><th>数量</th><th>発注番号</th><th>種類</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</details>`;
}

/** An SVG coordinate: finite, one decimal. */
function at(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '0';
}

/**
 * Tick labels of the time axis: dates over days, times of day over hours, with seconds over
 * minutes (a fresh local stack), so that no two ticks read the same.
 */
function timeTickFormat(spanMs: number, timeZone: string): (date: Date) => string {
  const format = new Intl.DateTimeFormat(
    'ja-JP',
    spanMs >= DATE_TICKS_FROM_MS
      ? { timeZone, month: 'numeric', day: 'numeric' }
      : spanMs >= MINUTE_TICKS_FROM_MS
        ? { timeZone, hour: '2-digit', minute: '2-digit' }
        : { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit' },
  );
  return (date) => format.format(date);
}

function stockChart(
  item: LearningReportItem,
  id: string,
  generatedAt: string,
  formats: Formats,
): string {
  const points = item.series
    .map((point) => ({ point, time: Date.parse(point.at) }))
    .filter(({ point, time }) => !Number.isNaN(time) && Number.isFinite(point.quantity))
    .sort((a, b) => a.time - b.time);
  const orders = item.orders
    .map((order) => ({ order, time: Date.parse(order.at) }))
    .filter(({ time }) => !Number.isNaN(time));
  if (points.length === 0) {
    return '<p class="empty">在庫の推移はまだ記録されていません。</p>';
  }
  const suggested =
    item.suggestion.kind === 'suggestion' ? item.suggestion.reorderPoint : undefined;
  const suggestedMax =
    item.suggestion.kind === 'suggestion' ? item.suggestion.orderUpTo : undefined;
  const end = Math.max(
    Date.parse(generatedAt) || 0,
    ...points.map(({ time }) => time),
    ...orders.map(({ time }) => time),
  );
  const start = Math.min(...points.map(({ time }) => time), ...orders.map(({ time }) => time));
  const levels = [
    ...points.map(({ point }) => point.quantity),
    item.reorderPoint,
    suggested,
    suggestedMax,
  ].filter((value): value is number => value !== undefined && Number.isFinite(value));
  const top = Math.max(1, ...levels) * HEADROOM;

  const { width, height, left, right, bottom } = CHART;
  const plotTop = CHART.top;
  const plotBottom = height - bottom;
  const x = scaleUtc()
    .domain([new Date(start), new Date(end > start ? end : start + 86_400_000)])
    .range([left, width - right]);
  const y = scaleLinear()
    .domain([Math.min(0, ...levels), top])
    .nice(Y_TICKS)
    .range([plotBottom, plotTop]);

  // Stock holds its value until the next change, and up to the report's time.
  const stepped = [...points.map(({ point, time }) => [time, point.quantity] as const)];
  const last = stepped.at(-1) as readonly [number, number];
  if (end > last[0]) stepped.push([end, last[1]]);
  const stockPath =
    line<readonly [number, number]>()
      .x(([time]) => x(new Date(time)))
      .y(([, quantity]) => y(quantity))
      .curve(curveStepAfter)(stepped) ?? '';

  const tickLabel = timeTickFormat(end - start, formats.timeZone);
  // d3 picks "nice" intervals, which may give twice the ticks asked for; every other one
  // then keeps the labels apart on a phone.
  const allTimeTicks = x.ticks(X_TICKS);
  const every = Math.ceil(allTimeTicks.length / X_TICKS);
  // Within one second (a test's stack) the labels repeat: each label is shown once.
  const shown = new Set<string>();
  const xTicks = allTimeTicks
    .filter((_tick, index) => index % every === 0)
    .map((tick) => ({ tick, label: tickLabel(tick) }))
    .filter(({ label }) => !shown.has(label) && Boolean(shown.add(label)))
    .map(
      ({ tick, label }) =>
        `<g transform="translate(${at(x(tick))},${plotBottom})"><line y2="6"></line><text y="22" text-anchor="middle">${e(label)}</text></g>`,
    )
    .join('');
  const yTicks = y
    .ticks(Y_TICKS)
    .map(
      (tick) =>
        `<g transform="translate(${left},${at(y(tick))})"><line x2="-6"></line><text x="-10" dy="0.32em" text-anchor="end">${e(String(tick))}</text></g>`,
    )
    .join('');
  const grid = y
    .ticks(Y_TICKS)
    .map(
      (tick) =>
        `<line x1="${left}" x2="${width - right}" y1="${at(y(tick))}" y2="${at(y(tick))}"></line>`,
    )
    .join('');

  const horizontal = (value: number | undefined, className: string, label: string) =>
    value === undefined || !Number.isFinite(value)
      ? ''
      : `<line class="${className}" x1="${left}" x2="${width - right}" y1="${at(y(value))}" y2="${at(y(value))}"><title>${label} ${formats.number(value)}</title></line>`;

  const marker = (type: typeof symbolTriangle) => symbol(type, MARKER_AREA)() ?? '';
  const stockMarks = points
    .filter(({ point }) => point.cause !== undefined)
    .map(({ point, time }) => {
      const label = point.cause === 'receipt' ? '入荷' : '棚卸修正';
      return `<path class="${point.cause}" d="${marker(symbolDiamond)}" transform="translate(${at(x(new Date(time)))},${at(y(point.quantity))})"><title>${label} ${formats.dateTime(point.at)}: 在庫 ${formats.number(point.quantity)}</title></path>`;
    })
    .join('');
  const orderMarks = orders
    .map(({ order, time }) => {
      const cx = at(x(new Date(time)));
      const label = order.kind === 'shadow' ? 'シャドー発注（未送信）' : '発注';
      const number = order.orderNumber ? ` ${e(order.orderNumber)}` : '';
      return `<g><line class="order-rule" x1="${cx}" x2="${cx}" y1="${plotTop}" y2="${plotBottom}"></line><path class="order-${order.kind}" d="${marker(symbolTriangle)}" transform="translate(${cx},${at(plotBottom - 8)})"></path><title>${label}${number} ${formats.dateTime(order.at)}: ${formats.number(order.quantity)}</title></g>`;
    })
    .join('');

  const name = `${item.sku}${item.name === item.sku ? '' : ` ${item.name}`}`;
  const placed = item.orders.filter((order) => order.kind === 'placed').length;
  const shadow = item.orders.length - placed;
  const latest = points.at(-1)?.point.quantity;
  const description =
    `${formats.dateTime(new Date(start).toISOString())} から ${formats.dateTime(new Date(end).toISOString())} までの在庫数。` +
    `最新の在庫 ${formats.number(latest)}、最小 ${formats.number(Math.min(...points.map(({ point }) => point.quantity)))}、` +
    `発注点（設定）${formats.number(item.reorderPoint)}、推奨発注点 ${formats.number(suggested)}、` +
    `推奨最大在庫 ${formats.number(suggestedMax)}、` +
    `発注 ${placed} 件${shadow > 0 ? `、シャドー発注 ${shadow} 件` : ''}。`;

  const legend = [
    legendEntry('<line class="stock" x1="2" x2="26" y1="7" y2="7"></line>', '在庫数'),
    item.reorderPoint === undefined
      ? ''
      : legendEntry('<line class="rop-set" x1="2" x2="26" y1="7" y2="7"></line>', '発注点（設定）'),
    suggested === undefined
      ? ''
      : legendEntry(
          '<line class="rop-suggested" x1="2" x2="26" y1="7" y2="7"></line>',
          '推奨発注点',
        ),
    suggestedMax === undefined
      ? ''
      : legendEntry(
          '<line class="max-suggested" x1="2" x2="26" y1="7" y2="7"></line>',
          '推奨最大在庫',
        ),
    placed > 0
      ? legendEntry(
          `<path class="order-placed" d="${marker(symbolTriangle)}" transform="translate(14,8)"></path>`,
          '発注',
        )
      : '',
    shadow > 0
      ? legendEntry(
          `<path class="order-shadow" d="${marker(symbolTriangle)}" transform="translate(14,8)"></path>`,
          'シャドー発注（未送信）',
        )
      : '',
    points.some(({ point }) => point.cause === 'receipt')
      ? legendEntry(
          `<path class="receipt" d="${marker(symbolDiamond)}" transform="translate(14,7)"></path>`,
          '入荷',
        )
      : '',
    points.some(({ point }) => point.cause === 'correction')
      ? legendEntry(
          `<path class="correction" d="${marker(symbolDiamond)}" transform="translate(14,7)"></path>`,
          '棚卸修正',
        )
      : '',
  ].join('');

  return `<figure>
<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-chart-title ${id}-chart-desc" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-chart-title">${e(name)}: 在庫の推移と発注点・発注</title>
<desc id="${id}-chart-desc">${description}</desc>
<g class="grid">${grid}</g>
<g class="axis"><line x1="${left}" x2="${width - right}" y1="${plotBottom}" y2="${plotBottom}"></line>${xTicks}</g>
<g class="axis"><line x1="${left}" x2="${left}" y1="${plotTop}" y2="${plotBottom}"></line>${yTicks}</g>
<text class="axis-title" transform="translate(14,${at((plotTop + plotBottom) / 2)}) rotate(-90)" text-anchor="middle">在庫数</text>
<text class="axis-title" x="${at((left + width - right) / 2)}" y="${height - 6}" text-anchor="middle">日付（${e(formats.timeZone)}）</text>
${orderMarks}
${horizontal(item.reorderPoint, 'rop-set', '発注点（設定）')}
${horizontal(suggested, 'rop-suggested', '推奨発注点')}
${horizontal(suggestedMax, 'max-suggested', '推奨最大在庫')}
<path class="stock" d="${stockPath}"></path>
${stockMarks}
</svg>
<figcaption><ul class="legend">${legend}</ul></figcaption>
</figure>`;
}

function legendEntry(swatch: string, label: string): string {
  return `<li><svg width="28" height="14" viewBox="0 0 28 14" aria-hidden="true">${swatch}</svg>${label}</li>`;
}

function suppliersSection(suppliers: readonly LearningReportSupplier[], formats: Formats): string {
  if (suppliers.length === 0) {
    return `<h2 id="suppliers">仕入先スコアカード</h2>\n<p class="empty">まだ仕入先への発注がありません。</p>`;
  }
  const rows = suppliers
    .map((supplier) => {
      const cell = (label: string, content: string, numeric = true) =>
        `<td data-label="${label}"${numeric ? ' class="num"' : ''}>${content}</td>`;
      const otif =
        supplier.otifRate === undefined
          ? '-（判定できる発注なし）'
          : `${formats.percent(supplier.otifRate)}（${supplier.onTimeInFull}/${supplier.judged}）`;
      const answer =
        supplier.medianAnswerHours === undefined
          ? '-'
          : `${formats.number(supplier.medianAnswerHours)} 時間`;
      const leadTime = supplier.leadTime;
      return `<tr data-supplier="${e(supplier.supplierCode)}">
<th scope="row">${e(supplier.supplierCode)}</th>
${cell('発注', `${supplier.orders} 件`)}
${cell('納期どおり全数納品率（OTIF）', otif)}
${cell('回答', `${supplier.answered} 件`)}
${cell('回答までの時間（中央値）', answer)}
${cell('リードタイム（平均）', leadTime ? `${formats.number(leadTime.mean)} 営業日` : '-')}
${cell('リードタイムのばらつき（標準偏差）', leadTime ? `${formats.number(leadTime.standardDeviation)} 営業日` : '-')}
${cell('入荷', leadTime ? `${leadTime.receipts} 件` : '0 件')}
</tr>`;
    })
    .join('\n');
  return `<h2 id="suppliers">仕入先スコアカード</h2>
<p>OTIF は、希望納期の日までに全数が入荷した発注の割合です（全数入荷済み、または希望納期を過ぎた発注で判定）。回答までの時間は送信から最初の回答までの経過時間、リードタイムは送信から入荷までの営業日です。</p>
<table class="cards scorecard">
<thead><tr><th scope="col">仕入先</th><th scope="col">発注</th><th scope="col">納期どおり全数納品率（OTIF）</th><th scope="col">回答</th><th scope="col">回答までの時間（中央値）</th><th scope="col">リードタイム（平均）</th><th scope="col">ばらつき（標準偏差）</th><th scope="col">入荷</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

function shadowSection(shadow: readonly LearningReportShadowItem[], formats: Formats): string {
  if (shadow.length === 0) return '';
  const signed = (value: number | undefined, unit: string) =>
    value === undefined || !Number.isFinite(value)
      ? '-'
      : `${value > 0 ? '+' : ''}${formats.number(value)}${unit}`;
  const rows = shadow
    .map((entry) => {
      const cell = (label: string, content: string) =>
        `<td data-label="${label}" class="num">${content}</td>`;
      return `<tr data-sku="${e(entry.sku)}">
<th scope="row">${e(entry.sku)}<span class="meta">（アプリ ${e(entry.appId)}）</span></th>
${cell('シャドー発注', `${entry.shadow.count} 件・${formats.number(entry.shadow.quantity)}`)}
${cell('実際の発注', `${entry.actual.count} 件・${formats.number(entry.actual.quantity)}`)}
${cell('対応あり', `${entry.matched} 件`)}
${cell('シャドーのみ', `${entry.onlyShadow} 件`)}
${cell('実際のみ', `${entry.onlyActual} 件`)}
${cell('時期の差（中央値、実際 − シャドー）', signed(entry.medianTimingHours, ' 時間'))}
${cell('数量の差（中央値、実際 − シャドー）', signed(entry.medianQuantityDifference, ''))}
</tr>`;
    })
    .join('\n');
  return `<h2 id="shadow">シャドーモードの比較</h2>
<p>シャドーモードでブリッジが発注したはずの注文（送信していません）と、実際の発注の比較です。時期の差が正なら、実際の発注がブリッジより遅かったことを示します。</p>
<table class="cards shadow">
<thead><tr><th scope="col">品番</th><th scope="col">シャドー発注</th><th scope="col">実際の発注</th><th scope="col">対応あり</th><th scope="col">シャドーのみ</th><th scope="col">実際のみ</th><th scope="col">時期の差（中央値）</th><th scope="col">数量の差（中央値）</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}
