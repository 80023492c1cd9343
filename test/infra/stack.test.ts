import { Match, type Template } from 'aws-cdk-lib/assertions';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bridgeTableDefinition } from '../../shared/adapters/dynamodb/bridge-table';
import { BRIDGE_METRIC_NAMES } from '../../infra/constructs/bridge-monitoring';
import { NOTIFICATION_QUEUED_LOG_MESSAGE } from '../../shared/ports/bridge-metrics';
import {
  DISPATCH_TIMEOUT,
  FAX_STATUS_TIMEOUT,
  SEND_DUE_ORDERS_TIMEOUT,
  SEND_FAX_MEMORY_MB,
  SUPPLIER_PAGE_TIMEOUT,
  SWEEP_TABLE_GRANTS,
  SWEEP_TIMEOUT,
} from '../../infra/stock-alert-bridge-stack';
import type * as events from 'aws-cdk-lib/aws-events';
import type { BridgeFunction } from '../../infra/constructs/bridge-function';
import {
  EMAIL_TO_FAX,
  PHAXIO_FAX,
  SUPPLIER_PAGE,
  writeConfigWithFax,
  writeTestConfig,
} from './fax-configs';
import {
  acknowledgementsIn,
  dependencyCycleIn,
  logicalIdOf,
  synthBridge,
  type SynthesizedBridge,
} from './synth-bridge';

/** The part of a CloudFormation resource the assertions read. */
interface ResourceJson {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

interface StatementJson {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

function resourcesOf(template: Template, type: string): Record<string, ResourceJson> {
  return template.findResources(type) as Record<string, ResourceJson>;
}

function propsOf(resource: ResourceJson | undefined): Record<string, unknown> {
  if (!resource?.Properties) throw new Error('resource has no Properties');
  return resource.Properties;
}

function only<T>(items: Record<string, T>): [string, T] {
  const entries = Object.entries(items);
  if (entries.length !== 1) throw new Error(`expected exactly one, found ${entries.length}`);
  return entries[0] as [string, T];
}

function statementsOf(policy: ResourceJson): StatementJson[] {
  const document = propsOf(policy).PolicyDocument as { Statement: StatementJson[] };
  return document.Statement;
}

/** Every string inside a JSON value (intrinsics included). */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

/** The email subscription of the operators' topic. */
function emailSubscription(template: Template): Record<string, unknown> {
  const [, subscription] = only(
    Object.fromEntries(
      Object.entries(resourcesOf(template, 'AWS::SNS::Subscription')).filter(
        ([, candidate]) => propsOf(candidate).Protocol === 'email',
      ),
    ),
  );
  return propsOf(subscription);
}

/** kintone's ceiling for webhook notifications. */
const KINTONE_NOTIFICATIONS_PER_MINUTE = 60;

const actionsOf = (statement: StatementJson): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** IAM policy statements attached to a role, by the role's logical id. */
function roleStatements(template: Template, roleLogicalId: string): StatementJson[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) =>
      (propsOf(policy).Roles as unknown[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId }),
      ),
    )
    .flatMap(statementsOf);
}

const COMMON_ENV_NAMES = [
  'BRIDGE_CONFIG_FILE',
  'SECRETS_ARN',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_LOG_LEVEL',
  'STAGE',
  'NODE_OPTIONS',
];

/** Without a fax gateway: the email-only stack. */
let dev: SynthesizedBridge;
/** cdk.json's defaults as `cdk synth` sees them (config/demo.json), in the prod stage. */
let prod: SynthesizedBridge;
/** With a Phaxio fax gateway. */
let phaxio: SynthesizedBridge;
/** With an email-to-fax gateway. */
let emailFax: SynthesizedBridge;
/** With the supplier page, without fax. */
let page: SynthesizedBridge;
/** With the supplier page and a Phaxio fax gateway: both add routes to the one API. */
let pagePhaxio: SynthesizedBridge;
let configDir: string;

beforeAll(() => {
  configDir = mkdtempSync(path.join(tmpdir(), 'bridge-stack-'));
  dev = synthBridge({ configPath: writeConfigWithFax(configDir, 'no-fax.json', undefined) });
  phaxio = synthBridge({ configPath: writeConfigWithFax(configDir, 'phaxio.json', PHAXIO_FAX) });
  emailFax = synthBridge({
    configPath: writeConfigWithFax(configDir, 'email-to-fax.json', EMAIL_TO_FAX),
  });
  page = synthBridge({
    configPath: writeTestConfig(configDir, 'page.json', { supplierPage: SUPPLIER_PAGE }),
  });
  pagePhaxio = synthBridge({
    configPath: writeTestConfig(configDir, 'page-phaxio.json', {
      fax: PHAXIO_FAX,
      supplierPage: SUPPLIER_PAGE,
    }),
  });
  prod = synthBridge({
    stage: 'prod',
    kintoneBaseUrl: 'https://acme.cybozu.com',
    senderIdentity: 'demo-shoji.example.jp',
    operatorEmail: 'oncall@demo-shoji.example.jp',
  });
});
afterAll(() => {
  rmSync(configDir, { recursive: true, force: true });
});

/** The sweep function (on by default: `sweep.enabled`). */
function sweepOf(bridge: SynthesizedBridge): BridgeFunction {
  const fn = bridge.stack.functions.sweep;
  if (!fn) throw new Error('the stack has no sweep function');
  return fn;
}

const fnIds = (bridge: SynthesizedBridge) => ({
  webhook: logicalIdOf(bridge.stack, bridge.stack.functions.webhook.fn),
  dispatch: logicalIdOf(bridge.stack, bridge.stack.functions.dispatch.fn),
  sesEvents: logicalIdOf(bridge.stack, bridge.stack.functions.sesEvents.fn),
  sendDueOrders: logicalIdOf(bridge.stack, bridge.stack.functions.sendDueOrders.fn),
  sweep: logicalIdOf(bridge.stack, sweepOf(bridge).fn),
});
const roleIds = (bridge: SynthesizedBridge) => ({
  webhook: logicalIdOf(bridge.stack, bridge.stack.functions.webhook.role),
  dispatch: logicalIdOf(bridge.stack, bridge.stack.functions.dispatch.role),
  sesEvents: logicalIdOf(bridge.stack, bridge.stack.functions.sesEvents.role),
  sendDueOrders: logicalIdOf(bridge.stack, bridge.stack.functions.sendDueOrders.role),
  sweep: logicalIdOf(bridge.stack, sweepOf(bridge).role),
});

describe('functions', () => {
  it('runs all four on Node.js 22, arm64, 256 MB, with their own log group', () => {
    // Act
    const functions = resourcesOf(dev.template, 'AWS::Lambda::Function');

    // Assess
    expect(Object.keys(functions).sort()).toEqual(Object.values(fnIds(dev)).sort());
    for (const fn of Object.values(functions)) {
      expect(propsOf(fn)).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/Logs/) } },
      });
      // No X-Ray: its permission can only be granted on Resource "*".
      expect(propsOf(fn).TracingConfig).toBeUndefined();
    }
    dev.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('dispatch'),
      Timeout: DISPATCH_TIMEOUT.toSeconds(),
    });
  });

  it('keeps every log group for one month', () => {
    // Act
    const logGroups = Object.values(resourcesOf(dev.template, 'AWS::Logs::LogGroup'));

    // Assess: five functions (the sweep's included) and the API's access logs.
    expect(logGroups).toHaveLength(6);
    for (const logGroup of logGroups) expect(propsOf(logGroup).RetentionInDays).toBe(30);
  });

  it('gives each function exactly the contract environment, with no secret value in it', () => {
    // Arrange
    const ids = fnIds(dev);
    const envOf = (id: string, template = dev.template) =>
      (
        propsOf(resourcesOf(template, 'AWS::Lambda::Function')[id]).Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
    const secretRef = { Ref: logicalIdOf(dev.stack, dev.stack.secret) };
    const tableRef = { Ref: logicalIdOf(dev.stack, dev.stack.table) };
    const common = {
      BRIDGE_CONFIG_FILE: '/var/task/config.json',
      SECRETS_ARN: secretRef,
      POWERTOOLS_SERVICE_NAME: 'stock-alert-bridge',
      POWERTOOLS_METRICS_NAMESPACE: 'StockAlertBridge',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      STAGE: 'dev',
      NODE_OPTIONS: '--enable-source-maps',
    };

    // Assess: exact equality leaves no room for an extra variable carrying a token.
    expect(Object.keys(common).sort()).toEqual([...COMMON_ENV_NAMES].sort());
    // No TABLE_NAME: the webhook queues every notification as is and touches no table.
    expect(envOf(ids.webhook)).toEqual({
      ...common,
      QUEUE_URL: { Ref: logicalIdOf(dev.stack, dev.stack.queue) },
    });
    expect(envOf(ids.dispatch)).toEqual({
      ...common,
      TABLE_NAME: tableRef,
      KINTONE_BASE_URL: 'https://example.cybozu.com',
      SES_CONFIGURATION_SET: { Ref: expect.stringMatching(/^ConfigurationSet/) },
      MAX_RECEIVE_COUNT: '5',
    });
    expect(envOf(ids.sesEvents)).toEqual({
      ...common,
      TABLE_NAME: tableRef,
      KINTONE_BASE_URL: 'https://example.cybozu.com',
    });
    // The scheduled sender sends as dispatch does, but reads no queue (no MAX_RECEIVE_COUNT).
    expect(envOf(ids.sendDueOrders)).toEqual({
      ...common,
      TABLE_NAME: tableRef,
      KINTONE_BASE_URL: 'https://example.cybozu.com',
      SES_CONFIGURATION_SET: { Ref: expect.stringMatching(/^ConfigurationSet/) },
    });
    expect(envOf(fnIds(prod).dispatch, prod.template)).toMatchObject({
      STAGE: 'prod',
      KINTONE_BASE_URL: 'https://acme.cybozu.com',
    });
  });
});

