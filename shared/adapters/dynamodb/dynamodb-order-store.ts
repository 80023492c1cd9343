/**
 * {@link OrderStore} on the bridge table (layout in `bridge-table`).
 *
 * dynalite, the local stand-in for DynamoDB, has no transactions, so the store keeps its two
 * promises (one claim per item cycle; sealed orders take no lines) with single-item conditional
 * writes, in this order, with the ORDER item as the arbiter:
 *
 * 1. intent: the lines go into the order's `lines` map as `pending`, tagged with the call's
 *    random `attempt` (create puts the whole order, `committed: false`, with a TTL);
 * 2. claims: each line's item STATE gets `onOrder = {orderNumber, cycle, attempt}`, on condition
 *    that no other attempt holds the cycle and the item is at that cycle;
 * 3. confirm: ONE update of the order turns the lines `in` (create: `committed: true`, onto
 *    the due list), on condition that it is not sealed (nor aborted) and every line is still
 *    this attempt's. That update is the moment the lines join the order, all or nothing.
 *
 * Only `in` lines are the order's. A claim found held by another attempt is checked against
 * its order: an `in` line that is not dropped is a real claim (`conflict: 'claimed'`); a claim
 * whose line is missing, dropped, or pending in a sealed or aborted order is stale (a crash or
 * a lost race) and is taken over; a pending line of a gathering order is first removed on
 * condition that it is still pending, which makes its confirm fail — so of two racing calls at
 * most one confirms, and a crashed call never blocks an item for longer than the next attempt.
 * A group's gathering pointer (`GATHER#<groupKey>`) held by an uncommitted order is taken over
 * the same way: the order is marked `aborted` first (on condition it has not committed).
 *
 * A call that fails undoes what it wrote (its claims, its pending lines, its uncommitted order)
 * with writes conditional on its attempt, so they never undo another call's work. Every step is
 * safe to repeat under the same attempt, so an SDK retry of a write whose first answer was lost
 * (its condition then fails) is recognised as done rather than undone.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  activeLines,
  isSealed,
  sealOf,
  type OrderEvent,
  type PurchaseOrder,
  type PurchaseOrderLine,
} from '../../domain/purchase-order';
import {
  CHECK_AT_ONCE,
  UnknownOrderError,
  type AddLinesResult,
  type CreateResult,
  type OrderStore,
} from '../../ports/order-store';
import {
  BRIDGE_GSI1_NAME,
  BRIDGE_TTL_ATTRIBUTE,
  isConditionalCheckFailed,
  itemPk,
  type BridgeTableOptions,
} from './bridge-table';
import { allocateOrderNumberIn } from './dynamodb-counters';
import {
  gatherItemSchema,
  orderFromItem,
  orderItemSchema,
  parseBridgeItem,
  stateItemSchema,
  type Claim,
  type OrderItem,
  type StoredLine,
} from './order-item-schemas';
import {
  appendsToAnyLiveOrder,
  assertAppendable,
  assertListDueLimit,
  assertNewLines,
  assertNewOrder,
  assertStorable,
  checkSortKey,
  claimProblem,
  dueSortKey,
  dueUntil,
  lineIdReused,
  orderNumberInUse,
  orderNumberOfSortKey,
  rescheduledSortKey,
} from './order-rules';
import { STATE_SK } from './state-writes';
import { CLAIM_CONCURRENCY, WRITE_CONCURRENCY, mapLimit, updateIfHolds } from './table-io';
import { assertKeyOrderNumber, epochSeconds } from './table-rules';

const ORDER_SK = 'ORDER';
const GATHER_SK = 'GATHER';
/** gsi1pk of every order on the due list. */
export const DUE_GSI1_PK = 'DUE';
/** gsi1pk of every order on the follow-up list (one `CHECK#<orderNumber>` item each). */
export const CHECK_GSI1_PK = 'CHECK';
/** How long an order that never committed (a crash during create) stays before TTL. */
const UNCOMMITTED_TTL_SECONDS = 86_400;
/**
 * Rounds of "the condition failed, read again, resolve" before giving up. Each round means
 * another writer changed the same claim or pointer meanwhile; with a handful of racing
 * Lambdas a few rounds always settle it.
 */
const RACE_ROUNDS = 6;

/** Thrown when other writers kept changing the same claim or pointer; retry the call. */
export class OrderWriteRaceError extends Error {
  override readonly name = 'OrderWriteRaceError';
}

/** Options of {@link DynamoDbOrderStore}. */
export interface DynamoDbOrderStoreOptions extends BridgeTableOptions {
  /** Id of one create or addLines call; random by default. */
  newAttempt?: () => string;
  /** The clock, for the TTL of uncommitted orders. */
  now?: () => Date;
}

