import {
  ArnFormat,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  Tags,
  type StackProps,
} from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import path from 'node:path';
import {
  BRIDGE_TTL_ATTRIBUTE,
  bridgeTableDefinition,
} from '../shared/adapters/dynamodb/bridge-table';
import { CLAIM_CHECK_PK_PREFIX } from '../shared/adapters/dynamodb/dynamodb-claim-check-store';
import { SQS_MAX_MESSAGE_BYTES } from '../shared/edge/queued-notification';
import { NOTIFICATION_QUEUED_LOG_MESSAGE } from '../shared/ports/bridge-metrics';
import { BridgeFunction, METRICS_NAMESPACE } from './constructs/bridge-function';
import { BridgeMonitoring } from './constructs/bridge-monitoring';
import { FAX_WEBHOOK_PATH, WebhookApi } from './constructs/webhook-api';
import { DEV_STAGE, type DeploymentSettings } from './deployment-settings';
import { SEND_FAX_MEMORY_MB } from './function-settings';
import { acknowledgeNagFindings } from './nag-acknowledgements';

export { SEND_FAX_MEMORY_MB } from './function-settings';

/** Lambda's maximum for asynchronous invocations; then the event goes to the failure queue. */
export const SES_EVENTS_RETRY_ATTEMPTS = 2;

/** Lambda entry points relative to the project root; each exports `handler`. */
export const FUNCTION_ENTRIES = {
  webhook: 'functions/webhook/index.ts',
  dispatch: 'functions/dispatch/index.ts',
  sesEvents: 'functions/ses-events/index.ts',
  faxStatus: 'functions/fax-status/index.ts',
  supplierPage: 'functions/supplier-page/index.ts',
  sendDueOrders: 'functions/send-due-orders/index.ts',
  sweep: 'functions/sweep/index.ts',
  sendFax: 'functions/send-fax/index.ts',
} as const;

/**
 * The fax function renders a PDF (fonts embedded) and uploads it per job; a gateway that
 * answers slowly is retried by the SDK within this.
 */
export const SEND_FAX_TIMEOUT = Duration.seconds(60);
/** Fax jobs per invocation: a render takes tens of ms, so a few per batch keep up. */
export const SEND_FAX_BATCH_SIZE = 5;

/**
 * The dispatch function reads kintone, sends one email and writes kintone back per message,
 * each call a few hundred ms; 30 s leaves room for SDK retries on a batch of 10.
 */
export const DISPATCH_TIMEOUT = Duration.seconds(30);
/**
 * AWS's rule for SQS event sources: visibility timeout at least 6x the function timeout, so a
 * message is not handed out again while a throttled or retried invocation still works on it.
 */
export const QUEUE_VISIBILITY_TIMEOUT = Duration.seconds(DISPATCH_TIMEOUT.toSeconds() * 6);
/** Attempts before a notification is dead-lettered. */
export const MAX_RECEIVE_COUNT = 5;
/**
 * Two concurrent dispatchers (SQS's minimum for maximumConcurrency) with batches of 10 make at
 * most a few kintone requests at a time, far below kintone's 100 concurrent requests per
 * domain, and send a few emails a second at most, within SES's production send rate.
 */
export const DISPATCH_MAX_CONCURRENCY = 2;
/** Messages per dispatch invocation; failures are reported per message. */
export const DISPATCH_BATCH_SIZE = 10;
/**
 * fax-status looks the order up and may write kintone twice (comment, 要対応), each call a few
 * hundred ms plus SDK retries; API Gateway gives up on the integration after 30 s anyway.
 */
export const FAX_STATUS_TIMEOUT = Duration.seconds(20);
/**
 * The supplier page reads the order; an answer also writes kintone twice (status and dates,
 * then the comment), each call a few hundred ms plus SDK retries, within API Gateway's 30 s.
 */
export const SUPPLIER_PAGE_TIMEOUT = Duration.seconds(20);
/**
 * How often the scheduled sender looks for due orders: a gathered order goes out at most this
 * long after its window or cut-off ends (and an order a crash left half-sent is finished).
 */
export const SEND_DUE_ORDERS_RATE = Duration.minutes(1);
/**
 * A run sends at most a batch of due orders (sendDueOrders' batch size), each with its email or
 * fax and its kintone write-backs. Longer than the rate on purpose: a slow run delays the next
 * one (reserved concurrency 1 throttles it and Lambda retries it) instead of being cut off.
 */
export const SEND_DUE_ORDERS_TIMEOUT = Duration.minutes(2);
/**
 * A run that waited longer than this (behind a slow run, or in EventBridge's retries) is
 * obsolete: the runs after it do the same work. It goes to the failure queue, which alarms.
 */
