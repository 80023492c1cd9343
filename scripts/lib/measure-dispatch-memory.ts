import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createDocumentClient } from '../../shared/adapters/dynamodb/bridge-table';
import { SesOrderMailer } from '../../shared/adapters/ses/ses-order-mailer';
import { parseConfig } from '../../shared/config/load-config';
import { notificationSchema } from '../../shared/kintone/notification';
import {
  processNotification,
  type DispatchDeps,
} from '../../shared/use-cases/process-notification';
import { wireStores } from '../../functions/store-wiring';
import { fetchSesStore } from '../../local/ses/ses-store';
import { errorText } from './cli';
import {
  heapAfterGc,
  mb,
  nullKintone,
  numberArgument,
  silentLogger,
  startBenchEmulators,
} from './memory-bench';

/**
 * The measured side of `npm run bench:memory` (scripts/bench-dispatch-memory.ts, which bundles
 * and runs this): see there.
 */

const COUNT = numberArgument(process.argv.slice(2), '--count', 4) ?? 1_000;

const TABLE_NAME = 'bench-dispatch-memory';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const REGION = 'ap-northeast-1';

async function measure(): Promise<void> {
  const rssBefore = process.memoryUsage.rss();
  const emulators = await startBenchEmulators(['--table', TABLE_NAME, '--ses']);
  const endpoints = emulators.endpoints as { dynamo: string; ses: string; store: string };
  const dynamoClient = new DynamoDBClient({
    endpoint: endpoints.dynamo,
    region: REGION,
    credentials: CREDENTIALS,
  });
  const tableName = TABLE_NAME;
  const config = parseConfig(JSON.parse(readFileSync('config/demo.json', 'utf8')));
  const now = () => new Date();
  const table = { client: createDocumentClient(dynamoClient), tableName };
  const sesClient = new SESClient({
    endpoint: endpoints.ses,
    region: REGION,
    credentials: CREDENTIALS,
  });
  const deps: DispatchDeps = {
    config,
    ...wireStores(table, now),
    mailer: new SesOrderMailer({ client: sesClient }),
    kintone: nullKintone(),
    logger: silentLogger(),
    now,
  };
  const fixture = JSON.parse(
    readFileSync('test/fixtures/kintone-webhooks/update-record-low.json', 'utf8'),
  ) as { id: string; record: Record<string, { type: string; value: unknown }> };

  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  const heapStart = heapAfterGc();
  const rssStart = process.memoryUsage.rss();
  const checkpoints: string[][] = [];
  let orders = 0;
  const started = performance.now();
  for (let index = 0; index < COUNT; index += 1) {
    const notification = notificationSchema.parse({
      ...fixture,
      id: `bench-memory-${index}`,
      record: {
        ...fixture.record,
        $id: { type: '__ID__', value: String(10_000 + index) },
        $revision: { type: '__REVISION__', value: '2' },
      },
    });
    const outcome = await processNotification(notification, deps);
    if (outcome.decision.kind === 'order') orders += 1;
    peak = Math.max(peak, process.memoryUsage.rss());
    if ((index + 1) % (COUNT / 4) === 0 || index + 1 === COUNT) {
      const memory = process.memoryUsage();
      checkpoints.push([
        String(index + 1),
        mb(memory.rss),
        mb(peak),
        mb(memory.heapUsed),
        mb(memory.external + memory.arrayBuffers),
      ]);
    }
  }
  const elapsed = performance.now() - started;
  clearInterval(sampler);
  const heapEnd = heapAfterGc();
  const emails = (await fetchSesStore(endpoints.store)).emails.length;
  sesClient.destroy();
  dynamoClient.destroy();
  await emulators.stop();
  if (orders !== COUNT || emails !== COUNT) {
    throw new Error(`expected ${COUNT} orders and emails, got ${orders} orders, ${emails} emails`);
  }

  const out = process.stdout;
  out.write(
    `${COUNT} order notifications in one process (dynalite + SES emulator in a child process), ` +
      `${(elapsed / COUNT).toFixed(1)} ms each; Node ${process.version}, ${process.execArgv.join(' ')}, load average ${loadavg()[0]?.toFixed(1)}\n`,
  );
  out.write(`RSS after loading ${mb(rssBefore)} MB, after wiring ${mb(rssStart)} MB\n\n`);
  out.write('notifications  rss MB  peak rss MB  heap used MB  external MB\n');
  for (const row of checkpoints) {
    out.write(
      `${row[0]?.padStart(13)}  ${row[1]?.padStart(6)}  ${row[2]?.padStart(11)}  ${row[3]?.padStart(12)}  ${row[4]?.padStart(11)}\n`,
    );
  }
  out.write(`\npeak RSS ${mb(peak)} MB (goal <= 150 MB)\n`);
  if (heapStart !== undefined && heapEnd !== undefined) {
    out.write(
      `heap after a full GC: ${mb(heapStart)} MB at the start, ${mb(heapEnd)} MB after ${COUNT}\n`,
    );
  }
}

measure().catch((error: unknown) => {
  process.stderr.write(`${errorText(error)}\n`);
  process.exit(1);
});
