import type { BridgeTableOptions } from '../../shared/adapters/dynamodb/bridge-table';
import { InMemoryBridgeState } from '../fakes/in-memory-order-store';
import type { BridgeTables } from './dynalite';

/** One implementation a contract suite runs against; `create` builds a fresh one per test. */
export interface ContractImplementation<S> {
  name: string;
  create: () => Promise<S>;
}

/**
 * The two implementations a bridge-table contract suite runs against: the DynamoDB adapters
 * `onTable` builds over a fresh dynalite table, and one {@link InMemoryBridgeState} that
 * `inMemory` hands out as every port the suite needs.
 */
export function bridgeImplementations<S>(
  tables: BridgeTables,
  dynamoName: string,
  onTable: (table: BridgeTableOptions) => S,
  inMemory: (state: InMemoryBridgeState) => S,
): ContractImplementation<S>[] {
  return [
    {
      name: `${dynamoName} on dynalite`,
      create: async () =>
        onTable({ client: tables.documentClient, tableName: await tables.newTable() }),
    },
    {
      name: 'InMemoryBridgeState',
      create: () => Promise.resolve(inMemory(new InMemoryBridgeState())),
    },
  ];
}
