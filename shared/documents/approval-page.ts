import escapeHtml from 'escape-html';
import type { OrderRequest } from '../domain/order';
import { privatePage } from './page-shell';

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

const STYLE = `*{box-sizing:border-box}
body{font-family:system-ui,"Hiragino Sans","Noto Sans CJK JP","Noto Sans JP",sans-serif;margin:0;padding:1rem;line-height:1.6;color:#1a1a1a;background:#f6f7f9}
main{max-width:46rem;margin:0 auto;background:#fff;padding:1rem 1.25rem;border:1px solid #dde1e6;border-radius:8px}
h1{font-size:1.35rem;line-height:1.4;margin:.25rem 0 1rem;overflow-wrap:anywhere}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:0 0 1rem}
.facts dt{font-weight:bold;color:#444}.facts dd{margin:0;overflow-wrap:anywhere}
.reason{background:#fff8e1;border-left:4px solid #f0b400;padding:.5rem .75rem;margin:0 0 1rem;overflow-wrap:anywhere}
.table-wrap{overflow-x:auto;margin:0 0 .5rem}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:bold;padding:0 0 .25rem}
td,th{border:1px solid #c8cdd3;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f4;white-space:nowrap}td.sku{white-space:nowrap}td.num,th.num{text-align:right;white-space:nowrap}
.total{font-size:1.1rem;text-align:right;margin:.5rem 0 1.25rem}
textarea{width:100%;font:inherit;padding:.4rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:.75rem 0 0}
button{font:inherit;font-size:1.05rem;font-weight:bold;padding:.7rem 1.4rem;border-radius:6px;cursor:pointer;min-height:2.75rem}
button.approve{background:#1b6e3a;color:#fff;border:1px solid #1b6e3a}
button.reject{background:#fff;color:#a3261b;border:1px solid #a3261b}
.status{padding:.75rem 1rem;background:#e8f4ec;border:1px solid #b7dcc3;border-radius:6px}
@media (max-width:30rem){body{padding:.5rem}main{padding:.75rem;border-radius:0}
.facts{grid-template-columns:1fr;gap:0}.facts dd{margin:0 0 .5rem}
.actions button{flex:1 1 100%}}`;

/** Renders the approval page. */
export function renderApprovalPage(view: ApprovalPageView): string {
  const { request } = view;
  const yen = (value: number) => `${value.toLocaleString('ja-JP')}円`;
  const rows = request.lines
    .map(
      (line) =>
        `<tr><td class="sku">${e(line.sku)}</td><td>${e(line.name)}</td><td class="num">${e(String(line.quantity))}${e(line.unit)}</td><td class="num">${line.unitPrice !== undefined ? e(yen(line.unitPrice)) : ''}</td><td class="num">${line.amount !== undefined ? e(yen(line.amount)) : ''}</td></tr>`,
    )
    .join('\n');
  const total = request.totals
    ? `<p class="total">合計 (税込): <strong>${e(yen(request.totals.total))}</strong></p>`
    : '';
  const shipTo = request.shipTo
    ? `<dt>納品先</dt><dd>${e(request.shipTo.name)}${
        request.shipTo.address
          ? `<br>${request.shipTo.postalCode ? `〒${e(request.shipTo.postalCode)} ` : ''}${e(request.shipTo.address)}`
          : ''
      }</dd>`
    : '';
  const form =
    view.state === 'awaiting'
      ? `<form method="post" action="${e(view.formAction)}">
<input type="hidden" name="${APPROVAL_FIELDS.nonce}" value="${e(view.formNonce)}">
<p><label for="reason">差し戻しの理由 (任意)</label><br><textarea id="reason" name="${APPROVAL_FIELDS.reason}" rows="3" maxlength="500"></textarea></p>
<div class="actions">
<button type="submit" class="approve" name="${APPROVAL_FIELDS.decision}" value="approve">承認して送信する</button>
<button type="submit" class="reject" name="${APPROVAL_FIELDS.decision}" value="reject">差し戻す</button>
</div>
</form>`
      : `<p class="status" role="status"><strong>${e(view.decidedText ?? 'この発注書は承認待ちではありません。')}</strong></p>`;
  return privatePage({
    lang: 'ja',
    title: `発注書 ${request.orderNumber} の承認`,
    cspNonce: view.cspNonce,
    style: STYLE,
    body: `<h1>発注書 ${e(request.orderNumber)} の承認</h1>
<dl class="facts"><dt>仕入先</dt><dd>${e(request.supplier.name)} 様</dd>${shipTo}</dl>
<p class="reason">承認が必要な理由: ${e(view.reason)}</p>
<div class="table-wrap" role="region" aria-labelledby="lines-caption" tabindex="0">
<table><caption id="lines-caption">発注明細</caption>
<thead><tr><th>品番</th><th>品名</th><th class="num">数量</th><th class="num">単価</th><th class="num">金額</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</div>
${total}
${form}`,
  });
}
