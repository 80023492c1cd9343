/**
 * Puts a record notification's due items on purchase orders: finds each one's supplier and
 * ship-to, groups them, and adds each group to its gathering order or a new one (sealed at once
 * for `immediate`). The orders sealed here are left in the run's `toComplete`, to be sent by
 * `processNotification` in the same run.
 *
 * @module
 */
import { gatheringFor } from '../config/gathering';
import type { GatheringRule } from '../config/schema';
import type { OrderChannel } from '../domain/channels';
import type { OrderDecision } from '../domain/decision';
import { localDate } from '../domain/dates';
import { lineDeliveryOf } from '../domain/business-calendar';
import { orderDueAt } from '../domain/gathering';
import type { ItemSnapshot, SupplierContact } from '../domain/item';
import {
  groupKeyOf,
  isSealed,
  type PurchaseOrder,
  type PurchaseOrderLine,
  type ShipTo,
} from '../domain/purchase-order';
import { orderOpenReason, withDeliveryNote } from '../domain/reason';
import { missingWriteBackFields, missingWriteBackReason } from '../kintone/write-back';
import { NO_METRICS, type BridgeMetrics } from '../ports/bridge-metrics';
import { MAX_LINES_PER_CALL } from '../ports/order-store';
import { sealingEvent } from './complete-order';
import type { DispatchRun, ItemWork } from './dispatch-run';
import { supplierReach } from './order-supplier';

/** How often lines are offered again after a conflict (an order sealed or a claim taken meanwhile). */
const MAX_PLACEMENT_ATTEMPTS = 5;

/** A due item on its way to an order line, with the item's fields as read and its decision. */
interface DueEntry {
  item: ItemWork;
  snapshot: ItemSnapshot;
  decision: OrderDecision;
}

/** Due items of one app, supplier and ship-to: they go on one order. */
interface DueGroup {
  supplier: SupplierContact;
  /** When the group's order goes: its supplier's rule, else the app's (see `gatheringFor`). */
  rule: GatheringRule;
  channels: OrderChannel[];
  shipTo?: ShipTo;
  due: DueEntry[];
}

/** The due items of one run, placed on orders. */
export class DuePlacement {
  /** The last order number asked for (see nextOrderNumber). */
  private numbering: Promise<unknown> = Promise.resolve();
  private readonly metrics: BridgeMetrics;

  constructor(private readonly run: DispatchRun) {
    this.metrics = run.deps.metrics ?? NO_METRICS;
  }

  /**
   * Finds each due item's supplier (the master is read only now) and ship-to, groups them by
   * app, supplier and ship-to, and puts each group on an order by its supplier's gathering rule
   * (else the app's): a new sealed one (`immediate`) or the group's gathering order. A due item
   * whose supplier cannot be reached, or whose row lacks a write-back field, gets 要確認 instead.
   */
  async place(items: ItemWork[]): Promise<void> {
    const groups = new Map<string, DueGroup>();
    for (const item of items) {
      const { decision, mapped } = item;
      if (decision.kind !== 'order' || item.open || !mapped.ok) continue;
      if (item.cells) {
        const cells = item.cells;
        const missing = missingWriteBackFields(this.run.app, (code) => cells.has(code));
        if (missing.length > 0) {
          item.decision = {
            kind: 'cannot-evaluate',
            reason: missingWriteBackReason(decision.reason, missing),
          };
          item.writeBackMissing = missing;
          continue;
        }
      }
      const reach = await supplierReach(mapped.item.supplier, this.run.app, this.run.deps);
      if (!reach.ok) {
        item.decision = {
          kind: 'cannot-evaluate',
          reason: `${decision.reason} → 送信できません: ${reach.reason}`,
          ...(decision.closedOrderNumber !== undefined
            ? { closedOrderNumber: decision.closedOrderNumber }
            : {}),
        };
        continue;
      }
      const shipTo = mapped.item.shipTo;
      const groupKey = groupKeyOf(this.run.app.appId, reach.contact, shipTo);
      const group = groups.get(groupKey) ?? {
        supplier: reach.contact,
        rule: gatheringFor(this.run.deps.config, this.run.app, reach.contact.code),
        channels: reach.channels,
        ...(shipTo ? { shipTo } : {}),
        due: [],
      };
      group.due.push({ item, snapshot: { ...mapped.item, supplier: reach.contact }, decision });
      groups.set(groupKey, group);
    }
    // Immediate groups each get new orders of their own, so when every group is immediate they
    // are placed at once (their rows' claims go out together), numbered one after another in the
    // groups' order (see nextOrderNumber). Gathering groups look up and join their orders one
    // group at a time, and with one among them every group takes its turn.
    const entries = [...groups];
    const placing = entries.every(([, group]) => group.rule.rule === 'immediate')
      ? await Promise.allSettled(entries.map(([key, group]) => this.placeGroup(key, group)))
      : await sequentially(entries, ([key, group]) => this.placeGroup(key, group));
    // Every group has finished before a failure is passed on: none is left writing.
    for (const result of placing) if (result.status === 'rejected') throw result.reason;
    // Sent in the groups' order, whichever finished placing first.
    const sealed = placing.flatMap((result) => (result.status === 'fulfilled' ? result.value : []));
    for (const orderNumber of sealed) this.run.toComplete.add(orderNumber);
  }

