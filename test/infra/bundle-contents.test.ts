import { build } from 'esbuild';
import { bridgeEsbuildOptions } from '../../infra/constructs/bridge-function';

/**
 * What each function's bundle pulls in. The fax form (pdfkit, fontkit: about 1 MB and a slower
 * cold start) belongs only in the functions that send faxes; a shared import that drags it into
 * the others is easy to add by accident and invisible in their tests.
 */

const FUNCTIONS = [
  'webhook',
  'dispatch',
  'ses-events',
  'fax-status',
  'supplier-page',
  'send-due-orders',
  'sweep',
] as const;
// Only the fax function renders order forms; the others hand faxes to it (issue 13).
const SENDS_FAXES = new Set(['send-fax']);

async function packagesOf(fn: string): Promise<Set<string>> {
  const result = await build({
    // The deployed settings, so the test sees what CDK bundles.
    ...bridgeEsbuildOptions(process.cwd()),
    entryPoints: [`functions/${fn}/index.ts`],
    write: false,
    sourcemap: false,
    minify: false,
    // The SDK is not what this test is about; leaving it out keeps the builds quick.
    external: ['@aws-sdk/*'],
    metafile: true,
    logLevel: 'silent',
  });
  const packages = new Set<string>();
  for (const [input, { imports }] of Object.entries(result.metafile.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1]) packages.add(match[1]);
    // The SDK's packages are left external: an import of one still names it.
    for (const { path, external } of imports) {
      const name = external ? /^(?:@[^/]+\/)?[^/]+/.exec(path)?.[0] : undefined;
      if (name) packages.add(name);
    }
  }
  return packages;
}

describe('function bundles', () => {
  it.each(FUNCTIONS)(
    '%s carries the fax form only if it sends faxes',
    async (fn) => {
      // Act
      const packages = await packagesOf(fn);

      // Assess
      expect(packages.has('pdfkit')).toBe(SENDS_FAXES.has(fn));
      expect(packages.has('fontkit')).toBe(SENDS_FAXES.has(fn));
    },
    60_000,
  );

  it('bundles the holiday list with the dispatcher (business days need no network call)', async () => {
    // Act
    const packages = await packagesOf('dispatch');

    // Assess: the lead time counts business days from @holiday-jp/holiday_jp's data.
    expect(packages.has('@holiday-jp/holiday_jp')).toBe(true);
  }, 60_000);

  it('keeps the kintone client (axios, mime-db) out of the webhook function', async () => {
    // Act
    const packages = await packagesOf('webhook');

    // Assess: the webhook only validates and queues; it never calls kintone.
    expect(packages.has('@kintone/rest-api-client')).toBe(false);
    expect(packages.has('axios')).toBe(false);
  }, 60_000);

  it('keeps DynamoDB out of the webhook function (it queues every notification, no claim checks)', async () => {
    // Act
    const packages = await packagesOf('webhook');

    // Assess: SQS and Secrets Manager only; the sweep still writes claim checks.
    expect(packages.has('@aws-sdk/client-sqs')).toBe(true);
    expect(packages.has('@aws-sdk/client-dynamodb')).toBe(false);
    expect(packages.has('@aws-sdk/lib-dynamodb')).toBe(false);
    expect((await packagesOf('sweep')).has('@aws-sdk/client-dynamodb')).toBe(true);
  }, 60_000);
});
