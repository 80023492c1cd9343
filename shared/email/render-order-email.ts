import escapeHtml from 'escape-html';
import type { CompanyBlock, OrderRequest } from '../domain/order';
import { headerSafe } from './header-safe';
import {
  safeSupplierPageUrl,
  SUPPLIER_PAGE_CALL_TO_ACTION,
  SUPPLIER_PAGE_VALIDITY_NOTE,
} from './supplier-page-link';

export { headerSafe } from './header-safe';

/** A rendered order request: one subject, and the same content as plain text and as HTML. */
export interface RenderedOrderEmail {
  subject: string;
  text: string;
  html: string;
}

/** Subject prefix Japanese purchasing departments filter on. */
export const ORDER_SUBJECT_PREFIX = '【発注依頼】';

const GREETING = 'いつもお世話になっております。下記のとおり発注いたします。';
const TABLE_CAPTION = '発注明細';
const TABLE_HEADERS = ['品番', '品名', '数量', '単位'] as const;
/** Index of 数量 in {@link TABLE_HEADERS}; numbers are right-aligned in the HTML table. */
const QUANTITY_COLUMN = 2;
/**
 * A retry after a timeout can deliver the same request twice (SES may have accepted the first
 * attempt); the order number is stable across retries, so the supplier can de-duplicate on it.
 */
const DUPLICATE_NOTE =
  '※同じ発注番号のご依頼が重複して届いた場合は、1件の発注としてお取り扱いください。';
const CLOSING = '何卒よろしくお願いいたします。';
const END_MARK = '以上';
/** Honorifics that already address the supplier; adding 御中 after them would be wrong. */
const HONORIFIC_SUFFIXES = ['御中', '様'] as const;

const QUANTITY_FORMAT = new Intl.NumberFormat('ja-JP');
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The email's content before it is laid out, so text and HTML cannot drift apart. */
interface OrderEmailContent {
  salutation: string;
  facts: ReadonlyArray<readonly [label: string, value: string]>;
  rows: ReadonlyArray<readonly string[]>;
  companyLines: readonly string[];
  /** The supplier page link, already checked by {@link safeSupplierPageUrl}; absent without one. */
  supplierPageUrl?: string;
}

/**
 * Renders the 発注依頼 email for an order request. Pure: the same request always renders the
 * same email, so a retry sends exactly what the first attempt would have.
 *
 * Every value is passed through {@link headerSafe} (kintone single-line fields can still hold
 * line breaks); in the HTML every value is also escaped, so kintone data cannot inject markup.
 *
 * With `request.supplierPageUrl`, both bodies carry a call to action to the supplier's signed
 * order page (no login), after the order lines. A URL that {@link safeSupplierPageUrl} refuses
 * (not https, or plain http outside localhost) is left out instead.
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
  const subject = headerSafe(
    `${ORDER_SUBJECT_PREFIX}${headerSafe(request.orderNumber)} ${headerSafe(request.company.name)}`,
  );
  const supplierPageUrl = safeSupplierPageUrl(request.supplierPageUrl);
  const content: OrderEmailContent = {
    salutation: addressSupplier(headerSafe(request.supplier.name)),
    facts: [
      ['発注番号', headerSafe(request.orderNumber)],
      ['発注日', formatJapaneseDate(request.orderDate, 'orderDate')],
      ['納品希望日', formatJapaneseDate(request.desiredDeliveryDate, 'desiredDeliveryDate')],
    ],
    rows: request.lines.map((line) => [
      headerSafe(line.sku),
      headerSafe(line.name),
      QUANTITY_FORMAT.format(line.quantity),
      headerSafe(line.unit),
    ]),
    companyLines: companyBlockLines(request.company),
    ...(supplierPageUrl === undefined ? {} : { supplierPageUrl }),
  };
  return { subject, text: renderText(content), html: renderHtml(subject, content) };
}

function addressSupplier(name: string): string {
  return HONORIFIC_SUFFIXES.some((suffix) => name.endsWith(suffix)) ? name : `${name} 御中`;
}

/** `2026-12-01` → `2026年12月1日`, the way dates are written in Japanese business letters. */
function formatJapaneseDate(isoDate: string, field: string): string {
  const match = ISO_DATE.exec(isoDate);
  const [year, month, day] = match ? match.slice(1).map(Number) : [];
  if (year === undefined || month === undefined || day === undefined) {
    throw new RangeError(`${field} "${isoDate}" is not a date in YYYY-MM-DD form; fix the order.`);
  }
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2026-02-30 over into March; a round trip catches such non-dates.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new RangeError(`${field} "${isoDate}" is not a calendar date; fix the order.`);
  }
  return `${year}年${month}月${day}日`;
}

