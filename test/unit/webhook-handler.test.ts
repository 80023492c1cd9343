import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import type { Env } from '../../shared/config/env';
import { loadConfigFile, parseConfig } from '../../shared/config/load-config';
import type { BridgeConfig } from '../../shared/config/schema';
import { createWebhookHandler, MAX_NOTIFICATION_BYTES } from '../../functions/webhook/handler';
import { buildWebhookDeps } from '../../functions/webhook/wiring';
import { EnvSecretSource } from '../../shared/adapters/secrets/env-secret-source';
import { RecordingNotificationQueue } from '../fakes/recording-queue';
import {
  DEMO_CONFIG_PATH,
  loadDemoConfigJson,
  loadWebhookFixture,
  readWebhookFixture,
} from '../fixtures/kintone-webhooks';
import { httpApiEvent, lambdaContext, type HttpApiEventOptions } from '../support/api-gateway';

const TOKEN = 'k7Qm2vX9pLs4Tn8Rz1Wy6Bc3Hd5Fg0Jq';
const NEXT_TOKEN = 'Zp3Lw8Nc1Vx6Qr4Tb9Ms2Kd7Hf5Gj0Ya';
/** Site inventory app 15 of config/demo.json: the handler resolves every app's tokens. */
const SITE_TOKEN = 'Hs5Dn2Wq8Xc4Lp7Vt1Kb9Mr3Yg6Jf0Zu';
const ENV = {
  WEBHOOK_TOKEN_APP_12: TOKEN,
  KINTONE_API_TOKEN_APP_12: 'x',
  WEBHOOK_TOKEN_APP_15: SITE_TOKEN,
  KINTONE_API_TOKEN_APP_15: 'y',
};

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

const UNAUTHORIZED: APIGatewayProxyStructuredResultV2 = {
  statusCode: 401,
  headers: JSON_HEADERS,
  body: JSON.stringify({
    error: {
      code: 'unauthorized',
      message:
        'The token in the webhook URL is missing or wrong. Copy the webhook URL again from the bridge.',
    },
  }),
};

/** Field codes of app 12 that config/demo.json maps, as present in the update fixtures. */
const KEPT_FIELD_CODES = [
  '$id',
  '$revision',
  '品番',
  '品名',
  '単位',
  '在庫数',
  '発注点',
  '最大在庫',
  '入数',
  '最小発注数',
  'リードタイム日数',
  '仕入先コード',
  '仕入先名',
  '仕入先メール',
  '仕入先FAX',
  '発注状況',
  '発注番号',
  '発注日時',
];

function setup(config: BridgeConfig = loadConfigFile(DEMO_CONFIG_PATH), env: Env = ENV) {
  const queue = new RecordingNotificationQueue();
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const handler = createWebhookHandler(
    buildWebhookDeps(config, new EnvSecretSource(env), queue, logger),
  );
  const responses: APIGatewayProxyStructuredResultV2[] = [];
  const post = async (options: HttpApiEventOptions): Promise<APIGatewayProxyStructuredResultV2> => {
    const response = await handler(httpApiEvent(options), lambdaContext);
    responses.push(response);
    return response;
  };
  return { queue, post, responses };
}

function errorResponse(statusCode: number, code: string, message: string) {
  return { statusCode, headers: JSON_HEADERS, body: JSON.stringify({ error: { code, message } }) };
}

