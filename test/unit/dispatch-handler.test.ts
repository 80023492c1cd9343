import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { createDispatchHandler, type DispatchHandlerDeps } from '../../functions/dispatch/handler';
import { loadConfigFile } from '../../shared/config/load-config';
import {
  isRecordNotification,
  notificationGroupId,
  notificationSchema,
  type KintoneNotification,
} from '../../shared/kintone/notification';
import { InMemoryBridgeState } from '../fakes/in-memory-order-store';
import { InMemoryClaimCheckStore } from '../fakes/in-memory-claim-check-store';
import { InMemoryNotificationFailureLog } from '../fakes/in-memory-notification-failure-log';
import { resolveQueuedNotification } from '../../shared/edge/queued-notification';
import { RecordingMetrics } from '../fakes/recording-metrics';
import { RecordingKintoneRecordWriter } from '../fakes/recording-kintone-writer';
import { RecordingOrderMailer } from '../fakes/recording-order-mailer';
import { loadWebhookFixture } from '../fixtures/kintone-webhooks';

const NOW = new Date('2026-11-28T02:15:00Z');
const QUEUE_ARN = 'arn:aws:sqs:ap-northeast-1:123456789012:stock-alert-bridge-notifications.fifo';

const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'stock-alert-bridge-dispatch',
  functionVersion: '$LATEST',
  invokedFunctionArn:
    'arn:aws:lambda:ap-northeast-1:123456789012:function:stock-alert-bridge-dispatch',
  memoryLimitInMB: '256',
  awsRequestId: '3f4a0a4e-5d1b-4c0e-9a57-2b0d6c1e8f10',
  logGroupName: '/aws/lambda/stock-alert-bridge-dispatch',
  logStreamName: '2026/11/28/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  getRemainingTimeInMillis: () => 29_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

interface Harness {
  deps: DispatchHandlerDeps;
  store: InMemoryBridgeState;
  mailer: RecordingOrderMailer;
}

/**
 * A real Powertools Logger (so the handler's context middleware runs as in Lambda) that keeps
 * each log item instead of printing it. `printLog` is the Logger's protected output hook.
 */
class CapturingLogger extends Logger {
  readonly items: Record<string, unknown>[] = [];

  protected override printLog(_logLevel: number, log: LogItem): void {
    this.items.push(structuredClone(log.getAttributes()));
  }

  withMessage(message: string): Record<string, unknown>[] {
    return this.items.filter((item) => item.message === message);
  }
}

function harness(logger: Logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' })) {
  const store = new InMemoryBridgeState();
  const mailer = new RecordingOrderMailer();
  const deps: DispatchHandlerDeps = {
    config: loadConfigFile('config/demo.json'),
    orders: store,
    items: store,
    processed: store,
    mailer,
    kintone: new RecordingKintoneRecordWriter(),
    logger,
    now: () => new Date(NOW),
  };
  return { deps, store, mailer } satisfies Harness;
}

/** update-record-low.json (在庫数 18, short) for the given record, revision and id. */
function lowNotification(id: string, recordId: string, revision: number): KintoneNotification {
  const low = notificationSchema.parse(loadWebhookFixture('update-record-low.json'));
  if (!isRecordNotification(low)) throw new Error('update-record-low.json is not a record');
  return notificationSchema.parse({
    ...low,
    id,
    record: {
      ...low.record,
      $id: { type: '__ID__', value: recordId },
      $revision: { type: '__REVISION__', value: String(revision) },
    },
  });
}

let sequence = 0;

