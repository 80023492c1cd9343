import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  InvalidQueueMessageError,
  LocalFifoQueue,
  LocalQueueLockedError,
  readDeadLetters,
  redriveDeadLetters,
  type LocalFifoQueueOptions,
  type LocalQueueLogEntry,
} from '../../local/queue/local-fifo-queue';

const VISIBILITY_MS = 50;
const POLL_MS = 5;

const openQueues: LocalFifoQueue[] = [];
const tempDirs: string[] = [];

function openQueue(options: LocalFifoQueueOptions = {}): LocalFifoQueue {
  const queue = new LocalFifoQueue({
    visibilityTimeoutMs: VISIBILITY_MS,
    pollIntervalMs: POLL_MS,
    ...options,
  });
  openQueues.push(queue);
  return queue;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'local-queue-'));
  tempDirs.push(dir);
  return dir;
}

/** A clock the test moves by hand, so visibility and deduplication are deterministic. */
function manualClock(start = 1_700_000_000_000): {
  now: () => number;
  advance: (ms: number) => void;
} {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms) };
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Records every batch the queue delivers, by notification id (the dedup id). */
function recordingHandler(
  decide: (record: SQSRecord, call: number) => 'ok' | 'fail' = () => 'ok',
): {
  handler: (event: SQSEvent) => Promise<SQSBatchResponse>;
  batches: string[][];
  events: SQSEvent[];
} {
  const batches: string[][] = [];
  const events: SQSEvent[] = [];
  const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const call = batches.length + 1;
    events.push(event);
    batches.push(event.Records.map(notificationIdOf));
    const failed = event.Records.filter((r) => decide(r, call) === 'fail');
    return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
  };
  return { handler, batches, events };
}

function notificationIdOf(record: SQSRecord): string {
  return record.attributes.MessageDeduplicationId ?? '';
}

async function send(queue: LocalFifoQueue, groupId: string, ...ids: string[]): Promise<void> {
  for (const id of ids) {
    await queue.enqueue({ notificationId: id, groupId, body: JSON.stringify({ id }) });
  }
}

afterEach(async () => {
  await Promise.all(openQueues.splice(0).map((q) => q.stop()));
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('LocalFifoQueue ordering', () => {
  it('delivers each group in send order and mixes groups in one batch', async () => {
    // Prepare
    const queue = openQueue({ batchSize: 4 });
    await send(queue, 'A', 'a1');
    await send(queue, 'B', 'b1');
    await send(queue, 'A', 'a2');
    await send(queue, 'B', 'b2');
    await send(queue, 'A', 'a3');
    await send(queue, 'B', 'b3');
    const { handler, batches } = recordingHandler();

    // Act
    queue.start(handler);
    await queue.idle();

    // Assess
    expect(batches).toEqual([
      ['a1', 'b1', 'a2', 'b2'],
      ['a3', 'b3'],
    ]);
    expect(queue.stats()).toEqual({ visible: 0, inFlight: 0, deadLetters: 0 });
  });

  it('holds back a group while its head is in flight and lets other groups proceed', async () => {
    // Prepare
    const clock = manualClock();
    const queue = openQueue({ clock: clock.now });
    await send(queue, 'A', 'a1', 'a2');
    await send(queue, 'B', 'b1');
    // The handler follows the FIFO contract: after a1 fails, it reports the rest of A too.
    const { handler, batches } = recordingHandler((record, call) =>
      call === 1 && record.attributes.MessageGroupId === 'A' ? 'fail' : 'ok',
    );

    // Act
    queue.start(handler);
    await waitFor(() => batches.length === 1 && queue.stats().inFlight === 2, 'first batch');
    await send(queue, 'A', 'a3');
    await send(queue, 'B', 'b2');
    await waitFor(() => batches.length === 2, 'second batch');
    // Several polls with A still in flight: nothing of A may be delivered.
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 6));
    const beforeTimeout = batches.map((b) => [...b]);
    clock.advance(VISIBILITY_MS);
    await queue.idle();

    // Assess
    expect(beforeTimeout).toEqual([['a1', 'a2', 'b1'], ['b2']]);
    expect(batches).toEqual([['a1', 'a2', 'b1'], ['b2'], ['a1', 'a2', 'a3']]);
  });
});

