import type { CompanyBlock } from '../domain/order';

/**
 * The wording an order request is written in, shared by the 発注依頼 email
 * (`shared/documents/order-email.ts`) and the fax 発注書 (`shared/documents/order-form-content.ts`),
 * so a supplier who gets both reads the same thing. Pure: values are cleaned by the function each
 * channel passes in (the email's `headerSafe`, the fax's `printable`).
 */

/** Opening sentence, after the addressee. */
export const ORDER_GREETING = 'いつもお世話になっております。下記のとおり発注いたします。';
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
