import escapeHtml from 'escape-html';
import {
  addressSupplier,
  companyBlockLines,
  DATED_LINES_NOTE,
  formatJapaneseDate,
  isNumberColumn,
  lineCells,
  lineColumnsOf,
  moneyNotes,
  ORDER_CLOSING as CLOSING,
  ORDER_DUPLICATE_NOTE as DUPLICATE_NOTE,
  ORDER_END_MARK as END_MARK,
  ORDER_GREETING as GREETING,
  ORDER_TABLE_CAPTION as TABLE_CAPTION,
  orderTableHeaders,
  REMINDER_GREETING,
  REMINDER_MARK,
  SHIP_TO_CAPTION,
  shipToLines,
  totalsRows,
  type TotalsRow,
} from './order-wording';
import type { OrderRequest } from '../domain/order';
import { headerSafe } from '../edge/header-safe';
import {
  safeSupplierPageUrl,
  SUPPLIER_PAGE_CALL_TO_ACTION,
  supplierPageValidityNote,
} from './supplier-page-link';

export { headerSafe } from '../edge/header-safe';

/** A rendered order request: one subject, and the same content as plain text and as HTML. */
export interface RenderedOrderEmail {
  subject: string;
  text: string;
  html: string;
}

/** Subject prefix Japanese purchasing departments filter on. */
export const ORDER_SUBJECT_PREFIX = '【発注依頼】';

/** The email's content before it is laid out, so text and HTML cannot drift apart. */
interface OrderEmailContent {
  salutation: string;
  /** The greeting, or a reminder's note that this is the same order sent again. */
  greeting: string;
  facts: ReadonlyArray<readonly [label: string, value: string]>;
  /** 納品先: name, address, TEL, 担当; empty without a ship-to. */
  shipToLines: readonly string[];
  /** 品番 品名 数量 単位, then 単価 金額 and 納品希望日 when the order has them. */
  headers: readonly string[];
  rows: ReadonlyArray<readonly string[]>;
  /** 小計, 消費税 per rate, 合計; empty without totals. */
  totals: readonly TotalsRow[];
  /** ※軽減税率, rounding, or why there is no total; empty for an order without prices. */
  moneyNotes: readonly string[];
  companyLines: readonly string[];
  /** The supplier page link, already checked by {@link safeSupplierPageUrl}; absent without one. */
  supplierPageUrl?: string;
  /** The link's expiry, `※このリンクは2026年12月31日まで有効です。`. */
  validityNote: string;
}

/**
 * Renders the 発注依頼 email for an order request. Pure: the same request always renders the
 * same email, so a retry sends exactly what the first attempt would have.
 *
 * Every value is passed through {@link headerSafe} (kintone single-line fields can still hold
 * line breaks); in the HTML every value is also escaped, so kintone data cannot inject markup.
 *
 * With `request.supplierPageUrl`, both bodies carry a call to action to the supplier's signed
 * order page (no login), after the order lines, with the date through which the link works
 * (`linkExpiresAt`). A URL that {@link safeSupplierPageUrl} refuses (not https, or plain http
 * outside localhost) is left out instead.
 *
 * With `request.shipTo` the 納品先 block comes before the lines; priced lines add 単価 and 金額
 * columns (※ after a reduced-rate item), `request.totals` adds 小計, 消費税 per rate and 合計
 * (in the HTML as the table's foot), and a line's own 納品希望日 is a column when the lines'
 * dates differ. An order without any unit price shows nothing about money.
 *
 * @throws RangeError when `orderDate` or `desiredDeliveryDate` is not a `YYYY-MM-DD` calendar date.
 *
 * @example
 * ```ts
 * const { subject, text, html } = renderOrderEmail(request);
 * // subject: '【発注依頼】PO-20261128-0001 株式会社サンプル文具'
 * ```
 */