export const SEND_DUE_ORDERS_MAX_EVENT_AGE = Duration.minutes(5);
/** EventBridge's retries of a run it could not hand to Lambda, before the failure queue. */
export const SEND_DUE_ORDERS_DELIVERY_RETRIES = 2;
/**
 * The table actions of the scheduled sender: read an order and an item's state (GetItem), find
 * the due orders on the due index (Query, granted on the table's named indexes only), append to
 * an order's log, settle it and count kintone calls (UpdateItem), and, when it seals a gathering
 * order, delete the group's gathering pointer (DeleteItem) so the group's next line opens a new
 * order. The follow-up list (issue 12) needs nothing more: an order's `CHECK#` entry is written
 * with UpdateItem, found on the same index (Query) and removed with DeleteItem. The order store
 * writes without transactions (dynalite has none), so there is no
 * TransactWriteItems to authorise; it never creates items on this path, so no PutItem. No Scan,
 * no batch operations.
 */
export const SEND_DUE_ORDERS_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
] as const;
/**
 * The daily learning run of the scheduled sender (issue 14), limited to the learning's
 * partition keys: read an app's stock history and the suggestions last written (Query on
 * `STOCK#…`, `LEARNED#…`), remember what it wrote (BatchWriteItem on `LEARNED#…`) and claim the
 * day's run (PutItem on `LEARNRUN#…`). It reads orders, and reads, retries and settles the day's
 * run, with the GetItem and UpdateItem it already has.
 */
export const SEND_DUE_ORDERS_LEARNING_GRANTS = [
  { actions: ['dynamodb:Query'], leadingKeys: ['STOCK#*', 'LEARNED#*'] },
  { actions: ['dynamodb:BatchWriteItem'], leadingKeys: ['LEARNED#*'] },
  { actions: ['dynamodb:PutItem'], leadingKeys: ['LEARNRUN#*'] },
] as const;
/**
 * A sweep reads each app 500 records a call (10,000 records: 21 calls, a few seconds each at
 * worst) and queues what the bridge has not processed; 5 minutes leaves room for kintone's
 * retries and for several large apps.
 */
export const SWEEP_TIMEOUT = Duration.minutes(5);
/**
 * A sweep that waited longer than its own interval is obsolete (the next one reads everything
 * again): at most this long, or the interval when that is shorter.
 */
export const SWEEP_MAX_EVENT_AGE = Duration.minutes(30);
/**
 * The table actions of the sweep, each limited to the partition keys it touches
 * (`dynamodb:LeadingKeys`): read the items' states and the claim checks of their orders
 * (BatchGetItem on `ITEM#…` and `ORDER#…`), count kintone calls (UpdateItem on `KCALLS#…`),
 * and store a record too large for one queue message (PutItem on `CLAIM#…`). No Query, Scan,
 * DeleteItem, and no writes to orders or item states: the dispatcher does those.
 */
export const SWEEP_TABLE_GRANTS = [
  { actions: ['dynamodb:BatchGetItem'], leadingKeys: ['ITEM#*', 'ORDER#*'] },
  { actions: ['dynamodb:UpdateItem'], leadingKeys: ['KCALLS#*'] },
  { actions: ['dynamodb:PutItem'], leadingKeys: [`${CLAIM_CHECK_PK_PREFIX}*`] },
] as const;
/** One month: enough to investigate a failed order; longer costs without helping. */
export const LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

/** Props of {@link StockAlertBridgeStack}. */
export interface StockAlertBridgeStackProps extends StackProps {
  /** Resolved by `resolveDeploymentSettings`; `account` and `region` become the stack's env. */
  readonly settings: DeploymentSettings;
}

/**
 * The whole bridge in one stack: HTTP API -> webhook function -> SQS FIFO queue -> dispatch
 * function (kintone, SES, fax gateway, DynamoDB), SES events via SNS -> ses-events function
 * (which also sends the fax fallback after a bounce), an EventBridge rule every minute ->
 * send-due-orders function (gathered orders whose window or cut-off has passed, and orders a
 * crash left half-sent), with a Phaxio gateway its status callbacks
 * -> fax-status function, with `supplierPage` the signed order page -> supplier-page function,
 * a Secrets Manager secret for the tokens, alarms to an operators' topic and a dashboard.
 * Nothing of the fax channel exists unless the configuration has `fax`, nothing of the page
 * unless it has `supplierPage`.
 *
 * @example
 * const stack = new StockAlertBridgeStack(app, 'StockAlertBridge-dev', { settings });
 */
