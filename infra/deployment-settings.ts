/**
 * What one deployment of the bridge is made of, resolved from the CDK context (`cdk.json`
 * defaults, `-c key=value`) and environment variables, and checked before any construct is
 * built, so a bad value fails `cdk synth` with a message instead of a broken stack.
 *
 * @module
 */
import path from 'node:path';
import { ConfigError, loadConfigFile } from '../shared/config/load-config';
import type { BridgeConfig, SecretRef } from '../shared/config/schema';

/** Environment variables, passed in so that tests never depend on the shell they run in. */
export type SettingsEnv = Readonly<Record<string, string | undefined>>;

/** Placeholder account used when neither the CLI nor the context names one (offline synth). */
export const PLACEHOLDER_ACCOUNT = '111111111111';
/** Region used when neither the CLI nor the context names one: kintone's customers are mostly in Japan. */
export const DEFAULT_REGION = 'ap-northeast-1';
/** The only stage whose data may be destroyed with the stack. */
export const DEV_STAGE = 'dev';

/** Context keys the app reads (defaults live in cdk.json). */
export const CONTEXT_KEYS = {
  stage: 'stage',
  configPath: 'configPath',
  kintoneBaseUrl: 'kintoneBaseUrl',
  senderIdentity: 'senderIdentity',
  operatorEmail: 'operatorEmail',
  account: 'account',
  region: 'region',
} as const;

/** Environment variables that override the context (cdk.json always supplies a value). */
export const ENV_OVERRIDES = {
  stage: 'STAGE',
  kintoneBaseUrl: 'KINTONE_BASE_URL',
  senderIdentity: 'SES_SENDER_IDENTITY',
  operatorEmail: 'OPERATOR_EMAIL',
} as const;

/** Everything the stack needs to know about the deployment. */
export interface DeploymentSettings {
  /** Lower-case name such as `dev` or `prod`; part of resource names, so kept short. */
  readonly stage: string;
  /** Repository root: function entries are resolved against it. */
  readonly projectRoot: string;
  /** Absolute path of the deployment's configuration file (copied into every bundle). */
  readonly configPath: string;
  /** The validated configuration. */
  readonly config: BridgeConfig;
  /** `https://<subdomain>.cybozu.com` (or `.kintone.com`), without a trailing slash. */
  readonly kintoneBaseUrl: string;
  /** SES identity that sends order requests: an email address or a domain. */
  readonly senderIdentity: string;
  /** Receives alarm notifications (an SNS email subscription to confirm once). */
  readonly operatorEmail: string;
  /** AWS account id of the stack. */
  readonly account: string;
  /** AWS region of the stack. */
  readonly region: string;
  /**
   * Names the configuration references as `{"env": NAME}` (kintone tokens, fax gateway
   * credentials, the supplier page's signing key); each must be a key of the Secrets Manager
   * secret's JSON value.
   */
  readonly secretKeys: readonly string[];
}

/** Where settings come from; `context` is usually `(key) => app.node.tryGetContext(key)`. */
export interface SettingsSource {
  context(key: string): unknown;
  env: SettingsEnv;
  /**
   * The repository root, which relative paths are resolved against. The CLI runs the app from
   * the directory holding cdk.json, which is the root.
   */
  cwd: string;
}

const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,15}$/;
const ACCOUNT_PATTERN = /^\d{12}$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/i;

