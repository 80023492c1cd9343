import { performance } from 'node:perf_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { calendarFromConfig } from '../shared/adapters/calendar/calendar-from-config';
import { createDocumentClient, ensureBridgeTable } from '../shared/adapters/dynamodb/bridge-table';
import { DynamoDbStockHistory } from '../shared/adapters/dynamodb/dynamodb-stock-history';
import { parseConfig } from '../shared/config/load-config';
import type { BridgeConfig } from '../shared/config/schema';
import { addDays, zonedInstant } from '../shared/domain/dates';
import { isRecordNotification, notificationSchema } from '../shared/kintone/notification';
import type { ItemStockObservation } from '../shared/ports/stock-history';
import { mapRecord } from '../shared/kintone/record-mapper';
import { learnReorderPoints } from '../shared/use-cases/learn-reorder-points';
import { observationsOf } from '../shared/use-cases/stock-observation';
import { processNotification, type DispatchDeps } from '../shared/use-cases/process-notification';
import { startDynalite } from '../local/dynamodb/dynalite';
import { InMemoryBridgeState } from '../test/fakes/in-memory-order-store';
import { InMemoryStockHistory } from '../test/fakes/in-memory-stock-history';
import { RecordingKintoneRecordWriter } from '../test/fakes/recording-kintone-writer';
import { RecordingLogger } from '../test/fakes/recording-logger';
import { RecordingOrderMailer } from '../test/fakes/recording-order-mailer';
import { loadDemoConfigJson, loadWebhookFixture } from '../test/fixtures/kintone-webhooks';
import { formatTable, ms, summarize } from './lib/stats';

/**
 * The learning's cost (issue 14):
 *
 * 1. Per notification: the dispatcher's time with and without the learning (in-process, over
 *    the in-memory stores), the learning's own work alone (building the observation), and the
 *    DynamoDB calls and time of its one write on dynalite.
 * 2. Per day for 1,000 items: the daily run's kintone calls (bulk updates of 100) on the first
 *    day (every item new) and on the next (only suggestions that changed materially), against
 *    kintone's 10,000 calls a day per app.
 *
 *   npx tsx scripts/bench-learning.ts [--items 1000]   (npm run bench:learning)
 */

const KINTONE_DAILY_LIMIT = 10_000;
const NOTIFICATIONS = 400;
const WARMUP = 50;
const ITEMS = itemsArgument(process.argv.slice(2)) ?? 1_000;
/** Business days of history per item: the default window is 60. */
const HISTORY_DAYS = 80;
const FIELDS = {
  reorderPoint: '推奨発注点',
  orderUpTo: '推奨最大在庫',
  leadTimeDays: '推定リードタイム',
  reason: '推奨理由',
};

function itemsArgument(args: readonly string[]): number | undefined {
  const index = args.indexOf('--items');
  if (index < 0) return undefined;
  const value = Number(args[index + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error('--items takes a whole number ≥ 1');
  return value;
}

function configWith(learning: boolean): BridgeConfig {
  const raw = loadDemoConfigJson() as { apps: Array<Record<string, unknown>> };
  const app = raw.apps.find((candidate) => candidate.appId === '12');
  if (app && learning) app.learning = { fields: FIELDS };
  return parseConfig(raw);
}

/** A notification of record `n` (a fresh id and revision each, stock above its reorder point). */
function notification(n: number) {
  const low = notificationSchema.parse(loadWebhookFixture('update-record-low.json'));
  if (!isRecordNotification(low)) throw new Error('update-record-low.json is not a record');
  return notificationSchema.parse({
    ...low,
    id: `bench-${n}`,
    record: {
      ...low.record,
      $id: { type: '__ID__', value: String(1 + (n % 1000)) },
      $revision: { type: '__REVISION__', value: String(2 + n) },
      在庫数: { type: 'NUMBER', value: String(30 + (n % 50)) },
    },
  });
}

function dispatchDeps(config: BridgeConfig, extra: Partial<DispatchDeps> = {}): DispatchDeps {
  const state = new InMemoryBridgeState();
  return {
    config,
    orders: state,
    items: state,
    processed: state,
    mailer: new RecordingOrderMailer(),
    kintone: new RecordingKintoneRecordWriter(),
    logger: new RecordingLogger(),
    now: () => new Date('2026-12-01T01:00:00Z'),
    ...extra,
  };
}

async function timeDispatch(deps: DispatchDeps, offset: number): Promise<number[]> {
  const times: number[] = [];
  for (let n = 0; n < WARMUP + NOTIFICATIONS; n++) {
    const started = performance.now();
    await processNotification(notification(offset + n), deps);
    if (n >= WARMUP) times.push(performance.now() - started);
  }
  return times;
}

/** A document client that counts the commands sent through it. */
function counting(client: DynamoDBDocumentClient): {
  client: DynamoDBDocumentClient;
  calls: Map<string, number>;
} {
  const calls = new Map<string, number>();
  const send = client.send.bind(client) as (command: object) => Promise<unknown>;
  const proxy = new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return (command: object) => {
        const name = command.constructor.name;
        calls.set(name, (calls.get(name) ?? 0) + 1);
        return send(command);
      };
    },
  });
  return { client: proxy, calls };
}

