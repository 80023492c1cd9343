/**
 * Parsers for what the bridge table returns. Items come back from DynamoDB untyped; parsing
 * them here means a hand-edited or half-migrated item fails loudly at the edge instead of
 * flowing into the order logic with a missing field.
 *
 * @module
 */
import { z } from 'zod';
import type { OrderChannel } from '../../domain/channels';
import type { DecisionKind } from '../../domain/decision';
import type { SupplierContact } from '../../domain/item';
import type { CompanyBlock, OrderLine, OrderRequest } from '../../domain/order';
import {
  DELIVERY_STATUSES,
  type FaxOutcome,
  type ItemRecord,
  type OrderSteps,
  type StoredOrder,
  type SupplierAnswerEntry,
} from '../../ports/bridge-store';
import type {
  PartialAnswer,
  PartialAnswerLine,
  SupplierAnswer,
} from '../../domain/supplier-answer';

const decisionKinds = [
  'order',
  'order-open',
  'no-order',
  'snoozed',
  'cannot-evaluate',
  'stale',
  'replay',
  'deleted',
] as const satisfies readonly (DecisionKind | 'deleted')[];

const faxOutcomes = ['delivered', 'failed'] as const satisfies readonly FaxOutcome[];

const supplierSchema = z.object({
  code: z.string().optional(),
  name: z.string(),
  email: z.string().optional(),
  fax: z.string().optional(),
  channel: z.enum(['email', 'fax', 'both']).optional(),
});

const orderLineSchema = z.object({
  sku: z.string(),
  name: z.string(),
  quantity: z.number(),
  unit: z.string(),
  rowId: z.string().optional(),
  reason: z.string().optional(),
});

const companySchema = z.object({
  name: z.string(),
  postalCode: z.string().optional(),
  address: z.string(),
  phone: z.string(),
  fax: z.string().optional(),
  email: z.string(),
  contactName: z.string().optional(),
});

const orderRequestSchema = z.object({
  orderNumber: z.string(),
  orderedAt: z.string(),
  orderDate: z.string(),
  desiredDeliveryDate: z.string(),
  supplier: supplierSchema,
  lines: z.array(orderLineSchema),
  company: companySchema,
  reason: z.string(),
  supplierPageUrl: z.string().optional(),
});

const confirmedAnswerSchema = z.object({
  kind: z.literal('confirmed'),
  deliveryDate: z.string(),
  note: z.string().optional(),
});
const partialAnswerLineSchema = z.object({
  lineId: z.string().optional(),
  sku: z.string(),
  rowId: z.string().optional(),
  quantity: z.number(),
});
/**
 * One `quantity` (a single-line order, and every partial answer stored before orders had
 * several lines) or a quantity per line (`lines`); exactly one of the two.
 */
const partialAnswerSchema = z
  .object({
    kind: z.literal('partial'),
    deliveryDate: z.string(),
    quantity: z.number().optional(),
    lines: z.array(partialAnswerLineSchema).min(1).optional(),
    note: z.string(),
  })
  .transform(({ quantity, lines, ...answer }, ctx): PartialAnswer => {
    if (quantity !== undefined && lines === undefined) return { ...answer, quantity };
    if (lines !== undefined && quantity === undefined) return { ...answer, lines };
    ctx.addIssue({ code: 'custom', message: 'a partial answer has either quantity or lines' });
    return z.NEVER;
  });
const declinedAnswerSchema = z.object({ kind: z.literal('declined'), reason: z.string() });
const supplierAnswerSchema = z.discriminatedUnion('kind', [
  confirmedAnswerSchema,
  partialAnswerSchema,
  declinedAnswerSchema,
]);
const supplierAnswerEntrySchema = z.object({ at: z.string(), answer: supplierAnswerSchema });

const orderStepsSchema = z.object({
  emailSentAt: z.string().optional(),
  emailMessageId: z.string().optional(),
  writtenBackAt: z.string().optional(),
  commentedAt: z.string().optional(),
  deliveryStatus: z.enum(DELIVERY_STATUSES).optional(),
  deliveryDetail: z.string().optional(),
  deliveryAt: z.string().optional(),
  emailFailedAt: z.string().optional(),
  emailFailure: z.string().optional(),
  faxSentAt: z.string().optional(),
  faxId: z.string().optional(),
  faxGateway: z.string().optional(),
  faxStatus: z.enum(faxOutcomes).optional(),
  faxDetail: z.string().optional(),
  faxStatusAt: z.string().optional(),
  sendDelayedAt: z.string().optional(),
  sendDelayedReason: z.string().optional(),
  attentionAt: z.string().optional(),
  attentionReason: z.string().optional(),
  supplierAnswer: supplierAnswerSchema.optional(),
  supplierAnswerAt: z.string().optional(),
  supplierAnswerHistory: z.array(supplierAnswerEntrySchema).optional(),
});

const emailChannelSchema = z.object({ kind: z.literal('email'), address: z.string() });
const faxChannelSchema = z.object({
  kind: z.literal('fax'),
  number: z.string(),
  national: z.string(),
});
const orderChannelSchema = z.discriminatedUnion('kind', [emailChannelSchema, faxChannelSchema]);