export class StockAlertBridgeStack extends Stack {
  /** The bridge's DynamoDB table. */
  readonly table: dynamodb.Table;
  /** The notification queue (FIFO). */
  readonly queue: sqs.Queue;
  /** Where notifications go after {@link MAX_RECEIVE_COUNT} failed attempts. */
  readonly deadLetterQueue: sqs.Queue;
  /** The fax function's queue (FIFO), with a fax gateway in the configuration only. */
  readonly faxQueue: sqs.Queue | undefined;
  /** Where fax jobs go after {@link MAX_RECEIVE_COUNT} failed attempts. */
  readonly faxDeadLetterQueue: sqs.Queue | undefined;
  /** Where ses-events puts SES events it could not record after its retries. */
  readonly failedSesEventsQueue: sqs.Queue;
  /** Where runs of the scheduled sender go that failed, expired or could not be delivered. */
  readonly failedSendDueOrdersQueue: sqs.Queue;
  /** The rule that invokes the scheduled sender every {@link SEND_DUE_ORDERS_RATE}. */
  readonly sendDueOrdersSchedule: events.Rule;
  /** The rule that invokes the sweep every `sweep.intervalMinutes`; absent when switched off. */
  readonly sweepSchedule: events.Rule | undefined;
  /** Where runs of the sweep go that failed, expired or could not be delivered. */
  readonly failedSweepQueue: sqs.Queue | undefined;
  /** The secret holding kintone API tokens and webhook tokens. */
  readonly secret: secretsmanager.Secret;
  /**
   * The functions; `faxStatus` only with a Phaxio fax gateway, `supplierPage` only with
   * `supplierPage` in the configuration.
   */
  readonly functions: {
    readonly webhook: BridgeFunction;
    readonly dispatch: BridgeFunction;
    readonly sesEvents: BridgeFunction;
    readonly faxStatus?: BridgeFunction;
    readonly supplierPage?: BridgeFunction;
    readonly sendDueOrders: BridgeFunction;
    readonly sweep?: BridgeFunction;
    /** Renders and sends faxes; with a fax gateway in the configuration only. */
    readonly sendFax?: BridgeFunction;
  };
  /** The HTTP API kintone (and Phaxio) call. */
  readonly api: WebhookApi;
  /**
   * Where Phaxio posts fax statuses: submitted with each fax by send-fax, and
   * the URL fax-status verifies signatures against, so all three get this one value.
   */
  readonly faxCallbackUrl: string | undefined;
  /**
   * Where the supplier page is served (this API's stage URL, no trailing slash): dispatch signs
   * links under it and the page function gets the same value. Undefined without `supplierPage`.
   */
  readonly supplierPageBaseUrl: string | undefined;

  constructor(scope: Construct, id: string, props: StockAlertBridgeStackProps) {
    const { settings, ...stackProps } = props;
    super(scope, id, {
      description: `stock-alert-bridge (${settings.stage}): kintone inventory webhooks to supplier order emails`,
      ...stackProps,
      env: { account: settings.account, region: settings.region },
    });
    Tags.of(this).add('app', 'stock-alert-bridge');
    Tags.of(this).add('stage', settings.stage);

    const isDev = settings.stage === DEV_STAGE;
    // Data outlives a mistaken `cdk destroy` everywhere except in dev.
    const dataRemovalPolicy = isDev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const namePrefix = `stock-alert-bridge-${settings.stage}`;

    // --- Secrets ---------------------------------------------------------------------------
    this.secret = new secretsmanager.Secret(this, 'Secrets', {
      secretName: `stock-alert-bridge/${settings.stage}/secrets`,
      // Key names only, never values: operators put the tokens in after the first deploy.
      description: `JSON object with the keys ${settings.secretKeys.join(', ')} (kintone API and webhook tokens, fax gateway credentials, the supplier page's link signing key: what the configuration references as {"env": NAME})`,
      // CloudFormation needs some initial value. This one is a valid JSON object whose only key
      // is not referenced by the configuration, and it is generated at deploy time, so no
      // value appears in the template. The template stays constant, so CloudFormation never
      // regenerates it over the operators' values.
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'placeholder',
      },
      removalPolicy: dataRemovalPolicy,
    });

    // --- State -----------------------------------------------------------------------------
    this.table = new dynamodb.Table(this, 'Table', {
      ...bridgeTableKeys(),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Processed-notification markers expire; orders and item state carry no expiresAt.
      timeToLiveAttribute: BRIDGE_TTL_ATTRIBUTE,
      deletionProtection: !isDev,
      removalPolicy: dataRemovalPolicy,
    });
    for (const index of bridgeTableIndexes()) this.table.addGlobalSecondaryIndex(index);

