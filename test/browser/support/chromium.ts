import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { BridgeConfig } from '../../../shared/config/schema';

/**
 * Helpers for the browser tests: Debian's Chromium driven by playwright-core (which cannot
 * download a browser here), screenshots as test artifacts, and the two things a test reads the
 * way a person would see them: the page link in an order email, and the local signing key.
 */

/** Debian's Chromium unless CHROMIUM_PATH names another build. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH?.trim() || '/usr/bin/chromium';

/** Where the screenshots go (git-ignored); CI keeps the folder as an artifact. */
export const SCREENSHOT_DIR = resolve('test-artifacts', 'screenshots');

/**
 * Flags that let Chromium run headless as root on a machine with no outside network: without
 * the background-networking ones it keeps trying (and failing) to reach Google's hosts.
 * playwright-core gives every launch a fresh temporary profile, so no user-data-dir is passed.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts headless Chromium.
 *
 * @throws Error saying what to install when the executable cannot be started.
 * @example
 * const browser = await launchChromium();
 */
export async function launchChromium(): Promise<Browser> {
  try {
    return await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  } catch (error) {
    throw new Error(
      `could not start Chromium at ${CHROMIUM_PATH}: run ./scripts/ensure-chromium.sh ` +
        `(Debian's package 'chromium') or set CHROMIUM_PATH. ${String(error)}`,
    );
  }
}

/**
 * Saves a full-page screenshot as `test-artifacts/screenshots/<name>.png`.
 *
 * @example
 * await saveScreenshot(page, 'confirm-form');
 */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const HREF = /<a\b[^>]*\bhref="([^"]*)"/gi;

/** Undoes the escaping an HTML attribute value gets (escape-html's five entities). */
function unescapeAttribute(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * The order page link of an order email: the `<a href>` in its HTML that points at the page.
 * The email links it twice (button and plain URL); both must be the same link.
 *
 * @throws Error when the HTML has no such link, or two different ones.
 * @example
 * const url = orderPageLinkIn(email.body.html ?? '', stack.urls.supplierPageBaseUrl ?? '');
 */
export function orderPageLinkIn(html: string, baseUrl: string): string {
  const prefix = `${baseUrl.replace(/\/+$/, '')}/o/`;
  const links = new Set(
    [...html.matchAll(HREF)]
      .map((match) => unescapeAttribute(match[1] ?? ''))
      .filter((href) => href.startsWith(prefix)),
  );
  const [link, ...others] = [...links];
  if (link === undefined || others.length > 0) {
    throw new Error(
      `expected one order page link (${prefix}...) in the email's HTML, found ${links.size}`,
    );
  }
  return link;
}

/**
 * The order link signing key the local stack generated into `<dataDir>/local-secrets.json`,
 * under the variable the configuration's `supplierPage.signingKey` names.
 *
 * @throws Error when the configuration has no order page or the key was not generated.
 */
export function localSigningKey(config: BridgeConfig, dataDir: string): string {
  const ref = config.supplierPage?.signingKey;
  if (ref === undefined) throw new Error('the configuration has no supplierPage section');
  if (typeof ref === 'string') return ref;
  const secrets = JSON.parse(readFileSync(join(dataDir, 'local-secrets.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const key = secrets[ref.env];
  if (typeof key !== 'string' || key === '') {
    throw new Error(`local-secrets.json in ${dataDir} holds no ${ref.env}`);
  }
  return key;
}