/** 1,000 items' histories: demand about 4 a day, two observations a business day. */
async function feedItems(history: InMemoryStockHistory, config: BridgeConfig, items: number) {
  const calendar = calendarFromConfig(config).company;
  let day = '2026-08-03';
  let n = 0;
  const stock = Array.from({ length: items }, () => 200);
  for (let days = 0; days < HISTORY_DAYS; day = addDays(day, 1)) {
    if (!calendar.isBusinessDay(day)) continue;
    days += 1;
    for (const time of ['10:00', '15:00']) {
      const at = zonedInstant(day, time, 'Asia/Tokyo').toISOString();
      for (let item = 0; item < items; item++) {
        // Deterministic pseudo-random demand of 0–4 per half day, item by item.
        const used = (item * 7 + days * 13 + (time === '10:00' ? 0 : 5)) % 5;
        let quantity = (stock[item] as number) - used;
        let cause: ItemStockObservation['cause'];
        if (quantity < 30) {
          quantity += 150;
          cause = { kind: 'receipt', received: 150 };
        }
        stock[item] = quantity;
        await history.record('12', `n-${(n += 1)}`, [
          {
            appId: '12',
            itemId: String(item + 1),
            sku: `SKU-${item + 1}`,
            supplierCode: `S-00${1 + (item % 3)}`,
            at,
            quantity,
            reorderPoint: 30,
            maxStock: 180,
            leadTimeDays: 3,
            ...(cause ? { cause } : {}),
          },
        ]);
      }
    }
  }
  return day;
}

/** Microseconds to build one notification's observation (a plain record), over 20,000 runs. */
function observationsCost(): number {
  const low = notification(0);
  const config = configWith(true);
  const app = config.apps[0];
  if (!app || !isRecordNotification(low)) throw new Error('no demo app');
  const item = {
    key: { appId: '12', recordId: '1' },
    mapped: mapRecord(low.record, app, {
      supplierFromMaster: true,
      deliveryAddresses: {},
      reducedLabels: [],
    }),
    decision: { kind: 'no-order' as const, reason: '在庫は十分です。' },
  };
  const runs = 20_000;
  for (let n = 0; n < 2_000; n++) observationsOf('12', '2026-12-01T01:00:00.000Z', [item]);
  const started = performance.now();
  for (let n = 0; n < runs; n++) observationsOf('12', '2026-12-01T01:00:00.000Z', [item]);
  return ((performance.now() - started) / runs) * 1000;
}

