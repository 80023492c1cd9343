import {
  addressSupplier,
  companyBlockLines,
  formatJapaneseDate,
  formatQuantity,
  ORDER_CLOSING,
  ORDER_DUPLICATE_NOTE,
  ORDER_END_MARK,
  ORDER_GREETING,
  ORDER_TABLE_CAPTION,
  ORDER_TABLE_HEADERS,
} from './order-wording';
import type { OrderRequest } from '../domain/order';
import { safeSupplierPageUrl, SUPPLIER_PAGE_VALIDITY_NOTE } from './supplier-page-link';

/**
 * What the fax 発注書 says, before it is laid out: the same wording as the 発注依頼 email, both
 * taken from `shared/documents/order-wording.ts`, so a supplier who gets both reads the same thing.
 */

export { addressSupplier, formatJapaneseDate } from './order-wording';

/** Title printed at the top of the first page. */
export const ORDER_FORM_TITLE = '発注書';
/** Same sentence as the email's greeting. */
export const ORDER_FORM_GREETING = ORDER_GREETING;
/** Same caption as the email's table. */
export const ORDER_FORM_TABLE_CAPTION = ORDER_TABLE_CAPTION;
/** Column headings, in the email's order. */
export const ORDER_FORM_TABLE_HEADERS = ORDER_TABLE_HEADERS;
/**
 * A fax can be sent twice when a retry follows a timeout; the order number stays the same, so the
 * supplier can treat the copies as one order. Same sentence as the email.
 */
export const ORDER_FORM_DUPLICATE_NOTE = ORDER_DUPLICATE_NOTE;
/** Same closing line as the email. */
export const ORDER_FORM_CLOSING = ORDER_CLOSING;
/** Same end mark as the email. */
export const ORDER_FORM_END_MARK = ORDER_END_MARK;
/** Label of the notes box. */
export const ORDER_FORM_NOTES_LABEL = '備考';
/** Printed beside the QR code of the supplier's signed order page (issue 5). */
export const ORDER_FORM_QR_CAPTION =
  'スマートフォンでQRコードを読み取ると、受注・納期をご回答いただけます';
/** Below the caption: the page needs no account, and the link expires (as the email says). */
export const ORDER_FORM_QR_NOTES = ['ログインは不要です。', SUPPLIER_PAGE_VALIDITY_NOTE] as const;

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
          formatQuantity(line.quantity),
          printable(line.unit),
        ] as const,
    ),
    companyLines: companyBlockLines(request.company, printable),
    notes: [ORDER_FORM_DUPLICATE_NOTE],
    ...(supplierPageUrl === undefined ? {} : { supplierPageUrl }),
  };
}
