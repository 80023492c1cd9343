import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Server } from 'node:http';
import dynaliteModule from 'dynalite';
import { assertPortFree, listenOn } from '../listen';

/** A running dynalite server and a client pointed at it. */
export interface LocalDynamo {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  client: DynamoDBClient;
  /** Destroys the client and stops the server (and its LevelDB store). */
  close(): Promise<void>;
}

/** The subset of dynalite's options these tests use. */
interface DynaliteOptions {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
  path?: string;
}

type DynaliteFactory = (options: DynaliteOptions) => Server;

/*
 * dynalite ships no types and is CommonJS (`module.exports = dynalite`). A default import gives
 * that function both under jest (swc's interop) and tsx (Node's ESM-CJS interop); the untyped
 * value is checked at run time rather than trusted.
 */

function loadDynalite(): DynaliteFactory {
  const loaded: unknown = dynaliteModule;
  if (!isDynaliteFactory(loaded)) {
    throw new Error('The dynalite package did not export a function; reinstall dev dependencies.');
  }
  return loaded;
}

// Only the callable shape can be checked at run time; the signature is dynalite's documented one.
function isDynaliteFactory(value: unknown): value is DynaliteFactory {
  return typeof value === 'function';
}

/**
 * Starts dynalite on a free port of 127.0.0.1 (in memory unless `path` names a LevelDB
 * directory), with tables ACTIVE as soon as they are created.
 *
 * @example
 * const dynamo = await startDynalite();
 * await ensureBridgeTable(dynamo.client, 'bridge-test');
 * await dynamo.close();
 */
export async function startDynalite(
  options: { path?: string; port?: number } = {},
): Promise<LocalDynamo> {
  const target = {
    port: options.port ?? 0,
    host: '127.0.0.1',
    service: 'dynalite, the local DynamoDB',
  };
  // Creating dynalite opens its store, which a failed listen would leave open (and locked).
  await assertPortFree(target);
  const server = loadDynalite()({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  const port = await listenOn(server, target);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    region: 'ap-northeast-1',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    endpoint,
    client,
    async close() {
      client.destroy();
      // Keep-alive sockets would otherwise hold server.close open until they time out.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