describe('LocalFifoQueue deduplication', () => {
  it('drops a repeated notificationId within the window and accepts it after', async () => {
    // Prepare
    const clock = manualClock();
    const log: LocalQueueLogEntry[] = [];
    const queue = openQueue({
      clock: clock.now,
      deduplicationWindowMs: 1_000,
      log: (e) => log.push(e),
    });

    // Act
    await send(queue, 'A', 'n1');
    await send(queue, 'A', 'n1');
    clock.advance(999);
    await send(queue, 'B', 'n1');
    const withinWindow = queue.stats().visible;
    clock.advance(1);
    await send(queue, 'A', 'n1');

    // Assess
    expect(withinWindow).toBe(1);
    expect(queue.stats().visible).toBe(2);
    expect(log.filter((e) => e.message.includes('duplicate'))).toHaveLength(2);
  });
});

describe('LocalFifoQueue failures', () => {
  it('keeps only the reported failures and redelivers them after the visibility timeout', async () => {
    // Prepare
    const queue = openQueue();
    await send(queue, 'A', 'a1');
    await send(queue, 'B', 'b1');
    await send(queue, 'C', 'c1');
    const callTimes: number[] = [];
    const { handler, batches, events } = recordingHandler((record, call) =>
      call === 1 && notificationIdOf(record) === 'b1' ? 'fail' : 'ok',
    );

    // Act
    queue.start(async (event) => {
      callTimes.push(Date.now());
      return handler(event);
    });
    await queue.idle();

    // Assess
    expect(batches).toEqual([['a1', 'b1', 'c1'], ['b1']]);
    expect(events[1]?.Records[0]?.attributes.ApproximateReceiveCount).toBe('2');
    // Timers may fire a millisecond early; the retry must not come before the timeout.
    expect((callTimes[1] ?? 0) - (callTimes[0] ?? 0)).toBeGreaterThanOrEqual(VISIBILITY_MS - 2);
  });

  it('redelivers the whole batch when the handler throws', async () => {
    // Prepare
    const queue = openQueue();
    await send(queue, 'A', 'a1', 'a2');
    await send(queue, 'B', 'b1');
    const batches: string[][] = [];

    // Act
    queue.start(async (event) => {
      batches.push(event.Records.map(notificationIdOf));
      if (batches.length === 1) throw new Error('kintone unavailable');
    });
    await queue.idle();

    // Assess
    expect(batches).toEqual([
      ['a1', 'a2', 'b1'],
      ['a1', 'a2', 'b1'],
    ]);
  });

  it('fails the whole batch when batchItemFailures names a message not in it', async () => {
    // Prepare
    const queue = openQueue();
    await send(queue, 'A', 'a1');
    await send(queue, 'B', 'b1');
    const batches: string[][] = [];

    // Act
    queue.start(async (event) => {
      batches.push(event.Records.map(notificationIdOf));
      return batches.length === 1 ? { batchItemFailures: [{ itemIdentifier: 'nope' }] } : undefined;
    });
    await queue.idle();

    // Assess
    expect(batches).toEqual([
      ['a1', 'b1'],
      ['a1', 'b1'],
    ]);
  });

  it('warns when the handler deletes a message after an earlier failure in its group', async () => {
    // Prepare
    const log: LocalQueueLogEntry[] = [];
    const queue = openQueue({ log: (e) => log.push(e) });
    await send(queue, 'A', 'a1', 'a2');
    const { handler, batches } = recordingHandler((record, call) =>
      call === 1 && notificationIdOf(record) === 'a1' ? 'fail' : 'ok',
    );

    // Act
    queue.start(handler);
    await queue.idle();

    // Assess: deleted as SQS would, so a2 overtook a1, and the log says so.
    expect(batches).toEqual([['a1', 'a2'], ['a1']]);
    expect(log).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        groupId: 'A',
        deletedMessageId: expect.any(String),
      }),
    );
  });
});