/** An order item; the key and index attributes are stripped by parsing. */
export const storedOrderSchema = z.object({
  appId: z.string(),
  recordId: z.string(),
  cycle: z.number().int().positive(),
  channels: z.array(orderChannelSchema).optional(),
  status: z.enum(['open', 'closed']),
  request: orderRequestSchema,
  reflectedInKintone: z.boolean(),
  createdAt: z.string(),
  createdByNotificationId: z.string(),
  steps: orderStepsSchema,
  closedAt: z.string().optional(),
  closedStatus: z.string().optional(),
  rows: z
    .object({
      recordId: z.string(),
      subtable: z.string(),
      members: z.array(
        z.object({ rowId: z.string(), itemRecordId: z.string(), cycle: z.number().int() }),
      ),
    })
    .optional(),
  memberOf: z.object({ recordId: z.string(), cycle: z.number().int().positive() }).optional(),
}) satisfies z.ZodType<StoredOrder>;

const lastDecisionSchema = z.object({
  kind: z.enum(decisionKinds),
  reason: z.string(),
  at: z.string(),
});

/** An item's STATE item; appId and recordId come from the key, cycle defaults to 1. */
export const itemStateSchema = z.object({
  cycle: z.number().int().positive().optional(),
  lastRevision: z.number().optional(),
  lastDecision: lastDecisionSchema.optional(),
  deletedAt: z.string().optional(),
});

/** The attributes an order-number counter update returns. */
export const counterSchema = z.object({ seq: z.number().int().positive() });

/** The attributes a page request counter update returns. */
export const pageRequestCountSchema = z.object({ count: z.number().int().positive() });

/** The attributes a kintone call counter update returns. */
export const kintoneCallCountSchema = z.object({ count: z.number().int().positive() });

/** Attributes every item has; used to find out which kind of item a query returned. */
export const keySchema = z.object({ pk: z.string(), sk: z.string() });

/*
 * Compile-time guards. zod drops properties a schema does not name, so a field added to a
 * domain type but not here would be silently lost on the next read; these fail the build
 * instead.
 */
type SameKeys<A, B> = [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never]
  ? true
  : false;
/** Every key any member of a union has (`keyof` of a union gives only the shared ones). */
type KeysOfEach<U> = U extends unknown ? keyof U : never;
type ItemStateFields = Omit<ItemRecord, 'appId' | 'recordId'>;
const _schemasNameEveryDomainField: {
  supplier: SameKeys<z.infer<typeof supplierSchema>, SupplierContact>;
  line: SameKeys<z.infer<typeof orderLineSchema>, OrderLine>;
  company: SameKeys<z.infer<typeof companySchema>, CompanyBlock>;
  request: SameKeys<z.infer<typeof orderRequestSchema>, OrderRequest>;
  steps: SameKeys<z.infer<typeof orderStepsSchema>, OrderSteps>;
  emailChannel: SameKeys<
    z.infer<typeof emailChannelSchema>,
    Extract<OrderChannel, { kind: 'email' }>
  >;
  faxChannel: SameKeys<z.infer<typeof faxChannelSchema>, Extract<OrderChannel, { kind: 'fax' }>>;
  channelKinds: Exclude<
    OrderChannel['kind'],
    z.infer<typeof orderChannelSchema>['kind']
  > extends never
    ? true
    : false;
  order: SameKeys<z.infer<typeof storedOrderSchema>, StoredOrder>;
  state: SameKeys<z.infer<typeof itemStateSchema>, ItemStateFields>;
  decisionKinds: Exclude<DecisionKind | 'deleted', (typeof decisionKinds)[number]> extends never
    ? true
    : false;
  faxOutcomes: Exclude<FaxOutcome, (typeof faxOutcomes)[number]> extends never ? true : false;
  confirmedAnswer: SameKeys<
    z.infer<typeof confirmedAnswerSchema>,
    Extract<SupplierAnswer, { kind: 'confirmed' }>
  >;
  partialAnswer: SameKeys<
    z.input<typeof partialAnswerSchema>,
    Record<KeysOfEach<PartialAnswer>, unknown>
  >;
  partialAnswerLine: SameKeys<z.infer<typeof partialAnswerLineSchema>, PartialAnswerLine>;
  declinedAnswer: SameKeys<
    z.infer<typeof declinedAnswerSchema>,
    Extract<SupplierAnswer, { kind: 'declined' }>
  >;
  answerKinds: Exclude<
    SupplierAnswer['kind'],
    z.infer<typeof supplierAnswerSchema>['kind']
  > extends never
    ? true
    : false;
  answerEntry: SameKeys<z.infer<typeof supplierAnswerEntrySchema>, SupplierAnswerEntry>;
} = {
  supplier: true,
  line: true,
  company: true,
  request: true,
  steps: true,
  emailChannel: true,
  faxChannel: true,
  channelKinds: true,
  order: true,
  state: true,
  decisionKinds: true,
  faxOutcomes: true,
  confirmedAnswer: true,
  partialAnswer: true,
  partialAnswerLine: true,
  declinedAnswer: true,
  answerKinds: true,
  answerEntry: true,
};

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
  schema: z.ZodType<T>,
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
