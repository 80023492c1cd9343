/**
 * Staff's view of the local kintone: read-only HTML pages showing each app's records, and one
 * record with every field and its comments, the way staff see them in kintone. It lets a
 * developer check what the bridge wrote back (発注状況, 発注番号, 納品予定日, the order comment)
 * without a kintone account. Nothing here writes: edits go through the REST API
 * (`npm run demo`), as the bridge's own do.
 *
 * The URLs are kintone's: `/k/` (the portal's app list), `/k/{appId}/` (the app's records) and
 * `/k/{appId}/show?record={id}` (one record). kintone itself puts the record id in the fragment
 * (`show#record=1`, as webhook notifications link it), which never reaches a server, so the
 * query form is the one to link to; `show` without it lists the app's records.
 *
 * The pages need no API token (the server listens on loopback only) and never show one: they
 * render records and comments only. Every value is escaped and the Content-Security-Policy
 * allows nothing but the one stylesheet (by hash), so a `<script>` typed into a field is text.
 */
import escapeHtml from 'escape-html';
import { localPage } from '../html-page';
import {
  isSubtable,
  SYSTEM_FIELD_TYPES,
  recordTitleOf,
  type LocalAppDefinition,
  type LocalAppField,
  type LocalFieldDefinition,
} from './app-definition';
import type { KintoneUser, RecordFieldJson, RecordJson, SubtableRowJson } from './record-store';

/** A comment as the view shows it (kintone's GET record/comments.json shape). */
export interface StaffViewComment {
  id: number;
  text: string;
  createdAt: string;
  creator: KintoneUser;
}

/** What the view reads: the apps, and their records and comments as the REST API gives them. */
export interface StaffViewSource {
  apps: readonly LocalAppDefinition[];
  /** The app's records by ascending id. */
  records(appId: string): RecordJson[];
  /** One record, or undefined when the app has no record with this id. */
  record(appId: string, id: number): RecordJson | undefined;
  comments(appId: string, id: number): StaffViewComment[];
  /** Time zone for DATETIME values and comment times, as kintone shows them to staff. */
  timeZone: string;
}

