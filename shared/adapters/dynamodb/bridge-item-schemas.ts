/**
 * Parsers for what the bridge table returns. Items come back from DynamoDB untyped; parsing
 * them here means a hand-edited or half-migrated item fails loudly at the edge instead of
 * flowing into the order logic with a missing field.
 *
 * @module
 */
import { z } from 'zod';
import {
  companySchema,
  confirmedAnswerSchema,
  declinedAnswerSchema,
  decisionKinds,
  emailChannelSchema,
  faxChannelSchema,
  lastDecisionSchema,
  orderChannelSchema,
  partialAnswerLineSchema,
  partialAnswerSchema,
  supplierAnswerSchema,
  supplierSchema,
} from './item-schemas';

// The shared parsers moved to item-schemas; re-exported for existing importers.
export {
  CorruptBridgeItemError,
  counterSchema,
  keySchema,
  kintoneCallCountSchema,
  pageRequestCountSchema,
  parseBridgeItem,
} from './item-schemas';
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

const faxOutcomes = ['delivered', 'failed'] as const satisfies readonly FaxOutcome[];

const orderLineSchema = z.object({
  sku: z.string(),
  name: z.string(),
  quantity: z.number(),
  unit: z.string(),
  rowId: z.string().optional(),
  reason: z.string().optional(),
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

/** An item's STATE item; appId and recordId come from the key, cycle defaults to 1. */
export const itemStateSchema = z.object({
  cycle: z.number().int().positive().optional(),
  lastRevision: z.number().optional(),
  lastDecision: lastDecisionSchema.optional(),
  deletedAt: z.string().optional(),
});

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
