import { KintoneRestAPIClient, KintoneRestAPIError } from '@kintone/rest-api-client';
import { RestKintoneRecordWriter } from '../../shared/adapters/kintone/kintone-record-writer';
import type { KintoneRetryInfo } from '../../shared/adapters/kintone/kintone-retry';
import { demoInventoryApp } from '../../local/kintone/demo-app';
import { startLocalKintone, type LocalKintone } from '../../local/kintone/local-kintone';

const APP = demoInventoryApp.appId;
const TOKEN = 'writer-test-token';

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('RestKintoneRecordWriter against the local kintone', () => {
  let kintone: LocalKintone;
  let writer: RestKintoneRecordWriter;
  let waits: number[];
  let retries: KintoneRetryInfo[];

  /** `METHOD path -> status` of the REST calls so far. */
  const calls = () =>
    kintone.requestLog().map((call) => `${call.method} ${call.path} ${call.status}`);

  beforeEach(async () => {
    kintone = await startLocalKintone({ apps: [demoInventoryApp], apiTokens: { [APP]: [TOKEN] } });
    const client = new KintoneRestAPIClient({
      baseUrl: kintone.baseUrl,
      auth: { apiToken: TOKEN },
    });
    waits = [];
    retries = [];
    writer = new RestKintoneRecordWriter(async () => client, {
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0.5,
      onRetry: (info) => retries.push(info),
    });
  });

  afterEach(async () => {
    await kintone.close();
  });

  it('writes the fields after two 429 GAIA_TO04 answers', async () => {
    // Prepare
    kintone.injectFailures({ status: 429, times: 2 });

    // Act
    await writer.updateFields(APP, '1', { 発注状況: '発注依頼済', 発注番号: 'PO-0001' });

    // Assess
    expect(calls()).toEqual([
      'PUT /k/v1/record.json 429',
      'PUT /k/v1/record.json 429',
      'PUT /k/v1/record.json 200',
    ]);
    expect(kintone.records(APP)[0]).toMatchObject({
      発注状況: { value: '発注依頼済' },
      発注番号: { value: 'PO-0001' },
      $revision: { value: '2' },
    });
    expect(retries.map((info) => info.reason)).toEqual(['rate-limited', 'rate-limited']);
    expect(waits).toEqual([250, 500]);
  });

  it('writes the fields after the 503 maintenance page', async () => {
    // Prepare
    kintone.injectFailures({ status: 503, times: 2, path: 'record.json' });

    // Act
    await writer.updateFields(APP, '2', { 発注理由: '在庫数が発注点以下' });

    // Assess
    expect(calls()).toEqual([
      'PUT /k/v1/record.json 503',
      'PUT /k/v1/record.json 503',
      'PUT /k/v1/record.json 200',
    ]);
    expect(kintone.records(APP)[1]?.発注理由?.value).toBe('在庫数が発注点以下');
    expect(retries.map((info) => info.reason)).toEqual(['unavailable', 'unavailable']);
  });

  it('adds the comment once after a 429', async () => {
    // Prepare
    kintone.injectFailures({ status: 429, times: 1, methods: ['POST'] });

    // Act
    await writer.addComment(APP, '1', '発注依頼 PO-0001 を送信しました。');

    // Assess
    expect(calls()).toEqual([
      'POST /k/v1/record/comment.json 429',
      'POST /k/v1/record/comment.json 200',
    ]);
  });

  it('gives up after five attempts with the last 429', async () => {
    // Prepare
    kintone.injectFailures({ status: 429, times: 6 });

    // Act
    const error = await rejectionOf(writer.updateFields(APP, '1', { 発注番号: 'PO-0002' }));

    // Assess
    expect(error).toBeInstanceOf(KintoneRestAPIError);
    expect(error).toMatchObject({ status: 429, code: 'GAIA_TO04' });
    expect(calls()).toHaveLength(5);
    expect(kintone.records(APP)[0]?.発注番号?.value).toBe('');
  });

  it.each([
    ['a 500', () => kintone.injectFailures({ status: 500, code: 'GAIA_UN03', times: 1 }), '1', 500],
    ['a record that does not exist (404 GAIA_RE01)', () => undefined, '404', 404],
  ])('does not retry %s', async (_label, inject, recordId, status) => {
    // Prepare
    inject();

    // Act
    const error = await rejectionOf(writer.updateFields(APP, recordId, { 発注番号: 'PO-0003' }));

    // Assess
    expect(error).toMatchObject({ status });
    expect(calls()).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('writes many records in one bulk update, retried after a 429', async () => {
    // Prepare
    kintone.injectFailures({ status: 429, times: 1, path: 'records.json' });

    // Act
    const result = await writer.updateRecords(APP, [
      { recordId: '1', values: { 発注番号: 'PO-0010' } },
      { recordId: '2', values: { 発注番号: 'PO-0011', 発注理由: '在庫数が発注点以下' } },
    ]);

    // Assess
    expect(result).toEqual({ missingRecords: [] });
    expect(calls()).toEqual(['PUT /k/v1/records.json 429', 'PUT /k/v1/records.json 200']);
    const byId = (id: string) => kintone.records(APP).find((record) => record.$id?.value === id);
    expect(byId('1')?.発注番号?.value).toBe('PO-0010');
    expect(byId('2')).toMatchObject({
      発注番号: { value: 'PO-0011' },
      発注理由: { value: '在庫数が発注点以下' },
    });
  });

  it('skips a deleted record of a bulk update and writes the others', async () => {
    // Act
    const result = await writer.updateRecords(APP, [
      { recordId: '1', values: { 発注番号: 'PO-0012' } },
      { recordId: '404', values: { 発注番号: 'PO-0013' } },
    ]);

    // Assess: refused whole, the records looked up, written again without the missing one.
    expect(result).toEqual({ missingRecords: ['404'] });
    expect(calls()).toEqual([
      'PUT /k/v1/records.json 404',
      'GET /k/v1/records.json 200',
      'PUT /k/v1/records.json 200',
    ]);
    const first = kintone.records(APP).find((record) => record.$id?.value === '1');
    expect(first?.発注番号?.value).toBe('PO-0012');
  });

  it('makes no request for an empty bulk update', async () => {
    // Act
    const result = await writer.updateRecords(APP, []);

    // Assess
    expect(result).toEqual({ missingRecords: [] });
    expect(calls()).toEqual([]);
  });

  it('does not retry a validation error (400 CB_VA01)', async () => {
    // Act
    const error = await rejectionOf(writer.updateFields(APP, '1', { 発注状況: '存在しない状況' }));

    // Assess
    expect(error).toMatchObject({ status: 400, code: 'CB_VA01' });
    expect(calls()).toEqual(['PUT /k/v1/record.json 400']);
  });
});
