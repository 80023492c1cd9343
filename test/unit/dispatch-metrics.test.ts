import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { createDispatchHandler } from '../../functions/dispatch/handler';
import {
  createPowertoolsMetrics,
  PowertoolsBridgeMetrics,
} from '../../shared/adapters/metrics/powertools-bridge-metrics';
import { loadConfigFile } from '../../shared/config/load-config';
import {
  isRecordNotification,
  notificationGroupId,
  notificationSchema,
  type KintoneNotification,
} from '../../shared/kintone/notification';
import type { BridgeMetrics } from '../../shared/ports/bridge-metrics';
import { InMemoryBridgeState } from '../fakes/in-memory-order-store';
import { RecordingKintoneRecordWriter } from '../fakes/recording-kintone-writer';
import { RecordingMetrics } from '../fakes/recording-metrics';
import { RecordingOrderMailer } from '../fakes/recording-order-mailer';
import { DEMO_CONFIG_PATH, loadWebhookFixture } from '../fixtures/kintone-webhooks';
import { lambdaContext } from '../support/api-gateway';

function harness(metrics: BridgeMetrics) {
  const kintone = new RecordingKintoneRecordWriter();
  const mailer = new RecordingOrderMailer();
  const deps = {
    config: loadConfigFile(DEMO_CONFIG_PATH),
    ...bridgeState(),
    mailer,
    kintone,
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    now: () => new Date('2026-11-28T02:15:00Z'),
    metrics,
  };
  return { deps, kintone, mailer };
}

/** update-record-low.json (short of stock) for a record. */
function low(id: string, recordId: string): KintoneNotification {
  const fixture = notificationSchema.parse(loadWebhookFixture('update-record-low.json'));
  if (!isRecordNotification(fixture)) throw new Error('not a record notification');
  return notificationSchema.parse({
    ...fixture,
    id,
    record: { ...fixture.record, $id: { type: '__ID__', value: recordId } },
  });
}

let sequence = 0;
function record(body: string, groupId: string): SQSRecord {
  sequence += 1;
  return {
    messageId: `message-${sequence}`,
    receiptHandle: `receipt-${sequence}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1795832100000',
      SenderId: 'AROAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1795832100050',
      MessageGroupId: groupId,
      MessageDeduplicationId: `dedup-${sequence}`,
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-northeast-1:123456789012:notifications.fifo',
    awsRegion: 'ap-northeast-1',
  };
}

function event(...notifications: KintoneNotification[]): SQSEvent {
  return {
    Records: notifications.map((n) => record(JSON.stringify(n), notificationGroupId(n))),
  };
}

describe('dispatch metrics', () => {
  it('counts an order and its email once, however often the notification is retried', async () => {
    // Prepare
    const metrics = new RecordingMetrics();
    const { deps, kintone } = harness(metrics);
    const handler = createDispatchHandler(deps);
    const notification = low('n-1', '7');
    kintone.updateFailures.push(new Error('kintone 503'));

    // Act
    const first = await handler(event(notification), lambdaContext);
    const retry = await handler(event(notification), lambdaContext);
    const replay = await handler(event(notification), lambdaContext);

    // Assess
    expect(first.batchItemFailures).toHaveLength(1);
    expect(retry.batchItemFailures).toEqual([]);
    expect(replay.batchItemFailures).toEqual([]);
    expect(metrics.totals()).toEqual({ OrdersCreated: 1, EmailsSent: 1, DispatchFailures: 1 });
  });

  it('counts a malformed message as a dispatch failure', async () => {
    // Prepare
    const metrics = new RecordingMetrics();
    const { deps } = harness(metrics);
    const handler = createDispatchHandler(deps);

    // Act
    const response = await handler({ Records: [record('{ not json', '12:9')] }, lambdaContext);

    // Assess
    expect(response.batchItemFailures).toHaveLength(1);
    expect(metrics.totals()).toEqual({ DispatchFailures: 1 });
  });

  it('publishes one EMF line per invocation with every count in it', async () => {
    // Prepare
    const written: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const powertoolsMetrics = createPowertoolsMetrics({});
    const { deps } = harness(new PowertoolsBridgeMetrics(powertoolsMetrics));
    const handler = createDispatchHandler({ ...deps, powertoolsMetrics });

    // Act
    try {
      await handler(event(low('n-2', '7'), low('n-3', '8')), lambdaContext);
    } finally {
      write.mockRestore();
    }

    // Assess
    const emf = written
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'StockAlertBridge', Dimensions: [['service']] }] },
      service: 'stock-alert-bridge',
      // EMF keeps each count; CloudWatch sums them.
      OrdersCreated: [1, 1],
      EmailsSent: [1, 1],
    });
  });
});

/** One in-memory bridge state behind every store port of the dispatcher. */
function bridgeState() {
  const state = new InMemoryBridgeState();
  return { orders: state, items: state, processed: state };
}