async function main(): Promise<void> {
  // 1. Per notification: the dispatcher with and without the learning (alternated, twice each,
  // the second pair counted), then the learning's own work alone (observationsOf) and its write.
  const config0 = configWith(false);
  const config1 = configWith(true);
  await timeDispatch(dispatchDeps(config0), 0);
  await timeDispatch(dispatchDeps(config1, { stockHistory: new InMemoryStockHistory() }), 1_000);
  const off = await timeDispatch(dispatchDeps(config0), 2_000);
  const on = await timeDispatch(
    dispatchDeps(config1, { stockHistory: new InMemoryStockHistory() }),
    3_000,
  );
  const own = observationsCost();
  const dynamo = await startDynalite();
  let dynamoRows: string[][];
  let callsPerNotification: number;
  try {
    const tableName = 'bench-learning';
    await ensureBridgeTable(dynamo.client, tableName);
    const counted = counting(createDocumentClient(dynamo.client));
    const history = new DynamoDbStockHistory({ client: counted.client, tableName });
    const config = configWith(true);
    const deps = dispatchDeps(config, { stockHistory: history });
    const writes: number[] = [];
    for (let n = 0; n < WARMUP + NOTIFICATIONS; n++) {
      const observation: ItemStockObservation = {
        appId: '12',
        itemId: String(n),
        sku: 'A-100',
        at: new Date(Date.UTC(2026, 11, 1) + n * 1000).toISOString(),
        quantity: 30,
      };
      const started = performance.now();
      await history.record('12', `w-${n}`, [observation]);
      if (n >= WARMUP) writes.push(performance.now() - started);
    }
    counted.calls.clear();
    for (let n = 0; n < NOTIFICATIONS; n++)
      await processNotification(notification(20_000 + n), deps);
    const sent = [...counted.calls.values()].reduce((sum, count) => sum + count, 0);
    callsPerNotification = sent / NOTIFICATIONS;
    const write = summarize(writes);
    dynamoRows = [['PutItem on dynalite (one per notification)', ms(write.median), ms(write.p90)]];
  } finally {
    await dynamo.close();
  }
  const offSummary = summarize(off);
  const onSummary = summarize(on);
  console.log(
    `Per notification (${NOTIFICATIONS} notifications after ${WARMUP} warm-up, in-process):`,
  );
  console.log(
    formatTable(
      ['', 'median ms', 'p90 ms'],
      [
        ['dispatch, learning off', ms(offSummary.median), ms(offSummary.p90)],
        ['dispatch, learning on (in-memory history)', ms(onSummary.median), ms(onSummary.p90)],
        ['the learning’s own work alone (observationsOf)', `${own.toFixed(1)} µs`, ''],
        ...dynamoRows,
      ],
    ),
  );
  console.log(
    `DynamoDB calls of the learning per notification: ${callsPerNotification.toFixed(2)} (stock history writes only; the dispatcher's own calls are not counted)`,
  );

  // 2. Per day for ITEMS items.
  const config = configWith(true);
  const history = new InMemoryStockHistory();
  const kintone = new RecordingKintoneRecordWriter();
  const lastDay = await feedItems(history, config, ITEMS);
  const deps = {
    config,
    stockHistory: history,
    orders: new InMemoryBridgeState(),
    kintone,
    calendars: calendarFromConfig(config),
    logger: new RecordingLogger(),
  };
  const morning = zonedInstant(addDays(lastDay, 0), '01:00', 'Asia/Tokyo');
  let started = performance.now();
  const first = await learnReorderPoints(deps, morning);
  const firstMs = performance.now() - started;
  started = performance.now();
  const next = await learnReorderPoints(deps, new Date(morning.getTime() + 86_400_000));
  const nextMs = performance.now() - started;
  const observations = (await history.list('12', '2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z'))
    .length;
  console.log(
    `\nDaily learning run for ${ITEMS} items (${observations} observations in the history):`,
  );
  console.log(
    formatTable(
      ['run', 'suggestions', 'written', 'kintone calls', '% of 10,000/day', 'time ms'],
      [first, next].map((outcome, index) => {
        const app = outcome.apps[0];
        return [
          index === 0 ? 'first day (all new)' : 'next day',
          String(app?.suggestions ?? 0),
          String(app?.written ?? 0),
          String(outcome.kintoneCalls),
          `${((outcome.kintoneCalls / KINTONE_DAILY_LIMIT) * 100).toFixed(2)} %`,
          ms(index === 0 ? firstMs : nextMs),
        ];
      }),
    ),
  );
  console.log(
    `At most ${Math.ceil(ITEMS / 100)} kintone calls a day for ${ITEMS} items (one bulk update per 100 changed suggestions), ${((Math.ceil(ITEMS / 100) / KINTONE_DAILY_LIMIT) * 100).toFixed(2)} % of the app's daily limit.`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
