import type { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalStack } from '../../local/stack';
import { addDays, localDate } from '../../shared/domain/dates';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * The order page over HTTP through the local stack: an order request's email carries a signed
 * link to the local bridge, the page opens at `/o/<token>` (a parameter route, as on API
 * Gateway), and a posted answer reaches the local kintone. Browser tests drive the same page in
 * Chromium elsewhere; this one pins the wiring.
 */

const APP = '12';
const SUPPLIER_A = 'order@sample-bungu.example.jp';
let stack: LocalStack;
let dataDir: string;
let kintone: KintoneRestAPIClient;
let recordOf: TestStack['recordOf'];
let close: TestStack['close'];

beforeAll(async () => {
  ({ stack, dataDir, kintone, recordOf, close } = await startTestStack('sab-page-'));
});

afterAll(() => close());

function formNonceOf(html: string): string {
  const nonce = /name="nonce" value="([^"]+)"/.exec(html)?.[1];
  if (nonce === undefined) throw new Error(`no form in the page:\n${html}`);
  return nonce;
}

describe('the order page on the local stack', () => {
  let pageUrl: string;
  let recordId: string;

  beforeAll(async () => {
    // Staff record a drop below the reorder point: the bridge sends the order request.
    const a100 = await recordOf('A-100');
    recordId = a100.id;
    await kintone.record.updateRecord({
      app: APP,
      id: recordId,
      record: { 在庫数: { value: '18' } },
    });
    await stack.idle();
    const emails = (await stack.ses.emails()).filter((email) =>
      email.destination.to.includes(SUPPLIER_A),
    );
    const link = /http:\/\/127\.0\.0\.1:\d+\/o\/[A-Za-z0-9._-]+/.exec(emails[0]?.body.text ?? '');
    if (!link) throw new Error('the order request email carries no order page link');
    pageUrl = link[0];
  });

  it('links order requests to the local bridge and says so in local.json', () => {
    // Assess
    expect(stack.urls.supplierPageBaseUrl).toBe(stack.urls.bridgeUrl);
    expect(pageUrl.startsWith(`${stack.urls.bridgeUrl}/o/`)).toBe(true);
    const local = JSON.parse(readFileSync(join(dataDir, 'local.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(local.supplierPageBaseUrl).toBe(stack.urls.bridgeUrl);
  });

  it('serves the page with its security headers and takes an answer into kintone', async () => {
    // Prepare
    const page = await fetch(pageUrl);
    const html = await page.text();
    const deliveryDate = addDays(localDate(new Date(), 'Asia/Tokyo'), 3);

    // Act
    const posted = await fetch(pageUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        action: 'confirm',
        deliveryDate,
        nonce: formNonceOf(html),
      }).toString(),
      redirect: 'manual',
    });
    await stack.idle();
    const thanks = await fetch(new URL(posted.headers.get('location') ?? '', pageUrl));

    // Assess
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(posted.status).toBe(303);
    expect(thanks.status).toBe(200);
    const { fields } = await recordOf('A-100');
    // The answer's own webhook reached the dispatcher, which left the answer alone.
    expect(fields['発注状況']).toBe('受注確認済');
    expect(fields['納品予定日']).toBe(deliveryDate);
    const { comments } = await kintone.record.getRecordComments({ app: APP, record: recordId });
    expect(comments[0]?.text).toContain('受注しました');
    const emails = (await stack.ses.emails()).filter((email) =>
      email.destination.to.includes(SUPPLIER_A),
    );
    expect(emails).toHaveLength(1);
  });

  it('answers a tampered link with the invalid-link page and other paths as before', async () => {
    // Act
    const tampered = await fetch(`${pageUrl.slice(0, -1)}${pageUrl.endsWith('A') ? 'B' : 'A'}`);
    const nested = await fetch(`${stack.urls.bridgeUrl}/o/a/b`);
    const wrongMethod = await fetch(pageUrl, { method: 'PUT' });

    // Assess
    expect(tampered.status).toBe(404);
    expect(tampered.headers.get('x-frame-options')).toBe('DENY');
    expect(await tampered.text()).toContain('リンクが無効か期限切れです');
    expect(nested.status).toBe(404);
    expect(nested.headers.get('content-type')).toContain('application/json');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
  });
});
