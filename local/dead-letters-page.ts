/**
 * The local stack's page for operators: every dead letter and every parked notification, with
 * the record, the error, attempts and first/last failure, and one-click 再実行 (replay) and 破棄
 * (skip); then the fax function's dead letters (a fax job that failed every attempt), with the
 * order number, the error and the same two actions. Served as routes of the local HTTP API; `/dead-letters.json` keeps the JSON for
 * scripts.
 *
 * No JavaScript: the actions are plain forms. A POST must carry this process's random token
 * (a hidden field) and, when the browser sends one, this page's Origin, so another site cannot
 * make an operator's browser replay or discard anything. Every value is HTML-escaped, and the
 * Content-Security-Policy allows only the page's own stylesheet.
 *
 * @module
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import escapeHtml from 'escape-html';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { localPage } from './html-page';
import { handleParked, type ParkedSender } from '../scripts/lib/replay';
import { parseFaxJob } from '../shared/edge/fax-job-message';
import { describeQueuedMessage } from '../shared/edge/queued-notification';
import type {
  NotificationFailure,
  NotificationFailureLog,
} from '../shared/ports/notification-failures';
import type { LocalRoute } from './http-bridge';
import type { DeadLetter } from './queue/local-fifo-queue';

export const DEAD_LETTERS_PATH = '/dead-letters';
export const DEAD_LETTERS_JSON_PATH = '/dead-letters.json';
const FUNCTION_NAME = 'stock-alert-bridge-local-dead-letters';
const TOKEN_BYTES = 32;

/** The queue operations the page needs (the local FIFO queue has them). */
export interface DeadLetterQueue {
  deadLetters(): DeadLetter[];
  redrive(ids?: string[]): DeadLetter[];
  discard(ids: string[]): DeadLetter[];
  enqueue(message: { notificationId: string; groupId: string; body: string }): Promise<void>;
}

/** The fax queue's operations the page needs: its dead letters are replayed or dropped as they are. */
export type FaxDeadLetterQueue = Pick<DeadLetterQueue, 'deadLetters' | 'redrive' | 'discard'>;

/** Options of {@link deadLettersRoutes}. */
export interface DeadLettersPageOptions {
  queue: DeadLetterQueue;
  /** The fax function's queue, when faxes are configured. */
  faxQueue?: FaxDeadLetterQueue;
  failures: NotificationFailureLog;
  /** The record's page in kintone (local staff view or the real kintone). */
  recordUrl: (appId: string, recordId: string) => string;
  /** Time zone the times are shown in (the configuration's `timeZone`). */
  timeZone: string;
  /** The anti-forgery token; random per process unless a test fixes it. */
  csrfToken?: string;
  now?: () => number;
}

/** One row of the page: a dead letter, a parked notification or a fax job's dead letter. */
export interface FailureRow {
  kind: 'dead-letter' | 'parked' | 'fax-dead-letter';
  /** What the actions name: the message id of a dead letter, the notification id when parked. */
  id: string;
  /** For a fax job, its deduplication id (`fax:<order>` or `reminder:<order>:<n>`). */
  notificationId: string;
  /** The order a fax job is for. */
  orderNumber?: string;
  appId?: string;
  recordId?: string;
  type: string;
  error?: string;
  attempts?: number;
  /** Epoch milliseconds. */
  firstFailedAt?: number;
  lastFailedAt?: number;
}

/** Results the redirect after a POST reports; the page shows the matching sentence. */
const RESULTS = {
  replayed: '再実行しました: デッドレターをキューに戻しました（まもなく処理されます）。',
  requeued: '再実行しました: 保留中の通知をキューに入れ直しました（まもなく処理されます）。',
  'skipped-dead-letter': '破棄しました: デッドレターを削除し、失敗の記録を消しました。',
  'skipped-parked': '破棄しました: 保留中の通知と失敗の記録を削除しました。',
  'replayed-fax':
    '再実行しました: FAX の送信をキューに戻しました（まもなく送信されます。送信済みの FAX は二重に送られません）。',
  'skipped-fax':
    '破棄しました: FAX のデッドレターを削除しました。発注がまだ送信待ちなら、定期送信がもう一度 FAX に回します（前回から 5 分たってから）。',
  'not-found': '見つかりませんでした: すでに再実行または破棄されています。',
  'no-body': '再実行できません: この通知の本文は保存されていません。',
} as const;
type ResultCode = keyof typeof RESULTS;

