import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createWebhookHandler } from '../../functions/webhook/handler';
import { buildWebhookDeps } from '../../functions/webhook/wiring';
import { parseConfig } from '../../shared/config/load-config';
import { NOTIFICATION_QUEUED_LOG_MESSAGE } from '../../shared/ports/bridge-metrics';
import type { BridgeConfig } from '../../shared/config/schema';
import { CapturingLogger } from '../fakes/capturing-logger';
import { MutableSecretSource } from '../fakes/mutable-secret-source';
import { RecordingNotificationQueue } from '../fakes/recording-queue';
import { loadDemoConfigJson, readWebhookFixture } from '../fixtures/kintone-webhooks';
import { httpApiEvent, lambdaContext } from '../support/api-gateway';

const OLD_TOKEN = 'k7Qm2vX9pLs4Tn8Rz1Wy6Bc3Hd5Fg0Jq';
const NEW_TOKEN = 'Zp3Lw8Nc1Vx6Qr4Tb9Ms2Kd7Hf5Gj0Ya';
const API_TOKEN = 'kintone-api-token-never-shown-1234';
/** Site inventory app 15 of config/demo.json: the handler resolves every app's tokens. */
const SITE_APP_SECRETS = {
  WEBHOOK_TOKEN_APP_15: 'Hs5Dn2Wq8Xc4Lp7Vt1Kb9Mr3Yg6Jf0Zu',
  KINTONE_API_TOKEN_APP_15: 'kintone-site-api-token-never-shown',
};

/** The demo config with the two token slots docs/deploy.md recommends for AWS. */
function twoSlotConfig(): BridgeConfig {
  const raw = loadDemoConfigJson();
  const apps = raw.apps as Record<string, unknown>[];
  apps[0] = {
    ...apps[0],
    webhookTokens: [{ env: 'WEBHOOK_TOKEN_APP_12' }, { env: 'WEBHOOK_TOKEN_APP_12_NEXT' }],
  };
  return parseConfig(raw);
}

function setup(logger: Logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' })) {
  const secrets = new MutableSecretSource({
    WEBHOOK_TOKEN_APP_12: OLD_TOKEN,
    WEBHOOK_TOKEN_APP_12_NEXT: OLD_TOKEN,
    KINTONE_API_TOKEN_APP_12: API_TOKEN,
    ...SITE_APP_SECRETS,
  });
  const queue = new RecordingNotificationQueue();
  const handler = createWebhookHandler(buildWebhookDeps(twoSlotConfig(), secrets, queue, logger));
  let sequence = 0;
  /** Posts update-record-low.json under a fresh notification id. */
  const post = async (token: string | undefined): Promise<APIGatewayProxyStructuredResultV2> => {
    sequence += 1;
    const body = readWebhookFixture('update-record-low.json').replace(
      '6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c0002',
      `6f1c2e1a-0d7b-4a51-9b43-${String(sequence).padStart(12, '0')}`,
    );
    return handler(httpApiEvent({ body, token }), lambdaContext);
  };
  return { secrets, queue, post, handler };
}

describe('webhook tokens from the secret source', () => {
  it('rotates a token without a redeploy and without rejecting a notification', async () => {
    // Prepare
    const { secrets, post } = setup();
    const statuses: Record<string, number[]> = { old: [], new: [] };
    const both = async () => {
      statuses.old?.push((await post(OLD_TOKEN)).statusCode ?? 0);
      statuses.new?.push((await post(NEW_TOKEN)).statusCode ?? 0);
    };

    // Act
    await both(); // before: only the old token
    secrets.values = { ...secrets.values, WEBHOOK_TOKEN_APP_12_NEXT: NEW_TOKEN };
    await both(); // the new token is added as the second one: both are accepted
    secrets.values = {
      ...secrets.values,
      WEBHOOK_TOKEN_APP_12: NEW_TOKEN,
      WEBHOOK_TOKEN_APP_12_NEXT: NEW_TOKEN,
    };
    await both(); // kintone uses the new URL; the old token is removed

    // Assess
    expect(statuses).toEqual({ old: [200, 200, 401], new: [401, 200, 200] });
  });

  it('answers 500 without details when a token is missing from the secret, naming the key in the log', async () => {
    // Prepare
    const logger = new CapturingLogger({ serviceName: 'test', logLevel: 'DEBUG' });
    const { secrets, queue, post } = setup(logger);
    secrets.values = {
      KINTONE_API_TOKEN_APP_12: API_TOKEN,
      WEBHOOK_TOKEN_APP_12: OLD_TOKEN,
      ...SITE_APP_SECRETS,
    };

    // Act
    const response = await post(OLD_TOKEN);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('WEBHOOK_TOKEN');
    expect(queue.messages).toEqual([]);
    const [failure] = logger.withMessage('request failed');
    expect(JSON.stringify(failure)).toContain(
      'apps[app 12].webhookTokens[1]: key WEBHOOK_TOKEN_APP_12_NEXT of the test secret is not set',
    );
    expect(logger.text()).not.toContain(OLD_TOKEN);
  });

  it('rejects a token from the secret that is too short to be safe', async () => {
    // Prepare
    const { secrets, post } = setup();
    secrets.values = { ...secrets.values, WEBHOOK_TOKEN_APP_12_NEXT: 'short' };

    // Act
    const response = await post('short');

    // Assess
    expect(response.statusCode).toBe(500);
  });
});

describe('webhook metrics', () => {
  it('logs "notification queued" once per queued notification only: NotificationsReceived', async () => {
    // Prepare
    const logger = new CapturingLogger({ serviceName: 'test', logLevel: 'INFO' });
    const { post, handler } = setup(logger);

    // Act
    await post(OLD_TOKEN);
    await post(OLD_TOKEN);
    await post('wrong-token-wrong-token-wrong-token');
    await handler(
      httpApiEvent({ body: readWebhookFixture('add-record-comment.json'), token: OLD_TOKEN }),
      lambdaContext,
    );
    await handler(httpApiEvent({ body: '{ broken', token: OLD_TOKEN }), lambdaContext);

    // Assess
    expect(logger.withMessage(NOTIFICATION_QUEUED_LOG_MESSAGE)).toHaveLength(2);
  });

  it('writes the line the metric filter counts, with its service, and no EMF', async () => {
    // Prepare: the Logger as the Lambda wiring makes it, writing to stdout.
    const written: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const { handler } = setup(new Logger({ serviceName: 'bridge-test', logLevel: 'INFO' }));

    // Act: one accepted request, one refused.
    try {
      for (const token of [OLD_TOKEN, 'x'.repeat(32)]) {
        await handler(
          httpApiEvent({ body: readWebhookFixture('update-record-low.json'), token }),
          lambdaContext,
        );
      }
    } finally {
      write.mockRestore();
    }

    // Assess: what `{ $.message = "notification queued" }` matches, once, with `$.service`.
    const lines = written
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => line.message === NOTIFICATION_QUEUED_LOG_MESSAGE)).toEqual([
      expect.objectContaining({ service: 'bridge-test', level: 'INFO' }),
    ]);
    expect(lines.filter((line) => '_aws' in line)).toEqual([]);
  });
});
