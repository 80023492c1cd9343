import * as z from 'zod/mini';
import '../edge/zod-mini-messages';
import { addDays, isCalendarDate } from '../domain/dates';
import type { OrderLine } from '../domain/order';
import { pageText, type PageLang } from './page-text';
import type { PartialAnswerLine, SupplierAnswer } from '../domain/supplier-answer';

/**
 * Reads the order page's form into a {@link SupplierAnswer}: the edge where whatever a browser
 * (or anything else) posts becomes trusted data, with messages for the supplier in the page's
 * language.
 */

/**
 * Names of the order page's form fields. The two delivery dates have different names because
 * the form has no JavaScript: every field of every choice is posted, and two inputs named
 * `deliveryDate` would arrive twice, with the unused one (empty) possibly winning.
 */
export const ANSWER_FIELDS = {
  action: 'action',
  /** Delivery date under 受注する. */
  deliveryDate: 'deliveryDate',
  /** Delivery date under 一部のみ受注する. */
  partialDeliveryDate: 'partialDeliveryDate',
  /** The quantity under 一部のみ受注する of a single-line order. */
  quantity: 'quantity',
  /**
   * Not posted: where the messages about the per-line quantities of a multi-line order taken
   * together (all at the ordered quantity, all 0) belong. Each line's quantity is posted as
   * {@link lineQuantityField}.
   */
  lineQuantities: 'lineQuantities',
  note: 'note',
  reason: 'reason',
  /** The per-render nonce; checked by the handler, ignored here. */
  nonce: 'nonce',
} as const;

/**
 * The field of one line's quantity under 一部のみ受注する when the order has several lines:
 * `quantity-1` for the first line, `quantity-2` for the second, and so on.
 *
 * @example
 * ```ts
 * lineQuantityField(0); // 'quantity-1'
 * ```
 */
export function lineQuantityField(index: number): string {
  return `${ANSWER_FIELDS.quantity}-${index + 1}`;
}

/** How a line is named to the supplier, on the page and in messages: `B-201 トナー TN-29J`. */
export function lineLabel(line: Pick<OrderLine, 'sku' | 'name'>): string {
  return [line.sku, line.name].filter((part) => part.trim() !== '').join(' ');
}

/** Values of the `action` radio buttons, in the order the page shows them. */
export const ANSWER_ACTIONS = ['confirm', 'partial', 'decline'] as const;
export type AnswerAction = (typeof ANSWER_ACTIONS)[number];

/** Longest note or reason, in UTF-16 code units (what the textarea's `maxlength` counts). */
export const MAX_NOTE_LENGTH = 500;
/** A promised date further out than this is almost surely a typo (a wrong year). */
export const MAX_DELIVERY_DAYS_AHEAD = 365;
export const MAX_QUANTITY_DECIMALS = 6;

/** What the order page needs to know to judge an answer. */
export interface AnswerFormContext {
  /** The ordered quantity; a partial answer must stay below it. */
  orderedQuantity: number;
  /**
   * The order's lines. With more than one, a partial answer gives a quantity per line (fields
   * {@link lineQuantityField}, each from 0 to the line's ordered quantity) instead of one
   * `quantity`; `orderedQuantity` is then not used.
   */
  lines?: readonly OrderLine[];
  /** Today (YYYY-MM-DD) in the ordering company's time zone, given by the caller. */
  today: string;
  lang: PageLang;
}

/** A message for one form field, keyed by the field's `name`. */
export interface AnswerFieldError {
  field: string;
  message: string;
}

export type AnswerFormResult =
  { ok: true; answer: SupplierAnswer } | { ok: false; errors: AnswerFieldError[] };

/** Line breaks a browser or a pasted text may contain, besides LF. */
const LINE_BREAK = /\r\n|[\r\u0085\u2028\u2029]/g;
/**
 * C0 and C1 controls, DEL, and the bidirectional overrides and isolates: none belongs in an
 * answer, and the bidi ones could make a kintone comment read differently from what it says.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const TAB = /\t/g;
/** Everything that would break a single-line value, and tabs, become spaces there. */
const SINGLE_LINE_SPACE = /[\t\n\r\u0085\u2028\u2029]/g;
const DATE_INPUT = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/;
const GROUPED_NUMBER = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const QUANTITY_FORMAT = new Intl.NumberFormat('ja-JP', {
  maximumFractionDigits: MAX_QUANTITY_DECIMALS,
});