/**
 * The routes: `GET /dead-letters` (HTML, or JSON with `Accept: application/json`),
 * `POST /dead-letters` (the actions) and `GET /dead-letters.json`.
 *
 * @example
 * startHttpBridge({ port, routes: [...deadLettersRoutes({ queue, failures, recordUrl, timeZone })] });
 */
export function deadLettersRoutes(options: DeadLettersPageOptions): LocalRoute[] {
  const token = options.csrfToken ?? randomBytes(TOKEN_BYTES).toString('base64url');
  const json = async (): Promise<APIGatewayProxyStructuredResultV2> => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(await deadLettersJson(options), null, 2),
  });
  return [
    {
      method: 'GET',
      path: DEAD_LETTERS_PATH,
      functionName: FUNCTION_NAME,
      handler: async (event) => {
        if ((event.headers.accept ?? '').includes('application/json')) return json();
        const rows = await failureRows(options);
        const result = event.queryStringParameters?.result;
        return htmlResponse(
          200,
          renderDeadLettersPage({
            rows,
            token,
            recordUrl: options.recordUrl,
            timeZone: options.timeZone,
            ...(result && result in RESULTS
              ? {
                  result: result as ResultCode,
                  resultId: event.queryStringParameters?.id ?? '',
                }
              : {}),
          }),
        );
      },
    },
    { method: 'GET', path: DEAD_LETTERS_JSON_PATH, functionName: FUNCTION_NAME, handler: json },
    {
      method: 'POST',
      path: DEAD_LETTERS_PATH,
      functionName: FUNCTION_NAME,
      handler: async (event) => {
        if (!sameOrigin(event)) {
          return htmlResponse(403, errorPage('別のサイトからの操作は受け付けません。'));
        }
        const form = new URLSearchParams(event.body ?? '');
        if (!tokenMatches(form.get('token') ?? '', token)) {
          return htmlResponse(
            403,
            errorPage(
              '操作の有効期限が切れました。ページを読み込み直してから、もう一度押してください。',
            ),
          );
        }
        const action = form.get('action');
        const kind = form.get('kind');
        const id = form.get('id') ?? '';
        if ((action !== 'replay' && action !== 'skip') || !isRowKind(kind) || !id) {
          return htmlResponse(
            400,
            errorPage('操作が読み取れませんでした。ページから操作してください。'),
          );
        }
        const result = await act(options, action, kind, id);
        return {
          statusCode: 303,
          headers: {
            location: `${DEAD_LETTERS_PATH}?result=${result}&id=${encodeURIComponent(id)}`,
            'cache-control': 'no-store',
          },
          body: '',
        };
      },
    },
  ];
}

function isRowKind(kind: string | null): kind is FailureRow['kind'] {
  return kind === 'dead-letter' || kind === 'parked' || kind === 'fax-dead-letter';
}

