/**
 * Every string a supplier sees on the order page, in Japanese (the default: suppliers are
 * Japanese businesses, so the wording is polite business Japanese) and in English.
 * Keeping them in one table means a string cannot be added in one language and forgotten in
 * the other: the type requires both.
 */

/** Languages the order page is offered in. */
export type PageLang = 'ja' | 'en';

/** The language the page opens in when nothing else is asked for. */
export const DEFAULT_PAGE_LANG: PageLang = 'ja';

/** Validation messages, worded to say what to do next. */
export interface AnswerErrorText {
  actionRequired: string;
  deliveryDateRequired: string;
  deliveryDateInvalid: string;
  deliveryDatePast: string;
  deliveryDateTooFar: (maxDays: number) => string;
  quantityRequired: string;
  quantityInvalid: (maxDecimals: number) => string;
  quantityNotPositive: string;
  quantityNotLess: (ordered: string) => string;
  /** A line of a multi-line order, named by its SKU and name, has no quantity. */
  lineQuantityRequired: (line: string) => string;
  lineQuantityInvalid: (line: string, maxDecimals: number) => string;
  lineQuantityNegative: (line: string) => string;
  lineQuantityTooMany: (line: string, ordered: string) => string;
  /** Every line at its ordered quantity: that is 受注する, not a partial answer. */
  lineQuantitiesAllFull: string;
  /** Every line at 0: that is 辞退する, not a partial answer. */
  lineQuantitiesAllZero: string;
  noteRequired: string;
  noteTooLong: (maxLength: number) => string;
  reasonRequired: string;
  reasonTooLong: (maxLength: number) => string;
}

/** All visible text of the supplier pages in one language. */
export interface PageText {
  /** Heading and title of the order page. */
  orderTitle: string;
  orderNumber: string;
  orderDate: string;
  desiredDeliveryDate: string;
  orderingCompany: string;
  companyPhone: string;
  companyFax: string;
  companyEmail: string;
  companyContact: string;
  /** How the supplier is addressed above the order lines. */
  addressSupplier: (name: string) => string;
  linesCaption: string;
  sku: string;
  itemName: string;
  quantity: string;
  unit: string;
  /** Heading of the answer on record, with the time it was given. */
  answeredAt: (at: string) => string;
  answeredChangeHint: string;
  answer: string;
  formLegend: string;
  confirm: string;
  confirmHint: string;
  partial: string;
  partialHint: string;
  decline: string;
  declineHint: string;
  deliveryDate: string;
  deliveryDateHint: string;
  partialQuantity: string;
  partialQuantityHint: (ordered: string) => string;
  /** Hint above the per-line quantities of an order with several lines. */
  lineQuantitiesHint: string;
  /** Hint under one line's quantity: what was ordered, with the unit. */
  orderedQuantityHint: (ordered: string) => string;
  note: string;
  partialNoteHint: string;
  reason: string;
  reasonHint: string;
  /** Marks a field that is needed for the choice it sits under. */
  requiredMark: string;
  submit: string;
  errorSummaryTitle: string;
  closedNotice: string;
  thankYouTitle: string;
  thankYouMessage: string;
  invalidLinkTitle: string;
  invalidLinkMessage: string;
  /** Shown when the answer could not be saved; the supplier should simply try again. */
  failureTitle: string;
  failureMessage: string;
  /** Label of the link to the page in the other language, written in that language. */
  otherLangLabel: string;
  errors: AnswerErrorText;
  /** `2026-12-03` as this language writes a date. */
  formatDate: (year: number, month: number, day: number) => string;
  /** Heading of the delivery address (納品先). */
  shipTo: string;
  unitPrice: string;
  amount: string;
  /** Heading of a line's own desired delivery date. */
  lineDeliveryDate: string;
  /** After the order's desired delivery date when each line has its own. */
  datedLinesNote: string;
  subtotal: string;
  /** The taxable amount of one rate; `reduced` marks the reduced rate. */
  taxableAt: (ratePercent: number, reduced: boolean) => string;
  taxAt: (ratePercent: number) => string;
  total: string;
  /** Appended to the name of a reduced-rate line. */
  reducedMark: string;
  reducedLegend: string;
  roundingNote: (rounding: 'floor' | 'round' | 'ceil') => string;
  partialPricesNote: string;
  /** A priced order's line without a price. */
  priceUnknown: string;
  /** Until when the link opens this page, given the formatted date. */
  linkValidThrough: (date: string) => string;
  /** Banner of a preview (`npm run preview`): nothing on the page is sent. */
  previewTitle: string;
  previewMessage: string;
}

