import type { CompanyBlock, OrderRequest } from '../domain/order';
import { safeSupplierPageUrl, SUPPLIER_PAGE_VALIDITY_NOTE } from '../email/supplier-page-link';

/**
 * What the fax 発注書 says, before it is laid out: the same wording as the 発注依頼 email
 * (`shared/email/render-order-email.ts`), so a supplier who gets both reads the same thing. The
 * email module keeps its sentences private; test/unit/order-pdf.test.ts checks that the two stay
 * word for word the same.
 */

/** Title printed at the top of the first page. */
export const ORDER_FORM_TITLE = '発注書';
/** Same sentence as the email's greeting. */
export const ORDER_FORM_GREETING = 'いつもお世話になっております。下記のとおり発注いたします。';
/** Same caption as the email's table. */
export const ORDER_FORM_TABLE_CAPTION = '発注明細';
/** Column headings, in the email's order. */
export const ORDER_FORM_TABLE_HEADERS = ['品番', '品名', '数量', '単位'] as const;
/**
 * A fax can be sent twice when a retry follows a timeout; the order number stays the same, so the
 * supplier can treat the copies as one order. Same sentence as the email.
 */
export const ORDER_FORM_DUPLICATE_NOTE =
  '※同じ発注番号のご依頼が重複して届いた場合は、1件の発注としてお取り扱いください。';
/** Same closing line as the email. */
export const ORDER_FORM_CLOSING = '何卒よろしくお願いいたします。';
/** Same end mark as the email. */
export const ORDER_FORM_END_MARK = '以上';
/** Label of the notes box. */
export const ORDER_FORM_NOTES_LABEL = '備考';
/** Printed beside the QR code of the supplier's signed order page (issue 5). */
export const ORDER_FORM_QR_CAPTION =
  'スマートフォンでQRコードを読み取ると、受注・納期をご回答いただけます';
/** Below the caption: the page needs no account, and the link expires (as the email says). */
export const ORDER_FORM_QR_NOTES = ['ログインは不要です。', SUPPLIER_PAGE_VALIDITY_NOTE] as const;

/** Honorifics that already address the supplier; adding 御中 after them would be wrong. */
const HONORIFIC_SUFFIXES = ['御中', '様'] as const;
const QUANTITY_FORMAT = new Intl.NumberFormat('ja-JP');
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Control and format characters (C0, DEL, C1, U+200B-U+200F, bidi overrides, U+FEFF ...), lone
 * surrogates and the Unicode line and paragraph separators. kintone values can hold any of
 * them; on a form they either break the layout (line breaks), reorder nothing because pdfkit
 * does no bidi (overrides), or print as a missing-glyph box.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/gu;
/** Runs of ASCII spaces; U+3000 (全角スペース) is left alone because it is part of Japanese names. */
const SPACE_RUN = / {2,}/g;

/** The content of one order form, every value already printable. */
export interface OrderFormContent {
  orderNumber: string;
  /** `株式会社サンプル文具 御中`. */
  addressee: string;
  /** `2026年11月28日`. */
  orderDate: string;
  /** `2026年12月1日`. */
  desiredDeliveryDate: string;
  /** Each row: 品番, 品名, 数量 (with ja-JP grouping), 単位. */
  rows: ReadonlyArray<readonly [sku: string, name: string, quantity: string, unit: string]>;
  /** The ordering company: name first, then address, TEL, FAX, E-mail, 担当 as present. */
  companyLines: readonly string[];
  /** Sentences for the 備考 box. The order's internal reason is deliberately not among them. */
  notes: readonly string[];
  /**
   * The supplier's signed order page, printed as a QR code with the URL beneath; absent when
   * the request has none or it is not a safe link (the check the email makes too).
   */
  supplierPageUrl?: string;
}

/**
 * Makes a kintone value printable on one line of a form: control, format and separator
 * characters become spaces, runs of spaces collapse to one, and the result is trimmed.
 *
 * @example
 * ```ts
 * printable('ボールペン\r\n黒\u202e'); // 'ボールペン 黒'
 * ```
 */
export function printable(value: string): string {
  return value.replace(UNPRINTABLE, ' ').replace(SPACE_RUN, ' ').trim();
}

/**
 * The supplier as addressed on the form: `御中` is added unless the name already ends with an
 * honorific (the same rule as the email).
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

function companyBlockLines(company: CompanyBlock): string[] {
  const address = printable(company.address);
  const postalCode = printable(company.postalCode ?? '');
  const lines = [
    printable(company.name),
    postalCode === '' ? address : `〒${postalCode} ${address}`,
    `TEL：${printable(company.phone)}`,
  ];
  const fax = printable(company.fax ?? '');
  if (fax !== '') lines.push(`FAX：${fax}`);
  lines.push(`E-mail：${printable(company.email)}`);
  const contactName = printable(company.contactName ?? '');
  if (contactName !== '') lines.push(`担当：${contactName}`);
  return lines;
}

/**
 * Everything the order form prints, from an order request. Pure. `request.reason` is internal
 * (it explains the stock arithmetic to staff) and is never part of the content.
 * `request.supplierPageUrl` is kept only when {@link safeSupplierPageUrl} accepts it.
 *
 * @throws RangeError when `orderDate` or `desiredDeliveryDate` is not a `YYYY-MM-DD` calendar date.
 *
 * @example
 * ```ts
 * const content = orderFormContent(request);
 * // content.addressee: '株式会社サンプル文具 御中', content.rows[0]: ['A-100', 'ボールペン 黒 0.5mm', '84', '本']
 * ```
 */
export function orderFormContent(request: OrderRequest): OrderFormContent {
  const supplierPageUrl = safeSupplierPageUrl(request.supplierPageUrl);
  return {
    orderNumber: printable(request.orderNumber),
    addressee: addressSupplier(printable(request.supplier.name)),
    orderDate: formatJapaneseDate(request.orderDate, 'orderDate'),
    desiredDeliveryDate: formatJapaneseDate(request.desiredDeliveryDate, 'desiredDeliveryDate'),
    rows: request.lines.map(
      (line) =>
        [
          printable(line.sku),
          printable(line.name),
          QUANTITY_FORMAT.format(line.quantity),
          printable(line.unit),
        ] as const,
    ),
    companyLines: companyBlockLines(request.company),
    notes: [ORDER_FORM_DUPLICATE_NOTE],
    ...(supplierPageUrl === undefined ? {} : { supplierPageUrl }),
  };
}
