/**
 * Parsers of the purchase-order store's items (layout in `bridge-table`). A corrupt or
 * hand-edited item fails here with {@link CorruptBridgeItemError}, naming the item, instead of
 * deep inside the order logic.
 *
 * @module
 */
import * as z from 'zod/mini';
import '../../edge/zod-mini-messages';
import type {
  LineItemRef,
  OrderEvent,
  PurchaseOrder,
  PurchaseOrderLine,
  ShipTo,
} from '../../domain/purchase-order';
import {
  companySchema,
  lastDecisionSchema,
  orderChannelSchema,
  supplierAnswerSchema,
  supplierSchema,
} from './item-schemas';

export { CorruptBridgeItemError, parseBridgeItem } from './item-schemas';

const shipToSchema = z.object({
  id: z.string(),
  name: z.string(),
  postalCode: z.optional(z.string()),
  address: z.string(),
  phone: z.optional(z.string()),
  contact: z.optional(z.string()),
});

const lineItemRefSchema = z.object({
  appId: z.string(),
  recordId: z.string(),
  rowId: z.optional(z.string()),
  itemId: z.string(),
  cycle: z.number().check(z.int(), z.positive()),
});

const lineSchema = z.object({
  lineId: z.string(),
  item: lineItemRefSchema,
  sku: z.string(),
  name: z.string(),
  quantity: z.number(),
  unit: z.string(),
  reason: z.string(),
  leadTimeDays: z.number(),
  desiredDeliveryDate: z.optional(z.string()),
  unitPrice: z.optional(z.number()),
  taxClass: z.optional(z.enum(['standard', 'reduced'])),
  addedAt: z.string(),
  addedBy: z.string(),
});

const eventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('created'), at: z.string(), by: z.string() }),
  z.object({
    kind: z.literal('line-dropped'),
    at: z.string(),
    lineId: z.string(),
    reason: z.string(),
  }),
  z.object({
    kind: z.literal('sealed'),
    at: z.string(),
    orderDate: z.string(),
    supplierPageUrl: z.optional(z.string()),
    linkExpiresAt: z.optional(z.string()),
  }),
  z.object({ kind: z.literal('email-sent'), at: z.string(), messageId: z.string() }),
  z.object({ kind: z.literal('email-failed'), at: z.string(), detail: z.string() }),
  z.object({
    kind: z.literal('delivery'),
    at: z.string(),
    status: z.enum(['delivered', 'bounced', 'complained', 'rejected']),
    detail: z.string(),
  }),
  z.object({
    kind: z.literal('fax-sent'),
    at: z.string(),
    faxId: z.string(),
    gateway: z.string(),
  }),
  z.object({
    kind: z.literal('fax-status'),
    at: z.string(),
    status: z.enum(['delivered', 'failed']),
    detail: z.optional(z.string()),
  }),
  z.object({ kind: z.literal('channel-added'), at: z.string(), channel: orderChannelSchema }),
  z.object({ kind: z.literal('send-delayed'), at: z.string(), reason: z.string() }),
  z.object({ kind: z.literal('needs-attention'), at: z.string(), reason: z.string() }),
  z.object({ kind: z.literal('written-back'), at: z.string(), lineIds: z.array(z.string()) }),
  z.object({ kind: z.literal('commented'), at: z.string(), lineIds: z.array(z.string()) }),
  z.object({ kind: z.literal('supplier-answer'), at: z.string(), answer: supplierAnswerSchema }),
  z.object({
    kind: z.literal('line-closed'),
    at: z.string(),
    lineId: z.string(),
    status: z.string(),
  }),
  z.object({
    kind: z.literal('approval-requested'),
    at: z.string(),
    via: z.enum(['order-app', 'link']),
    reason: z.string(),
  }),
  z.object({ kind: z.literal('approval-reminded'), at: z.string() }),
  z.object({ kind: z.literal('approval-overdue'), at: z.string(), reason: z.string() }),
  z.object({ kind: z.literal('approved'), at: z.string(), by: z.string() }),
  z.object({
    kind: z.literal('rejected'),
    at: z.string(),
    by: z.string(),
    action: z.string(),
    reason: z.string(),
  }),
  z.object({
    kind: z.literal('reminder-sent'),
    at: z.string(),
    channel: z.enum(['email', 'fax']),
    messageId: z.optional(z.string()),
  }),
  z.object({ kind: z.literal('follow-up-overdue'), at: z.string(), reason: z.string() }),
  z.object({ kind: z.literal('late'), at: z.string(), dueDate: z.string() }),
  z.object({
    kind: z.literal('line-received'),
    at: z.string(),
    lineId: z.string(),
    quantity: z.number(),
  }),
  z.object({ kind: z.literal('ledger-written'), at: z.string(), recordId: z.string() }),
]);