/**
 * Parses the posted order page form. Values are cleaned first (control characters removed,
 * newlines kept only in the note and reason, trimmed); fields that do not belong to the chosen
 * action, and unknown fields, are ignored. Dates may be typed `2026-12-03`, `2026/12/3` or
 * `2026年12月3日` and numbers in full-width digits (browsers without a date picker, Japanese
 * input methods).
 *
 * The partial delivery date falls back to the one under 受注する (and the other way round) when
 * only that one was filled in: a supplier who typed the date first and then changed the choice
 * should not have to type it again.
 *
 * For an order with several lines (`context.lines`), a partial answer carries a quantity per
 * line: each from 0 to what was ordered, not all of them in full (that is 受注する) and not all
 * 0 (that is 辞退する).
 *
 * @throws RangeError when `context.today` is not a `YYYY-MM-DD` calendar date (a caller error).
 * @example
 * ```ts
 * parseAnswerForm(
 *   { action: 'partial', partialDeliveryDate: '2026-12-03', quantity: '４８', note: '残りは来月' },
 *   { orderedQuantity: 84, today: '2026-11-28', lang: 'ja' },
 * );
 * // { ok: true, answer: { kind: 'partial', deliveryDate: '2026-12-03', quantity: 48, note: '残りは来月' } }
 * ```
 */
export function parseAnswerForm(
  fields: Record<string, string>,
  context: AnswerFormContext,
): AnswerFormResult {
  const read = (name: string): string | undefined =>
    // Own properties only: a field named like an Object.prototype member is not a form field.
    Object.hasOwn(fields, name) && typeof fields[name] === 'string' ? fields[name] : undefined;
  const schemas = answerSchemas(context);

  const action = schemas.action.safeParse({ action: read(ANSWER_FIELDS.action) });
  if (!action.success) return { ok: false, errors: fieldErrors(action.error) };

  const confirmDate = read(ANSWER_FIELDS.deliveryDate);
  const partialDate = read(ANSWER_FIELDS.partialDeliveryDate);
  switch (action.data.action) {
    case 'confirm': {
      const result = schemas.confirm.safeParse({
        deliveryDate: filled(confirmDate) ? confirmDate : partialDate,
      });
      if (!result.success) return { ok: false, errors: fieldErrors(result.error) };
      return { ok: true, answer: { kind: 'confirmed', deliveryDate: result.data.deliveryDate } };
    }
    case 'partial': {
      if (schemas.lines.length > 1) {
        return parsePartialLines(
          read,
          filled(partialDate) ? partialDate : confirmDate,
          schemas,
          context.lang,
        );
      }
      const result = schemas.partial.safeParse({
        partialDeliveryDate: filled(partialDate) ? partialDate : confirmDate,
        quantity: read(ANSWER_FIELDS.quantity),
        note: read(ANSWER_FIELDS.note),
      });
      if (!result.success) return { ok: false, errors: fieldErrors(result.error) };
      return {
        ok: true,
        answer: {
          kind: 'partial',
          deliveryDate: result.data.partialDeliveryDate,
          quantity: result.data.quantity,
          note: result.data.note,
        },
      };
    }
    case 'decline': {
      const result = schemas.decline.safeParse({ reason: read(ANSWER_FIELDS.reason) });
      if (!result.success) return { ok: false, errors: fieldErrors(result.error) };
      return { ok: true, answer: { kind: 'declined', reason: result.data.reason } };
    }
  }
}

/**
 * A partial answer with a quantity per line. The per-line messages come in line order between
 * the delivery date's and the note's, as the form shows the fields; whether the lines together
 * make a partial answer is only judged once every line's quantity is readable.
 */