describe('HTTP API', () => {
  it('routes POST /webhooks/kintone to the webhook function', () => {
    // Assess
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /webhooks/kintone',
      AuthorizationType: 'NONE',
    });
    dev.template.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [fnIds(dev).webhook, 'Arn'] },
    });
  });

  it("throttles the $default stage to twice kintone's 60 notifications a minute, burst 10", () => {
    // Arrange
    const [, stage] = only(resourcesOf(dev.template, 'AWS::ApiGatewayV2::Stage'));
    const throttle = propsOf(stage).DefaultRouteSettings as {
      ThrottlingRateLimit: number;
      ThrottlingBurstLimit: number;
    };

    // Assess
    expect(propsOf(stage)).toMatchObject({ StageName: '$default', AutoDeploy: true });
    expect(throttle).toEqual({ ThrottlingRateLimit: 2, ThrottlingBurstLimit: 10 });
    // Headroom: a full minute of kintone's maximum fits twice into the steady rate.
    expect(throttle.ThrottlingRateLimit * 60).toBe(2 * KINTONE_NOTIFICATIONS_PER_MINUTE);
  });

  it('writes JSON access logs that never contain the query string or the request path', () => {
    for (const bridge of [dev, page, pagePhaxio]) {
      // Arrange
      const [, stage] = only(resourcesOf(bridge.template, 'AWS::ApiGatewayV2::Stage'));
      const settings = propsOf(stage).AccessLogSettings as {
        DestinationArn: unknown;
        Format: string;
      };

      // Act
      const fields = JSON.parse(settings.Format) as Record<string, string>;

      // Assess: requests are told apart by the route's template (`GET /o/{token}`), because the
      // path itself carries the supplier page's token and the query string kintone's.
      expect(settings.DestinationArn).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/AccessLogs/), 'Arn'],
      });
      expect(fields).toMatchObject({
        requestId: '$context.requestId',
        routeKey: '$context.routeKey',
        status: '$context.status',
      });
      for (const variable of Object.values(fields)) {
        expect(variable).toMatch(/^\$context\.[A-Za-z.]+$/);
        expect(variable).not.toMatch(/querystring|requestOverride|rawQueryString|\$request\./i);
        expect(variable).not.toMatch(/^\$context\.(path|resourcePath)$|uri|url/i);
      }
    }
  });
});

describe('queues', () => {
  it('uses a 1 MiB FIFO queue deduplicated by the sender, with a 14-day 1 MiB FIFO dead-letter queue after 5 receives', () => {
    // Arrange
    const queueId = logicalIdOf(dev.stack, dev.stack.queue);
    const dlqId = logicalIdOf(dev.stack, dev.stack.deadLetterQueue);
    const queues = resourcesOf(dev.template, 'AWS::SQS::Queue');

    // Assess
    const failedId = logicalIdOf(dev.stack, dev.stack.failedSesEventsQueue);
    const failedRunsId = logicalIdOf(dev.stack, dev.stack.failedSendDueOrdersQueue);
    const failedSweepsId = logicalIdOf(dev.stack, dev.stack.failedSweepQueue as sqs.Queue);
    expect(Object.keys(queues).sort()).toEqual(
      [dlqId, queueId, failedId, failedRunsId, failedSweepsId].sort(),
    );
    expect(propsOf(queues[queueId])).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: false,
      SqsManagedSseEnabled: true,
      // Set, not left to the default: a queue created before SQS raised it keeps 256 KiB.
      MaximumMessageSize: 1_048_576,
      VisibilityTimeout: 6 * DISPATCH_TIMEOUT.toSeconds(),
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
    });
    expect(propsOf(queues[queueId]).VisibilityTimeout).toBe(180);
    expect(propsOf(queues[dlqId])).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: false,
      SqsManagedSseEnabled: true,
      MaximumMessageSize: 1_048_576,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('denies access to every queue without TLS', () => {
    // Act
    const policies = Object.values(resourcesOf(dev.template, 'AWS::SQS::QueuePolicy'));

    // Assess
    expect(policies).toHaveLength(5);
    for (const policy of policies) {
      expect(statementsOf(policy)).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('feeds the dispatch function batches of 10 with partial failures and at most 2 at a time', () => {
    // Assess
    dev.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    dev.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnIds(dev).dispatch },
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(dev.stack, dev.stack.queue), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });
});

describe('DynamoDB table', () => {
  it('matches the store adapter, on demand with point-in-time recovery and TTL on expiresAt', () => {
    // Arrange
    const definition = bridgeTableDefinition('unused');

    // Assess
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: definition.KeySchema,
      AttributeDefinitions: Match.arrayEquals(definition.AttributeDefinitions ?? []),
      GlobalSecondaryIndexes: [
        {
          IndexName: 'GSI1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    expect(definition.GlobalSecondaryIndexes?.[0]?.IndexName).toBe('GSI1');
  });

  it('is retained and deletion-protected in prod, and disposable in dev', () => {
    // Arrange
    const [, devTable] = only(resourcesOf(dev.template, 'AWS::DynamoDB::Table'));
    const [, prodTable] = only(resourcesOf(prod.template, 'AWS::DynamoDB::Table'));

    // Assess
    expect(prodTable).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(propsOf(prodTable).DeletionProtectionEnabled).toBe(true);
    expect(devTable).toMatchObject({ DeletionPolicy: 'Delete' });
    expect(propsOf(devTable).DeletionProtectionEnabled).toBe(false);
  });

  it('retains the secret and the logs in prod too', () => {
    // Assess
    const [, prodSecret] = only(resourcesOf(prod.template, 'AWS::SecretsManager::Secret'));
    expect(prodSecret.DeletionPolicy).toBe('Retain');
    for (const logGroup of Object.values(resourcesOf(prod.template, 'AWS::Logs::LogGroup'))) {
      expect(logGroup.DeletionPolicy).toBe('Retain');
    }
  });
});

describe('SES', () => {
  it('verifies the sender identity and attaches the configuration set to it', () => {
    // Assess: dev defaults to company.email of config/demo.json, prod names a domain.
    dev.template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'purchasing@demo-shoji.example.jp',
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: Match.anyValue() } },
    });
    prod.template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'demo-shoji.example.jp',
    });
  });

  it('publishes bounce, complaint, delivery and reject events to an encrypted topic the ses-events function subscribes to', () => {
    // Arrange
    const [, destination] = only(
      resourcesOf(dev.template, 'AWS::SES::ConfigurationSetEventDestination'),
    );
    const eventDestination = propsOf(destination).EventDestination as {
      Enabled: boolean;
      MatchingEventTypes: string[];
      SnsDestination: { TopicARN: { Ref: string } };
    };
    const topicId = eventDestination.SnsDestination.TopicARN.Ref;

    // Assess
    dev.template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'stock-alert-bridge-dev',
    });
    expect(eventDestination.Enabled).toBe(true);
    expect([...eventDestination.MatchingEventTypes].sort()).toEqual(
      ['bounce', 'complaint', 'delivery', 'reject'].sort(),
    );
    expect(propsOf(resourcesOf(dev.template, 'AWS::SNS::Topic')[topicId]).KmsMasterKeyId).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^TopicKey/), 'Arn'],
    });
    dev.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: topicId },
      Endpoint: { 'Fn::GetAtt': [fnIds(dev).sesEvents, 'Arn'] },
    });
    dev.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
  });

  it('lets SES and CloudWatch use the topic key', () => {
    // Assess
    dev.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith(
          ['ses.amazonaws.com', 'cloudwatch.amazonaws.com'].map((service) =>
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: service },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ),
        ),
      },
    });
  });
});