export function renderOrderEmail(request: OrderRequest): RenderedOrderEmail {
  const prefix = request.reminder === true ? REMINDER_MARK : ORDER_SUBJECT_PREFIX;
  const subject = headerSafe(
    `${prefix}${headerSafe(request.orderNumber)} ${headerSafe(request.company.name)}`,
  );
  const supplierPageUrl = safeSupplierPageUrl(request.supplierPageUrl);
  const columns = lineColumnsOf(request);
  const content: OrderEmailContent = {
    salutation: addressSupplier(headerSafe(request.supplier.name)),
    greeting: request.reminder === true ? `${REMINDER_MARK}${REMINDER_GREETING}` : GREETING,
    facts: [
      ['発注番号', headerSafe(request.orderNumber)],
      ['発注日', formatJapaneseDate(request.orderDate, 'orderDate')],
      [
        '納品希望日',
        `${formatJapaneseDate(request.desiredDeliveryDate, 'desiredDeliveryDate')}${columns.dated ? DATED_LINES_NOTE : ''}`,
      ],
    ],
    shipToLines: request.shipTo === undefined ? [] : shipToLines(request.shipTo, headerSafe),
    headers: orderTableHeaders(columns),
    rows: request.lines.map((line) =>
      lineCells(line, columns, headerSafe, request.desiredDeliveryDate),
    ),
    totals: request.totals === undefined || !columns.priced ? [] : totalsRows(request.totals),
    moneyNotes: moneyNotes(request),
    companyLines: companyBlockLines(request.company, headerSafe),
    ...(supplierPageUrl === undefined ? {} : { supplierPageUrl }),
    validityNote: supplierPageValidityNote(request),
  };
  return { subject, text: renderText(content), html: renderHtml(subject, content) };
}

function renderText(content: OrderEmailContent): string {
  const tableLines = [content.headers, ...content.rows].map((cells) => cells.join(' | '));
  return [
    content.salutation,
    '',
    content.greeting,
    '',
    ...content.facts.map(([label, value]) => `${label}：${value}`),
    '',
    ...(content.shipToLines.length === 0
      ? []
      : [`【${SHIP_TO_CAPTION}】`, ...content.shipToLines, '']),
    `【${TABLE_CAPTION}】`,
    ...tableLines,
    '',
    ...(content.totals.length === 0
      ? []
      : [...content.totals.map(([label, value]) => `${label}：${value}`), '']),
    ...(content.moneyNotes.length === 0 ? [] : [...content.moneyNotes, '']),
    ...(content.supplierPageUrl === undefined
      ? []
      : [
          `【${SUPPLIER_PAGE_CALL_TO_ACTION}】`,
          // On a line of its own: mail clients turn it into a link only when nothing touches it.
          content.supplierPageUrl,
          content.validityNote,
          '',
        ]),
    DUPLICATE_NOTE,
    '',
    CLOSING,
    '',
    END_MARK,
    '',
    '----------------------------------------',
    ...content.companyLines,
    '',
  ].join('\n');
}

// Email clients drop <style> blocks and external CSS, so every style is inline.
const STYLE_BODY =
  'margin:0;padding:16px;background-color:#ffffff;color:#000000;' +
  "font-family:'Hiragino Sans','Hiragino Kaku Gothic ProN',Meiryo,sans-serif;" +
  'font-size:14px;line-height:1.6;';
const STYLE_P = 'margin:0 0 12px;color:#000000;';
const STYLE_FACT = 'margin:0;color:#000000;';
const STYLE_TABLE = 'border-collapse:collapse;margin:16px 0;color:#000000;';
const STYLE_CAPTION = 'text-align:left;font-weight:bold;padding:0 0 4px;color:#000000;';
const STYLE_CELL = 'border:1px solid #000000;padding:4px 8px;color:#000000;';
const STYLE_TH = `${STYLE_CELL}background-color:#f2f2f2;text-align:left;font-weight:bold;`;
const STYLE_TD_TEXT = `${STYLE_CELL}text-align:left;`;
const STYLE_TD_NUMBER = `${STYLE_CELL}text-align:right;`;
const STYLE_SHIP_TO = 'margin:12px 0;padding:8px 12px;border:1px solid #000000;color:#000000;';
const STYLE_HR = 'border:none;border-top:1px solid #000000;margin:16px 0;';
const STYLE_CTA_BOX = 'margin:16px 0;padding:12px 16px;border:2px solid #0b57d0;color:#000000;';
/**
 * A button-like link at least 44 px high (the smallest comfortable touch target), white on a
 * blue whose contrast with white is above 4.5:1 (WCAG AA).
 */
const STYLE_CTA_BUTTON =
  'display:inline-block;min-height:44px;padding:12px 20px;box-sizing:border-box;' +
  'background-color:#0b57d0;color:#ffffff;font-size:16px;font-weight:bold;line-height:20px;' +
  'text-decoration:none;border-radius:4px;';
