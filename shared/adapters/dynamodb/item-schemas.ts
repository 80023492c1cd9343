/**
 * Parsers shared by every adapter of the bridge table. Items come back from DynamoDB untyped;
 * parsing them here means a hand-edited or half-migrated item fails loudly at the edge instead
 * of flowing into the order logic with a missing field.
 *
 * @module
 */
import * as z from 'zod/mini';
import '../../edge/zod-mini-messages';
import type { DecisionKind } from '../../domain/decision';
import type { PartialAnswer } from '../../domain/supplier-answer';

export const decisionKinds = [
  'order',
  'order-open',
  'no-order',
  'snoozed',
  'cannot-evaluate',
  'stale',
  'replay',
  'deleted',
] as const satisfies readonly (DecisionKind | 'deleted')[];

export const supplierSchema = z.object({
  code: z.optional(z.string()),
  name: z.string(),
  email: z.optional(z.string()),
  fax: z.optional(z.string()),
  channel: z.optional(z.enum(['email', 'fax', 'both'])),
});

export const companySchema = z.object({
  name: z.string(),
  postalCode: z.optional(z.string()),
  address: z.string(),
  phone: z.string(),
  fax: z.optional(z.string()),
  email: z.string(),
  contactName: z.optional(z.string()),
});

export const confirmedAnswerSchema = z.object({
  kind: z.literal('confirmed'),
  deliveryDate: z.string(),
  note: z.optional(z.string()),
});
export const partialAnswerLineSchema = z.object({
  lineId: z.optional(z.string()),
  sku: z.string(),
  rowId: z.optional(z.string()),
  quantity: z.number(),
});
/**
 * One `quantity` (a single-line order, and every partial answer stored before orders had
 * several lines) or a quantity per line (`lines`); exactly one of the two.
 */
export const partialAnswerSchema = z.pipe(
  z.object({
    kind: z.literal('partial'),
    deliveryDate: z.string(),
    quantity: z.optional(z.number()),
    lines: z.optional(z.array(partialAnswerLineSchema).check(z.minLength(1))),
    note: z.string(),
  }),
  z.transform(({ quantity, lines, ...answer }, ctx): PartialAnswer => {
    if (quantity !== undefined && lines === undefined) return { ...answer, quantity };
    if (lines !== undefined && quantity === undefined) return { ...answer, lines };
    // zod/mini's transform has no ctx.addIssue: the issue classic zod's would add, pushed as is.
    ctx.issues.push({
      code: 'custom',
      message: 'a partial answer has either quantity or lines',
      input: ctx.value,
    });
    return z.NEVER;
  }),
);
export const declinedAnswerSchema = z.object({ kind: z.literal('declined'), reason: z.string() });
export const supplierAnswerSchema = z.discriminatedUnion('kind', [
  confirmedAnswerSchema,
  partialAnswerSchema,
  declinedAnswerSchema,
]);
export const emailChannelSchema = z.object({ kind: z.literal('email'), address: z.string() });
export const faxChannelSchema = z.object({
  kind: z.literal('fax'),
  number: z.string(),
  national: z.string(),
});
export const orderChannelSchema = z.discriminatedUnion('kind', [
  emailChannelSchema,
  faxChannelSchema,
]);

export const lastDecisionSchema = z.object({
  kind: z.enum(decisionKinds),
  reason: z.string(),
  at: z.string(),
});

/** The attributes an order-number counter update returns. */
export const counterSchema = z.object({ seq: z.number().check(z.int(), z.positive()) });

/** The attributes a page request counter update returns. */
export const pageRequestCountSchema = z.object({ count: z.number().check(z.int(), z.positive()) });

/** The attributes a kintone call counter update returns. */
export const kintoneCallCountSchema = z.object({ count: z.number().check(z.int(), z.positive()) });

/** Attributes every item has; used to find out which kind of item a query returned. */
export const keySchema = z.object({ pk: z.string(), sk: z.string() });

/** Thrown when a stored item does not have the shape this code writes. */
export class CorruptBridgeItemError extends Error {
  override readonly name = 'CorruptBridgeItemError';

  constructor(
    readonly tableName: string,
    readonly pk: string,
    readonly sk: string,
    details: string,
  ) {
    super(
      `Item pk="${pk}" sk="${sk}" in table ${tableName} does not have the expected shape ` +
        `(${details}); repair or delete the item, it was not written by this version.`,
    );
  }
}

/**
 * Parses one stored item, naming the item in the error when it does not fit.
 *
 * @example
 * const order = parseBridgeItem(storedOrderSchema, item, 'bridge-table');
 */
export function parseBridgeItem<T>(
  schema: z.ZodMiniType<T>,
  item: Record<string, unknown>,
  tableName: string,
): T {
  const result = schema.safeParse(item);
  if (result.success) return result.data;
  const key = keySchema.safeParse(item);
  throw new CorruptBridgeItemError(
    tableName,
    key.success ? key.data.pk : '?',
    key.success ? key.data.sk : '?',
    z.prettifyError(result.error),
  );
}
