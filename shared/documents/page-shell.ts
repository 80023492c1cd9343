import escapeHtml from 'escape-html';
import type { PageLang } from './page-text';

const e = escapeHtml;

/** What differs between the bridge's private pages (the supplier's order page, the approval page). */
export interface PrivatePageShell {
  lang: PageLang;
  title: string;
  /** The nonce of the page's one inline style, which its Content-Security-Policy header names. */
  cspNonce: string;
  /** The page's own CSS. */
  style: string;
  /** A link to the same page in the other language, above the content. */
  languageSwitch?: { url: string; lang: PageLang; label: string };
  /** The content of `<main>`: HTML whose text is already escaped. */
  body: string;
}

/**
 * A page reached by a signed link: one person's, never to be indexed or to leak its URL. The
 * referrer meta repeats the Referrer-Policy header: the token is in the URL and must not leave
 * with a click on a mail or phone link. One head for every such page, so none forgets it.
 *
 * @example
 * privatePage({ lang: 'ja', title: '発注書 PO-1', cspNonce, style: STYLE, body: '<h1>…</h1>' });
 */
export function privatePage(shell: PrivatePageShell): string {
  const languageSwitch = shell.languageSwitch
    ? `<p class="lang"><a href="${e(shell.languageSwitch.url)}" lang="${shell.languageSwitch.lang}" hreflang="${shell.languageSwitch.lang}">${e(shell.languageSwitch.label)}</a></p>\n`
    : '';
  return `<!doctype html>
<html lang="${shell.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${e(shell.title)}</title>
<style nonce="${e(shell.cspNonce)}">
${shell.style}
</style>
</head>
<body>
${languageSwitch}<main>
${shell.body}
</main>
</body>
</html>
`;
}
