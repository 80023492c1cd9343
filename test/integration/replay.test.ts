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
import {
  formatReplayed,
  replayAws,
  replayDeduplicationId,
  ReplayError,
  replayLocal,
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
import { InMemoryBridgeStore } from '../fakes/in-memory-bridge-store';
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

function dispatchHarness() {
  const store = new InMemoryBridgeStore();
  const mailer = new RecordingOrderMailer();
  const kintone = new RecordingKintoneRecordWriter();
  const dispatch = createDispatchHandler({
    config: loadConfigFile(DEMO_CONFIG_PATH),
    store,
    mailer,
    kintone,
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    now: () => new Date('2026-11-28T02:15:00Z'),
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
