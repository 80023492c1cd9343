import { createHash } from 'node:crypto';
import escapeHtml from 'escape-html';

/**
 * The frame of the local stack's own HTML pages (the staff view of the local kintone, the
 * operators' dead-letters page): one stylesheet, allowed by its hash, and nothing else — no
 * script, no images, no framing — so a value typed into kintone can only ever be text.
 */

/** How a page may be left: its forms post back to it (`self`), or it has none (`none`). */
export interface LocalPageOptions {
  formAction: 'self' | 'none';
  /**
   * `no-referrer` for read-only pages; `same-origin` for pages with forms, whose POST must carry
   * the page's Origin (under no-referrer the browser sends `Origin: null`).
   */
  referrerPolicy: 'no-referrer' | 'same-origin';
}

/** A page frame: the response headers and the HTML document around a body. */
export interface LocalPage {
  headers: Record<string, string>;
  document(title: string, body: string): string;
}

/**
 * @example
 * const frame = localPage('body{margin:0}', { formAction: 'none', referrerPolicy: 'no-referrer' });
 * return { status: 200, headers: frame.headers, body: frame.document('Records', '<h1>…</h1>') };
 */
export function localPage(stylesheet: string, options: LocalPageOptions): LocalPage {
  const hash = createHash('sha256').update(stylesheet, 'utf8').digest('base64');
  const contentSecurityPolicy = [
    "default-src 'none'",
    `style-src 'sha256-${hash}'`,
    `form-action '${options.formAction}'`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  const headers = {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': options.referrerPolicy,
    'cache-control': 'no-store',
  };
  return {
    headers,
    document: (title, body) => `<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${stylesheet}</style>
</head>
<body>
${body}
</body>
</html>
`,
  };
}
