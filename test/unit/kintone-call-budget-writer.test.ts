import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { demoInventoryApp } from '../../local/kintone/demo-app';
import { startLocalKintone, type LocalKintone } from '../../local/kintone/local-kintone';
import {
  KINTONE_CALL_BUDGET_WARNING,
  KintoneCallBudget,
} from '../../shared/adapters/kintone/kintone-call-budget';
import { RestKintoneRecordWriter } from '../../shared/adapters/kintone/kintone-record-writer';
import { InMemoryBridgeState } from '../fakes/in-memory-order-store';
import { RecordingLogger } from '../fakes/recording-logger';
import { RecordingMetrics } from '../fakes/recording-metrics';

const APP = demoInventoryApp.appId;
const TOKEN = 'budget-test-token';
const NOW = new Date('2026-11-29T06:00:00.000Z');
const DAY = '2026-11-29';

describe('RestKintoneRecordWriter with a call budget, against the local kintone', () => {
  let kintone: LocalKintone;
  let store: InMemoryBridgeState;
  let logger: RecordingLogger;
  let metrics: RecordingMetrics;
  let writer: RestKintoneRecordWriter;

  beforeEach(async () => {
    kintone = await startLocalKintone({ apps: [demoInventoryApp], apiTokens: { [APP]: [TOKEN] } });
    const client = new KintoneRestAPIClient({
      baseUrl: kintone.baseUrl,
      auth: { apiToken: TOKEN },
    });
    store = new InMemoryBridgeState();
    logger = new RecordingLogger();
    metrics = new RecordingMetrics();
    writer = new RestKintoneRecordWriter(async () => client, {
      budget: new KintoneCallBudget({ store, logger, metrics, now: () => NOW }),
      sleep: async () => undefined,
    });
  });

  afterEach(async () => {
    await kintone.close();
  });

  it('counts every request kintone received, retries included', async () => {
    // Prepare: the first two updates and the first comment are turned away.
    kintone.injectFailures({ status: 429, times: 2, path: 'record.json' });
    kintone.injectFailures({ status: 503, times: 1, path: 'record/comment.json' });

    // Act
    await writer.updateFields(APP, '1', { 発注状況: '発注依頼済' });
    await writer.addComment(APP, '1', '発注依頼を送信しました。');

    // Assess
    expect(kintone.requestLog()).toHaveLength(5);
    expect(store.kintoneCallCount(APP, DAY)).toBe(5);
  });

  it('counts a bulk update of several records as the one request it is', async () => {
    // Prepare: two records, one request.
    await writer.updateRecords(APP, [
      { recordId: '1', values: { 発注状況: '発注依頼済' } },
      { recordId: '2', values: { 発注状況: '発注依頼済' } },
    ]);
    const afterBulk = store.kintoneCallCount(APP, DAY);

    // Act
    await writer.updateRecords(APP, [
      { recordId: '1', values: { 発注番号: 'PO-0001' } },
      { recordId: '404', values: { 発注番号: 'PO-0002' } },
    ]);

    // Assess: the refused request, the look-up and the write without the deleted record.
    expect(afterBulk).toBe(1);
    expect(store.kintoneCallCount(APP, DAY)).toBe(1 + 3);
    expect(kintone.requestLog()).toHaveLength(4);
  });

  it('warns as the request that reaches 80 % is made, and still makes it', async () => {
    // Prepare
    store.seedKintoneCallCount(APP, DAY, 7_999);

    // Act
    await writer.addComment(APP, '1', '発注依頼を送信しました。');

    // Assess
    expect(kintone.requestLog().map((call) => call.status)).toEqual([200]);
    expect(logger.withMessage(KINTONE_CALL_BUDGET_WARNING)).toEqual([
      expect.objectContaining({
        extra: expect.objectContaining({ appId: APP, day: DAY, count: 8_000 }),
      }),
    ]);
    expect(metrics.totals()).toEqual({ KintoneCallBudgetWarnings: 1 });
  });

  it('writes without counting when the count cannot be stored', async () => {
    // Prepare
    writer = new RestKintoneRecordWriter(
      async () => new KintoneRestAPIClient({ baseUrl: kintone.baseUrl, auth: { apiToken: TOKEN } }),
      {
        budget: new KintoneCallBudget({
          store: { countKintoneCall: () => Promise.reject(new Error('DynamoDB unavailable')) },
          logger,
          now: () => NOW,
        }),
      },
    );

    // Act
    await writer.updateFields(APP, '1', { 発注状況: '発注依頼済' });

    // Assess
    expect(kintone.records(APP)[0]?.['発注状況']?.value).toBe('発注依頼済');
    expect(logger.entries.map((entry) => entry.level)).toEqual(['warn']);
  });
});
