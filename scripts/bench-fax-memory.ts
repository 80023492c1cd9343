import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { wireStores } from '../functions/store-wiring';
import { createDocumentClient, ensureBridgeTable } from '../shared/adapters/dynamodb/bridge-table';
import { buildFaxSending } from '../shared/adapters/fax/fax-sending';
import { EnvSecretSource } from '../shared/adapters/secrets/env-secret-source';
import { parseConfig } from '../shared/config/load-config';
import { groupKeyOf, type PurchaseOrder } from '../shared/domain/purchase-order';
import { defaultFontPaths } from '../shared/documents/order-form-fonts';
import { sendFaxJob } from '../shared/use-cases/send-fax-job';
import {
  heapAfterGc,
  mb,
  nullKintone,
  numberArgument,
  rssSampler,
  runBundled,
  silentLogger,
} from './lib/memory-bench';

/**
 * Issue 13's "the fax function's peak reported for 100 fax orders, with a memorySize that leaves
 * at least 30 % headroom": one process runs the fax function's use case (`sendFaxJob`) for 100
 * sealed fax orders of 3 lines one after another, as one warm send-fax container would, and
 * samples its RSS every 5 ms.
 *
 * Wiring: the real order store on dynalite and the real fax path: `buildFaxSending` renders the
 * 発注書 with pdfkit and the embedded Noto Sans JP fonts and uploads it to the Phaxio emulator.
 * The emulators run in a child process; kintone is a writer that does nothing.
 *
 *   npx tsx scripts/bench-fax-memory.ts [--count 100] [--memory-mb 512]   (npm run bench:fax-memory)
 *
 * Prints the peak and whether `--memory-mb` (default: the stack's SEND_FAX_MEMORY_MB) leaves
 * 30 % of it free at the peak.
 */

const args = process.argv.slice(2);
const COUNT = numberArgument(args, '--count', 1) ?? 100;
const MEMORY_MB = numberArgument(args, '--memory-mb', 128);
const TABLE_NAME = 'bench-fax-memory';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const REGION = 'ap-northeast-1';
const SECRETS = {
  PHAXIO_API_KEY: 'bench-api-key',
  PHAXIO_API_SECRET: 'bench-api-secret',
  PHAXIO_CALLBACK_TOKEN: 'bench-callback-token',
};
/** The headroom issue 13 asks of the fax function's memorySize. */
const HEADROOM = 0.3;

async function main(): Promise<void> {
  if (args.includes('--emulators')) return serveEmulators();
  if (args.includes('--measure')) return measure();
  const memoryMb =
    MEMORY_MB ?? (await import('../infra/stock-alert-bridge-stack')).SEND_FAX_MEMORY_MB;
  process.exitCode = await runBundled(import.meta.url, 'bench-fax-memory', {
    args: ['--count', String(COUNT), '--memory-mb', String(memoryMb)],
  });
}

/** Runs dynalite and the Phaxio emulator; prints their endpoints and stops when stdin closes. */
async function serveEmulators(): Promise<void> {
  const { startDynalite } = await import('../local/dynamodb/dynalite');
  const { startPhaxioEmulator } = await import('../local/fax/phaxio-emulator');
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-fax-memory-'));
  const dynamo = await startDynalite();
  // The callbacks go to a closed port and are dropped: the fax function receives none.
  const phaxio = await startPhaxioEmulator({
    dataDir,
    callbackToken: SECRETS.PHAXIO_CALLBACK_TOKEN,
    apiKey: SECRETS.PHAXIO_API_KEY,
    apiSecret: SECRETS.PHAXIO_API_SECRET,
    callbackDelayMs: 60_000,
  });
  await ensureBridgeTable(dynamo.client, TABLE_NAME);
  process.stdout.write(`${JSON.stringify({ dynamo: dynamo.endpoint, phaxio: phaxio.baseUrl })}\n`);
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.on('end', resolve));
  await phaxio.close();
  await dynamo.close();
  rmSync(dataDir, { recursive: true, force: true });
}

