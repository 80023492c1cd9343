/**
 * Converts the old BridgeStore's open orders (`ITEM#<app>#<record>` / `ORDER#<cycle>`) into
 * purchase orders of the new store, under their own numbers, so an item on an old open order
 * stays on order after the upgrade (docs/migration-orders.md). Each becomes a sealed order: the
 * old model sent every order at once. Its log is rebuilt from the old `steps`, and it goes on
 * the due list, so the new code finishes whatever the old one left undone (a write-back, a
 * comment) and then settles it.
 *
 * The old item is read with its own schema here, not the old store's: this must keep working
 * after the old store's code is deleted.
 *
 * @module
 */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { DynamoDbOrderStore } from '../../shared/adapters/dynamodb/dynamodb-order-store';
import {
  companySchema,
  orderChannelSchema,
  supplierAnswerSchema,
  supplierSchema,
} from '../../shared/adapters/dynamodb/item-schemas';
import type { OrderChannel } from '../../shared/domain/channels';
import {
  groupKeyOf,
  type OrderEvent,
  type PurchaseOrder,
  type PurchaseOrderLine,
} from '../../shared/domain/purchase-order';
import { StaleCycleError } from '../../shared/ports/order-store';

const oldLineSchema = z.object({
  sku: z.string(),
  name: z.string(),
  quantity: z.number(),
  unit: z.string(),
  rowId: z.string().optional(),
  reason: z.string().optional(),
  unitPrice: z.number().optional(),
  taxClass: z.enum(['standard', 'reduced']).optional(),
});

/** What the migration reads of an old order item (other attributes are ignored). */
export const oldOrderSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  appId: z.string(),
  recordId: z.string(),
  cycle: z.number().int().positive(),
  channels: z.array(orderChannelSchema).optional(),
  status: z.enum(['open', 'closed']),
  request: z.object({
    orderNumber: z.string(),
    orderDate: z.string(),
    desiredDeliveryDate: z.string(),
    supplier: supplierSchema,
    lines: z.array(oldLineSchema).min(1),
    company: companySchema,
    reason: z.string(),
    supplierPageUrl: z.string().optional(),
  }),
  reflectedInKintone: z.boolean(),
  createdAt: z.string(),
  createdByNotificationId: z.string(),
  steps: z.object({
    emailSentAt: z.string().optional(),
    emailMessageId: z.string().optional(),
    writtenBackAt: z.string().optional(),
    commentedAt: z.string().optional(),
    deliveryStatus: z.enum(['delivered', 'bounced', 'complained', 'rejected']).optional(),
    deliveryDetail: z.string().optional(),
    deliveryAt: z.string().optional(),
    emailFailedAt: z.string().optional(),
    emailFailure: z.string().optional(),
    faxSentAt: z.string().optional(),
    faxId: z.string().optional(),
    faxGateway: z.string().optional(),
    faxStatus: z.enum(['delivered', 'failed']).optional(),
    faxDetail: z.string().optional(),
    faxStatusAt: z.string().optional(),
    sendDelayedAt: z.string().optional(),
    sendDelayedReason: z.string().optional(),
    attentionAt: z.string().optional(),
    attentionReason: z.string().optional(),
    supplierAnswer: z.optional(supplierAnswerSchema),
    supplierAnswerAt: z.string().optional(),
    supplierAnswerHistory: z
      .array(z.object({ at: z.string(), answer: supplierAnswerSchema }))
      .optional(),
  }),
  rows: z
    .object({
      recordId: z.string(),
      subtable: z.string(),
      members: z.array(
        z.object({ rowId: z.string(), itemRecordId: z.string(), cycle: z.number().int() }),
      ),
    })
    .optional(),
  memberOf: z.unknown().optional(),
});
export type OldOrder = z.infer<typeof oldOrderSchema>;

const DAY_MS = 86_400_000;

/**
 * The purchase order an old open order becomes: sealed at its creation, one line per item (a
 * row order: one per row), its steps as events in time order.
 *
 * @example
 * convertOldOrder(oldOrderSchema.parse(item)).orderNumber; // 'PO-20261128-0001'
 */
