import { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDispatchHandler } from '../../functions/dispatch/handler';
import { LocalFifoQueue } from '../../local/queue/local-fifo-queue';
import { readQueueState } from '../../local/queue/queue-state';
import {
  formatParked,
  formatReplayed,
  handleParked,
  localParkedSender,
  replayAws,
  replayDeduplicationId,
  ReplayError,
  replayLocal,
  skipLocal,
  withFailures,
  type ReplayedMessage,
} from '../../scripts/lib/replay';
import { regionOfQueueUrl, SqsClientReplayQueue } from '../../scripts/lib/replay-sqs';
import { loadConfigFile } from '../../shared/config/load-config';
import {
  isRecordNotification,
  notificationGroupId,
  notificationSchema,
  type KintoneNotification,
} from '../../shared/kintone/notification';
import { InMemoryBridgeState } from '../fakes/in-memory-order-store';
import { InMemoryNotificationFailureLog } from '../fakes/in-memory-notification-failure-log';
import { InMemorySqs } from '../fakes/in-memory-sqs';
import { RecordingKintoneRecordWriter } from '../fakes/recording-kintone-writer';
import { RecordingOrderMailer } from '../fakes/recording-order-mailer';
import { DEMO_CONFIG_PATH, loadWebhookFixture } from '../fixtures/kintone-webhooks';
import { lambdaContext } from '../support/api-gateway';

const DLQ = 'https://sqs.ap-northeast-1.amazonaws.com/123456789012/bridge-dlq.fifo';
const QUEUE = 'https://sqs.ap-northeast-1.amazonaws.com/123456789012/bridge.fifo';
const NOW = 1_795_832_100_000;

const tempDirs: string[] = [];
const openQueues: LocalFifoQueue[] = [];