describe('secret', () => {
  it('is named per stage and created without any value in the template', () => {
    // Arrange
    const [, secret] = only(resourcesOf(dev.template, 'AWS::SecretsManager::Secret'));
    const templateText = JSON.stringify(dev.template.toJSON());

    // Assess
    expect(propsOf(secret).Name).toBe('stock-alert-bridge/dev/secrets');
    expect(propsOf(secret).GenerateSecretString).toEqual({
      SecretStringTemplate: '{}',
      GenerateStringKey: 'placeholder',
    });
    expect(propsOf(secret).SecretString).toBeUndefined();
    // Names operators must fill in, not values.
    expect(propsOf(secret).Description).toContain('KINTONE_API_TOKEN_APP_12');
    expect(propsOf(secret).Description).toContain('WEBHOOK_TOKEN_APP_12');
    // No dynamic reference would copy a secret value into a resource property either.
    expect(templateText).not.toMatch(/resolve:secretsmanager|"SecretString"/);
    prod.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'stock-alert-bridge/prod/secrets',
    });
    // config/demo.json: app 15 keeps its items in table rows and its suppliers in the master.
    const [, prodSecret] = only(resourcesOf(prod.template, 'AWS::SecretsManager::Secret'));
    for (const key of [
      'KINTONE_API_TOKEN_APP_13',
      'KINTONE_API_TOKEN_APP_15',
      'WEBHOOK_TOKEN_APP_15',
    ]) {
      expect(propsOf(prodSecret).Description).toContain(key);
    }
  });

  it('may be read by each of the four functions', () => {
    // Arrange
    const secretRef = { Ref: logicalIdOf(dev.stack, dev.stack.secret) };

    // Assess
    for (const roleId of Object.values(roleIds(dev))) {
      expect(roleStatements(dev.template, roleId)).toContainEqual({
        Effect: 'Allow',
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Resource: secretRef,
      });
    }
  });
});

describe('IAM', () => {
  it('uses no wildcard action and no Resource "*" anywhere, and no managed policy', () => {
    // Act
    const statements = Object.values(resourcesOf(dev.template, 'AWS::IAM::Policy')).flatMap(
      statementsOf,
    );

    // Assess
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      for (const action of actionsOf(statement)) expect(action).not.toContain('*');
      // The only wildcard is the table's index suffix, acknowledged for cdk-nag (IAM5).
      const wildcards = stringsIn(statement.Resource).filter((value) => value.includes('*'));
      expect(wildcards.every((value) => value === '/index/*')).toBe(true);
    }
    for (const role of Object.values(resourcesOf(dev.template, 'AWS::IAM::Role'))) {
      expect(propsOf(role).ManagedPolicyArns).toBeUndefined();
    }
  });

  it('grants table access to dispatch and ses-events, queue sends to webhook, and SES sends to dispatch only', () => {
    // Arrange
    const roles = roleIds(dev);
    const tableArn = { 'Fn::GetAtt': [logicalIdOf(dev.stack, dev.stack.table), 'Arn'] };
    const services = (roleId: string) =>
      new Set(
        roleStatements(dev.template, roleId).flatMap((s) =>
          actionsOf(s).map((a) => a.split(':')[0]),
        ),
      );
    const has = (roleId: string, action: string) =>
      roleStatements(dev.template, roleId).some((s) => actionsOf(s).includes(action));

    // Assess
    // No table access at all: every notification fits one queue message (no claim checks).
    expect([...services(roles.webhook)].sort()).toEqual(['logs', 'secretsmanager', 'sqs']);
    expect(
      roleStatements(dev.template, roles.webhook).filter((s) =>
        actionsOf(s).some((action) => action.startsWith('dynamodb:')),
      ),
    ).toEqual([]);
    expect(has(roles.webhook, 'sqs:SendMessage')).toBe(true);
    expect(has(roles.webhook, 'sqs:ReceiveMessage')).toBe(false);
    expect([...services(roles.dispatch)].sort()).toEqual([
      'dynamodb',
      'logs',
      'secretsmanager',
      'ses',
      'sqs',
    ]);
    expect(has(roles.dispatch, 'sqs:SendMessage')).toBe(false);
    // sqs: the on-failure destination of its asynchronous invocations.
    expect([...services(roles.sesEvents)].sort()).toEqual([
      'dynamodb',
      'logs',
      'secretsmanager',
      'sqs',
    ]);
    expect(has(roles.sesEvents, 'sqs:SendMessage')).toBe(true);
    expect(has(roles.sesEvents, 'sqs:ReceiveMessage')).toBe(false);
    for (const roleId of [roles.dispatch, roles.sesEvents]) {
      expect(roleStatements(dev.template, roleId)).toContainEqual(
        expect.objectContaining({
          Action: expect.arrayContaining([
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:Query',
          ]),
          Resource: expect.arrayContaining([tableArn]),
        }),
      );
    }
  });

  it('lets dispatch send email only as the sender identity through the configuration set', () => {
    // Arrange
    const sesStatements = roleStatements(dev.template, roleIds(dev).dispatch).filter((s) =>
      actionsOf(s).some((action) => action.startsWith('ses:')),
    );

    // Assess
    expect(sesStatements).toHaveLength(1);
    const [statement] = sesStatements;
    expect(statement && actionsOf(statement).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    const resources = JSON.stringify(statement?.Resource);
    expect(statement?.Resource).toHaveLength(2);
    expect(resources).toContain(':identity/');
    expect(resources).toContain(':configuration-set/');
  });

  it('writes logs only to the function’s own log group', () => {
    // Assess
    for (const [name, roleId] of Object.entries(roleIds(dev))) {
      const logStatements = roleStatements(dev.template, roleId).filter((s) =>
        actionsOf(s).some((action) => action.startsWith('logs:')),
      );
      expect(logStatements).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: {
            'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${name}Logs`, 'i')), 'Arn'],
          },
        },
      ]);
    }
  });
});