async function act(
  options: DeadLettersPageOptions,
  action: 'replay' | 'skip',
  kind: FailureRow['kind'],
  id: string,
): Promise<ResultCode> {
  if (kind === 'fax-dead-letter') {
    const faxQueue = options.faxQueue;
    if (!faxQueue) return 'not-found';
    // Nothing to clear besides the letter: send-fax keeps its story in the order's own log.
    if (action === 'replay')
      return faxQueue.redrive([id]).length > 0 ? 'replayed-fax' : 'not-found';
    return faxQueue.discard([id]).length > 0 ? 'skipped-fax' : 'not-found';
  }
  if (kind === 'dead-letter') {
    if (action === 'replay')
      return options.queue.redrive([id]).length > 0 ? 'replayed' : 'not-found';
    const [removed] = options.queue.discard([id]);
    if (!removed) return 'not-found';
    await options.failures.clearFailure(notificationIdOf(removed));
    return 'skipped-dead-letter';
  }
  const send: ParkedSender = async (message) => {
    await options.queue.enqueue({
      notificationId: message.deduplicationId,
      groupId: message.groupId,
      body: message.body,
    });
    return message.deduplicationId;
  };
  const { results } = await handleParked({
    failures: options.failures,
    ids: [id],
    action: action === 'replay' ? 'requeue' : 'skip',
    send,
    ...(options.now ? { now: options.now } : {}),
  });
  const [result] = results;
  if (!result) return 'not-found';
  if (result.outcome === 'no-body') return 'no-body';
  return result.outcome === 'requeued' ? 'requeued' : 'skipped-parked';
}

/**
 * The rows: dead letters (oldest first) with what the failure log knows, falling back to the
 * queue's own view, then parked notifications (oldest first), then the fax queue's dead letters
 * (oldest first).
 */
export async function failureRows(options: {
  queue: Pick<DeadLetterQueue, 'deadLetters'>;
  faxQueue?: Pick<DeadLetterQueue, 'deadLetters'>;
  failures: NotificationFailureLog;
}): Promise<FailureRow[]> {
  const rows: FailureRow[] = [];
  for (const letter of options.queue.deadLetters()) {
    const notificationId = notificationIdOf(letter);
    const failure = await options.failures.findFailure(notificationId);
    const [groupApp, groupRecord] = letter.groupId.split(':');
    const appId = failure?.appId ?? groupApp;
    const recordId = failure?.recordId ?? groupRecord;
    const error = failure?.lastError ?? letter.lastError;
    rows.push({
      kind: 'dead-letter',
      id: letter.messageId,
      notificationId,
      ...(appId ? { appId } : {}),
      ...(recordId ? { recordId } : {}),
      type: failure?.type ?? describeQueuedMessage(letter.body).type ?? '?',
      ...(error === undefined ? {} : { error }),
      attempts: failure?.attempts ?? letter.receiveCount,
      firstFailedAt: failure ? Date.parse(failure.firstFailedAt) : letter.firstFailureAt,
      lastFailedAt: failure ? Date.parse(failure.lastFailedAt) : letter.lastFailureAt,
    });
  }
  for (const failure of await options.failures.listParked()) rows.push(parkedRow(failure));
  for (const letter of options.faxQueue?.deadLetters() ?? []) rows.push(faxDeadLetterRow(letter));
  return rows;
}

/** What a fax job was, in the staff's words; a body that is no fax job says so. */
const FAX_JOB_KINDS = { order: '発注依頼の FAX', reminder: '督促の FAX' } as const;

function faxDeadLetterRow(letter: DeadLetter): FailureRow {
  let type = '読めない FAX ジョブ';
  let orderNumber: string | undefined;
  try {
    const job = parseFaxJob(letter.body);
    type = FAX_JOB_KINDS[job.kind];
    orderNumber = job.orderNumber;
  } catch {
    // Shown as it is: the operator decides, and 破棄 removes it.
  }
  return {
    kind: 'fax-dead-letter',
    id: letter.messageId,
    notificationId: letter.deduplicationId,
    ...(orderNumber === undefined ? {} : { orderNumber }),
    type,
    // send-fax reports a failed job to the queue without its text (as to SQS); the error is in
    // its log, one "fax job failed" line per attempt.
    error: letter.lastError ?? 'エラーの内容は send-fax のログにあります（"fax job failed"）',
    attempts: letter.receiveCount,
    firstFailedAt: letter.firstFailureAt,
    lastFailedAt: letter.lastFailureAt,
  };
}

