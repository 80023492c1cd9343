import escapeHtml from 'escape-html';
import type { OrderRequest } from '../domain/order';

/**
 * The approver's one-click page (`/a/<token>`): the order (supplier, ship-to, lines, total) and,
 * while it awaits approval, a form with 承認 and 差し戻し (with an optional reason). GET only
 * shows; the form POSTs the decision with a single-use nonce.
 */

const e = escapeHtml;

/** Form field names of the approval page. */
export const APPROVAL_FIELDS = { nonce: 'nonce', decision: 'decision', reason: 'reason' } as const;

export interface ApprovalPageView {
  request: OrderRequest;
  /** Where the order stands: awaiting shows the form; else what was decided. */
  state: 'awaiting' | 'approved' | 'rejected' | 'other';
  /** Who decided and how, for a decided order. */
  decidedText?: string;
  reason: string;
  formAction: string;
  formNonce: string;
  cspNonce: string;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:1rem;max-width:46rem}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.3rem;text-align:left}
button{font-size:1.1rem;padding:.5rem 1.2rem;margin:.5rem .5rem 0 0}textarea{width:100%}`;

/** Renders the approval page. */
export function renderApprovalPage(view: ApprovalPageView): string {
  const { request } = view;
  const yen = (value: number) => `${value.toLocaleString('ja-JP')}円`;
  const rows = request.lines
    .map(
      (line) =>
        `<tr><td>${e(line.sku)}</td><td>${e(line.name)}</td><td>${e(String(line.quantity))}${e(line.unit)}</td><td>${line.unitPrice !== undefined ? e(yen(line.unitPrice)) : ''}</td><td>${line.amount !== undefined ? e(yen(line.amount)) : ''}</td></tr>`,
    )
    .join('\n');
  const total = request.totals
    ? `<p>合計 (税込): <strong>${e(yen(request.totals.total))}</strong></p>`
    : '';
  const form =
    view.state === 'awaiting'
      ? `<form method="post" action="${e(view.formAction)}">
<input type="hidden" name="${APPROVAL_FIELDS.nonce}" value="${e(view.formNonce)}">
<p><label for="reason">差し戻しの理由 (任意)</label><br><textarea id="reason" name="${APPROVAL_FIELDS.reason}" rows="3" maxlength="500"></textarea></p>
<button type="submit" name="${APPROVAL_FIELDS.decision}" value="approve">承認して送信する</button>
<button type="submit" name="${APPROVAL_FIELDS.decision}" value="reject">差し戻す</button>
</form>`
      : `<p role="status"><strong>${e(view.decidedText ?? 'この発注書は承認待ちではありません。')}</strong></p>`;
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>発注書 ${e(request.orderNumber)} の承認</title>
<style nonce="${e(view.cspNonce)}">${STYLE}</style>
</head>
<body>
<main>
<h1>発注書 ${e(request.orderNumber)} の承認</h1>
<p>仕入先: ${e(request.supplier.name)} 様${request.shipTo ? ` / 納品先: ${e(request.shipTo.name)}` : ''}</p>
<p>承認が必要な理由: ${e(view.reason)}</p>
<table><thead><tr><th>品番</th><th>品名</th><th>数量</th><th>単価</th><th>金額</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${total}
${form}
</main>
</body>
</html>
`;
}
