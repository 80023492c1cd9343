import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EFFECTIVE_CONFIG_FILE, type LocalStack } from '../../local/stack';
import type { StoredEmail } from '../../local/ses/ses-local';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * The local stack's scheduler runs the send-due-orders wiring Lambda runs, with the stack's
 * clock: items of one supplier dropping within a window wait (待機中) as one order, and one run
 * after the window sends it. The clock is the test's; the timer is off unless a test turns it
 * on, so `runScheduler()` is the only tick.
 */

jest.setTimeout(60_000);

const SUPPLIER = 'order@sample-bungu.example.jp';
/** The demo app's items of S-001 (株式会社サンプル文具). */
const S001_SKUS = ['A-100', 'D-400', 'F-600'];
const START = new Date('2026-12-02T01:00:00.000Z');

/**
 * The emails to `address` since the stack started. aws-ses-v2-local keeps one store per
 * process, so a second stack in this file also sees the first one's emails: each stack's are
 * those after the count it started with.
 */
const baselines = new WeakMap<LocalStack, number>();
async function emailsTo(stack: LocalStack, address: string): Promise<StoredEmail[]> {
  const all = (await stack.ses.emails()).filter((email) => email.destination.to.includes(address));
  return all.slice(baselines.get(stack) ?? 0);
}
async function markBaseline(stack: LocalStack): Promise<void> {
  baselines.set(stack, 0);
  baselines.set(stack, (await emailsTo(stack, SUPPLIER)).length);
}

/** Lowers each item below its reorder point, one save per record (one webhook each). */
async function dropAll(test: TestStack, skus: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const sku of skus) {
    const { id, fields } = await test.recordOf(sku);
    await test.edit(id, { 在庫数: String(Math.max(0, Number(fields['発注点']) - 2)) });
    ids.push(id);
  }
  return ids;
}

describe('a gathering window through the local stack, with a controlled clock', () => {
  let clock = START;
  let test: TestStack;

  beforeAll(async () => {
    test = await startTestStack('sab-scheduler-', {
      now: () => clock,
      gathering: { rule: 'window', minutes: 1 },
    });
    await markBaseline(test.stack);
  });
  afterAll(() => test.close());

  it('runs the configuration with the rule on every app, from a file in the data directory', () => {
    // Assess
    const path = join(test.dataDir, EFFECTIVE_CONFIG_FILE);
    expect(test.stack.urls.configPath).toBe(path);
    const written = JSON.parse(readFileSync(path, 'utf8')) as {
      apps: Array<{ gathering: unknown; apiToken: unknown }>;
    };
    for (const app of written.apps) {
      expect(app.gathering).toEqual({ rule: 'window', minutes: 1 });
      // Secret references stay references.
      expect(app.apiToken).toEqual({ env: expect.any(String) });
    }
  });

  it('keeps three drops of one supplier waiting on one order, and one run after the window sends it', async () => {
    // Arrange: three records of S-001 fall due within the window.
    const ids = await dropAll(test, S001_SKUS);
    const waiting = await Promise.all(ids.map((id) => test.fields(id)));

    // Act: a run before the window ends, then one after it.
    clock = new Date(START.getTime() + 30_000);
    const early = await test.runScheduler();
    const emailsBefore = await emailsTo(test.stack, SUPPLIER);
    clock = new Date(START.getTime() + 61_000);
    const due = await test.runScheduler();

    // Assess: 待機中 on each record, all on one order number.
    expect(waiting.map((record) => record['発注状況'])).toEqual(['待機中', '待機中', '待機中']);
    const numbers = new Set(waiting.map((record) => record['発注番号']));
    expect(numbers.size).toBe(1);
    const [orderNumber] = [...numbers];
    expect(orderNumber).toMatch(/^PO-20261202-\d{4}$/);
    expect(early.sent).toEqual([]);
    expect(emailsBefore).toEqual([]);
    // One run, one email of three lines under that number.
    expect(due.sent).toEqual([orderNumber]);
    const emails = await emailsTo(test.stack, SUPPLIER);
    expect(emails).toHaveLength(1);
    expect(emails[0]?.subject).toContain(orderNumber);
    for (const sku of S001_SKUS) expect(emails[0]?.body.text).toContain(sku);
    const sent = await Promise.all(ids.map((id) => test.fields(id)));
    expect(sent.map((record) => record['発注状況'])).toEqual([
      '発注依頼済',
      '発注依頼済',
      '発注依頼済',
    ]);
    expect(sent.map((record) => record['発注番号'])).toEqual([
      orderNumber,
      orderNumber,
      orderNumber,
    ]);

    // A later run finds nothing due and sends nothing again.
    clock = new Date(START.getTime() + 120_000);
    expect((await test.runScheduler()).sent).toEqual([]);
    expect(await emailsTo(test.stack, SUPPLIER)).toHaveLength(1);
  });
});

