import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ItemKey, ItemState, ItemStateStore } from '../../ports/item-states';
import { itemPk, type BridgeTableOptions } from './bridge-table';
import { CLAIM_CHECK_ATTRIBUTES, claimHolds } from './dynamodb-order-store';
import { claimCheckItemSchema, parseBridgeItem, stateItemSchema } from './order-item-schemas';
import { STATE_SK, updateState } from './state-writes';
import { mapLimit } from './table-io';
import { DELETED_RECORD_REASON } from './table-rules';

/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_KEYS = 100;
/** Batches of one load in flight at once (a sweep loads thousands of keys). */
const BATCH_GET_CONCURRENCY = 4;
/** Rounds of retrying the keys DynamoDB left unprocessed (throttling) before giving up. */
const UNPROCESSED_ROUNDS = 5;
const UNPROCESSED_BACKOFF_MS = 50;

/** Thrown when DynamoDB keeps leaving keys of a batch read unprocessed. */
export class BatchReadIncompleteError extends Error {
  override readonly name = 'BatchReadIncompleteError';
}

/**
 * {@link ItemStateStore} on the bridge table: `ITEM#<appId>#<itemId>` / `STATE` items, read in
 * batches of 100. An item's `orderNumber` is its claim on the current cycle, checked against
 * the order: a claim whose line never joined its order (a crash, a lost race) or was dropped is
 * not reported, so the item may order again (the next claim takes the stale one over).
 *
 * @example
 * const items = new DynamoDbItemStates({ client, tableName });
 * const [state] = await items.load([{ appId: '12', recordId: '34' }]);
 */
export class DynamoDbItemStates implements ItemStateStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: BridgeTableOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async load(keys: readonly ItemKey[]): Promise<ItemState[]> {
    const stateKeys = keys.map((key) => ({ pk: itemPk(key), sk: STATE_SK }));
    const stateItems = await this.batchGet(stateKeys);
    const states = keys.map((key) => {
      const item = stateItems.get(itemPk(key));
      return { key, stored: item && parseBridgeItem(stateItemSchema, item, this.tableName) };
    });
    const orderNumbers = new Set<string>();
    for (const { stored } of states) {
      if (stored?.onOrder && stored.onOrder.cycle === (stored.cycle ?? 1)) {
        orderNumbers.add(stored.onOrder.orderNumber);
      }
    }
    // Only what the claim check needs: orders can be large, and a batch returns at most 16 MB.
    const orderItems = await this.batchGet(
      [...orderNumbers].map((orderNumber) => ({ pk: `ORDER#${orderNumber}`, sk: 'ORDER' })),
      CLAIM_CHECK_ATTRIBUTES,
    );
    // Each order parsed once: a 100-row table's 50 rows on one order would parse it 50 times.
    const claimChecks = new Map(
      [...orderItems].map(([pk, raw]) => [
        pk,
        parseBridgeItem(claimCheckItemSchema, raw, this.tableName),
      ]),
    );
    return states.map(({ key, stored }): ItemState => {
      if (!stored) return { key: { ...key }, cycle: 1 };
      const { onOrder, cycle = 1, ...rest } = stored;
      const check = onOrder && claimChecks.get(`ORDER#${onOrder.orderNumber}`);
      const holds =
        onOrder !== undefined &&
        onOrder.cycle === cycle &&
        check !== undefined &&
        claimHolds(check, onOrder, key.appId, key.recordId);
      return {
        key: { ...key },
        ...rest,
        cycle,
        ...(holds && onOrder ? { orderNumber: onOrder.orderNumber } : {}),
      };
    });
  }

  async markDeleted(key: ItemKey, at: string): Promise<void> {
    await updateState({ client: this.client, tableName: this.tableName }, key, {
      set: { deletedAt: at, lastDecision: { kind: 'deleted', reason: DELETED_RECORD_REASON, at } },
    });
  }

  /**
   * Reads items by key, consistently, in batches of 100, a few batches at once; the result is
   * keyed by pk. Keys DynamoDB leaves unprocessed (throttling, or the 16 MB a batch returns) are
   * asked again; it gives up only after rounds in a row that return nothing.
   */
  private async batchGet(
    keys: readonly { pk: string; sk: string }[],
    attributes?: readonly string[],
  ): Promise<Map<string, Record<string, unknown>>> {
    const unique = [...new Map(keys.map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()];
    const projection = attributes && {
      ProjectionExpression: attributes.map((_, index) => `#p${index}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(
        attributes.map((name, index) => [`#p${index}`, name]),
      ),
    };
    const found = new Map<string, Record<string, unknown>>();
    const chunks: Record<string, unknown>[][] = [];
    for (let start = 0; start < unique.length; start += BATCH_GET_KEYS) {
      chunks.push(unique.slice(start, start + BATCH_GET_KEYS));
    }
    // A 100-row table is 101 keys: its second batch need not wait for the first.
    await mapLimit(chunks, BATCH_GET_CONCURRENCY, async (chunk) => {
      let pending = chunk;
      let idle = 0;
      while (pending.length > 0) {
        if (idle >= UNPROCESSED_ROUNDS) {
          throw new BatchReadIncompleteError(
            `${pending.length} items of table ${this.tableName} stayed unprocessed after ` +
              `${UNPROCESSED_ROUNDS} rounds; retry later.`,
          );
        }
        if (idle > 0) await sleep(UNPROCESSED_BACKOFF_MS * 2 ** idle);
        const { Responses = {}, UnprocessedKeys = {} } = await this.client.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: { Keys: pending, ConsistentRead: true, ...projection },
            },
          }),
        );
        const items = Responses[this.tableName] ?? [];
        for (const item of items) found.set(String(item['pk']), item);
        idle = items.length > 0 ? 0 : idle + 1;
        pending = UnprocessedKeys[this.tableName]?.Keys ?? [];
      }
    });
    return found;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