  /**
   * The next order number. Taken one after another in the order asked for, also when groups
   * are placed at once: the first group's order gets the lower number, as when placed in turn.
   */
  private nextOrderNumber(): Promise<string> {
    const next = this.numbering.then(() =>
      this.run.deps.orders.allocateOrderNumber(
        this.run.deps.config.orderNumberPrefix,
        localDate(this.run.now, this.run.deps.config.timeZone),
      ),
    );
    this.numbering = next.catch(() => undefined);
    return next;
  }

  /** Puts the group's due items on orders; returns the sealed orders it created, to send now. */
  private async placeGroup(groupKey: string, group: DueGroup): Promise<string[]> {
    const sealed: string[] = [];
    const rule = group.rule;
    let pending = [...group.due];
    let orderNumber: string | undefined;
    /** An order to add the lines to (the group's gathering order), when known. */
    let target: string | undefined;
    let lookedUp = false;

    const onOrderAlready = async (lineId: string, holder: string) => {
      const claimed = pending.find((entry) => entry.item.key.recordId === lineIdBase(lineId));
      pending = pending.filter((entry) => entry !== claimed);
      if (!claimed) throw new Error(`order store reported an unknown line ${lineId} as claimed`);
      const order = await this.run.refresh(holder);
      const line = [...(order?.lines ?? [])]
        .reverse()
        .find(
          (candidate) =>
            candidate.item.itemId === claimed.item.key.recordId &&
            candidate.item.cycle === claimed.item.cycle,
        );
      this.run.deps.logger.info('item already on order', {
        itemId: claimed.item.key.recordId,
        orderNumber: holder,
      });
      if (order && line) claimed.item.open = { orderNumber: holder, lineId: line.lineId };
      claimed.item.decision = {
        kind: 'order-open',
        orderNumber: holder,
        reason: orderOpenReason(holder, line?.quantity ?? 0, claimed.snapshot.unit),
      };
    };

    let conflicts = 0;
    while (pending.length > 0) {
      if (conflicts > MAX_PLACEMENT_ATTEMPTS) {
        throw new Error(
          `could not place ${pending.length} line(s) for group ${groupKey} after ${conflicts} conflicts`,
        );
      }
      // One write takes at most MAX_LINES_PER_CALL lines; the rest follow in the next.
      const batch = pending.slice(0, MAX_LINES_PER_CALL);
      if (rule.rule !== 'immediate' && target === undefined && !lookedUp) {
        lookedUp = true;
        const gathering = await this.run.deps.orders.findGathering(groupKey);
        if (gathering && !isSealed(gathering)) {
          this.run.orders.set(gathering.orderNumber, gathering);
          target = gathering.orderNumber;
        }
      }
      if (target !== undefined) {
        const into = this.run.orders.get(target) ?? (await this.run.refresh(target));
        const lines = batch.map((entry) => this.lineFor(entry, into));
        const added = await this.run.deps.orders.addLines(target, lines);
        if (added.added) {
          this.placed(added.order, batch);
          pending = pending.slice(batch.length);
          this.run.deps.logger.info('lines added to the gathering order', {
            orderNumber: target,
            lines: lines.map((line) => line.lineId),
          });
          continue;
        }
        conflicts += 1;
        if (added.conflict === 'claimed') {
          await onOrderAlready(added.lineId, added.orderNumber);
          continue;
        }
        // Sealed meanwhile: the group's next lines open a new order.
        target = undefined;
      }
      orderNumber ??= await this.nextOrderNumber();
      const order = await this.newOrder(orderNumber, groupKey, group, batch);
      const created = await this.run.deps.orders.create(order);
      if (created.created) {
        this.metrics.count('OrdersCreated');
        this.placed(created.order, batch);
        pending = pending.slice(batch.length);
        this.run.deps.logger.info('order created', {
          orderNumber,
          gathering: !isSealed(created.order),
          dueAt: created.order.dueAt,
          lines: created.order.lines.map((line) => line.lineId),
        });
        if (isSealed(created.order)) sealed.push(orderNumber);
        // A sealed order takes no more lines: the rest of an immediate group is another order.
        else target = orderNumber;
        orderNumber = undefined;
        continue;
      }
      conflicts += 1;
      if (created.conflict === 'claimed') {
        await onOrderAlready(created.lineId, created.orderNumber);
        continue;
      }
      // Another notification opened the group's gathering order meanwhile: join it.
      target = created.orderNumber;
    }
    return sealed;
  }