describe('alarms and dashboard', () => {
  it("counts NotificationsReceived from the webhook's log line, as the EMF metrics are named", () => {
    // Arrange
    const filters = Object.values(resourcesOf(dev.template, 'AWS::Logs::MetricFilter')).map(
      propsOf,
    );

    // Assess: on the webhook's own log group, matching the line its handler writes.
    expect(filters).toEqual([
      {
        LogGroupName: { Ref: logicalIdOf(dev.stack, dev.stack.functions.webhook.logGroup) },
        FilterPattern: `{ $.message = "${NOTIFICATION_QUEUED_LOG_MESSAGE}" }`,
        MetricTransformations: [
          {
            MetricNamespace: 'StockAlertBridge',
            MetricName: 'NotificationsReceived',
            MetricValue: '1',
            Dimensions: [{ Key: 'service', Value: '$.service' }],
            Unit: 'Count',
          },
        ],
      },
    ]);
  });

  it('alarms on dead letters, errors and throttles of each function, orders needing attention and the SES bounce rate', () => {
    // Arrange
    const alarms = Object.values(resourcesOf(dev.template, 'AWS::CloudWatch::Alarm')).map(propsOf);
    const ids = fnIds(dev);
    const onFunction = (metricName: string, fnId: string) =>
      alarms.filter(
        (alarm) =>
          alarm.MetricName === metricName &&
          JSON.stringify(alarm.Dimensions) ===
            JSON.stringify([{ Name: 'FunctionName', Value: { Ref: fnId } }]),
      );

    // Assess
    // Dead letters, failed SES events, failed scheduler runs, 4 functions x 2, orders needing
    // attention, follow-ups overdue, parked notifications, kintone call budget, bounce rate.
    // The sweep adds its errors, throttles and failed runs.
    expect(alarms).toHaveLength(19);
    expect(
      alarms.filter(
        (alarm) =>
          alarm.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(alarm.Dimensions).includes(
            logicalIdOf(dev.stack, dev.stack.failedSesEventsQueue),
          ),
      ),
    ).toHaveLength(1);
    expect(
      alarms.filter(
        (alarm) =>
          alarm.Namespace === 'AWS/SQS' &&
          alarm.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(alarm.Dimensions).includes(
            logicalIdOf(dev.stack, dev.stack.deadLetterQueue),
          ) &&
          alarm.Threshold === 0 &&
          alarm.ComparisonOperator === 'GreaterThanThreshold',
      ),
    ).toHaveLength(1);
    for (const fnId of Object.values(ids)) {
      for (const metricName of ['Errors', 'Throttles']) {
        expect(onFunction(metricName, fnId)).toEqual([
          expect.objectContaining({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' }),
        ]);
      }
    }
    expect(alarms).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/SES',
        MetricName: 'Reputation.BounceRate',
        Threshold: 0.05,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
  });

  it("alarms on any warning of kintone's daily call budget, telling operators what to do", () => {
    dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'stock-alert-bridge-dev-kintone-call-budget',
      AlarmDescription: Match.stringLikeRegexp('09:00 JST.*npm run replay'),
      Namespace: 'StockAlertBridge',
      MetricName: 'KintoneCallBudgetWarnings',
      Dimensions: [{ Name: 'service', Value: 'stock-alert-bridge' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
    });
  });

  it('notifies an encrypted, TLS-only operators topic with an email subscription from every alarm', () => {
    // Arrange
    const subscription = emailSubscription(dev.template);
    const topicRef = subscription.TopicArn as { Ref: string };

    // Assess
    expect(subscription.Endpoint).toBe('ops@example.com');
    expect(emailSubscription(prod.template).Endpoint).toBe('oncall@demo-shoji.example.jp');
    expect(
      propsOf(resourcesOf(dev.template, 'AWS::SNS::Topic')[topicRef.Ref]).KmsMasterKeyId,
    ).toBeDefined();
    dev.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
    for (const alarm of Object.values(resourcesOf(dev.template, 'AWS::CloudWatch::Alarm'))) {
      expect(propsOf(alarm).AlarmActions).toEqual([topicRef]);
      expect(propsOf(alarm).OKActions).toEqual([topicRef]);
      // The topic policy admits this stack's alarms by name prefix.
      expect(propsOf(alarm).AlarmName).toMatch(/^stock-alert-bridge-dev-/);
    }
  });

  it('shows every bridge metric and both queue depths on a dashboard', () => {
    // Arrange
    const [, dashboard] = only(resourcesOf(dev.template, 'AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(propsOf(dashboard).DashboardBody);

    // Assess
    expect(BRIDGE_METRIC_NAMES).toEqual(
      expect.arrayContaining(['FaxesSent', 'OrdersNeedingAttention']),
    );
    for (const metricName of BRIDGE_METRIC_NAMES) {
      expect(body).toContain(
        `\\"StockAlertBridge\\",\\"${metricName}\\",\\"service\\",\\"stock-alert-bridge\\"`,
      );
    }
    expect(body.match(/ApproximateNumberOfMessagesVisible/g)).toHaveLength(2);
    expect(body).toContain(logicalIdOf(dev.stack, dev.stack.queue));
    expect(body).toContain(logicalIdOf(dev.stack, dev.stack.deadLetterQueue));
  });
});

describe('outputs', () => {
  it('gives operators the webhook URL without its token, and the resource names', () => {
    // Act
    const outputs = dev.template.toJSON() as { Outputs: Record<string, { Value: unknown }> };

    // Assess
    expect(Object.keys(outputs.Outputs).sort()).toEqual(
      [
        'DeadLetterQueueUrl',
        'QueueUrl',
        'SecretsArn',
        'TableName',
        'WebhookUrlWithoutToken',
      ].sort(),
    );
    const url = JSON.stringify(outputs.Outputs.WebhookUrlWithoutToken?.Value);
    expect(url).toContain('https://');
    expect(url).toMatch(/\/webhooks\/kintone"\]\]\}$/);
    expect(url).not.toContain('token=');
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  it('reports no unacknowledged finding for either stage, with or without a fax gateway', () => {
    for (const bridge of [dev, prod, phaxio, emailFax, page, pagePhaxio]) {
      // Act: the plugin already ran during synth (which would have thrown); its report is on disk.
      const report = JSON.parse(
        readFileSync(path.join(bridge.assembly.directory, VALIDATION_REPORT_FILE), 'utf8'),
      ) as { pluginReports: { pluginName: string; violations: unknown[] }[] };
      const direct = new AwsSolutionsChecks().validateScope(bridge.app);

      // Assess
      expect(report.pluginReports.flatMap((plugin) => plugin.violations)).toEqual([]);
      expect(direct.violations).toEqual([]);
      expect(direct.success).toBe(true);
    }
  });

  it('fails synth on a finding nobody acknowledged', () => {
    // Act + Assess: a queue without a dead-letter queue or TLS enforcement, outside the design.
    expect(() =>
      synthBridge({}, {}, (stack) => {
        new sqs.Queue(stack, 'Unreviewed');
      }),
    ).toThrow(/AwsSolutions-SQS3[\s\S]*Unreviewed/);
  });

  it('acknowledges only the reviewed findings, each on its own construct with a reason', () => {
    // Act
    const acknowledgements = acknowledgementsIn(dev.app);

    // Assess
    const tableId = logicalIdOf(dev.stack, dev.stack.table);
    expect(acknowledgements.map(({ path: at, id }) => `${at} ${id}`).sort()).toEqual(
      [
        'StockAlertBridge-dev/WebhookApi/Api/POST--webhooks--kintone AwsSolutions-APIG4',
        'StockAlertBridge-dev/Secrets AwsSolutions-SMG4',
        'StockAlertBridge-dev/Webhook/Function AwsSolutions-L1',
        'StockAlertBridge-dev/Dispatch/Function AwsSolutions-L1',
        'StockAlertBridge-dev/SesEvents/Function AwsSolutions-L1',
        'StockAlertBridge-dev/SendDueOrders/Function AwsSolutions-L1',
        'StockAlertBridge-dev/Sweep/Function AwsSolutions-L1',
        `StockAlertBridge-dev/Dispatch/Role AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
        `StockAlertBridge-dev/SesEvents/Role AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
        'StockAlertBridge-dev/FailedSesEventsQueue AwsSolutions-SQS3',
        'StockAlertBridge-dev/FailedSendDueOrdersQueue AwsSolutions-SQS3',
        'StockAlertBridge-dev/FailedSweepQueue AwsSolutions-SQS3',
      ].sort(),
    );
    for (const { reason } of acknowledgements) expect(reason.length).toBeGreaterThan(80);
  });
});

describe('ses-events', () => {
  it('retries a failed SES event twice, then parks it in its failure queue instead of dropping it', () => {
    // Arrange
    const fnId = logicalIdOf(dev.stack, dev.stack.functions.sesEvents.fn);
    const failedId = logicalIdOf(dev.stack, dev.stack.failedSesEventsQueue);

    // Assess
    dev.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failedId, 'Arn'] } } },
    });
  });
});

describe('send-due-orders (the scheduler for gathered orders)', () => {
  const fnId = () => logicalIdOf(dev.stack, dev.stack.functions.sendDueOrders.fn);
  const roleId = () => logicalIdOf(dev.stack, dev.stack.functions.sendDueOrders.role);
  const failedRunsId = () => logicalIdOf(dev.stack, dev.stack.failedSendDueOrdersQueue);

  it('is one function with one run at a time and a timeout longer than its rate', () => {
    dev.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('send-due-orders'),
      Timeout: SEND_DUE_ORDERS_TIMEOUT.toSeconds(),
      ReservedConcurrentExecutions: 1,
      Runtime: 'nodejs22.x',
    });
    // No other function but the sweep reserves (and so caps) its concurrency.
    const reserved = Object.entries(resourcesOf(dev.template, 'AWS::Lambda::Function')).filter(
      ([, fn]) => propsOf(fn).ReservedConcurrentExecutions !== undefined,
    );
    expect(reserved.map(([id]) => id).sort()).toEqual([fnId(), fnIds(dev).sweep].sort());
  });

  it('is invoked every minute by an EventBridge rule, with retries and a dead-letter queue', () => {
    // Arrange
    const ruleId = logicalIdOf(dev.stack, dev.stack.sendDueOrdersSchedule);
    const rule = resourcesOf(dev.template, 'AWS::Events::Rule')[ruleId];

    // Assess
    expect(propsOf(rule)).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [fnId(), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [failedRunsId(), 'Arn'] } },
        },
      ],
    });
    // EventBridge invokes through the function's resource policy, for this rule only.
    dev.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fnId(), 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
    // Only this rule may put its undeliverable runs in the queue.
    dev.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: failedRunsId() }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  it('does not retry a failed run (the next minute is the retry) and keeps failed or stale runs', () => {
    dev.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId() },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 300,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [failedRunsId(), 'Arn'] } },
      },
    });
    expect(propsOf(resourcesOf(dev.template, 'AWS::SQS::Queue')[failedRunsId()])).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('may only get, update and delete items, query the named indexes, send email and read the secret', () => {
    // Arrange
    const statements = roleStatements(dev.template, roleId());
    const tableArn = { 'Fn::GetAtt': [logicalIdOf(dev.stack, dev.stack.table), 'Arn'] };
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    const indexNames = (bridgeTableDefinition('x').GlobalSecondaryIndexes ?? []).map(
      (index) => index.IndexName,
    );

    // Assess
    expect(
      [...new Set(statements.flatMap((s) => actionsOf(s).map((a) => a.split(':')[0])))].sort(),
    ).toEqual(['dynamodb', 'logs', 'secretsmanager', 'ses', 'sqs']);
    const indexArns = indexNames.map((name) => ({
      'Fn::Join': ['', [tableArn, `/index/${name}`]],
    }));
    expect(dynamo).toEqual([
      {
        Effect: 'Allow',
        // Read an order, append to its log and settle it, delete a sealed group's pointer.
        Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Resource: tableArn,
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: indexArns.length === 1 ? indexArns[0] : indexArns,
      },
      // The daily learning (issue 14), on its own partition keys only.
      ...[
        { Action: 'dynamodb:Query', keys: ['STOCK#*', 'LEARNED#*'] },
        { Action: 'dynamodb:BatchWriteItem', keys: ['LEARNED#*'] },
        { Action: 'dynamodb:PutItem', keys: ['LEARNRUN#*'] },
      ].map(({ Action, keys }) => ({
        Effect: 'Allow',
        Action,
        Resource: tableArn,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keys } },
      })),
    ]);
    // No wildcard anywhere in its table access (unlike grantReadWriteData's index/*).
    expect(stringsIn(dynamo.map((s) => s.Resource)).some((value) => value.includes('*'))).toBe(
      false,
    );
    const ses = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('ses:')));
    expect(ses).toHaveLength(1);
    expect(ses[0] && actionsOf(ses[0]).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    expect(JSON.stringify(ses[0]?.Resource)).toContain(':configuration-set/');
    // sqs: only the on-failure destination of its own runs.
    expect(statements.filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:')))).toEqual([
      expect.objectContaining({
        Action: expect.arrayContaining(['sqs:SendMessage']),
        Resource: { 'Fn::GetAtt': [failedRunsId(), 'Arn'] },
      }),
    ]);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
      Resource: { Ref: logicalIdOf(dev.stack, dev.stack.secret) },
    });
  });

  it('alarms on its errors, throttles and any failed or stale run', () => {
    // Arrange
    const alarms = Object.values(resourcesOf(dev.template, 'AWS::CloudWatch::Alarm')).map(propsOf);

    // Assess
    for (const metricName of ['Errors', 'Throttles']) {
      expect(alarms).toContainEqual(
        expect.objectContaining({
          AlarmName: `stock-alert-bridge-dev-senddueorders-${metricName.toLowerCase()}`,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId() } }],
        }),
      );
    }
    expect(alarms).toContainEqual(
      expect.objectContaining({
        AlarmName: 'stock-alert-bridge-dev-senddueorders-failed-events',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failedRunsId(), 'QueueName'] } }],
        Threshold: 0,
      }),
    );
  });
});

