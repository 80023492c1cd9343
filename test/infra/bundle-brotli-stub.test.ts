import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import decompress, { BROTLI_STUB_MESSAGE } from '../../infra/bundling/brotli-decompress-stub';
import {
  BROTLI_DECOMPRESS_STUB,
  bridgeEsbuildOptions,
  CREDENTIALS_FROM_ENVIRONMENT,
  EMPTY_MIME_DB,
  bridgeFunctionProps,
} from '../../infra/constructs/bridge-function';
import { defaultFontPaths, renderOrderPdf } from '../../shared/documents/order-form-pdf';
import { demoOrderRequest } from '../support/single-item-order-request';

/**
 * The deployed esbuild settings replace brotli (fontkit's WOFF2 decoder) with a stub. The fax
 * tests run the sources, not a bundle, so this renders the order form from a bundle built with
 * those settings and checks it is the form the sources render, byte for byte.
 */

const ROOT = process.cwd();

const RENDER_ENTRY = `
import { readFileSync, writeFileSync } from 'node:fs';
import { defaultFontPaths, renderOrderPdf } from './shared/documents/order-form-pdf';
const [requestFile, pdfFile] = process.argv.slice(2);
const request = JSON.parse(readFileSync(requestFile, 'utf8'));
writeFileSync(pdfFile, await renderOrderPdf(request, defaultFontPaths()));
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'brotli-stub-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the brotli stub in the function bundles', () => {
  it('throws an error that says why brotli is missing and what to do', () => {
    // Act, Assess
    expect(() => decompress()).toThrow(BROTLI_STUB_MESSAGE);
    expect(BROTLI_STUB_MESSAGE).toMatch(/WOFF2.*TrueType/s);
  });

  it('is what CDK aliases brotli to, as the bench and this test do', () => {
    // Act
    const props = bridgeFunctionProps('config/demo.json');

    // Assess
    // (The aliases beside it are tested in bundle-aliases.test.ts.)
    expect(props.bundling?.esbuildArgs).toEqual({
      '--alias': [
        `brotli/decompress.js=./${BROTLI_DECOMPRESS_STUB}`,
        `@aws-sdk/credential-provider-node=./${CREDENTIALS_FROM_ENVIRONMENT}`,
        `mime-db=./${EMPTY_MIME_DB}`,
      ],
    });
    expect(bridgeEsbuildOptions(ROOT).alias).toEqual({
      'brotli/decompress.js': `./${BROTLI_DECOMPRESS_STUB}`,
      '@aws-sdk/credential-provider-node': `./${CREDENTIALS_FROM_ENVIRONMENT}`,
      'mime-db': `./${EMPTY_MIME_DB}`,
    });
  });

  it('leaves brotli out of a bundle that renders the order form, which renders as from the sources', async () => {
    // Arrange
    // The demo order (A-100, 84 本) with a supplier page link, so the form carries the QR code.
    const request = demoOrderRequest('https://orders.example.com/o/PO-20261128-0001?sig=abc');
    const requestFile = path.join(dir, 'request.json');
    const pdfFile = path.join(dir, 'order.pdf');
    const bundleFile = path.join(dir, 'render.mjs');
    writeFileSync(requestFile, JSON.stringify(request));

    // Act
    const result = await build({
      ...bridgeEsbuildOptions(ROOT),
      stdin: { contents: RENDER_ENTRY, resolveDir: ROOT, loader: 'ts', sourcefile: 'render.ts' },
      outfile: bundleFile,
      metafile: true,
      logLevel: 'silent',
    });
    const run = spawnSync(process.execPath, [bundleFile, requestFile, pdfFile], {
      cwd: ROOT,
      encoding: 'utf8',
    });

    // Assess
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.includes('node_modules/fontkit/'))).toBe(true);
    expect(inputs.some((input) => input.includes('node_modules/brotli/'))).toBe(false);
    expect(inputs).toContain('infra/bundling/brotli-decompress-stub.ts');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const fromSources = await renderOrderPdf(request, defaultFontPaths());
    expect(readFileSync(pdfFile).equals(fromSources)).toBe(true);
  }, 120_000);
});