  /** Remembers where the lines went. */
  private placed(order: PurchaseOrder, entries: DueEntry[]): void {
    this.run.orders.set(order.orderNumber, order);
    for (const { item } of entries) {
      const line = [...order.lines]
        .reverse()
        .find(
          (candidate) =>
            candidate.item.itemId === item.key.recordId && candidate.item.cycle === item.cycle,
        );
      if (line) item.open = { orderNumber: order.orderNumber, lineId: line.lineId };
    }
  }

  /** A new order for the group: sealed at once (`immediate`), else gathering until its due time. */
  private async newOrder(
    orderNumber: string,
    groupKey: string,
    group: DueGroup,
    pending: DueEntry[],
  ): Promise<PurchaseOrder> {
    const rule = group.rule;
    const { config } = this.run.deps;
    const immediate = rule.rule === 'immediate';
    const dueAt = orderDueAt(
      rule,
      this.run.now,
      config.timeZone,
      this.run.deps.calendars?.company,
    ).toISOString();
    const order: PurchaseOrder = {
      orderNumber,
      appId: this.run.app.appId,
      groupKey,
      supplier: group.supplier,
      ...(group.shipTo ? { shipTo: group.shipTo } : {}),
      channels: group.channels,
      company: config.company,
      createdAt: this.run.at,
      dueAt,
      reflectedInKintone: this.run.app.onOrderIncludesBridgeOrders,
      lines: [],
      log: [{ kind: 'created', at: this.run.at, by: this.run.notificationId }],
    };
    order.lines = pending.map((entry) => this.lineFor(entry, order));
    if (immediate) order.log.push(await sealingEvent(order, this.run.deps, this.run.now));
    return order;
  }

  /**
   * A line's desired delivery date in business days, from the day its order is planned to go out
   * (its due time), and the reason's note naming the closed days passed over.
   */
  private deliveryOf(
    snapshot: ItemSnapshot,
    order: PurchaseOrder | undefined,
  ): { desiredDeliveryDate?: string; note?: string } {
    const calendars = this.run.deps.calendars;
    if (!calendars) return {};
    const planned = order ? new Date(order.dueAt) : this.run.now;
    const orderDate = localDate(
      planned.getTime() > this.run.now.getTime() ? planned : this.run.now,
      this.run.deps.config.timeZone,
    );
    const calendar = calendars.deliveryFor(order?.supplier.code ?? snapshot.supplier.code);
    const delivery = lineDeliveryOf(calendar, orderDate, snapshot.leadTimeDays);
    return {
      desiredDeliveryDate: delivery.date,
      ...(delivery.note !== undefined ? { note: delivery.note } : {}),
    };
  }

  /** The order line of a due item; its id is the item's, made unique should it have left the order. */
  private lineFor(entry: DueEntry, order: PurchaseOrder | undefined): PurchaseOrderLine {
    const { item, snapshot, decision } = entry;
    const itemId = item.key.recordId;
    const taken = new Set(order?.lines.map((line) => line.lineId) ?? []);
    let lineId = itemId;
    for (let n = 2; taken.has(lineId); n++) lineId = `${itemId}#${n}`;
    const delivery = this.deliveryOf(snapshot, order);
    return {
      lineId,
      item: {
        appId: this.run.app.appId,
        recordId: this.run.recordId,
        ...(item.rowId !== undefined ? { rowId: item.rowId } : {}),
        itemId,
        cycle: item.cycle,
      },
      sku: snapshot.sku,
      name: snapshot.name,
      quantity: decision.quantity,
      unit: snapshot.unit,
      reason: withDeliveryNote(decision.reason, delivery.note),
      leadTimeDays: snapshot.leadTimeDays,
      ...(delivery.desiredDeliveryDate !== undefined
        ? { desiredDeliveryDate: delivery.desiredDeliveryDate }
        : {}),
      ...(snapshot.unitPrice !== undefined ? { unitPrice: snapshot.unitPrice } : {}),
      ...(snapshot.taxClass !== undefined ? { taxClass: snapshot.taxClass } : {}),
      addedAt: this.run.at,
      addedBy: this.run.notificationId,
    };
  }
}

/** Runs `work` on each item in turn, up to the first failure; the results as allSettled's. */
async function sequentially<T, R>(
  items: readonly T[],
  work: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = [];
  for (const item of items) {
    try {
      results.push({ status: 'fulfilled', value: await work(item) });
    } catch (reason) {
      results.push({ status: 'rejected', reason });
      break;
    }
  }
  return results;
}

/** The item id of a line id (`3:368`, or `3:368#2` for an item that left the order and came back). */
function lineIdBase(lineId: string): string {
  const hash = lineId.indexOf('#');
  return hash < 0 ? lineId : lineId.slice(0, hash);
}