afterEach(async () => {
  for (const queue of openQueues.splice(0)) await queue.stop();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** update-record-low.json (short of stock) for a record, under a notification id. */
function low(id: string, recordId = '7'): KintoneNotification {
  const fixture = notificationSchema.parse(loadWebhookFixture('update-record-low.json'));
  if (!isRecordNotification(fixture)) throw new Error('not a record notification');
  return notificationSchema.parse({
    ...fixture,
    id,
    record: { ...fixture.record, $id: { type: '__ID__', value: recordId } },
  });
}

function dispatchHarness(failures?: InMemoryNotificationFailureLog) {
  const store = new InMemoryBridgeState();
  const mailer = new RecordingOrderMailer();
  const kintone = new RecordingKintoneRecordWriter();
  const dispatch = createDispatchHandler({
    config: loadConfigFile(DEMO_CONFIG_PATH),
    orders: store,
    items: store,
    processed: store,
    mailer,
    kintone,
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    now: () => new Date('2026-11-28T02:15:00Z'),
    ...(failures ? { failures, maxReceiveCount: 2 } : {}),
  });
  const handler = (event: SQSEvent) => dispatch(event, lambdaContext);
  return { store, mailer, kintone, handler };
}

function openQueue(dataDir: string): LocalFifoQueue {
  const queue = new LocalFifoQueue({
    dataDir,
    visibilityTimeoutMs: 20,
    pollIntervalMs: 5,
    maxReceiveCount: 2,
  });
  openQueues.push(queue);
  return queue;
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('replay from the local dead-letter store', () => {
  it('moves a dead-lettered notification back, and the restarted stack completes it', async () => {
    // Prepare: kintone refuses twice, so the notification is dead-lettered after 2 receives.
    const dataDir = mkdtempSync(join(tmpdir(), 'replay-'));
    tempDirs.push(dataDir);
    const queueDir = join(dataDir, 'queue');
    const { store, mailer, kintone, handler } = dispatchHarness();
    kintone.updateFailures.push(new Error('kintone 503'), new Error('kintone 503'));
    const notification = low('6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c2001');
    const running = openQueue(queueDir);
    running.start(handler);
    await running.enqueue({
      notificationId: notification.id,
      groupId: notificationGroupId(notification),
      body: JSON.stringify(notification),
    });
    await waitFor(() => running.deadLetters().length === 1, 'the dead letter');
    const [letter] = running.deadLetters();

    // Act
    const whileRunning = () => replayLocal({ dataDir });
    const listedWhileRunning = replayLocal({ dataDir, dryRun: true });
    let lockError: unknown;
    try {
      whileRunning();
    } catch (error) {
      lockError = error;
    }
    await running.stop();
    const report = replayLocal({ dataDir });
    const restarted = openQueue(queueDir);
    restarted.start(handler);
    await restarted.idle();

    // Assess
    expect(lockError).toBeInstanceOf(ReplayError);
    expect((lockError as Error).message).toContain('The local stack is running');
    expect((lockError as Error).message).toContain('Stop it first');
    expect(listedWhileRunning.messages).toHaveLength(1);
    const expected: ReplayedMessage = {
      messageId: letter?.messageId ?? '',
      groupId: '12:7',
      notificationId: notification.id,
      type: 'UPDATE_RECORD',
      receiveCount: 2,
      lastError: undefined,
    };
    expect(report).toEqual({ dryRun: false, messages: [expected], notFound: [] });
    expect(formatReplayed(expected, false)).toBe(
      `moved  ${expected.messageId}  group 12:7  notification ${notification.id}  UPDATE_RECORD  receives 2  last error: -`,
    );
    expect(restarted.deadLetters()).toEqual([]);
    await expect(store.hasProcessed(notification.id)).resolves.toBe(true);
    expect(mailer.sent).toHaveLength(1);
    expect(kintone.updates).toHaveLength(1);
    expect(kintone.comments).toHaveLength(1);
  });

  it('moves only the requested ids and names those it did not find', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'replay-'));
    tempDirs.push(dataDir);
    const queue = openQueue(join(dataDir, 'queue'));
    queue.start(async (event) => ({
      batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })),
    }));
    for (const id of ['n-a', 'n-b']) {
      await queue.enqueue({ notificationId: id, groupId: `12:${id}`, body: '{"type":"x"}' });
    }
    await waitFor(() => queue.deadLetters().length === 2, 'two dead letters');
    const [first] = queue.deadLetters();
    await queue.stop();

    // Act
    const dry = replayLocal({ dataDir, ids: [first?.messageId ?? '', 'nope'], dryRun: true });
    const report = replayLocal({ dataDir, ids: [first?.messageId ?? '', 'nope'] });
    const rest = replayLocal({ dataDir, dryRun: true });

    // Assess
    expect(dry.messages.map((m) => m.messageId)).toEqual([first?.messageId]);
    expect(report.messages.map((m) => m.notificationId)).toEqual(['n-a']);
    expect(report.notFound).toEqual(['nope']);
    expect(rest.messages.map((m) => m.notificationId)).toEqual(['n-b']);
  });

  it('says when the data directory holds no queue', () => {
    expect(() => replayLocal({ dataDir: join(tmpdir(), 'no-such-bridge-data') })).toThrow(
      'There is no local queue in',
    );
  });
});

/** kintone answering 503: transient, so the queue retries it into the dead letters. */
function kintone503(): Error {
  return Object.assign(new Error('kintone 503 Service Unavailable'), { status: 503 });
}

/** kintone answering 400: permanent, so the dispatcher parks the notification. */
function kintone400(): Error {
  return Object.assign(new Error('kintone 400 GAIA_IL01 field not found'), { status: 400 });
}

const FAILED_AT = '2026-11-28T02:15:00.000Z';

/**
 * Runs the notifications through the real dispatcher on a local queue (2 receives) while kintone
 * answers 503, so each is dead-lettered with its failures in the log; then stops the queue.
 */
async function deadLettered(...notifications: KintoneNotification[]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'replay-'));
  tempDirs.push(dataDir);
  const queueDir = join(dataDir, 'queue');
  const failures = new InMemoryNotificationFailureLog();
  const { kintone, handler } = dispatchHarness(failures);
  for (let i = 0; i < 20; i += 1) kintone.failures.push(kintone503());
  const queue = openQueue(queueDir);
  queue.start(handler);
  for (const n of notifications) {
    await queue.enqueue({
      notificationId: n.id,
      groupId: notificationGroupId(n),
      body: JSON.stringify(n),
    });
  }
  await waitFor(
    () => queue.deadLetters().length === notifications.length,
    `${notifications.length} dead letter(s)`,
  );
  const letters = queue.deadLetters();
  await queue.stop();
  return { dataDir, queueDir, failures, letters };
}

