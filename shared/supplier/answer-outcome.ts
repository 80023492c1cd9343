import type { SupplierAnswer } from './supplier-answer';

/**
 * What a supplier's answer means for kintone: the status to write and the record comment staff
 * read, so they see the answer without leaving kintone.
 */

/** The status values an answer is written as (`statuses` of the app's configuration). */
export interface AnswerStatusValues {
  confirmed: string;
  partial: string;
  declined: string;
}

/** Honorifics that already address the supplier; adding 様 after them would be wrong. */
const HONORIFIC_SUFFIXES = ['御中', '様'] as const;
const QUANTITY_FORMAT = new Intl.NumberFormat('ja-JP', { maximumFractionDigits: 6 });

/**
 * The kintone status an answer is written as.
 *
 * @example
 * ```ts
 * answerStatus({ kind: 'declined', reason: '廃番のため' }, app.statuses); // '辞退'
 * ```
 */
export function answerStatus(answer: SupplierAnswer, statuses: AnswerStatusValues): string {
  return statuses[answer.kind];
}

/**
 * The kintone record comment for an answer (Japanese, for staff). When the supplier changes an
 * earlier answer, the comment starts with 回答が変更されました and ends with what it was, so
 * the record's comment thread reads as a history.
 *
 * @param unit the order line's unit, written after a partial quantity (`48本`); optional
 * because a comment without it is still correct.
 * @example
 * ```ts
 * answerComment('PO-20261128-0001', '株式会社サンプル文具', {
 *   kind: 'confirmed',
 *   deliveryDate: '2026-12-03',
 * });
 * // '仕入先 株式会社サンプル文具 様が発注依頼 PO-20261128-0001 を受注しました。\n納品予定日: 2026-12-03'
 * ```
 */
export function answerComment(
  orderNumber: string,
  supplierName: string,
  answer: SupplierAnswer,
  previous?: SupplierAnswer,
  unit = '',
): string {
  const who = `仕入先 ${honorific(supplierName)}が発注依頼 ${orderNumber} を`;
  const lines: string[] = [];
  switch (answer.kind) {
    case 'confirmed':
      lines.push(`${who}受注しました。`, `納品予定日: ${answer.deliveryDate}`);
      if (answer.note !== undefined && answer.note !== '') lines.push(`備考: ${answer.note}`);
      break;
    case 'partial':
      lines.push(
        `${who}一部のみ受注しました。`,
        `数量: ${quantityText(answer.quantity, unit)}`,
        `納品予定日: ${answer.deliveryDate}`,
        `備考: ${answer.note}`,
      );
      break;
    case 'declined':
      lines.push(`${who}辞退しました。`, `理由: ${answer.reason}`);
      break;
  }
  if (previous === undefined) return lines.join('\n');
  return [
    `回答が変更されました。${lines[0] ?? ''}`,
    ...lines.slice(1),
    `変更前の回答: ${summary(previous, unit)}`,
  ].join('\n');
}

/**
 * Whether two answers say the same thing, so a repeated submission (a double tap, a reload
 * that re-posts) writes nothing. A missing note and an empty one are the same.
 *
 * @example
 * ```ts
 * sameAnswer({ kind: 'confirmed', deliveryDate: '2026-12-03' }, { kind: 'confirmed', deliveryDate: '2026-12-03', note: '' }); // true
 * ```
 */
export function sameAnswer(a: SupplierAnswer, b: SupplierAnswer): boolean {
  switch (a.kind) {
    case 'confirmed':
      return (
        b.kind === 'confirmed' &&
        a.deliveryDate === b.deliveryDate &&
        (a.note ?? '') === (b.note ?? '')
      );
    case 'partial':
      return (
        b.kind === 'partial' &&
        a.deliveryDate === b.deliveryDate &&
        a.quantity === b.quantity &&
        a.note === b.note
      );
    case 'declined':
      return b.kind === 'declined' && a.reason === b.reason;
  }
}

/** The earlier answer on one line, for the "what it was before" part of a change comment. */
function summary(answer: SupplierAnswer, unit: string): string {
  switch (answer.kind) {
    case 'confirmed':
      return `受注（納品予定日: ${answer.deliveryDate}${answer.note ? `、備考: ${oneLine(answer.note)}` : ''}）`;
    case 'partial':
      return `一部受注（数量: ${quantityText(answer.quantity, unit)}、納品予定日: ${answer.deliveryDate}、備考: ${oneLine(answer.note)}）`;
    case 'declined':
      return `辞退（理由: ${oneLine(answer.reason)}）`;
  }
}

function honorific(name: string): string {
  return HONORIFIC_SUFFIXES.some((suffix) => name.endsWith(suffix)) ? name : `${name} 様`;
}

function quantityText(quantity: number, unit: string): string {
  return `${QUANTITY_FORMAT.format(quantity)}${unit}`;
}

/** A multi-line note inside a one-line summary: line breaks become a visible separator. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' / ');
}
