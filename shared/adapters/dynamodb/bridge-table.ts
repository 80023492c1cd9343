/**
 * The bridge's one DynamoDB table: its definition, creation for the local stack, the document
 * client the adapters expect and the helpers they share (key parts, error names).
 *
 * | What                   | pk                            | sk        | Other attributes |
 * | ---------------------- | ----------------------------- | --------- | ---------------- |
 * | Item state             | `ITEM#<appId>#<itemId>`       | `STATE`   | appId, recordId, cycle, lastRevision, ownWriteRevision (a table record's), lastDecision, deletedAt, onOrder {orderNumber, cycle, attempt} |
 * | Purchase order         | `ORDER#<orderNumber>`         | `ORDER`   | the order (lines as a map, log as a list), sealedAt, committed, aborted; gsi1pk `DUE`, gsi1sk `<dueAt>#<orderNumber>` while unsettled |
| Follow-up check       | `CHECK#<orderNumber>`         | `CHECK`   | orderNumber, at; gsi1pk `CHECK`, gsi1sk `<at>#<orderNumber>` while the order is followed up |
 * | Gathering order        | `GATHER#<groupKey>`           | `GATHER`  | orderNumber |
 * | Processed notification | `NOTIF#<notificationId>`      | `NOTIF`   | appId, recordId, revision, decision, at, expiresAt (TTL) |
 * | Order number counter   | `COUNTER#<prefix>#<YYYYMMDD>` | `COUNTER` | seq |
 * | Order page nonce       | `NONCE#<nonce>`               | `NONCE`   | orderNumber, expiresAt (TTL) |
 * | Order page rate count  | `RATE#<orderNumber>#<window>` | `RATE`    | count, expiresAt (TTL) |
 * | kintone calls per day  | `KCALLS#<appId>#<day>`        | `KCALLS`  | count, expiresAt (TTL) |
 * | Stock history (learning) | `STOCK#<appId>`             | `<at>#<notificationId>` | rows (each item's stock, levels, receipt, order), at, expiresAt (TTL) |
 * | Suggestion written     | `LEARNED#<appId>`             | `<itemId>` | reorderPoint, orderUpTo, leadTimeDays, writtenAt, expiresAt (TTL) |
 * | Daily learning run     | `LEARNRUN#<appId>`            | `LEARNRUN` | day |
 *
 * Items of the old BridgeStore (orders at `ITEM#…`/`ORDER#<cycle>`, GSI1 `ORDER#<number>`) may
 * still be in a table; see docs/migration-orders.md.
 *
 * @module
 */
import {
  CreateTableCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Name of the table's one index (`gsi1pk`/`gsi1sk`): the due list of purchase orders. */
export const BRIDGE_GSI1_NAME = 'GSI1';

/** TTL attribute of the table; infrastructure must enable TTL on it (dynalite cannot). */
export const BRIDGE_TTL_ATTRIBUTE = 'expiresAt';

// Wide enough for a real table to become ACTIVE; dynalite with createTableMs 0 is instant.
const TABLE_WAIT_SECONDS = 120;

/** Where one adapter finds the table. */
export interface BridgeTableOptions {
  /** A client that removes undefined values ({@link createDocumentClient} builds one). */
  client: DynamoDBDocumentClient;
  tableName: string;
}

/**
 * Builds the document client the store expects: undefined optional fields are dropped
 * instead of failing the marshalling of the whole item.
 *
 * @example
 * const client = createDocumentClient(new DynamoDBClient({ region: 'ap-northeast-1' }));
 */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * The bridge table: on-demand billing, `pk`/`sk` strings and the sparse GSI1 on
 * `gsi1pk`/`gsi1sk` (all attributes projected). TTL on {@link BRIDGE_TTL_ATTRIBUTE} is not
 * part of CreateTable; infrastructure turns it on separately.
 *
 * @example
 * await client.send(new CreateTableCommand(bridgeTableDefinition('stock-alert-bridge')));
 */
export function bridgeTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: BRIDGE_GSI1_NAME,
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

/**
 * Creates the bridge table unless it exists, then waits until it is ACTIVE. Meant for the
 * local stack (dynalite); deployed tables come from infrastructure code.
 *
 * @example
 * await ensureBridgeTable(new DynamoDBClient({ endpoint }), 'stock-alert-bridge');
 */
export async function ensureBridgeTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(bridgeTableDefinition(tableName)));
  } catch (error) {
    // Creating first and accepting "already exists" is race-free, unlike describe-then-create.
    if (errorName(error) !== 'ResourceInUseException') throw error;
  }
  await waitUntilTableExists(
    { client, maxWaitTime: TABLE_WAIT_SECONDS, minDelay: 1, maxDelay: 5 },
    { TableName: tableName },
  );
}

/** The pk of an item's STATE (and, in the old layout, of its orders). */
export function itemPk(key: { appId: string; recordId: string }): string {
  return `ITEM#${key.appId}#${key.recordId}`;
}

export function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

// By name rather than instanceof: two copies of the SDK in node_modules would break instanceof.
export function isConditionalCheckFailed(error: unknown): boolean {
  return errorName(error) === 'ConditionalCheckFailedException';
}