describe('replay with the failure log', () => {
  it("prints a dead letter's last error, attempts, first and last failure from the log", async () => {
    // Prepare
    const notification = low('n-log', '7');
    const { dataDir, failures, letters } = await deadLettered(notification);
    const [letter] = letters;

    // Act
    const report = await withFailures(replayLocal({ dataDir, dryRun: true }), failures);
    const printed = report.messages.map((m) => formatReplayed(m, true));

    // Assess
    expect(letter?.lastError).toBeUndefined();
    const recorded = await failures.findFailure('n-log');
    expect(recorded).toMatchObject({ attempts: 2, disposition: 'dead-lettered' });
    expect(recorded?.lastError).toContain('kintone 503 Service Unavailable');
    expect(printed).toEqual([
      `would move  ${letter?.messageId}  group 12:7  notification n-log  UPDATE_RECORD  receives 2  ` +
        `last error: ${recorded?.lastError}  attempts 2  first failure ${FAILED_AT}  last failure ${FAILED_AT}`,
    ]);
    expect(printed[0]).not.toContain('last error: -');
  });

  it('--message-id moves exactly that dead letter and leaves the others', async () => {
    // Prepare
    const { dataDir, queueDir, letters } = await deadLettered(
      low('n-1', '7'),
      low('n-2', '8'),
      low('n-3', '9'),
    );
    const second = letters.find((l) => l.deduplicationId === 'n-2');

    // Act
    const report = replayLocal({ dataDir, ids: [second?.messageId ?? ''] });

    // Assess
    expect(report.messages.map((m) => [m.messageId, m.notificationId])).toEqual([
      [second?.messageId, 'n-2'],
    ]);
    expect(report.notFound).toEqual([]);
    const state = readQueueState(queueDir);
    expect(state?.messages.map((m) => m.deduplicationId)).toEqual(['n-2']);
    expect(state?.deadLetters.map((d) => d.deduplicationId).sort()).toEqual(['n-1', 'n-3']);
  });

  it('--notification-id moves exactly that dead letter', async () => {
    // Prepare
    const { dataDir, queueDir } = await deadLettered(low('n-1', '7'), low('n-2', '8'));

    // Act
    const report = replayLocal({ dataDir, ids: ['n-1'] });

    // Assess
    expect(report.messages.map((m) => m.notificationId)).toEqual(['n-1']);
    const state = readQueueState(queueDir);
    expect(state?.messages.map((m) => m.deduplicationId)).toEqual(['n-1']);
    expect(state?.deadLetters.map((d) => d.deduplicationId)).toEqual(['n-2']);
  });

  it('--skip deletes exactly one dead letter and clears its failure record, and says so', async () => {
    // Prepare
    const { dataDir, queueDir, failures, letters } = await deadLettered(
      low('n-1', '7'),
      low('n-2', '8'),
    );
    const skipped = letters.find((l) => l.deduplicationId === 'n-1');
    const recorded = await failures.findFailure('n-1');

    // Act
    const report = await skipLocal({ dataDir, ids: ['n-1'] }, failures);
    const printed = report.messages.map((m) => formatReplayed(m, report.dryRun));

    // Assess
    expect(report.messages.map((m) => [m.notificationId, m.action])).toEqual([['n-1', 'skipped']]);
    const state = readQueueState(queueDir);
    expect(state?.deadLetters.map((d) => d.deduplicationId)).toEqual(['n-2']);
    expect(state?.messages).toEqual([]);
    await expect(failures.findFailure('n-1')).resolves.toBeUndefined();
    await expect(failures.findFailure('n-2')).resolves.toMatchObject({ attempts: 2 });
    expect(printed).toEqual([
      `skipped  ${skipped?.messageId}  group 12:7  notification n-1  UPDATE_RECORD  receives 2  ` +
        `last error: ${recorded?.lastError}  attempts 2  first failure ${FAILED_AT}  last failure ${FAILED_AT}  ` +
        '(deleted from the dead letters; its failure record cleared)',
    ]);
  });

  it('--skip in a dry run deletes nothing and keeps the failure record', async () => {
    // Prepare
    const { dataDir, queueDir, failures } = await deadLettered(low('n-1', '7'));

    // Act
    const report = await skipLocal({ dataDir, ids: ['n-1'], dryRun: true }, failures);

    // Assess
    expect(formatReplayed(report.messages[0] as ReplayedMessage, true)).toMatch(/^would skip /);
    expect(readQueueState(queueDir)?.deadLetters).toHaveLength(1);
    await expect(failures.findFailure('n-1')).resolves.toMatchObject({ attempts: 2 });
  });

  /**
   * A notification of record 7 parked by the real dispatcher on a running local queue: kintone
   * refuses its update for good (400). The queue is left running for the caller to stop.
   */
  async function parkOne() {
    const dataDir = mkdtempSync(join(tmpdir(), 'replay-'));
    tempDirs.push(dataDir);
    const queueDir = join(dataDir, 'queue');
    const failures = new InMemoryNotificationFailureLog();
    const { kintone, handler } = dispatchHarness(failures);
    kintone.updateFailures.push(kintone400());
    const notification = low('n-parked', '7');
    const body = JSON.stringify(notification);
    const running = openQueue(queueDir);
    running.start(handler);
    await running.enqueue({
      notificationId: notification.id,
      groupId: notificationGroupId(notification),
      body,
    });
    await running.idle();
    return { dataDir, queueDir, failures, body, running };
  }

  it('--parked lists a parked notification; --parked --notification-id re-queues it with its body and clears it', async () => {
    // Prepare: kintone refuses the update for good, so the dispatcher parks the notification.
    const { dataDir, queueDir, failures, body, running } = await parkOne();
    await running.stop();
    const listed: string[] = [];
    const requeued: string[] = [];

    // Act
    const list = await handleParked({
      failures,
      action: 'list',
      onResult: (r) => listed.push(formatParked(r)),
    });
    const requeue = await handleParked({
      failures,
      action: 'requeue',
      ids: ['n-parked', 'n-unknown'],
      send: localParkedSender(dataDir),
      now: () => NOW,
      onResult: (r) => requeued.push(formatParked(r)),
    });

    // Assess
    expect(readQueueState(queueDir)?.deadLetters ?? []).toEqual([]);
    expect(list.results.map((r) => [r.failure.notificationId, r.outcome])).toEqual([
      ['n-parked', 'listed'],
    ]);
    const lastError = list.results[0]?.failure.lastError ?? '';
    expect(lastError).toContain('kintone 400');
    expect(listed).toEqual([
      `parked  notification n-parked  app 12 record 7  UPDATE_RECORD  last error: ${lastError}  ` +
        `attempts 1  first failure ${FAILED_AT}  last failure ${FAILED_AT}`,
    ]);
    expect(requeue.results.map((r) => [r.failure.notificationId, r.outcome])).toEqual([
      ['n-parked', 'requeued'],
    ]);
    expect(requeue.notFound).toEqual(['n-unknown']);
    expect(requeued[0]).toMatch(
      /^re-queued {2}notification n-parked .* {2}queued as n-parked-replay-/,
    );
    const queued = readQueueState(queueDir)?.messages ?? [];
    expect(queued.map((m) => [m.groupId, m.deduplicationId, m.body])).toEqual([
      ['12:7', `n-parked-replay-${NOW}`, body],
    ]);
    await expect(failures.findFailure('n-parked')).resolves.toBeUndefined();
    await expect(failures.listParked()).resolves.toEqual([]);
  });

  it('keeps a parked notification in the log when re-queuing it fails (the stack is running)', async () => {
    // Prepare: the parked notification's stack is still running
    const { dataDir, failures } = await parkOne();

    // Act
    const requeue = handleParked({
      failures,
      action: 'requeue',
      ids: ['n-parked'],
      send: localParkedSender(dataDir),
    });

    // Assess
    await expect(requeue).rejects.toThrow('It stays parked');
    await expect(failures.findFailure('n-parked')).resolves.toMatchObject({
      disposition: 'parked',
    });
  });

  it('--parked --skip forgets one parked notification and sends nothing', async () => {
    // Prepare
    const failures = new InMemoryNotificationFailureLog();
    for (const id of ['n-p1', 'n-p2']) {
      await failures.recordFailure({
        notificationId: id,
        messageId: `m-${id}`,
        appId: '12',
        recordId: '7',
        type: 'UPDATE_RECORD',
        error: 'kintone 400',
        disposition: 'parked',
        attempt: 1,
        at: FAILED_AT,
        body: '{}',
      });
    }
    const sent: string[] = [];

    // Act
    const skip = await handleParked({
      failures,
      action: 'skip',
      ids: ['n-p1'],
      send: async (m) => {
        sent.push(m.body);
        return 'x';
      },
    });

    // Assess
    expect(skip.results.map((r) => [r.failure.notificationId, r.outcome])).toEqual([
      ['n-p1', 'skipped'],
    ]);
    expect(sent).toEqual([]);
    expect((await failures.listParked()).map((f) => f.notificationId)).toEqual(['n-p2']);
  });
});