type ClaimOutcome = { ok: true } | { ok: false; lineId: string; orderNumber: string };

/**
 * @example
 * const orders = new DynamoDbOrderStore({ client: createDocumentClient(dynamo), tableName });
 * const number = await orders.allocateOrderNumber('PO', '2026-11-28');
 * const result = await orders.create({ ...order, orderNumber: number });
 */
export class DynamoDbOrderStore implements OrderStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly newAttempt: () => string;
  private readonly now: () => Date;

  constructor(options: DynamoDbOrderStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.newAttempt = options.newAttempt ?? (() => randomUUID());
    this.now = options.now ?? (() => new Date());
  }

  allocateOrderNumber(prefix: string, orderDate: string): Promise<string> {
    return allocateOrderNumberIn(this.table, prefix, orderDate);
  }

  async create(order: PurchaseOrder): Promise<CreateResult> {
    assertNewOrder(order);
    const attempt = this.newAttempt();
    const sealed = sealOf(order);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: orderPk(order.orderNumber),
            sk: ORDER_SK,
            orderNumber: order.orderNumber,
            appId: order.appId,
            groupKey: order.groupKey,
            supplier: order.supplier,
            shipTo: order.shipTo,
            channels: order.channels,
            company: order.company,
            createdAt: order.createdAt,
            dueAt: order.dueAt,
            reflectedInKintone: order.reflectedInKintone,
            lines: pendingLines(order.lines, attempt),
            batches: [],
            log: order.log,
            sealedAt: sealed?.at,
            committed: false,
            creator: attempt,
            // A create that crashes before its commit leaves an invisible order; TTL removes it.
            [BRIDGE_TTL_ATTRIBUTE]: epochSeconds(this.now()) + UNCOMMITTED_TTL_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // A retried put whose first attempt went through finds its own order.
      if ((await this.readOrder(order.orderNumber))?.creator !== attempt) {
        throw orderNumberInUse(order.orderNumber);
      }
    }
    if (!sealed) {
      const holder = await this.takeGroup(order.groupKey, order.orderNumber);
      if (holder !== undefined) {
        await this.undoCreate(order, attempt);
        return { created: false, conflict: 'group', orderNumber: holder };
      }
    }
    const claimed = await this.claimAll(order.orderNumber, attempt, order.lines).catch(
      async (error: unknown) => {
        await this.undoCreate(order, attempt);
        throw error;
      },
    );
    if (!claimed.ok) {
      await this.undoCreate(order, attempt);
      return { created: false, conflict: 'claimed', ...pick(claimed) };
    }
    const confirm = confirmExpression(order.lines, attempt);
    try {
      const { Attributes = {} } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderKey(order.orderNumber),
          UpdateExpression:
            `SET ${confirm.set}, #committed = :true, #batches = :batches, ` +
            '#gsi1pk = :due, #gsi1sk = :dueKey REMOVE #expiresAt',
          ConditionExpression: `#committed = :false AND attribute_not_exists(#aborted)${confirm.condition}`,
          ExpressionAttributeNames: {
            ...confirm.names,
            '#committed': 'committed',
            '#aborted': 'aborted',
            '#batches': 'batches',
            '#gsi1pk': 'gsi1pk',
            '#gsi1sk': 'gsi1sk',
            '#expiresAt': BRIDGE_TTL_ATTRIBUTE,
          },
          ExpressionAttributeValues: {
            ...confirm.values,
            ':true': true,
            ':false': false,
            ':batches': [attempt],
            ':due': DUE_GSI1_PK,
            ':dueKey': dueSortKey(order),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { created: true, order: this.orderOf(Attributes) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    // The SDK retries a write whose answer was lost; the retry then fails its condition
    // although the first attempt went through.
    const committed = await this.confirmedBy(order.orderNumber, attempt);
    if (committed) return { created: true, order: committed };
    // A racing call aborted this order (it took the group) or removed a pending line (it took
    // the item): report what holds them now.
    await this.undoCreate(order, attempt);
    const taken = await this.takenLine(attempt, order.lines);
    if (taken) return { created: false, conflict: 'claimed', ...taken };
    const holder = await this.gatheringNumber(order.groupKey);
    if (holder !== undefined && holder !== order.orderNumber) {
      return { created: false, conflict: 'group', orderNumber: holder };
    }
    throw new OrderWriteRaceError(
      `Order ${order.orderNumber} was aborted by a racing create; retry.`,
    );
  }

  async findGathering(groupKey: string): Promise<PurchaseOrder | undefined> {
    const orderNumber = await this.gatheringNumber(groupKey);
    if (orderNumber === undefined) return undefined;
    const order = await this.get(orderNumber);
    return order && !isSealed(order) ? order : undefined;
  }

  async addLines(orderNumber: string, lines: PurchaseOrderLine[]): Promise<AddLinesResult> {
    assertNewLines(lines);
    const attempt = this.newAttempt();
    const intent = await this.writeIntent(orderNumber, lines, attempt);
    if (intent.done) return intent.result;
    const claimed = await this.claimAll(orderNumber, attempt, lines).catch(
      async (error: unknown) => {
        await this.undoLines(orderNumber, lines, attempt);
        throw error;
      },
    );
    if (!claimed.ok) {
      await this.undoLines(orderNumber, lines, attempt);
      return { added: false, conflict: 'claimed', ...pick(claimed) };
    }
    const confirm = confirmExpression(lines, attempt);
    try {
      const { Attributes = {} } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderKey(orderNumber),
          UpdateExpression: `SET ${confirm.set}, #batches = list_append(#batches, :batch)`,
          ConditionExpression: `attribute_not_exists(#sealedAt)${confirm.condition}`,
          ExpressionAttributeNames: {
            ...confirm.names,
            '#sealedAt': 'sealedAt',
            '#batches': 'batches',
          },
          ExpressionAttributeValues: { ...confirm.values, ':batch': [attempt] },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { added: true, order: this.orderOf(Attributes) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const confirmed = await this.confirmedBy(orderNumber, attempt);
    if (confirmed) return { added: true, order: confirmed };
    await this.undoLines(orderNumber, lines, attempt);
    const item = await this.readOrder(orderNumber);
    if (!item || item.sealedAt !== undefined || item.aborted) {
      return { added: false, conflict: 'sealed' };
    }
    const taken = await this.takenLine(attempt, lines);
    if (taken) return { added: false, conflict: 'claimed', ...taken };
    throw new OrderWriteRaceError(`Lines of order ${orderNumber} were taken by a racing call.`);
  }

  async get(orderNumber: string): Promise<PurchaseOrder | undefined> {
    const item = await this.readOrder(orderNumber);
    return item && isLive(item) ? orderFromItem(item) : undefined;
  }

  async orderOfItem(appId: string, itemId: string, cycle: number): Promise<string | undefined> {
    const state = await this.readState(appId, itemId);
    const claim = state?.onOrder;
    if (!claim || claim.cycle !== cycle) return undefined;
    const item = await this.readOrder(claim.orderNumber);
    return item && claimHolds(item, claim, appId, itemId) ? claim.orderNumber : undefined;
  }

  async append(orderNumber: string, event: OrderEvent): Promise<PurchaseOrder> {
    if (appendsToAnyLiveOrder(event)) {
      // The write's condition, committed (an aborted order never was), is the whole check:
      // one request instead of a read and a write for each of a sent order's log entries.
      assertStorable(event, `event ${event.kind}`);
      const appended = await this.appendEvent(orderNumber, event);
      if (!appended) throw new UnknownOrderError(orderNumber);
      return appended;
    }
    const item = await this.readOrder(orderNumber);
    if (!item || !isLive(item)) throw new UnknownOrderError(orderNumber);
    let order = orderFromItem(item);
    if (assertAppendable(order, event) === 'append') {
      order = (await this.appendEvent(orderNumber, event)) ?? (await this.mustGet(orderNumber));
    }
    // Also on a repeat: finishes what a crash after the event left undone.
    await this.afterEvent(order, event);
    return order;
  }

  async listDue(now: Date, limit: number): Promise<string[]> {
    return this.listOrderNumbersUntil(DUE_GSI1_PK, now, limit);
  }

  async reschedule(orderNumber: string, dueAt: Date): Promise<void> {
    assertKeyOrderNumber(orderNumber);
    const moved = await updateIfHolds(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: orderKey(orderNumber),
        UpdateExpression: 'SET #gsi1sk = :key',
        // Only while on the due list: a settled order stays off it.
        ConditionExpression:
          '#committed = :true AND attribute_not_exists(#aborted) AND #gsi1pk = :due',
        ExpressionAttributeNames: {
          '#committed': 'committed',
          '#aborted': 'aborted',
          '#gsi1pk': 'gsi1pk',
          '#gsi1sk': 'gsi1sk',
        },
        ExpressionAttributeValues: {
          ':true': true,
          ':due': DUE_GSI1_PK,
          ':key': rescheduledSortKey(orderNumber, dueAt),
        },
      }),
    );
    if (moved) return;
    const item = await this.readOrder(orderNumber);
    if (!item || !isLive(item)) throw new UnknownOrderError(orderNumber);
  }

  async markSettled(orderNumber: string): Promise<void> {
    // Onto the follow-up list first: a crash between the two writes leaves the order on both
    // lists (the next run settles it again), never on neither.
    await this.scheduleCheck(orderNumber, CHECK_AT_ONCE);
    const settled = await updateIfHolds(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: orderKey(orderNumber),
        UpdateExpression: 'REMOVE gsi1pk, gsi1sk',
        ConditionExpression: '#committed = :true AND attribute_not_exists(#aborted)',
        ExpressionAttributeNames: { '#committed': 'committed', '#aborted': 'aborted' },
        ExpressionAttributeValues: { ':true': true },
      }),
    );
    if (!settled) {
      await this.clearCheck(orderNumber);
      throw new UnknownOrderError(orderNumber);
    }
  }

  async scheduleCheck(orderNumber: string, at: Date): Promise<void> {
    assertKeyOrderNumber(orderNumber);
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: checkKey(orderNumber),
        UpdateExpression: 'SET orderNumber = :n, #at = :at, gsi1pk = :check, gsi1sk = :key',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: {
          ':n': orderNumber,
          ':at': at.toISOString(),
          ':check': CHECK_GSI1_PK,
          ':key': checkSortKey(orderNumber, at),
        },
      }),
    );
  }

  async clearCheck(orderNumber: string): Promise<void> {
    assertKeyOrderNumber(orderNumber);
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: checkKey(orderNumber) }),
    );
  }

  async listChecksDue(now: Date, limit: number): Promise<string[]> {
    return this.listOrderNumbersUntil(CHECK_GSI1_PK, now, limit);
  }

  /**
   * The order numbers on one GSI1 list (`DUE` or `CHECK`) whose time is up to `now`, earliest
   * first: each key is `<ISO time>#<orderNumber>`.
   */
  private async listOrderNumbersUntil(gsi1pk: string, now: Date, limit: number): Promise<string[]> {
    assertListDueLimit(limit);
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: BRIDGE_GSI1_NAME,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :until',
        ExpressionAttributeValues: { ':pk': gsi1pk, ':until': dueUntil(now) },
        ProjectionExpression: 'gsi1sk',
        ScanIndexForward: true,
        Limit: limit,
      }),
    );
    return Items.map((entry) => orderNumberOfSortKey(String(entry['gsi1sk'])));
  }

  private get table(): BridgeTableOptions {
    return { client: this.client, tableName: this.tableName };
  }

  // --- gathering pointer ---

  /** Points the group at `orderNumber`; returns the gathering order holding it instead. */
  private async takeGroup(groupKey: string, orderNumber: string): Promise<string | undefined> {
    for (let round = 0; round < RACE_ROUNDS; round += 1) {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk: gatherPk(groupKey), sk: GATHER_SK, orderNumber },
            ConditionExpression: 'attribute_not_exists(pk) OR orderNumber = :mine',
            ExpressionAttributeValues: { ':mine': orderNumber },
          }),
        );
        return undefined;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      const holder = await this.gatheringNumber(groupKey);
      if (holder === undefined) continue;
      const item = await this.readOrder(holder);
      if (item?.committed && !item.aborted && item.sealedAt === undefined) return holder;
      if (item && !item.committed && !item.aborted) {
        // Uncommitted: a create in flight or one that crashed. Abort it before taking over;
        // if it committed meanwhile, the next round sees a gathering order.
        const aborted = await updateIfHolds(
          this.client,
          new UpdateCommand({
            TableName: this.tableName,
            Key: orderKey(holder),
            UpdateExpression: 'SET #aborted = :true',
            ConditionExpression: '#committed = :false',
            ExpressionAttributeNames: { '#aborted': 'aborted', '#committed': 'committed' },
            ExpressionAttributeValues: { ':true': true, ':false': false },
          }),
        );
        if (!aborted) continue;
      }
      // Sealed, aborted or gone: the pointer is stale (a crash after the seal).
      await this.releaseGroup(groupKey, holder);
    }
    throw new OrderWriteRaceError(`The gathering order of group ${groupKey} kept changing.`);
  }

  private async gatheringNumber(groupKey: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: gatherPk(groupKey), sk: GATHER_SK },
        ConsistentRead: true,
      }),
    );
    return Item && parseBridgeItem(gatherItemSchema, Item, this.tableName).orderNumber;
  }

  private async releaseGroup(groupKey: string, orderNumber: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: gatherPk(groupKey), sk: GATHER_SK },
          ConditionExpression: 'orderNumber = :n',
          ExpressionAttributeValues: { ':n': orderNumber },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  // --- lines and claims ---

  /** Writes the pending lines; `done` when the call ends here (sealed, or a line already in). */
  private async writeIntent(
    orderNumber: string,
    lines: readonly PurchaseOrderLine[],
    attempt: string,
  ): Promise<{ done: true; result: AddLinesResult } | { done: false }> {
    const intent = intentExpression(lines, attempt);
    for (let round = 0; round < RACE_ROUNDS; round += 1) {
      if (lines.length === 0) {
        const order = await this.get(orderNumber);
        if (!order) throw new UnknownOrderError(orderNumber);
        return {
          done: true,
          result: isSealed(order) ? { added: false, conflict: 'sealed' } : { added: true, order },
        };
      }
      const written = await updateIfHolds(
        this.client,
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderKey(orderNumber),
          UpdateExpression: intent.update,
          ConditionExpression: intent.condition,
          ExpressionAttributeNames: intent.names,
          ExpressionAttributeValues: intent.values,
        }),
      );
      if (written) return { done: false };
      const item = await this.readOrder(orderNumber);
      if (!item || (!item.committed && !item.aborted)) throw new UnknownOrderError(orderNumber);
      if (item.aborted || item.sealedAt !== undefined) {
        return { done: true, result: { added: false, conflict: 'sealed' } };
      }
      if (lines.every((line) => item.lines[line.lineId]?.attempt === attempt)) {
        return { done: false }; // a retried write whose first attempt went through
      }
      const order = orderFromItem(item);
      for (const line of lines) {
        const stored = item.lines[line.lineId];
        if (!stored || stored.attempt === attempt) continue;
        if (stored.state === 'in') {
          if (!activeLines(order).some((active) => active.lineId === line.lineId)) {
            throw lineIdReused(orderNumber, line.lineId);
          }
          return {
            done: true,
            result: { added: false, conflict: 'claimed', lineId: line.lineId, orderNumber },
          };
        }
        // Another call's pending line (in flight, or crashed): remove it, which makes that
        // call's confirm fail, then write ours.
        await this.removePending(orderNumber, line.lineId, stored.attempt);
      }
    }
    throw new OrderWriteRaceError(`The lines of order ${orderNumber} kept changing.`);
  }

  private async claimAll(
    orderNumber: string,
    attempt: string,
    lines: readonly PurchaseOrderLine[],
  ): Promise<ClaimOutcome> {
    const outcomes = await mapLimit(lines, CLAIM_CONCURRENCY, (line) =>
      this.claim(orderNumber, attempt, line).then(
        (outcome) => ({ outcome }),
        (error: unknown) => ({ error }),
      ),
    );
    const failed = outcomes.find((entry) => 'error' in entry);
    if (failed && 'error' in failed) throw failed.error;
    for (const entry of outcomes) {
      if ('outcome' in entry && !entry.outcome.ok) return entry.outcome;
    }
    return { ok: true };
  }

  /** Claims one line's item cycle for `attempt`, taking over stale claims. */
  private async claim(
    orderNumber: string,
    attempt: string,
    line: PurchaseOrderLine,
  ): Promise<ClaimOutcome> {
    const { appId, itemId, cycle } = line.item;
    const mine: Claim = { orderNumber, cycle, attempt };
    const cycleCondition =
      cycle === 1 ? '(attribute_not_exists(#cycle) OR #cycle = :c)' : '#cycle = :c';
    for (let round = 0; round < RACE_ROUNDS; round += 1) {
      const free = await this.writeClaim(
        appId,
        itemId,
        mine,
        `${cycleCondition} AND (attribute_not_exists(#onOrder) OR #onOrder.#cycle <> :c OR #onOrder.#attempt = :mine)`,
        { ':mine': attempt },
      );
      if (free) return { ok: true };
      const state = await this.readState(appId, itemId);
      const problem = claimProblem(line, state?.cycle ?? 1);
      if (problem) throw problem;
      const held = state?.onOrder;
      if (!held || held.cycle !== cycle || held.attempt === attempt) continue;
      const holder = await this.readOrder(held.orderNumber);
      const stored = holder && storedLineOf(holder, held, appId, itemId);
      if (holder && stored?.entry.state === 'in') {
        const order = orderFromItem(holder);
        const active = activeLines(order).some((l) => l.lineId === stored.key);
        if (active) {
          const closed = order.log.some((e) => e.kind === 'line-closed' && e.lineId === stored.key);
          if (!closed) return { ok: false, lineId: line.lineId, orderNumber: held.orderNumber };
          // Closed but the cycle did not advance (a crash after the event): finish the close.
          await this.closeCycle(held.orderNumber, appId, itemId, cycle);
          continue;
        }
      } else if (holder && stored) {
        // Pending: a call in flight or one that crashed. Removing the pending line makes its
        // confirm (or its order's commit) fail; if it confirmed first, the next round sees `in`.
        // Even in a sealed order: an immediate order is sealed before it commits.
        if (!(await this.removePending(held.orderNumber, stored.key, held.attempt))) continue;
      }
      const taken = await this.writeClaim(
        appId,
        itemId,
        mine,
        `${cycleCondition} AND #onOrder.#attempt = :theirs`,
        { ':theirs': held.attempt },
      );
      if (taken) return { ok: true };
    }
    throw new OrderWriteRaceError(`The claim on item ${itemId} of app ${appId} kept changing.`);
  }

  private writeClaim(
    appId: string,
    itemId: string,
    claim: Claim,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    return updateIfHolds(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: stateKey(appId, itemId),
        UpdateExpression:
          'SET #onOrder = :claim, #cycle = if_not_exists(#cycle, :c), appId = :appId, recordId = :itemId',
        ConditionExpression: condition,
        ExpressionAttributeNames: {
          '#onOrder': 'onOrder',
          '#cycle': 'cycle',
          '#attempt': 'attempt',
        },
        ExpressionAttributeValues: {
          ...values,
          ':claim': claim,
          ':c': claim.cycle,
          ':appId': appId,
          ':itemId': itemId,
        },
      }),
    );
  }

  /** Removes another call's pending line; false when it is no longer that call's pending line. */
  private removePending(orderNumber: string, lineId: string, attempt: string): Promise<boolean> {
    return updateIfHolds(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: orderKey(orderNumber),
        UpdateExpression: 'REMOVE #lines.#k',
        ConditionExpression: '#lines.#k.#attempt = :attempt AND #lines.#k.#state = :pending',
        ExpressionAttributeNames: {
          '#lines': 'lines',
          '#k': lineId,
          '#attempt': 'attempt',
          '#state': 'state',
        },
        ExpressionAttributeValues: { ':attempt': attempt, ':pending': 'pending' },
      }),
    );
  }

  /** Releases this attempt's claims (only those it still holds). */
  private async releaseClaims(attempt: string, lines: readonly PurchaseOrderLine[]): Promise<void> {
    await mapLimit(lines, WRITE_CONCURRENCY, (line) =>
      updateIfHolds(
        this.client,
        new UpdateCommand({
          TableName: this.tableName,
          Key: stateKey(line.item.appId, line.item.itemId),
          UpdateExpression: 'REMOVE #onOrder',
          ConditionExpression: '#onOrder.#attempt = :attempt',
          ExpressionAttributeNames: { '#onOrder': 'onOrder', '#attempt': 'attempt' },
          ExpressionAttributeValues: { ':attempt': attempt },
        }),
      ),
    );
  }

  private async undoLines(
    orderNumber: string,
    lines: readonly PurchaseOrderLine[],
    attempt: string,
  ): Promise<void> {
    await this.releaseClaims(attempt, lines);
    await mapLimit(lines, WRITE_CONCURRENCY, (line) =>
      this.removePending(orderNumber, line.lineId, attempt),
    );
  }

  private async undoCreate(order: PurchaseOrder, attempt: string): Promise<void> {
    await this.releaseClaims(attempt, order.lines);
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: orderKey(order.orderNumber),
          ConditionExpression: '#committed = :false',
          ExpressionAttributeNames: { '#committed': 'committed' },
          ExpressionAttributeValues: { ':false': false },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    await this.releaseGroup(order.groupKey, order.orderNumber);
  }

  /**
   * The first line whose item cycle another call holds now, for a conflict report once this
   * call's own claims are released. The holder may be a twin adding the same line to the same
   * order, and may not have confirmed yet: its claim is reported all the same.
   */
  private async takenLine(
    attempt: string,
    lines: readonly PurchaseOrderLine[],
  ): Promise<{ lineId: string; orderNumber: string } | undefined> {
    for (const line of lines) {
      const held = (await this.readState(line.item.appId, line.item.itemId))?.onOrder;
      if (held && held.cycle === line.item.cycle && held.attempt !== attempt) {
        return { lineId: line.lineId, orderNumber: held.orderNumber };
      }
    }
    return undefined;
  }

  // --- events ---

  /** Appends the event; undefined when the order changed so that it may not (sealed). */
  private async appendEvent(
    orderNumber: string,
    event: OrderEvent,
  ): Promise<PurchaseOrder | undefined> {
    const names: Record<string, string> = { '#log': 'log', '#committed': 'committed' };
    const values: Record<string, unknown> = { ':event': [event], ':true': true };
    let set = '#log = list_append(#log, :event)';
    let condition = '#committed = :true';
    if (event.kind === 'sealed') {
      names['#sealedAt'] = 'sealedAt';
      values[':at'] = event.at;
      set += ', #sealedAt = :at';
      condition += ' AND attribute_not_exists(#sealedAt)';
    } else if (event.kind === 'line-dropped') {
      names['#sealedAt'] = 'sealedAt';
      condition += ' AND attribute_not_exists(#sealedAt)';
    }
    try {
      const { Attributes = {} } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderKey(orderNumber),
          UpdateExpression: `SET ${set}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return this.orderOf(Attributes);
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  /** The writes outside the order that an event implies; each is conditional and idempotent. */
  private async afterEvent(order: PurchaseOrder, event: OrderEvent): Promise<void> {
    if (event.kind === 'sealed') {
      if (isSealed(order)) await this.releaseGroup(order.groupKey, order.orderNumber);
      return;
    }
    if (event.kind !== 'line-dropped' && event.kind !== 'line-closed') return;
    const line = order.lines.find((candidate) => candidate.lineId === event.lineId);
    if (!line) return;
    const active = activeLines(order).includes(line);
    const { appId, itemId, cycle } = line.item;
    if (event.kind === 'line-dropped' && !active) {
      await updateIfHolds(
        this.client,
        new UpdateCommand({
          TableName: this.tableName,
          Key: stateKey(appId, itemId),
          UpdateExpression: 'REMOVE #onOrder',
          ConditionExpression: '#onOrder.#orderNumber = :n AND #onOrder.#cycle = :c',
          ExpressionAttributeNames: {
            '#onOrder': 'onOrder',
            '#orderNumber': 'orderNumber',
            '#cycle': 'cycle',
          },
          ExpressionAttributeValues: { ':n': order.orderNumber, ':c': cycle },
        }),
      );
    }
    const closed = order.log.some((e) => e.kind === 'line-closed' && e.lineId === event.lineId);
    if (event.kind === 'line-closed' && active && closed) {
      await this.closeCycle(order.orderNumber, appId, itemId, cycle);
    }
  }

  /** Moves the item to its next cycle and drops the claim, if this order still holds it. */
  private closeCycle(
    orderNumber: string,
    appId: string,
    itemId: string,
    cycle: number,
  ): Promise<boolean> {
    return updateIfHolds(
      this.client,
      new UpdateCommand({
        TableName: this.tableName,
        Key: stateKey(appId, itemId),
        UpdateExpression: 'SET #cycle = :next REMOVE #onOrder',
        ConditionExpression: '#cycle = :c AND #onOrder.#orderNumber = :n AND #onOrder.#cycle = :c',
        ExpressionAttributeNames: {
          '#cycle': 'cycle',
          '#onOrder': 'onOrder',
          '#orderNumber': 'orderNumber',
        },
        ExpressionAttributeValues: { ':c': cycle, ':next': cycle + 1, ':n': orderNumber },
      }),
    );
  }

  // --- reads ---

  private async readOrder(orderNumber: string): Promise<OrderItem | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: orderKey(orderNumber),
        ConsistentRead: true,
      }),
    );
    return Item && parseBridgeItem(orderItemSchema, Item, this.tableName);
  }

  /** The order, when `attempt`'s lines are confirmed in it (its confirm went through). */
  private async confirmedBy(
    orderNumber: string,
    attempt: string,
  ): Promise<PurchaseOrder | undefined> {
    const item = await this.readOrder(orderNumber);
    return item && isLive(item) && item.batches.includes(attempt) ? orderFromItem(item) : undefined;
  }

  private async mustGet(orderNumber: string): Promise<PurchaseOrder> {
    const order = await this.get(orderNumber);
    if (!order) throw new UnknownOrderError(orderNumber);
    return order;
  }

  private async readState(appId: string, itemId: string) {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: stateKey(appId, itemId),
        ConsistentRead: true,
      }),
    );
    return Item && parseBridgeItem(stateItemSchema, Item, this.tableName);
  }

  private orderOf(attributes: Record<string, unknown>): PurchaseOrder {
    return orderFromItem(parseBridgeItem(orderItemSchema, attributes, this.tableName));
  }
}

/** What {@link claimHolds} needs of an order item (what `load` reads of each claim's order). */
export type ClaimCheckItem = Pick<OrderItem, 'lines' | 'batches' | 'log' | 'committed' | 'aborted'>;

/** The attributes of {@link ClaimCheckItem}, for a ProjectionExpression. */
export const CLAIM_CHECK_ATTRIBUTES = ['pk', 'lines', 'batches', 'log', 'committed', 'aborted'];

/** True when the claim's line is in its order and not dropped: the item is on that order. */
export function claimHolds(
  item: ClaimCheckItem,
  claim: Claim,
  appId: string,
  itemId: string,
): boolean {
  if (item.committed !== true || item.aborted === true) return false;
  const stored = storedLineOf(item, claim, appId, itemId);
  if (stored?.entry.state !== 'in' || !item.batches.includes(stored.entry.attempt)) return false;
  const { lineId } = stored.entry.line;
  return !item.log.some((event) => event.kind === 'line-dropped' && event.lineId === lineId);
}

/** The order's entry for the claim's item cycle, written by the claim's attempt. */
function storedLineOf(
  item: Pick<OrderItem, 'lines'>,
  claim: Claim,
  appId: string,
  itemId: string,
): { key: string; entry: StoredLine } | undefined {
  for (const [key, entry] of Object.entries(item.lines)) {
    const ref = entry.line.item;
    if (
      entry.attempt === claim.attempt &&
      ref.appId === appId &&
      ref.itemId === itemId &&
      ref.cycle === claim.cycle
    ) {
      return { key, entry };
    }
  }
  return undefined;
}

function isLive(item: OrderItem): boolean {
  return item.committed === true && item.aborted !== true;
}

function pendingLines(
  lines: readonly PurchaseOrderLine[],
  attempt: string,
): Record<string, StoredLine> {
  return Object.fromEntries(
    lines.map((line, index) => [line.lineId, { line, attempt, index, state: 'pending' as const }]),
  );
}

/*
 * Expressions of 99 lines (MAX_LINES_PER_CALL) must stay within DynamoDB's 4 KB per
 * expression and 300 operators, hence the one-letter names (#L lines, #S state, #A attempt).
 */

/** The update writing the lines as pending, on condition none is there and the order gathers. */
export function intentExpression(
  lines: readonly PurchaseOrderLine[],
  attempt: string,
): {
  update: string;
  condition: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const pending = pendingLines(lines, attempt);
  const names: Record<string, string> = {
    '#L': 'lines',
    '#committed': 'committed',
    '#sealedAt': 'sealedAt',
  };
  const values: Record<string, unknown> = { ':true': true };
  const sets: string[] = [];
  const conditions = ['#committed = :true', 'attribute_not_exists(#sealedAt)'];
  lines.forEach((line, index) => {
    names[`#k${index}`] = line.lineId;
    values[`:p${index}`] = pending[line.lineId];
    sets.push(`#L.#k${index} = :p${index}`);
    conditions.push(`attribute_not_exists(#L.#k${index})`);
  });
  return { update: `SET ${sets.join(', ')}`, condition: conditions.join(' AND '), names, values };
}