/** An SQS FIFO record as Lambda delivers it; `groupId` defaults to the notification's. */
function sqsRecord(
  body: string,
  { groupId, receiveCount = 1 }: { groupId: string; receiveCount?: number },
): SQSRecord {
  sequence += 1;
  const suffix = String(sequence).padStart(12, '0');
  return {
    messageId: `2e1f7c3a-9b4d-4e6f-8a1b-${suffix}`,
    receiptHandle: `AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a${suffix}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '1795832100000',
      SenderId: 'AROAEXAMPLE:stock-alert-bridge-webhook',
      ApproximateFirstReceiveTimestamp: '1795832100050',
      SequenceNumber: `1886${suffix}0000`,
      MessageGroupId: groupId,
      MessageDeduplicationId: createHash('sha256').update(body).digest('hex'),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'ap-northeast-1',
  };
}

/** The queue message the webhook function would have sent for a notification. */
function queued(notification: KintoneNotification, receiveCount = 1): SQSRecord {
  return sqsRecord(JSON.stringify(notification), {
    groupId: notificationGroupId(notification),
    receiveCount,
  });
}

function event(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

describe('dispatch handler', () => {
  it('reports no failures when every message is processed', async () => {
    // Prepare
    const { deps, store, mailer } = harness();
    const first = lowNotification('n-7-5', '7', 5);
    const second = lowNotification('n-7-6', '7', 6);
    const other = lowNotification('n-8-3', '8', 3);
    const handler = createDispatchHandler(deps);

    // Act
    const response = await handler(event(queued(first), queued(second), queued(other)), context);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(mailer.sent.map((request) => request.orderNumber)).toEqual([
      'PO-20261128-0001',
      'PO-20261128-0002',
    ]);
    expect(store.marker('n-7-5')?.done.decision.kind).toBe('order');
    expect(store.marker('n-7-6')?.done.decision.kind).toBe('order-open');
    expect(store.marker('n-8-3')?.done.decision.kind).toBe('order');
  });

  it.each([
    ['not JSON', '{"id": "6f1c2e1a-0d7b'],
    ['JSON but not a kintone notification', JSON.stringify({ id: 'x', type: 'UPDATE_RECORD' })],
  ])('reports a message whose body is %s, and processes the others', async (_what, body) => {
    // Prepare
    const { deps, store, mailer } = harness();
    const before = queued(lowNotification('n-7-5', '7', 5));
    const malformed = sqsRecord(body, { groupId: '12:9' });
    const after = queued(lowNotification('n-8-3', '8', 3));
    const handler = createDispatchHandler(deps);

    // Act
    const response = await handler(event(before, malformed, after), context);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: malformed.messageId }] });
    expect(mailer.sent).toHaveLength(2);
    expect(store.marker('n-7-5')).toBeDefined();
    expect(store.marker('n-8-3')).toBeDefined();
  });

  it('holds back the rest of a failed record group while other records proceed', async () => {
    // Prepare
    const { deps, store, mailer } = harness();
    mailer.failures.push(new Error('SES throttled'));
    const failing = queued(lowNotification('n-7-5', '7', 5));
    const sameRecordLater = queued(lowNotification('n-7-6', '7', 6));
    const otherRecord = queued(lowNotification('n-8-3', '8', 3));
    const handler = createDispatchHandler(deps);

    // Act
    const response = await handler(event(failing, sameRecordLater, otherRecord), context);

    // Assess
    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: failing.messageId },
        { itemIdentifier: sameRecordLater.messageId },
      ],
    });
    expect(failing.attributes.MessageGroupId).toBe('12:7');
    expect(store.marker('n-7-5')).toBeUndefined();
    expect(store.marker('n-7-6')).toBeUndefined();
    expect(store.marker('n-8-3')?.done.decision.kind).toBe('order');
    expect(mailer.sent).toHaveLength(1);
    expect(
      store.allOrders().map(({ lines, log }) => ({
        recordId: lines[0]?.item.recordId,
        emailed: log.some((entry) => entry.kind === 'email-sent'),
      })),
    ).toEqual([
      { recordId: '7', emailed: false },
      { recordId: '8', emailed: true },
    ]);
  });

  it('finishes the held-back group on redelivery under the order number it already has', async () => {
    // Prepare
    const { deps, store, mailer } = harness();
    mailer.failures.push(new Error('SES throttled'));
    const handler = createDispatchHandler(deps);
    const first = lowNotification('n-7-5', '7', 5);
    const later = lowNotification('n-7-6', '7', 6);
    await handler(event(queued(first), queued(later)), context);

    // Act
    const response = await handler(event(queued(first, 2), queued(later, 2)), context);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(mailer.sent.map((request) => request.orderNumber)).toEqual(['PO-20261128-0001']);
    expect(store.allOrders()).toHaveLength(1);
    expect(store.marker('n-7-6')).toBeDefined();
  });

  it('logs a failure with the notification id, receive count and Lambda context', async () => {
    // Prepare
    const logger = new CapturingLogger({ serviceName: 'test', logLevel: 'INFO' });
    const { deps, mailer } = harness(logger);
    mailer.failures.push(new Error('SES throttled'));
    const handler = createDispatchHandler(deps);

    // Act
    await handler(
      event(queued(lowNotification('n-7-5', '7', 5), 3), queued(lowNotification('n-8-3', '8', 3))),
      context,
    );

    // Assess
    expect(logger.withMessage('notification failed; it will be retried')).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        correlation_id: 'n-7-5',
        function_request_id: context.awsRequestId,
        error: 'Error: SES throttled',
        disposition: 'retrying',
        receiveCount: 3,
      }),
    ]);
    expect(logger.withMessage('notification processed').map((item) => item.correlation_id)).toEqual(
      ['n-8-3'],
    );
  });

  describe('permanent and transient failures', () => {
    function withFailureLog() {
      const h = harness();
      const failures = new InMemoryNotificationFailureLog();
      const kintone = new RecordingKintoneRecordWriter();
      const metrics = new RecordingMetrics();
      const deps: DispatchHandlerDeps = {
        ...h.deps,
        kintone,
        failures,
        metrics,
        maxReceiveCount: 5,
      };
      return { ...h, deps, failures, kintone, metrics, handler: createDispatchHandler(deps) };
    }

    /** A notification of record 7 whose $revision kintone never sends (past the safe range). */
    function poisonBody(): string {
      const low = JSON.parse(JSON.stringify(lowNotification('n-7-poison', '7', 4))) as {
        record: Record<string, { value: string }>;
      };
      (low.record.$revision as { value: string }).value = '9999999999999999999999999';
      return JSON.stringify(low);
    }

    it("parks a notification that can never be processed, and the record's next one goes on", async () => {
      // Prepare: the poison and, behind it in the same FIFO group, the record's real drop
      const { handler, failures, kintone, mailer, store, metrics } = withFailureLog();
      const poison = sqsRecord(poisonBody(), { groupId: '12:7' });
      const next = queued(lowNotification('n-7-5', '7', 5));

      // Act
      const response = await handler(event(poison, next), context);

      // Assess: the poison completes (parked), the real drop is ordered
      expect(response).toEqual({ batchItemFailures: [] });
      expect(mailer.sent).toHaveLength(1);
      expect(store.marker('n-7-5')?.done.decision.kind).toBe('order');
      expect(await failures.findFailure('n-7-poison')).toMatchObject({
        disposition: 'parked',
        appId: '12',
        recordId: '7',
        type: 'UPDATE_RECORD',
        attempts: 1,
        body: poison.body,
        lastError: expect.stringContaining('$revision'),
      });
      expect(metrics.total('NotificationsParked')).toBe(1);
      // Staff saw it on the record before the order overwrote the status
      expect(kintone.updates[0]).toEqual({
        appId: '12',
        recordId: '7',
        values: {
          発注状況: '要対応',
          発注理由: expect.stringMatching(
            /^この変更の通知を処理できませんでした \(MalformedMessageError: /,
          ),
        },
      });
    });

    it('parks a large notification by a claim-check reference, which resolves to it for a replay', async () => {
      // Prepare: the poison with 300 KB of a field the configuration does not read (the sweep
      // queues records up to 1 MiB; a DynamoDB item holds 400 KB).
      const h = withFailureLog();
      const claimChecks = new InMemoryClaimCheckStore();
      const handler = createDispatchHandler({ ...h.deps, claimChecks });
      const poison = JSON.parse(poisonBody()) as { record: Record<string, unknown> };
      poison.record.備考 = { type: 'MULTI_LINE_TEXT', value: 'あ'.repeat(100_000) };
      const body = JSON.stringify(poison);

      // Act
      const response = await handler(event(sqsRecord(body, { groupId: '12:7' })), context);

      // Assess: parked, with a reference in the failure's item and the body in the store.
      expect(response).toEqual({ batchItemFailures: [] });
      const parked = await h.failures.findFailure('n-7-poison');
      expect(parked).toMatchObject({ disposition: 'parked', recordId: '7' });
      expect(Buffer.byteLength(parked?.body ?? '')).toBeLessThan(1_000);
      expect(JSON.parse(parked?.body ?? '{}')).toMatchObject({
        claimCheck: { id: expect.any(String) },
        notificationId: 'n-7-poison',
        app: { id: '12' },
        recordId: '7',
      });
      await expect(resolveQueuedNotification(parked?.body ?? '', claimChecks)).resolves.toEqual(
        poison,
      );
    });

    it('retries a transient failure and marks the record only on the last attempt', async () => {
      // Prepare: SES is down on both attempts
      const { handler, failures, kintone, mailer } = withFailureLog();
      mailer.failures.push(new Error('SES throttled'), new Error('SES throttled'));
      const low = lowNotification('n-7-5', '7', 5);

      // Act
      const first = await handler(event(queued(low, 1)), context);
      const updatesAfterFirst = kintone.updates.length;
      const last = await handler(event(queued(low, 5)), context);

      // Assess: both retried (failures reported to the queue), attempts accumulated
      expect(first.batchItemFailures).toHaveLength(1);
      expect(last.batchItemFailures).toHaveLength(1);
      expect(await failures.findFailure('n-7-5')).toMatchObject({
        disposition: 'dead-lettered',
        attempts: 2,
        lastError: 'Error: SES throttled',
      });
      // First attempt: 送信待ち only; last attempt: 要対応 with what to do
      expect(kintone.updates.slice(0, updatesAfterFirst).map((u) => u.values['発注状況'])).toEqual([
        '送信待ち',
      ]);
      expect(kintone.updates.at(-1)?.values).toEqual({
        発注状況: '要対応',
        発注理由: expect.stringContaining('何度か再試行しましたが失敗し'),
      });
    });

    it('keeps retrying a permanent failure when the failure log cannot take it (never dropped)', async () => {
      // Prepare
      const { handler, failures } = withFailureLog();
      jest.spyOn(failures, 'recordFailure').mockRejectedValue(new Error('DynamoDB unavailable'));
      const poison = sqsRecord(poisonBody(), { groupId: '12:7' });

      // Act
      const response = await handler(event(poison), context);

      // Assess
      expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: poison.messageId }] });
    });

    it('clears the failure once a retried notification succeeds', async () => {
      // Prepare
      const { handler, failures, mailer } = withFailureLog();
      mailer.failures.push(new Error('SES throttled'));
      const low = lowNotification('n-7-5', '7', 5);
      await handler(event(queued(low, 1)), context);

      // Act
      const response = await handler(event(queued(low, 2)), context);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(await failures.findFailure('n-7-5')).toBeUndefined();
    });
  });
});
