import type { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { randomUUID } from 'node:crypto';
import type { LocalStack } from '../../local/stack';
import { MAX_QUEUED_BODY_BYTES } from '../../shared/edge/queued-notification';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * Issue 10 through the local stack, whose FIFO queue refuses what SQS refuses: an item name
 * holding U+FFFF, and a notification over SQS's old 256 KiB limit (queued as it is, SQS now
 * takes 1 MiB), each still lead to one order.
 */

const APP = '12';
let stack: LocalStack;
let kintone: KintoneRestAPIClient;
let recordIdOf: TestStack['recordIdOf'];
let fields: TestStack['fields'];
let edit: TestStack['edit'];
let close: TestStack['close'];

beforeAll(async () => {
  ({ stack, kintone, recordIdOf, fields, edit, close } = await startTestStack('sab-e2e-edge-'));
});

afterAll(() => close());

async function emailsTo(address: string) {
  return (await stack.ses.emails()).filter((email) => email.destination.to.includes(address));
}

/** Every webhook delivery so far was answered 200: none was lost to a 5xx. */
function deliveryStatuses(): number[] {
  return (stack.kintone?.webhookDeliveries() ?? []).map((delivery) => delivery.status ?? 0);
}

describe('bad input never blocks an order (issue 10)', () => {
  test('an item name holding U+FFFF, then stock 5 below reorder point 20: the order goes out', async () => {
    // Prepare
    const a100 = await recordIdOf('A-100');

    // Act: the edit the issue reported (a 500 then, and every later edit of the record too).
    await edit(a100, { 品名: 'ボールペン\uFFFF黒' });
    await edit(a100, { 在庫数: '5' });

    // Assess
    expect(new Set(deliveryStatuses())).toEqual(new Set([200]));
    const emails = await emailsTo('order@sample-bungu.example.jp');
    expect(emails).toHaveLength(1);
    expect(emails[0]?.body.text).toContain('ボールペン\uFFFF黒');
    const record = await fields(a100);
    expect(record['発注状況']).toBe('発注依頼済');
    expect(record['品名']).toBe('ボールペン\uFFFF黒');
  });

  test('a 300 KB-ish notification is queued as it is and processed', async () => {
    // Prepare: C-300 at stock 1 (reorder point 2), notified with a title kintone builds from a
    // long text field; the body is over SQS's old 256 KiB limit even after trimming (the title
    // is kept), and under the 1 MiB the queue takes.
    const c300 = await recordIdOf('C-300');
    const { record } = await kintone.record.getRecord({ app: APP, id: c300 });
    record['在庫数'] = { type: 'NUMBER', value: '1' };
    const notification = {
      id: randomUUID(),
      type: 'UPDATE_RECORD',
      app: { id: APP, name: '在庫管理' },
      record,
      recordTitle: `C-300 ${'互換品の注意書き。\n'.repeat(10_500)}`,
      url: `${stack.urls.kintoneBaseUrl}/k/${APP}/show#record=${c300}`,
    };
    const bytes = Buffer.byteLength(JSON.stringify(notification));
    expect(bytes).toBeGreaterThan(300_000);
    expect(bytes).toBeLessThan(MAX_QUEUED_BODY_BYTES);
    const enqueue = jest.spyOn(stack.queue, 'enqueue');

    // Act
    const response = await fetch(stack.urls.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(notification),
    });
    await stack.idle();

    // Assess: one message, the notification itself (no claim-check reference), over 256 KiB;
    // the local queue refuses bodies over 1 MiB as SQS does.
    expect(response.status).toBe(200);
    const sent = enqueue.mock.calls
      .map(([message]) => message)
      .filter((message) => message.notificationId === notification.id);
    enqueue.mockRestore();
    expect(sent).toHaveLength(1);
    const body = sent[0]?.body ?? '';
    expect(Buffer.byteLength(body)).toBeGreaterThan(256 * 1024);
    expect(JSON.parse(body)).toMatchObject({
      id: notification.id,
      recordTitle: notification.recordTitle,
    });
    expect(JSON.parse(body)).not.toHaveProperty('claimCheck');
    const after = await fields(c300);
    expect(after['発注状況']).toBe('発注依頼済');
    expect(after['発注番号']).toMatch(/^PO-\d{8}-\d{4}$/);
    const emails = (await stack.ses.emails()).filter((e) =>
      e.subject.includes(after['発注番号'] ?? '?'),
    );
    expect(emails).toHaveLength(1);
    expect(stack.queue.stats().deadLetters).toBe(0);
  });

  test('a notification whose queued form is over the limit is answered 413, and nothing is queued', async () => {
    // Prepare: 600 KB as sent (U+FFFF is 3 bytes in UTF-8), 1.2 MB once escaped for SQS (6
    // bytes each); kintone sends nothing like it.
    const a100 = await recordIdOf('A-100');
    const { record } = await kintone.record.getRecord({ app: APP, id: a100 });
    const notification = {
      id: randomUUID(),
      type: 'UPDATE_RECORD',
      app: { id: APP, name: '在庫管理' },
      record,
      recordTitle: '\uFFFF'.repeat(200_000),
      url: `${stack.urls.kintoneBaseUrl}/k/${APP}/show#record=${a100}`,
    };
    expect(Buffer.byteLength(JSON.stringify(notification))).toBeLessThan(MAX_QUEUED_BODY_BYTES);
    const enqueue = jest.spyOn(stack.queue, 'enqueue');

    // Act
    const response = await fetch(stack.urls.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(notification),
    });
    await stack.idle();

    // Assess
    const calls = enqueue.mock.calls.filter(
      ([message]) => message.notificationId === notification.id,
    );
    enqueue.mockRestore();
    expect(response.status).toBe(413);
    const answer = (await response.json()) as { error?: { message?: string } };
    expect(answer.error?.message).toMatch(/too large to queue.*kintone never sends/);
    expect(calls).toHaveLength(0);
    expect(stack.queue.stats().deadLetters).toBe(0);
  });
});
