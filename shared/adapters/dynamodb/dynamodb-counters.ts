import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Counters } from '../../ports/counters';
import { BRIDGE_TTL_ATTRIBUTE, type BridgeTableOptions } from './bridge-table';
import {
  counterSchema,
  kintoneCallCountSchema,
  pageRequestCountSchema,
  parseBridgeItem,
} from './item-schemas';
import {
  assertKeyOrderNumber,
  assertKintoneCallCounterKey,
  assertOrderNumberPrefix,
  formatOrderNumber,
  kintoneCallCounterExpiresAt,
  orderNumberDay,
  rateCounterExpiresAt,
} from './table-rules';

/**
 * {@link Counters} on the bridge table: `RATE#<orderNumber>#<window>` and
 * `KCALLS#<appId>#<day>` items, each counted with an atomic ADD (so of concurrent callers
 * exactly one sees each count) and expiring by TTL.
 *
 * @example
 * const counters = new DynamoDbCounters({ client: createDocumentClient(dynamo), tableName });
 * await counters.countKintoneCall('12', kintoneQuotaDay(now)); // 1, 2, ...
 */
export class DynamoDbCounters implements Counters {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: BridgeTableOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async countPageRequest(orderNumber: string, window: string): Promise<number> {
    assertKeyOrderNumber(orderNumber);
    const attributes = await this.add(
      `RATE#${orderNumber}#${window}`,
      'RATE',
      rateCounterExpiresAt(window),
    );
    return parseBridgeItem(pageRequestCountSchema, attributes, this.tableName).count;
  }

  async countKintoneCall(appId: string, day: string): Promise<number> {
    assertKintoneCallCounterKey(appId, day);
    const attributes = await this.add(
      `KCALLS#${appId}#${day}`,
      'KCALLS',
      kintoneCallCounterExpiresAt(day),
    );
    return parseBridgeItem(kintoneCallCountSchema, attributes, this.tableName).count;
  }

  private async add(pk: string, sk: string, expiresAt: number): Promise<Record<string, unknown>> {
    const { Attributes = {} } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk, sk },
        UpdateExpression: 'SET #expiresAt = :expiresAt ADD #count :one',
        ExpressionAttributeNames: { '#count': 'count', '#expiresAt': BRIDGE_TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':one': 1, ':expiresAt': expiresAt },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Attributes;
  }
}

/**
 * Allocates the next order number of a prefix and date from `COUNTER#<prefix>#<YYYYMMDD>`.
 * ADD is atomic, so concurrent allocations never see the same number; a crash after it leaves
 * a gap, never a duplicate.
 *
 * @example
 * await allocateOrderNumberIn({ client, tableName }, 'PO', '2026-11-28'); // 'PO-20261128-0001'
 */
export async function allocateOrderNumberIn(
  table: BridgeTableOptions,
  prefix: string,
  orderDate: string,
): Promise<string> {
  assertOrderNumberPrefix(prefix);
  const day = orderNumberDay(orderDate);
  const { Attributes = {} } = await table.client.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: { pk: `COUNTER#${prefix}#${day}`, sk: 'COUNTER' },
      UpdateExpression: 'ADD #seq :one',
      ExpressionAttributeNames: { '#seq': 'seq' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const { seq } = parseBridgeItem(counterSchema, Attributes, table.tableName);
  return formatOrderNumber(prefix, day, seq);
}
