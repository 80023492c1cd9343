import escapeHtml from 'escape-html';
import type { CompanyBlock, OrderLine, OrderRequest, ShipToBlock } from '../domain/order';
import { formatYen, lineColumnsOf } from './order-wording';
import { linkValidThrough } from './supplier-page-link';
import {
  ANSWER_FIELDS,
  MAX_NOTE_LENGTH,
  lineLabel,
  lineQuantityField,
  type AnswerAction,
  type AnswerFieldError,
} from './order-page-form';
import { otherLang, pageText, type PageLang, type PageText } from './page-text';
import { privatePage } from './page-shell';
import {
  answerLineFor,
  type PartialAnswerLine,
  type SupplierAnswer,
} from '../domain/supplier-answer';

/**
 * The supplier's order page and its message pages, rendered on the server as complete HTML.
 *
 * There is no JavaScript at all: the page must work on any phone or office PC, and a strict CSP
 * (`script-src 'none'`) is then free. The one `<style>` block carries the caller's CSP nonce.
 * Every value that comes from kintone, the configuration or the supplier is escaped.
 */

/** Everything the order page shows. */
export interface OrderPageView {
  lang: PageLang;
  request: OrderRequest;
  /**
   * The answer on record, shown at the top ("ご回答済み") so a repeat visit shows it; the form
   * below is pre-filled with it, so changing one detail is quick. `at` is an ISO timestamp.
   */
  answer?: SupplierAnswer & { at: string };
  /** Where the form posts: the same `/o/<token>` path. */
  formAction: string;
  /** The per-render nonce the POST must echo (hidden field `nonce`). */
  formNonce: string;
  /** Nonce of the page's `<style>` block, as the Content-Security-Policy header names it. */
  cspNonce: string;
  /** The same page in the other language. */
  otherLangUrl: string;
  /** Messages from {@link parseAnswerForm}, shown in a summary at the top and at each field. */
  errors?: AnswerFieldError[];
  /** The posted values, re-filled after a validation error (takes precedence over `answer`). */
  values?: Record<string, string>;
  /** Goods received or order cancelled: no form, just the order and the answer on record. */
  closed?: boolean;
  /** Zone the answer time is shown in; the ordering company's (default Asia/Tokyo). */
  timeZone?: string;
  /**
   * A preview (`npm run preview`): a banner says so at the top, and that nothing is sent. The
   * caller gives a `formAction` that goes nowhere.
   */
  preview?: boolean;
}

/** A page with a title and one message: thank-you, invalid link, failure. */
export interface MessagePageView {
  lang: PageLang;
  title: string;
  message: string;
  cspNonce: string;
  /** `error` styles the page as a problem; default `ok`. */
  status?: 'ok' | 'error';
}

const DEFAULT_TIME_ZONE = 'Asia/Tokyo';
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A line's quantity field, `quantity-1`, `quantity-2`, ... (see {@link lineQuantityField}). */
const LINE_QUANTITY_FIELD = /^quantity-[1-9]\d*$/;
const QUANTITY_FORMAT = new Intl.NumberFormat('ja-JP', { maximumFractionDigits: 6 });

/** Answer kinds as the radio buttons name them. */
const ACTION_OF_KIND: Readonly<Record<SupplierAnswer['kind'], AnswerAction>> = {
  confirmed: 'confirm',
  partial: 'partial',
  declined: 'decline',
};

const e = escapeHtml;

/**
 * Mobile first: one column, 17px text, 48px-high controls and generous spacing; colours meet
 * WCAG AA contrast on white. `:has()` only highlights the chosen answer, so browsers without it
 * lose nothing but the highlight.
 */
