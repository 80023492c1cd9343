import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  createDocumentClient,
  ensureBridgeTable,
} from '../../shared/adapters/dynamodb/bridge-table';
import { startDynalite, type LocalDynamo } from '../../local/dynamodb/dynalite';

export { startDynalite, type LocalDynamo };

/** One dynalite for a test file, and a fresh bridge table for each test that asks. */
export interface BridgeTables {
  /** The running dynalite (set before the first test). */
  dynamo: LocalDynamo;
  /** A document client on it, as the adapters are given one (`createDocumentClient`). */
  documentClient: DynamoDBDocumentClient;
  /** Creates a bridge table no other test has touched and returns its name. */
  newTable(): Promise<string>;
}

/**
 * Starts dynalite before the file's tests and stops it after them; each `newTable()` is a new
 * bridge table (`<prefix>-1`, `<prefix>-2`, …), so tests never see each other's items.
 *
 * @example
 * const tables = useBridgeTables('failure-log-test');
 * const log = new DynamoDbNotificationFailureLog({ client: tables.documentClient, tableName: await tables.newTable() });
 */
export function useBridgeTables(prefix: string): BridgeTables {
  let count = 0;
  const tables = {
    newTable: async () => {
      count += 1;
      const tableName = `${prefix}-${count}`;
      await ensureBridgeTable(tables.dynamo.client, tableName);
      return tableName;
    },
  } as BridgeTables;
  beforeAll(async () => {
    tables.dynamo = await startDynalite();
    tables.documentClient = createDocumentClient(tables.dynamo.client);
  });
  afterAll(async () => {
    await tables.dynamo?.close();
  });
  return tables;
}
