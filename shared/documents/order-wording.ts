import type { CompanyBlock, OrderLine, OrderRequest, ShipToBlock } from '../domain/order';
import type { OrderTotals } from '../domain/pricing';

/**
 * The wording an order request is written in, shared by the 発注依頼 email
 * (`shared/documents/order-email.ts`) and the fax 発注書 (`shared/documents/order-form-content.ts`),
 * so a supplier who gets both reads the same thing. Pure: values are cleaned by the function each
 * channel passes in (the email's `headerSafe`, the fax's `printable`).
 */

/** Opening sentence, after the addressee. */
export const ORDER_GREETING = 'いつもお世話になっております。下記のとおり発注いたします。';

/** Subject prefix and mark of a reminder of an unanswered order (the same order number). */
export const REMINDER_MARK = '【再送・ご確認のお願い】';

/** What a reminder says in place of the greeting: the same order, not a new one. */
export const REMINDER_GREETING =
  'いつもお世話になっております。先日お送りした下記の発注について、まだご回答をいただいておりません。' +
  '同じ発注番号の再送です (新しい発注ではありません)。ご確認のうえ、ご回答をお願いいたします。';
/** Caption of the order lines table. */
export const ORDER_TABLE_CAPTION = '発注明細';
/** Column headings of the order lines table. */
export const ORDER_TABLE_HEADERS = ['品番', '品名', '数量', '単位'] as const;
/**
 * A retry after a timeout can deliver the same request twice (the first attempt may have been
 * accepted); the order number is stable across retries, so the supplier can de-duplicate on it.
 */
export const ORDER_DUPLICATE_NOTE =
  '※同じ発注番号のご依頼が重複して届いた場合は、1件の発注としてお取り扱いください。';
/** Closing line. */
export const ORDER_CLOSING = '何卒よろしくお願いいたします。';
/** End mark after the closing line. */
export const ORDER_END_MARK = '以上';

/** Honorifics that already address the supplier; adding 御中 after them would be wrong. */
const HONORIFIC_SUFFIXES = ['御中', '様'] as const;
const QUANTITY_FORMAT = new Intl.NumberFormat('ja-JP');
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The supplier as addressed: `御中` is added unless the (already cleaned) name ends with an
 * honorific.
 *
 * @example
 * ```ts
 * addressSupplier('株式会社サンプル文具'); // '株式会社サンプル文具 御中'
 * addressSupplier('サンプル文具 御中'); // 'サンプル文具 御中'
 * ```
 */
export function addressSupplier(name: string): string {
  return HONORIFIC_SUFFIXES.some((suffix) => name.endsWith(suffix)) ? name : `${name} 御中`;
}

/** `84` → `84`, `1200` → `1,200`: a quantity with ja-JP grouping. */
export function formatQuantity(quantity: number): string {
  return QUANTITY_FORMAT.format(quantity);
}

/**
 * `2026-12-01` → `2026年12月1日`, the way dates are written in Japanese business letters.
 *
 * @throws RangeError when `isoDate` is not an existing `YYYY-MM-DD` calendar date; `field` names
 * it in the message.
 */