function parsePartialLines(
  read: (name: string) => string | undefined,
  deliveryDate: string | undefined,
  schemas: AnswerSchemas,
  lang: PageLang,
): AnswerFormResult {
  const t = pageText(lang).errors;
  const common = schemas.partialLines.safeParse({
    partialDeliveryDate: deliveryDate,
    note: read(ANSWER_FIELDS.note),
  });
  const commonErrors = common.success ? [] : fieldErrors(common.error);
  const lineErrors: AnswerFieldError[] = [];
  const answered: PartialAnswerLine[] = [];
  schemas.lines.forEach((line, index) => {
    const field = lineQuantityField(index);
    const result = schemas.lineQuantity(line).safeParse(read(field));
    if (!result.success) {
      lineErrors.push({ field, message: result.error.issues[0]?.message ?? t.quantityRequired });
      return;
    }
    answered.push({
      ...(line.lineId !== undefined ? { lineId: line.lineId } : {}),
      sku: line.sku,
      ...(line.rowId !== undefined ? { rowId: line.rowId } : {}),
      quantity: result.data,
    });
  });
  if (lineErrors.length === 0) {
    const field = ANSWER_FIELDS.lineQuantities;
    if (answered.every((line, index) => line.quantity === schemas.lines[index]?.quantity)) {
      lineErrors.push({ field, message: t.lineQuantitiesAllFull });
    } else if (answered.every((line) => line.quantity === 0)) {
      lineErrors.push({ field, message: t.lineQuantitiesAllZero });
    }
  }
  const errors = [
    ...commonErrors.filter((error) => error.field === ANSWER_FIELDS.partialDeliveryDate),
    ...lineErrors,
    ...commonErrors.filter((error) => error.field !== ANSWER_FIELDS.partialDeliveryDate),
  ];
  if (!common.success || errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    answer: {
      kind: 'partial',
      deliveryDate: common.data.partialDeliveryDate,
      lines: answered,
      note: common.data.note,
    },
  };
}

type AnswerSchemas = ReturnType<typeof answerSchemas>;

/** The schemas depend on today, the ordered quantity and the language, so they are built per call. */
function answerSchemas(context: AnswerFormContext) {
  const t = pageText(context.lang).errors;
  const latest = addDays(context.today, MAX_DELIVERY_DAYS_AHEAD);
  const oneLine = z.pipe(
    z.optional(z.string()),
    z.transform((value: string | undefined) => cleanLine(value ?? '')),
  );
  const multiLine = z.pipe(
    z.optional(z.string()),
    z.transform((value: string | undefined) => cleanText(value ?? '')),
  );

  const deliveryDate = z.pipe(
    oneLine,
    z.transform((raw: string, ctx) => {
      const issue = (message: string) => refuse(ctx, message);
      if (raw === '') return issue(t.deliveryDateRequired);
      const date = normaliseDate(raw);
      if (date === undefined) return issue(t.deliveryDateInvalid);
      // YYYY-MM-DD strings with four-digit years sort like the dates they name.
      if (date < context.today) return issue(t.deliveryDatePast);
      if (date > latest) return issue(t.deliveryDateTooFar(MAX_DELIVERY_DAYS_AHEAD));
      return date;
    }),
  );

  const quantity = z.pipe(
    oneLine,
    z.transform((raw: string, ctx) => {
      const issue = (message: string) => refuse(ctx, message);
      if (raw === '') return issue(t.quantityRequired);
      const value = parseQuantity(raw);
      if (value === undefined) return issue(t.quantityInvalid(MAX_QUANTITY_DECIMALS));
      if (!(value > 0)) return issue(t.quantityNotPositive);
      if (value >= context.orderedQuantity) {
        return issue(t.quantityNotLess(QUANTITY_FORMAT.format(context.orderedQuantity)));
      }
      return value;
    }),
  );

  /** One line's quantity in a multi-line order: 0 (none of it) up to what was ordered. */
  const lineQuantity = (line: OrderLine) => {
    const name = lineLabel(line);
    return z.pipe(
      oneLine,
      z.transform((raw: string, ctx) => {
        const issue = (message: string) => refuse(ctx, message);
        if (raw === '') return issue(t.lineQuantityRequired(name));
        const value = parseQuantity(raw);
        if (value === undefined) return issue(t.lineQuantityInvalid(name, MAX_QUANTITY_DECIMALS));
        if (value < 0) return issue(t.lineQuantityNegative(name));
        if (value > line.quantity) {
          return issue(
            t.lineQuantityTooMany(name, `${QUANTITY_FORMAT.format(line.quantity)}${line.unit}`),
          );
        }
        // `-0` is a number too; it is stored and compared as 0.
        return value === 0 ? 0 : value;
      }),
    );
  };

  const note = z.pipe(
    multiLine,
    z
      .string()
      .check(
        z.minLength(1, { error: t.noteRequired }),
        z.maxLength(MAX_NOTE_LENGTH, { error: t.noteTooLong(MAX_NOTE_LENGTH) }),
      ),
  );

  return {
    action: z.object({
      action: z.pipe(oneLine, z.enum(ANSWER_ACTIONS, { error: t.actionRequired })),
    }),
    confirm: z.object({ deliveryDate }),
    partial: z.object({ partialDeliveryDate: deliveryDate, quantity, note }),
    /** The order's lines; a partial answer gives a quantity per line when there are several. */
    lines: context.lines ?? [],
    lineQuantity,
    /** The fields of a multi-line partial answer besides the quantities. */
    partialLines: z.object({ partialDeliveryDate: deliveryDate, note }),
    decline: z.object({
      reason: z.pipe(
        multiLine,
        z
          .string()
          .check(
            z.minLength(1, { error: t.reasonRequired }),
            z.maxLength(MAX_NOTE_LENGTH, { error: t.reasonTooLong(MAX_NOTE_LENGTH) }),
          ),
      ),
    }),
  };
}

