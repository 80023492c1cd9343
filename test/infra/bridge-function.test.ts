import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bridgeFunctionProps } from '../../infra/constructs/bridge-function';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bridge-function-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('bridgeFunctionProps', () => {
  it('bundles minified ESM with source maps, the createRequire banner and the pinned AWS SDK', () => {
    // Act
    const props = bridgeFunctionProps('config/demo.json');

    // Assess
    expect(props.runtime).toBe(Runtime.NODEJS_22_X);
    expect(props.architecture).toBe(Architecture.ARM_64);
    expect(props.memorySize).toBe(256);
    expect(props.tracing).toBe(Tracing.DISABLED);
    expect(props.bundling).toMatchObject({
      format: OutputFormat.ESM,
      target: 'node22',
      minify: true,
      sourceMap: true,
      externalModules: [],
    });
    expect(props.bundling?.banner).toContain('createRequire(import.meta.url)');
  });

  it('copies the deployment’s config file into the bundle as config.json, whatever the paths contain', () => {
    // Arrange: quotes and spaces must survive the shell.
    const configDir = path.join(dir, "it's a config dir");
    const outputDir = path.join(dir, 'asset output');
    mkdirSync(configDir);
    mkdirSync(outputDir);
    const configFile = path.join(configDir, 'acme.json');
    writeFileSync(configFile, '{"company":{}}');
    const hooks = bridgeFunctionProps(configFile).bundling?.commandHooks;

    // Act
    for (const command of hooks?.afterBundling(dir, outputDir) ?? []) execSync(command);

    // Assess
    expect(readFileSync(path.join(outputDir, 'config.json'), 'utf8')).toBe('{"company":{}}');
    expect(hooks?.beforeBundling(dir, outputDir)).toEqual([]);
    expect(hooks?.beforeInstall(dir, outputDir)).toEqual([]);
  });
});
