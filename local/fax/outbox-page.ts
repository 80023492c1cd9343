import escapeHtml from 'escape-html';
import type { ReceivedFax } from './fax-index';

const STATUS_LABELS: Record<ReceivedFax['status'], string> = {
  queued: '送信中',
  success: '送信完了',
  failure: '送信失敗',
};

/** Short local time for operators in Japan, whatever the machine's time zone. */
const TIME_FORMAT = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  dateStyle: 'short',
  timeStyle: 'medium',
});

function time(iso: string | undefined): string {
  if (iso === undefined) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : TIME_FORMAT.format(date);
}

function callbackCell(fax: ReceivedFax): string {
  if (fax.callbackUrl === undefined) return 'なし';
  if (fax.callback === undefined) return '未送信';
  if (fax.callback.status !== undefined) return `HTTP ${fax.callback.status}`;
  return `失敗: ${fax.callback.error ?? '不明'}`;
}

/**
 * The emulator's outbox: every accepted fax, newest first, with a link to its PDF. Every value
 * comes from a request body, so all of it is HTML-escaped. Refreshes itself so operators see
 * the status change when the callback has gone out.
 */
export function renderOutboxPage(faxes: readonly ReceivedFax[], orderNumberTag: string): string {
  const rows = [...faxes]
    .reverse()
    .map((fax) => {
      const cells = [
        escapeHtml(String(fax.id)),
        escapeHtml(time(fax.createdAt)),
        escapeHtml(fax.to),
        escapeHtml(fax.tags[orderNumberTag] ?? ''),
        escapeHtml(
          fax.status === 'failure'
            ? `${STATUS_LABELS[fax.status]}（${fax.errorMessage ?? ''}）`
            : STATUS_LABELS[fax.status],
        ),
        escapeHtml(callbackCell(fax)),
        `<a href="/faxes/${fax.id}.pdf">${escapeHtml(fax.fileName)}</a> (${fax.numPages}枚)`,
      ];
      return `<tr>${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="5">
<title>FAX送信履歴（ローカル Phaxio）</title>
<style>
body { font-family: sans-serif; margin: 2rem; }
table { border-collapse: collapse; }
th, td { border: 1px solid #888; padding: 0.3rem 0.6rem; text-align: left; }
</style>
</head>
<body>
<h1>FAX送信履歴（ローカル Phaxio エミュレータ）</h1>
<p>${faxes.length === 0 ? 'まだFAXは送信されていません。' : `${faxes.length}件`}</p>
<table>
<thead><tr><th>ID</th><th>受付日時</th><th>宛先</th><th>発注番号</th><th>状態</th><th>コールバック</th><th>PDF</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}