export function formatJapaneseDate(isoDate: string, field: string): string {
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

/**
 * The ordering company's block: name, address (with 〒 when there is a postal code), TEL, FAX,
 * E-mail, 担当, leaving out the optional ones that are empty once cleaned by `clean`.
 */
export function companyBlockLines(
  company: CompanyBlock,
  clean: (value: string) => string,
): string[] {
  const address = clean(company.address);
  const postalCode = clean(company.postalCode ?? '');
  const lines = [
    clean(company.name),
    postalCode === '' ? address : `〒${postalCode} ${address}`,
    `TEL：${clean(company.phone)}`,
  ];
  const fax = clean(company.fax ?? '');
  if (fax !== '') lines.push(`FAX：${fax}`);
  lines.push(`E-mail：${clean(company.email)}`);
  const contactName = clean(company.contactName ?? '');
  if (contactName !== '') lines.push(`担当：${contactName}`);
  return lines;
}

/** Headings of the money columns, after 単位. */
export const ORDER_PRICE_HEADERS = ['単価', '金額'] as const;
/** Heading of a line's own desired delivery date, when the lines' dates differ. */
export const ORDER_LINE_DATE_HEADER = '納品希望日';
/** After the order's desired delivery date when each line has its own. */
export const DATED_LINES_NOTE = '（明細ごとの納品希望日は明細表のとおり）';
/** Caption of the ship-to block. */
export const SHIP_TO_CAPTION = '納品先';
/** Marks a reduced-rate line (after its name) and the reduced rate's taxable amount. */
export const REDUCED_RATE_MARK = '※';
/** Says what the mark means, below the totals. */
export const REDUCED_RATE_LEGEND = '※印は軽減税率対象です。';
/** When some lines have a price and others not: a total over some lines would mislead. */
export const PARTIAL_PRICES_NOTE = '※単価未定の明細があるため、合計金額は記載しておりません。';
/** A priced order line whose own price is missing. */
export const PRICE_UNKNOWN = '未定';

const ROUNDING_WORDS: Readonly<Record<OrderTotals['rounding'], string>> = {
  floor: '切り捨てて',
  round: '四捨五入して',
  ceil: '切り上げて',
};

/** How the tax was rounded, in the words of an invoice. */
export function roundingNote(rounding: OrderTotals['rounding']): string {
  return `※消費税は税率ごとに合計し、1円未満を${ROUNDING_WORDS[rounding]}います。`;
}

const YEN_FORMAT = new Intl.NumberFormat('ja-JP', { maximumFractionDigits: 6 });

/** `1280` → `¥1,280`; a unit price of `0.5` → `¥0.5`. */
export function formatYen(value: number): string {
  return `¥${YEN_FORMAT.format(value)}`;
}

/** Which optional columns an order's lines table has. */
export interface LineColumns {
  /** 単価 and 金額: at least one line has a unit price. */
  priced: boolean;
  /** A 納品希望日 per line: the lines' dates differ. */
  dated: boolean;
}

export function lineColumnsOf(request: Pick<OrderRequest, 'lines'>): LineColumns {
  return {
    priced: request.lines.some((line) => line.unitPrice !== undefined),
    dated: request.lines.some((line) => line.desiredDeliveryDate !== undefined),
  };
}

/** The lines table's headings: 品番 品名 数量 単位, then 単価 金額 and 納品希望日 as present. */
export function orderTableHeaders(columns: LineColumns): string[] {
  return [
    ...ORDER_TABLE_HEADERS,
    ...(columns.priced ? ORDER_PRICE_HEADERS : []),
    ...(columns.dated ? [ORDER_LINE_DATE_HEADER] : []),
  ];
}

/** Whether a column (by its heading) holds numbers, which are right-aligned. */
export function isNumberColumn(heading: string): boolean {
  return heading === '数量' || heading === '単価' || heading === '金額';
}

/**
 * One line's cells under {@link orderTableHeaders}, each cleaned by `clean`. A reduced-rate
 * line's name ends in ※ on a priced order; a line of the order's common date has none of its
 * own and shows the order's.
 */
export function lineCells(
  line: OrderLine,
  columns: LineColumns,
  clean: (value: string) => string,
  orderDate: string,
): string[] {
  const reduced = columns.priced && line.taxClass === 'reduced';
  const cells = [
    clean(line.sku),
    `${clean(line.name)}${reduced ? ` ${REDUCED_RATE_MARK}` : ''}`,
    formatQuantity(line.quantity),
    clean(line.unit),
  ];
  if (columns.priced) {
    cells.push(
      line.unitPrice === undefined ? PRICE_UNKNOWN : formatYen(line.unitPrice),
      line.amount === undefined ? PRICE_UNKNOWN : formatYen(line.amount),
    );
  }
  if (columns.dated) {
    cells.push(
      formatJapaneseDate(line.desiredDeliveryDate ?? orderDate, 'lines[].desiredDeliveryDate'),
    );
  }
  return cells;
}

/** One row of the totals: label and amount. */
export type TotalsRow = readonly [label: string, value: string];

/**
 * 小計, then per rate `10%対象` and its `消費税`, then `合計（税込）`. The reduced rate's
 * taxable amount carries the ※ mark of its lines.
 */
export function totalsRows(totals: OrderTotals): TotalsRow[] {
  const rows: TotalsRow[] = [['小計', formatYen(totals.subtotal)]];
  for (const rate of totals.byRate) {
    const mark = rate.taxClass === 'reduced' ? `（${REDUCED_RATE_MARK}軽減税率）` : '';
    rows.push(
      [`${rate.ratePercent}%対象${mark}`, formatYen(rate.taxable)],
      [`消費税（${rate.ratePercent}%）`, formatYen(rate.tax)],
    );
  }
  rows.push(['合計（税込）', formatYen(totals.total)]);
  return rows;
}

/**
 * The sentences under the lines about money: what ※ means (when a line has it), how the tax
 * was rounded (with totals), or why there are no totals (some lines priced). None for an order
 * without prices.
 */
export function moneyNotes(request: Pick<OrderRequest, 'lines' | 'totals'>): string[] {
  const columns = lineColumnsOf(request);
  if (!columns.priced) return [];
  const notes: string[] = [];
  if (request.lines.some((line) => line.taxClass === 'reduced')) notes.push(REDUCED_RATE_LEGEND);
  if (request.totals !== undefined) notes.push(roundingNote(request.totals.rounding));
  else notes.push(PARTIAL_PRICES_NOTE);
  return notes;
}

/** The ship-to block: name, 〒 and address, TEL, 担当 as present, each cleaned by `clean`. */
export function shipToLines(shipTo: ShipToBlock, clean: (value: string) => string): string[] {
  const address = clean(shipTo.address);
  const postalCode = clean(shipTo.postalCode ?? '');
  const lines = [clean(shipTo.name), postalCode === '' ? address : `〒${postalCode} ${address}`];
  const phone = clean(shipTo.phone ?? '');
  if (phone !== '') lines.push(`TEL：${phone}`);
  const contact = clean(shipTo.contact ?? '');
  if (contact !== '') lines.push(`担当：${contact}`);
  return lines.filter((line) => line !== '');
}
