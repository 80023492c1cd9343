import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  bridgeEsbuildOptions,
  CREDENTIALS_FROM_ENVIRONMENT,
} from '../../infra/constructs/bridge-function';

/**
 * The deployed esbuild settings replace the SDK's default credential chain with its environment
 * provider (where Lambda puts the role's credentials). This bundles a client with those
 * settings and checks, in a fresh process, that it takes its credentials from the environment
 * and that without them it fails with the SDK's error naming the variables; and that the
 * chain's other links (and their STS and SSO clients) are not in a function bundle at all.
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