/**
 * Adds a custom issue with `message` and answers `z.NEVER`, as classic zod's `ctx.addIssue`
 * in a transform does: `zod/mini`'s transforms get the parse payload, which has no `addIssue`.
 */
function refuse(ctx: z.core.ParsePayload, message: string): never {
  ctx.issues.push({ code: 'custom', message, input: ctx.value });
  return z.NEVER;
}

/** One message per field (the first), in the order the form shows the fields. */
function fieldErrors(error: z.core.$ZodError): AnswerFieldError[] {
  const errors: AnswerFieldError[] = [];
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? ANSWER_FIELDS.action);
    if (!errors.some((known) => known.field === field)) {
      errors.push({ field, message: issue.message });
    }
  }
  return errors;
}

function filled(value: string | undefined): value is string {
  return value !== undefined && cleanLine(value) !== '';
}

/** A single-line value: line breaks and tabs become spaces, other controls go, ends trimmed. */
function cleanLine(value: string): string {
  return value.replace(SINGLE_LINE_SPACE, ' ').replace(CONTROL, '').trim();
}

/** A note: line breaks are kept (as LF), tabs become spaces, other controls go, ends trimmed. */
function cleanText(value: string): string {
  return value.replace(LINE_BREAK, '\n').replace(TAB, ' ').replace(CONTROL, '').trim();
}

/** `2026-12-03`, `2026/12/3`, `２０２６年１２月３日` → `2026-12-03`; undefined when not a date. */
function normaliseDate(raw: string): string | undefined {
  const match = DATE_INPUT.exec(raw.normalize('NFKC').replace(/\s+/g, ''));
  if (match === null) return undefined;
  const [, year = '', month = '', day = ''] = match;
  const date = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  return isCalendarDate(date) ? date : undefined;
}

/**
 * `48`, `４８`, `1,200`, `12.5` → a number; undefined when it is not a plain decimal number
 * with at most {@link MAX_QUANTITY_DECIMALS} decimals (exponents, `Infinity` and hex included).
 */
function parseQuantity(raw: string): number | undefined {
  let text = raw.normalize('NFKC').replace(/\s+/g, '');
  if (GROUPED_NUMBER.test(text)) text = text.replace(/,/g, '');
  if (!PLAIN_NUMBER.test(text)) return undefined;
  const decimals = text.split('.')[1] ?? '';
  if (decimals.length > MAX_QUANTITY_DECIMALS) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
