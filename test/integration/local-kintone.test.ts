import { KintoneRestAPIClient, KintoneRestAPIError } from '@kintone/rest-api-client';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoInventoryApp as fullDemoApp } from '../../local/kintone/demo-app';
import {
  startLocalKintone,
  type LocalKintone,
  type LocalKintoneOptions,
} from '../../local/kintone/local-kintone';
import { notificationSchema } from '../../shared/kintone/notification';

/**
 * The demo app with its first four seed items: these tests count records and ids, and are
 * about the emulator, not about which demo items exist.
 */
const demoInventoryApp = { ...fullDemoApp, seed: fullDemoApp.seed?.slice(0, 4) ?? [] };
const APP = demoInventoryApp.appId;
const TOKEN = 'local-inventory-token';
const OTHER_APP_TOKEN = 'local-other-app-token';
const FIXED_NOW = new Date('2026-11-28T02:15:42.123Z');

/** Field codes and types of the record in shared/fixtures/kintone-webhooks/add-record.json. */
const FIXTURE_FIELD_TYPES: Record<string, string> = {
  $id: '__ID__',
  $revision: '__REVISION__',
  レコード番号: 'RECORD_NUMBER',
  作成者: 'CREATOR',
  作成日時: 'CREATED_TIME',
  更新者: 'MODIFIER',
  更新日時: 'UPDATED_TIME',
  品番: 'SINGLE_LINE_TEXT',
  品名: 'SINGLE_LINE_TEXT',
  単位: 'SINGLE_LINE_TEXT',
  在庫数: 'NUMBER',
  発注点: 'NUMBER',
  最大在庫: 'NUMBER',
  入数: 'NUMBER',
  最小発注数: 'NUMBER',
  リードタイム日数: 'NUMBER',
  仕入先コード: 'SINGLE_LINE_TEXT',
  仕入先名: 'SINGLE_LINE_TEXT',
  仕入先メール: 'LINK',
  仕入先FAX: 'SINGLE_LINE_TEXT',
  発注状況: 'DROP_DOWN',
  発注番号: 'SINGLE_LINE_TEXT',
  発注日時: 'DATETIME',
  ステータス: 'STATUS',
  作業者: 'STATUS_ASSIGNEE',
  カテゴリー: 'CATEGORY',
};

interface WebhookReceiver {
  url: string;
  received: unknown[];
  close(): Promise<void>;
}

