import { readFileSync } from 'node:fs';
import { parseConfig } from '../../shared/config/load-config';
import type { BridgeConfig } from '../../shared/config/schema';
import {
  isRecordNotification,
  notificationSchema,
  type KintoneNotification,
} from '../../shared/kintone/notification';
import type { OrderLinkSigner } from '../../shared/ports/order-links';
import type { DispatchDeps } from '../../shared/use-cases/process-notification';
import { InMemoryBridgeState } from '../fakes/in-memory-order-store';
import { InMemorySupplierDirectory } from '../fakes/in-memory-supplier-directory';
import { RecordingFaxGateway, recordingFaxSending } from '../fakes/recording-fax-gateway';
import { RecordingKintoneRecordWriter } from '../fakes/recording-kintone-writer';
import { RecordingLogger } from '../fakes/recording-logger';
import { RecordingMetrics } from '../fakes/recording-metrics';
import { RecordingOrderMailer } from '../fakes/recording-order-mailer';
import { loadWebhookFixture } from '../fixtures/kintone-webhooks';
import type { SupplierContact } from '../../shared/domain/item';

/**
 * The dispatcher's collaborators for the use-case tests of `processNotification` and
 * `sendDueOrders`: the in-memory bridge state behind every store port, recording mailer, fax
 * gateway and kintone writer, and a clock the test moves.
 */

/** The raw `config/demo.json`, a fresh copy each call, for tests that change an app. */
export function demoConfigJson(): {
  apps: Array<Record<string, unknown> & { appId: string }>;
  [key: string]: unknown;
} {
  return JSON.parse(readFileSync('config/demo.json', 'utf8')) as ReturnType<typeof demoConfigJson>;
}

export interface HarnessOptions {
  /** A recording fax gateway. */
  fax?: boolean;
  /** The suppliers of the supplier master (app 15 reads its rows' suppliers there). */
  suppliers?: Record<string, SupplierContact>;
  /** Changes to `config/demo.json` before it is parsed. */
  configure?: (raw: ReturnType<typeof demoConfigJson>) => void;
  /** Signs order links as `https://bridge.example/o/<number>`. */
  links?: boolean;
  now?: Date;
}

export interface Harness {
  deps: DispatchDeps;
  config: BridgeConfig;
  state: InMemoryBridgeState;
  mailer: RecordingOrderMailer;
  kintone: RecordingKintoneRecordWriter;
  logger: RecordingLogger;
  gateway: RecordingFaxGateway;
  metrics: RecordingMetrics;
  clock: { now: Date };
  /** Moves the clock on by minutes. */
  advance(minutes: number): Date;
}

export function dispatchHarness(options: HarnessOptions = {}): Harness {
  const raw = demoConfigJson();
  options.configure?.(raw);
  const config = parseConfig(raw);
  const state = new InMemoryBridgeState();
  const mailer = new RecordingOrderMailer();
  const kintone = new RecordingKintoneRecordWriter();
  const logger = new RecordingLogger();
  const gateway = new RecordingFaxGateway();
  const metrics = new RecordingMetrics();
  const clock = { now: new Date(options.now ?? '2026-11-28T02:15:00Z') };
  const orderLinks: OrderLinkSigner = {
    sign: async (orderNumber) => `https://bridge.example/o/${orderNumber}`,
  };
  const deps: DispatchDeps = {
    config,
    orders: state,
    items: state,
    processed: state,
    mailer,
    kintone,
    logger,
    metrics,
    now: () => new Date(clock.now),
    ...(options.fax ? { fax: recordingFaxSending(gateway) } : {}),
    ...(options.suppliers ? { suppliers: new InMemorySupplierDirectory(options.suppliers) } : {}),
    ...(options.links ? { orderLinks } : {}),
  };
  return {
    deps,
    config,
    state,
    mailer,
    kintone,
    logger,
    gateway,
    metrics,
    clock,
    advance(minutes) {
      clock.now = new Date(clock.now.getTime() + minutes * 60_000);
      return new Date(clock.now);
    },
  };
}

export interface RecordEdit {
  id?: string;
  /** The kintone record id (`$id`); update-record-low.json's is 7. */
  recordId?: string;
  revision?: number;
  appId?: string;
  /** Field code to value; a field the fixture lacks is added. */
  values?: Record<string, string>;
}

/** update-record-low.json (在庫数 18 of item A-100, record 7 of app 12) with the edit applied. */
export function lowNotification(edit: RecordEdit = {}): KintoneNotification {
  const low = notificationSchema.parse(loadWebhookFixture('update-record-low.json'));
  if (!isRecordNotification(low)) throw new Error('update-record-low.json is not a record');
  const record = { ...low.record };
  if (edit.revision !== undefined) {
    record.$revision = { type: '__REVISION__', value: String(edit.revision) };
  }
  if (edit.recordId !== undefined) record.$id = { type: '__ID__', value: edit.recordId };
  for (const [code, value] of Object.entries(edit.values ?? {})) {
    record[code] = { type: record[code]?.type ?? 'MULTI_LINE_TEXT', value };
  }
  return notificationSchema.parse({
    ...low,
    id: edit.id ?? low.id,
    app: { ...low.app, id: edit.appId ?? low.app.id },
    record,
  });
}
