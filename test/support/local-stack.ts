import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack';
import type { SendDueOrdersResult } from '../../shared/use-cases/send-due-orders';
import type { SweepRunResult } from '../../functions/sweep/handler';

/** The demo inventory app of `config/demo.json`. */
export const DEMO_INVENTORY_APP = '12';

/** A demo item's record: its id and every field's value as a string. */
export interface TestRecord {
  id: string;
  fields: Record<string, string>;
}

/** A local stack for one test file, with the official kintone client on the inventory app. */
export interface TestStack {
  stack: LocalStack;
  /** The temporary directory holding the stack's data (and its `local.json`). */
  dataDir: string;
  /** The official client with the inventory app's API token, as staff would use it. */
  kintone: KintoneRestAPIClient;
  /** The record id of the demo item with this 品番. */
  recordIdOf(sku: string): Promise<string>;
  /** The demo item with this 品番, read in one call; fails naming the item if there is none. */
  recordOf(sku: string): Promise<TestRecord>;
  /** Every field of the record, its value as a string. */
  fields(id: string): Promise<Record<string, string>>;
  /** Staff edit the record, then everything the edit set off runs to the end. */
  edit(id: string, values: Record<string, string>): Promise<void>;
  /** The texts of the record's comments. */
  comments(id: string): Promise<string[]>;
  /**
   * One run of send-due-orders (the scheduler's tick, at the stack's clock), then everything
   * its write-backs set off runs to the end. Move the clock given as `now` first to make a
   * gathered order due.
   */
  runScheduler(): Promise<SendDueOrdersResult>;
  /**
   * One sweep (its schedule's tick, at the stack's clock), then every notification it queued
   * runs to the end.
   */
  runSweep(): Promise<SweepRunResult>;
  /** Stops the stack and removes its data directory. */
  close(): Promise<void>;
}

function asStrings(record: Record<string, { value: unknown }>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).map(([code, field]) => [code, String(field.value)]),
  );
}

/**
 * Starts the local stack on free ports with the demo config, silent logs and short queue
 * timeouts (so retries happen within a test), in a fresh temporary data directory. The
 * scheduler has no timer unless the test asks for one (`scheduler: { intervalMs }`): a test
 * sends due orders with `runScheduler()`, after moving the clock it passed as `now`.
 *
 * @example
 * let stack: LocalStack;
 * let close: TestStack['close'];
 * beforeAll(async () => {
 *   ({ stack, close } = await startTestStack('sab-e2e-'));
 * });
 * afterAll(() => close());
 */
export async function startTestStack(
  prefix: string,
  overrides: Partial<LocalStackOptions> = {},
): Promise<TestStack> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      dataDir,
      configPath: 'config/demo.json',
      env: {},
      queue: { visibilityTimeoutMs: 300, maxReceiveCount: 5, pollIntervalMs: 10 },
      logLevel: 'SILENT',
      scheduler: { intervalMs: false },
      sweep: { intervalMs: false },
      ...overrides,
      ports: {
        bridge: 0,
        kintone: 0,
        ses: 0,
        sesProxy: 0,
        dynamodb: 0,
        fax: 0,
        ...overrides.ports,
      },
    });
  } catch (error) {
    removeDataDir();
    throw error;
  }
  const kintone = new KintoneRestAPIClient({
    baseUrl: stack.urls.kintoneBaseUrl,
    auth: { apiToken: stack.urls.kintoneApiToken ?? '' },
  });
  const app = DEMO_INVENTORY_APP;
  const recordsOf = async (sku: string) =>
    (await kintone.record.getRecords({ app, query: `品番 = "${sku}"` })).records;

  return {
    stack,
    dataDir,
    kintone,
    recordIdOf: async (sku) => String((await recordsOf(sku))[0]?.$id?.value),
    recordOf: async (sku) => {
      const record = (await recordsOf(sku))[0];
      if (record === undefined) throw new Error(`the demo app has no item ${sku}`);
      return { id: String(record.$id?.value), fields: asStrings(record) };
    },
    fields: async (id) => asStrings((await kintone.record.getRecord({ app, id })).record),
    edit: async (id, values) => {
      const record = Object.fromEntries(
        Object.entries(values).map(([code, value]) => [code, { value }]),
      );
      await kintone.record.updateRecord({ app, id, record });
      await stack.idle();
    },
    runScheduler: async () => {
      const result = await stack.runScheduler();
      await stack.idle();
      return result;
    },
    runSweep: async () => {
      const result = await stack.runSweep();
      await stack.idle();
      return result;
    },
    comments: async (id) =>
      (await kintone.record.getRecordComments({ app, record: id })).comments.map(
        (comment) => comment.text,
      ),
    close: async () => {
      await stack.close();
      removeDataDir();
    },
  };
}
