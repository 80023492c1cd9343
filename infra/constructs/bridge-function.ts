import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  NodejsFunction,
  OutputFormat,
  type NodejsFunctionProps,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';
import path from 'node:path';

/** Lambda's task root: where the bundle (and the copied config file) lands at run time. */
export const LAMBDA_TASK_ROOT = '/var/task';
/** Name of the configuration file inside every bundle. */
export const BUNDLED_CONFIG_NAME = 'config.json';

/** Powertools settings shared by every function (metric names are in the monitoring construct). */
export const POWERTOOLS_SERVICE_NAME = 'stock-alert-bridge';
/** CloudWatch namespace of the bridge's own metrics. */
export const METRICS_NAMESPACE = 'StockAlertBridge';

/**
 * Lets CommonJS dependencies call `require` inside the ES module bundle; without it esbuild's
 * `__require` shim throws "Dynamic require of ... is not supported" (same banner as
 * scripts/bundle.ts, whose measurements describe what is deployed).
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * What `brotli/decompress.js` resolves to in every bundle, relative to the project root (the
 * working directory of CDK's local esbuild and of scripts/bench-cold.ts). fontkit imports
 * brotli only to decode WOFF2 fonts, and its dictionary is about 475 KB of each fax-sending
 * bundle; the order form embeds TrueType fonts (shared/documents/order-form-fonts.ts), so the
 * decoder is never called. The stub throws a clear error if a WOFF2 font ever reaches fontkit.
 */
export const BROTLI_DECOMPRESS_STUB = 'infra/bundling/brotli-decompress-stub.ts';

/**
 * What `@aws-sdk/credential-provider-node` (the SDK's default credential chain) resolves to in
 * every bundle: the SDK's environment provider alone, which is where Lambda puts the role's
 * credentials. About 130 KB less per function that calls AWS (the STS and SSO clients of the
 * chain's other links); see the module for why nothing else of the chain is ever reached.
 */
export const CREDENTIALS_FROM_ENVIRONMENT = 'infra/bundling/credentials-from-environment.ts';

/**
 * What `mime-db` (the MIME type database, 133 KB) resolves to in every bundle: an empty
 * database. Only form-data needs it, which @kintone/rest-api-client loads for its file client
 * (`client.file.uploadFile`) to name an upload's content type from its file name; the bridge
 * uploads no files. Were one uploaded, mime-types would know no types and form-data would send
 * `application/octet-stream`, its own fallback, instead of failing.
 */
export const EMPTY_MIME_DB = 'infra/bundling/mime-db-empty.json';

/**
 * The esbuild settings every function is bundled with. {@link bridgeFunctionProps} hands them to
 * CDK, and {@link bridgeEsbuildOptions} to esbuild itself (scripts/bench-cold.ts,
 * test/infra/bundle-brotli-stub.test.ts), so what is measured is what is deployed.
 *
 * - ESM for Node.js 22, minified, with linked source maps without the sources (the map only
 *   needs line mappings for stack traces; embedding the sources doubles its size).
 * - `mainFields` module first: prefer a package's ES build so tree shaking has something to cut.
 * - `externalModules: []` bundles the AWS SDK versions pinned in package.json instead of the
 *   runtime's, which AWS updates without notice.
 * - `alias`: brotli's decoder is replaced by {@link BROTLI_DECOMPRESS_STUB}, and the SDK's
 *   default credential chain by its environment provider ({@link CREDENTIALS_FROM_ENVIRONMENT}),
 *   and the MIME database, which only kintone's unused file client reads, by an empty one
 *   ({@link EMPTY_MIME_DB}).
 */
export const BRIDGE_ESBUILD_SETTINGS = {
  target: 'node22',
  minify: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  externalModules: [] as readonly string[],
  alias: {
    'brotli/decompress.js': `./${BROTLI_DECOMPRESS_STUB}`,
    '@aws-sdk/credential-provider-node': `./${CREDENTIALS_FROM_ENVIRONMENT}`,
    'mime-db': `./${EMPTY_MIME_DB}`,
  },
} as const;