/** A line as the order item keeps it in its `lines` map. */
export const storedLineSchema = z.object({
  line: lineSchema,
  /** The create or addLines call that wrote it (its claims carry the same id). */
  attempt: z.string(),
  /** Position within that call. */
  index: z.number().check(z.int(), z.nonnegative()),
  /** `pending` until the call confirmed it; only `in` lines are the order's. */
  state: z.enum(['pending', 'in']),
});
export type StoredLine = z.infer<typeof storedLineSchema>;

/** The ORDER item; key, index and protocol attributes besides these are stripped. */
export const orderItemSchema = z.object({
  orderNumber: z.string(),
  appId: z.string(),
  groupKey: z.string(),
  supplier: supplierSchema,
  shipTo: z.optional(shipToSchema),
  channels: z.array(orderChannelSchema),
  company: companySchema,
  createdAt: z.string(),
  dueAt: z.string(),
  reflectedInKintone: z.boolean(),
  lines: z.record(z.string(), storedLineSchema),
  /** Calls that confirmed lines, in the order they did: the lines' order. */
  batches: z.array(z.string()),
  log: z.array(eventSchema),
  sealedAt: z.optional(z.string()),
  committed: z.optional(z.boolean()),
  aborted: z.optional(z.boolean()),
  /** The create call that wrote the order. */
  creator: z.optional(z.string()),
});
export type OrderItem = z.infer<typeof orderItemSchema>;

/** What the claim check reads of an order (`load` projects just these). */
export const claimCheckItemSchema = z.pick(orderItemSchema, {
  lines: true,
  batches: true,
  log: true,
  committed: true,
  aborted: true,
});

/** The GATHER item of a group. */
export const gatherItemSchema = z.object({ orderNumber: z.string() });

/** A line's claim on its item's cycle, on the item's STATE. */
export const claimSchema = z.object({
  orderNumber: z.string(),
  cycle: z.number().check(z.int(), z.positive()),
  attempt: z.string(),
});
export type Claim = z.infer<typeof claimSchema>;

/** An item's STATE; appId and recordId come from the key, cycle defaults to 1. */
export const stateItemSchema = z.object({
  cycle: z.optional(z.number().check(z.int(), z.positive())),
  lastRevision: z.optional(z.number()),
  ownWriteRevision: z.optional(z.number()),
  lastDecision: z.optional(lastDecisionSchema),
  deletedAt: z.optional(z.string()),
  onOrder: z.optional(claimSchema),
});

/** The order as the port returns it: confirmed lines in the order added. */
export function orderFromItem(item: OrderItem): PurchaseOrder {
  const batch = new Map(item.batches.map((attempt, position) => [attempt, position]));
  const lines = Object.values(item.lines)
    .filter((stored) => stored.state === 'in' && batch.has(stored.attempt))
    .sort((a, b) => (batch.get(a.attempt) ?? 0) - (batch.get(b.attempt) ?? 0) || a.index - b.index)
    .map((stored) => stored.line);
  return {
    orderNumber: item.orderNumber,
    appId: item.appId,
    groupKey: item.groupKey,
    supplier: item.supplier,
    ...(item.shipTo ? { shipTo: item.shipTo } : {}),
    channels: item.channels,
    company: item.company,
    createdAt: item.createdAt,
    dueAt: item.dueAt,
    reflectedInKintone: item.reflectedInKintone,
    lines,
    log: item.log,
  };
}

/*
 * Compile-time guards: zod drops properties a schema does not name, so a field added to a
 * domain type but not here would be silently lost on the next read; these fail the build.
 */
type SameKeys<A, B> = [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never]
  ? true
  : false;
type EventKeys<E> = E extends { kind: infer K } ? { kind: K; keys: keyof E } : never;
type OrderFields = Omit<PurchaseOrder, 'lines'>;
type ItemOrderFields = Omit<
  z.infer<typeof orderItemSchema>,
  'lines' | 'batches' | 'sealedAt' | 'committed' | 'aborted' | 'creator'
>;
const _schemasNameEveryDomainField: {
  shipTo: SameKeys<z.infer<typeof shipToSchema>, ShipTo>;
  itemRef: SameKeys<z.infer<typeof lineItemRefSchema>, LineItemRef>;
  line: SameKeys<z.infer<typeof lineSchema>, PurchaseOrderLine>;
  order: SameKeys<ItemOrderFields, OrderFields>;
  events: [EventKeys<OrderEvent>] extends [EventKeys<z.infer<typeof eventSchema>>]
    ? [EventKeys<z.infer<typeof eventSchema>>] extends [EventKeys<OrderEvent>]
      ? true
      : false
    : false;
} = { shipTo: true, itemRef: true, line: true, order: true, events: true };
void _schemasNameEveryDomainField;
