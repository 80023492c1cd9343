/**
 * The OLD BridgeStore, replaced by the split ports' adapters (`dynamodb-order-store`,
 * `dynamodb-item-states`, `dynamodb-processed-notifications`, `dynamodb-counters`,
 * `dynamodb-page-nonces`; layout in `bridge-table`) and deleted once nothing uses it. Its
 * nonces, counters and order numbers already delegate to those adapters.
 *
 * The bridge's state in one DynamoDB table (single-table design; `pk`/`sk` are strings).
 *
 * | What                   | pk                            | sk                  | Other attributes |
 * | ---------------------- | ----------------------------- | ------------------- | ---------------- |
 * | Item state             | `ITEM#<appId>#<recordId>`     | `STATE`             | appId, recordId, cycle, lastRevision, lastDecision, deletedAt |
 * | Order                  | `ITEM#<appId>#<recordId>`     | `ORDER#<cycle:6>`   | the whole StoredOrder, orderNumber, gsi1pk `ORDER#<orderNumber>`, gsi1sk `ORDER` (not on a row's membership) |
 * | Processed notification | `NOTIF#<notificationId>`      | `NOTIF`             | appId, recordId, revision, decision, at, expiresAt (TTL, epoch seconds) |
 * | Order number counter   | `COUNTER#<prefix>#<YYYYMMDD>` | `COUNTER`           | seq |
 * | Order page nonce       | `NONCE#<nonce>`               | `NONCE`             | orderNumber, expiresAt (TTL) |
 * | Order page rate count  | `RATE#<orderNumber>#<window>` | `RATE`              | count, expiresAt (TTL) |
| kintone calls per day  | `KCALLS#<appId>#<day>`        | `KCALLS`            | count, expiresAt (TTL) |
 *
 * Why this shape:
 * - An item's state and orders share a partition, and `STATE` sorts after every `ORDER#...`,
 *   so one descending Query with Limit 2 returns the state and the newest order together.
 * - The cycle is zero-padded to six digits so that lexical sort-key order is numeric order.
 * - "One order per cycle" is a conditional put on the order's own key, which needs no
 *   transaction (dynalite, the local stand-in, has none).
 * - GSI1 (gsi1pk/gsi1sk) is sparse: only orders carry it, so it can look an order up by number.
 * - `expiresAt` is the table's TTL attribute; markers only guard against replays for a while.
 *   TTL deletion is lazy, so a nonce's expiry is also part of the condition that consumes it.
 * - A nonce is used up by a conditional delete: of two concurrent posts with one nonce, exactly
 *   one delete succeeds.
 *
 * @module
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { OrderChannel } from '../../domain/channels';
import {
  SUPPLIER_ANSWER_HISTORY_LIMIT,
  type BridgeStore,
  type CompletedNotification,
  type ItemKey,
  type ItemRecord,
  type LoadedItem,
  type OrderStep,
  type StoredOrder,
} from '../../ports/bridge-store';
import {
  itemStateSchema,
  keySchema,
  parseBridgeItem,
  storedOrderSchema,
} from './bridge-item-schemas';
import {
  DEFAULT_PROCESSED_TTL_DAYS,
  DELETED_RECORD_REASON,
  OrderNotFoundError,
  assertOrderCycle,
  assertProcessedTtlDays,
  channelsWith,
  orderStepFields,
  processedExpiresAt,
} from './bridge-store-rules';
import {
  BRIDGE_GSI1_NAME,
  BRIDGE_TTL_ATTRIBUTE,
  isConditionalCheckFailed,
  itemPk,
} from './bridge-table';
import { DynamoDbCounters, allocateOrderNumberIn } from './dynamodb-counters';
import { DynamoDbPageNonces } from './dynamodb-page-nonces';

// The table's definition and client moved to bridge-table; re-exported for existing importers.
export {
  BRIDGE_GSI1_NAME,
  BRIDGE_TTL_ATTRIBUTE,
  bridgeTableDefinition,
  createDocumentClient,
  ensureBridgeTable,
} from './bridge-table';

const STATE_SK = 'STATE';
const NOTIF_SK = 'NOTIF';
const ORDER_GSI1_SK = 'ORDER';
const CYCLE_DIGITS = 6;
// Each failed attempt means another writer added a channel meanwhile; orders have one or two.
const CHANNEL_ADD_ATTEMPTS = 3;

/** Options of {@link DynamoDbBridgeStore}. */
export interface DynamoDbBridgeStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Days processed-notification markers are kept; defaults to 30. */
  processedTtlDays?: number;
}

/**
 * {@link BridgeStore} on one DynamoDB table (layout at the top of this file). The client must
 * remove undefined values ({@link createDocumentClient} builds one that does).
 *
 * @example
 * const store = new DynamoDbBridgeStore({
 *   client: createDocumentClient(new DynamoDBClient({})),
 *   tableName: 'stock-alert-bridge',
 * });
 * const { item, currentOrder } = await store.loadItem({ appId: '12', recordId: '34' });
 */
