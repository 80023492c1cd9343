import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDynalite } from '../local/dynamodb/dynalite';
import { createDocumentClient } from '../shared/adapters/dynamodb/bridge-table';
import { formatMigrationReport, migrateOrders } from './lib/migrate-orders';

const USAGE = `Converts the old store's open orders into purchase orders (docs/migration-orders.md),
so items on them stay on order after the upgrade. Safe to run again: converted orders are
left alone. Run it once after deploying the new code, before the next notifications arrive
(or with the webhook paused).

Local stack (stop it first):
  npx tsx scripts/migrate-orders.ts --local [--data-dir .data] [--table stock-alert-bridge] [--dry-run]

AWS (credentials from the usual AWS CLI settings):
  npx tsx scripts/migrate-orders.ts --table NAME [--region ap-northeast-1] [--dynamodb-endpoint URL] [--dry-run]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      local: { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: '.data' },
      table: { type: 'string', default: process.env['TABLE_NAME'] },
      region: { type: 'string', default: process.env['AWS_REGION'] ?? 'ap-northeast-1' },
      'dynamodb-endpoint': { type: 'string', default: process.env['DYNAMODB_ENDPOINT'] },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const dryRun = values['dry-run'];
  if (values.local) {
    const path = join(values['data-dir'], 'dynamodb');
    if (!existsSync(path)) throw new Error(`${path} does not exist (npm start creates it).`);
    const dynamo = await startDynalite({ path });
    try {
      const report = await migrateOrders({
        client: createDocumentClient(dynamo.client),
        tableName: values.table ?? 'stock-alert-bridge',
        dryRun,
      });
      process.stdout.write(`${formatMigrationReport(report).join('\n')}\n`);
    } finally {
      await dynamo.close();
    }
    return;
  }
  if (!values.table) {
    process.stderr.write(`--table (or TABLE_NAME) is required.\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const client = new DynamoDBClient({
    region: values.region,
    ...(values['dynamodb-endpoint'] ? { endpoint: values['dynamodb-endpoint'] } : {}),
  });
  try {
    const report = await migrateOrders({
      client: createDocumentClient(client),
      tableName: values.table,
      dryRun,
    });
    process.stdout.write(`${formatMigrationReport(report).join('\n')}\n`);
  } finally {
    client.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