export function convertOldOrder(old: OldOrder): PurchaseOrder {
  const { request, steps } = old;
  const leadTimeDays = Math.max(
    0,
    Math.round((Date.parse(request.desiredDeliveryDate) - Date.parse(request.orderDate)) / DAY_MS),
  );
  const lines = linesOf(old, leadTimeDays);
  const lineIds = lines.map((line) => line.lineId);
  const events: OrderEvent[] = [];
  if (steps.emailSentAt && steps.emailMessageId) {
    events.push({ kind: 'email-sent', at: steps.emailSentAt, messageId: steps.emailMessageId });
  }
  if (steps.emailFailedAt) {
    events.push({
      kind: 'email-failed',
      at: steps.emailFailedAt,
      detail: steps.emailFailure ?? '',
    });
  }
  if (steps.deliveryStatus && steps.deliveryAt) {
    events.push({
      kind: 'delivery',
      at: steps.deliveryAt,
      status: steps.deliveryStatus,
      detail: steps.deliveryDetail ?? '',
    });
  }
  if (steps.faxSentAt && steps.faxId) {
    events.push({
      kind: 'fax-sent',
      at: steps.faxSentAt,
      faxId: steps.faxId,
      gateway: steps.faxGateway ?? '',
    });
  }
  if (steps.faxStatus && steps.faxStatusAt) {
    events.push({
      kind: 'fax-status',
      at: steps.faxStatusAt,
      status: steps.faxStatus,
      ...(steps.faxDetail === undefined ? {} : { detail: steps.faxDetail }),
    });
  }
  if (steps.sendDelayedAt) {
    events.push({
      kind: 'send-delayed',
      at: steps.sendDelayedAt,
      reason: steps.sendDelayedReason ?? '',
    });
  }
  if (steps.attentionAt) {
    events.push({
      kind: 'needs-attention',
      at: steps.attentionAt,
      reason: steps.attentionReason ?? '',
    });
  }
  if (steps.writtenBackAt) events.push({ kind: 'written-back', at: steps.writtenBackAt, lineIds });
  if (steps.commentedAt) events.push({ kind: 'commented', at: steps.commentedAt, lineIds });
  const answers =
    steps.supplierAnswerHistory ??
    (steps.supplierAnswer && steps.supplierAnswerAt
      ? [{ at: steps.supplierAnswerAt, answer: steps.supplierAnswer }]
      : []);
  for (const { at, answer } of answers) events.push({ kind: 'supplier-answer', at, answer });
  // Stable sort: events of one instant keep the order above (sent before written back).
  events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return {
    orderNumber: request.orderNumber,
    appId: old.appId,
    groupKey: groupKeyOf(old.appId, request.supplier),
    supplier: request.supplier,
    channels: channelsOf(old),
    company: request.company,
    createdAt: old.createdAt,
    dueAt: old.createdAt,
    reflectedInKintone: old.reflectedInKintone,
    lines,
    log: [
      { kind: 'created', at: old.createdAt, by: old.createdByNotificationId },
      {
        kind: 'sealed',
        at: old.createdAt,
        orderDate: request.orderDate,
        ...(request.supplierPageUrl ? { supplierPageUrl: request.supplierPageUrl } : {}),
      },
      ...events,
    ],
  };
}

function channelsOf(old: OldOrder): OrderChannel[] {
  if (old.channels) return old.channels;
  // Orders stored before channels existed went by email.
  const email = old.request.supplier.email;
  return email ? [{ kind: 'email', address: email }] : [];
}