const STYLE = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#fff;color:#111;font-family:system-ui,-apple-system,"Hiragino Sans","Hiragino Kaku Gothic ProN","Noto Sans JP",Meiryo,sans-serif;font-size:1.0625rem;line-height:1.7}
main{max-width:40rem;margin:0 auto;padding:0 1rem 2rem}
h1{font-size:1.5rem;line-height:1.35;margin:.25rem 0 1rem}
h2{font-size:1.25rem;line-height:1.4;margin:1.5rem 0 .5rem}
p{margin:0 0 1rem}
a{color:#0645ad;text-decoration:underline}
:focus-visible{outline:3px solid #fd0;outline-offset:2px;box-shadow:0 0 0 6px #111}
.lang{max-width:40rem;margin:0 auto;padding:0 1rem;text-align:right}
.lang a{display:inline-block;padding:.75rem .25rem;min-height:48px}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0 0 1rem}
.facts dt{font-weight:bold}
.facts dd{margin:0;overflow-wrap:anywhere}
.to{font-size:1.125rem;font-weight:bold}
.table-wrap{overflow-x:auto;margin:0 0 1rem}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:bold;padding:0 0 .25rem}
th,td{border:1px solid #555;padding:.5rem;text-align:left;vertical-align:top}
th{background:#eee}
td.num{text-align:right;white-space:nowrap}
address{font-style:normal;margin:0 0 1rem}
.pre{white-space:pre-wrap;overflow-wrap:anywhere}
.notice{border-left:6px solid #1d4f91;background:#eef3fa;padding:.75rem 1rem;margin:0 0 1.5rem}
.notice h2{margin-top:0}
.error-summary{border:4px solid #b00020;padding:1rem;margin:0 0 1.5rem}
.error-summary h2{margin-top:0;color:#b00020}
.error-summary ul{margin:0;padding-left:1.25rem}
.error-summary a{color:#b00020;font-weight:bold}
.error-message{color:#b00020;font-weight:bold;margin:.25rem 0}
fieldset{border:0;margin:0;padding:0;min-width:0}
legend{font-size:1.25rem;font-weight:bold;padding:0;margin:0 0 .75rem}
.choice{border:2px solid #555;border-radius:8px;padding:.75rem 1rem 1rem;margin:0 0 1rem}
.choice:has(> .choice-head input:checked){border-color:#1d4f91;box-shadow:0 0 0 2px #1d4f91}
.choice-head{display:flex;align-items:center;gap:.75rem}
.choice-head input{width:1.75rem;height:1.75rem;margin:0;flex:none;accent-color:#1d4f91}
.choice-head label{flex:1;font-size:1.2rem;font-weight:bold;padding:.5rem 0;min-height:48px;cursor:pointer}
.hint{color:#444;font-size:1rem;margin:0 0 .25rem}
.field{margin:1rem 0 0}
.field label{display:block;font-weight:bold}
.field input,.field textarea{display:block;width:100%;max-width:20rem;min-height:48px;padding:.5rem .75rem;font:inherit;color:#111;background:#fff;border:2px solid #333;border-radius:4px}
.field textarea{max-width:100%;min-height:7rem}
.field legend{font-size:inherit;line-height:inherit;margin:0}
.line-quantity{margin:.75rem 0 0}
.field--error input,.field--error textarea{border:3px solid #b00020}
button{display:block;width:100%;min-height:52px;margin:1.5rem 0 0;padding:.75rem 1.5rem;font:inherit;font-size:1.125rem;font-weight:bold;color:#fff;background:#00703c;border:0;border-radius:6px;cursor:pointer}
@media (min-width:40rem){button{display:inline-block;width:auto}}
@media (max-width:30rem){.table-wrap table{font-size:.875rem;line-height:1.5}.table-wrap th,.table-wrap td{padding:.35rem .3rem}.table-wrap thead th{white-space:nowrap}}
.message--error h1{color:#b00020}
.preview{border:4px dashed #8a4b00;background:#fff4e5;color:#111;padding:.75rem 1rem;margin:1rem 0}
.preview strong{font-size:1.25rem;color:#8a4b00}
.ship-to{border:2px solid #111;padding:.75rem 1rem;margin:0 0 1rem}
.ship-to h2{margin-top:0}
tfoot th{text-align:right;font-weight:normal}
tfoot tr.total th,tfoot tr.total td{font-weight:bold;border-top:3px double #111}
.money-notes{font-size:.9375rem;color:#333}
`.trim();

/**
 * Renders the order page: the order, the answer on record, and one form with the three
 * answers (受注する / 一部のみ受注する / 辞退する) as radio buttons.
 *
 * The fields under each answer carry no `required` attribute on purpose: without JavaScript a
 * browser enforces `required` on every field of the form whichever answer is chosen, so a
 * supplier declining could not send. Which fields an answer needs is said in the labels and
 * checked by {@link parseAnswerForm}.
 *
 * A single-line order's partial answer is one quantity below the ordered one. An order with
 * several lines (the rows of a SUBTABLE ordered together) asks under 一部のみ受注する for a
 * quantity per line instead, each labelled with the line's SKU and name, its ordered quantity
 * as hint and `max`, and that quantity as the starting value, so the supplier changes only the
 * lines that fall short.
 *
 * @example
 * ```ts
 * const html = renderOrderPage({
 *   lang: 'ja',
 *   request,
 *   formAction: `/o/${token}`,
 *   formNonce,
 *   cspNonce,
 *   otherLangUrl: `/o/${token}?lang=en`,
 * });
 * ```
 */
export function renderOrderPage(view: OrderPageView): string {
  const t = pageText(view.lang);
  const { request } = view;
  const body = [
    view.preview
      ? `<div class="preview" role="note"><strong>${e(t.previewTitle)}</strong><br>${e(t.previewMessage)}</div>`
      : '',
    `<h1>${e(t.orderTitle)}</h1>`,
    view.closed ? '' : errorSummary(t, view.errors ?? []),
    view.answer
      ? answerOnRecord(t, view.answer, request.lines, view.timeZone ?? DEFAULT_TIME_ZONE, {
          changeable: !view.closed,
        })
      : '',
    view.closed ? `<p class="notice">${e(t.closedNotice)}</p>` : '',
    orderFacts(t, request),
    request.shipTo ? shipToBlock(t, request.shipTo) : '',
    `<h2>${e(t.orderingCompany)}</h2>`,
    companyBlock(t, request.company),
    `<p class="to">${e(t.addressSupplier(request.supplier.name))}</p>`,
    linesTable(t, request),
    moneyNotes(t, request),
    view.closed ? '' : answerForm(t, view),
    view.closed ? '' : validityNote(t, request),
  ];
  return privatePage({
    style: STYLE,
    lang: view.lang,
    title: `${t.orderTitle} ${request.orderNumber}`,
    cspNonce: view.cspNonce,
    languageSwitch: { url: view.otherLangUrl, lang: otherLang(view.lang), label: t.otherLangLabel },
    body: body.filter((part) => part !== '').join('\n'),
  });
}

/**
 * Renders a page with a title and a message (thank-you and error pages).
 *
 * @example
 * ```ts
 * const text = pageText('ja');
 * renderMessagePage({ lang: 'ja', title: text.thankYouTitle, message: text.thankYouMessage, cspNonce });
 * ```
 */
export function renderMessagePage(view: MessagePageView): string {
  const status = view.status ?? 'ok';
  return privatePage({
    style: STYLE,
    lang: view.lang,
    title: view.title,
    cspNonce: view.cspNonce,
    body: `<div class="message message--${status}">
<h1>${e(view.title)}</h1>
<p>${e(view.message)}</p>
</div>`,
  });
}

/**
 * The one page for every link that does not open an order: malformed, tampered, expired or
 * unknown. It takes no order and no reason, so it cannot reveal which case applied or whether
 * an order exists.
 *
 * @example
 * ```ts
 * if (!verification.ok) return { statusCode: 404, body: invalidLinkPage(lang, cspNonce) };
 * ```
 */
export function invalidLinkPage(lang: PageLang, cspNonce: string): string {
  const t = pageText(lang);
  return renderMessagePage({
    lang,
    title: t.invalidLinkTitle,
    message: t.invalidLinkMessage,
    cspNonce,
    status: 'error',
  });
}

/**
 * The page shown after an answer has been saved.
 *
 * @example
 * ```ts
 * return { statusCode: 200, body: thankYouPage(lang, cspNonce) };
 * ```
 */
export function thankYouPage(lang: PageLang, cspNonce: string): string {
  const t = pageText(lang);
  return renderMessagePage({
    lang,
    title: t.thankYouTitle,
    message: t.thankYouMessage,
    cspNonce,
  });
}

function errorSummary(t: PageText, errors: readonly AnswerFieldError[]): string {
  if (errors.length === 0) return '';
  const items = errors.map((error) => {
    const target = fieldTarget(error.field);
    const message = e(error.message);
    return target ? `<li><a href="#${target}">${message}</a></li>` : `<li>${message}</li>`;
  });
  return `<div class="error-summary" role="alert" aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${e(t.errorSummaryTitle)}</h2>
<ul>
${items.join('\n')}
</ul>
</div>`;
}

/** The element an error summary entry jumps to; undefined for fields the page does not show. */
function fieldTarget(field: string): string | undefined {
  if (field === ANSWER_FIELDS.action) return 'action-confirm';
  // The lines taken together: the first line's input, so the link lands where to type.
  if (field === ANSWER_FIELDS.lineQuantities) return `f-${lineQuantityField(0)}`;
  return FORM_FIELDS.includes(field) || LINE_QUANTITY_FIELD.test(field) ? `f-${field}` : undefined;
}

const FORM_FIELDS: readonly string[] = [
  ANSWER_FIELDS.deliveryDate,
  ANSWER_FIELDS.partialDeliveryDate,
  ANSWER_FIELDS.quantity,
  ANSWER_FIELDS.note,
  ANSWER_FIELDS.reason,
];

function answerOnRecord(
  t: PageText,
  answer: SupplierAnswer & { at: string },
  lines: readonly OrderLine[],
  timeZone: string,
  { changeable }: { changeable: boolean },
): string {
  const rows: Array<[string, string, boolean?]> = [];
  switch (answer.kind) {
    case 'confirmed':
      rows.push([t.answer, t.confirm], [t.deliveryDate, formatDate(t, answer.deliveryDate)]);
      if (answer.note) rows.push([t.note, answer.note, true]);
      break;
    case 'partial':
      rows.push(
        [t.answer, t.partial],
        [t.deliveryDate, formatDate(t, answer.deliveryDate)],
        'quantity' in answer
          ? [t.partialQuantity, QUANTITY_FORMAT.format(answer.quantity)]
          : [t.partialQuantity, answeredLines(answer.lines, lines), true],
        [t.note, answer.note, true],
      );
      break;
    case 'declined':
      rows.push([t.answer, t.decline], [t.reason, answer.reason, true]);
      break;
  }
  const facts = rows
    .map(
      ([label, value, multiline]) =>
        `<dt>${e(label)}</dt><dd${multiline ? ' class="pre"' : ''}>${e(value)}</dd>`,
    )
    .join('\n');
  const at = `<time datetime="${e(answer.at)}">${e(formatDateTime(t, answer.at, timeZone))}</time>`;
  // The wording (and its brackets) differ per language; a placeholder the escaper leaves alone
  // puts the <time> element where that language wants the time.
  const title = e(t.answeredAt('\u0000')).replace('\u0000', at);
  return `<section class="notice" aria-labelledby="answered-title">
<h2 id="answered-title">${title}</h2>
<dl class="facts">
${facts}
</dl>${
    // A closed order has no form below: its notice says the answer can no longer change, and
    // an invitation to change it here would contradict that.
    changeable ? `\n<p>${e(t.answeredChangeHint)}</p>` : ''
  }
</section>`;
}

/** A multi-line partial answer, one line per order line: `B-201 トナー TN-29J: 2個`. */
function answeredLines(
  answered: readonly PartialAnswerLine[],
  lines: readonly OrderLine[],
): string {
  return lines
    .flatMap((line, index) => {
      const answer = answerLineFor(answered, line, index);
      if (answer === undefined) return [];
      return [`${lineLabel(line)}: ${QUANTITY_FORMAT.format(answer.quantity)}${line.unit}`];
    })
    .join('\n');
}

function orderFacts(t: PageText, request: OrderRequest): string {
  const dated = lineColumnsOf(request).dated;
  const facts: Array<[string, string]> = [
    [t.orderNumber, request.orderNumber],
    [t.orderDate, formatDate(t, request.orderDate)],
    [
      t.desiredDeliveryDate,
      `${formatDate(t, request.desiredDeliveryDate)}${dated ? t.datedLinesNote : ''}`,
    ],
  ];
  return `<dl class="facts">
${facts.map(([label, value]) => `<dt>${e(label)}</dt><dd>${e(value)}</dd>`).join('\n')}
</dl>`;
}

/** 納品先: where the goods go, boxed so it cannot be missed; TEL as a tap-to-call link. */
function shipToBlock(t: PageText, shipTo: ShipToBlock): string {
  const lines = [`<strong>${e(shipTo.name)}</strong>`];
  const postal = shipTo.postalCode ? `〒${shipTo.postalCode} ` : '';
  lines.push(e(`${postal}${shipTo.address}`));
  if (shipTo.phone) {
    const digits = shipTo.phone.replace(/[^0-9+]/g, '');
    const phone = digits ? `<a href="tel:${e(digits)}">${e(shipTo.phone)}</a>` : e(shipTo.phone);
    lines.push(`${e(t.companyPhone)}: ${phone}`);
  }
  if (shipTo.contact) lines.push(`${e(t.companyContact)}: ${e(shipTo.contact)}`);
  return `<section class="ship-to" aria-labelledby="ship-to-title">
<h2 id="ship-to-title">${e(t.shipTo)}</h2>
<address>
${lines.join('<br>\n')}
</address>
</section>`;
}

/** ※ legend, rounding, or why there is no total; nothing for an order without prices. */
function moneyNotes(t: PageText, request: OrderRequest): string {
  if (!lineColumnsOf(request).priced) return '';
  const notes: string[] = [];
  if (request.lines.some((line) => line.taxClass === 'reduced')) notes.push(t.reducedLegend);
  notes.push(request.totals ? t.roundingNote(request.totals.rounding) : t.partialPricesNote);
  return notes.map((note) => `<p class="money-notes">${e(note)}</p>`).join('\n');
}

/** Until when the link opens the page, when the order carries the link's expiry. */
function validityNote(t: PageText, request: OrderRequest): string {
  const through = linkValidThrough(request.linkExpiresAt, request.timeZone);
  return through === undefined
    ? ''
    : `<p class="hint">${e(t.linkValidThrough(formatDate(t, through)))}</p>`;
}

function companyBlock(t: PageText, company: CompanyBlock): string {
  const lines = [e(company.name)];
  const postal = company.postalCode ? `〒${company.postalCode} ` : '';
  lines.push(e(`${postal}${company.address}`));
  const phoneDigits = company.phone.replace(/[^0-9+]/g, '');
  const phone = phoneDigits
    ? `<a href="tel:${e(phoneDigits)}">${e(company.phone)}</a>`
    : e(company.phone);
  lines.push(`${e(t.companyPhone)}: ${phone}`);
  if (company.fax) lines.push(`${e(t.companyFax)}: ${e(company.fax)}`);
  lines.push(`${e(t.companyEmail)}: <a href="mailto:${e(company.email)}">${e(company.email)}</a>`);
  if (company.contactName) lines.push(`${e(t.companyContact)}: ${e(company.contactName)}`);
  return `<address>\n${lines.join('<br>\n')}\n</address>`;
}

function linesTable(t: PageText, request: OrderRequest): string {
  const { priced, dated } = lineColumnsOf(request);
  const headings = [
    t.sku,
    t.itemName,
    t.quantity,
    t.unit,
    ...(priced ? [t.unitPrice, t.amount] : []),
    ...(dated ? [t.lineDeliveryDate] : []),
  ];
  const head = headings.map((label) => `<th scope="col">${e(label)}</th>`).join('');
  const money = (value: number | undefined) =>
    `<td class="num">${e(value === undefined ? t.priceUnknown : formatYen(value))}</td>`;
  const rows = request.lines
    .map((line) => {
      const mark = priced && line.taxClass === 'reduced' ? t.reducedMark : '';
      const cells = [
        `<td>${e(line.sku)}</td>`,
        `<th scope="row">${e(line.name)}${e(mark)}</th>`,
        `<td class="num">${e(QUANTITY_FORMAT.format(line.quantity))}</td>`,
        `<td>${e(line.unit)}</td>`,
        ...(priced ? [money(line.unitPrice), money(line.amount)] : []),
        ...(dated
          ? [
              `<td>${e(formatDate(t, line.desiredDeliveryDate ?? request.desiredDeliveryDate))}</td>`,
            ]
          : []),
      ];
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  const foot = priced && request.totals ? totalsFoot(t, request.totals, dated) : '';
  // A wide table scrolls inside its own box on a phone; tabindex lets keyboards scroll it too.
  return `<div class="table-wrap" role="region" aria-labelledby="lines-caption" tabindex="0">
<table>
<caption id="lines-caption">${e(t.linesCaption)}</caption>
<thead>
<tr>${head}</tr>
</thead>
<tbody>
${rows}
</tbody>
${foot}</table>
</div>`;
}

/** 小計, per rate 対象 and 消費税, 合計: a label spanning the columns up to 金額, then the amount. */
function totalsFoot(
  t: PageText,
  totals: NonNullable<OrderRequest['totals']>,
  dated: boolean,
): string {
  const rows: Array<[string, number, boolean?]> = [[t.subtotal, totals.subtotal]];
  for (const rate of totals.byRate) {
    rows.push(
      [t.taxableAt(rate.ratePercent, rate.taxClass === 'reduced'), rate.taxable],
      [t.taxAt(rate.ratePercent), rate.tax],
    );
  }
  rows.push([t.total, totals.total, true]);
  const after = dated ? '<td></td>' : '';
  return `<tfoot>
${rows
  .map(
    ([label, value, total]) =>
      `<tr${total ? ' class="total"' : ''}><th scope="row" colspan="5">${e(label)}</th><td class="num">${e(formatYen(value))}</td>${after}</tr>`,
  )
  .join('\n')}
</tfoot>
`;
}

/** How one input of the form is drawn. */
interface InputSpec {
  name: string;
  label: string;
  hint?: string;
  control: 'date' | 'quantity' | 'textarea';
}

/** The quantities of an order with several lines, one per line: {@link lineQuantitiesField}. */
interface LinesSpec {
  name: string;
  label: string;
  hint: string;
  /** The hint under each line's input, given the line's ordered quantity with its unit. */
  orderedHint: (ordered: string) => string;
  control: 'lines';
}

type FieldSpec = InputSpec | LinesSpec;

function answerForm(t: PageText, view: OrderPageView): string {
  const values = view.values ?? (view.answer ? answerValues(view.answer, view.request.lines) : {});
  const errors = new Map<string, string>();
  for (const error of view.errors ?? []) {
    if (!errors.has(error.field)) errors.set(error.field, error.message);
  }
  const firstLine = view.request.lines[0];
  const ordered = firstLine ? `${QUANTITY_FORMAT.format(firstLine.quantity)}${firstLine.unit}` : '';
  const context: FormContext = { values, errors, maxQuantity: firstLine?.quantity };
  const required = t.requiredMark;
  const quantities: FieldSpec =
    view.request.lines.length > 1
      ? {
          name: ANSWER_FIELDS.lineQuantities,
          label: `${t.partialQuantity}${required}`,
          hint: t.lineQuantitiesHint,
          orderedHint: t.orderedQuantityHint,
          control: 'lines',
        }
      : {
          name: ANSWER_FIELDS.quantity,
          label: `${t.partialQuantity}${required}`,
          hint: ordered ? t.partialQuantityHint(ordered) : undefined,
          control: 'quantity',
        };

  const choices: Array<{ action: AnswerAction; label: string; hint: string; fields: FieldSpec[] }> =
    [
      {
        action: 'confirm',
        label: t.confirm,
        hint: t.confirmHint,
        fields: [
          {
            name: ANSWER_FIELDS.deliveryDate,
            label: `${t.deliveryDate}${required}`,
            hint: t.deliveryDateHint,
            control: 'date',
          },
        ],
      },
      {
        action: 'partial',
        label: t.partial,
        hint: t.partialHint,
        fields: [
          {
            name: ANSWER_FIELDS.partialDeliveryDate,
            label: `${t.deliveryDate}${required}`,
            hint: t.deliveryDateHint,
            control: 'date',
          },
          quantities,
          {
            name: ANSWER_FIELDS.note,
            label: `${t.note}${required}`,
            hint: t.partialNoteHint,
            control: 'textarea',
          },
        ],
      },
      {
        action: 'decline',
        label: t.decline,
        hint: t.declineHint,
        fields: [
          {
            name: ANSWER_FIELDS.reason,
            label: `${t.reason}${required}`,
            hint: t.reasonHint,
            control: 'textarea',
          },
        ],
      },
    ];

  const actionError = errors.get(ANSWER_FIELDS.action);
  const actionErrorHtml = actionError
    ? `<p class="error-message" id="err-action">${e(actionError)}</p>\n`
    : '';
  const renderedChoices = choices.map((choice) => {
    const id = `action-${choice.action}`;
    const describedBy = [`hint-${id}`, actionError ? 'err-action' : '']
      .filter((part) => part !== '')
      .join(' ');
    const checked = values[ANSWER_FIELDS.action] === choice.action ? ' checked' : '';
    return `<div class="choice">
<div class="choice-head">
<input type="radio" name="${ANSWER_FIELDS.action}" id="${id}" value="${choice.action}" aria-describedby="${describedBy}"${checked}>
<label for="${id}">${e(choice.label)}</label>
</div>
<p class="hint" id="hint-${id}">${e(choice.hint)}</p>
${choice.fields
  .map((field) =>
    field.control === 'lines'
      ? lineQuantitiesField(field, view.request.lines, context)
      : renderField(field, context),
  )
  .join('\n')}
</div>`;
  });

  // novalidate: the server's messages (in the page language, listed in the summary) replace
  // the browser's, which would also block fields of the answers that were not chosen.
  return `<form method="post" action="${e(view.formAction)}" novalidate>
<input type="hidden" name="${ANSWER_FIELDS.nonce}" value="${e(view.formNonce)}">
<fieldset>
<legend>${e(t.formLegend)}</legend>
${actionErrorHtml}${renderedChoices.join('\n')}
</fieldset>
<button type="submit">${e(t.submit)}</button>
</form>`;
}

interface FormContext {
  values: Record<string, string>;
  errors: ReadonlyMap<string, string>;
  maxQuantity: number | undefined;
}

function renderField(field: InputSpec, context: FormContext): string {
  const id = `f-${field.name}`;
  const error = context.errors.get(field.name);
  const value = Object.hasOwn(context.values, field.name) ? (context.values[field.name] ?? '') : '';
  const describedBy = [field.hint ? `hint-${field.name}` : '', error ? `err-${field.name}` : '']
    .filter((part) => part !== '')
    .join(' ');
  const aria = `${describedBy ? ` aria-describedby="${describedBy}"` : ''}${error ? ' aria-invalid="true"' : ''}`;
  let control: string;
  switch (field.control) {
    case 'date':
      control = `<input type="date" name="${field.name}" id="${id}" value="${e(value)}" autocomplete="off"${aria}>`;
      break;
    case 'quantity': {
      const max = context.maxQuantity !== undefined ? ` max="${context.maxQuantity}"` : '';
      control = `<input type="number" name="${field.name}" id="${id}" value="${e(value)}" min="1" step="any"${max} inputmode="decimal" autocomplete="off"${aria}>`;
      break;
    }
    case 'textarea':
      // The newline after the start tag is dropped by the HTML parser, so a value that itself
      // starts with a newline keeps it.
      control = `<textarea name="${field.name}" id="${id}" rows="4" maxlength="${MAX_NOTE_LENGTH}"${aria}>\n${e(value)}</textarea>`;
      break;
  }
  return `<div class="field${error ? ' field--error' : ''}">
<label for="${id}">${e(field.label)}</label>
${field.hint ? `<p class="hint" id="hint-${field.name}">${e(field.hint)}</p>\n` : ''}${error ? `<p class="error-message" id="err-${field.name}">${e(error)}</p>\n` : ''}${control}
</div>`;
}

/**
 * One quantity per order line under 一部のみ受注する, in a fieldset whose legend says what to
 * enter. Each input is labelled with its line's SKU and name and described by the ordered
 * quantity (also its `max`); a line without a value yet starts at the ordered quantity. A
 * message about the lines together (all in full, all 0) sits under the legend and describes
 * every input.
 */
function lineQuantitiesField(
  field: LinesSpec,
  lines: readonly OrderLine[],
  context: FormContext,
): string {
  const group = field.name;
  const groupError = context.errors.get(group);
  const inputs = lines.map((line, index) => {
    const name = lineQuantityField(index);
    const id = `f-${name}`;
    const error = context.errors.get(name);
    const value = Object.hasOwn(context.values, name)
      ? (context.values[name] ?? '')
      : String(line.quantity);
    const describedBy = [
      `hint-${name}`,
      error ? `err-${name}` : '',
      groupError ? `err-${group}` : '',
    ]
      .filter((part) => part !== '')
      .join(' ');
    const invalid = error || groupError ? ' aria-invalid="true"' : '';
    const ordered = `${QUANTITY_FORMAT.format(line.quantity)}${line.unit}`;
    return `<div class="line-quantity${error ? ' field--error' : ''}">
<label for="${id}">${e(lineLabel(line))}</label>
<p class="hint" id="hint-${name}">${e(field.orderedHint(ordered))}</p>
${error ? `<p class="error-message" id="err-${name}">${e(error)}</p>\n` : ''}<input type="number" name="${name}" id="${id}" value="${e(value)}" min="0" max="${line.quantity}" step="any" inputmode="decimal" autocomplete="off" aria-describedby="${describedBy}"${invalid}>
</div>`;
  });
  return `<fieldset class="field${groupError ? ' field--error' : ''}" id="f-${group}">
<legend>${e(field.label)}</legend>
<p class="hint" id="hint-${group}">${e(field.hint)}</p>
${groupError ? `<p class="error-message" id="err-${group}">${e(groupError)}</p>\n` : ''}${inputs.join('\n')}
</fieldset>`;
}

/** The form's values that reproduce an answer on record, so changing it starts from it. */
function answerValues(answer: SupplierAnswer, lines: readonly OrderLine[]): Record<string, string> {
  const action = ACTION_OF_KIND[answer.kind];
  switch (answer.kind) {
    case 'confirmed':
      return { [ANSWER_FIELDS.action]: action, [ANSWER_FIELDS.deliveryDate]: answer.deliveryDate };
    case 'partial': {
      const values: Record<string, string> = {
        [ANSWER_FIELDS.action]: action,
        [ANSWER_FIELDS.partialDeliveryDate]: answer.deliveryDate,
        [ANSWER_FIELDS.note]: answer.note,
      };
      if ('quantity' in answer) {
        values[ANSWER_FIELDS.quantity] = String(answer.quantity);
        return values;
      }
      lines.forEach((line, index) => {
        const answered = answerLineFor(answer.lines, line, index);
        if (answered !== undefined) values[lineQuantityField(index)] = String(answered.quantity);
      });
      return values;
    }
    case 'declined':
      return { [ANSWER_FIELDS.action]: action, [ANSWER_FIELDS.reason]: answer.reason };
  }
}

/** A stored `YYYY-MM-DD` as the language writes it; anything else is shown as it is. */
function formatDate(t: PageText, isoDate: string): string {
  const match = ISO_DATE.exec(isoDate);
  if (match === null) return isoDate;
  const [year, month, day] = match.slice(1).map(Number);
  if (year === undefined || month === undefined || day === undefined) return isoDate;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return isoDate;
  return t.formatDate(year, month, day);
}

/** An ISO timestamp as a local date and time in `timeZone`; shown as it is when unreadable. */
function formatDateTime(t: PageText, iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(date);
  } catch {
    // An unknown zone must not cost the supplier the page; the raw timestamp still informs.
    return iso;
  }
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  const day = t.formatDate(Number(part('year')), Number(part('month')), Number(part('day')));
  return `${day} ${part('hour')}:${part('minute')}`;
}
