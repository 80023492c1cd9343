import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { wireStores } from '../../functions/store-wiring';
import { createDocumentClient } from '../../shared/adapters/dynamodb/bridge-table';
import { buildFaxSending } from '../../shared/adapters/fax/fax-sending';
import { EnvSecretSource } from '../../shared/adapters/secrets/env-secret-source';
import { parseConfig } from '../../shared/config/load-config';
import { groupKeyOf, type PurchaseOrder } from '../../shared/domain/purchase-order';
import { defaultFontPaths } from '../../shared/documents/order-form-fonts';
import { sendFaxJob } from '../../shared/use-cases/send-fax-job';
import { errorText } from './cli';
import {
  heapAfterGc,
  mb,
  nullKintone,
  numberArgument,
  rssSampler,
  silentLogger,
  startBenchEmulators,
} from './memory-bench';

/**
 * The measured side of `npm run bench:fax-memory` (scripts/bench-fax-memory.ts, which bundles
 * and runs this): see there.
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
  const emulators = await startBenchEmulators([
    '--table',
    TABLE_NAME,
    '--phaxio',
    [SECRETS.PHAXIO_API_KEY, SECRETS.PHAXIO_API_SECRET, SECRETS.PHAXIO_CALLBACK_TOKEN].join(','),
  ]);
  const endpoints = emulators.endpoints as { dynamo: string; phaxio: string };
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
  await emulators.stop();
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

measure().catch((error: unknown) => {
  process.stderr.write(`${errorText(error)}\n`);
  process.exit(1);
});