function linesOf(old: OldOrder, leadTimeDays: number): PurchaseOrderLine[] {
  const { request } = old;
  const base = (line: OldOrder['request']['lines'][number]) => ({
    sku: line.sku,
    name: line.name,
    quantity: line.quantity,
    unit: line.unit,
    reason: line.reason ?? request.reason,
    leadTimeDays,
    ...(line.unitPrice === undefined ? {} : { unitPrice: line.unitPrice }),
    ...(line.taxClass === undefined ? {} : { taxClass: line.taxClass }),
    addedAt: old.createdAt,
    addedBy: old.createdByNotificationId,
  });
  if (!old.rows) {
    const [line] = request.lines;
    if (!line) return [];
    return [
      {
        lineId: old.recordId,
        item: { appId: old.appId, recordId: old.recordId, itemId: old.recordId, cycle: old.cycle },
        ...base(line),
      },
    ];
  }
  const rows = old.rows;
  return rows.members.map((member, index) => {
    const line =
      request.lines.find((candidate) => candidate.rowId === member.rowId) ?? request.lines[index];
    if (!line) {
      throw new Error(`Order ${request.orderNumber}: no line for row ${member.rowId}.`);
    }
    return {
      lineId: member.itemRecordId,
      item: {
        appId: old.appId,
        recordId: rows.recordId,
        rowId: member.rowId,
        itemId: member.itemRecordId,
        cycle: member.cycle,
      },
      ...base(line),
    };
  });
}

/** What one run did, order by order. */
export interface MigrationReport {
  converted: string[];
  /** Already converted by an earlier run (the number is a purchase order). */
  alreadyDone: string[];
  /** Left as they were, with why (an item already on a new order, a closed cycle, a bad item). */
  skipped: { orderNumber: string; reason: string }[];
  dryRun: boolean;
}

/**
 * Finds the table's old open orders (a Scan: the old shape has no index for them) and
 * converts each with the new order store. Idempotent: a converted order is found by number and
 * left alone; an item already on a new order keeps that one (the old order is reported).
 */
export async function migrateOrders(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
  dryRun?: boolean;
}): Promise<MigrationReport> {
  const { client, tableName } = options;
  const store = new DynamoDbOrderStore({ client, tableName });
  const report: MigrationReport = {
    converted: [],
    alreadyDone: [],
    skipped: [],
    dryRun: options.dryRun ?? false,
  };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression:
          'begins_with(pk, :item) AND begins_with(sk, :order) AND #status = :open AND attribute_not_exists(memberOf)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':item': 'ITEM#', ':order': 'ORDER#', ':open': 'open' },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    for (const item of page.Items ?? []) {
      const parsed = oldOrderSchema.safeParse(item);
      if (!parsed.success) {
        report.skipped.push({
          orderNumber: String(item['orderNumber'] ?? `${String(item['pk'])} ${String(item['sk'])}`),
          reason: `not an old order this script can read: ${z.prettifyError(parsed.error)}`,
        });
        continue;
      }
      await migrateOne(store, convertOldOrder(parsed.data), report);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return report;
}

async function migrateOne(
  store: DynamoDbOrderStore,
  order: PurchaseOrder,
  report: MigrationReport,
): Promise<void> {
  if (await store.get(order.orderNumber)) {
    report.alreadyDone.push(order.orderNumber);
    return;
  }
  if (report.dryRun) {
    report.converted.push(order.orderNumber);
    return;
  }
  try {
    const result = await store.create(order);
    if (result.created) {
      report.converted.push(order.orderNumber);
    } else {
      report.skipped.push({
        orderNumber: order.orderNumber,
        reason:
          result.conflict === 'claimed'
            ? `line ${result.lineId} is already on order ${result.orderNumber}`
            : `group already gathering in ${result.orderNumber}`,
      });
    }
  } catch (error) {
    if (!(error instanceof StaleCycleError)) throw error;
    report.skipped.push({ orderNumber: order.orderNumber, reason: error.message });
  }
}

/** One line per order, for the command's output. */
export function formatMigrationReport(report: MigrationReport): string[] {
  const verb = report.dryRun ? 'would convert' : 'converted';
  return [
    ...report.converted.map((number) => `${verb} ${number}`),
    ...report.alreadyDone.map((number) => `already converted ${number}`),
    ...report.skipped.map(({ orderNumber, reason }) => `skipped ${orderNumber}: ${reason}`),
    `${report.converted.length} ${verb}, ${report.alreadyDone.length} already converted, ` +
      `${report.skipped.length} skipped`,
  ];
}
