import type { SQSEvent } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { createDispatchHandler } from '../../functions/dispatch/handler';
import { createWebhookHandler } from '../../functions/webhook/handler';
import { buildWebhookDeps } from '../../functions/webhook/wiring';
import { demoInventoryApp } from '../../local/kintone/demo-app';
import { startLocalKintone, type LocalKintone } from '../../local/kintone/local-kintone';
import { kintoneClients } from '../../shared/adapters/kintone/kintone-clients';
import { RestKintoneRecordWriter } from '../../shared/adapters/kintone/kintone-record-writer';
import { loadConfigFile } from '../../shared/config/load-config';
import { notificationGroupId, notificationSchema } from '../../shared/kintone/notification';
import { CapturingLogger } from '../fakes/capturing-logger';
import { InMemoryBridgeState } from '../fakes/in-memory-order-store';
import { MutableSecretSource } from '../fakes/mutable-secret-source';
import { RecordingNotificationQueue } from '../fakes/recording-queue';
import { RecordingOrderMailer } from '../fakes/recording-order-mailer';
import {
  DEMO_CONFIG_PATH,
  loadWebhookFixture,
  readWebhookFixture,
} from '../fixtures/kintone-webhooks';
import { httpApiEvent, lambdaContext } from '../support/api-gateway';

const WEBHOOK_TOKEN = 'k7Qm2vX9pLs4Tn8Rz1Wy6Bc3Hd5Fg0Jq';
const API_TOKEN = 'LocalKintoneApiToken0123456789abcdef';
const WRONG_API_TOKEN = 'RevokedKintoneApiToken0123456789abc';
/** The tokens of site inventory app 15 of config/demo.json: a deployment's secret has them too. */
const SITE_APP_SECRETS = {
  WEBHOOK_TOKEN_APP_15: 'Hs5Dn2Wq8Xc4Lp7Vt1Kb9Mr3Yg6Jf0Zu',
  KINTONE_API_TOKEN_APP_15: 'LocalKintoneSiteApiToken0123456789',
};
const SECRETS = [WEBHOOK_TOKEN, API_TOKEN, WRONG_API_TOKEN, ...Object.values(SITE_APP_SECRETS)];

let kintone: LocalKintone;
const savedLogEvent = process.env.POWERTOOLS_LOGGER_LOG_EVENT;

beforeAll(async () => {
  kintone = await startLocalKintone({
    apps: [demoInventoryApp],
    apiTokens: { [demoInventoryApp.appId]: [API_TOKEN] },
  });
  // An operator may turn on event logging; the webhook's event carries the token in its URL.
  process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
});

afterAll(async () => {
  await kintone.close();
  if (savedLogEvent === undefined) delete process.env.POWERTOOLS_LOGGER_LOG_EVENT;
  else process.env.POWERTOOLS_LOGGER_LOG_EVENT = savedLogEvent;
});

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) {
    expect(text).not.toContain(secret);
    // Neither the URL-encoded nor the base64 form of a token.
    expect(text).not.toContain(encodeURIComponent(secret));
    expect(text).not.toContain(Buffer.from(secret).toString('base64'));
  }
}

/** update-record-low.json for a demo record (short of stock), as the webhook queued it. */
function lowNotificationFor(id: string, recordId: string) {
  const low = loadWebhookFixture('update-record-low.json');
  return notificationSchema.parse({
    ...low,
    id,
    record: {
      ...(low.record as Record<string, unknown>),
      $id: { type: '__ID__', value: recordId },
    },
  });
}

function sqsEvent(body: string, groupId: string): SQSEvent {
  return {
    Records: [
      {
        messageId: `m-${createHash('sha256').update(body).digest('hex').slice(0, 12)}`,
        receiptHandle: 'rh',
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '1795832100000',
          SenderId: 'AROAEXAMPLE',
          ApproximateFirstReceiveTimestamp: '1795832100050',
          MessageGroupId: groupId,
          MessageDeduplicationId: 'd',
        },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(body).digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:ap-northeast-1:123456789012:notifications.fifo',
        awsRegion: 'ap-northeast-1',
      },
    ],
  };
}

describe('logs never contain a token', () => {
  it('in a webhook call, accepted or rejected, even with event logging on', async () => {
    // Prepare
    const logger = new CapturingLogger({ serviceName: 'test', logLevel: 'DEBUG' });
    const secrets = new MutableSecretSource({
      WEBHOOK_TOKEN_APP_12: WEBHOOK_TOKEN,
      KINTONE_API_TOKEN_APP_12: API_TOKEN,
      ...SITE_APP_SECRETS,
    });
    const queue = new RecordingNotificationQueue();
    const handler = createWebhookHandler(
      buildWebhookDeps(loadConfigFile(DEMO_CONFIG_PATH), secrets, queue, logger),
    );
    const body = readWebhookFixture('update-record-low.json');

    // Act
    const accepted = await handler(httpApiEvent({ body, token: WEBHOOK_TOKEN }), lambdaContext);
    const nearMiss = await handler(
      httpApiEvent({ body, token: `${WEBHOOK_TOKEN.slice(0, -1)}X` }),
      lambdaContext,
    );
    queue.failNext = new Error('SQS unavailable');
    const failed = await handler(httpApiEvent({ body, token: WEBHOOK_TOKEN }), lambdaContext);

    // Assess
    expect([accepted.statusCode, nearMiss.statusCode, failed.statusCode]).toEqual([200, 401, 500]);
    expect(logger.items.length).toBeGreaterThanOrEqual(3);
    expectNoSecret(logger.text());
    expect(logger.text()).not.toContain(`${WEBHOOK_TOKEN.slice(0, -1)}X`);
  });

  it('in a dispatch through the real kintone client, successful or refused by kintone', async () => {
    // Prepare
    const logger = new CapturingLogger({ serviceName: 'test', logLevel: 'DEBUG' });
    const secrets = new MutableSecretSource({
      WEBHOOK_TOKEN_APP_12: WEBHOOK_TOKEN,
      KINTONE_API_TOKEN_APP_12: API_TOKEN,
      ...SITE_APP_SECRETS,
    });
    const config = loadConfigFile(DEMO_CONFIG_PATH);
    const handler = createDispatchHandler({
      config,
      ...bridgeState(),
      mailer: new RecordingOrderMailer(),
      kintone: new RestKintoneRecordWriter(kintoneClients(config, secrets, kintone.baseUrl)),
      logger,
      now: () => new Date('2026-11-28T02:15:00Z'),
    });
    const ordered = lowNotificationFor('6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c1001', '1');
    const refused = lowNotificationFor('6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c1002', '2');

    // Act
    const ok = await handler(
      sqsEvent(JSON.stringify(ordered), notificationGroupId(ordered)),
      lambdaContext,
    );
    secrets.values = { ...secrets.values, KINTONE_API_TOKEN_APP_12: WRONG_API_TOKEN };
    const notOk = await handler(
      sqsEvent(JSON.stringify(refused), notificationGroupId(refused)),
      lambdaContext,
    );

    // Assess
    expect(ok.batchItemFailures).toEqual([]);
    expect(notOk.batchItemFailures).toHaveLength(1);
    expect(logger.withMessage('order request emailed')).toHaveLength(2);
    expect(logger.withMessage('notification failed; it will be retried')).toHaveLength(1);
    expectNoSecret(logger.text());
  });
});

/** One in-memory bridge state behind every store port of the dispatcher. */
function bridgeState() {
  const state = new InMemoryBridgeState();
  return { orders: state, items: state, processed: state };
}
