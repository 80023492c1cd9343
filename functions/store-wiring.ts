import { DynamoDbItemStates } from '../shared/adapters/dynamodb/dynamodb-item-states';
import { DynamoDbOrderStore } from '../shared/adapters/dynamodb/dynamodb-order-store';
import { DynamoDbProcessedNotifications } from '../shared/adapters/dynamodb/dynamodb-processed-notifications';
import type { BridgeTableOptions } from '../shared/adapters/dynamodb/bridge-table';
import {
  DynamoDbStockHistory,
  DEFAULT_STOCK_RETENTION_DAYS,
  retentionDaysFor,
} from '../shared/adapters/dynamodb/dynamodb-stock-history';
import { learningFor } from '../shared/config/learning';
import type { BridgeConfig } from '../shared/config/schema';

/**
 * The store ports the dispatcher and the scheduled send use, on the one bridge table (and its
 * one document client, see `wireCommon`'s `table`): the purchase orders, the items' states and
 * the processed notifications; with a configuration, the learning's stock history too (kept as
 * long as the longest learning window needs).
 *
 * @example
 * const { orders, items, processed } = wireStores(table, now);
 */
export function wireStores(
  table: BridgeTableOptions,
  now: () => Date,
  config?: BridgeConfig,
): {
  orders: DynamoDbOrderStore;
  items: DynamoDbItemStates;
  processed: DynamoDbProcessedNotifications;
  stockHistory?: DynamoDbStockHistory;
} {
  return {
    orders: new DynamoDbOrderStore({ ...table, now }),
    items: new DynamoDbItemStates(table),
    processed: new DynamoDbProcessedNotifications(table),
    ...(config ? stockHistoryOf(table, config) : {}),
  };
}

/** The stock history when an app learns (issue 14), else nothing. */
function stockHistoryOf(
  table: BridgeTableOptions,
  config: BridgeConfig,
): { stockHistory?: DynamoDbStockHistory } {
  const windows = config.apps.flatMap((app) => {
    const learning = learningFor(config, app);
    return learning ? [learning.windowDays] : [];
  });
  if (windows.length === 0) return {};
  const retentionDays = Math.max(DEFAULT_STOCK_RETENTION_DAYS, ...windows.map(retentionDaysFor));
  return { stockHistory: new DynamoDbStockHistory({ ...table, retentionDays }) };
}