/** The URL spelt out below the button, for clients that block buttons, and for copying. */
const STYLE_CTA_URL = 'margin:8px 0 0;color:#000000;word-break:break-all;font-size:13px;';
const STYLE_CTA_LINK = 'color:#0b57d0;text-decoration:underline;';

function renderHtml(subject: string, content: OrderEmailContent): string {
  const e = escapeHtml;
  const facts = content.facts
    .map(([label, value]) => `<p style="${STYLE_FACT}">${e(label)}：${e(value)}</p>`)
    .join('\n');
  const headerCells = content.headers
    .map((header) => `<th scope="col" style="${STYLE_TH}">${e(header)}</th>`)
    .join('');
  const numeric = content.headers.map(isNumberColumn);
  const bodyRows = content.rows
    .map((cells) => {
      const tds = cells.map((cell, index) => {
        const style = numeric[index] ? STYLE_TD_NUMBER : STYLE_TD_TEXT;
        return `<td style="${style}">${e(cell)}</td>`;
      });
      return `<tr>${tds.join('')}</tr>`;
    })
    .join('\n');
  // The totals sit under the amount column: a label cell spanning the columns before it.
  const amountColumn = content.headers.indexOf('金額');
  const after = content.headers.length - amountColumn - 1;
  const totalRows = content.totals
    .map(
      ([label, value], index) =>
        `<tr><th scope="row" colspan="${amountColumn}" style="${STYLE_TD_TEXT}text-align:right;${index === content.totals.length - 1 ? 'font-weight:bold;' : 'font-weight:normal;'}">${e(label)}</th>` +
        `<td style="${STYLE_TD_NUMBER}${index === content.totals.length - 1 ? 'font-weight:bold;' : ''}">${e(value)}</td>` +
        (after > 0 ? `<td colspan="${after}" style="${STYLE_TD_TEXT}"></td>` : '') +
        '</tr>',
    )
    .join('\n');
  const totals = totalRows === '' ? '' : `<tfoot>\n${totalRows}\n</tfoot>\n`;
  const moneyNotes = content.moneyNotes
    .map((note) => `<p style="${STYLE_FACT}">${e(note)}</p>\n`)
    .join('');
  const shipTo =
    content.shipToLines.length === 0
      ? ''
      : `<div style="${STYLE_SHIP_TO}">
<p style="${STYLE_FACT}font-weight:bold;">【${e(SHIP_TO_CAPTION)}】</p>
<p style="${STYLE_FACT}">${content.shipToLines.map((line) => e(line)).join('<br>\n')}</p>
</div>
`;
  const company = content.companyLines.map((line) => e(line)).join('<br>\n');
  const callToAction =
    content.supplierPageUrl === undefined
      ? ''
      : renderCallToAction(content.supplierPageUrl, content.validityNote);
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(subject)}</title>
</head>
<body style="${STYLE_BODY}">
<p style="${STYLE_P}">${e(content.salutation)}</p>
<p style="${STYLE_P}">${e(content.greeting)}</p>
${facts}
${shipTo}<table style="${STYLE_TABLE}">
<caption style="${STYLE_CAPTION}">${e(TABLE_CAPTION)}</caption>
<thead>
<tr>${headerCells}</tr>
</thead>
<tbody>
${bodyRows}
</tbody>
${totals}</table>
${moneyNotes}${callToAction}<p style="${STYLE_P}">${e(DUPLICATE_NOTE)}</p>
<p style="${STYLE_P}">${e(CLOSING)}</p>
<p style="${STYLE_P}">${e(END_MARK)}</p>
<hr style="${STYLE_HR}">
<p style="${STYLE_P}">${company}</p>
</body>
</html>
`;
}

/**
 * The supplier page block: a big link, the URL spelt out, and the validity note. `rel` keeps the
 * mail client from sending a referrer (the page sends `Referrer-Policy: no-referrer` itself).
 */
function renderCallToAction(url: string, validityNote: string): string {
  const e = escapeHtml;
  const href = e(url);
  return `<div style="${STYLE_CTA_BOX}">
<p style="${STYLE_FACT}"><a href="${href}" rel="noreferrer" style="${STYLE_CTA_BUTTON}">${e(SUPPLIER_PAGE_CALL_TO_ACTION)}</a></p>
<p style="${STYLE_CTA_URL}"><a href="${href}" rel="noreferrer" style="${STYLE_CTA_LINK}">${href}</a></p>
<p style="${STYLE_CTA_URL}">${e(validityNote)}</p>
</div>
`;
}