function okResponse(body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode: 200, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

describe('webhook handler', () => {
  it('queues a valid update with only the mapped fields of the record', async () => {
    // Prepare
    const { queue, post } = setup();
    const body = readWebhookFixture('update-record-low.json');
    const sent = loadWebhookFixture('update-record-low.json');
    const sentRecord = sent.record as Record<string, unknown>;

    // Act
    const response = await post({ body, token: TOKEN });

    // Assess
    expect(response).toEqual(
      okResponse({ status: 'queued', notificationId: '6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c0002' }),
    );
    expect(queue.messages).toHaveLength(1);
    const [message] = queue.messages;
    expect(message?.groupId).toBe('12:7');
    expect(message?.notificationId).toBe('6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c0002');
    const queued = JSON.parse(message?.body ?? '{}') as Record<string, unknown>;
    expect(queued).toEqual({
      ...sent,
      record: Object.fromEntries(KEPT_FIELD_CODES.map((code) => [code, sentRecord[code]])),
    });
    const queuedRecord = queued.record as Record<string, unknown>;
    for (const dropped of ['作成者', '更新者', 'レコード番号', 'ステータス', 'カテゴリー']) {
      expect(queuedRecord).not.toHaveProperty(dropped);
    }
  });

  it('queues a valid update sent with the next (rotation) token', async () => {
    // Prepare
    const raw = loadDemoConfigJson();
    const apps = raw.apps as Record<string, unknown>[];
    apps[0] = { ...apps[0], webhookTokens: [{ env: 'TOKEN_CURRENT' }, { env: 'TOKEN_NEXT' }] };
    const { queue, post } = setup(parseConfig(raw), {
      ...ENV,
      TOKEN_CURRENT: TOKEN,
      TOKEN_NEXT: NEXT_TOKEN,
    });

    // Act
    const first = await post({ body: readWebhookFixture('add-record.json'), token: TOKEN });
    const second = await post({
      body: readWebhookFixture('update-status.json'),
      token: NEXT_TOKEN,
    });

    // Assess
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(queue.messages.map((m) => m.notificationId)).toEqual([
      '6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c0001',
      '6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c0004',
    ]);
  });

  it.each([
    ['a wrong token', 'wrong-token-wrong-token-wrong-token'],
    ['a token differing in one character', `${TOKEN.slice(0, -1)}X`],
    ['no token', undefined],
    ['an empty token', ''],
  ])('answers 401 and queues nothing for %s', async (_case, token) => {
    // Prepare
    const { queue, post } = setup();

    // Act
    const response = await post({ body: readWebhookFixture('update-record-low.json'), token });

    // Assess
    expect(response).toEqual(UNAUTHORIZED);
    expect(queue.messages).toEqual([]);
  });

  it.each([
    ['a malformed body', '{ "id": '],
    ['an oversized body', 'x'.repeat(MAX_NOTIFICATION_BYTES + 1)],
    ['no body', undefined],
  ])('checks the token before anything else: a wrong token with %s is 401', async (_case, body) => {
    // Prepare
    const { queue, post } = setup();

    // Act
    const response = await post({ body, token: 'wrong-token-wrong-token-wrong-token' });

    // Assess
    expect(response).toEqual(UNAUTHORIZED);
    expect(queue.messages).toEqual([]);
  });

  it("answers 401 when the token is valid but the notification is another app's", async () => {
    // Prepare
    const { queue, post } = setup();
    const notification = {
      ...loadWebhookFixture('update-record-low.json'),
      app: { id: '13', name: '他アプリ' },
    };

    // Act
    const response = await post({ body: JSON.stringify(notification), token: TOKEN });

    // Assess
    expect(response).toEqual(UNAUTHORIZED);
    expect(queue.messages).toEqual([]);
  });

  it("queues app 15's table notification with app 15's token only, keeping the table", async () => {
    // Prepare: each app of config/demo.json has its own token.
    const { queue, post } = setup();
    const body = readWebhookFixture('update-record-subtable.json');
    const sentRecord = loadWebhookFixture('update-record-subtable.json').record as Record<
      string,
      unknown
    >;

    // Act
    const withAppTwelvesToken = await post({ body, token: TOKEN });
    const withItsOwnToken = await post({ body, token: SITE_TOKEN });

    // Assess
    expect(withAppTwelvesToken).toEqual(UNAUTHORIZED);
    expect(withItsOwnToken.statusCode).toBe(200);
    expect(queue.messages).toHaveLength(1);
    const queued = JSON.parse(queue.messages[0]?.body ?? '{}') as {
      record: Record<string, unknown>;
    };
    expect(queued.record['在庫明細']).toEqual(sentRecord['在庫明細']);
  });

  it("queues a table's rows with their ids and only the row fields the configuration reads", async () => {
    // Prepare: staff keep a note in each row and a site field the bridge does not read.
    const { queue, post } = setup();
    const notification = loadWebhookFixture('update-record-subtable.json');
    const record = notification.record as Record<string, { type: string; value: unknown }>;
    record['担当者メモ'] = { type: 'MULTI_LINE_TEXT', value: '社外秘' };
    const rows = (
      record['在庫明細'] as { value: Array<{ id: string; value: Record<string, unknown> }> }
    ).value;
    for (const row of rows) row.value['明細_備考'] = { type: 'SINGLE_LINE_TEXT', value: '社外秘' };

    // Act
    await post({ body: JSON.stringify(notification), token: SITE_TOKEN });

    // Assess
    const queued = JSON.parse(queue.messages[0]?.body ?? '{}') as {
      record: Record<string, { value: Array<{ id: string; value: Record<string, unknown> }> }>;
    };
    // 拠点 is the site field (fields.shipTo), read from the record for every row.
    expect(Object.keys(queued.record).sort()).toEqual(
      ['$id', '$revision', '在庫明細', '拠点'].sort(),
    );
    const queuedRows = queued.record['在庫明細']?.value ?? [];
    expect(queuedRows.map((row) => row.id)).toEqual(['368', '369', '370']);
    expect(Object.keys(queuedRows[0]?.value ?? {}).sort()).toEqual(
      [
        '明細_品番',
        '明細_品名',
        '明細_在庫数',
        '明細_発注点',
        '明細_発注量',
        '明細_仕入先コード',
      ].sort(),
    );
    expect(queue.messages[0]?.body).not.toContain('社外秘');
  });

  it.each([
    ['truncated JSON', '{ "id": "x", '],
    ['an empty body', ''],
    ['a form-encoded body', 'id=1&type=UPDATE_RECORD'],
  ])('answers 400 for %s, saying the body is not JSON', async (_case, body) => {
    // Prepare
    const { queue, post } = setup();

    // Act
    const response = await post({ body, token: TOKEN });

    // Assess
    expect(response).toEqual(
      errorResponse(
        400,
        'bad_request',
        'The body is not valid JSON. kintone webhooks send a JSON notification.',
      ),
    );
    expect(queue.messages).toEqual([]);
  });

  it('answers 400 naming the field path when the JSON is not a notification', async () => {
    // Prepare
    const { queue, post } = setup();
    const notification = loadWebhookFixture('update-record-low.json');
    delete (notification.record as Record<string, unknown>).$revision;

    // Act
    const response = await post({ body: JSON.stringify(notification), token: TOKEN });

    // Assess
    expect(response).toEqual(
      errorResponse(
        400,
        'bad_request',
        'The body is not a kintone webhook notification:\nrecord.$revision: record.$revision must be present with a value that is a decimal string from 1 to 9007199254740991 without leading zeros',
      ),
    );
    expect(queue.messages).toEqual([]);
  });

  it('answers 400 naming the type field for an unknown notification type', async () => {
    // Prepare
    const { post } = setup();
    const notification = { ...loadWebhookFixture('update-record-low.json'), type: 'UPSERT_RECORD' };

    // Act
    const response = await post({ body: JSON.stringify(notification), token: TOKEN });

    // Assess
    expect(response.statusCode).toBe(400);
    const body = JSON.parse(response.body ?? '{}') as { error: { message: string } };
    expect(body.error.message).toMatch(/^The body is not a kintone webhook notification:\ntype: /);
  });

  it('answers 400, not 500, to a notification nested too deeply to queue', async () => {
    // Prepare: JSON.parse accepts this depth, JSON.stringify overflows the stack on it.
    const { queue, post } = setup();
    const deletion = readWebhookFixture('delete-record.json').trimEnd();
    const depth = 400_000;
    const body = `${deletion.slice(0, -1)}, "extra": ${'['.repeat(depth)}${']'.repeat(depth)}}`;

    // Act
    const response = await post({ body, token: TOKEN });

    // Assess
    expect(response).toEqual(
      errorResponse(
        400,
        'bad_request',
        'The notification is nested too deeply to be a kintone webhook notification.',
      ),
    );
    expect(queue.messages).toEqual([]);
  });

  it('answers 413 and queues nothing for a body over 1 MiB, counted in bytes', async () => {
    // Prepare: 400,000 Japanese characters are 1.2 MB in UTF-8.
    const { queue, post } = setup();
    const notification = loadWebhookFixture('update-record-low.json');
    (notification.record as Record<string, unknown>)['備考'] = {
      type: 'MULTI_LINE_TEXT',
      value: '在'.repeat(400_000),
    };

    // Act
    const response = await post({ body: JSON.stringify(notification), token: TOKEN });

    // Assess
    expect(response).toEqual(
      errorResponse(
        413,
        'payload_too_large',
        "The notification is larger than 1048576 bytes, kintone's own limit.",
      ),
    );
    expect(queue.messages).toEqual([]);
  });

  it('accepts a notification of exactly 1 MiB', async () => {
    // Prepare
    const { queue, post } = setup();
    const text = readWebhookFixture('update-record-low.json');
    const body = text + ' '.repeat(MAX_NOTIFICATION_BYTES - Buffer.byteLength(text, 'utf8'));

    // Act
    const response = await post({ body, token: TOKEN });

    // Assess
    expect(Buffer.byteLength(body, 'utf8')).toBe(MAX_NOTIFICATION_BYTES);
    expect(response.statusCode).toBe(200);
    expect(queue.messages).toHaveLength(1);
  });

  it('decodes a base64-encoded body', async () => {
    // Prepare
    const plain = setup();
    const encoded = setup();
    const text = readWebhookFixture('update-record-low.json');

    // Act
    const plainResponse = await plain.post({ body: text, token: TOKEN });
    const response = await encoded.post({
      body: Buffer.from(text, 'utf8').toString('base64'),
      isBase64Encoded: true,
      token: TOKEN,
    });

    // Assess
    expect(response).toEqual(plainResponse);
    expect(encoded.queue.messages).toEqual(plain.queue.messages);
    expect(encoded.queue.messages).toHaveLength(1);
  });

  it('answers 200 "ignored" to a comment and queues nothing', async () => {
    // Prepare
    const { queue, post } = setup();

    // Act
    const response = await post({
      body: readWebhookFixture('add-record-comment.json'),
      token: TOKEN,
    });

    // Assess
    expect(response).toEqual(
      okResponse({
        status: 'ignored',
        notificationId: '6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c0006',
        reason: 'comments do not change stock',
      }),
    );
    expect(queue.messages).toEqual([]);
  });

  it('queues a delete, normalising the older deleteBy / deleteAt spelling', async () => {
    // Prepare
    const { queue, post } = setup();
    const { deletedBy, deletedAt, ...rest } = loadWebhookFixture('delete-record.json');
    const older = { ...rest, deleteBy: deletedBy, deleteAt: deletedAt };

    // Act
    const response = await post({ body: JSON.stringify(older), token: TOKEN });

    // Assess
    expect(response).toEqual(
      okResponse({ status: 'queued', notificationId: '6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c0005' }),
    );
    expect(queue.messages).toEqual([
      {
        notificationId: '6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c0005',
        groupId: '12:7',
        body: expect.any(String),
      },
    ]);
    expect(JSON.parse(queue.messages[0]?.body ?? '{}')).toEqual(
      loadWebhookFixture('delete-record.json'),
    );
  });

  it('answers 500 without internal details when the queue fails, and queues nothing', async () => {
    // Prepare
    const { queue, post } = setup();
    const internal =
      'AccessDenied: User arn:aws:iam::123456789012:role/webhook is not authorized to perform sqs:SendMessage';
    queue.failNext = new Error(internal);

    // Act
    const response = await post({
      body: readWebhookFixture('update-record-low.json'),
      token: TOKEN,
    });

    // Assess
    expect(response).toEqual(
      errorResponse(
        500,
        'internal_error',
        'The bridge could not accept the notification; it was not queued. kintone may be told to resend it.',
      ),
    );
    expect(response.body).not.toContain('AccessDenied');
    expect(response.body).not.toContain('arn:aws');
    expect(queue.messages).toEqual([]);
  });

  it('never shows the token in any response body', async () => {
    // Prepare
    const { post, queue, responses } = setup();
    const update = readWebhookFixture('update-record-low.json');
    const otherApp = JSON.stringify({
      ...loadWebhookFixture('update-record-low.json'),
      app: { id: '13', name: 'x' },
    });

    // Act
    await post({ body: update, token: TOKEN });
    await post({ body: readWebhookFixture('add-record-comment.json'), token: TOKEN });
    await post({ body: '{ broken', token: TOKEN });
    await post({ body: '{"type":"UPDATE_RECORD"}', token: TOKEN });
    await post({ body: otherApp, token: TOKEN });
    await post({ body: 'x'.repeat(MAX_NOTIFICATION_BYTES + 1), token: TOKEN });
    await post({ body: update, token: `${TOKEN}x` });
    queue.failNext = new Error(`queue rejected request with token=${TOKEN}`);
    await post({ body: update, token: TOKEN });

    // Assess
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 400, 400, 401, 413, 401, 500]);
    for (const response of responses) {
      expect(response.body).not.toContain(TOKEN);
      expect(JSON.stringify(response.headers)).not.toContain(TOKEN);
    }
  });

  it('never fails or answers 5xx, whatever the body (fuzz)', async () => {
    // Prepare
    const { post, queue } = setup();
    const update = loadWebhookFixture('update-record-low.json');
    const mutatedUpdate = fc
      .record({
        code: fc.constantFrom('$id', '$revision', '在庫数', '発注点', '仕入先メール', '作成者'),
        value: fc.jsonValue(),
      })
      .map(({ code, value }) =>
        JSON.stringify({
          ...update,
          record: { ...(update.record as Record<string, unknown>), [code]: value },
        }),
      );
    const bodies = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.json(),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      mutatedUpdate,
    );

    await fc.assert(
      fc.asyncProperty(bodies, fc.boolean(), async (body, base64) => {
        // Act
        const response = await post({
          body: base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
          isBase64Encoded: base64,
          token: TOKEN,
        });

        // Assess
        expect([200, 400]).toContain(response.statusCode);
        expect(response.headers).toEqual(JSON_HEADERS);
        expect(response.body).not.toContain(TOKEN);
      }),
    );
    expect(queue.messages.every((m) => m.groupId.startsWith('12:'))).toBe(true);
  });
});