/** An HTML page of the view. */
export interface StaffPage {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** How many fields the list of records shows when the app does not name them. */
const DEFAULT_LIST_FIELD_COUNT = 6;

const STYLESHEET = `
body{font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans JP","Yu Gothic",sans-serif;margin:0;color:#333;background:#f5f5f5;font-size:15px;line-height:1.5}
header{background:#2d3a46;color:#fff;padding:.6rem 1.5rem}
header a{color:#fff}
nav{font-size:.9rem}
main{max-width:72rem;margin:1rem auto;padding:0 1.5rem}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.note{color:#666;font-size:.85rem}
table{border-collapse:collapse;background:#fff;width:100%;margin-bottom:1rem}
th,td{border:1px solid #ddd;padding:.35rem .6rem;text-align:left;vertical-align:top}
thead th,th[scope=row]{background:#eef1f4;font-weight:600;white-space:nowrap}
table.fields{max-width:48rem}
table.fields th{width:12rem}
td.value,li .text{white-space:pre-wrap;overflow-wrap:break-word}
table:not(.fields) td.number{text-align:right}
ol.comments{list-style:none;padding:0}
ol.comments li{background:#fff;border:1px solid #ddd;padding:.6rem .8rem;margin-bottom:.6rem}
.meta{color:#666;font-size:.85rem;margin:0 0 .3rem}
.text{margin:0}
`.trim();

/** No script, no images, no forms, no framing: the stylesheet above is all a page may use. */
const FRAME = localPage(STYLESHEET, { formAction: 'none', referrerPolicy: 'no-referrer' });

/** Types kintone maintains itself (record number, creator, …): shown apart from the form's fields. */
const SYSTEM_TYPES: ReadonlySet<string> = new Set(SYSTEM_FIELD_TYPES);

/** `/k/12/show?record=3`: the link to a record of the view, relative to the kintone base URL. */
export function staffRecordPath(appId: string, recordId: number | string): string {
  return `/k/${encodeURIComponent(appId)}/show?record=${encodeURIComponent(String(recordId))}`;
}

/**
 * The page for a GET request, or undefined when the path is not one of the view's (the REST
 * API answers those).
 *
 * @example
 * const page = staffViewPage(new URL('http://localhost/k/12/show?record=1'), source);
 * // page.status 200, page.body the record's fields and comments
 */
export function staffViewPage(url: URL, source: StaffViewSource): StaffPage | undefined {
  const path = url.pathname;
  if (path === '/' || path === '/k' || path === '/k/') return page(200, appListPage(source));
  const match = /^\/k\/([^/]+)(\/|\/show)?$/.exec(path);
  if (match === null) return undefined;
  const appId = decodeSegment(match[1] ?? '');
  const app = source.apps.find((candidate) => candidate.appId === appId);
  if (app === undefined) {
    return page(404, notFoundPage(`The local kintone has no app ${appId ?? ''}.`));
  }
  if (match[2] === undefined) {
    // kintone's app URL ends in a slash; relative links below rely on it.
    return { status: 301, headers: { ...FRAME.headers, location: `/k/${app.appId}/` }, body: '' };
  }
  const recordParam = url.searchParams.get('record');
  if (match[2] === '/show' && recordParam !== null) {
    const id = /^[1-9]\d{0,15}$/.test(recordParam) ? Number(recordParam) : undefined;
    const record = id === undefined ? undefined : source.record(app.appId, id);
    if (id === undefined || record === undefined) {
      return page(
        404,
        notFoundPage(`${app.name} (app ${app.appId}) has no record ${recordParam}.`, app),
      );
    }
    return page(200, recordPage(app, record, source.comments(app.appId, id), source.timeZone));
  }
  return page(200, recordListPage(app, source.records(app.appId), source.timeZone));
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function page(status: number, body: string): StaffPage {
  return { status, headers: { ...FRAME.headers }, body };
}

function layout(title: string, breadcrumbs: string[], content: string): string {
  return FRAME.document(
    `${title} | local kintone`,
    `<header><nav>${breadcrumbs.join(' › ')}</nav></header>
<main>
${content}
<p class="note">Read-only view of the local kintone (what staff would see in kintone). Records change through the REST API, e.g. <code>npm run demo -- low</code>.</p>
</main>`,
  );
}

const portalCrumb = '<a href="/k/">local kintone</a>';
const appCrumb = (app: LocalAppDefinition) =>
  `<a href="/k/${escapeHtml(encodeURIComponent(app.appId))}/">${escapeHtml(app.name)} (app ${escapeHtml(app.appId)})</a>`;

function appListPage(source: StaffViewSource): string {
  const rows = source.apps
    .map(
      (app) =>
        `<tr><td><a href="/k/${escapeHtml(encodeURIComponent(app.appId))}/">${escapeHtml(app.name)}</a></td><td class="number">${escapeHtml(app.appId)}</td><td class="number">${source.records(app.appId).length}</td></tr>`,
    )
    .join('\n');
  return layout(
    'アプリ',
    [portalCrumb],
    `<h1>アプリ</h1>
<table>
<thead><tr><th scope="col">アプリ</th><th scope="col">アプリID</th><th scope="col">レコード数</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`,
  );
}

/** The fields the list of records shows: the app's choice, else its first fields after kintone's own. */
function listFieldCodes(app: LocalAppDefinition): string[] {
  if (app.listFields !== undefined) return [...app.listFields];
  return Object.entries(app.fields)
    .filter(([, field]) => !SYSTEM_TYPES.has(field.type))
    .slice(0, DEFAULT_LIST_FIELD_COUNT)
    .map(([code]) => code);
}

function recordListPage(app: LocalAppDefinition, records: RecordJson[], timeZone: string): string {
  const codes = listFieldCodes(app);
  const header = codes
    .map((code) => `<th scope="col">${escapeHtml(labelOf(app.fields[code], code))}</th>`)
    .join('');
  // kintone lists the newest record first.
  const rows = [...records]
    .reverse()
    .map((record) => {
      const id = String(record.$id?.value ?? '');
      const cells = codes
        .map((code) => {
          const field = app.fields[code];
          const value = record[code];
          if (field === undefined || value === undefined) return '<td></td>';
          if (isSubtable(field)) {
            const count = Array.isArray(value.value) ? value.value.length : 0;
            return `<td class="number">${count} 行</td>`;
          }
          return valueCell(field, value, timeZone);
        })
        .join('');
      return `<tr><td class="number"><a href="${escapeHtml(staffRecordPath(app.appId, id))}">${escapeHtml(id)}</a></td>${cells}</tr>`;
    })
    .join('\n');
  return layout(
    app.name,
    [portalCrumb, appCrumb(app)],
    `<h1>${escapeHtml(app.name)}</h1>
<p class="note">${records.length} 件のレコード</p>
<table aria-label="レコード一覧">
<thead><tr><th scope="col">レコード番号</th>${header}</tr></thead>
<tbody>
${rows}
</tbody>
</table>`,
  );
}

function recordPage(
  app: LocalAppDefinition,
  record: RecordJson,
  comments: StaffViewComment[],
  timeZone: string,
): string {
  const id = String(record.$id?.value ?? '');
  const title = recordTitleOf(app, flatValues(record)) || `レコード ${id}`;
  const fieldRows: string[] = [];
  const tables: string[] = [];
  for (const [code, field] of Object.entries(app.fields)) {
    const value = record[code];
    if (isSubtable(field)) {
      tables.push(subtableSection(code, field.label, field.fields, value, timeZone));
      continue;
    }
    fieldRows.push(
      `<tr><th scope="row" title="${escapeHtml(code)}">${escapeHtml(field.label)}</th>${value === undefined ? '<td class="value"></td>' : valueCell(field, value, timeZone)}</tr>`,
    );
  }
  // kintone shows the newest comment first.
  const commentItems = [...comments]
    .sort((a, b) => b.id - a.id)
    .map(
      (comment) =>
        `<li id="comment-${comment.id}"><p class="meta">${escapeHtml(comment.creator.name)} · ${escapeHtml(formatDateTime(comment.createdAt, timeZone))}</p><p class="text">${escapeHtml(comment.text)}</p></li>`,
    )
    .join('\n');
  return layout(
    `${title} - ${app.name}`,
    [portalCrumb, appCrumb(app), `レコード ${escapeHtml(id)}`],
    `<h1>${escapeHtml(title)}</h1>
<table class="fields" aria-label="フィールド">
<tbody>
${fieldRows.join('\n')}
</tbody>
</table>
${tables.join('\n')}
<h2>コメント (${comments.length})</h2>
${comments.length === 0 ? '<p class="note">コメントはありません。</p>' : `<ol class="comments" aria-label="コメント">\n${commentItems}\n</ol>`}`,
  );
}

function subtableSection(
  code: string,
  label: string,
  fields: Record<string, LocalFieldDefinition>,
  value: RecordFieldJson | undefined,
  timeZone: string,
): string {
  const rows = Array.isArray(value?.value) ? (value.value as SubtableRowJson[]) : [];
  const columns = Object.entries(fields);
  const header = columns
    .map(
      ([rowCode, field]) =>
        `<th scope="col" title="${escapeHtml(rowCode)}">${escapeHtml(field.label)}</th>`,
    )
    .join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${columns
          .map(([rowCode, field]) => {
            const cell = row.value[rowCode];
            return cell === undefined ? '<td></td>' : valueCell(field, cell, timeZone);
          })
          .join('')}</tr>`,
    )
    .join('\n');
  return `<h2 title="${escapeHtml(code)}">${escapeHtml(label)}</h2>
<table class="subtable" aria-label="${escapeHtml(label)}">
<thead><tr>${header}</tr></thead>
<tbody>
${body}
</tbody>
</table>`;
}

function labelOf(field: LocalAppField | undefined, code: string): string {
  return field?.label ?? code;
}

/** One value as staff read it: users by name, lists joined, times in the local time zone. */
function valueCell(
  field: LocalFieldDefinition,
  value: RecordFieldJson | { type: string; value: string },
  timeZone: string,
): string {
  const numeric = field.type === 'NUMBER' || field.type === 'RECORD_NUMBER';
  return `<td class="${numeric ? 'value number' : 'value'}">${escapeHtml(displayValue(field, value.value, timeZone))}</td>`;
}

function displayValue(
  field: LocalFieldDefinition,
  value: RecordFieldJson['value'],
  timeZone: string,
): string {
  if (typeof value === 'string') {
    // RICH_TEXT is shown as its source text: the view renders no HTML from records.
    return field.type === 'DATETIME' ||
      field.type === 'CREATED_TIME' ||
      field.type === 'UPDATED_TIME'
      ? formatDateTime(value, timeZone)
      : value;
  }
  if (Array.isArray(value)) {
    return value
      .map((item) => (typeof item === 'string' ? item : 'name' in item ? item.name : ''))
      .join(', ');
  }
  return value.name;
}

/** `2026-11-29T06:20:00Z` as `2026-11-29 15:20` in Asia/Tokyo; an unparsable value as it is. */
export function formatDateTime(value: string, timeZone: string): string {
  if (value === '') return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

function flatValues(record: RecordJson): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).flatMap(([code, field]) =>
      typeof field.value === 'string' ? [[code, field.value]] : [],
    ),
  );
}

function notFoundPage(message: string, app?: LocalAppDefinition): string {
  return layout(
    '見つかりません',
    app ? [portalCrumb, appCrumb(app)] : [portalCrumb],
    `<h1>見つかりません</h1>
<p>${escapeHtml(message)}</p>`,
  );
}