function companyBlockLines(company: CompanyBlock): string[] {
  const address = headerSafe(company.address);
  const postalCode = headerSafe(company.postalCode ?? '');
  const lines = [
    headerSafe(company.name),
    postalCode === '' ? address : `〒${postalCode} ${address}`,
    `TEL：${headerSafe(company.phone)}`,
  ];
  const fax = headerSafe(company.fax ?? '');
  if (fax !== '') lines.push(`FAX：${fax}`);
  lines.push(`E-mail：${headerSafe(company.email)}`);
  const contactName = headerSafe(company.contactName ?? '');
  if (contactName !== '') lines.push(`担当：${contactName}`);
  return lines;
}

function renderText(content: OrderEmailContent): string {
  const tableLines = [TABLE_HEADERS, ...content.rows].map((cells) => cells.join(' | '));
  return [
    content.salutation,
    '',
    GREETING,
    '',
    ...content.facts.map(([label, value]) => `${label}：${value}`),
    '',
    `【${TABLE_CAPTION}】`,
    ...tableLines,
    '',
    ...(content.supplierPageUrl === undefined
      ? []
      : [
          `【${SUPPLIER_PAGE_CALL_TO_ACTION}】`,
          // On a line of its own: mail clients turn it into a link only when nothing touches it.
          content.supplierPageUrl,
          SUPPLIER_PAGE_VALIDITY_NOTE,
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
  const headerCells = TABLE_HEADERS.map(
    (header) => `<th scope="col" style="${STYLE_TH}">${e(header)}</th>`,
  ).join('');
  const bodyRows = content.rows
    .map((cells) => {
      const tds = cells.map((cell, index) => {
        const style = index === QUANTITY_COLUMN ? STYLE_TD_NUMBER : STYLE_TD_TEXT;
        return `<td style="${style}">${e(cell)}</td>`;
      });
      return `<tr>${tds.join('')}</tr>`;
    })
    .join('\n');
  const company = content.companyLines.map((line) => e(line)).join('<br>\n');
  const callToAction =
    content.supplierPageUrl === undefined ? '' : renderCallToAction(content.supplierPageUrl);
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(subject)}</title>
</head>
<body style="${STYLE_BODY}">
<p style="${STYLE_P}">${e(content.salutation)}</p>
<p style="${STYLE_P}">${e(GREETING)}</p>
${facts}
<table style="${STYLE_TABLE}">
<caption style="${STYLE_CAPTION}">${e(TABLE_CAPTION)}</caption>
<thead>
<tr>${headerCells}</tr>
</thead>
<tbody>
${bodyRows}
</tbody>
</table>
${callToAction}<p style="${STYLE_P}">${e(DUPLICATE_NOTE)}</p>
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
function renderCallToAction(url: string): string {
  const e = escapeHtml;
  const href = e(url);
  return `<div style="${STYLE_CTA_BOX}">
<p style="${STYLE_FACT}"><a href="${href}" rel="noreferrer" style="${STYLE_CTA_BUTTON}">${e(SUPPLIER_PAGE_CALL_TO_ACTION)}</a></p>
<p style="${STYLE_CTA_URL}"><a href="${href}" rel="noreferrer" style="${STYLE_CTA_LINK}">${href}</a></p>
<p style="${STYLE_CTA_URL}">${e(SUPPLIER_PAGE_VALIDITY_NOTE)}</p>
</div>
`;
}
