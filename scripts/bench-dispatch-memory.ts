import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createDocumentClient, ensureBridgeTable } from '../shared/adapters/dynamodb/bridge-table';
import { SesOrderMailer } from '../shared/adapters/ses/ses-order-mailer';
import { parseConfig } from '../shared/config/load-config';
import { notificationSchema } from '../shared/kintone/notification';
import { processNotification, type DispatchDeps } from '../shared/use-cases/process-notification';
import { wireStores } from '../functions/store-wiring';
import { startDynalite } from '../local/dynamodb/dynalite';
import { startSesLocal } from '../local/ses/ses-local';
import { fetchSesStore } from '../local/ses/ses-store';
import {
  heapAfterGc,
  mb,
  nullKintone,
  numberArgument,
  runBundled,
  silentLogger,
} from './lib/memory-bench';

/**
 * Issue 13's "dispatch peak RSS <= 150 MB over 1,000 notifications": one process runs
 * `processNotification` for 1,000 order notifications one after another, as one warm dispatch
 * container would, and samples its resident set size every 5 ms and after each notification.
 *
 * Wiring: the real DynamoDB stores (`wireStores`) on dynalite and the real SES mailer
 * (`SesOrderMailer`: the email is rendered and sent) to the SES emulator. The emulators run in a
 * child process (they keep every item and email in memory, which is not the dispatcher's), so
 * the figure is the measuring process's alone. kintone is a writer that does nothing, and logs
 * go nowhere. Each notification is `update-record-low.json` for another record of app 12 (in
 * stock 18, reorder point 20, supplier in the record, `immediate`): a new order, one email, one
 * write-back and one comment each.
 *
 * The script first bundles itself with the deployed esbuild settings (`bridgeEsbuildOptions`,
 * into `dist/bench-dispatch-memory/`) and runs the bundle under `node --expose-gc`: under tsx
 * the compiler alone holds about 60 MB more. It reports the heap after a full GC at the start
 * and the end, which tells growth that stays (a leak) from garbage not yet collected.
 *
 *   npx tsx scripts/bench-dispatch-memory.ts [--count 1000] [--heap-mb 64]   (npm run bench:memory)
 */

const COUNT = numberArgument(process.argv.slice(2), '--count', 4) ?? 1_000;
/** `--heap-mb N`: V8's old-space limit for the measured process (`--max-old-space-size`). */
const HEAP_MB = numberArgument(process.argv.slice(2), '--heap-mb', 16);

const TABLE_NAME = 'bench-dispatch-memory';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const REGION = 'ap-northeast-1';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--emulators')) return serveEmulators();
  if (args.includes('--measure')) return measure();
  process.exitCode = await runBundled(import.meta.url, 'bench-dispatch-memory', {
    ...(HEAP_MB !== undefined ? { heapMb: HEAP_MB } : {}),
    args: ['--count', String(COUNT)],
  });
}

/** Runs dynalite and the SES emulator; prints their endpoints and stops when stdin closes. */
async function serveEmulators(): Promise<void> {
  const dynamo = await startDynalite();
  const ses = await startSesLocal();
  await ensureBridgeTable(dynamo.client, TABLE_NAME);
  process.stdout.write(
    `${JSON.stringify({ dynamo: dynamo.endpoint, ses: ses.endpoint, store: ses.storeUrl })}\n`,
  );
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.on('end', resolve));
  await ses.close();
  await dynamo.close();
}

async function measure(): Promise<void> {
  const rssBefore = process.memoryUsage.rss();
  const emulators = spawn(process.execPath, [fileURLToPath(import.meta.url), '--emulators'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = await createInterface({ input: emulators.stdout })
    [Symbol.asyncIterator]()
    .next()
    .then((next) => [next.value as string | undefined]);
  const endpoints = JSON.parse(line ?? '{}') as { dynamo: string; ses: string; store: string };
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
  emulators.stdin.end();
  await new Promise((resolve) => emulators.on('exit', resolve));
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

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