    // --- Queue -----------------------------------------------------------------------------
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      fifo: true,
      contentBasedDeduplication: false,
      // A dead letter keeps its message whole, so it takes what the queue takes.
      maxMessageSizeBytes: SQS_MAX_MESSAGE_BYTES,
      // The longest SQS allows: operators replay after fixing the cause, which may take days.
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'NotificationQueue', {
      fifo: true,
      // The sender sets MessageDeduplicationId to kintone's notification id: a webhook
      // delivered twice is dropped even if its body differs (e.g. a re-serialised retry).
      contentBasedDeduplication: false,
      // 1 MiB, SQS's maximum since 2025: every kintone notification (at most 1 MB) fits one
      // message. Set explicitly, or a queue created before then keeps 256 KiB.
      maxMessageSizeBytes: SQS_MAX_MESSAGE_BYTES,
      visibilityTimeout: QUEUE_VISIBILITY_TIMEOUT,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    // --- SES -------------------------------------------------------------------------------
    // One customer-managed key for both topics: SES and CloudWatch alarms can publish to an
    // encrypted topic only when the key policy lets them use the key, which the AWS-managed
    // SNS key does not allow. The statements carry no source conditions, as in AWS's example
    // for encrypted topics: not every service passes them to KMS, and a mismatch silently
    // drops alarms. Who may publish is decided by each topic's policy, which is conditioned.
    const topicKey = new kms.Key(this, 'TopicKey', {
      description: `${namePrefix}: encrypts the SES events and alarm topics`,
      enableKeyRotation: true,
      removalPolicy: dataRemovalPolicy,
    });
    for (const [sid, service] of [
      ['AllowSesToPublishToEncryptedTopics', 'ses.amazonaws.com'],
      ['AllowCloudWatchAlarmsToPublishToEncryptedTopics', 'cloudwatch.amazonaws.com'],
    ] as const) {
      topicKey.addToResourcePolicy(
        new iam.PolicyStatement({
          sid,
          principals: [new iam.ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
        }),
      );
    }

    const configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: namePrefix,
      // Per-configuration-set bounce and complaint rates in CloudWatch.
      reputationMetrics: true,
    });
    const sesEventsTopic = new sns.Topic(this, 'SesEventsTopic', {
      displayName: `${namePrefix} SES events`,
      masterKey: topicKey,
      enforceSSL: true,
    });
    configurationSet.addEventDestination('EventsToSns', {
      destination: ses.EventDestination.snsTopic(sesEventsTopic),
      events: [
        ses.EmailSendingEvent.BOUNCE,
        ses.EmailSendingEvent.COMPLAINT,
        ses.EmailSendingEvent.DELIVERY,
        ses.EmailSendingEvent.REJECT,
      ],
    });
    const senderIdentity = new ses.EmailIdentity(this, 'SenderIdentity', {
      identity: settings.senderIdentity.includes('@')
        ? ses.Identity.email(settings.senderIdentity)
        : ses.Identity.domain(settings.senderIdentity),
      // Mail from this identity publishes its events even if a sender forgets the set.
      configurationSet,
    });
    const configurationSetArn = this.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: configurationSet.configurationSetName,
    });

    // --- Webhook and API -------------------------------------------------------------------
    const common = {
      configPath: settings.configPath,
      stage: settings.stage,
      secretsArn: this.secret.secretArn,
      logRetention: LOG_RETENTION,
      logRemovalPolicy: dataRemovalPolicy,
    };
    const webhook = new BridgeFunction(this, 'Webhook', {
      ...common,
      entry: path.join(settings.projectRoot, FUNCTION_ENTRIES.webhook),
      // Verifies the token and enqueues: fast, and API Gateway gives up after 30 s anyway.
      timeout: Duration.seconds(10),
      description: `${namePrefix} webhook: verifies kintone notifications and queues them`,
      // No TABLE_NAME: every notification fits one queue message, so the webhook has no table.
      environment: { QUEUE_URL: this.queue.queueUrl },
    });
    // NotificationsReceived, counted from the webhook's "notification queued" log line rather
    // than emitted as EMF: the function called on every kintone edit writes one line per request.
    // Same namespace, name and `service` dimension as the other functions' EMF metrics.
    new logs.MetricFilter(this, 'NotificationsReceivedFilter', {
      logGroup: webhook.logGroup,
      filterPattern: logs.FilterPattern.stringValue(
        '$.message',
        '=',
        NOTIFICATION_QUEUED_LOG_MESSAGE,
      ),
      metricNamespace: METRICS_NAMESPACE,
      metricName: 'NotificationsReceived',
      metricValue: '1',
      dimensions: { service: '$.service' },
      unit: cloudwatch.Unit.COUNT,
    });
    this.api = new WebhookApi(this, 'WebhookApi', {
      handler: webhook.fn,
      logRetention: LOG_RETENTION,
      logRemovalPolicy: dataRemovalPolicy,
    });

    // --- Fax channel (only when configured) ------------------------------------------------
    const fax = settings.config.fax;
    const phaxio = fax?.gateway.type === 'phaxio';
    const emailToFax = fax?.gateway.type === 'email-to-fax';
    // The URL refers to the API's id only; the API depends on no function but webhook, so
    // functions may carry it without a cycle. A callbackUrl in the configuration still wins
    // at run time (e.g. a custom domain in front of this API).
    this.faxCallbackUrl = phaxio ? this.api.urlOf(FAX_WEBHOOK_PATH) : undefined;
    const faxCallbackEnvironment: Record<string, string> = this.faxCallbackUrl
      ? { FAX_CALLBACK_URL: this.faxCallbackUrl }
      : {};
    // The fax function's queue: FIFO with one message group per order, so an order's jobs run
    // one at a time; the job names the deduplication id, so a job handed over twice within
    // five minutes is queued once.
    this.faxDeadLetterQueue = fax
      ? new sqs.Queue(this, 'FaxDeadLetterQueue', {
          fifo: true,
          contentBasedDeduplication: false,
          retentionPeriod: Duration.days(14),
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
        })
      : undefined;
    this.faxQueue = this.faxDeadLetterQueue
      ? new sqs.Queue(this, 'FaxQueue', {
          fifo: true,
          contentBasedDeduplication: false,
          visibilityTimeout: Duration.seconds(SEND_FAX_TIMEOUT.toSeconds() * 6),
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          deadLetterQueue: { queue: this.faxDeadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
        })
      : undefined;
    const faxQueueEnvironment: Record<string, string> = this.faxQueue
      ? { FAX_QUEUE_URL: this.faxQueue.queueUrl }
      : {};

    // --- Supplier page (only when configured) ----------------------------------------------
    // Same reasoning as the fax callback URL: the base URL names the API only, so dispatch can
    // sign links under it without a cycle. supplierPage.baseUrl in the configuration still wins
    // at run time (a custom domain in front of this API).
    const supplierPageConfigured = settings.config.supplierPage !== undefined;
    this.supplierPageBaseUrl = supplierPageConfigured ? this.api.baseUrl : undefined;
    const supplierPageEnvironment: Record<string, string> = this.supplierPageBaseUrl
      ? { SUPPLIER_PAGE_BASE_URL: this.supplierPageBaseUrl }
      : {};

    // --- Functions -------------------------------------------------------------------------
    const dispatch = new BridgeFunction(this, 'Dispatch', {
      ...common,
      entry: path.join(settings.projectRoot, FUNCTION_ENTRIES.dispatch),
      timeout: DISPATCH_TIMEOUT,
      description: `${namePrefix} dispatch: decides, emails the supplier (or hands the fax over) and writes back to kintone`,
      environment: {
        TABLE_NAME: this.table.tableName,
        KINTONE_BASE_URL: settings.kintoneBaseUrl,
        SES_CONFIGURATION_SET: configurationSet.configurationSetName,
        // The last attempt before the dead letters marks the record (要対応).
        MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
        ...faxQueueEnvironment,
        ...supplierPageEnvironment,
      },
    });
    const sesEvents = new BridgeFunction(this, 'SesEvents', {
      ...common,
      entry: path.join(settings.projectRoot, FUNCTION_ENTRIES.sesEvents),
      // One kintone write-back per event; a fax fallback after a bounce goes to the fax queue.
      timeout: Duration.seconds(30),
      description: `${namePrefix} ses-events: records delivery, bounce and complaint on the order`,
      environment: {
        TABLE_NAME: this.table.tableName,
        KINTONE_BASE_URL: settings.kintoneBaseUrl,
        ...faxQueueEnvironment,
      },
    });
    // Only Phaxio calls back; an email-to-fax message is tracked by SES events like any email.
    const faxStatus = phaxio
      ? new BridgeFunction(this, 'FaxStatus', {
          ...common,
          entry: path.join(settings.projectRoot, FUNCTION_ENTRIES.faxStatus),
          timeout: FAX_STATUS_TIMEOUT,
          description: `${namePrefix} fax-status: records Phaxio's fax status callbacks on the order`,
          environment: {
            TABLE_NAME: this.table.tableName,
            KINTONE_BASE_URL: settings.kintoneBaseUrl,
            ...faxCallbackEnvironment,
          },
        })
      : undefined;
    const supplierPage = supplierPageConfigured
      ? new BridgeFunction(this, 'SupplierPage', {
          ...common,
          entry: path.join(settings.projectRoot, FUNCTION_ENTRIES.supplierPage),
          timeout: SUPPLIER_PAGE_TIMEOUT,
          description: `${namePrefix} supplier-page: the signed order page where suppliers answer without an account`,
          environment: {
            TABLE_NAME: this.table.tableName,
            KINTONE_BASE_URL: settings.kintoneBaseUrl,
            ...supplierPageEnvironment,
          },
        })
      : undefined;
    // Sends the orders that are due: gathered orders whose window or cut-off has passed, and
    // any order a crash or a failed send left with steps to do (immediate ones included).
    const sendDueOrders = new BridgeFunction(this, 'SendDueOrders', {
      ...common,
      entry: path.join(settings.projectRoot, FUNCTION_ENTRIES.sendDueOrders),
      timeout: SEND_DUE_ORDERS_TIMEOUT,
      description: `${namePrefix} send-due-orders: every minute, seals and sends the gathered orders that are due`,
      // One run at a time: two runs would race for the same due orders (the store's conditional
      // writes keep an order from being sent twice, but each race costs kintone calls).
      reservedConcurrentExecutions: 1,
      environment: {
        TABLE_NAME: this.table.tableName,
        KINTONE_BASE_URL: settings.kintoneBaseUrl,
        SES_CONFIGURATION_SET: configurationSet.configurationSetName,
        ...faxQueueEnvironment,
        ...supplierPageEnvironment,
      },
    });
    // Renders and sends every fax (order forms, reminders) from the fax queue: the only function
    // with the PDF renderer and the fonts in its bundle, and the memory they need.
    const sendFax =
      fax && this.faxQueue
        ? new BridgeFunction(this, 'SendFax', {
            ...common,
            entry: path.join(settings.projectRoot, FUNCTION_ENTRIES.sendFax),
            timeout: SEND_FAX_TIMEOUT,
            memorySize: SEND_FAX_MEMORY_MB,
            description: `${namePrefix} send-fax: renders and faxes the order forms the other functions hand over`,
            rendersOrderForms: true,
            environment: {
              TABLE_NAME: this.table.tableName,
              KINTONE_BASE_URL: settings.kintoneBaseUrl,
              ...faxCallbackEnvironment,
              // The email-to-fax message goes out through the same configuration set.
              ...(emailToFax
                ? { SES_CONFIGURATION_SET: configurationSet.configurationSetName }
                : {}),
            },
          })
        : undefined;
    // Reads every inventory app with kintone's cursor API and queues the records no
    // notification brought (CSV imports, bulk updates, lost webhooks): kintone read, the items'
    // states read, the queue written. Nothing else.
    const sweepConfig = settings.config.sweep;
    const sweep = sweepConfig.enabled
      ? new BridgeFunction(this, 'Sweep', {
          ...common,
          entry: path.join(settings.projectRoot, FUNCTION_ENTRIES.sweep),
          timeout: SWEEP_TIMEOUT,
          description: `${namePrefix} sweep: every ${sweepConfig.intervalMinutes} min, reads the inventory apps for shortages no webhook reported`,
          // One sweep at a time: two would read (and count against the budget) the same apps.
          reservedConcurrentExecutions: 1,
          environment: {
            TABLE_NAME: this.table.tableName,
            KINTONE_BASE_URL: settings.kintoneBaseUrl,
            QUEUE_URL: this.queue.queueUrl,
          },
        })
      : undefined;
    this.functions = {
      webhook,
      dispatch,
      sesEvents,
      sendDueOrders,
      ...(sweep ? { sweep } : {}),
      ...(sendFax ? { sendFax } : {}),
      ...(faxStatus ? { faxStatus } : {}),
      ...(supplierPage ? { supplierPage } : {}),
    };
    const faxStatusRoute = faxStatus ? this.api.addFaxStatusRoute(faxStatus.fn) : undefined;
    const supplierPageRoutes = supplierPage
      ? this.api.addSupplierPageRoutes(supplierPage.fn, {
          approvalPage:
            settings.config.approval !== undefined && settings.config.orderApp === undefined,
        })
      : undefined;

    dispatch.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: DISPATCH_BATCH_SIZE,
        reportBatchItemFailures: true,
        maxConcurrency: DISPATCH_MAX_CONCURRENCY,
      }),
    );
    if (sendFax && this.faxQueue) {
      sendFax.fn.addEventSource(
        new SqsEventSource(this.faxQueue, {
          batchSize: SEND_FAX_BATCH_SIZE,
          reportBatchItemFailures: true,
        }),
      );
    }
    sesEventsTopic.addSubscription(new subscriptions.LambdaSubscription(sesEvents.fn));
    // SNS invokes ses-events asynchronously: Lambda retries a failed event twice, then hands it
    // to this queue instead of dropping it, so a delivery status is never lost silently.
    this.failedSesEventsQueue = new sqs.Queue(this, 'FailedSesEventsQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    sesEvents.fn.configureAsyncInvoke({
      retryAttempts: SES_EVENTS_RETRY_ATTEMPTS,
      onFailure: new SqsDestination(this.failedSesEventsQueue),
    });

    // --- Scheduler for gathered orders -----------------------------------------------------
    // An EventBridge rule at a fixed rate rather than EventBridge Scheduler: the handler takes
    // EventBridge's ScheduledEvent; the rule invokes through the function's resource policy
    // (no role to pass, no scheduler:* or iam:PassRole for anyone), and both offer the same
    // retry policy and dead-letter queue. One-time schedules per order would have dispatch
    // create and delete schedules (scheduler:CreateSchedule plus iam:PassRole) and still need
    // a sweep for orders a crash left half-sent; a minute's poll of the due index is one cheap
    // query when nothing is due.
    this.failedSendDueOrdersQueue = new sqs.Queue(this, 'FailedSendDueOrdersQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.sendDueOrdersSchedule = new events.Rule(this, 'SendDueOrdersSchedule', {
      description: `${namePrefix}: invokes send-due-orders every minute`,
      schedule: events.Schedule.rate(SEND_DUE_ORDERS_RATE),
      targets: [
        new eventsTargets.LambdaFunction(sendDueOrders.fn, {
          // Runs EventBridge could not deliver (Lambda unavailable, the permission missing).
          retryAttempts: SEND_DUE_ORDERS_DELIVERY_RETRIES,
          maxEventAge: SEND_DUE_ORDERS_MAX_EVENT_AGE,
          deadLetterQueue: this.failedSendDueOrdersQueue,
        }),
      ],
    });
    // Once Lambda has the event: a failed run is not retried (its orders stay due and the next
    // minute's run is the retry); a run throttled behind a slow one waits at most the max age.
    // Both kinds end in the failure queue, so a sender that cannot keep up is seen.
    sendDueOrders.fn.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: SEND_DUE_ORDERS_MAX_EVENT_AGE,
      onFailure: new SqsDestination(this.failedSendDueOrdersQueue),
    });

    // --- Sweep schedule -----------------------------------------------------------------------
    // Same pattern as the sender's: a rule at the configured rate, a failure queue for runs that
    // failed or could not be delivered, no Lambda retry (the next sweep reads everything again).
    if (sweep) {
      this.failedSweepQueue = new sqs.Queue(this, 'FailedSweepQueue', {
        retentionPeriod: Duration.days(14),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      const maxEventAge = Duration.minutes(
        Math.min(SWEEP_MAX_EVENT_AGE.toMinutes(), sweepConfig.intervalMinutes),
      );
      this.sweepSchedule = new events.Rule(this, 'SweepSchedule', {
        description: `${namePrefix}: invokes the sweep every ${sweepConfig.intervalMinutes} minutes`,
        schedule: events.Schedule.rate(Duration.minutes(sweepConfig.intervalMinutes)),
        targets: [
          new eventsTargets.LambdaFunction(sweep.fn, {
            retryAttempts: SEND_DUE_ORDERS_DELIVERY_RETRIES,
            maxEventAge,
            deadLetterQueue: this.failedSweepQueue,
          }),
        ],
      });
      sweep.fn.configureAsyncInvoke({
        retryAttempts: 0,
        maxEventAge,
        onFailure: new SqsDestination(this.failedSweepQueue),
      });
    } else {
      this.sweepSchedule = undefined;
      this.failedSweepQueue = undefined;
    }

    // --- Permissions (each function gets only what it calls) -------------------------------
    const optionalFunctions = [faxStatus, supplierPage].filter(
      (fn): fn is BridgeFunction => fn !== undefined,
    );
    const allFunctions = [
      webhook,
      dispatch,
      sesEvents,
      sendDueOrders,
      ...optionalFunctions,
      ...(sweep ? [sweep] : []),
      ...(sendFax ? [sendFax] : []),
    ];
    const tableUsers = [dispatch, sesEvents, ...optionalFunctions];
    this.queue.grantSendMessages(webhook.fn);
    if (sweep) {
      this.queue.grantSendMessages(sweep.fn);
      for (const grant of SWEEP_TABLE_GRANTS) {
        sweep.fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: [...grant.actions],
            resources: [this.table.tableArn],
            conditions: {
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.leadingKeys] },
            },
          }),
        );
      }
    }
    for (const fn of tableUsers) this.table.grantReadWriteData(fn.fn);
    // The fax function reads the order, appends to its log, settles it and counts kintone calls:
    // the scheduled sender's item actions, on the table only (it queries no index).
    sendFax?.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [...SEND_DUE_ORDERS_TABLE_ACTIONS],
        resources: [this.table.tableArn],
      }),
    );
    // Only the functions that hand faxes over may queue fax jobs.
    if (this.faxQueue) {
      for (const sender of [dispatch, sendDueOrders, sesEvents]) {
        this.faxQueue.grantSendMessages(sender.fn);
      }
    }
    // The scheduled sender gets the item actions it performs, on the table and its named
    // indexes only (no index/* wildcard, unlike grantReadWriteData).
    sendDueOrders.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [...SEND_DUE_ORDERS_TABLE_ACTIONS],
        resources: [this.table.tableArn],
      }),
    );
    sendDueOrders.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: bridgeTableIndexes().map(
          (index) => `${this.table.tableArn}/index/${index.indexName}`,
        ),
      }),
    );
    for (const grant of SEND_DUE_ORDERS_LEARNING_GRANTS) {
      sendDueOrders.fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [...grant.actions],
          resources: [this.table.tableArn],
          conditions: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.leadingKeys] },
          },
        }),
      );
    }
    for (const fn of allFunctions) this.secret.grantRead(fn.fn);
    // SES authorises a send against the sending identity and the configuration set.
    const sesSendResources = [senderIdentity.emailIdentityArn, configurationSetArn];
    for (const sender of [dispatch, sendDueOrders]) {
      iam.Grant.addToPrincipal({
        grantee: sender.fn,
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resourceArns: sesSendResources,
      });
    }
    if (emailToFax && sendFax) {
      // An email-to-fax fax is a raw MIME email to NUMBER@gateway-domain.
      iam.Grant.addToPrincipal({
        grantee: sendFax.fn,
        actions: ['ses:SendRawEmail'],
        resourceArns: sesSendResources,
      });
    }

    // --- Operations ------------------------------------------------------------------------
    const alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `${namePrefix} alarms`,
      masterKey: topicKey,
      enforceSSL: true,
    });
    // The topic policy that enforces TLS replaces SNS's default policy, so CloudWatch needs an
    // explicit allow, limited to this stack's alarms.
    alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisStacksAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': this.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `${namePrefix}-*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    alarmTopic.addSubscription(new subscriptions.EmailSubscription(settings.operatorEmail));
    new BridgeMonitoring(this, 'Monitoring', {
      namePrefix,
      alarmTopic,
      functions: {
        Webhook: webhook.fn,
        Dispatch: dispatch.fn,
        SesEvents: sesEvents.fn,
        SendDueOrders: sendDueOrders.fn,
        ...(sweep ? { Sweep: sweep.fn } : {}),
        ...(sendFax ? { SendFax: sendFax.fn } : {}),
        ...(faxStatus ? { FaxStatus: faxStatus.fn } : {}),
        ...(supplierPage ? { SupplierPage: supplierPage.fn } : {}),
      },
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      failedEventQueues: {
        SesEvents: this.failedSesEventsQueue,
        SendDueOrders: this.failedSendDueOrdersQueue,
        // A fax job that failed every attempt; the order stays due, so the scheduled send hands
        // it over again, and the dead letter says why.
        ...(this.faxDeadLetterQueue ? { SendFax: this.faxDeadLetterQueue } : {}),
        ...(this.failedSweepQueue ? { Sweep: this.failedSweepQueue } : {}),
      },
    });

    new CfnOutput(this, 'WebhookUrlWithoutToken', {
      description: 'Enter this URL in kintone with ?token=<the webhook token> appended',
      value: this.api.webhookUrlWithoutToken,
    });
    if (this.faxCallbackUrl) {
      new CfnOutput(this, 'FaxCallbackUrl', {
        description: 'Where Phaxio posts fax statuses (sent with each fax; nothing to enter)',
        value: this.faxCallbackUrl,
      });
    }
    if (this.supplierPageBaseUrl) {
      new CfnOutput(this, 'SupplierPageBaseUrl', {
        description:
          'Where the links in order requests point (<this URL>/o/<token>; nothing to enter)',
        value: this.supplierPageBaseUrl,
      });
    }
    new CfnOutput(this, 'SecretsArn', {
      description: `Put a JSON object with ${settings.secretKeys.join(', ')} into this secret`,
      value: this.secret.secretArn,
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'QueueUrl', { value: this.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });

    acknowledgeNagFindings({
      stack: this,
      table: this.table,
      secret: this.secret,
      functions: allFunctions,
      tableUsers,
      failedEventsQueue: this.failedSesEventsQueue,
      failedSendDueOrdersQueue: this.failedSendDueOrdersQueue,
      ...(this.failedSweepQueue ? { failedSweepQueue: this.failedSweepQueue } : {}),
      webhookRoute: this.api.route,
      ...(faxStatusRoute ? { faxStatusRoute } : {}),
      ...(supplierPageRoutes ? { supplierPageRoutes } : {}),
    });
  }
}

