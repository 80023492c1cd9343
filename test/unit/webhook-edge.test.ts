import { Logger } from '@aws-lambda-powertools/logger';
import { createWebhookHandler } from '../../functions/webhook/handler';
import { buildWebhookDeps } from '../../functions/webhook/wiring';
import { EnvSecretSource } from '../../shared/adapters/secrets/env-secret-source';
import { loadConfigFile } from '../../shared/config/load-config';
import {
  MAX_QUEUED_BODY_BYTES,
  resolveQueuedNotification,
} from '../../shared/edge/queued-notification';
import { SqsRulesQueue } from '../fakes/sqs-rules-queue';
import { DEMO_CONFIG_PATH, loadWebhookFixture } from '../fixtures/kintone-webhooks';
import { httpApiEvent, lambdaContext } from '../support/api-gateway';

const TOKEN = 'k7Qm2vX9pLs4Tn8Rz1Wy6Bc3Hd5Fg0Jq';
const ENV = { WEBHOOK_TOKEN_APP_12: TOKEN, KINTONE_API_TOKEN_APP_12: 'x' };

/** The webhook over a queue with SQS's rules (1 MiB a message). */
function setup() {
  const config = loadConfigFile(DEMO_CONFIG_PATH);
  const queue = new SqsRulesQueue();
  const handler = createWebhookHandler(
    buildWebhookDeps(
      { ...config, apps: config.apps.filter((app) => app.appId === '12') },
      new EnvSecretSource(ENV),
      queue,
      new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    ),
  );
  const post = async (body: string) => {
    const response = await handler(httpApiEvent({ body, token: TOKEN }), lambdaContext);
    return {
      status: response.statusCode,
      body: JSON.parse(response.body ?? '') as { status?: string; error?: { message: string } },
    };
  };
  return { queue, post };
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

  it('queues a notification over 256 KiB (the old SQS limit) as it is, with no claim check', async () => {
    // Prepare: about 600 KB of a field the configuration reads, so trimming keeps it
    const { queue, post } = setup();
    const name = `ボールペン\uFFFF${'黒'.repeat(200_000)}`;
    const raw = lowWith({ 品名: { type: 'SINGLE_LINE_TEXT', value: name } });

    // Act
    const response = await post(JSON.stringify(raw));

    // Assess
    expect(response).toEqual({ status: 200, body: { status: 'queued', notificationId: raw.id } });
    expect(queue.messages).toHaveLength(1);
    const body = queue.messages[0]?.body ?? '';
    expect(Buffer.byteLength(body)).toBeGreaterThan(256 * 1024);
    const queued = JSON.parse(body) as Record<string, unknown>;
    expect(queued).not.toHaveProperty('claimCheck');
    expect(queued.id).toBe(raw.id);
    const resolved = (await resolveQueuedNotification(body, undefined)) as {
      record: Record<string, { value: unknown }>;
    };
    expect(resolved.record['品名']?.value).toBe(name);
  });

  it('answers 413 and queues nothing when the escapes make the queued body too large', async () => {
    // Prepare: 600 KB as sent (U+FFFF is 3 bytes in UTF-8), 1.2 MB queued (6 bytes escaped)
    const { queue, post } = setup();
    const raw = lowWith({ 品名: { type: 'SINGLE_LINE_TEXT', value: '\uFFFF'.repeat(200_000) } });
    const text = JSON.stringify(raw);
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_QUEUED_BODY_BYTES);

    // Act
    const response = await post(text);

    // Assess
    expect(response.status).toBe(413);
    expect(response.body.error?.message).toBe(
      `The notification is too large to queue: over ${MAX_QUEUED_BODY_BYTES} bytes even after dropping the fields the bridge does not read. kintone never sends a notification this large.`,
    );
    expect(queue.messages).toHaveLength(0);
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