const EN_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** Honorifics that already address the supplier; adding 御中 after them would be wrong. */
const HONORIFIC_SUFFIXES = ['御中', '様'] as const;

const JA: PageText = {
  orderTitle: '発注内容のご確認',
  orderNumber: '発注番号',
  orderDate: '発注日',
  desiredDeliveryDate: '納品希望日',
  orderingCompany: '発注元',
  companyPhone: 'TEL',
  companyFax: 'FAX',
  companyEmail: 'E-mail',
  companyContact: '担当',
  addressSupplier: (name) =>
    HONORIFIC_SUFFIXES.some((suffix) => name.endsWith(suffix)) ? name : `${name} 御中`,
  linesCaption: '発注明細',
  sku: '品番',
  itemName: '品名',
  quantity: '数量',
  unit: '単位',
  answeredAt: (at) => `ご回答済み（${at}）`,
  answeredChangeHint: '回答を変更される場合は、下のフォームから改めて送信してください。',
  answer: 'ご回答',
  formLegend: 'ご回答をお選びください',
  confirm: '受注する',
  confirmHint: 'ご発注の全数を納品いただける場合',
  partial: '一部のみ受注する',
  partialHint: 'ご発注数量の一部のみ納品いただける場合',
  decline: '辞退する',
  declineHint: '今回のご発注をお受けいただけない場合',
  deliveryDate: '納品予定日',
  deliveryDateHint: '例: 2026-12-03',
  partialQuantity: '受注できる数量',
  partialQuantityHint: (ordered) => `ご発注数量（${ordered}）より少ない数量をご入力ください。`,
  lineQuantitiesHint:
    '明細ごとに、納品できる数量をご入力ください。納品できない明細は0としてください。',
  orderedQuantityHint: (ordered) => `ご発注数量: ${ordered}`,
  note: '備考',
  partialNoteHint: '残りの数量の見込みなどをご記入ください（500文字以内）。',
  reason: '辞退の理由',
  reasonHint: '500文字以内でご記入ください。',
  requiredMark: '（必須）',
  submit: '送信する',
  errorSummaryTitle: '入力内容をご確認ください',
  closedNotice:
    'この発注は受付を終了しているため、回答の送信・変更はできません。ご不明な点は発注元にお問い合わせください。',
  thankYouTitle: 'ありがとうございました',
  thankYouMessage: 'ご回答を受け付けました。発注元の担当者に伝わります。',
  invalidLinkTitle: 'リンクが無効か期限切れです',
  invalidLinkMessage: 'このリンクは無効か、有効期限が切れています。発注元にお問い合わせください。',
  failureTitle: 'ご回答を保存できませんでした',
  failureMessage:
    '申し訳ございません。しばらくしてから、もう一度お試しください。解決しない場合は発注元にお問い合わせください。',
  otherLangLabel: 'English',
  errors: {
    actionRequired: '「受注する」「一部のみ受注する」「辞退する」のいずれかをお選びください。',
    deliveryDateRequired: '納品予定日をご入力ください。',
    deliveryDateInvalid: '納品予定日は正しい日付でご入力ください（例: 2026-12-03）。',
    deliveryDatePast: '納品予定日には本日以降の日付をご入力ください。',
    deliveryDateTooFar: (maxDays) => `納品予定日は本日から${maxDays}日以内の日付をご入力ください。`,
    quantityRequired: '受注できる数量をご入力ください。',
    quantityInvalid: (maxDecimals) => `数量は数字でご入力ください（小数は${maxDecimals}桁まで）。`,
    quantityNotPositive: '数量には0より大きい数をご入力ください。',
    quantityNotLess: (ordered) =>
      `数量はご発注数量（${ordered}）より少なくご入力ください。全数を納品いただける場合は「受注する」をお選びください。`,
    lineQuantityRequired: (line) =>
      `「${line}」の受注できる数量をご入力ください（納品できない場合は0）。`,
    lineQuantityInvalid: (line, maxDecimals) =>
      `「${line}」の数量は数字でご入力ください（小数は${maxDecimals}桁まで）。`,
    lineQuantityNegative: (line) => `「${line}」の数量には0以上の数をご入力ください。`,
    lineQuantityTooMany: (line, ordered) =>
      `「${line}」の数量はご発注数量（${ordered}）以下でご入力ください。`,
    lineQuantitiesAllFull:
      'すべての明細がご発注数量のままです。全数を納品いただける場合は「受注する」をお選びください。一部のみの場合は、納品できる数量に直してください。',
    lineQuantitiesAllZero:
      'すべての明細の数量が0です。納品いただけない場合は「辞退する」をお選びください。',
    noteRequired: '一部のみ受注される場合は、備考をご記入ください。',
    noteTooLong: (maxLength) => `備考は${maxLength}文字以内でご記入ください。`,
    reasonRequired: '辞退の理由をご記入ください。',
    reasonTooLong: (maxLength) => `辞退の理由は${maxLength}文字以内でご記入ください。`,
  },
  formatDate: (year, month, day) => `${year}年${month}月${day}日`,
  shipTo: '納品先',
  unitPrice: '単価',
  amount: '金額',
  lineDeliveryDate: '納品希望日',
  datedLinesNote: '（明細ごとの納品希望日は明細表のとおり）',
  subtotal: '小計',
  taxableAt: (rate, reduced) => `${rate}%対象${reduced ? '（※軽減税率）' : ''}`,
  taxAt: (rate) => `消費税（${rate}%）`,
  total: '合計（税込）',
  reducedMark: ' ※',
  reducedLegend: '※印は軽減税率対象です。',
  roundingNote: (rounding) =>
    `※消費税は税率ごとに合計し、1円未満を${{ floor: '切り捨てて', round: '四捨五入して', ceil: '切り上げて' }[rounding]}います。`,
  partialPricesNote: '※単価未定の明細があるため、合計金額は記載しておりません。',
  priceUnknown: '未定',
  linkValidThrough: (date) => `このページは${date}まで開けます。`,
  previewTitle: 'プレビュー',
  previewMessage:
    'これは仕入先に表示されるページの見本です（npm run preview）。リンクは本物ではなく、ここから回答は送信されません。',
};