describe('sweep (never missing a shortage)', () => {
  const fnId = () => fnIds(dev).sweep;
  const roleId = () => roleIds(dev).sweep;
  const failedRunsId = () => logicalIdOf(dev.stack, dev.stack.failedSweepQueue as sqs.Queue);
  const tableArn = () => ({ 'Fn::GetAtt': [logicalIdOf(dev.stack, dev.stack.table), 'Arn'] });

  it('is one function, one run at a time, with the queue, the table and kintone in its environment', () => {
    dev.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('sweep: every 60 min'),
      Timeout: SWEEP_TIMEOUT.toSeconds(),
      ReservedConcurrentExecutions: 1,
      Runtime: 'nodejs22.x',
    });
    const fn = resourcesOf(dev.template, 'AWS::Lambda::Function')[fnId()];
    const env = (propsOf(fn).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({
      QUEUE_URL: { Ref: logicalIdOf(dev.stack, dev.stack.queue) },
      TABLE_NAME: { Ref: logicalIdOf(dev.stack, dev.stack.table) },
      KINTONE_BASE_URL: expect.any(String),
    });
  });

  it('is invoked every sweep.intervalMinutes (60 by default) by its own rule, with retries and a dead-letter queue', () => {
    const ruleId = logicalIdOf(dev.stack, dev.stack.sweepSchedule as events.Rule);
    const rule = resourcesOf(dev.template, 'AWS::Events::Rule')[ruleId];

    expect(propsOf(rule)).toMatchObject({
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [fnId(), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 1800 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [failedRunsId(), 'Arn'] } },
        },
      ],
    });
    dev.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId() },
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failedRunsId(), 'Arn'] } } },
    });
  });

  it('may only send to the queue, read the items, count kintone calls, store claim checks and read the secret', () => {
    const statements = roleStatements(dev.template, roleId());
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));

    expect(
      [...new Set(statements.flatMap((s) => actionsOf(s).map((a) => a.split(':')[0])))].sort(),
    ).toEqual(['dynamodb', 'logs', 'secretsmanager', 'sqs']);
    expect(dynamo).toEqual(
      SWEEP_TABLE_GRANTS.map((grant) => ({
        Effect: 'Allow',
        Action: grant.actions.length === 1 ? grant.actions[0] : [...grant.actions],
        Resource: tableArn(),
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.leadingKeys] },
        },
      })),
    );
    const sqsResources = statements
      .filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:')))
      .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
    expect(sqsResources).toEqual(
      expect.arrayContaining([
        { 'Fn::GetAtt': [logicalIdOf(dev.stack, dev.stack.queue), 'Arn'] },
        { 'Fn::GetAtt': [failedRunsId(), 'Arn'] },
      ]),
    );
    expect(sqsResources).toHaveLength(2);
    // Never SES, never an order write, never a Query or Scan.
    expect(statements.flatMap(actionsOf)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^ses:|Query|Scan|DeleteItem/)]),
    );
  });

  it('alarms on its errors and any failed or stale run', () => {
    const alarms = Object.values(resourcesOf(dev.template, 'AWS::CloudWatch::Alarm')).map(propsOf);
    expect(alarms).toContainEqual(
      expect.objectContaining({
        AlarmName: 'stock-alert-bridge-dev-sweep-errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId() } }],
      }),
    );
    expect(alarms).toContainEqual(
      expect.objectContaining({
        AlarmName: 'stock-alert-bridge-dev-sweep-failed-events',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failedRunsId(), 'QueueName'] } }],
      }),
    );
  });
});

