import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SNSEvent, SQSEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDocumentClient, ensureBridgeTable } from '../shared/adapters/dynamodb/bridge-table';
import { DynamoDbNotificationFailureLog } from '../shared/adapters/dynamodb/dynamodb-notification-failure-log';
import { EnvSecretSource } from '../shared/adapters/secrets/env-secret-source';
import type { Env } from '../shared/config/env';
import { ConfigError, loadConfigFile, resolveSecret } from '../shared/config/load-config';
import type { BridgeConfig, GatheringRule } from '../shared/config/schema';
import type { WiringOverrides } from '../functions/common-wiring';
import type { DispatchHandler } from '../functions/dispatch/handler';
import { wireDispatchFromEnv } from '../functions/dispatch/wiring';
import type { FaxStatusHandler } from '../functions/fax-status/handler';
import { wireSendDueOrdersFromEnv } from '../functions/send-due-orders/wiring';
import { wireSendFaxFromEnv } from '../functions/send-fax/wiring';
import type { SweepRunResult } from '../functions/sweep/handler';
import { wireSweepFromEnv } from '../functions/sweep/wiring';
import type { SendDueOrdersResult } from '../shared/use-cases/send-due-orders';
import { wireFaxStatusFromEnv } from '../functions/fax-status/wiring';
import type { SesEventsHandler } from '../functions/ses-events/handler';
import { wireSesEventsFromEnv } from '../functions/ses-events/wiring';
import type { SupplierPageHandler } from '../functions/supplier-page/handler';
import { wireSupplierPageFromEnv } from '../functions/supplier-page/wiring';
import type { WebhookHandler } from '../functions/webhook/handler';
import { wireWebhookFromEnv } from '../functions/webhook/wiring';
import { supplierPageSettings } from '../shared/adapters/supplier/order-link-signer';
import { ORDER_PAGE_PATH } from '../shared/edge/order-link';
import { startPhaxioEmulator, type PhaxioEmulator } from './fax/phaxio-emulator';
import { startDynalite, type LocalDynamo } from './dynamodb/dynalite';
import { deadLettersRoutes } from './dead-letters-page';
import { learningReportRoutes } from './learning-report-route';
import { learningReportOfTable } from '../scripts/lib/learning-report-file';
import { startHttpBridge } from './http-bridge';
import { demoInventoryApp } from './kintone/demo-app';
import { startLocalKintone, type LocalKintone } from './kintone/local-kintone';
import { orderApp } from './kintone/order-app';
import { APPROVAL_PAGE_PATH } from '../shared/edge/approval-link';
import { siteInventoryApp } from './kintone/site-inventory-app';
import { supplierMasterApp } from './kintone/supplier-master-app';
import { localLambdaContext } from './lambda-context';
import { localSecretsEnv } from './local-secrets';
import { acquireDataDirLock, STACK_LOCK } from './queue/data-dir-lock';
import { LocalFifoQueue } from './queue/local-fifo-queue';
import { startSesFaultProxy, FAULTS_ROUTE, type SesFaultProxy } from './ses/fault-proxy';
import { startSesLocal, type SesLocal } from './ses/ses-local';
import { DEFAULT_SCHEDULER_INTERVAL_MS, startLocalScheduler } from './scheduler';

/** Ports of the local stack. 0 picks a free port (tests); the defaults suit `npm start`. */
export interface LocalPorts {
  bridge: number;
  kintone: number;
  ses: number;
  sesProxy: number;
  dynamodb: number;
  /** The Phaxio emulator (when the config's fax gateway is Phaxio). */
  fax: number;
}

export const DEFAULT_PORTS: LocalPorts = {
  bridge: 3000,
  kintone: 3001,
  ses: 3002,
  sesProxy: 3003,
  dynamodb: 3004,
  fax: 3005,
};
export const TABLE_NAME = 'stock-alert-bridge';
/** The region every local AWS client is configured with (the emulators accept any). */
export const LOCAL_REGION = 'ap-northeast-1';
const WEBHOOK_PATH = '/webhooks/kintone';
const FAX_CALLBACK_PATH = '/webhooks/fax';
const SES_EVENTS_PATH = '/__ses-events';
/** The order page's route, as the HTTP API declares it. */
const SUPPLIER_PAGE_ROUTE = `${ORDER_PAGE_PATH}{token}`;