const EN: PageText = {
  orderTitle: 'Please confirm this order',
  orderNumber: 'Order number',
  orderDate: 'Order date',
  desiredDeliveryDate: 'Requested delivery date',
  orderingCompany: 'Ordered by',
  companyPhone: 'Tel',
  companyFax: 'Fax',
  companyEmail: 'Email',
  companyContact: 'Contact',
  addressSupplier: (name) => `To: ${name}`,
  linesCaption: 'Order lines',
  sku: 'Item code',
  itemName: 'Item',
  quantity: 'Quantity',
  unit: 'Unit',
  answeredAt: (at) => `Answered (${at})`,
  answeredChangeHint: 'To change your answer, send the form below again.',
  answer: 'Your answer',
  formLegend: 'Please choose your answer',
  confirm: 'Accept the order',
  confirmHint: 'You can deliver the full quantity',
  partial: 'Accept part of the order',
  partialHint: 'You can deliver only part of the quantity',
  decline: 'Decline the order',
  declineHint: 'You cannot take this order',
  deliveryDate: 'Delivery date',
  deliveryDateHint: 'For example 2026-12-03',
  partialQuantity: 'Quantity you can deliver',
  partialQuantityHint: (ordered) => `Enter less than the ordered quantity (${ordered}).`,
  lineQuantitiesHint:
    'Enter how much you can deliver of each line; enter 0 for a line you cannot deliver.',
  orderedQuantityHint: (ordered) => `Ordered: ${ordered}`,
  note: 'Note',
  partialNoteHint: 'For example, when the rest could follow (up to 500 characters).',
  reason: 'Reason for declining',
  reasonHint: 'Up to 500 characters.',
  requiredMark: ' (required)',
  submit: 'Send',
  errorSummaryTitle: 'Please check your answer',
  closedNotice:
    'This order is closed, so answers can no longer be sent or changed. Please contact the ordering company with any questions.',
  thankYouTitle: 'Thank you',
  thankYouMessage: 'We have received your answer and passed it on to the ordering company.',
  invalidLinkTitle: 'This link is invalid or has expired',
  invalidLinkMessage:
    'This link is invalid or has expired. Please contact the company that sent you the order.',
  failureTitle: 'Your answer could not be saved',
  failureMessage:
    'Sorry, please try again in a few minutes. If it still fails, please contact the ordering company.',
  otherLangLabel: '日本語',
  errors: {
    actionRequired: 'Choose "Accept the order", "Accept part of the order" or "Decline the order".',
    deliveryDateRequired: 'Enter the delivery date.',
    deliveryDateInvalid: 'Enter the delivery date as a real date, for example 2026-12-03.',
    deliveryDatePast: 'The delivery date cannot be in the past.',
    deliveryDateTooFar: (maxDays) => `The delivery date must be within ${maxDays} days from today.`,
    quantityRequired: 'Enter the quantity you can deliver.',
    quantityInvalid: (maxDecimals) =>
      `Enter the quantity as a number (up to ${maxDecimals} decimal places).`,
    quantityNotPositive: 'The quantity must be more than 0.',
    quantityNotLess: (ordered) =>
      `The quantity must be less than the ordered quantity (${ordered}). If you can deliver everything, choose "Accept the order".`,
    lineQuantityRequired: (line) => `Enter the quantity you can deliver of "${line}" (0 if none).`,
    lineQuantityInvalid: (line, maxDecimals) =>
      `Enter the quantity of "${line}" as a number (up to ${maxDecimals} decimal places).`,
    lineQuantityNegative: (line) => `The quantity of "${line}" cannot be less than 0.`,
    lineQuantityTooMany: (line, ordered) =>
      `The quantity of "${line}" cannot be more than the ordered quantity (${ordered}).`,
    lineQuantitiesAllFull:
      'Every line is at its ordered quantity. If you can deliver everything, choose "Accept the order"; otherwise lower the lines you cannot deliver in full.',
    lineQuantitiesAllZero:
      'Every line is 0. If you cannot deliver anything, choose "Decline the order".',
    noteRequired: 'Add a note when you accept only part of the order.',
    noteTooLong: (maxLength) => `The note must be ${maxLength} characters or fewer.`,
    reasonRequired: 'Enter the reason for declining.',
    reasonTooLong: (maxLength) => `The reason must be ${maxLength} characters or fewer.`,
  },
  formatDate: (year, month, day) => `${EN_MONTHS[month - 1] ?? month} ${day}, ${year}`,
  shipTo: 'Deliver to',
  unitPrice: 'Unit price',
  amount: 'Amount',
  lineDeliveryDate: 'Requested delivery',
  datedLinesNote: ' (each line has its own date below)',
  subtotal: 'Subtotal',
  taxableAt: (rate, reduced) => `Taxable at ${rate}%${reduced ? ' (* reduced rate)' : ''}`,
  taxAt: (rate) => `Consumption tax (${rate}%)`,
  total: 'Total (tax included)',
  reducedMark: ' *',
  reducedLegend: 'Items marked * are taxed at the reduced rate.',
  roundingNote: (rounding) =>
    `Consumption tax is computed once per rate and ${{ floor: 'rounded down', round: 'rounded', ceil: 'rounded up' }[rounding]} to the yen.`,
  partialPricesNote: 'Some lines have no price yet, so no total is given.',
  priceUnknown: 'TBD',
  linkValidThrough: (date) => `This page opens until ${date}.`,
  previewTitle: 'Preview',
  previewMessage:
    'This is a sample of the page a supplier sees (npm run preview). The link is not real, and nothing is sent from here.',
};

const TEXT: Readonly<Record<PageLang, PageText>> = { ja: JA, en: EN };

/**
 * The page text in `lang`.
 *
 * @example
 * ```ts
 * pageText('ja').submit; // '送信する'
 * ```
 */
export function pageText(lang: PageLang): PageText {
  return TEXT[lang];
}

/** The other language, for the language switch. */
export function otherLang(lang: PageLang): PageLang {
  return lang === 'ja' ? 'en' : 'ja';
}

/**
 * The page language asked for by a `lang` query parameter (or cookie) value. Only English is
 * opted into explicitly (`en`, `EN`, `en-US`); anything else, including nothing, is Japanese.
 *
 * @example
 * ```ts
 * langFrom('en'); // 'en'
 * langFrom(undefined); // 'ja'
 * langFrom('fr'); // 'ja'
 * ```
 */
export function langFrom(value: string | undefined): PageLang {
  return value !== undefined && /^en(?:-[a-z0-9]{1,8})*$/i.test(value.trim())
    ? 'en'
    : DEFAULT_PAGE_LANG;
}
