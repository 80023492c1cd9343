import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { execSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  bridgeFunctionProps,
  ORDER_FORM_FONT_ENVIRONMENT,
} from '../../infra/constructs/bridge-function';

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

  it('copies the order form’s fonts and their licence into fonts/ only when asked to', () => {
    // Arrange: the project root (where node_modules is) is the hook's input directory.
    const configFile = path.join(dir, 'config.json');
    writeFileSync(configFile, '{}');
    const withFonts = path.join(dir, "pdf's bundle");
    const withoutFonts = path.join(dir, 'plain bundle');
    mkdirSync(withFonts);
    mkdirSync(withoutFonts);
    const projectRoot = process.cwd();
    const fontPackage = path.join(projectRoot, 'node_modules/@expo-google-fonts/noto-sans-jp');
    const run = (outputDir: string, orderFormFonts: boolean) => {
      const hooks = bridgeFunctionProps(configFile, { orderFormFonts }).bundling?.commandHooks;
      for (const command of hooks?.afterBundling(projectRoot, outputDir) ?? []) execSync(command);
    };

    // Act
    run(withFonts, true);
    run(withoutFonts, false);

    // Assess
    expect(readdirSync(path.join(withFonts, 'fonts')).sort()).toEqual([
      'LICENSE_FONT',
      'NotoSansJP_400Regular.ttf',
      'NotoSansJP_700Bold.ttf',
    ]);
    for (const [copied, source] of [
      ['NotoSansJP_400Regular.ttf', '400Regular/NotoSansJP_400Regular.ttf'],
      ['NotoSansJP_700Bold.ttf', '700Bold/NotoSansJP_700Bold.ttf'],
      ['LICENSE_FONT', 'LICENSE_FONT'],
    ] as const) {
      expect(statSync(path.join(withFonts, 'fonts', copied)).size).toBe(
        statSync(path.join(fontPackage, source)).size,
      );
    }
    expect(readFileSync(path.join(withFonts, 'fonts', 'LICENSE_FONT'), 'utf8')).toContain(
      'SIL OPEN FONT LICENSE',
    );
    expect(readFileSync(path.join(withFonts, 'config.json'), 'utf8')).toBe('{}');
    expect(existsSync(path.join(withoutFonts, 'fonts'))).toBe(false);
    // The run-time paths name the copied files, under Lambda's task root.
    expect(ORDER_FORM_FONT_ENVIRONMENT).toEqual({
      FAX_FONT_PATH: '/var/task/fonts/NotoSansJP_400Regular.ttf',
      FAX_BOLD_FONT_PATH: '/var/task/fonts/NotoSansJP_700Bold.ttf',
    });
  });
});
