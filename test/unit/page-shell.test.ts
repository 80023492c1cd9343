import { renderApprovalPage } from '../../shared/documents/approval-page';
import { renderMessagePage } from '../../shared/documents/order-page';
import { privatePage } from '../../shared/documents/page-shell';
import { demoOrderRequest } from '../support/single-item-order-request';

describe('privatePage: the head every page behind a signed link shares', () => {
  it('keeps the URL to itself, stays out of search engines and styles only with its nonce', () => {
    const html = privatePage({
      lang: 'en',
      title: 'Order <PO-1> & "you"',
      cspNonce: 'n0nce"><script>',
      style: 'body{margin:0}',
      body: '<h1>Order</h1>',
    });
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
    expect(html).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(html).toContain('<title>Order &lt;PO-1&gt; &amp; &quot;you&quot;</title>');
    expect(html).toContain(
      '<style nonce="n0nce&quot;&gt;&lt;script&gt;">\nbody{margin:0}\n</style>',
    );
    expect(html).toContain('<main>\n<h1>Order</h1>\n</main>');
    expect(html).not.toContain('class="lang"');
  });

  it('puts the language switch above the content, its URL escaped', () => {
    const html = privatePage({
      lang: 'ja',
      title: '発注書',
      cspNonce: 'n',
      style: '',
      languageSwitch: { url: '/o/t?lang=en&x="1"', lang: 'en', label: 'English' },
      body: '<p>本文</p>',
    });
    expect(html).toContain(
      '<p class="lang"><a href="/o/t?lang=en&amp;x=&quot;1&quot;" lang="en" hreflang="en">English</a></p>\n<main>',
    );
  });

  it('is the head of the supplier pages and of the approval page alike', () => {
    const message = renderMessagePage({
      lang: 'ja',
      title: 'ありがとうございました',
      message: '受け付けました',
      cspNonce: 'm',
    });
    const approval = renderApprovalPage({
      request: demoOrderRequest(),
      reason: '金額が上限を超えています',
      state: 'awaiting',
      formAction: '/a/token',
      formNonce: 'form-nonce',
      cspNonce: 'a',
    });
    for (const html of [message, approval]) {
      expect(html).toContain('<meta name="referrer" content="no-referrer">');
      expect(html).toContain('<meta name="robots" content="noindex, nofollow">');
    }
    expect(approval).toContain('<style nonce="a">');
    expect(approval).toMatch(/<title>発注書 .+ の承認<\/title>/);
  });
});
