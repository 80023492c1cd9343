import { randomUUID } from 'node:crypto';
import type { LocalStack } from '../../local/stack';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * Failures staff can see, through the local stack (official kintone client edits, real webhooks,
 * queue, dynalite, SES emulator behind its fault proxy): an order that cannot be sent yet shows
 * 送信待ち; one that failed every attempt shows 要対応 and is sent by a replay; a notification
 * that can never be processed is parked and does not hold back its record's next drop.
 */

const APP = '12';
let stack: LocalStack;
let t: TestStack;

beforeAll(async () => {
  // The record's statuses are read from the webhooks of its changes. The bridge writes 送信待ち
  // and 要対応 to its order's records with a bulk update, for which kintone (and so the local
  // kintone) sends no webhook; as in kintone's March 2025 incident, this stack sends one per
  // record, so each status the record showed is seen (and the bridge stays loop-safe).
  t = await startTestStack('sab-e2e-failures-', { kintone: { bulkUpdateWebhooks: true } });
  stack = t.stack;
});

afterAll(() => t.close());

// Five attempts per notification through the local queue, and the echoes of the bridge's writes.
jest.setTimeout(60_000);

/** 発注状況 values the record showed, as the webhooks of its changes carried them. */
function statusesShown(recordId: string): string[] {
  return (stack.kintone?.webhookDeliveries() ?? [])
    .filter((delivery) => {
      const record = (delivery.notification as { record?: { $id?: { value?: string } } }).record;
      return record?.$id?.value === recordId;
    })
    .map((delivery) => {
      const record = (delivery.notification as { record: Record<string, { value: unknown }> })
        .record;
      return String(record['発注状況']?.value);
    });
}

describe('failures are visible on the record', () => {
  test('SES down on every attempt: 送信待ち, then 要対応 with what to do; a replay sends it once', async () => {
    // Prepare: A-100 (stock 50, reorder point 20); SES refuses every attempt
    const id = await t.recordIdOf('A-100');
    stack.sesFaults.failNext(1_000, 'unavailable');

    // Act: staff drop the stock; the queue retries until the dead letters
    await t.edit(id, { 在庫数: '18' });

    // Assess: the record said 送信待ち while retrying, and 要対応 once the retries were spent
    expect(statusesShown(id)).toContain('送信待ち');
    const failed = await t.fields(id);
    expect(failed['発注状況']).toBe('要対応');
    expect(failed['発注理由']).toContain('この変更の通知を処理できませんでした');
    expect(failed['発注理由']).toContain('何度か再試行しましたが失敗し');
    expect(failed['発注番号']).toMatch(/^PO-\d{8}-\d{4}$/);
    const [letter] = stack.queue.deadLetters();
    expect(letter?.groupId).toBe(`${APP}:${id}`);
    expect(await stack.ses.emails()).toHaveLength(0);

    // Act: SES is back; the operator replays the dead letter
    stack.sesFaults.failNext(0);
    stack.queue.redrive(letter ? [letter.messageId] : []);
    await stack.idle();

    // Assess: one email, under the order number the record already showed
    const emails = await stack.ses.emails();
    expect(emails).toHaveLength(1);
    const sent = await t.fields(id);
    expect(sent['発注状況']).toBe('発注依頼済');
    expect(sent['発注番号']).toBe(failed['発注番号']);
    expect(emails[0]?.subject).toContain(sent['発注番号']);
  });

  test("a notification that can never be processed is parked; the record's next drop is ordered", async () => {
    // Prepare: a message for C-300's record that no dispatcher can read, queued in its group
    const id = await t.recordIdOf('C-300');
    await stack.queue.enqueue({
      notificationId: `poison-${randomUUID()}`,
      groupId: `${APP}:${id}`,
      body: JSON.stringify({
        id: 'poison-1',
        type: 'UPDATE_RECORD',
        app: { id: APP, name: '在庫管理' },
        record: {
          $id: { type: '__ID__', value: id },
          $revision: { type: '__REVISION__', value: 'x' },
        },
      }),
    });
    await stack.idle();
    const before = (await stack.ses.emails()).length;

    // Act: staff drop C-300 (stock 5, reorder point 2) below its reorder point
    await t.edit(id, { 在庫数: '1' });

    // Assess: no dead letter, the drop ordered, the record no longer shows the parked failure
    expect(stack.queue.deadLetters().filter((d) => d.groupId === `${APP}:${id}`)).toEqual([]);
    expect(await stack.ses.emails()).toHaveLength(before + 1);
    expect((await t.fields(id))['発注状況']).toBe('発注依頼済');
    expect(statusesShown(id)).toContain('要対応');
  });
});
