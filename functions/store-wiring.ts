import { DynamoDbItemStates } from '../shared/adapters/dynamodb/dynamodb-item-states';
import { DynamoDbOrderStore } from '../shared/adapters/dynamodb/dynamodb-order-store';
import { DynamoDbProcessedNotifications } from '../shared/adapters/dynamodb/dynamodb-processed-notifications';
import type { BridgeTableOptions } from '../shared/adapters/dynamodb/bridge-table';

/**
 * The store ports the dispatcher and the scheduled send use, on the one bridge table (and its
 * one document client, see `wireCommon`'s `table`): the purchase orders, the items' states and
 * the processed notifications.
 *
 * @example
 * const { orders, items, processed } = wireStores(table, now);
 */
export function wireStores(
  table: BridgeTableOptions,
  now: () => Date,
): {
  orders: DynamoDbOrderStore;
  items: DynamoDbItemStates;
  processed: DynamoDbProcessedNotifications;
} {
  return {
    orders: new DynamoDbOrderStore({ ...table, now }),
    items: new DynamoDbItemStates(table),
    processed: new DynamoDbProcessedNotifications(table),
  };
}