/** Wraps one SES event as SNS delivers it to a subscribed Lambda function. */
function snsEventOf(message: string): SNSEvent {
  const now = new Date().toISOString();
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:ap-northeast-1:000000000000:local-ses-events:local',
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: 'arn:aws:sns:ap-northeast-1:000000000000:local-ses-events',
          Subject: '',
          Message: message,
          Timestamp: now,
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** Where the local services are, for {@link localFunctionEnv}. */
export interface LocalServices {
  /** The configuration file the functions load (absolute). */
  configPath: string;
  kintoneBaseUrl: string;
  dynamodbEndpoint: string;
  /** The SES API the functions send through (the fault proxy in front of aws-ses-v2-local). */
  sesEndpoint: string;
  maxReceiveCount: number;
  logLevel: NonNullable<LocalStackOptions['logLevel']>;
  /** Base of the order page links, when the configuration has `supplierPage`. */
  supplierPageBaseUrl?: string;
  /** The Phaxio emulator's API and the URL its status callbacks go to, with a Phaxio gateway. */
  phaxioBaseUrl?: string;
  faxCallbackUrl?: string;
}

/**
 * The environment the local stack gives every function's wiring: what the CDK stack sets on
 * the Lambda functions (see infra/stock-alert-bridge-stack.ts), with the AWS SDK's standard
 * variables pointing at the emulators and dummy credentials. The caller's environment comes
 * first, for the secrets the configuration refers to by variable; the settings that would let it
 * reach AWS (a Secrets Manager secret, an SQS queue, a configuration set, a generic endpoint, a
 * session token) are cleared, so a shell set up for AWS still runs locally.
 *
 * @example
 * wireDispatchFromEnv(localFunctionEnv(env, services), { now });
 */
export function localFunctionEnv(base: Env, services: LocalServices): Env {
  return {
    ...base,
    // Secrets are this environment (EnvSecretSource), never a Secrets Manager secret.
    SECRETS_ARN: '',
    // The webhook sends to the in-process queue (WiringOverrides.queue), not to SQS.
    QUEUE_URL: '',
    SES_CONFIGURATION_SET: '',
    BRIDGE_CONFIG_FILE: services.configPath,
    TABLE_NAME,
    KINTONE_BASE_URL: services.kintoneBaseUrl,
    MAX_RECEIVE_COUNT: String(services.maxReceiveCount),
    SUPPLIER_PAGE_BASE_URL: services.supplierPageBaseUrl ?? '',
    FAX_CALLBACK_URL: services.faxCallbackUrl ?? '',
    PHAXIO_BASE_URL: services.phaxioBaseUrl ?? '',
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: '',
    AWS_ENDPOINT_URL: '',
    AWS_ENDPOINT_URL_DYNAMODB: services.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SES: services.sesEndpoint,
    // One attempt per send: a failed one is retried by the queue, like a Lambda retry, so a
    // fault injected for one call fails one attempt.
    AWS_MAX_ATTEMPTS_SES: '1',
    POWERTOOLS_SERVICE_NAME: 'stock-alert-bridge',
    POWERTOOLS_LOG_LEVEL: services.logLevel,
    // No CloudWatch here: each count is a debug log line (POWERTOOLS_LOG_LEVEL=DEBUG shows them).
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}

export interface LocalStackOptions {
  /** Where dynalite, the local kintone, the queue and generated secrets keep their data. */
  dataDir: string;
  configPath: string;
  /** The environment: secrets referenced by the config, KINTONE_BASE_URL, PUBLIC_URL. */
  env: Env;
  ports?: Partial<LocalPorts>;
  queue?: { visibilityTimeoutMs?: number; maxReceiveCount?: number; pollIntervalMs?: number };
  /** JSON logs of the functions; tests pass 'SILENT'. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** One line per local event (webhook deliveries, HTTP calls); silent by default. */
  log?: (line: string) => void;
  /**
   * The clock of every function (and of the local kintone): tests move it to make gathered
   * orders due. The system clock without it.
   */
  now?: () => Date;
  /**
   * The local stand-in for the EventBridge rule that runs send-due-orders every minute in AWS:
   * every `intervalMs` (5 s by default, so the demo's gathered order follows soon after its
   * window). `intervalMs: false` runs it only on `runScheduler()`, as tests with a controlled
   * clock do.
   */
  scheduler?: { intervalMs?: number | false };
  /**
   * The local stand-in for the EventBridge rule that runs the sweep every
   * `sweep.intervalMinutes` of the configuration (the same interval by default).
   * `intervalMs: false` runs it only on `runSweep()`, as tests do.
   */
  sweep?: { intervalMs?: number | false };
  /**
   * `bulkUpdateWebhooks: true` makes the local kintone send a webhook per record of a bulk
   * update, as kintone did in its March 2025 incident (by default none, as kintone documents).
   */
  kintone?: { bulkUpdateWebhooks?: boolean };
  /**
   * Runs the configuration with this gathering rule on every app (`npm start -- --gathering
   * window:1`): the stack writes that configuration to `<dataDir>/config.effective.json`, and
   * every function loads it from there. Without it the file runs as it is.
   */
  gathering?: GatheringRule;
}

/** Where everything is; also written to `.data/local.json` for scripts. */
export interface LocalUrls {
  bridgeUrl: string;
  /** The URL to enter in kintone's webhook settings, token included. */
  webhookUrl: string;
  kintoneBaseUrl: string;
  /** Set only when the local kintone runs (its API token is generated locally). */
  kintoneApiToken?: string;
  kintoneAppId: string;
  /** The supplier master app (config `supplierMaster`), when configured. */
  supplierMasterAppId?: string;
  /** Its API token, set only when the local kintone runs. */
  supplierMasterApiToken?: string;
  /** The site inventory app (items as table rows, app 15), when the configuration has it. */
  siteInventoryAppId?: string;
  /** Its API token, set only when the local kintone runs. */
  siteInventoryApiToken?: string;
  localKintone: boolean;
  /** The configuration file the stack runs (absolute), for scripts that read the app mapping. */
  configPath?: string;
  /** Staff's read-only view of the local kintone (apps, records, comments), when it runs. */
  kintoneViewUrl?: string;
  sesInboxUrl: string;
  sesStoreUrl: string;
  sesEndpoint: string;
  sesFaultsUrl: string;
  dynamodbEndpoint: string;
  tableName: string;
  deadLettersUrl: string;
  /** The learning report (issue 14): stock, reorder points, orders, supplier scorecard. */
  learningReportUrl: string;
  /** The Phaxio emulator's page of received faxes (when the fax gateway is Phaxio). */
  faxOutboxUrl?: string;
  faxFaultsUrl?: string;
  /** Local stand-in for SNS: POST an SES event (JSON) to have ses-events process it. */
  sesEventsUrl: string;
  /** Base of the order page links in order requests (`${base}/o/<token>`), when configured. */
  supplierPageBaseUrl?: string;
}

export interface LocalStack {
  urls: LocalUrls;
  config: BridgeConfig;
  /** The local kintone, unless a real one was given with KINTONE_BASE_URL. */
  kintone?: LocalKintone;
  queue: LocalFifoQueue;
  /** The fax function's queue (FAX_QUEUE_URL in AWS), when the config has a fax gateway. */
  faxQueue?: LocalFifoQueue;
  ses: SesLocal;
  sesFaults: SesFaultProxy;
  dynamo: LocalDynamo;
  /** The Phaxio emulator, when the config's fax gateway is Phaxio. */
  phaxio?: PhaxioEmulator;
  /**
   * Runs send-due-orders once, as the schedule would (after a run in progress, never beside
   * one), and returns what it did. Does not wait for the webhooks its write-backs set off: call
   * `idle()` for that.
   */
  runScheduler(): Promise<SendDueOrdersResult>;
  /**
   * Runs the sweep once, as its schedule would (after a sweep in progress, never beside one),
   * and returns what it did. Does not wait for the notifications it queued: call `idle()`.
   */
  runSweep(): Promise<SweepRunResult>;
  /**
   * Resolves when no webhook, queued notification, retry or scheduler run is pending anywhere.
   */
  idle(): Promise<void>;
  close(): Promise<void>;
}

function writeJsonAtomically(path: string, value: unknown): void {
  writeFileSync(`${path}.tmp`, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/** The file of the effective configuration, with `gathering` (see LocalStackOptions). */
export const EFFECTIVE_CONFIG_FILE = 'config.effective.json';

/**
 * The configuration file the functions load (absolute): the given one, or with `gathering` a
 * copy in the data directory with that rule on every app (secret references stay references).
 */
function effectiveConfigPath(options: LocalStackOptions, dataDir: string): string {
  if (!options.gathering) return resolve(options.configPath);
  // Validated first, so a broken file is reported as loadConfigFile reports it.
  loadConfigFile(options.configPath);
  const raw = JSON.parse(readFileSync(options.configPath, 'utf8')) as { apps: unknown[] };
  for (const app of raw.apps as Array<Record<string, unknown>>) app.gathering = options.gathering;
  const path = join(dataDir, EFFECTIVE_CONFIG_FILE);
  writeJsonAtomically(path, raw);
  return path;
}

/**
 * Starts the whole bridge on this machine: dynalite, aws-ses-v2-local (behind a fault proxy),
 * a local kintone seeded with the demo app (unless `KINTONE_BASE_URL` names a real one), a FIFO
 * queue with SQS semantics, and the HTTP API serving the same handlers as the Lambda functions.
 *
 * @example
 * const stack = await startLocalStack({ dataDir: '.data', configPath: 'config/demo.json', env: process.env });
 * console.log(stack.urls.webhookUrl);
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir);
  // Taken before anything opens the directory: a second stack on it would otherwise fail deep
  // inside dynalite's LevelDB ("Database is closed") or overwrite the first one's files.
  const lock = acquireDataDirLock(dataDir, STACK_LOCK);
  try {
    const stack = await startOnLockedDataDir(options, dataDir);
    return {
      ...stack,
      close: async () => {
        try {
          await stack.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startOnLockedDataDir(
  options: LocalStackOptions,
  dataDir: string,
): Promise<LocalStack> {
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const configPath = effectiveConfigPath(options, dataDir);
  const config = loadConfigFile(configPath);
  const realKintoneUrl = options.env.KINTONE_BASE_URL?.trim() || undefined;

  // Secrets the config refers to by variable: generated locally where that is safe.
  const kintoneTokens = [
    ...config.apps.map((app) => app.apiToken),
    ...(config.supplierMaster ? [config.supplierMaster.apiToken] : []),
  ];
  const generated = localSecretsEnv(config, options.env, dataDir, (name) =>
    realKintoneUrl
      ? !kintoneTokens.some((token) => typeof token !== 'string' && token.env === name)
      : true,
  );
  const env: Env = { ...options.env, ...generated };

  const logger = new Logger({
    serviceName: 'stock-alert-bridge',
    logLevel: options.logLevel ?? 'INFO',
  });
  const cleanups: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };

  try {
    const dynamo = await startDynalite({ path: join(dataDir, 'dynamodb'), port: ports.dynamodb });
    cleanups.push(() => dynamo.close());
    await ensureBridgeTable(dynamo.client, TABLE_NAME);
    // What the dispatcher records about failed notifications; the operators' dead-letters page
    // (local only: in AWS it is `npm run replay`) reads it through the stack's own client.
    const failures = new DynamoDbNotificationFailureLog({
      client: createDocumentClient(dynamo.client),
      tableName: TABLE_NAME,
    });

    const ses = await startSesLocal({ port: ports.ses });
    cleanups.push(() => ses.close());
    const sesFaults = await startSesFaultProxy({ target: ses.endpoint, port: ports.sesProxy });
    cleanups.push(() => sesFaults.close());

    const localApp =
      config.apps.find((app) => app.appId === demoInventoryApp.appId) ?? config.apps[0];
    if (!localApp) throw new ConfigError('the configuration has no app');
    // The site inventory app (items as table rows) is served when the configuration has it.
    const siteApp = config.apps.find((app) => app.appId === siteInventoryApp.appId);
    let kintone: LocalKintone | undefined;
    let kintoneBaseUrl: string;
    if (realKintoneUrl) {
      kintoneBaseUrl = realKintoneUrl;
      for (const app of config.apps)
        resolveSecret(
          app.apiToken,
          env,
          `apps[app ${app.appId}].apiToken (the real kintone's API token)`,
        );
      if (config.supplierMaster)
        resolveSecret(
          config.supplierMaster.apiToken,
          env,
          "supplierMaster.apiToken (the real kintone's API token)",
        );
    } else {
      const master = config.supplierMaster;
      if (master && master.appId !== supplierMasterApp.appId) {
        throw new ConfigError(
          `supplierMaster.appId is ${master.appId}, but the local kintone serves the supplier master as app ${supplierMasterApp.appId}: set it to "${supplierMasterApp.appId}", or set KINTONE_BASE_URL to use a real kintone`,
        );
      }
      kintone = await startLocalKintone({
        port: ports.kintone,
        dataFile: join(dataDir, 'kintone.json'),
        apps: [
          demoInventoryApp,
          supplierMasterApp,
          ...(siteApp ? [siteInventoryApp] : []),
          // The demo order app (発注管理) when the configuration writes orders to app 16.
          ...(config.orderApp?.appId === orderApp.appId ? [orderApp] : []),
        ],
        apiTokens: {
          [demoInventoryApp.appId]: [
            resolveSecret(localApp.apiToken, env, 'local kintone API token'),
          ],
          ...(master
            ? {
                [supplierMasterApp.appId]: [
                  resolveSecret(master.apiToken, env, 'local supplier master API token'),
                ],
              }
            : {}),
          ...(siteApp
            ? {
                [siteInventoryApp.appId]: [
                  resolveSecret(siteApp.apiToken, env, 'local site inventory API token'),
                ],
              }
            : {}),
          ...(config.orderApp?.appId === orderApp.appId
            ? {
                [orderApp.appId]: [
                  resolveSecret(config.orderApp.apiToken, env, 'local order app API token'),
                ],
              }
            : {}),
        },
        ...(options.log ? { log: options.log } : {}),
        ...(options.now ? { now: options.now } : {}),
        timeZone: config.timeZone,
        ...(options.kintone?.bulkUpdateWebhooks ? { bulkUpdateWebhooks: true } : {}),
      });
      const started = kintone;
      cleanups.push(() => started.close());
      kintoneBaseUrl = kintone.baseUrl;
    }

    // The queues keep the stack's time, as the local kintone does: a test that moves the clock
    // past SQS's five-minute deduplication window sees a message sent again go through.
    const stackNow = options.now;
    const queueClock = stackNow ? { clock: () => stackNow().getTime() } : {};
    const queue = new LocalFifoQueue({
      ...queueClock,
      dataDir: join(dataDir, 'queue'),
      visibilityTimeoutMs: options.queue?.visibilityTimeoutMs ?? 5_000,
      maxReceiveCount: options.queue?.maxReceiveCount ?? 5,
      pollIntervalMs: options.queue?.pollIntervalMs ?? 50,
      log: (entry) => {
        const { level, message, ...detail } = entry;
        logger[level](`queue: ${message}`, detail);
      },
    });
    cleanups.push(() => queue.stop());
    // The fax function's own queue, as in AWS: the other functions hand faxes to it.
    const faxQueue = config.fax
      ? new LocalFifoQueue({
          ...queueClock,
          dataDir: join(dataDir, 'fax-queue'),
          visibilityTimeoutMs: options.queue?.visibilityTimeoutMs ?? 5_000,
          maxReceiveCount: options.queue?.maxReceiveCount ?? 5,
          pollIntervalMs: options.queue?.pollIntervalMs ?? 50,
          log: (entry) => {
            const { level, message, ...detail } = entry;
            logger[level](`fax queue: ${message}`, detail);
          },
        })
      : undefined;
    if (faxQueue) cleanups.push(() => faxQueue.stop());

    // Locally the secrets are the environment (with generated values).
    const secrets = new EnvSecretSource(env);
    const now = options.now ?? (() => new Date());

    // The HTTP API starts first: the fax gateway needs its URL for status callbacks, and the
    // handlers behind the routes are built right after.
    const handlers: {
      webhook?: WebhookHandler;
      faxStatus?: FaxStatusHandler;
      sesEvents?: SesEventsHandler;
      supplierPage?: SupplierPageHandler;
    } = {};
    const routeTo =
      <E, R>(pick: () => ((event: E, context: Context) => Promise<R>) | undefined, name: string) =>
      (event: E, context: Context): Promise<R> => {
        const handler = pick();
        if (!handler) throw new Error(`the local ${name} handler is not configured`);
        return handler(event, context);
      };
    const bridge = await startHttpBridge({
      port: ports.bridge,
      routes: [
        {
          method: 'POST',
          path: WEBHOOK_PATH,
          handler: routeTo(() => handlers.webhook, 'webhook'),
          functionName: 'stock-alert-bridge-webhook',
        },
        {
          method: 'POST',
          path: FAX_CALLBACK_PATH,
          handler: routeTo(() => handlers.faxStatus, 'fax-status'),
          functionName: 'stock-alert-bridge-fax-status',
        },
        {
          method: 'POST',
          path: SES_EVENTS_PATH,
          handler: async (event, context) => {
            // Local stand-in for SNS: the body is one SES event, delivered as SNS would.
            const outcomes = await routeTo(() => handlers.sesEvents, 'ses-events')(
              snsEventOf(event.body ?? ''),
              context,
            );
            return {
              statusCode: 200,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(outcomes),
            };
          },
          functionName: 'stock-alert-bridge-ses-events',
        },
        ...(['GET', 'POST'] as const).flatMap((method) =>
          // The approver's one-click page is served by the same function.
          [SUPPLIER_PAGE_ROUTE, `${APPROVAL_PAGE_PATH}{token}`].map((path) => ({
            method,
            path,
            handler: routeTo(() => handlers.supplierPage, 'supplier-page'),
            functionName: 'stock-alert-bridge-supplier-page',
          })),
        ),
        // Operators' page: dead letters (the fax queue's too) and parked notifications, with replay
        // and skip.
        ...deadLettersRoutes({
          queue,
          ...(faxQueue ? { faxQueue } : {}),
          failures,
          timeZone: config.timeZone,
          recordUrl: (appId, recordId) =>
            realKintoneUrl
              ? `${kintoneBaseUrl.replace(/\/+$/, '')}/k/${appId}/show#record=${recordId}`
              : `${kintoneBaseUrl}/k/${appId}/show?record=${recordId}`,
        }),
        // What the learning found (issue 14): the page `npm run report` writes for AWS.
        ...learningReportRoutes({
          build: (now) =>
            learningReportOfTable({ config, client: dynamo.client, tableName: TABLE_NAME }, now),
          timeZone: config.timeZone,
        }),
      ],
      pages: {
        '/': () => ({ service: 'stock-alert-bridge (local)', urls: publicUrls() }),
        '/health': () => ({ ok: true, queue: queue.stats() }),
      },
      ...(options.log ? { log: options.log } : {}),
    });
    cleanups.push(() => bridge.close());
    const faxCallbackUrl = `http://127.0.0.1:${bridge.port}${FAX_CALLBACK_PATH}`;

    let phaxio: PhaxioEmulator | undefined;
    const faxGateway = config.fax?.gateway;
    if (faxGateway?.type === 'phaxio') {
      const emulator = await startPhaxioEmulator({
        port: ports.fax,
        dataDir,
        callbackToken: resolveSecret(faxGateway.callbackToken, env, 'fax.gateway.callbackToken'),
        apiKey: resolveSecret(faxGateway.apiKey, env, 'fax.gateway.apiKey'),
        apiSecret: resolveSecret(faxGateway.apiSecret, env, 'fax.gateway.apiSecret'),
        ...(options.log ? { log: options.log } : {}),
      });
      phaxio = emulator;
      cleanups.push(() => emulator.close());
    }
    const bridgeUrl = `http://127.0.0.1:${bridge.port}`;
    // Order links point at this bridge (a browser on this machine opens them from the inbox).
    const supplierPage = config.supplierPage
      ? supplierPageSettings(config.supplierPage, secrets, bridgeUrl)
      : undefined;

    // One composition root: every function is built by the wiring Lambda runs, from an
    // environment that points at the local services instead of AWS's.
    const functionEnv = localFunctionEnv(env, {
      configPath,
      kintoneBaseUrl,
      dynamodbEndpoint: dynamo.endpoint,
      sesEndpoint: sesFaults.endpoint,
      maxReceiveCount: queue.maxReceiveCount,
      logLevel: options.logLevel ?? 'INFO',
      ...(config.supplierPage ? { supplierPageBaseUrl: bridgeUrl } : {}),
      ...(phaxio ? { phaxioBaseUrl: phaxio.baseUrl, faxCallbackUrl } : {}),
    });
    // Only what has no network protocol to point an environment at (see WiringOverrides).
    const overrides: WiringOverrides = { now, ...(faxQueue ? { faxQueue } : {}) };
    handlers.webhook = wireWebhookFromEnv(functionEnv, { ...overrides, queue });
    const dispatch: DispatchHandler = wireDispatchFromEnv(functionEnv, overrides);
    handlers.sesEvents = wireSesEventsFromEnv(functionEnv, overrides);
    // Only Phaxio calls back (as in the CDK stack, which has no fax-status function otherwise).
    if (phaxio) handlers.faxStatus = wireFaxStatusFromEnv(functionEnv, overrides);
    if (config.supplierPage) {
      handlers.supplierPage = wireSupplierPageFromEnv(functionEnv, overrides);
    }
    const sendDueOrders = wireSendDueOrdersFromEnv(functionEnv, overrides);
    const scheduler = startLocalScheduler({
      handler: sendDueOrders,
      context: () => localLambdaContext('stock-alert-bridge-send-due-orders'),
      now,
      intervalMs: options.scheduler?.intervalMs ?? DEFAULT_SCHEDULER_INTERVAL_MS,
      onError: (error) =>
        logger.error('scheduler: send-due-orders failed; the next run tries again', {
          error: error instanceof Error ? error.message : String(error),
        }),
      region: LOCAL_REGION,
      ruleName: 'stock-alert-bridge-send-due-orders',
    });
    cleanups.push(() => scheduler.stop());
    // The sweep queues the records no notification brought onto the same queue as the webhook.
    const sweep = startLocalScheduler({
      handler: wireSweepFromEnv(functionEnv, { ...overrides, queue }),
      context: () => localLambdaContext('stock-alert-bridge-sweep'),
      now,
      intervalMs: config.sweep.enabled
        ? (options.sweep?.intervalMs ?? config.sweep.intervalMinutes * 60_000)
        : false,
      onError: (error) =>
        logger.error('scheduler: sweep failed; the next run tries again', {
          error: error instanceof Error ? error.message : String(error),
        }),
      region: LOCAL_REGION,
      ruleName: 'stock-alert-bridge-sweep',
    });
    cleanups.push(() => sweep.stop());
    queue.start((event: SQSEvent) =>
      dispatch(event, localLambdaContext('stock-alert-bridge-dispatch')),
    );
    if (faxQueue) {
      const sendFax = wireSendFaxFromEnv(functionEnv, overrides);
      faxQueue.start((event: SQSEvent) =>
        sendFax(event, localLambdaContext('stock-alert-bridge-send-fax')),
      );
    }

    const webhookToken = resolveSecret(localApp.webhookTokens[0] ?? '', env, 'webhook token');
    // A real kintone cannot reach 127.0.0.1: PUBLIC_URL is the tunnel or host it can reach.
    const publicBase = (options.env.PUBLIC_URL?.trim() || bridgeUrl).replace(/\/+$/, '');
    const urls: LocalUrls = {
      bridgeUrl,
      webhookUrl: `${publicBase}${WEBHOOK_PATH}?token=${encodeURIComponent(webhookToken)}`,
      kintoneBaseUrl,
      ...(kintone
        ? { kintoneApiToken: resolveSecret(localApp.apiToken, env, 'local kintone API token') }
        : {}),
      kintoneAppId: localApp.appId,
      ...(config.supplierMaster ? { supplierMasterAppId: config.supplierMaster.appId } : {}),
      ...(kintone && config.supplierMaster
        ? {
            supplierMasterApiToken: resolveSecret(
              config.supplierMaster.apiToken,
              env,
              'local supplier master API token',
            ),
          }
        : {}),
      ...(siteApp ? { siteInventoryAppId: siteApp.appId } : {}),
      ...(kintone && siteApp
        ? {
            siteInventoryApiToken: resolveSecret(
              siteApp.apiToken,
              env,
              'local site inventory API token',
            ),
          }
        : {}),
      localKintone: kintone !== undefined,
      configPath,
      ...(kintone ? { kintoneViewUrl: `${kintone.baseUrl}/k/` } : {}),
      sesInboxUrl: `${ses.endpoint}/`,
      sesStoreUrl: ses.storeUrl,
      sesEndpoint: sesFaults.endpoint,
      sesFaultsUrl: `${sesFaults.endpoint}${FAULTS_ROUTE}`,
      dynamodbEndpoint: dynamo.endpoint,
      tableName: TABLE_NAME,
      deadLettersUrl: `${bridgeUrl}/dead-letters`,
      learningReportUrl: `${bridgeUrl}/report`,
      ...(phaxio ? { faxOutboxUrl: phaxio.outboxUrl, faxFaultsUrl: phaxio.faultsUrl } : {}),
      sesEventsUrl: `${bridgeUrl}${SES_EVENTS_PATH}`,
      ...(supplierPage ? { supplierPageBaseUrl: supplierPage.baseUrl } : {}),
    };
    function publicUrls(): Omit<
      LocalUrls,
      'webhookUrl' | 'kintoneApiToken' | 'supplierMasterApiToken' | 'siteInventoryApiToken'
    > {
      const {
        webhookUrl: _secret,
        kintoneApiToken: _token,
        supplierMasterApiToken: _masterToken,
        siteInventoryApiToken: _siteToken,
        ...rest
      } = urls;
      return rest;
    }
    if (kintone)
      kintone.setWebhooks(localApp.appId, [
        `${bridgeUrl}${WEBHOOK_PATH}?token=${encodeURIComponent(webhookToken)}`,
      ]);
    if (kintone && siteApp && siteApp !== localApp) {
      const siteToken = resolveSecret(
        siteApp.webhookTokens[0] ?? '',
        env,
        'site inventory webhook token',
      );
      kintone.setWebhooks(siteApp.appId, [
        `${bridgeUrl}${WEBHOOK_PATH}?token=${encodeURIComponent(siteToken)}`,
      ]);
    }
    // The order app's status changes (approval) come to the same webhook, with its own token.
    const orderAppToken = config.orderApp?.webhookTokens[0];
    if (kintone && config.orderApp?.appId === orderApp.appId && orderAppToken !== undefined) {
      kintone.setWebhooks(orderApp.appId, [
        `${bridgeUrl}${WEBHOOK_PATH}?token=${encodeURIComponent(resolveSecret(orderAppToken, env, 'order app webhook token'))}`,
      ]);
    }
    writeJsonAtomically(join(dataDir, 'local.json'), urls);

    const idle = async () => {
      // A webhook queues a notification whose dispatch writes to kintone, which fires another
      // webhook: wait until a whole round finds nothing new.
      for (;;) {
        const before = kintone?.webhookDeliveries().length ?? 0;
        // A scheduler run in progress writes back to kintone too; a sweep queues notifications.
        await scheduler.idle();
        await sweep.idle();
        await kintone?.idle();
        await queue.idle();
        // A handed-off fax writes 発注依頼済 to the records too.
        await faxQueue?.idle();
        // A fax's status callback comments on the record, which fires a webhook too.
        await phaxio?.idle();
        await kintone?.idle();
        if (
          (kintone?.webhookDeliveries().length ?? 0) === before &&
          queue.stats().visible + queue.stats().inFlight === 0 &&
          (faxQueue === undefined || faxQueue.stats().visible + faxQueue.stats().inFlight === 0)
        )
          return;
      }
    };

    return {
      urls,
      config,
      ...(kintone ? { kintone } : {}),
      queue,
      ...(faxQueue ? { faxQueue } : {}),
      ses,
      sesFaults,
      dynamo,
      ...(phaxio ? { phaxio } : {}),
      runScheduler: () => scheduler.runOnce(),
      runSweep: () => sweep.runOnce(),
      idle,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
