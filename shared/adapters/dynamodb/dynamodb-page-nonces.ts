import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PageNonces } from '../../ports/page-nonces';
import {
  BRIDGE_TTL_ATTRIBUTE,
  isConditionalCheckFailed,
  type BridgeTableOptions,
} from './bridge-table';
import { assertPageNonce, epochSeconds, isPageNonce } from './table-rules';

const NONCE_SK = 'NONCE';

/**
 * {@link PageNonces} on the bridge table: `NONCE#<nonce>` items with the order number and a
 * TTL. A nonce is used up by a conditional delete, so of two concurrent posts with one nonce
 * exactly one succeeds; TTL deletion is lazy, so the expiry is part of that condition too.
 *
 * @example
 * const nonces = new DynamoDbPageNonces({ client, tableName });
 * await nonces.issuePageNonce('PO-20261128-0001', nonce, expiresAt);
 * await nonces.consumePageNonce('PO-20261128-0001', nonce, new Date()); // true, then false
 */
export class DynamoDbPageNonces implements PageNonces {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: BridgeTableOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async issuePageNonce(orderNumber: string, nonce: string, expiresAt: number): Promise<void> {
    assertPageNonce(nonce);
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `NONCE#${nonce}`,
          sk: NONCE_SK,
          orderNumber,
          [BRIDGE_TTL_ATTRIBUTE]: expiresAt,
        },
      }),
    );
  }

  async consumePageNonce(orderNumber: string, nonce: string, now: Date): Promise<boolean> {
    // A nonce of any other shape was never issued; it must not become part of a key either.
    if (!isPageNonce(nonce)) return false;
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: `NONCE#${nonce}`, sk: NONCE_SK },
          ConditionExpression: 'orderNumber = :orderNumber AND #expiresAt > :now',
          ExpressionAttributeNames: { '#expiresAt': BRIDGE_TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':orderNumber': orderNumber, ':now': epochSeconds(now) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