describe("the local scheduler's timer", () => {
  let clock = START;
  let test: TestStack;

  beforeAll(async () => {
    test = await startTestStack('sab-scheduler-timer-', {
      now: () => clock,
      gathering: { rule: 'window', minutes: 1 },
      scheduler: { intervalMs: 50 },
    });
    await markBaseline(test.stack);
  });
  afterAll(() => test.close());

  it('sends the gathered order by itself once the clock passes the window', async () => {
    // Arrange
    await dropAll(test, ['A-100', 'D-400']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = await emailsTo(test.stack, SUPPLIER);

    // Act: time passes; the timer's next runs find the order due.
    clock = new Date(START.getTime() + 61_000);
    let emails: StoredEmail[] = [];
    for (let waited = 0; waited < 10_000 && emails.length === 0; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      emails = await emailsTo(test.stack, SUPPLIER);
    }
    await test.stack.idle();

    // Assess
    expect(before).toEqual([]);
    expect(emails).toHaveLength(1);
    expect((await test.recordOf('A-100')).fields['発注状況']).toBe('発注依頼済');
  });
});

describe('npm run demo -- gather', () => {
  let test: TestStack;

  afterEach(() => test.close());

  /** The demo as a user runs it, in its own process (the stack runs in this one: no spawnSync). */
  function demo(dataDir: string): Promise<{ status: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        join('node_modules', '.bin', 'tsx'),
        ['local/demo.ts', 'gather', '--data-dir', dataDir],
        { encoding: 'utf8', timeout: 30_000 },
        (error, stdout, stderr) => {
          const code = (error as { code?: unknown } | null)?.code;
          resolve({ status: error ? (typeof code === 'number' ? code : -1) : 0, stdout, stderr });
        },
      );
    });
  }

  it('drops every item of S-001 and says 待機中, then one order after the window', async () => {
    // Arrange
    test = await startTestStack('sab-demo-gather-', { gathering: { rule: 'window', minutes: 1 } });
    await markBaseline(test.stack);
    expect(existsSync(join(test.dataDir, 'local.json'))).toBe(true);

    // Act
    const { status, stdout, stderr } = await demo(test.dataDir);
    await test.stack.idle();

    // Assess
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout).toContain('Lowered 3 items of 株式会社サンプル文具 (S-001), one save each:');
    for (const sku of S001_SKUS) expect(stdout).toContain(`  ${sku} `);
    expect(stdout).toContain('待機中');
    expect(stdout).toContain('one order request with 3 lines');
    expect(stdout).toContain('about 1 min after the first drop');
    for (const sku of S001_SKUS) {
      expect((await test.recordOf(sku)).fields['発注状況']).toBe('待機中');
    }
    expect(await emailsTo(test.stack, SUPPLIER)).toEqual([]);
  });

  it('with the demo configuration as it is, says each record is sent at once and how to gather', async () => {
    // Arrange
    test = await startTestStack('sab-demo-gather-immediate-');
    await markBaseline(test.stack);

    // Act
    const { status, stdout } = await demo(test.dataDir);
    await test.stack.idle();

    // Assess
    expect(status).toBe(0);
    expect(stdout).toContain('sends each record at once (gathering: immediate): 3 order requests');
    expect(stdout).toContain('npm start -- --gathering window:1');
    expect(await emailsTo(test.stack, SUPPLIER)).toHaveLength(3);
  });
});
