import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDynalite } from '../../local/dynamodb/dynalite';
import { createDocumentClient } from '../../shared/adapters/dynamodb/bridge-table';
import { DynamoDbNotificationFailureLog } from '../../shared/adapters/dynamodb/dynamodb-notification-failure-log';
import type { NotificationFailureLog } from '../../shared/ports/notification-failures';

/** The local stack's table name, when `.data/local.json` does not say. */
const LOCAL_TABLE_NAME = 'stock-alert-bridge';
/** A running local stack answers at once; a stopped one must not delay the replay. */
const PROBE_TIMEOUT_MS = 1_000;

/** An opened failure log, and how to let go of it. */
export interface OpenedFailureLog {
  /** Undefined when there is no log to read (no table yet); `note` then says why. */
  failures: NotificationFailureLog | undefined;
  /** Where the log was read, or why it was not. */
  note: string;
  close(): Promise<void>;
}

/**
 * The local stack's failure log. While the stack runs it is read through the stack's own
 * dynalite (its endpoint is in `local.json`); when the stack is stopped, dynalite is started
 * here on the stack's data (`<dataDir>/dynamodb`) for the length of the replay.
 *
 * @example
 * const { failures, close } = await openLocalFailureLog('.data');
 */
export async function openLocalFailureLog(dataDir: string): Promise<OpenedFailureLog> {
  const settings = readLocalSettings(dataDir);
  const tableName = settings.tableName ?? LOCAL_TABLE_NAME;
  if (settings.dynamodbEndpoint) {
    const client = localClient(settings.dynamodbEndpoint);
    if (await answers(client)) {
      return {
        failures: logOn(client, tableName),
        note: `failure log: table ${tableName} of the running local stack (${settings.dynamodbEndpoint})`,
        close: async () => client.destroy(),
      };
    }
    client.destroy();
  }
  const path = join(dataDir, 'dynamodb');
  if (!existsSync(path)) {
    return {
      failures: undefined,
      note: `no failure log: ${path} does not exist (npm start creates it)`,
      close: async () => undefined,
    };
  }
  const dynamo = await startDynalite({ path });
  if (!(await tableExists(dynamo.client, tableName))) {
    await dynamo.close();
    return {
      failures: undefined,
      note: `no failure log: table ${tableName} is not in ${path}`,
      close: async () => undefined,
    };
  }
  return {
    failures: logOn(dynamo.client, tableName),
    note: `failure log: table ${tableName} in ${path}`,
    close: () => dynamo.close(),
  };
}

/**
 * The deployed bridge table's failure log, when the operator named the table.
 *
 * @example
 * const { failures } = openAwsFailureLog({ tableName: 'stock-alert-bridge', region: 'ap-northeast-1' });
 */
export function openAwsFailureLog(options: {
  tableName: string | undefined;
  region: string | undefined;
  endpoint?: string | undefined;
}): OpenedFailureLog {
  if (!options.tableName) {
    return {
      failures: undefined,
      note:
        'no failure log: pass --table (the bridge table, TABLE_NAME of the dispatch function) ' +
        "to see each message's last error and attempts",
      close: async () => undefined,
    };
  }
  const client = new DynamoDBClient({
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  return {
    failures: logOn(client, options.tableName),
    note: `failure log: table ${options.tableName}`,
    close: async () => client.destroy(),
  };
}

function logOn(client: DynamoDBClient, tableName: string): NotificationFailureLog {
  return new DynamoDbNotificationFailureLog({ client: createDocumentClient(client), tableName });
}

function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    region: 'ap-northeast-1',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

async function answers(client: DynamoDBClient): Promise<boolean> {
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), {
      abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    return true;
  } catch {
    return false;
  }
}

async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return false;
    throw error;
  }
}

function readLocalSettings(dataDir: string): { dynamodbEndpoint?: string; tableName?: string } {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dataDir, 'local.json'), 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { dynamodbEndpoint, tableName } = parsed as Record<string, unknown>;
    return {
      ...(typeof dynamodbEndpoint === 'string' ? { dynamodbEndpoint } : {}),
      ...(typeof tableName === 'string' ? { tableName } : {}),
    };
  } catch {
    return {};
  }
}