/**
 * {@link BRIDGE_ESBUILD_SETTINGS} as esbuild's own options, the way CDK's `NodejsFunction`
 * passes them on the command line (`--sourcemap` is a linked map), for a build run from
 * `projectRoot`.
 *
 * @example
 * await build({ ...bridgeEsbuildOptions(root), entryPoints: ['functions/webhook/index.ts'], outfile });
 */
export function bridgeEsbuildOptions(projectRoot: string): BuildOptions {
  const settings = BRIDGE_ESBUILD_SETTINGS;
  return {
    absWorkingDir: path.resolve(projectRoot),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: settings.target,
    minify: settings.minify,
    sourcemap: 'linked',
    sourcesContent: settings.sourcesContent,
    mainFields: [...settings.mainFields],
    banner: { js: settings.banner },
    external: [...settings.externalModules],
    alias: { ...settings.alias },
  };
}

/** The npm package whose Noto Sans JP files the fax order form embeds (see docs/fonts.md). */
export const ORDER_FORM_FONT_PACKAGE = 'node_modules/@expo-google-fonts/noto-sans-jp';
/**
 * What a PDF-rendering bundle needs from that package, relative to it: the two weights, and the
 * SIL Open Font License, which must travel with the font files (OFL condition 2).
 */
export const ORDER_FORM_FONT_FILES = {
  regular: '400Regular/NotoSansJP_400Regular.ttf',
  bold: '700Bold/NotoSansJP_700Bold.ttf',
  licence: 'LICENSE_FONT',
} as const;
/** Directory of the font files inside the bundle. */
export const BUNDLED_FONTS_DIR = 'fonts';

/**
 * Where the order form's fonts are at run time (read by shared/adapters/fax/fonts-from-env.ts);
 * the files are copied there by {@link bridgeFunctionProps} with `orderFormFonts`.
 */
export const ORDER_FORM_FONT_ENVIRONMENT: Readonly<Record<string, string>> = {
  FAX_FONT_PATH: `${LAMBDA_TASK_ROOT}/${BUNDLED_FONTS_DIR}/${path.basename(ORDER_FORM_FONT_FILES.regular)}`,
  FAX_BOLD_FONT_PATH: `${LAMBDA_TASK_ROOT}/${BUNDLED_FONTS_DIR}/${path.basename(ORDER_FORM_FONT_FILES.bold)}`,
};

/** Options of {@link bridgeFunctionProps}. */
export interface BundleOptions {
  /**
   * Copy the order form's fonts and their licence into `fonts/` of the bundle: only for
   * the function that renders fax PDFs (send-fax), as the two files add about 6 MB to the zip.
   */
  readonly orderFormFonts?: boolean;
}

/** Quotes a path for the POSIX shell that runs local bundling hooks. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The one set of function settings every bridge function shares; only the entry, timeout,
 * environment and role differ.
 *
 * - Node.js 22 on arm64: the runtime the handlers are tested for; Graviton is cheaper per ms.
 * - esbuild as {@link BRIDGE_ESBUILD_SETTINGS} says, with linked source maps and
 *   `--enable-source-maps`, so stack traces in the logs point at the TypeScript sources.
 * - Tracing is off: Powertools logs and metrics answer the operational questions, and X-Ray's
 *   PutTraceSegments permission can only be granted on `Resource: *`.
 * - With `orderFormFonts`, the Noto Sans JP files come from the project's node_modules:
 *   pdfkit bundles fine, but a bundle has no node_modules to read the TTF files from.
 *
 * @example
 * new NodejsFunction(this, 'Fn', { ...bridgeFunctionProps('/abs/config.json'), entry, timeout });
 */
