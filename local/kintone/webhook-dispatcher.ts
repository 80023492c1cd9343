import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KintoneUser, RecordJson } from './record-store';

/**
 * How long one delivery may take. kintone's own timeout is undocumented; a bound keeps a
 * hung receiver from stalling every later notification of the app.
 */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** `app` as kintone puts it in every notification: both strings. */
export interface WebhookApp {
  id: string;
  name: string;
}

/** ADD_RECORD / UPDATE_RECORD notification. */
export interface RecordWebhookNotification {
  id: string;
  type: 'ADD_RECORD' | 'UPDATE_RECORD' | 'UPDATE_STATUS';
  app: WebhookApp;
  record: RecordJson;
  recordTitle: string;
  url: string;
}

/** DELETE_RECORD notification: no record body and no url. */
export interface DeleteWebhookNotification {
  id: string;
  type: 'DELETE_RECORD';
  app: WebhookApp;
  recordId: string;
  deletedBy: KintoneUser;
  deletedAt: string;
}

/** ADD_RECORD_COMMENT notification. */
export interface CommentWebhookNotification {
  id: string;
  type: 'ADD_RECORD_COMMENT';
  app: WebhookApp;
  recordId: string;
  comment: {
    id: string;
    text: string;
    createdAt: string;
    creator: KintoneUser;
    mentions: never[];
  };
  url: string;
}

/** Any notification the local kintone sends. */
export type LocalWebhookNotification =
  RecordWebhookNotification | DeleteWebhookNotification | CommentWebhookNotification;

/** The outcome of one POST to one webhook URL. */
export interface WebhookDelivery {
  appId: string;
  url: string;
  notification: LocalWebhookNotification;
  /** HTTP status, when the receiver answered at all. */
  status?: number;
  /** Set when the delivery failed: a non-2xx status or a network error. */
  error?: string;
}

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: 'POST',
        // No pooled sockets: a closed emulator must not hold the process open.
        agent: false,
        timeout: WEBHOOK_TIMEOUT_MS,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${WEBHOOK_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Webhook URLs carry their secret in the query string; keep it out of logs. */
function redact(url: string): string {
  const parsed = new URL(url);
  return parsed.search === '' ? url : `${parsed.origin}${parsed.pathname}?…`;
}

/**
 * Sends notifications like kintone: after the API call has answered, one POST per URL,
 * in order per app, never retried. Failures are logged and recorded, not thrown.
 */
export class WebhookDispatcher {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly deliveries: WebhookDelivery[] = [];

  constructor(
    private readonly urlsOf: (appId: string) => readonly string[],
    private readonly log: (line: string) => void,
  ) {}

  /** Queues a notification for every URL the app has now. */
  enqueue(appId: string, notification: LocalWebhookNotification): void {
    const urls = [...this.urlsOf(appId)];
    if (urls.length === 0) return;
    const previous = this.chains.get(appId) ?? Promise.resolve();
    const next = previous.then(async () => {
      // Yield first so the API response that caused this is written before delivery.
      await new Promise((resolve) => setImmediate(resolve));
      for (const url of urls) await this.deliver(appId, url, notification);
    });
    this.chains.set(appId, next);
  }

  /** Resolves once every notification queued so far has been attempted. */
  async idle(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  /** Every attempt so far, oldest first. */
  history(): WebhookDelivery[] {
    return [...this.deliveries];
  }

  private async deliver(
    appId: string,
    url: string,
    notification: LocalWebhookNotification,
  ): Promise<void> {
    const delivery: WebhookDelivery = { appId, url, notification };
    try {
      delivery.status = await post(url, JSON.stringify(notification));
      if (delivery.status < 200 || delivery.status >= 300) {
        delivery.error = `HTTP ${delivery.status}`;
      }
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error);
    }
    this.deliveries.push(delivery);
    const what = `${notification.type} ${notification.id} app ${appId} -> ${redact(url)}`;
    this.log(
      delivery.error === undefined
        ? `webhook delivered: ${what} (${delivery.status})`
        : `webhook FAILED, not retried (kintone does not retry): ${what}: ${delivery.error}`,
    );
  }
}
