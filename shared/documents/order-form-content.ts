import {
  addressSupplier,
  companyBlockLines,
  DATED_LINES_NOTE,
  formatJapaneseDate,
  lineCells,
  lineColumnsOf,
  moneyNotes,
  orderTableHeaders,
  shipToLines,
  totalsRows,
  type TotalsRow,
  ORDER_CLOSING,
  ORDER_DUPLICATE_NOTE,
  ORDER_END_MARK,
  ORDER_GREETING,
  ORDER_TABLE_CAPTION,
  ORDER_TABLE_HEADERS,
  REMINDER_GREETING,
  REMINDER_MARK,
} from './order-wording';
import type { OrderRequest } from '../domain/order';
import {
  safeSupplierPageUrl,
  SUPPLIER_PAGE_VALIDITY_NOTE,
  supplierPageValidityNote,
} from './supplier-page-link';

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
/**
 * Below the caption: the page needs no account, and the link expires (as the email says). The
 * form prints the dated sentence when the request carries the link's expiry (`qrNotes`).
 */
export const ORDER_FORM_QR_NOTES = ['ログインは不要です。', SUPPLIER_PAGE_VALIDITY_NOTE] as const;

/** Title of the fax-back reply section (注文請書), for suppliers who answer by fax. */
export const ORDER_FORM_REPLY_TITLE = '注文請書（受注確認欄）';
/** What the supplier does with the reply section. */
export const ORDER_FORM_REPLY_INSTRUCTION =
  '下記にご記入・ご捺印のうえ、このページをFAXでご返信ください。';
/** The three answers, as check boxes. */
export const ORDER_FORM_REPLY_CHOICES = [
  '全数お受けします',
  '一部お受けします',
  'お受けできません',
] as const;
/** Field labels of the reply section. */
export const ORDER_FORM_REPLY_FIELDS = {
  deliveryDate: '納品予定日',
  quantity: '受注数量',
  company: '会社名',
  contact: 'ご担当者名',
  note: '備考',
  seal: '印',
} as const;
/** A multi-line order's partial quantities go beside each line's ordered quantity. */
export const ORDER_FORM_REPLY_LINES_HINT =
  '一部のみお受けの場合は、明細表の数量の横にお受けできる数量をご記入ください。';
/** The blank a date is written into: 年, 月, 日 with room between. */
export const ORDER_FORM_REPLY_DATE_BLANK = '　　　　年　　　月　　　日';

/** What the fax-back reply section prints. */
export interface ReplySectionContent {
  /** `FAX返信先：03-0000-2222`; absent when the company has no fax. */
  faxBack?: string;
  /** `株式会社デモ商事 購買部 山田 宛`: who reads the reply. */
  addressee: string;
  /** `発注番号 PO-20261128-0001 について、下記のとおり回答いたします。` */
  subject: string;
  /** The unit of a one-line order's quantity blank; absent for a multi-line order. */
  singleLineUnit?: string;
}
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
  /** `2026年12月1日`, with a note when each line has its own date. */
  desiredDeliveryDate: string;
  /** 納品先: name, 〒 address, TEL, 担当; empty without a ship-to. */
  shipToLines: readonly string[];
  /** 品番, 品名, 数量, 単位, then 単価 and 金額 (priced) and 納品希望日 (lines differ). */
  headers: readonly string[];
  /** Each row under `headers`: 品番, 品名 (※ for 軽減税率), 数量 (ja-JP grouping), 単位, ... */
  rows: ReadonlyArray<readonly string[]>;
  /** 小計, 10%対象 / 消費税, 8%対象 / 消費税, 合計（税込）; empty without totals. */
  totals: readonly TotalsRow[];
  /** ※軽減税率 legend, rounding, or why there is no total; empty without prices. */
  moneyNotes: readonly string[];
  /** The sentences beside the QR code (no login; until when the link works). */
  qrNotes: readonly string[];
  /** The fax-back reply section (注文請書). */
  reply: ReplySectionContent;
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
  const columns = lineColumnsOf(request);
  const orderNumber = printable(request.orderNumber);
  const companyLines = companyBlockLines(request.company, printable);
  const [line] = request.lines;
  const fax = printable(request.company.fax ?? '');
  const to = [printable(request.company.name), printable(request.company.contactName ?? '')]
    .filter((part) => part !== '')
    .join(' ');
  return {
    orderNumber,
    addressee: addressSupplier(printable(request.supplier.name)),
    orderDate: formatJapaneseDate(request.orderDate, 'orderDate'),
    desiredDeliveryDate: `${formatJapaneseDate(request.desiredDeliveryDate, 'desiredDeliveryDate')}${columns.dated ? DATED_LINES_NOTE : ''}`,
    shipToLines: request.shipTo === undefined ? [] : shipToLines(request.shipTo, printable),
    headers: orderTableHeaders(columns),
    rows: request.lines.map((orderLine) =>
      lineCells(orderLine, columns, printable, request.desiredDeliveryDate),
    ),
    totals: request.totals === undefined || !columns.priced ? [] : totalsRows(request.totals),
    moneyNotes: moneyNotes(request),
    companyLines,
    notes:
      request.reminder === true
        ? [`${REMINDER_MARK}${REMINDER_GREETING}`, ORDER_FORM_DUPLICATE_NOTE]
        : [ORDER_FORM_DUPLICATE_NOTE],
    qrNotes: [ORDER_FORM_QR_NOTES[0], supplierPageValidityNote(request)],
    reply: {
      ...(fax === '' ? {} : { faxBack: `FAX返信先：${fax}` }),
      addressee: `${to} 宛`,
      subject: `発注番号 ${orderNumber} について、下記のとおり回答いたします。`,
      ...(request.lines.length === 1 && line !== undefined
        ? { singleLineUnit: printable(line.unit) }
        : {}),
    },
    ...(supplierPageUrl === undefined ? {} : { supplierPageUrl }),
  };
}