describe('LocalFifoQueue dead letters', () => {
  it('dead-letters after maxReceiveCount failures, unblocks the group, and redrives', async () => {
    // Prepare
    // One message a batch, so only the poison message's batches fail.
    const queue = openQueue({ maxReceiveCount: 2, batchSize: 1 });
    await send(queue, 'A', 'poison', 'after');
    let poisonFixed = false;
    const batches: string[][] = [];
    const receiveCounts: string[] = [];

    // Act
    queue.start(async (event) => {
      batches.push(event.Records.map(notificationIdOf));
      const poison = event.Records.find((r) => notificationIdOf(r) === 'poison');
      if (poison) receiveCounts.push(poison.attributes.ApproximateReceiveCount);
      if (poison && !poisonFixed) throw new Error('kintone returned 520 GAIA_IL23');
    });
    await queue.idle();
    const deadLetters = queue.deadLetters();
    poisonFixed = true;
    const moved = queue.redrive();
    await queue.idle();

    // Assess
    expect(batches).toEqual([['poison'], ['poison'], ['after'], ['poison']]);
    expect(receiveCounts).toEqual(['1', '2', '1']);
    expect(deadLetters).toEqual([
      {
        messageId: expect.any(String),
        groupId: 'A',
        deduplicationId: 'poison',
        body: JSON.stringify({ id: 'poison' }),
        sequenceNumber: expect.any(String),
        sentTimestamp: expect.any(Number),
        receiveCount: 2,
        firstFailureAt: expect.any(Number),
        lastFailureAt: expect.any(Number),
        lastError: 'kintone returned 520 GAIA_IL23',
        deadLetteredAt: expect.any(Number),
      },
    ]);
    const [letter] = deadLetters;
    expect(letter?.lastFailureAt).toBeGreaterThan(letter?.firstFailureAt ?? Infinity);
    expect(moved).toEqual(deadLetters);
    expect(queue.stats()).toEqual({ visible: 0, inFlight: 0, deadLetters: 0 });
  });

  it('redrives only the given message ids', async () => {
    // Prepare
    const queue = openQueue({ maxReceiveCount: 1 });
    await send(queue, 'A', 'x');
    await send(queue, 'B', 'y');
    queue.start(async () => {
      throw new Error('down');
    });
    await queue.idle();
    const [x, y] = queue.deadLetters();

    // Act
    const moved = queue.redrive([y?.messageId ?? '', 'unknown-id']);

    // Assess
    expect(moved.map((d) => d.deduplicationId)).toEqual(['y']);
    expect(queue.deadLetters().map((d) => d.messageId)).toEqual([x?.messageId]);
  });
});