/** A sealed order of `lines` lines to a fax-only supplier. */
function faxOrder(index: number, lines: number): PurchaseOrder {
  const at = new Date().toISOString();
  const orderNumber = `PO-20261202-${String(index + 1).padStart(4, '0')}`;
  const supplier = { code: 'S-FAX', name: 'ファクス商会株式会社', fax: '03-1234-5678' };
  return {
    orderNumber,
    appId: '12',
    groupKey: groupKeyOf('12', supplier),
    supplier,
    channels: [{ kind: 'fax', number: '+81312345678', national: '0312345678' }],
    company: {
      name: '株式会社デモ商事',
      postalCode: '100-0001',
      address: '東京都千代田区千代田1-1',
      phone: '03-0000-1111',
      fax: '03-0000-2222',
      email: 'purchase@demo-shoji.example.jp',
    },
    createdAt: at,
    dueAt: at,
    reflectedInKintone: false,
    lines: Array.from({ length: lines }, (_, line) => ({
      lineId: `${index}-${line}`,
      item: {
        appId: '12',
        recordId: String(10_000 + index * lines + line),
        itemId: String(10_000 + index * lines + line),
        cycle: 1,
      },
      sku: `A-${100 + line}`,
      name: `コピー用紙 A4 (${line + 1})`,
      quantity: 20 + line,
      unit: '箱',
      reason: '在庫 3 箱が発注点 5 箱を下回りました。',
      leadTimeDays: 5,
      addedAt: at,
      addedBy: `bench-${index}`,
    })),
    log: [
      { kind: 'created', at, by: `bench-${index}` },
      { kind: 'sealed', at, orderDate: at.slice(0, 10) },
    ],
  };
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
  const endpoints = JSON.parse(line ?? '{}') as { dynamo: string; phaxio: string };
  const dynamoClient = new DynamoDBClient({
    endpoint: endpoints.dynamo,
    region: REGION,
    credentials: CREDENTIALS,
  });
  const config = parseConfig(JSON.parse(readFileSync('config/demo.json', 'utf8')));
  const now = () => new Date();
  const table = { client: createDocumentClient(dynamoClient), tableName: TABLE_NAME };
  const { orders } = wireStores(table, now);
  const fax = buildFaxSending({
    config,
    secrets: new EnvSecretSource(SECRETS),
    fonts: defaultFontPaths(),
    phaxioBaseUrl: endpoints.phaxio,
    phaxioCallbackUrl: 'http://127.0.0.1:9/webhooks/fax',
  });
  if (!fax) throw new Error('config/demo.json has no fax gateway');
  const deps = { config, orders, kintone: nullKintone(), logger: silentLogger(), now, fax };
  for (let index = 0; index < COUNT; index += 1) await orders.create(faxOrder(index, 3));

  const sampler = rssSampler();
  const heapStart = heapAfterGc();
  const rssStart = process.memoryUsage.rss();
  let faxed = 0;
  const started = performance.now();
  for (let index = 0; index < COUNT; index += 1) {
    const orderNumber = faxOrder(index, 3).orderNumber;
    const outcome = await sendFaxJob({ kind: 'order', orderNumber }, deps);
    if (outcome.result === 'faxed') faxed += 1;
  }
  const elapsed = performance.now() - started;
  const peak = sampler.peak();
  sampler.stop();
  const heapEnd = heapAfterGc();
  dynamoClient.destroy();
  emulators.stdin.end();
  await new Promise((resolve) => emulators.on('exit', resolve));
  if (faxed !== COUNT) throw new Error(`expected ${COUNT} faxes, got ${faxed}`);

  const memoryMb = MEMORY_MB ?? 0;
  const peakMb = peak / 1024 / 1024;
  const headroom = 1 - peakMb / memoryMb;
  const out = process.stdout;
  out.write(
    `${COUNT} fax orders of 3 lines in one process (render with the embedded fonts, upload to the Phaxio emulator), ` +
      `${(elapsed / COUNT).toFixed(1)} ms each; Node ${process.version}, load average ${loadavg()[0]?.toFixed(1)}\n`,
  );
  out.write(`RSS after loading ${mb(rssBefore)} MB, after wiring ${mb(rssStart)} MB\n`);
  out.write(`peak RSS ${mb(peak)} MB\n`);
  if (heapStart !== undefined && heapEnd !== undefined) {
    out.write(
      `heap after a full GC: ${mb(heapStart)} MB at the start, ${mb(heapEnd)} MB after ${COUNT}\n`,
    );
  }
  out.write(
    `memorySize ${memoryMb} MB: ${(headroom * 100).toFixed(0)} % free at the peak (goal >= ${HEADROOM * 100} %): ${headroom >= HEADROOM ? 'met' : 'NOT met'}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
