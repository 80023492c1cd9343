import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfigFromEnv } from '../shared/config/env';
import { loadConfigFile } from '../shared/config/load-config';
import { errorText, fail } from './lib/cli';
import { configOrFail, readLocalJson } from './lib/command-input';
import { writeLearningReportFile, type LearningReportSource } from './lib/learning-report-file';

const USAGE = `Writes the learning report (issue 14) as one HTML file: per item stock over time with the
reorder point staff set, the suggested one and the orders; the supplier scorecard; and shadow
mode's comparison. The same page as the local stack's /report, from a deployed bridge's data.

  npm run report -- --out report.html --table NAME [--region REGION] [--config FILE]
  npm run report -- --out report.html --local [--data-dir .data]
  ... [--item TEXT] [--supplier CODE]

--table is the bridge table (TABLE_NAME of the functions; also read from TABLE_NAME), --region
its region (else AWS_REGION and the usual AWS CLI settings, which also give the credentials),
--dynamodb-endpoint another endpoint (DYNAMODB_ENDPOINT). --config is the bridge's
configuration (else BRIDGE_CONFIG_FILE or BRIDGE_CONFIG, as the functions read it): which apps
learn, their time zone and calendars. The report reads the table only; it calls no kintone.
--local reads the running local stack (npm start), whose table, endpoint and configuration
are in <data-dir>/local.json. --item keeps the items whose 品番 or 品名 holds TEXT (any case or
width), --supplier those of one supplier (its code): with a thousand items, one file of every
chart is long.`;

/** A stopped local stack must not make the command hang. */
const PROBE_TIMEOUT_MS = 2_000;

/** What `npm start` leaves in `.data/local.json` (only the keys used here). */
const localSettingsSchema = z.object({
  dynamodbEndpoint: z.string().min(1),
  tableName: z.string().min(1),
  configPath: z.string().min(1),
});

async function localSource(dataDir: string): Promise<LearningReportSource> {
  const settings = readLocalJson(
    join(dataDir, 'local.json'),
    localSettingsSchema,
    'start the local stack first (npm start)',
  );
  const client = new DynamoDBClient({
    region: 'ap-northeast-1',
    endpoint: settings.dynamodbEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), {
      abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
  } catch {
    client.destroy();
    return fail(
      `the local stack's DynamoDB (${settings.dynamodbEndpoint}) does not answer: start it (npm start), or pass --data-dir for another stack`,
    );
  }
  return {
    config: configOrFail(() => loadConfigFile(settings.configPath)),
    client,
    tableName: settings.tableName,
    label: `ローカル環境 ${settings.tableName}`,
  };
}

function deployedSource(values: {
  table?: string | undefined;
  region?: string | undefined;
  config?: string | undefined;
  'dynamodb-endpoint'?: string | undefined;
}): LearningReportSource {
  const tableName = values.table?.trim() || process.env.TABLE_NAME?.trim();
  if (!tableName) fail(`give --table (or set TABLE_NAME), or use --local\n\n${USAGE}`);
  const configFile = values.config;
  if (!configFile && !process.env.BRIDGE_CONFIG_FILE && !process.env.BRIDGE_CONFIG) {
    fail(`give --config (or set BRIDGE_CONFIG_FILE or BRIDGE_CONFIG)\n\n${USAGE}`);
  }
  const config = configOrFail(() =>
    configFile ? loadConfigFile(configFile) : loadConfigFromEnv(process.env),
  );
  const region = values.region?.trim() || undefined;
  const endpoint = values['dynamodb-endpoint']?.trim() || process.env.DYNAMODB_ENDPOINT?.trim();
  const client = new DynamoDBClient({
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
  });
  return {
    config,
    client,
    tableName,
    label: `テーブル ${tableName}${region ? `（${region}）` : ''}`,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      table: { type: 'string' },
      region: { type: 'string' },
      config: { type: 'string' },
      'dynamodb-endpoint': { type: 'string' },
      local: { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: '.data' },
      item: { type: 'string' },
      supplier: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!values.out) fail(`--out is required\n\n${USAGE}`);
  const source = values.local ? await localSource(values['data-dir']) : deployedSource(values);
  try {
    const written = await writeLearningReportFile(source, values.out, new Date(), {
      ...(values.item === undefined ? {} : { query: values.item }),
      ...(values.supplier === undefined ? {} : { supplier: values.supplier }),
    });
    const items =
      written.items === written.total
        ? `${written.items} items`
        : `${written.items} of ${written.total} items`;
    process.stdout.write(
      `wrote ${written.path}: ${items}, ${written.suppliers} suppliers` +
        `${written.shadowItems > 0 ? `, shadow mode for ${written.shadowItems} items` : ''}\n`,
    );
  } finally {
    source.client.destroy();
  }
}

main().catch((error: unknown) => fail(errorText(error), 1));
