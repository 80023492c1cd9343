import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { RestKintoneRecordWriter } from '../../shared/adapters/kintone/kintone-record-writer';
import { loadConfigFile } from '../../shared/config/load-config';
import { processNotification } from '../../shared/use-cases/process-notification';
import { notificationSchema } from '../../shared/kintone/notification';
import { demoInventoryApp } from '../../local/kintone/demo-app';
import { startLocalKintone, type LocalKintone } from '../../local/kintone/local-kintone';
import { InMemoryBridgeState } from '../fakes/in-memory-order-store';
import { RecordingLogger } from '../fakes/recording-logger';
import { RecordingOrderMailer } from '../fakes/recording-order-mailer';

/**
 * kintone's webhook carries the record as it was when the notification was sent. Staff may edit
 * the record again before the bridge writes its outcome back; the write-back must not undo that
 * edit. It sends no revision and only the bridge's own fields, so kintone cannot refuse it with
 * a revision conflict (GAIA_CO02) and keeps every other field as staff left it.
 */

const APP = demoInventoryApp.appId;
const TOKEN = 'staff-edit-test-token';

describe('write-back after a later staff edit', () => {
  let kintone: LocalKintone;
  let client: KintoneRestAPIClient;

  beforeEach(async () => {
    kintone = await startLocalKintone({ apps: [demoInventoryApp], apiTokens: { [APP]: [TOKEN] } });
    client = new KintoneRestAPIClient({ baseUrl: kintone.baseUrl, auth: { apiToken: TOKEN } });
  });

  afterEach(async () => {
    await kintone.close();
  });

  it('keeps the staff edit made between the webhook and the write-back', async () => {
    // Prepare: staff drop A-100 to 18 (the notification), then count again and enter 17 and a
    // stock-on-order figure before the bridge has written anything back.
    await client.record.updateRecord({ app: APP, id: '1', record: { 在庫数: { value: '18' } } });
    const { record: notified } = await client.record.getRecord({ app: APP, id: '1' });
    const notification = notificationSchema.parse({
      id: 'staff-edit-0001',
      type: 'UPDATE_RECORD',
      app: { id: APP, name: '在庫管理' },
      record: notified,
    });
    await client.record.updateRecord({
      app: APP,
      id: '1',
      record: { 在庫数: { value: '17' }, 発注残: { value: '0' } },
    });
    const config = loadConfigFile('config/demo.json');
    const mailer = new RecordingOrderMailer();

    // Act
    const outcome = await processNotification(notification, {
      config,
      ...bridgeState(),
      mailer,
      kintone: new RestKintoneRecordWriter(async () => client),
      logger: new RecordingLogger(),
      now: () => new Date('2026-11-28T02:15:00Z'),
    });

    // Assess: the order went out and was written back, and the later edit is intact.
    expect(outcome.decision.kind).toBe('order');
    expect(mailer.sent).toHaveLength(1);
    const { record } = await client.record.getRecord({ app: APP, id: '1' });
    expect(record['在庫数']?.value).toBe('17');
    expect(record['発注残']?.value).toBe('0');
    expect(record['発注状況']?.value).toBe('発注依頼済');
    expect(record['発注番号']?.value).toBe(outcome.orderNumber);
    expect(
      kintone
        .requestLog()
        .filter((call) => call.method === 'PUT')
        .map((call) => call.status),
    ).toEqual([200, 200, 200]);
  });
});

/** One in-memory bridge state behind every store port of the dispatcher. */
function bridgeState() {
  const state = new InMemoryBridgeState();
  return { orders: state, items: state, processed: state };
}
