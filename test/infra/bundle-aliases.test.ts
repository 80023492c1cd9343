import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  bridgeEsbuildOptions,
  CREDENTIALS_FROM_ENVIRONMENT,
  EMPTY_MIME_DB,
} from '../../infra/constructs/bridge-function';

/**
 * The deployed esbuild settings replace two packages in every bundle (brotli's decoder has its
 * own test, bundle-brotli-stub.test.ts):
 *
 * - the SDK's default credential chain, by its environment provider (where Lambda puts the
 *   role's credentials): a client bundled with those settings takes its credentials from the
 *   environment, fails with the SDK's error naming the variables without them, and the chain's
 *   other links (with their STS and SSO clients) are in no function bundle;
 * - the MIME database, by an empty one: kintone's client still loads and builds a multipart
 *   upload (form-data falls back to application/octet-stream), and the 133 KB are gone.
 */

const ROOT = process.cwd();

const ENTRY = `
import { SQSClient } from '@aws-sdk/client-sqs';
const client = new SQSClient({ region: 'ap-northeast-1' });
client.config.credentials().then(
  (credentials) => process.stdout.write(JSON.stringify({ accessKeyId: credentials.accessKeyId })),
  (error) => process.stdout.write(JSON.stringify({ error: error.name + ': ' + error.message })),
);
`;

const UPLOAD_ENTRY = `
import FormData from 'form-data';
import { KintoneRestAPIClient } from '@kintone/rest-api-client';
const client = new KintoneRestAPIClient({ baseUrl: 'https://example.cybozu.com', auth: { apiToken: 'x' } });
const form = new FormData();
form.append('file', Buffer.from('%PDF-1.4'), 'PO-1.pdf');
process.stdout.write(JSON.stringify({ client: typeof client.file.uploadFile, body: form.getBuffer().toString() }));
`;

describe('credentials in the function bundles', () => {
  let dir: string;
  let outfile: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bundle-credentials-'));
    const entry = path.join(ROOT, `.bundle-credentials-${process.pid}.ts`);
    writeFileSync(entry, ENTRY);
    outfile = path.join(dir, 'index.mjs');
    try {
      await build({
        ...bridgeEsbuildOptions(ROOT),
        entryPoints: [entry],
        outfile,
        logLevel: 'silent',
      });
    } finally {
      rmSync(entry, { force: true });
    }
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(env: Record<string, string>): { accessKeyId?: string; error?: string } {
    const result = spawnSync(process.execPath, [outfile], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
    });
    return JSON.parse(result.stdout || '{}') as { accessKeyId?: string; error?: string };
  }

  it('come from the environment, as Lambda sets it', () => {
    expect(
      run({
        AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEY',
        AWS_SECRET_ACCESS_KEY: 'example-secret',
        AWS_SESSION_TOKEN: 'example-token',
      }),
    ).toEqual({ accessKeyId: 'ASIAEXAMPLEKEY' });
  });

  it('fail with the SDK error that names the variables when the environment has none', () => {
    const { error } = run({});
    expect(error).toMatch(/^CredentialsProviderError: /);
    expect(error).toContain('environment variable');
  });

  it('leave the rest of the default chain out of every function bundle', async () => {
    const result = await build({
      ...bridgeEsbuildOptions(ROOT),
      entryPoints: ['functions/dispatch/index.ts'],
      outfile: path.join(dir, 'dispatch.mjs'),
      metafile: true,
      write: false,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain(CREDENTIALS_FROM_ENVIRONMENT);
    for (const left of [
      '@aws-sdk/credential-provider-node',
      '@aws-sdk/credential-provider-sso',
      '@aws-sdk/credential-provider-ini',
      '@aws-sdk/nested-clients',
    ]) {
      expect(inputs.filter((input) => input.includes(`node_modules/${left}/`))).toEqual([]);
    }
  }, 60_000);
});

describe('the MIME database in the function bundles', () => {
  it('is empty: kintone’s client loads and an upload falls back to application/octet-stream', async () => {
    // Arrange
    const dir = mkdtempSync(path.join(tmpdir(), 'bundle-mime-'));
    const entry = path.join(ROOT, `.bundle-mime-${process.pid}.ts`);
    writeFileSync(entry, UPLOAD_ENTRY);
    const outfile = path.join(dir, 'index.mjs');
    try {
      const result = await build({
        ...bridgeEsbuildOptions(ROOT),
        entryPoints: [entry],
        outfile,
        metafile: true,
        logLevel: 'silent',
      });

      // Act
      const run = spawnSync(process.execPath, [outfile], { encoding: 'utf8' });
      const output = JSON.parse(run.stdout || '{}') as { client?: string; body?: string };

      // Assess
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs).toContain(EMPTY_MIME_DB);
      expect(inputs.filter((input) => input.includes('node_modules/mime-db/'))).toEqual([]);
      expect(output.client).toBe('function');
      expect(output.body).toContain('Content-Type: application/octet-stream');
    } finally {
      rmSync(entry, { force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
