import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClientConfig, clockOf, metricsFromEnv } from '../../functions/common-wiring';
import { LoggingBridgeMetrics } from '../../shared/adapters/metrics/logging-bridge-metrics';
import { PowertoolsBridgeMetrics } from '../../shared/adapters/metrics/powertools-bridge-metrics';
import { Logger } from '@aws-lambda-powertools/logger';
import { localFunctionEnv, TABLE_NAME } from '../../local/stack';

describe('awsClientConfig', () => {
  it('reads region, the service endpoint, credentials and attempts from the env it is given', async () => {
    // Arrange
    const env = {
      AWS_REGION: 'ap-northeast-1',
      AWS_ENDPOINT_URL: 'http://generic.invalid',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:3004',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local-secret',
      AWS_SESSION_TOKEN: 'session',
      AWS_MAX_ATTEMPTS: '3',
      AWS_MAX_ATTEMPTS_SES: '1',
    };

    // Act
    const dynamo = awsClientConfig(env, 'DynamoDB');
    const ses = awsClientConfig(env, 'SES');

    // Assert
    expect(dynamo).toMatchObject({
      region: 'ap-northeast-1',
      endpoint: 'http://127.0.0.1:3004',
      maxAttempts: 3,
    });
    expect(await dynamo.credentials?.()).toEqual({
      accessKeyId: 'local',
      secretAccessKey: 'local-secret',
      sessionToken: 'session',
    });
    // No SES-specific endpoint: the generic one, as the SDK resolves it.
    expect(ses).toMatchObject({ endpoint: 'http://generic.invalid', maxAttempts: 1 });
  });

  it('spells multi-word services as the SDK does (AWS_ENDPOINT_URL_SECRETS_MANAGER)', () => {
    expect(
      awsClientConfig({ AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://sm.invalid' }, 'Secrets Manager')
        .endpoint,
    ).toBe('http://sm.invalid');
  });

  it('leaves everything to the SDK defaults when the env says nothing (Lambda without extras)', () => {
    expect(awsClientConfig({}, 'SQS')).toEqual({});
    expect(awsClientConfig({ AWS_ACCESS_KEY_ID: 'only-the-id' }, 'SQS')).toEqual({});
  });

  it('refuses a max attempts that is not a positive integer', () => {
    expect(() => awsClientConfig({ AWS_MAX_ATTEMPTS_SES: 'zero' }, 'SES')).toThrow(
      /AWS_MAX_ATTEMPTS\(_SES\) must be a positive integer/,
    );
  });

  it('configures a real client that sends to the given endpoint', async () => {
    // Arrange
    const client = new DynamoDBClient(
      awsClientConfig(
        {
          AWS_REGION: 'eu-west-1',
          AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
          AWS_ACCESS_KEY_ID: 'a',
          AWS_SECRET_ACCESS_KEY: 'b',
        },
        'DynamoDB',
      ),
    );

    // Act
    const endpoint = await client.config.endpoint?.();
    const region = await client.config.region();
    client.destroy();

    // Assert
    expect(endpoint?.hostname).toBe('127.0.0.1');
    expect(endpoint?.port).toBe(9);
    expect(region).toBe('eu-west-1');
  });
});

describe('metricsFromEnv', () => {
  const logger = new Logger({ logLevel: 'SILENT' });

  it('publishes Powertools metrics by default', () => {
    const { metrics, powertoolsMetrics } = metricsFromEnv({}, logger);
    expect(metrics).toBeInstanceOf(PowertoolsBridgeMetrics);
    expect(powertoolsMetrics).toBeDefined();
  });

  it('logs each count instead when POWERTOOLS_METRICS_DISABLED is true in the env given', () => {
    const { metrics, powertoolsMetrics } = metricsFromEnv(
      { POWERTOOLS_METRICS_DISABLED: 'true' },
      logger,
    );
    expect(metrics).toBeInstanceOf(LoggingBridgeMetrics);
    expect(powertoolsMetrics).toBeUndefined();
  });
});

describe('clockOf', () => {
  it('is the override, or the system clock', () => {
    const fixed = new Date('2026-12-02T01:00:00Z');
    expect(clockOf({ now: () => fixed })()).toBe(fixed);
    expect(Math.abs(clockOf()().getTime() - Date.now())).toBeLessThan(1_000);
  });
});

describe('localFunctionEnv', () => {
  it('points the functions at the local services and clears what would reach AWS', () => {
    // Arrange: a shell set up for AWS, with a secret the configuration refers to.
    const shell = {
      SECRETS_ARN: 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:x',
      QUEUE_URL: 'https://sqs.ap-northeast-1.amazonaws.com/123456789012/q.fifo',
      AWS_ENDPOINT_URL: 'https://example.invalid',
      AWS_SESSION_TOKEN: 'real-session',
      WEBHOOK_TOKEN_APP_12: 'kept-for-the-secret-source',
    };

    // Act
    const env = localFunctionEnv(shell, {
      configPath: '/abs/config/demo.json',
      kintoneBaseUrl: 'http://127.0.0.1:3001',
      dynamodbEndpoint: 'http://127.0.0.1:3004',
      sesEndpoint: 'http://127.0.0.1:3003',
      maxReceiveCount: 5,
      logLevel: 'SILENT',
      phaxioBaseUrl: 'http://127.0.0.1:3005/v2.1',
      faxCallbackUrl: 'http://127.0.0.1:3000/webhooks/fax',
    });

    // Assert
    expect(env).toMatchObject({
      WEBHOOK_TOKEN_APP_12: 'kept-for-the-secret-source',
      SECRETS_ARN: '',
      QUEUE_URL: '',
      AWS_ENDPOINT_URL: '',
      AWS_SESSION_TOKEN: '',
      BRIDGE_CONFIG_FILE: '/abs/config/demo.json',
      TABLE_NAME,
      KINTONE_BASE_URL: 'http://127.0.0.1:3001',
      MAX_RECEIVE_COUNT: '5',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:3004',
      AWS_ENDPOINT_URL_SES: 'http://127.0.0.1:3003',
      AWS_MAX_ATTEMPTS_SES: '1',
      PHAXIO_BASE_URL: 'http://127.0.0.1:3005/v2.1',
      FAX_CALLBACK_URL: 'http://127.0.0.1:3000/webhooks/fax',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    expect(awsClientConfig(env, 'SES')).toMatchObject({
      endpoint: 'http://127.0.0.1:3003',
      maxAttempts: 1,
    });
    expect(awsClientConfig(env, 'DynamoDB').maxAttempts).toBeUndefined();
  });
});
