import { readFileSync } from 'node:fs';
import type { LocalStack } from '../../local/stack';
import { startTestStack, type TestStack } from '../support/local-stack';
import { bounceEvent } from '../unit/fixtures/ses-events';

/**
 * The fax channel end to end through the local stack: the Phaxio emulator receives the PDF
 * order forms and calls the bridge back, signed, with each fax's outcome.
 */

let stack: LocalStack;
let recordIdOf: TestStack['recordIdOf'];
let fields: TestStack['fields'];
let comments: TestStack['comments'];
let edit: TestStack['edit'];
let close: TestStack['close'];

beforeAll(async () => {
  ({ stack, recordIdOf, fields, comments, edit, close } = await startTestStack('sab-fax-'));
});

afterAll(() => close());

const faxes = () => stack.phaxio?.faxes() ?? [];

describe('fax through the local stack', () => {
  let e500: string;

  beforeAll(async () => {
    e500 = await recordIdOf('E-500');
  });

  test('a supplier with only a fax number gets the order form by fax, and its delivery is recorded', async () => {
    // Act: 段ボール箱 falls from 80 to 25 (reorder point 30, max 200, pack 20).
    await edit(e500, { 在庫数: '25' });

    // Assess
    const sent = faxes();
    expect(sent).toHaveLength(1);
    const record = await fields(e500);
    expect(record['発注状況']).toBe('発注依頼済');
    expect(sent[0]).toMatchObject({
      to: '+81451234567',
      tags: { order_number: record['発注番号'] },
      status: 'success',
      callback: expect.objectContaining({ status: 200 }),
    });
    const pdf = readFileSync(stack.phaxio?.pdfPath(sent[0]?.id ?? 0) ?? '');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // 50 KB a page: a priced order with a ship-to and a link puts the 注文請書 on page 2.
    const pages = pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pdf.byteLength).toBeLessThan(pages * 50 * 1024);
    expect((await comments(e500)).join('\n')).toContain('FAX 0451234567');
    expect(await stack.ses.emails()).toHaveLength(0);
  });

  test('a gateway 5xx is retried under the same order number: one fax, never two', async () => {
    // Prepare: close the first order, then make the gateway fail once.
    await edit(e500, { 在庫数: '200', 発注状況: '入荷済' });
    stack.phaxio?.failNext(1, 'http-500');
    const before = faxes().length;

    // Act
    await edit(e500, { 在庫数: '10' });

    // Assess
    const sent = faxes().slice(before);
    expect(sent).toHaveLength(1);
    const record = await fields(e500);
    expect(record['発注状況']).toBe('発注依頼済');
    expect(record['発注番号']).toMatch(/-0002$/);
    expect(sent[0]?.tags.order_number).toBe(record['発注番号']);
    expect(stack.queue.stats().deadLetters).toBe(0);
  });

  test('when the fax fails and there is no other channel, the record shows 要対応 with the reason', async () => {
    // Prepare
    await edit(e500, { 在庫数: '200', 発注状況: '入荷済' });
    stack.phaxio?.failNext(1, 'fax-failure');

    // Act
    await edit(e500, { 在庫数: '12' });

    // Assess
    const record = await fields(e500);
    expect(record['発注状況']).toBe('要対応');
    expect(record['発注理由']).toContain('FAX送信失敗');
    expect(record['発注理由']).toContain(record['発注番号']);
    const all = (await comments(e500)).join('\n');
    expect(all).toContain('のFAXを送信できませんでした');
    expect(all).toContain('【要対応】');
  });

  test('an email that bounces hard falls back to fax', async () => {
    // Prepare: C-300 has both an email address and a fax number; email goes first.
    const c300 = await recordIdOf('C-300');
    await edit(c300, { 在庫数: '1' });
    const orderNumber = (await fields(c300))['発注番号'] ?? '';
    expect((await stack.ses.emails()).map((email) => email.subject)).toContainEqual(
      expect.stringContaining(orderNumber),
    );
    const before = faxes().length;

    // Act: SES reports a permanent bounce (through the local stand-in for SNS).
    const response = await fetch(stack.urls.sesEventsUrl, {
      method: 'POST',
      body: JSON.stringify(bounceEvent(orderNumber)),
    });
    await stack.idle();

    // Assess
    expect(response.status).toBe(200);
    const sent = faxes().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: '+81698765432', tags: { order_number: orderNumber } });
    // One story on the record: the bounce and the fax in one comment, no "phone them" before it.
    // The SES events function hands the fax to the fax function, hence "送信します".
    const story = (await comments(c300)).join('\n');
    expect(story).toContain('代わりに FAX 0698765432 で送信します。仕入先への別途の連絡は不要です');
    expect(story).not.toContain('電話や FAX で発注を伝えてください');
    expect((await fields(c300))['発注状況']).toBe('発注依頼済');
  });

  test('an invalid fax number sends nothing and the record says why', async () => {
    // Prepare: D-400 is moved to a supplier outside the supplier master (whose values would
    // win), reached by fax with a number that is too short.
    const d400 = await recordIdOf('D-400');
    const emailsBefore = (await stack.ses.emails()).length;
    const faxesBefore = faxes().length;

    // Act
    await edit(d400, { 仕入先コード: 'S-099', 発注方法: 'FAX', 仕入先FAX: '03-1234', 在庫数: '3' });

    // Assess
    expect(faxes()).toHaveLength(faxesBefore);
    expect(await stack.ses.emails()).toHaveLength(emailsBefore);
    const record = await fields(d400);
    expect(record['発注状況']).toBe('要確認');
    expect(record['発注理由']).toContain('FAX番号が正しくありません ("03-1234")');
    expect(record['発注番号']).toBe('');
  });

  test('the fax callback rejects a forged signature', async () => {
    // Act
    const response = await fetch(`${stack.urls.bridgeUrl}/webhooks/fax`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-phaxio-signature': '0'.repeat(40),
      },
      body: new URLSearchParams({
        success: 'true',
        is_test: 'false',
        direction: 'sent',
        fax: '{}',
      }).toString(),
    });

    // Assess
    expect(response.status).toBe(403);
  });
});
