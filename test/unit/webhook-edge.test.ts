import { Logger } from '@aws-lambda-powertools/logger';
import { createWebhookHandler } from '../../functions/webhook/handler';
import { buildWebhookDeps } from '../../functions/webhook/wiring';
import { EnvSecretSource } from '../../shared/adapters/secrets/env-secret-source';
import { loadConfigFile } from '../../shared/config/load-config';
import {
  MAX_QUEUED_BODY_BYTES,
  resolveQueuedNotification,
} from '../../shared/edge/queued-notification';
import { InMemoryClaimCheckStore } from '../fakes/in-memory-claim-check-store';
import { SqsRulesQueue } from '../fakes/sqs-rules-queue';
import { DEMO_CONFIG_PATH, loadWebhookFixture } from '../fixtures/kintone-webhooks';
import { httpApiEvent, lambdaContext } from '../support/api-gateway';

const TOKEN = 'k7Qm2vX9pLs4Tn8Rz1Wy6Bc3Hd5Fg0Jq';
const ENV = { WEBHOOK_TOKEN_APP_12: TOKEN, KINTONE_API_TOKEN_APP_12: 'x' };

/** The webhook over a queue with SQS's rules and an in-memory claim-check store. */
function setup(options: { claimChecks?: boolean } = {}) {
  const config = loadConfigFile(DEMO_CONFIG_PATH);
  const queue = new SqsRulesQueue();
  const claimChecks = new InMemoryClaimCheckStore();
  const handler = createWebhookHandler(
    buildWebhookDeps(
      { ...config, apps: config.apps.filter((app) => app.appId === '12') },
      new EnvSecretSource(ENV),
      queue,
      new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      undefined,
      options.claimChecks === false ? undefined : claimChecks,
    ),
  );
  const post = async (body: string) => {
    const response = await handler(httpApiEvent({ body, token: TOKEN }), lambdaContext);
    return {
      status: response.statusCode,
      body: JSON.parse(response.body ?? '') as { status?: string; error?: { message: string } },
    };
  };
  return { queue, claimChecks, post };
}

function lowWith(fields: Record<string, unknown>): Record<string, unknown> {
  const raw = loadWebhookFixture('update-record-low.json');
  Object.assign(raw.record as Record<string, unknown>, fields);
  return raw;
}