function parkedRow(failure: NotificationFailure): FailureRow {
  return {
    kind: 'parked',
    id: failure.notificationId,
    notificationId: failure.notificationId,
    ...(failure.appId ? { appId: failure.appId } : {}),
    ...(failure.recordId ? { recordId: failure.recordId } : {}),
    type: failure.type ?? '?',
    error: failure.lastError,
    attempts: failure.attempts,
    firstFailedAt: Date.parse(failure.firstFailedAt),
    lastFailedAt: Date.parse(failure.lastFailedAt),
  };
}

/** The JSON for scripts: the dead letters as before (each with its `failure`), and the parked. */
async function deadLettersJson(options: DeadLettersPageOptions) {
  const deadLetters = [];
  for (const letter of options.queue.deadLetters()) {
    const failure = await options.failures.findFailure(notificationIdOf(letter));
    deadLetters.push({ ...letter, ...(failure ? { failure } : {}) });
  }
  // Bodies of parked notifications stay out: the page and the replay are how they are used.
  const parked = (await options.failures.listParked()).map(({ body: _body, ...rest }) => rest);
  return { deadLetters, parked, faxDeadLetters: options.faxQueue?.deadLetters() ?? [] };
}

function notificationIdOf(letter: DeadLetter): string {
  return describeQueuedMessage(letter.body).notificationId ?? letter.deduplicationId;
}

/** True unless the browser says the form was posted from another origin. */
function sameOrigin(event: APIGatewayProxyEventV2): boolean {
  const origin = event.headers.origin;
  // Browsers send Origin on every cross-site POST; a missing one is curl or an old browser,
  // which the token alone then guards.
  if (origin === undefined) return true;
  const host = event.headers.host;
  return host !== undefined && origin === `http://${host}`;
}

function tokenMatches(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, which timingSafeEqual needs.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

// The one style the page may use (allowed by its hash). On a phone each row becomes a card
// whose cells are labelled, instead of eight columns a character wide.
const STYLESHEET = `
body { font-family: system-ui, "Noto Sans JP", sans-serif; margin: 1.5rem; color: #1f2328; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border: 1px solid #d0d7de; padding: 0.4rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.error { max-width: 28rem; overflow-wrap: anywhere; color: #a40e26; }
code { font-size: 0.8rem; overflow-wrap: anywhere; }
.result { padding: 0.6rem 0.8rem; border: 1px solid #1a7f37; background: #dafbe1; margin: 1rem 0; }
.empty { color: #57606a; }
form { display: inline; margin: 0; }
button { margin: 0.1rem; padding: 0.3rem 0.7rem; font-size: 0.9rem; cursor: pointer; }
button.skip { color: #a40e26; }
@media (max-width: 44rem) {
  body { margin: 1rem; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table, tbody, tr, td { display: block; }
  tr { border: 1px solid #d0d7de; margin-bottom: 0.8rem; }
  td { border: none; border-top: 1px solid #eaeef2; }
  td:first-child { border-top: none; }
  td.error { max-width: none; }
  td[data-label]::before { content: attr(data-label); display: block; font-size: 0.75rem; color: #57606a; }
  button { padding: 0.5rem 1rem; }
}
`;
/** Forms post back to the page, so the browser must send its Origin (not `null`). */
const FRAME = localPage(STYLESHEET, { formAction: 'self', referrerPolicy: 'same-origin' });

function htmlResponse(statusCode: number, body: string): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { ...FRAME.headers }, body };
}

function layout(title: string, content: string): string {
  return FRAME.document(title, content);
}

function errorPage(message: string): string {
  return layout(
    'stock-alert-bridge: 操作できません',
    `<h1>操作できません</h1>\n<p>${escapeHtml(message)}</p>\n<p><a href="${DEAD_LETTERS_PATH}">失敗した通知の一覧に戻る</a></p>`,
  );
}

/** What {@link renderDeadLettersPage} shows. */
export interface DeadLettersPageModel {
  rows: FailureRow[];
  token: string;
  recordUrl: (appId: string, recordId: string) => string;
  timeZone: string;
  result?: ResultCode;
  resultId?: string;
}