describe('fax channel', () => {
  type Env = Record<string, unknown>;
  const created = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('not created');
    return value;
  };
  const envOf = (bridge: SynthesizedBridge, fn: BridgeFunction | undefined): Env => {
    const id = logicalIdOf(bridge.stack, created(fn).fn);
    const resource = resourcesOf(bridge.template, 'AWS::Lambda::Function')[id];
    return (propsOf(resource).Environment as { Variables: Env }).Variables;
  };
  const FONT_ENV = {
    FAX_FONT_PATH: '/var/task/fonts/NotoSansJP_400Regular.ttf',
    FAX_BOLD_FONT_PATH: '/var/task/fonts/NotoSansJP_700Bold.ttf',
  };
  const apiId = (bridge: SynthesizedBridge) => logicalIdOf(bridge.stack, bridge.stack.api.api);

  it('creates nothing of it without `fax` in the configuration', () => {
    // Arrange
    const { functions } = dev.stack;
    const outputs = dev.template.toJSON() as { Outputs: Record<string, unknown> };

    // Assess
    expect(functions.faxStatus).toBeUndefined();
    expect(dev.stack.faxCallbackUrl).toBeUndefined();
    dev.template.resourceCountIs('AWS::Lambda::Function', 5);
    dev.template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    for (const fn of [functions.webhook, functions.dispatch, functions.sesEvents]) {
      expect(Object.keys(envOf(dev, fn)).filter((name) => name.startsWith('FAX_'))).toEqual([]);
    }
    expect(outputs.Outputs.FaxCallbackUrl).toBeUndefined();
    expect(dev.settings.secretKeys).toEqual(['KINTONE_API_TOKEN_APP_12', 'WEBHOOK_TOKEN_APP_12']);
  });

  it('routes POST /webhooks/fax to a fax-status function on the same API with a Phaxio gateway', () => {
    // Arrange
    const faxStatusId = logicalIdOf(phaxio.stack, created(phaxio.stack.functions.faxStatus).fn);
    const routes = Object.values(resourcesOf(phaxio.template, 'AWS::ApiGatewayV2::Route')).map(
      propsOf,
    );
    const integrations = resourcesOf(phaxio.template, 'AWS::ApiGatewayV2::Integration');
    const targetOf = (routeKey: string) => {
      const target = routes.find((route) => route.RouteKey === routeKey)?.Target as {
        'Fn::Join': [string, [string, { Ref: string }]];
      };
      return propsOf(integrations[target['Fn::Join'][1][1].Ref]).IntegrationUri;
    };

    // Assess
    phaxio.template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    expect(routes.map((route) => route.RouteKey).sort()).toEqual([
      'POST /webhooks/fax',
      'POST /webhooks/kintone',
    ]);
    for (const route of routes) expect(route.ApiId).toEqual({ Ref: apiId(phaxio) });
    expect(targetOf('POST /webhooks/fax')).toEqual({ 'Fn::GetAtt': [faxStatusId, 'Arn'] });
    expect(targetOf('POST /webhooks/kintone')).toEqual({
      'Fn::GetAtt': [logicalIdOf(phaxio.stack, phaxio.stack.functions.webhook.fn), 'Arn'],
    });
    phaxio.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('fax-status'),
      Timeout: FAX_STATUS_TIMEOUT.toSeconds(),
      Runtime: 'nodejs22.x',
    });
    phaxio.template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [faxStatusId, 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
    });
  });

  it('gives dispatch, ses-events, send-due-orders and fax-status the one callback URL Phaxio signs', () => {
    // Arrange
    const { dispatch, sesEvents, sendDueOrders, faxStatus, sendFax } = phaxio.stack.functions;
    const url = phaxio.stack.resolve(phaxio.stack.faxCallbackUrl) as unknown;
    const outputs = phaxio.template.toJSON() as { Outputs: Record<string, { Value: unknown }> };

    // Assess: the stage URL of this API plus the route path, exactly as dispatch submits it.
    expect(url).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: apiId(phaxio) },
          '.execute-api.ap-northeast-1.',
          { Ref: 'AWS::URLSuffix' },
          '/webhooks/fax',
        ],
      ],
    });
    // The fax function submits it with each fax; fax-status checks the signature over it.
    for (const fn of [created(sendFax), faxStatus]) {
      expect(envOf(phaxio, fn).FAX_CALLBACK_URL).toEqual(url);
    }
    for (const fn of [dispatch, sesEvents, sendDueOrders]) {
      expect(envOf(phaxio, fn).FAX_CALLBACK_URL).toBeUndefined();
    }
    expect(outputs.Outputs.FaxCallbackUrl?.Value).toEqual(url);
    // A function carrying the URL must not be something the API waits for.
    expect(
      dependencyCycleIn({
        Resources: { A: { DependsOn: 'B' }, B: { Properties: { X: { Ref: 'A' } } } },
      }),
    ).toEqual(['A', 'B', 'A']);
    expect(dependencyCycleIn(phaxio.template.toJSON())).toBeUndefined();
    expect(dependencyCycleIn(emailFax.template.toJSON())).toBeUndefined();
  });

  it('gives fax-status exactly its environment and only table, secret and log access', () => {
    // Arrange
    const { faxStatus } = phaxio.stack.functions;
    const roleId = logicalIdOf(phaxio.stack, created(faxStatus).role);
    const statements = roleStatements(phaxio.template, roleId);

    // Assess
    expect(Object.keys(envOf(phaxio, faxStatus)).sort()).toEqual(
      [...COMMON_ENV_NAMES, 'TABLE_NAME', 'KINTONE_BASE_URL', 'FAX_CALLBACK_URL'].sort(),
    );
    expect(envOf(phaxio, faxStatus).TABLE_NAME).toEqual({
      Ref: logicalIdOf(phaxio.stack, phaxio.stack.table),
    });
    expect(
      [...new Set(statements.flatMap((s) => actionsOf(s).map((a) => a.split(':')[0])))].sort(),
    ).toEqual(['dynamodb', 'logs', 'secretsmanager']);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
      Resource: { Ref: logicalIdOf(phaxio.stack, phaxio.stack.secret) },
    });
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: expect.arrayContaining(['dynamodb:Query', 'dynamodb:PutItem']),
      }),
    );
  });

  it('points the fax function, and no other, at the fonts in its bundle', () => {
    for (const bridge of [phaxio, emailFax]) {
      // Arrange
      const { webhook, dispatch, sesEvents, sendDueOrders, faxStatus, sendFax } =
        bridge.stack.functions;

      // Assess
      expect(envOf(bridge, created(sendFax))).toMatchObject(FONT_ENV);
      for (const fn of [
        webhook,
        dispatch,
        sesEvents,
        sendDueOrders,
        ...(faxStatus ? [faxStatus] : []),
      ]) {
        expect(envOf(bridge, fn).FAX_FONT_PATH).toBeUndefined();
      }
    }
  });

  it('hands faxes over on a FIFO queue with dead letters that only the senders may write to', () => {
    for (const bridge of [phaxio, emailFax]) {
      // Arrange
      const { dispatch, sesEvents, sendDueOrders, sendFax, webhook } = bridge.stack.functions;
      const faxQueueId = logicalIdOf(bridge.stack, bridge.stack.faxQueue as never);
      const faxDlqId = logicalIdOf(bridge.stack, bridge.stack.faxDeadLetterQueue as never);
      const queueRef = { Ref: faxQueueId };

      // Assess: FIFO, its own dead letters after 5 attempts, the fax function its consumer.
      bridge.template.hasResourceProperties('AWS::SQS::Queue', {
        FifoQueue: true,
        ContentBasedDeduplication: false,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [faxDlqId, 'Arn'] },
          maxReceiveCount: 5,
        },
      });
      bridge.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [faxQueueId, 'Arn'] },
        FunctionName: { Ref: logicalIdOf(bridge.stack, created(sendFax).fn) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      for (const fn of [dispatch, sesEvents, sendDueOrders]) {
        expect(envOf(bridge, fn).FAX_QUEUE_URL).toEqual(queueRef);
        const sends = roleStatements(bridge.template, logicalIdOf(bridge.stack, fn.role)).filter(
          (statement) => actionsOf(statement).includes('sqs:SendMessage'),
        );
        expect(JSON.stringify(sends)).toContain(faxQueueId);
      }
      for (const fn of [webhook, created(sendFax)]) {
        const sends = roleStatements(bridge.template, logicalIdOf(bridge.stack, fn.role)).filter(
          (statement) => actionsOf(statement).includes('sqs:SendMessage'),
        );
        expect(JSON.stringify(sends)).not.toContain(faxQueueId);
      }
      // Its own memory: the PDF renderer and the fonts load only here.
      bridge.template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: Match.absent(),
        MemorySize: SEND_FAX_MEMORY_MB,
        Environment: { Variables: Match.objectLike(FONT_ENV) },
      });
    }
    // Without a fax gateway there is neither the queue nor the function.
    expect(dev.stack.faxQueue).toBeUndefined();
    expect(dev.stack.functions.sendFax).toBeUndefined();
  });

  it('adds the Phaxio credentials to the secret’s keys', () => {
    // Arrange
    const [, secret] = only(resourcesOf(phaxio.template, 'AWS::SecretsManager::Secret'));

    // Assess
    expect(phaxio.settings.secretKeys).toEqual(
      expect.arrayContaining([
        'TEST_PHAXIO_API_KEY',
        'TEST_PHAXIO_API_SECRET',
        'TEST_PHAXIO_CALLBACK_TOKEN',
      ]),
    );
    for (const key of phaxio.settings.secretKeys) {
      expect(propsOf(secret).Description).toContain(key);
    }
  });

  it('alarms on fax-status errors and throttles and on any order needing attention', () => {
    // Arrange
    const alarms = Object.values(resourcesOf(phaxio.template, 'AWS::CloudWatch::Alarm')).map(
      propsOf,
    );
    const faxStatusId = logicalIdOf(phaxio.stack, created(phaxio.stack.functions.faxStatus).fn);

    // Assess: the 19 of the email-only stack plus fax-status's two, and send-fax's errors,
    // throttles and dead letters.
    expect(alarms).toHaveLength(24);
    for (const metricName of ['Errors', 'Throttles']) {
      expect(alarms).toContainEqual(
        expect.objectContaining({
          MetricName: metricName,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: faxStatusId } }],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      );
    }
    for (const bridge of [dev, phaxio]) {
      bridge.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'stock-alert-bridge-dev-orders-needing-attention',
        AlarmDescription: Match.stringLikeRegexp('call them'),
        Namespace: 'StockAlertBridge',
        MetricName: 'OrdersNeedingAttention',
        Dimensions: [{ Name: 'service', Value: 'stock-alert-bridge' }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
      });
    }
  });

  it('lets the fax function send email-to-fax as the sender identity, without a fax-status function', () => {
    // Arrange
    const { sesEvents, faxStatus, sendFax } = emailFax.stack.functions;
    const sesStatements = roleStatements(
      emailFax.template,
      logicalIdOf(emailFax.stack, created(sendFax).role),
    ).filter((s) => actionsOf(s).some((action) => action.startsWith('ses:')));

    // Assess: no Phaxio, so no callbacks to receive; ses-events sends no email at all now.
    expect(faxStatus).toBeUndefined();
    emailFax.template.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    emailFax.template.resourceCountIs('AWS::Lambda::Function', 6);
    expect(envOf(emailFax, created(sendFax)).FAX_CALLBACK_URL).toBeUndefined();
    expect(
      roleStatements(emailFax.template, logicalIdOf(emailFax.stack, sesEvents.role)).filter((s) =>
        actionsOf(s).some((action) => action.startsWith('ses:')),
      ),
    ).toEqual([]);
    expect(envOf(emailFax, created(sendFax)).SES_CONFIGURATION_SET).toEqual(
      envOf(emailFax, emailFax.stack.functions.dispatch).SES_CONFIGURATION_SET,
    );
    expect(sesStatements).toHaveLength(1);
    expect(sesStatements[0] && actionsOf(sesStatements[0])).toEqual(['ses:SendRawEmail']);
    const resources = JSON.stringify(sesStatements[0]?.Resource);
    expect(sesStatements[0]?.Resource).toHaveLength(2);
    expect(resources).toContain(':identity/');
    expect(resources).toContain(':configuration-set/');
    expect(emailFax.settings.secretKeys).toEqual(dev.settings.secretKeys);
  });

  it('acknowledges the fax route and the fax-status function’s findings with their reasons', () => {
    // Act
    const acknowledgements = acknowledgementsIn(phaxio.app);
    const tableId = logicalIdOf(phaxio.stack, phaxio.stack.table);

    // Assess
    expect(acknowledgements.map(({ path: at, id }) => `${at} ${id}`).sort()).toEqual(
      [
        'StockAlertBridge-dev/WebhookApi/Api/POST--webhooks--kintone AwsSolutions-APIG4',
        'StockAlertBridge-dev/WebhookApi/Api/POST--webhooks--fax AwsSolutions-APIG4',
        'StockAlertBridge-dev/Secrets AwsSolutions-SMG4',
        'StockAlertBridge-dev/Webhook/Function AwsSolutions-L1',
        'StockAlertBridge-dev/Dispatch/Function AwsSolutions-L1',
        'StockAlertBridge-dev/SesEvents/Function AwsSolutions-L1',
        'StockAlertBridge-dev/FaxStatus/Function AwsSolutions-L1',
        'StockAlertBridge-dev/SendFax/Function AwsSolutions-L1',
        'StockAlertBridge-dev/SendDueOrders/Function AwsSolutions-L1',
        'StockAlertBridge-dev/Sweep/Function AwsSolutions-L1',
        `StockAlertBridge-dev/Dispatch/Role AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
        `StockAlertBridge-dev/SesEvents/Role AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
        `StockAlertBridge-dev/FaxStatus/Role AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
        'StockAlertBridge-dev/FailedSesEventsQueue AwsSolutions-SQS3',
        'StockAlertBridge-dev/FailedSendDueOrdersQueue AwsSolutions-SQS3',
        'StockAlertBridge-dev/FailedSweepQueue AwsSolutions-SQS3',
      ].sort(),
    );
    const faxRoute = acknowledgements.find(({ path: at }) => at.endsWith('POST--webhooks--fax'));
    expect(faxRoute?.reason).toMatch(/Phaxio[\s\S]*signature[\s\S]*verifies/);
    // email-to-fax adds no finding of its own.
    // The fax function's runtime finding is the only one more (its table grant has no wildcard).
    expect(acknowledgementsIn(emailFax.app)).toHaveLength(acknowledgementsIn(dev.app).length + 1);
  });
});

describe('supplier page', () => {
  type Env = Record<string, unknown>;
  const created = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('not created');
    return value;
  };
  const envOf = (bridge: SynthesizedBridge, fn: BridgeFunction | undefined): Env => {
    const id = logicalIdOf(bridge.stack, created(fn).fn);
    const resource = resourcesOf(bridge.template, 'AWS::Lambda::Function')[id];
    return (propsOf(resource).Environment as { Variables: Env }).Variables;
  };
  const apiId = (bridge: SynthesizedBridge) => logicalIdOf(bridge.stack, bridge.stack.api.api);
  const pageId = (bridge: SynthesizedBridge) =>
    logicalIdOf(bridge.stack, created(bridge.stack.functions.supplierPage).fn);
  const PAGE_ROUTE_KEYS = ['GET /o/{token}', 'POST /o/{token}'];
  const stageOf = (bridge: SynthesizedBridge) =>
    only(resourcesOf(bridge.template, 'AWS::ApiGatewayV2::Stage'));

  it('creates nothing of it without `supplierPage` in the configuration', () => {
    // Arrange
    const outputs = dev.template.toJSON() as { Outputs: Record<string, unknown> };

    // Assess
    expect(dev.stack.functions.supplierPage).toBeUndefined();
    expect(dev.stack.supplierPageBaseUrl).toBeUndefined();
    expect(propsOf(stageOf(dev)[1]).RouteSettings).toBeUndefined();
    for (const fn of [dev.stack.functions.dispatch, dev.stack.functions.sesEvents]) {
      expect(envOf(dev, fn).SUPPLIER_PAGE_BASE_URL).toBeUndefined();
    }
    expect(outputs.Outputs.SupplierPageBaseUrl).toBeUndefined();
    expect(dev.settings.secretKeys).not.toContain('TEST_SUPPLIER_PAGE_SIGNING_KEY');
  });

  it('routes GET and POST /o/{token} to one supplier-page function on the same API, without an authorizer', () => {
    // Arrange
    const routes = Object.values(resourcesOf(page.template, 'AWS::ApiGatewayV2::Route')).map(
      propsOf,
    );
    const integrations = resourcesOf(page.template, 'AWS::ApiGatewayV2::Integration');
    const integrationOf = (routeKey: string) => {
      const target = routes.find((route) => route.RouteKey === routeKey)?.Target as {
        'Fn::Join': [string, [string, { Ref: string }]];
      };
      return target['Fn::Join'][1][1].Ref;
    };

    // Assess
    page.template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    expect(routes.map((route) => route.RouteKey).sort()).toEqual([
      ...PAGE_ROUTE_KEYS,
      'POST /webhooks/kintone',
    ]);
    for (const route of routes) {
      expect(route).toMatchObject({ ApiId: { Ref: apiId(page) }, AuthorizationType: 'NONE' });
    }
    const [getIntegration, postIntegration] = PAGE_ROUTE_KEYS.map(integrationOf);
    expect(getIntegration).toBe(postIntegration);
    expect(propsOf(integrations[getIntegration ?? ''])).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [pageId(page), 'Arn'] },
    });
    page.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('supplier-page'),
      Timeout: SUPPLIER_PAGE_TIMEOUT.toSeconds(),
      Runtime: 'nodejs22.x',
    });
    page.template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [pageId(page), 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
    });
    // With Phaxio too, each route still reaches its own function.
    expect(
      Object.values(resourcesOf(pagePhaxio.template, 'AWS::ApiGatewayV2::Route'))
        .map((route) => propsOf(route).RouteKey)
        .sort(),
    ).toEqual([...PAGE_ROUTE_KEYS, 'POST /webhooks/fax', 'POST /webhooks/kintone']);
  });

  it('throttles the page routes on their own, 5 a second with bursts of 20, after they exist', () => {
    for (const bridge of [page, pagePhaxio]) {
      // Arrange
      const [stageId, stage] = stageOf(bridge);
      const routeIds = Object.entries(resourcesOf(bridge.template, 'AWS::ApiGatewayV2::Route'))
        .filter(([, route]) => PAGE_ROUTE_KEYS.includes(String(propsOf(route).RouteKey)))
        .map(([id]) => id);
      const dependsOn = (bridge.template.toJSON() as { Resources: Record<string, ResourceJson> })
        .Resources[stageId] as ResourceJson & { DependsOn?: string[] };

      // Assess: the webhook routes keep the stage's default.
      expect(propsOf(stage).RouteSettings).toEqual({
        'GET /o/{token}': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 20 },
        'POST /o/{token}': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 20 },
      });
      expect(propsOf(stage).DefaultRouteSettings).toEqual({
        ThrottlingRateLimit: 2,
        ThrottlingBurstLimit: 10,
      });
      expect(routeIds).toHaveLength(2);
      expect(dependsOn.DependsOn).toEqual(expect.arrayContaining(routeIds));
    }
  });

  it('gives the page function, dispatch and send-due-orders the one stage URL the links point at', () => {
    // Arrange
    const { dispatch, sesEvents, sendDueOrders, supplierPage, webhook } = page.stack.functions;
    const url = page.stack.resolve(page.stack.supplierPageBaseUrl) as unknown;
    const outputs = page.template.toJSON() as { Outputs: Record<string, { Value: unknown }> };

    // Assess: the $default stage's URL without its trailing slash.
    expect(url).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: apiId(page) },
          '.execute-api.ap-northeast-1.',
          { Ref: 'AWS::URLSuffix' },
        ],
      ],
    });
    expect(envOf(page, dispatch).SUPPLIER_PAGE_BASE_URL).toEqual(url);
    expect(envOf(page, sendDueOrders).SUPPLIER_PAGE_BASE_URL).toEqual(url);
    expect(envOf(page, supplierPage).SUPPLIER_PAGE_BASE_URL).toEqual(url);
    for (const fn of [webhook, sesEvents]) {
      expect(envOf(page, fn).SUPPLIER_PAGE_BASE_URL).toBeUndefined();
    }
    expect(outputs.Outputs.SupplierPageBaseUrl?.Value).toEqual(url);
    expect(dependencyCycleIn(page.template.toJSON())).toBeUndefined();
    expect(dependencyCycleIn(pagePhaxio.template.toJSON())).toBeUndefined();
  });

  it('gives supplier-page exactly its environment and only table, secret and log access', () => {
    // Arrange
    const { supplierPage } = page.stack.functions;
    const statements = roleStatements(
      page.template,
      logicalIdOf(page.stack, created(supplierPage).role),
    );

    // Assess
    expect(Object.keys(envOf(page, supplierPage)).sort()).toEqual(
      [...COMMON_ENV_NAMES, 'TABLE_NAME', 'KINTONE_BASE_URL', 'SUPPLIER_PAGE_BASE_URL'].sort(),
    );
    expect(envOf(page, supplierPage)).toMatchObject({
      TABLE_NAME: { Ref: logicalIdOf(page.stack, page.stack.table) },
      KINTONE_BASE_URL: 'https://example.cybozu.com',
      SECRETS_ARN: { Ref: logicalIdOf(page.stack, page.stack.secret) },
    });
    // Not a fax renderer: no fonts in its bundle.
    expect(envOf(page, supplierPage).FAX_FONT_PATH).toBeUndefined();
    expect(
      [...new Set(statements.flatMap((s) => actionsOf(s).map((a) => a.split(':')[0])))].sort(),
    ).toEqual(['dynamodb', 'logs', 'secretsmanager']);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
      Resource: { Ref: logicalIdOf(page.stack, page.stack.secret) },
    });
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem']),
      }),
    );
  });

  it('adds the signing key to the secret’s keys', () => {
    // Arrange
    const [, secret] = only(resourcesOf(page.template, 'AWS::SecretsManager::Secret'));

    // Assess
    expect(page.settings.secretKeys).toEqual([
      'KINTONE_API_TOKEN_APP_12',
      'TEST_SUPPLIER_PAGE_SIGNING_KEY',
      'WEBHOOK_TOKEN_APP_12',
    ]);
    expect(propsOf(secret).Description).toContain('TEST_SUPPLIER_PAGE_SIGNING_KEY');
    expect(pagePhaxio.settings.secretKeys).toEqual(
      expect.arrayContaining(['TEST_PHAXIO_API_KEY', 'TEST_SUPPLIER_PAGE_SIGNING_KEY']),
    );
  });

  it('alarms on supplier-page errors and throttles, and leaves the dashboard as it is', () => {
    // Arrange
    const alarms = Object.values(resourcesOf(page.template, 'AWS::CloudWatch::Alarm')).map(propsOf);
    const dashboardOf = (bridge: SynthesizedBridge) =>
      propsOf(only(resourcesOf(bridge.template, 'AWS::CloudWatch::Dashboard'))[1]);

    // Assess: the 19 of the email-only stack plus the page's two.
    expect(alarms).toHaveLength(21);
    for (const metricName of ['Errors', 'Throttles']) {
      expect(alarms).toContainEqual(
        expect.objectContaining({
          AlarmName: `stock-alert-bridge-dev-supplierpage-${metricName.toLowerCase()}`,
          MetricName: metricName,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: pageId(page) } }],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      );
    }
    // The Phaxio stack's 24 (with the fax function's three) plus the page's two.
    expect(Object.values(resourcesOf(pagePhaxio.template, 'AWS::CloudWatch::Alarm'))).toHaveLength(
      26,
    );
    // Every widget is the email-only stack's; only the alarm status widget, which lists every
    // alarm, also shows the page's two.
    const widgetsBeforeAlarms = (bridge: SynthesizedBridge) => {
      const body = JSON.stringify(dashboardOf(bridge));
      return body.slice(0, body.indexOf('Alarms'));
    };
    expect(widgetsBeforeAlarms(page)).toEqual(widgetsBeforeAlarms(dev));
    expect(widgetsBeforeAlarms(page)).toContain('Queue depth');
    expect(JSON.stringify(dashboardOf(page))).toContain('MonitoringSupplierPageErrors');
  });

  it('acknowledges both page routes and the page function’s findings with their reasons', () => {
    // Act
    const acknowledgements = acknowledgementsIn(page.app);
    const tableId = logicalIdOf(page.stack, page.stack.table);

    // Assess
    expect(acknowledgements.map(({ path: at, id }) => `${at} ${id}`).sort()).toEqual(
      [
        'StockAlertBridge-dev/WebhookApi/Api/POST--webhooks--kintone AwsSolutions-APIG4',
        'StockAlertBridge-dev/WebhookApi/Api/GET--o--{token} AwsSolutions-APIG4',
        'StockAlertBridge-dev/WebhookApi/Api/POST--o--{token} AwsSolutions-APIG4',
        'StockAlertBridge-dev/Secrets AwsSolutions-SMG4',
        'StockAlertBridge-dev/Webhook/Function AwsSolutions-L1',
        'StockAlertBridge-dev/Dispatch/Function AwsSolutions-L1',
        'StockAlertBridge-dev/SesEvents/Function AwsSolutions-L1',
        'StockAlertBridge-dev/SupplierPage/Function AwsSolutions-L1',
        'StockAlertBridge-dev/SendDueOrders/Function AwsSolutions-L1',
        'StockAlertBridge-dev/Sweep/Function AwsSolutions-L1',
        `StockAlertBridge-dev/Dispatch/Role AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
        `StockAlertBridge-dev/SesEvents/Role AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
        `StockAlertBridge-dev/SupplierPage/Role AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
        'StockAlertBridge-dev/FailedSesEventsQueue AwsSolutions-SQS3',
        'StockAlertBridge-dev/FailedSendDueOrdersQueue AwsSolutions-SQS3',
        'StockAlertBridge-dev/FailedSweepQueue AwsSolutions-SQS3',
      ].sort(),
    );
    const pageRoutes = acknowledgements.filter(({ path: at }) => at.includes('--o--'));
    for (const { reason } of pageRoutes) {
      expect(reason).toMatch(/no accounts[\s\S]*signed token[\s\S]*verifies/);
    }
  });
});