describe('webhook edge: bad input and failures', () => {
  it('queues an item name holding U+FFFF intact (the issue: 500 and every later edit failing)', async () => {
    // Prepare
    const { queue, post } = setup();
    const raw = lowWith({ 品名: { type: 'SINGLE_LINE_TEXT', value: 'ボールペン\uFFFF黒' } });

    // Act
    const response = await post(JSON.stringify(raw));

    // Assess
    expect(response.status).toBe(200);
    const [message] = queue.messages;
    expect(message?.body).toContain('ボールペン\\uffff黒');
    const queued = (await resolveQueuedNotification(message?.body ?? '', undefined)) as {
      record: Record<string, { value: unknown }>;
    };
    expect(queued.record['品名']?.value).toBe('ボールペン\uFFFF黒');
  });

  it('accepts a delete carrying "record": null and queues it without the record', async () => {
    // Prepare
    const { queue, post } = setup();
    const raw: Record<string, unknown> = {
      ...loadWebhookFixture('delete-record.json'),
      record: null,
    };

    // Act
    const response = await post(JSON.stringify(raw));

    // Assess
    expect(response).toEqual({
      status: 200,
      body: { status: 'queued', notificationId: raw.id },
    });
    expect(JSON.parse(queue.messages[0]?.body ?? '')).not.toHaveProperty('record');
  });

  it.each([
    ['spelled out', '"__proto__"'],
    ['with an escaped letter', '"__pro\\u0074o__"'],
    ['with an escaped underscore', '"\\u005f_proto__"'],
  ])('refuses a __proto__ key %s inside the record with 400', async (_how, key) => {
    // Prepare: a notification that is valid but for one key deep inside the record
    const { queue, post } = setup();
    const text = JSON.stringify(
      lowWith({ 品名: { type: 'SINGLE_LINE_TEXT', value: 'x' } }),
    ).replace('"value":"x"', `"value":"x",${key}:{"polluted":true}`);

    // Act
    const response = await post(text);

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.error?.message).toContain('"__proto__" key');
    expect(queue.messages).toHaveLength(0);
  });

  it('refuses a 25-digit $revision with 400 naming the field, and queues nothing', async () => {
    // Prepare
    const { queue, post } = setup();
    const raw = lowWith({
      $revision: { type: '__REVISION__', value: '9999999999999999999999999' },
    });

    // Act
    const response = await post(JSON.stringify(raw));

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.error?.message).toContain('record.$revision');
    expect(queue.messages).toHaveLength(0);
  });

  it('puts a notification over the queue limit in the claim check and queues a reference', async () => {
    // Prepare
    const { queue, claimChecks, post } = setup();
    const name = `ボールペン\uFFFF${'黒'.repeat(MAX_QUEUED_BODY_BYTES / 3)}`;
    const raw = lowWith({ 品名: { type: 'SINGLE_LINE_TEXT', value: name } });

    // Act
    const response = await post(JSON.stringify(raw));

    // Assess
    expect(response.status).toBe(200);
    const body = queue.messages[0]?.body ?? '';
    expect(JSON.parse(body)).toEqual({
      claimCheck: { id: [...claimChecks.payloads.keys()][0] },
      notificationId: raw.id,
      type: 'UPDATE_RECORD',
      app: { id: '12' },
      recordId: '7',
    });
    const resolved = (await resolveQueuedNotification(body, claimChecks)) as {
      record: Record<string, { value: unknown }>;
    };
    expect(resolved.record['品名']?.value).toBe(name);
  });

  it('answers 500, not 2xx, when the queue is down', async () => {
    // Prepare
    const { queue, post } = setup();
    queue.enqueue = () => Promise.reject(new Error('connect ETIMEDOUT sqs.ap-northeast-1'));

    // Act
    const response = await post(JSON.stringify(loadWebhookFixture('update-record-low.json')));

    // Assess
    expect(response.status).toBe(500);
    expect(response.body.error?.message).toMatch(/was not queued/);
  });

  it('answers 500 and queues nothing when the claim-check store is down or missing', async () => {
    // Prepare
    const big = JSON.stringify(
      lowWith({ 品名: { type: 'SINGLE_LINE_TEXT', value: 'x'.repeat(MAX_QUEUED_BODY_BYTES) } }),
    );
    const down = setup();
    down.claimChecks.failNext = new Error('DynamoDB unreachable');
    const missing = setup({ claimChecks: false });

    // Act
    const responses = [await down.post(big), await missing.post(big)];

    // Assess
    expect(responses.map((r) => r.status)).toEqual([500, 500]);
    expect(down.queue.messages).toHaveLength(0);
    expect(missing.queue.messages).toHaveLength(0);
  });

  it.each([
    ['a top-level claimCheck key', { claimCheck: { id: 'x' } }, /"claimCheck" key/],
    ['a __proto__ key', JSON.parse('{"__proto__":{"x":1}}') as object, /"__proto__" key/],
  ])('refuses %s with 400', async (_, extra, message) => {
    const { queue, post } = setup();
    const response = await post(
      JSON.stringify({ ...loadWebhookFixture('update-record-low.json'), ...extra }),
    );
    expect(response.status).toBe(400);
    expect(response.body.error?.message).toMatch(message);
    expect(queue.messages).toHaveLength(0);
  });

  it('answers a 500,000-element array with 400, not a stack overflow', async () => {
    const { post } = setup();
    const response = await post(`[${Array.from({ length: 500_000 }, () => '0').join(',')}]`);
    expect(response.status).toBe(400);
  });
});