describe('LocalFifoQueue persistence', () => {
  it('keeps queued messages, dead letters and dedup ids across restarts', async () => {
    // Prepare: one run dead-letters a message, the next leaves two queued.
    const dataDir = tempDir();
    const first = openQueue({ dataDir, maxReceiveCount: 1 });
    first.start(async () => {
      throw new Error('mailer down');
    });
    await send(first, 'A', 'bad');
    await first.idle();
    await first.stop();
    const second = openQueue({ dataDir });
    await send(second, 'B', 'p1', 'p2');
    await second.stop();

    // Act
    const third = openQueue({ dataDir });
    const statsAfterRestart = third.stats();
    const listedWhileRunning = readDeadLetters(dataDir);
    const redriveWhileRunning = (): unknown => redriveDeadLetters(dataDir);
    const secondOpenWhileRunning = (): unknown => new LocalFifoQueue({ dataDir });
    expect(redriveWhileRunning).toThrow(LocalQueueLockedError);
    expect(secondOpenWhileRunning).toThrow(LocalQueueLockedError);
    await third.stop();
    const redriven = redriveDeadLetters(dataDir);
    const fourth = openQueue({ dataDir });
    const { handler, batches } = recordingHandler();
    fourth.start(handler);
    await fourth.idle();
    await send(fourth, 'B', 'p1');

    // Assess
    expect(statsAfterRestart).toEqual({ visible: 2, inFlight: 0, deadLetters: 1 });
    expect(listedWhileRunning).toEqual([
      expect.objectContaining({ deduplicationId: 'bad', lastError: 'mailer down' }),
    ]);
    expect(redriven.map((d) => d.deduplicationId)).toEqual(['bad']);
    expect(batches).toEqual([['p1', 'p2', 'bad']]);
    expect(fourth.stats()).toEqual({ visible: 0, inFlight: 0, deadLetters: 0 });
    expect(readdirSync(dataDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const saved: unknown = JSON.parse(readFileSync(join(dataDir, 'queue-state.json'), 'utf8'));
    expect(saved).toMatchObject({ version: 1, messages: [], deadLetters: [] });
  });

  it('counts a batch interrupted by a crash as one failed receive', async () => {
    // Prepare: simulate a killed process by copying the state file mid-batch.
    const dataDir = tempDir();
    const clock = manualClock();
    const crashed = openQueue({ dataDir, clock: clock.now });
    await send(crashed, 'A', 'a1');
    let release: () => void = () => undefined;
    crashed.start(() => new Promise<void>((resolve) => (release = resolve)));
    await waitFor(() => crashed.stats().inFlight === 1, 'the batch to start');
    const midBatch = readFileSync(join(dataDir, 'queue-state.json'), 'utf8');
    release();
    await crashed.stop();
    const restoredDir = tempDir();
    writeFileSync(join(restoredDir, 'queue-state.json'), midBatch);

    // Act
    const restarted = openQueue({ dataDir: restoredDir, clock: clock.now, maxReceiveCount: 1 });
    const inFlightAfterRestart = restarted.stats().inFlight;
    clock.advance(VISIBILITY_MS);
    restarted.start(async () => undefined);
    await restarted.idle();

    // Assess: still invisible until its timeout, then dead-lettered with the reason.
    expect(inFlightAfterRestart).toBe(1);
    expect(restarted.deadLetters()).toEqual([
      expect.objectContaining({
        deduplicationId: 'a1',
        receiveCount: 1,
        lastError: expect.stringContaining('previous process ended'),
      }),
    ]);
  });
});

describe('LocalFifoQueue events', () => {
  it('builds SQS FIFO records and counts receives', async () => {
    // Prepare
    const clock = manualClock();
    const queue = openQueue({ clock: clock.now });
    const sentAt = clock.now();
    await queue.enqueue({ notificationId: 'n-42', groupId: 'app-7:rec-9', body: '{"在庫":3}' });
    const { handler, events } = recordingHandler((_record, call) => (call === 1 ? 'fail' : 'ok'));

    // Act
    queue.start(handler);
    await waitFor(() => events.length === 1 && queue.stats().inFlight === 1, 'first delivery');
    clock.advance(VISIBILITY_MS);
    await queue.idle();

    // Assess
    const [first, second] = events.map((e) => e.Records[0]);
    expect(events.map((e) => e.Records.length)).toEqual([1, 1]);
    expect(first).toEqual({
      messageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      receiptHandle: expect.any(String),
      body: '{"在庫":3}',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(sentAt),
        SequenceNumber: expect.stringMatching(/^\d+$/),
        MessageGroupId: 'app-7:rec-9',
        MessageDeduplicationId: 'n-42',
        ApproximateFirstReceiveTimestamp: String(sentAt),
        SenderId: expect.any(String),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update('{"在庫":3}', 'utf8').digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:ap-northeast-1:000000000000:local-notifications.fifo',
      awsRegion: 'ap-northeast-1',
    });
    expect(second?.messageId).toBe(first?.messageId);
    expect(second?.receiptHandle).not.toBe(first?.receiptHandle);
    expect(second?.attributes.ApproximateReceiveCount).toBe('2');
    expect(second?.attributes.ApproximateFirstReceiveTimestamp).toBe(String(sentAt));
  });

  it('rejects ids SQS would reject', async () => {
    const queue = openQueue();
    await expect(queue.enqueue({ notificationId: '', groupId: 'A', body: '{}' })).rejects.toThrow(
      InvalidQueueMessageError,
    );
    await expect(
      queue.enqueue({ notificationId: 'n1', groupId: 'グループ', body: '{}' }),
    ).rejects.toThrow(InvalidQueueMessageError);
  });
});

describe('LocalFifoQueue lifecycle', () => {
  it('lets the batch in progress finish on stop and refuses use afterwards', async () => {
    // Prepare
    const queue = openQueue();
    await send(queue, 'A', 'a1', 'a2');
    let finished = false;
    queue.start(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      finished = true;
    });
    await waitFor(() => queue.stats().inFlight === 2, 'the batch to start');

    // Act
    await queue.stop();

    // Assess
    expect(finished).toBe(true);
    expect(queue.stats()).toEqual({ visible: 0, inFlight: 0, deadLetters: 0 });
    await expect(send(queue, 'A', 'a3')).rejects.toThrow(/stopped/);
  });
});