describe('replay from the SQS dead-letter queue', () => {
  function dlqWith(...notifications: KintoneNotification[]): InMemorySqs {
    const sqs = new InMemorySqs();
    sqs.now = NOW;
    for (const n of notifications) {
      sqs.put(DLQ, {
        body: JSON.stringify(n),
        groupId: notificationGroupId(n),
        deduplicationId: n.id,
        receiveCount: 5,
      });
    }
    return sqs;
  }

  it('sends each message to the queue with its group and a new deduplication id, then deletes it', async () => {
    // Prepare
    const a1 = low('n-a1', '7');
    const a2 = low('n-a2', '7');
    const b1 = low('n-b1', '8');
    const sqs = dlqWith(a1, a2, b1);
    const printed: string[] = [];

    // Act
    const report = await replayAws({
      sqs,
      dlqUrl: DLQ,
      queueUrl: QUEUE,
      now: () => NOW,
      onMessage: (m) => printed.push(formatReplayed(m, false)),
    });

    // Assess
    expect(sqs.messages(DLQ)).toEqual([]);
    expect(
      sqs.sent.map(({ queueUrl, groupId, deduplicationId }) => [
        queueUrl,
        groupId,
        deduplicationId,
      ]),
    ).toEqual([
      [QUEUE, '12:7', `n-a1-replay-${NOW}`],
      [QUEUE, '12:7', `n-a2-replay-${NOW}`],
      [QUEUE, '12:8', `n-b1-replay-${NOW}`],
    ]);
    expect(sqs.messages(QUEUE).map((m) => m.body)).toEqual(
      [a1, a2, b1].map((n) => JSON.stringify(n)),
    );
    expect(report.messages.map((m) => [m.notificationId, m.type, m.receiveCount])).toEqual([
      ['n-a1', 'UPDATE_RECORD', 6],
      ['n-a2', 'UPDATE_RECORD', 6],
      ['n-b1', 'UPDATE_RECORD', 6],
    ]);
    expect(printed).toHaveLength(3);
    expect(printed[0]).toBe(
      `moved  msg-1  group 12:7  notification n-a1  UPDATE_RECORD  receives 6  last error: -  queued as ${sqs.messages(QUEUE)[0]?.messageId}`,
    );
  });

  it('keeps a message in the DLQ when the send fails, after reporting what moved', async () => {
    // Prepare
    const sqs = dlqWith(low('n-1', '7'), low('n-2', '8'));
    sqs.sendFailures.push(new Error('AccessDenied'));
    const moved: string[] = [];
    const replay = () =>
      replayAws({
        sqs,
        dlqUrl: DLQ,
        queueUrl: QUEUE,
        onMessage: (m) => moved.push(m.notificationId),
      });

    // Act
    const failed = replay();
    await expect(failed).rejects.toThrow(ReplayError);
    await expect(failed).rejects.toThrow('stays in the dead-letter queue');
    const dlqAfterFailure = sqs.messages(DLQ).map((m) => m.deduplicationId);
    sqs.now += 61_000;
    await replay();

    // Assess
    expect(dlqAfterFailure).toEqual(['n-1', 'n-2']);
    expect(moved).toEqual(['n-1', 'n-2']);
    expect(sqs.messages(DLQ)).toEqual([]);
  });

  it('reports a copy it could not delete from the DLQ', async () => {
    // Prepare
    const sqs = dlqWith(low('n-1'));
    sqs.deleteFailures.push(new Error('ReceiptHandleIsInvalid'));

    // Act
    const failed = replayAws({ sqs, dlqUrl: DLQ, queueUrl: QUEUE });

    // Assess
    await expect(failed).rejects.toThrow('could not be deleted from the dead-letter queue');
    expect(sqs.messages(QUEUE)).toHaveLength(1);
  });

  it('lists without moving in a dry run, and stops at --max', async () => {
    // Prepare
    const sqs = dlqWith(low('n-1', '7'), low('n-2', '8'), low('n-3', '9'));

    // Act
    const dry = await replayAws({ sqs, dlqUrl: DLQ, queueUrl: QUEUE, dryRun: true });
    sqs.now += 31_000;
    const limited = await replayAws({ sqs, dlqUrl: DLQ, queueUrl: QUEUE, max: 2 });

    // Assess
    expect(dry.messages.map((m) => m.notificationId)).toEqual(['n-1', 'n-2', 'n-3']);
    expect(formatReplayed(dry.messages[0] as ReplayedMessage, true)).toMatch(/^would move /);
    expect(limited.messages.map((m) => m.notificationId)).toEqual(['n-1', 'n-2']);
    expect(sqs.messages(DLQ).map((m) => m.deduplicationId)).toEqual(['n-3']);
  });

  it('refuses a DLQ whose messages have no group (not the FIFO DLQ)', async () => {
    // Prepare
    const sqs = new InMemorySqs();
    sqs.receive = async () => [
      { messageId: 'm', receiptHandle: 'r', body: '{}', groupId: undefined, receiveCount: 1 },
    ];

    // Act
    const replay = replayAws({ sqs, dlqUrl: DLQ, queueUrl: QUEUE });

    // Assess
    await expect(replay).rejects.toThrow('has no MessageGroupId');
  });

  it('makes a replay of a completed notification a no-op for the bridge', async () => {
    // Prepare
    const notification = low('6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c3001');
    const sqs = dlqWith(notification);
    const { mailer, kintone, handler } = dispatchHarness();
    const asEvent = (body: string, groupId: string): SQSEvent => ({
      Records: [
        {
          messageId: 'q-1',
          receiptHandle: 'r',
          body,
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: String(NOW),
            SenderId: 'replay',
            ApproximateFirstReceiveTimestamp: String(NOW),
            MessageGroupId: groupId,
          },
          messageAttributes: {},
          md5OfBody: createHash('md5').update(body).digest('hex'),
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:ap-northeast-1:123456789012:bridge.fifo',
          awsRegion: 'ap-northeast-1',
        },
      ],
    });
    // The notification completed after all (say the failure was in reporting, not in the work).
    await handler(asEvent(JSON.stringify(notification), '12:7'));

    // Act
    await replayAws({ sqs, dlqUrl: DLQ, queueUrl: QUEUE });
    const [replayed] = sqs.messages(QUEUE);
    const response = await handler(asEvent(replayed?.body ?? '', replayed?.groupId ?? ''));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(mailer.sent).toHaveLength(1);
    expect(kintone.updates).toHaveLength(1);
  });

  it('prints the last error and attempts from the failure log, and --skip clears the record', async () => {
    // Prepare
    const sqs = dlqWith(low('n-a1', '7'), low('n-b1', '8'));
    const failures = new InMemoryNotificationFailureLog();
    for (const [attempt, at] of [
      [1, '2026-11-29T06:00:00.000Z'],
      [5, '2026-11-29T06:04:00.000Z'],
    ] as const) {
      await failures.recordFailure({
        notificationId: 'n-a1',
        messageId: 'q-1',
        appId: '12',
        recordId: '7',
        type: 'UPDATE_RECORD',
        error: 'kintone 503 Service Unavailable',
        disposition: attempt === 5 ? 'dead-lettered' : 'retrying',
        attempt,
        at,
      });
    }
    const printed: string[] = [];
    const skipped: string[] = [];

    // Act
    await replayAws({
      sqs,
      dlqUrl: DLQ,
      queueUrl: QUEUE,
      failures,
      dryRun: true,
      onMessage: (m) => printed.push(formatReplayed(m, true)),
    });
    sqs.now += 31_000;
    const skip = await replayAws({
      sqs,
      dlqUrl: DLQ,
      queueUrl: QUEUE,
      failures,
      ids: ['n-a1'],
      skip: true,
      onMessage: (m) => skipped.push(formatReplayed(m, false)),
    });

    // Assess
    expect(printed).toEqual([
      'would move  msg-1  group 12:7  notification n-a1  UPDATE_RECORD  receives 6  last error: kintone 503 Service Unavailable  ' +
        'attempts 2  first failure 2026-11-29T06:00:00.000Z  last failure 2026-11-29T06:04:00.000Z',
      'would move  msg-2  group 12:8  notification n-b1  UPDATE_RECORD  receives 6  last error: -',
    ]);
    expect(skip.messages.map((m) => [m.notificationId, m.action])).toEqual([['n-a1', 'skipped']]);
    expect(skipped[0]).toMatch(
      /^skipped {2}msg-1 .* last error: kintone 503 Service Unavailable {2}attempts 2 .*its failure record cleared\)$/,
    );
    expect(sqs.sent).toEqual([]);
    expect(sqs.messages(DLQ).map((m) => m.deduplicationId)).toEqual(['n-b1']);
    await expect(failures.findFailure('n-a1')).resolves.toBeUndefined();
  });

  it('--message-id moves only that message and releases the others at once', async () => {
    // Prepare
    const sqs = dlqWith(low('n-a1', '7'), low('n-a2', '7'), low('n-b1', '8'));

    // Act
    const report = await replayAws({
      sqs,
      dlqUrl: DLQ,
      queueUrl: QUEUE,
      ids: ['msg-3'],
      now: () => NOW,
    });
    const next = await replayAws({ sqs, dlqUrl: DLQ, queueUrl: QUEUE, dryRun: true });

    // Assess
    expect(report.messages.map((m) => m.notificationId)).toEqual(['n-b1']);
    expect(sqs.messages(QUEUE).map((m) => m.deduplicationId)).toEqual([`n-b1-replay-${NOW}`]);
    expect(next.messages.map((m) => m.notificationId)).toEqual(['n-a1', 'n-a2']);
  });

  it('computes deduplication ids within the SQS limit', () => {
    const id = replayDeduplicationId('x'.repeat(200), NOW);
    expect(id).toHaveLength(128);
    expect(id.endsWith(`-replay-${NOW}`)).toBe(true);
  });
});