/** SET clauses turning the lines `in`, and the condition that they are still this attempt's. */
export function confirmExpression(
  lines: readonly PurchaseOrderLine[],
  attempt: string,
): {
  set: string;
  condition: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  // DynamoDB refuses names and values an expression does not use: an order created without
  // lines gets a SET that changes nothing.
  if (lines.length === 0) {
    return { set: '#L = #L', condition: '', names: { '#L': 'lines' }, values: {} };
  }
  const names: Record<string, string> = { '#L': 'lines', '#S': 'state', '#A': 'attempt' };
  const sets: string[] = [];
  const conditions: string[] = [];
  lines.forEach((line, index) => {
    names[`#k${index}`] = line.lineId;
    sets.push(`#L.#k${index}.#S = :in`);
    conditions.push(` AND #L.#k${index}.#A = :attempt`);
  });
  return {
    set: sets.join(', '),
    condition: conditions.join(''),
    names,
    values: { ':in': 'in', ':attempt': attempt },
  };
}

function pick(outcome: { lineId: string; orderNumber: string }): {
  lineId: string;
  orderNumber: string;
} {
  return { lineId: outcome.lineId, orderNumber: outcome.orderNumber };
}

function orderPk(orderNumber: string): string {
  return `ORDER#${orderNumber}`;
}

function orderKey(orderNumber: string): { pk: string; sk: string } {
  return { pk: orderPk(orderNumber), sk: ORDER_SK };
}

function checkKey(orderNumber: string): { pk: string; sk: string } {
  return { pk: `CHECK#${orderNumber}`, sk: 'CHECK' };
}

function gatherPk(groupKey: string): string {
  return `GATHER#${groupKey}`;
}

function stateKey(appId: string, itemId: string): { pk: string; sk: string } {
  return { pk: itemPk({ appId, recordId: itemId }), sk: STATE_SK };
}