/**
 * The HTML page: a result line after an action, then a table of dead letters and one of parked
 * notifications.
 */
export function renderDeadLettersPage(model: DeadLettersPageModel): string {
  const format = new Intl.DateTimeFormat('ja-JP', {
    timeZone: model.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const time = (millis: number | undefined) =>
    millis === undefined || Number.isNaN(millis) ? '-' : escapeHtml(format.format(millis));
  const section = (kind: FailureRow['kind'], title: string, empty: string) => {
    const rows = model.rows.filter((row) => row.kind === kind);
    if (rows.length === 0) return `<h2>${title}</h2>\n<p class="empty">${empty}</p>`;
    const body = rows.map((row) => renderRow(row, model, time)).join('\n');
    return `<h2>${title}（${rows.length} 件）</h2>
<table>
<thead><tr><th>レコード</th><th>アプリ</th><th>通知の種類</th><th>エラー</th><th>失敗回数</th><th>最初の失敗</th><th>最後の失敗</th><th>操作</th></tr></thead>
<tbody>
${body}
</tbody>
</table>`;
  };
  const result = model.result
    ? `<p class="result" role="status">${escapeHtml(RESULTS[model.result])}${model.resultId ? ` <code>${escapeHtml(model.resultId)}</code>` : ''}</p>`
    : '';
  return layout(
    'stock-alert-bridge: 失敗した通知',
    `<h1>失敗した通知（デッドレターと保留）</h1>
<p>原因を直してから「再実行」を押すと、通知をもう一度処理します（処理済みの通知は二重に発注されません）。「破棄」は通知を捨てます。時刻は ${escapeHtml(model.timeZone)}。</p>
${result}
${section('dead-letter', 'デッドレター', 'デッドレターはありません。')}
${section('parked', '保留中の通知（処理できない通知）', '保留中の通知はありません。')}
${section('fax-dead-letter', 'FAX のデッドレター（送信できなかった FAX）', 'FAX のデッドレターはありません。')}
<p><a href="${DEAD_LETTERS_JSON_PATH}">JSON</a></p>`,
  );
}

function renderRow(
  row: FailureRow,
  model: DeadLettersPageModel,
  time: (millis: number | undefined) => string,
): string {
  const record =
    row.appId !== undefined && row.recordId !== undefined
      ? `<a href="${escapeHtml(model.recordUrl(row.appId, row.recordId))}">レコード ${escapeHtml(row.recordId)}</a>`
      : row.orderNumber !== undefined
        ? `発注番号 ${escapeHtml(row.orderNumber)}`
        : '-';
  const action = (name: 'replay' | 'skip', label: string) =>
    `<form method="post" action="${DEAD_LETTERS_PATH}">` +
    `<input type="hidden" name="token" value="${escapeHtml(model.token)}">` +
    `<input type="hidden" name="action" value="${name}">` +
    `<input type="hidden" name="kind" value="${row.kind}">` +
    `<input type="hidden" name="id" value="${escapeHtml(row.id)}">` +
    `<button type="submit"${name === 'skip' ? ' class="skip"' : ''} aria-label="${label} ${escapeHtml(row.notificationId)}">${label}</button></form>`;
  const cell = (label: string, content: string, className?: string) =>
    `<td data-label="${label}"${className ? ` class="${className}"` : ''}>${content}</td>`;
  return `<tr data-notification-id="${escapeHtml(row.notificationId)}">
${cell('レコード', `${record}<br><code>${escapeHtml(row.notificationId)}</code>`)}
${cell('アプリ', escapeHtml(row.appId ?? '-'))}
${cell('通知の種類', escapeHtml(row.type))}
${cell('エラー', escapeHtml(row.error ?? '（記録なし）'), 'error')}
${cell('失敗回数', String(row.attempts ?? '-'))}
${cell('最初の失敗', time(row.firstFailedAt))}
${cell('最後の失敗', time(row.lastFailedAt))}
${cell('操作', `${action('replay', '再実行')}${action('skip', '破棄')}`)}
</tr>`;
}