/** CDK attribute type for a DynamoDB attribute type letter. */
function attributeType(letter: string | undefined): dynamodb.AttributeType {
  switch (letter) {
    case 'S':
      return dynamodb.AttributeType.STRING;
    case 'N':
      return dynamodb.AttributeType.NUMBER;
    case 'B':
      return dynamodb.AttributeType.BINARY;
    default:
      throw new Error(`unsupported DynamoDB attribute type ${String(letter)}`);
  }
}

/** The table definition the store's adapter is tested against (one source of key names). */
const TABLE_DEFINITION = bridgeTableDefinition('unused');

function attribute(name: string | undefined): dynamodb.Attribute {
  const definition = TABLE_DEFINITION.AttributeDefinitions?.find(
    (candidate) => candidate.AttributeName === name,
  );
  if (!name || !definition) throw new Error(`bridge table attribute ${String(name)} is undefined`);
  return { name, type: attributeType(definition.AttributeType) };
}

function keysOf(keySchema: readonly { AttributeName?: string; KeyType?: string }[] | undefined): {
  partitionKey: dynamodb.Attribute;
  sortKey?: dynamodb.Attribute;
} {
  const hash = keySchema?.find((key) => key.KeyType === 'HASH');
  const range = keySchema?.find((key) => key.KeyType === 'RANGE');
  return {
    partitionKey: attribute(hash?.AttributeName),
    ...(range ? { sortKey: attribute(range.AttributeName) } : {}),
  };
}

/** Partition and sort key of the bridge table, from `bridgeTableDefinition`. */
export function bridgeTableKeys(): {
  partitionKey: dynamodb.Attribute;
  sortKey?: dynamodb.Attribute;
} {
  return keysOf(TABLE_DEFINITION.KeySchema);
}

/** Global secondary indexes of the bridge table, from `bridgeTableDefinition`. */
export function bridgeTableIndexes(): dynamodb.GlobalSecondaryIndexProps[] {
  return (TABLE_DEFINITION.GlobalSecondaryIndexes ?? []).map((index) => {
    if (!index.IndexName) throw new Error('bridge table index without a name');
    if (index.Projection?.ProjectionType !== 'ALL') {
      throw new Error(`index ${index.IndexName}: only ALL projections are mapped`);
    }
    return {
      indexName: index.IndexName,
      ...keysOf(index.KeySchema),
      projectionType: dynamodb.ProjectionType.ALL,
    };
  });
}