function nonEmpty(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Every secret reference in the configuration. Literal secrets are refused: in AWS the bundle
 * (and so the config file inside it) is readable by anyone who can read the function's code,
 * while the Secrets Manager secret is readable only by the functions' roles.
 */
export function referencedSecretKeys(config: BridgeConfig, configPath: string): string[] {
  const keys = new Set<string>();
  const visit = (ref: SecretRef, where: string) => {
    if (typeof ref === 'string') {
      throw new ConfigError(
        `${configPath}: ${where} is a literal secret; for an AWS deployment use {"env": "NAME"} and put NAME in the Secrets Manager secret`,
      );
    }
    keys.add(ref.env);
  };
  config.apps.forEach((app, index) => {
    app.webhookTokens.forEach((ref, tokenIndex) =>
      visit(ref, `apps[${index}].webhookTokens[${tokenIndex}]`),
    );
    visit(app.apiToken, `apps[${index}].apiToken`);
  });
  const gateway = config.fax?.gateway;
  // The email-to-fax gateway sends through SES with the functions' role: it has no credentials.
  if (gateway?.type === 'phaxio') {
    visit(gateway.apiKey, 'fax.gateway.apiKey');
    visit(gateway.apiSecret, 'fax.gateway.apiSecret');
    visit(gateway.callbackToken, 'fax.gateway.callbackToken');
  }
  if (config.supplierPage) visit(config.supplierPage.signingKey, 'supplierPage.signingKey');
  if (config.supplierMaster) visit(config.supplierMaster.apiToken, 'supplierMaster.apiToken');
  if (config.orderApp) {
    visit(config.orderApp.apiToken, 'orderApp.apiToken');
    config.orderApp.webhookTokens.forEach((ref, index) =>
      visit(ref, `orderApp.webhookTokens[${index}]`),
    );
  }
  return [...keys].sort();
}

/**
 * Resolves and validates the deployment settings.
 *
 * Precedence: environment variable, then context (`-c key=value` replaces the cdk.json
 * default), then the built-in default. The sender identity defaults to the config's
 * `company.email`. The account and region come from `CDK_DEFAULT_ACCOUNT`/`CDK_DEFAULT_REGION`
 * (set by the CLI when credentials resolve), then context `account`/`region`, then
 * {@link PLACEHOLDER_ACCOUNT} and {@link DEFAULT_REGION} so that synth works offline; deploying
 * with the placeholder account fails in the CLI, which is the point.
 *
 * @throws ConfigError naming the bad value and what was expected.
 * @example
 * const settings = resolveDeploymentSettings({
 *   context: (key) => app.node.tryGetContext(key),
 *   env: process.env,
 *   cwd: process.cwd(),
 * });
 */
export function resolveDeploymentSettings(source: SettingsSource): DeploymentSettings {
  const pick = (key: keyof typeof CONTEXT_KEYS, envName?: string): string | undefined =>
    (envName ? nonEmpty(source.env[envName]) : undefined) ??
    nonEmpty(source.context(CONTEXT_KEYS[key]));

  const stage = pick('stage', ENV_OVERRIDES.stage) ?? DEV_STAGE;
  if (!STAGE_PATTERN.test(stage)) {
    throw new ConfigError(
      `stage "${stage}" is invalid: expected 1-16 lower-case letters, digits or hyphens starting with a letter, such as "dev" or "prod"`,
    );
  }

  const configPath = path.resolve(source.cwd, pick('configPath') ?? 'config/demo.json');
  const config = loadConfigFile(configPath);
  const secretKeys = referencedSecretKeys(config, configPath);

  const kintoneBaseUrl = (
    pick('kintoneBaseUrl', ENV_OVERRIDES.kintoneBaseUrl) ?? 'https://example.cybozu.com'
  ).replace(/\/+$/, '');
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(kintoneBaseUrl);
  } catch {
    throw new ConfigError(
      `kintoneBaseUrl "${kintoneBaseUrl}" is not a URL; expected https://<subdomain>.cybozu.com`,
    );
  }
  // The API token travels in a header; plain HTTP would expose it.
  if (parsedUrl.protocol !== 'https:' || parsedUrl.pathname !== '/' || parsedUrl.search !== '') {
    throw new ConfigError(
      `kintoneBaseUrl "${kintoneBaseUrl}" must be an https origin without a path, such as https://example.cybozu.com`,
    );
  }

  const senderIdentity =
    pick('senderIdentity', ENV_OVERRIDES.senderIdentity) ?? config.company.email;
  if (!EMAIL_PATTERN.test(senderIdentity) && !DOMAIN_PATTERN.test(senderIdentity)) {
    throw new ConfigError(
      `senderIdentity "${senderIdentity}" is neither an email address nor a domain; set it with -c senderIdentity=... or SES_SENDER_IDENTITY`,
    );
  }
  if (EMAIL_PATTERN.test(config.company.email) && !sendsAs(senderIdentity, config.company.email)) {
    throw new ConfigError(
      `senderIdentity "${senderIdentity}" does not cover company.email "${config.company.email}" in ${configPath}: SES sends only from a verified address or domain`,
    );
  }

  const operatorEmail = pick('operatorEmail', ENV_OVERRIDES.operatorEmail) ?? 'ops@example.com';
  if (!EMAIL_PATTERN.test(operatorEmail)) {
    throw new ConfigError(
      `operatorEmail "${operatorEmail}" is not an email address; set it with -c operatorEmail=... or OPERATOR_EMAIL`,
    );
  }

  const account =
    nonEmpty(source.env.CDK_DEFAULT_ACCOUNT) ?? pick('account') ?? PLACEHOLDER_ACCOUNT;
  if (!ACCOUNT_PATTERN.test(account)) {
    throw new ConfigError(`account "${account}" is invalid: expected a 12-digit AWS account id`);
  }
  const region = nonEmpty(source.env.CDK_DEFAULT_REGION) ?? pick('region') ?? DEFAULT_REGION;
  if (!REGION_PATTERN.test(region)) {
    throw new ConfigError(
      `region "${region}" is invalid: expected a region such as ap-northeast-1`,
    );
  }

  return {
    stage,
    projectRoot: path.resolve(source.cwd),
    configPath,
    config,
    kintoneBaseUrl,
    senderIdentity,
    operatorEmail,
    account,
    region,
    secretKeys,
  };
}

/** True when mail from `from` may be sent through the SES identity `identity`. */
function sendsAs(identity: string, from: string): boolean {
  const lowerIdentity = identity.toLowerCase();
  const lowerFrom = from.toLowerCase();
  if (lowerIdentity.includes('@')) return lowerIdentity === lowerFrom;
  // A verified domain covers its addresses (subdomains need their own identity).
  return lowerFrom.endsWith(`@${lowerIdentity}`);
}