describe('SqsClientReplayQueue', () => {
  interface SqsCall {
    target: string;
    body: Record<string, unknown>;
  }

  async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
  }

  it('speaks ReceiveMessage, SendMessage and DeleteMessage as SQS expects', async () => {
    // Prepare: SQS's JSON protocol at the HTTP edge, answering like SQS (MD5s included).
    const calls: SqsCall[] = [];
    const body = '{"id":"n-1","type":"UPDATE_RECORD"}';
    const md5 = createHash('md5').update(body).digest('hex');
    const server = createServer((request, response) => {
      void readJson(request).then((json) => {
        const target = String(request.headers['x-amz-target'] ?? '');
        calls.push({ target, body: json });
        const answers: Record<string, unknown> = {
          'AmazonSQS.ReceiveMessage': {
            Messages: [
              {
                MessageId: 'dlq-1',
                ReceiptHandle: 'rh-1',
                Body: body,
                MD5OfBody: md5,
                Attributes: { MessageGroupId: '12:7', ApproximateReceiveCount: '6' },
              },
            ],
          },
          'AmazonSQS.SendMessage': { MessageId: 'q-1', MD5OfMessageBody: md5 },
          'AmazonSQS.DeleteMessage': {},
        };
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify(answers[target] ?? {}));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new SQSClient({
      region: 'ap-northeast-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const sqs = new SqsClientReplayQueue(client);

    // Act
    let received;
    let sent;
    try {
      received = await sqs.receive(DLQ, {
        maxMessages: 10,
        visibilityTimeoutSeconds: 60,
        waitTimeSeconds: 1,
      });
      sent = await sqs.send(QUEUE, { body, groupId: '12:7', deduplicationId: 'n-1-replay-1' });
      await sqs.delete(DLQ, 'rh-1');
    } finally {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }

    // Assess
    expect(received).toEqual([
      { messageId: 'dlq-1', receiptHandle: 'rh-1', body, groupId: '12:7', receiveCount: 6 },
    ]);
    expect(sent).toEqual({ messageId: 'q-1' });
    expect(calls).toEqual([
      {
        target: 'AmazonSQS.ReceiveMessage',
        body: expect.objectContaining({
          QueueUrl: DLQ,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 60,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['MessageGroupId', 'ApproximateReceiveCount'],
        }),
      },
      {
        target: 'AmazonSQS.SendMessage',
        body: {
          QueueUrl: QUEUE,
          MessageBody: body,
          MessageGroupId: '12:7',
          MessageDeduplicationId: 'n-1-replay-1',
        },
      },
      { target: 'AmazonSQS.DeleteMessage', body: { QueueUrl: DLQ, ReceiptHandle: 'rh-1' } },
    ]);
  });

  it('reads the region from a queue URL', () => {
    expect(regionOfQueueUrl(QUEUE)).toBe('ap-northeast-1');
    expect(regionOfQueueUrl('http://localhost:9324/queue/x')).toBeUndefined();
    expect(regionOfQueueUrl('not a url')).toBeUndefined();
  });
});