export class DynamoDbBridgeStore implements BridgeStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly processedTtlDays: number;
  // Nonces, counters and order numbers are the split ports' adapters; this class delegates.
  private readonly nonces: DynamoDbPageNonces;
  private readonly counters: DynamoDbCounters;

  constructor(options: DynamoDbBridgeStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.nonces = new DynamoDbPageNonces(options);
    this.counters = new DynamoDbCounters(options);
    this.processedTtlDays = options.processedTtlDays ?? DEFAULT_PROCESSED_TTL_DAYS;
    assertProcessedTtlDays(this.processedTtlDays);
  }

  async hasProcessed(notificationId: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: notifPk(notificationId), sk: NOTIF_SK },
        ProjectionExpression: 'pk',
        // A retry can arrive right after the first attempt finished.
        ConsistentRead: true,
      }),
    );
    return Item !== undefined;
  }

  async loadItem(key: ItemKey): Promise<LoadedItem> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': itemPk(key) },
        // Descending, STATE comes first and then the newest order: all loadItem needs.
        ScanIndexForward: false,
        Limit: 2,
        ConsistentRead: true,
      }),
    );
    let state: ItemRecord = { appId: key.appId, recordId: key.recordId, cycle: 1 };
    const stateItem = Items.find((item) => this.keyOf(item).sk === STATE_SK);
    if (stateItem) {
      const { cycle = 1, ...rest } = parseBridgeItem(itemStateSchema, stateItem, this.tableName);
      state = { ...state, ...rest, cycle };
    }
    const currentSk = orderSk(state.cycle);
    const orderItem = Items.find((item) => this.keyOf(item).sk === currentSk);
    return orderItem
      ? { item: state, currentOrder: parseBridgeItem(storedOrderSchema, orderItem, this.tableName) }
      : { item: state };
  }

  allocateOrderNumber(prefix: string, orderDate: string): Promise<string> {
    return allocateOrderNumberIn(
      { client: this.client, tableName: this.tableName },
      prefix,
      orderDate,
    );
  }

  async createOrder(order: StoredOrder): Promise<{ order: StoredOrder; created: boolean }> {
    const key: ItemKey = { appId: order.appId, recordId: order.recordId };
    const orderNumber = order.request.orderNumber;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...order,
            // recordOrderStep sets paths inside `steps`, which fails unless the map exists.
            steps: { ...order.steps },
            pk: itemPk(key),
            sk: orderSk(order.cycle),
            orderNumber,
            // A row's membership copies its lead's number: only the lead is found by number.
            ...(order.memberOf ? {} : { gsi1pk: `ORDER#${orderNumber}`, gsi1sk: ORDER_GSI1_SK }),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { order: structuredClone(order), created: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    // dynalite lacks ReturnValuesOnConditionCheckFailure, so read the winner separately.
    const existing = await this.getOrder(key, order.cycle);
    if (!existing) throw new OrderNotFoundError(key.appId, key.recordId, order.cycle);
    return { order: existing, created: false };
  }

  async findOrderByNumber(orderNumber: string): Promise<StoredOrder | undefined> {
    // GSI reads are eventually consistent, so the index only says where the order is; the
    // order itself is then read consistently, with the steps recorded a moment ago.
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: BRIDGE_GSI1_NAME,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk = :sk',
        ExpressionAttributeValues: { ':pk': `ORDER#${orderNumber}`, ':sk': ORDER_GSI1_SK },
        Limit: 1,
      }),
    );
    const [indexed] = Items;
    if (!indexed) return undefined;
    const { appId, recordId, cycle } = parseBridgeItem(storedOrderSchema, indexed, this.tableName);
    return this.getOrder({ appId, recordId }, cycle);
  }

  async recordOrderStep(key: ItemKey, cycle: number, step: OrderStep): Promise<StoredOrder> {
    if (step.kind === 'channel-added') return this.addChannel(key, cycle, step.channel);
    const names: Record<string, string> = { '#steps': 'steps' };
    const values: Record<string, unknown> = {};
    const assignments: string[] = [];
    if (step.kind === 'supplier-answer') {
      // Appending is atomic, so concurrent answers are all kept; trimming comes after.
      names['#history'] = 'supplierAnswerHistory';
      values[':entry'] = [{ at: step.at, answer: step.answer }];
      values[':empty'] = [];
      assignments.push(
        '#steps.#history = list_append(if_not_exists(#steps.#history, :empty), :entry)',
      );
    }
    const removals: string[] = [];
    Object.entries(orderStepFields(step)).forEach(([field, value], index) => {
      names[`#f${index}`] = field;
      if (value === undefined) {
        removals.push(`#steps.#f${index}`);
      } else {
        values[`:v${index}`] = value;
        assignments.push(`#steps.#f${index} = :v${index}`);
      }
    });
    const removeClause = removals.length > 0 ? ` REMOVE ${removals.join(', ')}` : '';
    try {
      const { Attributes = {} } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: itemPk(key), sk: orderSk(cycle) },
          UpdateExpression: `SET ${assignments.join(', ')}${removeClause}`,
          // Without it an update would create a stub order with nothing but steps.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      const order = parseBridgeItem(storedOrderSchema, Attributes, this.tableName);
      return step.kind === 'supplier-answer' ? this.trimAnswerHistory(key, order) : order;
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        throw new OrderNotFoundError(key.appId, key.recordId, cycle);
      }
      throw error;
    }
  }

  issuePageNonce(orderNumber: string, nonce: string, expiresAt: number): Promise<void> {
    return this.nonces.issuePageNonce(orderNumber, nonce, expiresAt);
  }

  consumePageNonce(orderNumber: string, nonce: string, now: Date): Promise<boolean> {
    return this.nonces.consumePageNonce(orderNumber, nonce, now);
  }

  countPageRequest(orderNumber: string, window: string): Promise<number> {
    return this.counters.countPageRequest(orderNumber, window);
  }

  countKintoneCall(appId: string, day: string): Promise<number> {
    return this.counters.countKintoneCall(appId, day);
  }

  /**
   * Drops the oldest answers beyond {@link SUPPLIER_ANSWER_HISTORY_LIMIT}, on condition that
   * the history still has the length just written. When another answer was appended meanwhile
   * the condition fails and that writer's own trim removes the excess instead: the last
   * appender always trims, so the history converges to the limit.
   */
  private async trimAnswerHistory(key: ItemKey, order: StoredOrder): Promise<StoredOrder> {
    const length = order.steps.supplierAnswerHistory?.length ?? 0;
    const excess = length - SUPPLIER_ANSWER_HISTORY_LIMIT;
    if (excess <= 0) return order;
    const removals = Array.from({ length: excess }, (_, index) => `#steps.#history[${index}]`);
    try {
      const { Attributes = {} } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: itemPk(key), sk: orderSk(order.cycle) },
          UpdateExpression: `REMOVE ${removals.join(', ')}`,
          ConditionExpression: 'size(#steps.#history) = :length',
          ExpressionAttributeNames: { '#steps': 'steps', '#history': 'supplierAnswerHistory' },
          ExpressionAttributeValues: { ':length': length },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return parseBridgeItem(storedOrderSchema, Attributes, this.tableName);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const current = await this.getOrder(key, order.cycle);
    if (!current) throw new OrderNotFoundError(key.appId, key.recordId, order.cycle);
    return current;
  }

  async closeOrder(
    key: ItemKey,
    cycle: number,
    closedAt: string,
    closedStatus: string,
  ): Promise<void> {
    // The two writes are separate (no transactions on dynalite); each is conditional, so a
    // retry after a crash between them finishes the second without repeating the first.
    await this.ignoringConditionFailure(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: itemPk(key), sk: orderSk(cycle) },
        UpdateExpression:
          'SET #status = :closed, closedAt = :closedAt, closedStatus = :closedStatus',
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':closed': 'closed',
          ':open': 'open',
          ':closedAt': closedAt,
          ':closedStatus': closedStatus,
        },
      }),
    );
    // A missing cycle means the default 1, so only closing cycle 1 may start from nothing.
    const cycleCondition =
      cycle === 1 ? '#cycle = :cycle OR attribute_not_exists(#cycle)' : '#cycle = :cycle';
    await this.ignoringConditionFailure(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: itemPk(key), sk: STATE_SK },
        UpdateExpression: 'SET #cycle = :next, appId = :appId, recordId = :recordId',
        ConditionExpression: cycleCondition,
        ExpressionAttributeNames: { '#cycle': 'cycle' },
        ExpressionAttributeValues: {
          ':cycle': cycle,
          ':next': cycle + 1,
          ':appId': key.appId,
          ':recordId': key.recordId,
        },
      }),
    );
  }

  async completeNotification(done: CompletedNotification): Promise<void> {
    const expiresAt = processedExpiresAt(done.at, this.processedTtlDays);
    const lastDecision = { kind: done.decision.kind, reason: done.decision.reason, at: done.at };
    // State first, marker last: a crash in between makes the replay run again (and find the
    // raised revision), whereas the other order would swallow the notification.
    const raised =
      done.revision !== undefined &&
      (await this.updateState(done.key, {
        set: { lastRevision: done.revision, lastDecision },
        condition: 'attribute_not_exists(lastRevision) OR lastRevision < :rev',
        conditionValues: { ':rev': done.revision },
      }));
    if (!raised) await this.updateState(done.key, { set: { lastDecision } });
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: notifPk(done.notificationId),
          sk: NOTIF_SK,
          appId: done.key.appId,
          recordId: done.key.recordId,
          revision: done.revision,
          decision: done.decision,
          at: done.at,
          [BRIDGE_TTL_ATTRIBUTE]: expiresAt,
        },
      }),
    );
  }

  async markDeleted(key: ItemKey, at: string): Promise<void> {
    await this.updateState(key, {
      set: { deletedAt: at, lastDecision: { kind: 'deleted', reason: DELETED_RECORD_REASON, at } },
    });
  }

  /**
   * Appends a channel unless an equal one is there, by read-modify-write. list_append cannot be
   * guarded against duplicates because contains() does not find a map inside a list; so the new
   * list is computed from the order as read and written on condition that the stored list still
   * has the length it was read with. Channels are only ever appended, so the same length means
   * the same list; a concurrent add fails the condition, and the next attempt reads again (and
   * may find the channel already there).
   */
  private async addChannel(
    key: ItemKey,
    cycle: number,
    channel: OrderChannel,
  ): Promise<StoredOrder> {
    for (let attempt = 1; attempt <= CHANNEL_ADD_ATTEMPTS; attempt += 1) {
      const order = await this.getOrder(key, cycle);
      if (!order) throw new OrderNotFoundError(key.appId, key.recordId, cycle);
      const channels = channelsWith(order.channels, channel);
      if (!channels) return order;
      const unchanged = order.channels
        ? { condition: 'size(#channels) = :length', values: { ':length': order.channels.length } }
        : { condition: 'attribute_exists(pk) AND attribute_not_exists(#channels)', values: {} };
      try {
        const { Attributes = {} } = await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: itemPk(key), sk: orderSk(cycle) },
            UpdateExpression: 'SET #channels = :channels',
            ConditionExpression: unchanged.condition,
            ExpressionAttributeNames: { '#channels': 'channels' },
            ExpressionAttributeValues: { ':channels': channels, ...unchanged.values },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return parseBridgeItem(storedOrderSchema, Attributes, this.tableName);
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    throw new OrderChannelConflictError(key.appId, key.recordId, cycle);
  }

  private async getOrder(key: ItemKey, cycle: number): Promise<StoredOrder | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: itemPk(key), sk: orderSk(cycle) },
        ConsistentRead: true,
      }),
    );
    return Item && parseBridgeItem(storedOrderSchema, Item, this.tableName);
  }

  /**
   * SETs state attributes, creating the STATE item with cycle 1 if needed. Returns false when
   * the condition did not hold (nothing was written).
   */
  private async updateState(
    key: ItemKey,
    update: {
      set: Record<string, unknown>;
      condition?: string;
      conditionValues?: Record<string, unknown>;
    },
  ): Promise<boolean> {
    const names: Record<string, string> = { '#cycle': 'cycle' };
    const values: Record<string, unknown> = {
      ':one': 1,
      ':appId': key.appId,
      ':recordId': key.recordId,
      ...update.conditionValues,
    };
    const assignments = Object.entries(update.set).map(([field, value], index) => {
      names[`#s${index}`] = field;
      values[`:s${index}`] = value;
      return `#s${index} = :s${index}`;
    });
    return this.ignoringConditionFailure(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: itemPk(key), sk: STATE_SK },
        UpdateExpression: [
          'SET #cycle = if_not_exists(#cycle, :one), appId = :appId, recordId = :recordId',
          ...assignments,
        ].join(', '),
        ConditionExpression: update.condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** Sends a conditional update; false when its condition did not hold. */
  private async ignoringConditionFailure(command: UpdateCommand): Promise<boolean> {
    try {
      await this.client.send(command);
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  private keyOf(item: Record<string, unknown>): { pk: string; sk: string } {
    return parseBridgeItem(keySchema, item, this.tableName);
  }
}

/** Thrown when other writers kept changing an order's channels while one was being added. */
export class OrderChannelConflictError extends Error {
  override readonly name = 'OrderChannelConflictError';

  constructor(
    readonly appId: string,
    readonly recordId: string,
    readonly cycle: number,
  ) {
    super(
      `The channels of the order of app ${appId}, record ${recordId}, cycle ${cycle} changed ` +
        `${CHANNEL_ADD_ATTEMPTS} times while a channel was being added; retry the step.`,
    );
  }
}

function orderSk(cycle: number): string {
  assertOrderCycle(cycle);
  return `ORDER#${String(cycle).padStart(CYCLE_DIGITS, '0')}`;
}

function notifPk(notificationId: string): string {
  return `NOTIF#${notificationId}`;
}
