import type { OrderLine } from './order';
import type { PartialAnswer, SupplierAnswer } from './supplier-answer';

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
 * @param lines the order's lines, which name the lines of a multi-line partial answer and give
 * the units written after its quantities (`・B-201 トナー TN-29J: 2個（発注 3個）`). For a
 * single-line order the line's unit alone is enough (`48本`); optional because a comment
 * without it is still correct.
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
  lines: string | readonly OrderLine[] = '',
): string {
  const orderLines: readonly CommentLine[] = typeof lines === 'string' ? [{ unit: lines }] : lines;
  const who = `仕入先 ${honorific(supplierName)}が発注依頼 ${orderNumber} を`;
  const text: string[] = [];
  switch (answer.kind) {
    case 'confirmed':
      text.push(`${who}受注しました。`, `納品予定日: ${answer.deliveryDate}`);
      if (answer.note !== undefined && answer.note !== '') text.push(`備考: ${answer.note}`);
      break;
    case 'partial':
      text.push(
        `${who}一部のみ受注しました。`,
        ...partialQuantities(answer, orderLines),
        `納品予定日: ${answer.deliveryDate}`,
        `備考: ${answer.note}`,
      );
      break;
    case 'declined':
      text.push(`${who}辞退しました。`, `理由: ${answer.reason}`);
      break;
  }
  if (previous === undefined) return text.join('\n');
  return [
    `回答が変更されました。${text[0] ?? ''}`,
    ...text.slice(1),
    `変更前の回答: ${summary(previous, orderLines)}`,
  ].join('\n');
}

/**
 * Whether two answers say the same thing, so a repeated submission (a double tap, a reload
 * that re-posts) writes nothing. A missing note and an empty one are the same; a multi-line
 * partial answer is the same only when every line's quantity is.
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
        sameQuantities(a, b) &&
        a.note === b.note
      );
    case 'declined':
      return b.kind === 'declined' && a.reason === b.reason;
  }
}

function sameQuantities(a: PartialAnswer, b: PartialAnswer): boolean {
  if ('quantity' in a) return 'quantity' in b && a.quantity === b.quantity;
  if (!('lines' in b) || a.lines.length !== b.lines.length) return false;
  return a.lines.every((line, index) => {
    const other = b.lines[index];
    return (
      other !== undefined &&
      line.sku === other.sku &&
      line.rowId === other.rowId &&
      line.quantity === other.quantity
    );
  });
}

/** What a comment uses of an order line; a single-line comment may know the unit only. */
type CommentLine = Partial<Pick<OrderLine, 'sku' | 'name' | 'quantity' | 'rowId'>> & {
  unit: string;
};

/**
 * The quantity lines of a partial answer's comment: one for a single-line order, else one per
 * order line with what was answered and what was ordered, so staff see each line's outcome.
 */
function partialQuantities(answer: PartialAnswer, orderLines: readonly CommentLine[]): string[] {
  if ('quantity' in answer) {
    return [`数量: ${quantityText(answer.quantity, orderLines[0]?.unit ?? '')}`];
  }
  return [
    '数量:',
    ...answer.lines.map((line, index) => {
      const ordered = orderLineOf(orderLines, line, index);
      const unit = ordered?.unit ?? '';
      const name = [line.sku, ordered?.name ?? ''].filter((part) => part !== '').join(' ');
      const of =
        ordered?.quantity !== undefined ? `（発注 ${quantityText(ordered.quantity, unit)}）` : '';
      return `・${name}: ${quantityText(line.quantity, unit)}${of}`;
    }),
  ];
}

/** The quantities of a partial answer inside a one-line summary. */
function quantitiesSummary(answer: PartialAnswer, orderLines: readonly CommentLine[]): string {
  if ('quantity' in answer) return quantityText(answer.quantity, orderLines[0]?.unit ?? '');
  return answer.lines
    .map((line, index) => {
      const unit = orderLineOf(orderLines, line, index)?.unit ?? '';
      return `${line.sku} ${quantityText(line.quantity, unit)}`;
    })
    .join('・');
}

/**
 * The order line an answer line is for: the one of its row when it has one, else the one at
 * its position (a multi-line answer lists the order's lines in order).
 */
function orderLineOf(
  orderLines: readonly CommentLine[],
  line: { rowId?: string },
  index: number,
): CommentLine | undefined {
  if (line.rowId !== undefined) {
    const ofRow = orderLines.find((candidate) => candidate.rowId === line.rowId);
    if (ofRow !== undefined) return ofRow;
  }
  return orderLines[index];
}

/** The earlier answer on one line, for the "what it was before" part of a change comment. */
function summary(answer: SupplierAnswer, orderLines: readonly CommentLine[]): string {
  switch (answer.kind) {
    case 'confirmed':
      return `受注（納品予定日: ${answer.deliveryDate}${answer.note ? `、備考: ${oneLine(answer.note)}` : ''}）`;
    case 'partial':
      return `一部受注（数量: ${quantitiesSummary(answer, orderLines)}、納品予定日: ${answer.deliveryDate}、備考: ${oneLine(answer.note)}）`;
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