export function bridgeFunctionProps(
  configPath: string,
  options: BundleOptions = {},
): NodejsFunctionProps {
  const absoluteConfigPath = path.resolve(configPath);
  return {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    handler: 'handler',
    tracing: lambda.Tracing.DISABLED,
    bundling: {
      format: OutputFormat.ESM,
      target: BRIDGE_ESBUILD_SETTINGS.target,
      minify: BRIDGE_ESBUILD_SETTINGS.minify,
      sourceMap: true,
      sourcesContent: BRIDGE_ESBUILD_SETTINGS.sourcesContent,
      mainFields: [...BRIDGE_ESBUILD_SETTINGS.mainFields],
      banner: BRIDGE_ESBUILD_SETTINGS.banner,
      externalModules: [...BRIDGE_ESBUILD_SETTINGS.externalModules],
      // A relative alias resolves from esbuild's working directory: the project root when CDK
      // bundles locally (esbuild is a devDependency, so it never falls back to Docker).
      esbuildArgs: {
        '--alias': Object.entries(BRIDGE_ESBUILD_SETTINGS.alias).map(
          ([from, to]) => `${from}=${to}`,
        ),
      },
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        // The functions read their configuration from the bundle, so a config change is a code
        // change that CloudFormation rolls out (and rolls back) with the functions.
        afterBundling: (inputDir: string, outputDir: string) => [
          `cp ${shellQuote(absoluteConfigPath)} ${shellQuote(`${outputDir}/${BUNDLED_CONFIG_NAME}`)}`,
          ...(options.orderFormFonts ? copyOrderFormFonts(inputDir, outputDir) : []),
        ],
      },
    },
  };
}

/**
 * Shell commands that copy the order form's fonts and licence from the project (`inputDir`,
 * the directory of package-lock.json) into `fonts/` of the bundle.
 */
function copyOrderFormFonts(inputDir: string, outputDir: string): string[] {
  const fontsDir = `${outputDir}/${BUNDLED_FONTS_DIR}`;
  const sources = Object.values(ORDER_FORM_FONT_FILES).map((file) =>
    shellQuote(`${inputDir}/${ORDER_FORM_FONT_PACKAGE}/${file}`),
  );
  return [
    `mkdir -p ${shellQuote(fontsDir)}`,
    `cp ${sources.join(' ')} ${shellQuote(`${fontsDir}/`)}`,
  ];
}

/** Props of {@link BridgeFunction}. */
export interface BridgeFunctionProps {
  /** Path of `functions/<name>/index.ts`, which exports `handler`. */
  readonly entry: string;
  /** Deployment's configuration file, copied into the bundle as config.json. */
  readonly configPath: string;
  readonly timeout: Duration;
  /** Function-specific variables, added to the shared ones. Never a secret value. */
  readonly environment: Readonly<Record<string, string>>;
  readonly stage: string;
  /** Secrets Manager secret whose JSON holds the values the config references as {"env": NAME}. */
  readonly secretsArn: string;
  readonly logRetention: logs.RetentionDays;
  /** What happens to the log group when the stack is deleted. */
  readonly logRemovalPolicy: RemovalPolicy;
  readonly description: string;
  /**
   * The function renders fax order forms: its bundle carries the fonts, and FAX_FONT_PATH and
   * FAX_BOLD_FONT_PATH point at them.
   */
  readonly rendersOrderForms?: boolean;
  /**
   * Concurrent executions reserved for (and capping) the function; unreserved without it. The
   * scheduled sender uses 1: one run at a time, so two runs never send the same due order.
   */
  readonly reservedConcurrentExecutions?: number;
  /** Memory in MB; 256 (the shared default) without it. The fax function needs more. */
  readonly memorySize?: number;
}

/**
 * One bridge Lambda function: the shared settings from {@link bridgeFunctionProps}, its own
 * log group with retention, and its own role that may write to that log group and nothing
 * else until the stack grants more (no AWSLambdaBasicExecutionRole, whose log permissions
 * cover every log group).
 */
export class BridgeFunction extends Construct {
  /** The function. */
  readonly fn: NodejsFunction;
  /** The function's execution role. */
  readonly role: iam.Role;
  /** The function's log group. */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BridgeFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      ...bridgeFunctionProps(props.configPath, {
        orderFormFonts: props.rendersOrderForms ?? false,
      }),
      entry: props.entry,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      description: props.description,
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      ...(props.memorySize === undefined ? {} : { memorySize: props.memorySize }),
      environment: {
        BRIDGE_CONFIG_FILE: `${LAMBDA_TASK_ROOT}/${BUNDLED_CONFIG_NAME}`,
        SECRETS_ARN: props.secretsArn,
        POWERTOOLS_SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        STAGE: props.stage,
        NODE_OPTIONS: '--enable-source-maps',
        ...(props.rendersOrderForms ? ORDER_FORM_FONT_ENVIRONMENT : {}),
        ...props.environment,
      },
    });
  }
}