/** A tiny stand-in for the bridge's webhook endpoint: records every JSON body it gets. */
async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: unknown[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        contentType: req.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
      });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook?secret=local-secret`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** Bodies the receiver got, in arrival order. */
function bodies(receiver: WebhookReceiver): Array<Record<string, unknown>> {
  return receiver.received.map((entry) => (entry as { body: Record<string, unknown> }).body);
}

describe('local kintone through the official REST API client', () => {
  let receiver: WebhookReceiver;
  let kintone: LocalKintone;
  let client: KintoneRestAPIClient;
  let logLines: string[];
  const otherApp = { ...demoInventoryApp, appId: '99', name: '別アプリ', seed: [] };

  const start = (overrides: Partial<LocalKintoneOptions> = {}) =>
    startLocalKintone({
      apps: [demoInventoryApp, otherApp],
      apiTokens: { [APP]: [TOKEN], '99': [OTHER_APP_TOKEN] },
      webhooks: { [APP]: [receiver.url] },
      log: (line) => logLines.push(line),
      now: () => FIXED_NOW,
      ...overrides,
    });

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });

  beforeEach(async () => {
    receiver.received.length = 0;
    logLines = [];
    kintone = await start();
    client = new KintoneRestAPIClient({ baseUrl: kintone.baseUrl, auth: { apiToken: TOKEN } });
  });

  afterEach(async () => {
    await kintone.close();
  });

  afterAll(async () => {
    await receiver.close();
  });

  describe('records', () => {
    it('serves the seeded demo items with the fixtures field codes and types', async () => {
      // Act
      const { record } = await client.record.getRecord({ app: APP, id: 1 });

      // Assess
      for (const [code, type] of Object.entries(FIXTURE_FIELD_TYPES)) {
        expect([code, record[code]?.type]).toEqual([code, type]);
      }
      expect(record).toMatchObject({
        $id: { value: '1' },
        $revision: { value: '1' },
        レコード番号: { value: '1' },
        品番: { value: 'A-100' },
        在庫数: { value: '50' },
        仕入先メール: { value: 'order@sample-bungu.example.jp' },
        発注状況: { value: '未発注' },
        作成者: { value: { code: 'Administrator', name: 'Administrator' } },
        作成日時: { value: '2026-11-28T02:15:00Z' },
        ステータス: { value: '在庫あり' },
        作業者: { value: [] },
      });
      expect(kintone.baseUrl).toBe(`http://localhost:${kintone.port}`);
    });

    it('answers the supported query forms and pages like kintone', async () => {
      // Act
      const byCode = await client.record.getRecords({ app: APP, query: '品番 = "B-200"' });
      const byId = await client.record.getRecords({
        app: APP,
        query: '$id = "3"',
        fields: ['$id', '品番'],
        totalCount: true,
      });
      const paged = await client.record.getRecords({
        app: APP,
        query: 'order by $id asc limit 2 offset 1',
      });
      const newestFirst = await client.record.getRecords({ app: APP });
      const all = await client.record.getAllRecords({ app: APP });

      // Assess
      expect(byCode.records.map((r) => r.品名?.value)).toEqual(['コピー用紙 A4 500枚']);
      expect(byCode.records[0]?.発注量?.value).toBe('20');
      expect(byCode.totalCount).toBeNull();
      expect(byId.records).toEqual([
        { $id: { type: '__ID__', value: '3' }, 品番: { type: 'SINGLE_LINE_TEXT', value: 'C-300' } },
      ]);
      expect(byId.totalCount).toBe('1');
      expect(paged.records.map((r) => r.$id?.value)).toEqual(['2', '3']);
      expect(newestFirst.records.map((r) => r.$id?.value)).toEqual(['4', '3', '2', '1']);
      expect(all).toHaveLength(4);
    });

    it('refuses a query outside the supported subset with CB_VA01 naming the supported forms', async () => {
      // Act
      const error = await rejectionOf(
        client.record.getRecords({ app: APP, query: '品名 like "ペン" or 在庫数 < 10' }),
      );

      // Assess
      expect(error).toBeInstanceOf(KintoneRestAPIError);
      expect(error).toMatchObject({ status: 400, code: 'CB_VA01' });
      const messages = (error as KintoneRestAPIError).errors as Record<
        string,
        { messages: string[] }
      >;
      expect(messages.query?.messages[0]).toContain('The local kintone supports only');
    });

    it('adds, updates by id and by updateKey, bumping $revision and stamping the modifier', async () => {
      // Act
      const added = await client.record.addRecord({
        app: APP,
        record: { 品番: { value: 'E-500' }, 品名: { value: 'クリップ' }, 在庫数: { value: '7' } },
      });
      const first = await client.record.updateRecord({
        app: APP,
        id: added.id,
        revision: added.revision,
        record: { 在庫数: { value: '5' }, 発注日時: { value: '2026-11-28T11:15:30+09:00' } },
      });
      const second = await client.record.updateRecord({
        app: APP,
        updateKey: { field: '品番', value: 'E-500' },
        record: { 発注状況: { value: '発注依頼済' }, 発注番号: { value: 'PO-1' } },
      });
      const { record } = await client.record.getRecord({ app: APP, id: added.id });

      // Assess
      expect(added).toEqual({ id: '5', revision: '1' });
      expect([first.revision, second.revision]).toEqual(['2', '3']);
      expect(record).toMatchObject({
        $revision: { value: '3' },
        在庫数: { value: '5' },
        発注状況: { value: '発注依頼済' },
        発注番号: { value: 'PO-1' },
        発注日時: { value: '2026-11-28T02:15:00Z' },
        更新者: { value: { code: 'Administrator', name: 'Administrator' } },
      });
    });

    it('refuses a stale revision with 409 GAIA_CO02 and writes nothing', async () => {
      // Prepare
      await client.record.updateRecord({ app: APP, id: 1, record: { 在庫数: { value: '49' } } });

      // Act
      const error = await rejectionOf(
        client.record.updateRecord({
          app: APP,
          id: 1,
          revision: 1,
          record: { 在庫数: { value: '1' } },
        }),
      );

      // Assess
      expect(error).toBeInstanceOf(KintoneRestAPIError);
      expect(error).toMatchObject({ status: 409, code: 'GAIA_CO02' });
      const { record } = await client.record.getRecord({ app: APP, id: 1 });
      expect([record.在庫数?.value, record.$revision?.value]).toEqual(['49', '2']);
    });

    it('validates writes: options, unknown field codes, required fields; NUMBER takes any string', async () => {
      // Act
      const badOption = await rejectionOf(
        client.record.updateRecord({ app: APP, id: 1, record: { 発注状況: { value: '発注済' } } }),
      );
      const unknownField = await rejectionOf(
        client.record.updateRecord({ app: APP, id: 1, record: { 在庫: { value: '3' } } }),
      );
      const missingRequired = await rejectionOf(
        client.record.addRecord({ app: APP, record: { 品名: { value: '名前だけ' } } }),
      );
      const duplicate = await rejectionOf(
        client.record.addRecord({
          app: APP,
          record: { 品番: { value: 'A-100' }, 品名: { value: 'x' } },
        }),
      );
      await client.record.updateRecord({ app: APP, id: 1, record: { 在庫数: { value: 'abc' } } });

      // Assess
      const errorsOf = (error: unknown) => {
        expect(error).toBeInstanceOf(KintoneRestAPIError);
        expect(error).toMatchObject({ status: 400, code: 'CB_VA01' });
        return Object.keys((error as KintoneRestAPIError).errors as object);
      };
      expect(errorsOf(badOption)).toEqual(['record.発注状況.value']);
      expect(errorsOf(unknownField)).toEqual(['record.在庫.value']);
      expect(errorsOf(missingRequired)).toEqual(['record.品番.value']);
      expect(errorsOf(duplicate)).toEqual(['record.品番.value']);
      const { record } = await client.record.getRecord({ app: APP, id: 1 });
      expect(record.在庫数?.value).toBe('abc');
    });

    it('can ignore unknown field codes like real kintone when asked to', async () => {
      // Prepare
      const lenient = await start({ unknownFieldCodes: 'ignore', webhooks: {} });
      const lenientClient = new KintoneRestAPIClient({
        baseUrl: lenient.baseUrl,
        auth: { apiToken: TOKEN },
      });

      // Act
      const result = await lenientClient.record.updateRecord({
        app: APP,
        id: 1,
        record: { 在庫: { value: '3' }, 在庫数: { value: '3' } },
      });
      const [first] = lenient.records(APP);
      await lenient.close();

      // Assess
      expect(result.revision).toBe('2');
      expect(first?.在庫数?.value).toBe('3');
      expect(first).not.toHaveProperty('在庫');
    });

    it('updates several records in one bulk request, each a new revision, and sends no webhook (as kintone)', async () => {
      // Act
      const result = await client.record.updateRecords({
        app: APP,
        records: [
          { id: 1, record: { 発注番号: { value: 'PO-0001' } } },
          { id: 2, record: { 発注番号: { value: 'PO-0002' } } },
        ],
      });
      await kintone.idle();

      // Assess
      expect(result.records).toEqual([
        { id: '1', revision: '2' },
        { id: '2', revision: '2' },
      ]);
      expect(kintone.records(APP).map((r) => r.発注番号?.value)).toEqual([
        'PO-0001',
        'PO-0002',
        '',
        '',
      ]);
      expect(kintone.webhookDeliveries()).toEqual([]);
    });

    it('writes none of a bulk update that names a missing record (404 GAIA_RE01)', async () => {
      // Act
      const error = await rejectionOf(
        client.record.updateRecords({
          app: APP,
          records: [
            { id: 1, record: { 発注番号: { value: 'PO-0001' } } },
            { id: 404, record: { 発注番号: { value: 'PO-0404' } } },
          ],
        }),
      );

      // Assess
      expect(error).toMatchObject({ status: 404, code: 'GAIA_RE01' });
      expect(kintone.records(APP)[0]?.発注番号?.value).toBe('');
    });

    it('deletes records and then answers 404 GAIA_RE01 for them', async () => {
      // Act
      await client.record.deleteRecords({ app: APP, ids: [2, 3] });
      const error = await rejectionOf(client.record.getRecord({ app: APP, id: 2 }));

      // Assess
      expect(error).toMatchObject({ status: 404, code: 'GAIA_RE01' });
      expect(kintone.records(APP).map((r) => r.$id?.value)).toEqual(['1', '4']);
    });

    it('answers 404 GAIA_AP01 for an app it does not have', async () => {
      // Act
      const error = await rejectionOf(client.record.getRecord({ app: 404, id: 1 }));

      // Assess
      expect(error).toMatchObject({ status: 404, code: 'GAIA_AP01' });
    });

    it('accepts a GET sent as POST with X-HTTP-Method-Override, as the client does for long URLs', async () => {
      // Prepare: a query long enough to push the URL past the client's 4096-character limit.
      const longCode = 'Z'.repeat(5000);

      // Act
      const result = await client.record.getRecords({ app: APP, query: `品番 = "${longCode}"` });
      const raw = await fetch(`${kintone.baseUrl}/k/v1/records.json`, {
        method: 'POST',
        headers: {
          'X-Cybozu-API-Token': TOKEN,
          'X-HTTP-Method-Override': 'GET',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ app: APP, query: '品番 = "D-400"', fields: ['品名'] }),
      });

      // Assess
      expect(result.records).toEqual([]);
      expect(await raw.json()).toEqual({
        records: [{ 品名: { type: 'SINGLE_LINE_TEXT', value: '付箋 75mm 黄' } }],
        totalCount: null,
      });
      expect(kintone.webhookDeliveries()).toEqual([]);
      expect(kintone.requestLog().at(-1)).toMatchObject({
        method: 'GET',
        path: '/k/v1/records.json',
        app: APP,
      });
    });
  });

  describe('comments', () => {
    it('adds comments as Administrator without changing the revision, newest first', async () => {
      // Act
      const first = await client.record.addRecordComment({
        app: APP,
        record: 1,
        comment: { text: '入荷予定を確認中です。' },
      });
      const second = await client.record.addRecordComment({
        app: APP,
        record: 1,
        comment: { text: '発注しました。' },
      });
      const listed = await client.record.getRecordComments({ app: APP, record: 1, order: 'desc' });
      const { record } = await client.record.getRecord({ app: APP, id: 1 });

      // Assess
      expect([first.id, second.id]).toEqual(['1', '2']);
      expect(listed).toEqual({
        comments: [
          {
            id: '2',
            text: '発注しました。',
            createdAt: '2026-11-28T02:15:42Z',
            creator: { code: 'Administrator', name: 'Administrator' },
            mentions: [],
          },
          expect.objectContaining({ id: '1', text: '入荷予定を確認中です。' }),
        ],
        older: false,
        newer: false,
      });
      expect(record.$revision?.value).toBe('1');
    });
  });

  describe('form fields', () => {
    it('describes the app fields with options and unique flags', async () => {
      // Act
      const { properties, revision } = await client.app.getFormFields({ app: APP });

      // Assess
      expect(revision).toBe('1');
      expect(properties.発注状況).toMatchObject({
        type: 'DROP_DOWN',
        code: '発注状況',
        label: '発注状況',
        defaultValue: '未発注',
        options: {
          未発注: { label: '未発注', index: '0' },
          要確認: { label: '要確認', index: '4' },
        },
      });
      expect(properties.品番).toMatchObject({
        type: 'SINGLE_LINE_TEXT',
        unique: true,
        required: true,
      });
      expect(properties.発注理由?.type).toBe('MULTI_LINE_TEXT');
      expect(properties.スヌーズ期限?.type).toBe('DATE');
      expect(Object.keys(properties)).not.toContain('$id');
    });
  });

  describe('authentication', () => {
    it('answers an unknown token the way kintone does: 400 GAIA_IA02', async () => {
      // Prepare
      const wrong = new KintoneRestAPIClient({
        baseUrl: kintone.baseUrl,
        auth: { apiToken: 'nope' },
      });
      const otherApp = new KintoneRestAPIClient({
        baseUrl: kintone.baseUrl,
        auth: { apiToken: OTHER_APP_TOKEN },
      });
      const mixed = new KintoneRestAPIClient({
        baseUrl: kintone.baseUrl,
        auth: { apiToken: [TOKEN, 'nope'] },
      });

      // Act
      const errors = await Promise.all([
        rejectionOf(wrong.record.getRecord({ app: APP, id: 1 })),
        rejectionOf(otherApp.record.getRecord({ app: APP, id: 1 })),
        rejectionOf(mixed.record.getRecord({ app: APP, id: 1 })),
      ]);

      // Assess
      for (const error of errors) {
        expect(error).toBeInstanceOf(KintoneRestAPIError);
        expect(error).toMatchObject({ status: 400, code: 'GAIA_IA02' });
      }
    });

    it('accepts several tokens when one belongs to the app', async () => {
      // Prepare
      const both = new KintoneRestAPIClient({
        baseUrl: kintone.baseUrl,
        auth: { apiToken: [OTHER_APP_TOKEN, TOKEN] },
      });

      // Act
      const { record } = await both.record.getRecord({ app: APP, id: 1 });

      // Assess
      expect(record.品番?.value).toBe('A-100');
    });

    it('answers a request without credentials with 401 CB_AU01', async () => {
      // Act
      const response = await fetch(`${kintone.baseUrl}/k/v1/record.json?app=${APP}&id=1`);

      // Assess
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'CB_AU01', message: 'Please login.' });
    });
  });

  describe('webhooks', () => {
    it('notifies add, update, comment and delete in kintone format, in order, after answering', async () => {
      // Act
      const added = await client.record.addRecord({
        app: APP,
        record: { 品番: { value: 'E-500' }, 品名: { value: 'クリップ' }, 在庫数: { value: '7' } },
      });
      await client.record.updateRecord({
        app: APP,
        id: added.id,
        record: { 在庫数: { value: '6' } },
      });
      await client.record.updateRecord({
        app: APP,
        id: added.id,
        record: { 在庫数: { value: '5' } },
      });
      await client.record.addRecordComment({
        app: APP,
        record: added.id,
        comment: { text: 'メモ' },
      });
      await client.record.deleteRecords({ app: APP, ids: [added.id] });
      await kintone.idle();

      // Assess
      const received = bodies(receiver);
      expect(received.map((body) => body.type)).toEqual([
        'ADD_RECORD',
        'UPDATE_RECORD',
        'UPDATE_RECORD',
        'ADD_RECORD_COMMENT',
        'DELETE_RECORD',
      ]);
      for (const body of received) expect(notificationSchema.safeParse(body).success).toBe(true);
      const [add, update1, update2, comment, deletion] = received;
      expect(add).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        type: 'ADD_RECORD',
        app: { id: '12', name: '在庫管理' },
        record: expect.objectContaining({
          $id: { type: '__ID__', value: '5' },
          品番: { type: 'SINGLE_LINE_TEXT', value: 'E-500' },
          発注状況: { type: 'DROP_DOWN', value: '未発注' },
        }),
        recordTitle: 'E-500 クリップ',
        url: `${kintone.baseUrl}/k/12/show#record=5`,
      });
      const revisions = [add, update1, update2].map(
        (body) => (body?.record as Record<string, { value: unknown }>).$revision?.value,
      );
      expect(revisions).toEqual(['1', '2', '3']);
      expect((update2?.record as Record<string, { value: unknown }>).在庫数?.value).toBe('5');
      expect(comment).toEqual({
        id: expect.any(String),
        type: 'ADD_RECORD_COMMENT',
        app: { id: '12', name: '在庫管理' },
        recordId: '5',
        comment: {
          id: '1',
          text: 'メモ',
          createdAt: '2026-11-28T02:15:42Z',
          creator: { code: 'Administrator', name: 'Administrator' },
          mentions: [],
        },
        url: `${kintone.baseUrl}/k/12/show#record=5&comment=1`,
      });
      expect(deletion).toEqual({
        id: expect.any(String),
        type: 'DELETE_RECORD',
        app: { id: '12', name: '在庫管理' },
        recordId: '5',
        deletedBy: { code: 'Administrator', name: 'Administrator' },
        deletedAt: '2026-11-28T02:15:42Z',
      });
      expect(new Set(received.map((body) => body.id)).size).toBe(5);
      expect(receiver.received[0]).toMatchObject({ contentType: 'application/json' });
    });

    it('sends nothing for a refused write', async () => {
      // Act
      await rejectionOf(
        client.record.updateRecord({
          app: APP,
          id: 1,
          revision: 9,
          record: { 在庫数: { value: '1' } },
        }),
      );
      await kintone.idle();

      // Assess
      expect(receiver.received).toEqual([]);
    });

    it('logs a failed delivery and does not retry it', async () => {
      // Prepare: a port nothing listens on.
      const closed = await startWebhookReceiver();
      await closed.close();
      kintone.setWebhooks(APP, [closed.url]);

      // Act
      await client.record.updateRecord({ app: APP, id: 1, record: { 在庫数: { value: '10' } } });
      await kintone.idle();

      // Assess
      const deliveries = kintone.webhookDeliveries();
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]).toMatchObject({ appId: APP, error: expect.any(String) });
      expect(logLines.some((line) => line.includes('webhook FAILED'))).toBe(true);
      expect(logLines.some((line) => line.includes('local-secret'))).toBe(false);
    });
  });

  describe('fault injection', () => {
    it('answers the next matching calls with 429 GAIA_TO04, then recovers', async () => {
      // Prepare
      kintone.injectFailures({ status: 429, times: 2, methods: ['PUT'] });
      const update = () =>
        client.record.updateRecord({ app: APP, id: 1, record: { 在庫数: { value: '3' } } });

      // Act
      const reads = await client.record.getRecord({ app: APP, id: 1 });
      const first = await rejectionOf(update());
      const second = await rejectionOf(update());
      const third = await update();

      // Assess
      expect(reads.record.$id?.value).toBe('1');
      for (const error of [first, second]) {
        expect(error).toBeInstanceOf(KintoneRestAPIError);
        expect(error).toMatchObject({ status: 429, code: 'GAIA_TO04' });
      }
      expect(third.revision).toBe('2');
      expect(kintone.requestLog().map((call) => `${call.method} ${call.status}`)).toEqual([
        'GET 200',
        'PUT 429',
        'PUT 429',
        'PUT 200',
      ]);
    });

    it('answers 503 with an HTML maintenance page, which the client surfaces as a plain Error', async () => {
      // Prepare
      kintone.injectFailures({ status: 503, times: 1, path: 'record.json' });

      // Act
      const error = await rejectionOf(client.record.getRecord({ app: APP, id: 1 }));
      const raw = await (async () => {
        kintone.injectFailures({ status: 503, times: 1 });
        return fetch(`${kintone.baseUrl}/k/v1/record.json?app=${APP}&id=1`, {
          headers: { 'X-Cybozu-API-Token': TOKEN },
        });
      })();

      // Assess
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(KintoneRestAPIError);
      expect((error as Error).message).toBe('503: Service Unavailable');
      expect(raw.status).toBe(503);
      expect(raw.headers.get('content-type')).toContain('text/html');
      expect(await raw.text()).toContain('メンテナンス');
    });

    it('answers 500 with the given code', async () => {
      // Prepare
      kintone.injectFailures({ status: 500, code: 'GAIA_UN03', times: 1 });

      // Act
      const error = await rejectionOf(client.record.getRecords({ app: APP }));

      // Assess
      expect(error).toMatchObject({ status: 500, code: 'GAIA_UN03' });
    });
  });

  describe('persistence', () => {
    let directory: string;

    beforeEach(() => {
      directory = mkdtempSync(join(tmpdir(), 'local-kintone-'));
    });

    afterEach(() => {
      rmSync(directory, { recursive: true, force: true });
    });

    it('keeps records, revisions, comments and the id sequence across a restart', async () => {
      // Prepare
      const dataFile = join(directory, 'kintone.json');
      const first = await start({ dataFile });
      const firstClient = new KintoneRestAPIClient({
        baseUrl: first.baseUrl,
        auth: { apiToken: TOKEN },
      });
      await firstClient.record.updateRecord({
        app: APP,
        id: 1,
        record: { 在庫数: { value: '18' } },
      });
      await firstClient.record.addRecordComment({ app: APP, record: 1, comment: { text: '残' } });
      await firstClient.record.deleteRecords({ app: APP, ids: [4] });
      await first.close();

      // Act
      const second = await start({ dataFile });
      const secondClient = new KintoneRestAPIClient({
        baseUrl: second.baseUrl,
        auth: { apiToken: TOKEN },
      });
      const { record } = await secondClient.record.getRecord({ app: APP, id: 1 });
      const comments = await secondClient.record.getRecordComments({ app: APP, record: 1 });
      const added = await secondClient.record.addRecord({
        app: APP,
        record: { 品番: { value: 'F-600' }, 品名: { value: 'のり' } },
      });
      const ids = second.records(APP).map((r) => r.$id?.value);
      await second.close();

      // Assess
      expect([record.在庫数?.value, record.$revision?.value]).toEqual(['18', '2']);
      expect(comments.comments.map((c) => c.text)).toEqual(['残']);
      expect(added.id).toBe('5');
      expect(ids).toEqual(['1', '2', '3', '5']);
    });

    it('refuses to start on a corrupt data file, saying how to recover', async () => {
      // Prepare
      const dataFile = join(directory, 'kintone.json');
      writeFileSync(dataFile, '{ not json');

      // Act
      const error = await rejectionOf(start({ dataFile }));

      // Assess
      expect((error as Error).message).toContain('Delete it to start again from the seed data');
    });
  });
});
