import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DEFAULT_REGION,
  PLACEHOLDER_ACCOUNT,
  resolveDeploymentSettings,
  type SettingsEnv,
} from '../../infra/deployment-settings';
import { ConfigError } from '../../shared/config/load-config';
import { withoutSupplierMaster } from './fax-configs';
import { cdkJsonContext } from './synth-bridge';

const demoConfig = (): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(process.cwd(), 'config/demo.json'), 'utf8')) as Record<
    string,
    unknown
  >;

/** Settings from cdk.json's context plus `context`, like `cdk synth -c key=value`. */
function resolve(context: Record<string, unknown> = {}, env: SettingsEnv = {}) {
  const merged = { ...cdkJsonContext(), ...context };
  return resolveDeploymentSettings({ context: (key) => merged[key], env, cwd: process.cwd() });
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bridge-settings-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(config: unknown): string {
  const file = path.join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

describe('resolveDeploymentSettings', () => {
  it('uses the cdk.json defaults and the placeholder environment when nothing else is given', () => {
    // Act
    const settings = resolve();

    // Assess
    expect(settings).toMatchObject({
      stage: 'dev',
      configPath: path.join(process.cwd(), 'config/demo.json'),
      kintoneBaseUrl: 'https://example.cybozu.com',
      senderIdentity: 'purchasing@demo-shoji.example.jp',
      operatorEmail: 'ops@example.com',
      account: PLACEHOLDER_ACCOUNT,
      region: DEFAULT_REGION,
      secretKeys: [
        'KINTONE_API_TOKEN_APP_12',
        'KINTONE_API_TOKEN_APP_13',
        'KINTONE_API_TOKEN_APP_15',
        'PHAXIO_API_KEY',
        'PHAXIO_API_SECRET',
        'PHAXIO_CALLBACK_TOKEN',
        'SUPPLIER_PAGE_SIGNING_KEY',
        'WEBHOOK_TOKEN_APP_12',
        'WEBHOOK_TOKEN_APP_15',
      ],
    });
    expect(settings.config.apps.map((app) => app.appId)).toEqual(['12', '15']);
  });

  it('lets -c context replace the defaults and environment variables replace both', () => {
    // Act
    const fromContext = resolve({
      stage: 'staging',
      kintoneBaseUrl: 'https://acme.cybozu.com/',
      operatorEmail: 'oncall@acme.example',
      account: '222222222222',
      region: 'us-east-1',
    });
    const fromEnv = resolve(
      { stage: 'staging', account: '222222222222' },
      {
        STAGE: 'prod',
        KINTONE_BASE_URL: 'https://acme.kintone.com',
        SES_SENDER_IDENTITY: 'demo-shoji.example.jp',
        OPERATOR_EMAIL: 'pager@acme.example',
        CDK_DEFAULT_ACCOUNT: '333333333333',
        CDK_DEFAULT_REGION: 'eu-west-1',
      },
    );

    // Assess
    expect(fromContext).toMatchObject({
      stage: 'staging',
      kintoneBaseUrl: 'https://acme.cybozu.com',
      operatorEmail: 'oncall@acme.example',
      account: '222222222222',
      region: 'us-east-1',
    });
    expect(fromEnv).toMatchObject({
      stage: 'prod',
      kintoneBaseUrl: 'https://acme.kintone.com',
      senderIdentity: 'demo-shoji.example.jp',
      operatorEmail: 'pager@acme.example',
      account: '333333333333',
      region: 'eu-west-1',
    });
  });

  it('fails with the config loader’s message when the config file is invalid', () => {
    // Arrange
    const config = demoConfig();
    delete config.company;
    const file = writeConfig(config);

    // Act
    const message = errorOf(() => resolve({ configPath: file }));

    // Assess
    expect(message).toContain(`${file} is invalid`);
    expect(message).toContain('company');
  });

  it('names a missing config file', () => {
    expect(errorOf(() => resolve({ configPath: 'config/missing.json' }))).toMatch(
      /cannot read configuration file .*config\/missing\.json/,
    );
  });

  it('refuses literal secrets, which would ship inside the function bundle', () => {
    // Arrange
    const config = demoConfig();
    const apps = config.apps as Record<string, unknown>[];
    apps[0] = { ...apps[0], webhookTokens: ['a-literal-webhook-token-0123456789'] };
    const file = writeConfig(config);

    // Act
    const message = errorOf(() => resolve({ configPath: file }));

    // Assess
    expect(message).toContain('apps[0].webhookTokens[0] is a literal secret');
    expect(message).not.toContain('a-literal-webhook-token-0123456789');
  });

  it('lists the Phaxio gateway’s secret references, and none for email-to-fax', () => {
    // Arrange: without the master's token, or app 15's (which needs the master), in the way
    const { supplierPage: _demoPage, ...withoutPage } = withoutSupplierMaster(demoConfig());
    const withGateway = (gateway: Record<string, unknown>) =>
      writeConfig({ ...withoutPage, fax: { region: 'JP', gateway } });
    const phaxio = withGateway({
      type: 'phaxio',
      apiKey: { env: 'FAX_KEY' },
      apiSecret: { env: 'FAX_SECRET' },
      callbackToken: { env: 'FAX_CALLBACK' },
    });

    // Act
    const phaxioKeys = resolve({ configPath: phaxio }).secretKeys;
    const emailToFaxKeys = resolve({
      configPath: withGateway({ type: 'email-to-fax', domain: 'fax.example.jp' }),
    }).secretKeys;

    // Assess
    expect(phaxioKeys).toEqual([
      'FAX_CALLBACK',
      'FAX_KEY',
      'FAX_SECRET',
      'KINTONE_API_TOKEN_APP_12',
      'WEBHOOK_TOKEN_APP_12',
    ]);
    expect(emailToFaxKeys).toEqual(['KINTONE_API_TOKEN_APP_12', 'WEBHOOK_TOKEN_APP_12']);
  });

  it('refuses a literal Phaxio credential', () => {
    // Arrange
    const file = writeConfig({
      ...demoConfig(),
      fax: {
        gateway: {
          type: 'phaxio',
          apiKey: { env: 'FAX_KEY' },
          apiSecret: 'a-literal-phaxio-secret-0123456789',
          callbackToken: { env: 'FAX_CALLBACK' },
        },
      },
    });

    // Act
    const message = errorOf(() => resolve({ configPath: file }));

    // Assess
    expect(message).toContain('fax.gateway.apiSecret is a literal secret');
    expect(message).not.toContain('a-literal-phaxio-secret-0123456789');
  });

  it('lists the supplier page’s signing key among the secret’s keys', () => {
    // Arrange: without the master's token, or app 15's (which needs the master), in the way
    const {
      supplierPage: _demoPage,
      fax: _demoFax,
      ...config
    } = withoutSupplierMaster(demoConfig());
    const file = writeConfig({ ...config, supplierPage: { signingKey: { env: 'LINK_KEY' } } });

    // Act
    const { secretKeys } = resolve({ configPath: file });

    // Assess
    expect(secretKeys).toEqual(['KINTONE_API_TOKEN_APP_12', 'LINK_KEY', 'WEBHOOK_TOKEN_APP_12']);
  });

  it('refuses a literal signing key', () => {
    // Arrange
    const file = writeConfig({
      ...demoConfig(),
      supplierPage: { signingKey: 'a-literal-signing-key-0123456789abcdef' },
    });

    // Act
    const message = errorOf(() => resolve({ configPath: file }));

    // Assess
    expect(message).toContain('supplierPage.signingKey is a literal secret');
    expect(message).not.toContain('a-literal-signing-key-0123456789abcdef');
  });

  it.each([
    [{ stage: 'Prod!' }, /stage "Prod!" is invalid/],
    [{ kintoneBaseUrl: 'http://acme.cybozu.com' }, /must be an https origin/],
    [{ kintoneBaseUrl: 'https://acme.cybozu.com/k/v1' }, /must be an https origin/],
    [{ kintoneBaseUrl: 'not a url' }, /is not a URL/],
    [{ senderIdentity: 'someone@other.example' }, /does not cover company.email/],
    [{ senderIdentity: 'other.example' }, /does not cover company.email/],
    [{ senderIdentity: 'no spaces allowed' }, /neither an email address nor a domain/],
    [{ operatorEmail: 'ops' }, /operatorEmail "ops" is not an email address/],
    [{ account: '1234' }, /12-digit AWS account id/],
    [{ region: 'tokyo' }, /region "tokyo" is invalid/],
  ])('rejects %j', (context, expected) => {
    expect(errorOf(() => resolve(context))).toMatch(expected);
  });
});
