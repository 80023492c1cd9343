import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { describeIssues } from '../../shared/config/load-config';
import {
  BadRequestError,
  PayloadTooLargeError,
  UnauthorizedError,
} from '../../shared/edge/http-errors';
import { httpErrorHandler, jsonResponse } from '../../shared/edge/http-error-handler';
import { requestText } from '../../shared/edge/request';
import {
  isRecordNotification,
  notificationGroupId,
  notificationRecordId,
  notificationSchema,
  type KintoneNotification,
} from '../../shared/kintone/notification';
import { NOTIFICATION_QUEUED_LOG_MESSAGE } from '../../shared/ports/bridge-metrics';
import type { NotificationQueue } from '../../shared/ports/notification-queue';
import {
  CLAIM_CHECK_KEY,
  encodeForQueue,
  fitsInQueue,
  isClaimCheckReference,
  MAX_QUEUED_BODY_BYTES,
} from '../../shared/edge/queued-notification';
import type { WebhookTokenVerifier } from '../../shared/edge/token-verifier';

/** kintone sends at most 1 MB per notification; anything larger is not from kintone. */
export const MAX_NOTIFICATION_BYTES = 1024 * 1024;

export interface WebhookDeps {
  /**
   * The verifier for the current tokens. Asked on every request: the tokens live in a cached
   * secret, and a rotated token must be accepted without a redeploy.
   */
  tokens: () => Promise<WebhookTokenVerifier>;
  queue: NotificationQueue;
  logger: Logger;
  /** Field codes kept per app when queuing (the rest of the record is dropped). */
  fieldCodesByApp: ReadonlyMap<string, readonly string[]>;
}

export type WebhookHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Queues only the fields the configuration reads. Queue messages stay small (most far below
 * SQS's size limit), and data the bridge does not need (customer notes, attachments) never
 * leaves kintone.
 *
 * A delete or comment notification has no `record` in kintone's documented format (it names
 * the record by `recordId`), and the dispatcher reads none. A `record` key on one (even
 * `null`) is therefore dropped rather than refused: the objects are loose so that a key kintone
 * adds one day does not lose a notification, and a delete is exactly what must not be lost.
 */
function trimNotification(
  notification: KintoneNotification,
  kept: { codes: readonly string[]; wanted: ReadonlySet<string> } | undefined,
): KintoneNotification {
  if (!isRecordNotification(notification)) {
    if (!('record' in notification)) return notification;
    const { record: _dropped, ...rest } = notification as KintoneNotification & { record: unknown };
    return rest as KintoneNotification;
  }
  if (kept === undefined) return notification;
  const record = notification.record as Record<string, unknown>;
  // Plain assignment: only the notification's own keys are copied, and it has no "__proto__"
  // key (the handler refuses one before trimming).
  const fields: Record<string, unknown> = {};
  for (const code of kept.codes) {
    if (Object.hasOwn(record, code)) fields[code] = trimTable(record[code], kept.wanted);
  }
  return { ...notification, record: fields } as KintoneNotification;
}

/** A table keeps its rows (and their ids), each with only the fields the configuration reads. */
function trimTable(field: unknown, wanted: ReadonlySet<string>): unknown {
  if (typeof field !== 'object' || field === null) return field;
  const { type, value } = field as { type?: unknown; value?: unknown };
  if (type !== 'SUBTABLE' || !Array.isArray(value)) return field;
  const rows: unknown[] = [];
  for (const row of value) rows.push(trimRow(row, wanted));
  return { ...field, value: rows };
}

/** A table row with only the cells the configuration reads. */
function trimRow(row: unknown, wanted: ReadonlySet<string>): unknown {
  if (typeof row !== 'object' || row === null) return row;
  const cells = (row as { value?: unknown }).value;
  // Only an object of cells is trimmed; anything else is left for validation to judge.
  if (typeof cells !== 'object' || cells === null || Array.isArray(cells)) return row;
  const kept: Record<string, unknown> = {};
  for (const code of Object.keys(cells)) {
    if (wanted.has(code)) kept[code] = (cells as Record<string, unknown>)[code];
  }
  return { ...row, value: kept };
}

/**
 * A JSON text can hold a `__proto__` key only if it spells the word, or writes one of its
 * letters as an escape (`\u005f` `_`, `\u006f` `o`, `\u0070` `p`, `\u0072` `r`, `\u0074` `t`).
 * kintone's notifications do neither, so the walk below is skipped for them: it would cost
 * about a third of JSON.parse on every webhook.
 */
const MAY_HOLD_PROTO_KEY = /__proto__|\\u00(?:5f|6f|7[024])/i;

/**
 * True when any object in a parsed JSON value has an own `__proto__` key. Iterative, so a
 * body nested deeper than the call stack is still scanned (and refused later for its depth).
 */
function hasProtoKey(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null) continue;
    if (!Array.isArray(next) && Object.hasOwn(next, '__proto__')) return true;
    // One push per value: spreading a 500,000-element array would overflow the call stack.
    for (const child of Object.values(next)) pending.push(child);
  }
  return false;
}

/**
 * `POST /webhooks/kintone?token=...`: authenticates, validates and queues a kintone
 * notification, then answers at once. It calls neither kintone nor SES.
 */
export function makeWebhookHandler(deps: WebhookDeps) {
  // Each app's field codes, as a list (the order they are kept in) and as a set (for the rows).
  const keptFields = new Map(
    [...deps.fieldCodesByApp].map(([appId, codes]) => [appId, { codes, wanted: new Set(codes) }]),
  );
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    // The token is checked before the body is even read: a wrong token touches nothing else.
    const verifier = await deps.tokens();
    const apps = verifier.appsFor(event.queryStringParameters?.token);
    if (apps.size === 0) throw new UnauthorizedError();

    const text = requestText(event, MAX_NOTIFICATION_BYTES);
    if (text === undefined) throw new PayloadTooLargeError(MAX_NOTIFICATION_BYTES);

    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new BadRequestError(
        'The body is not valid JSON. kintone webhooks send a JSON notification.',
      );
    }
    // Validation rebuilds objects by assignment, where "__proto__" would set a prototype
    // instead of a key: the notification would not be queued as sent. kintone never sends one.
    if (MAY_HOLD_PROTO_KEY.test(text) && hasProtoKey(raw)) {
      throw new BadRequestError(
        'The notification has a "__proto__" key, which kintone never sends.',
      );
    }
    const parsed = notificationSchema.safeParse(raw);
    if (!parsed.success) {
      throw new BadRequestError(
        `The body is not a kintone webhook notification:\n${describeIssues(parsed.error.issues)}`,
      );
    }
    const notification = parsed.data;
    deps.logger.appendKeys({ correlation_id: notification.id });
    // A token only authorises notifications of its own app.
    if (!apps.has(notification.app.id)) throw new UnauthorizedError();

    if (notification.type === 'ADD_RECORD_COMMENT') {
      deps.logger.info('comment notification ignored', { notificationId: notification.id });
      return jsonResponse(200, {
        status: 'ignored',
        notificationId: notification.id,
        reason: 'comments do not change stock',
      });
    }

    // The key stays reserved: dispatch still reads claim-check references (the sweep's, and
    // those an older webhook queued), so a notification carrying it would be mistaken for one.
    if (isClaimCheckReference(notification)) {
      throw new BadRequestError(
        `The notification has a top-level "${CLAIM_CHECK_KEY}" key, which kintone never sends and the bridge reserves for its own queue messages.`,
      );
    }

    const trimmed = trimNotification(notification, keptFields.get(notification.app.id));
    let encoded: string;
    try {
      // Escapes what SQS would refuse (U+FFFE, U+FFFF) so the notification is queued intact.
      encoded = encodeForQueue(trimmed);
    } catch {
      // JSON.parse accepts nesting that JSON.stringify overflows the stack on (a RangeError):
      // such a body is the sender's fault, not a reason to ask for a resend with a 500.
      throw new BadRequestError(
        'The notification is nested too deeply to be a kintone webhook notification.',
      );
    }
    // SQS takes 1 MiB and kintone sends at most 1 MB, so a trimmed notification fits. Only a
    // body within a few KiB of 1 MiB that trimming does not shrink (the order app's is queued
    // whole), or that the U+FFFE/U+FFFF escapes make longer, can be over: not one of kintone's.
    if (!fitsInQueue(encoded)) {
      throw new PayloadTooLargeError(
        MAX_QUEUED_BODY_BYTES,
        `The notification is too large to queue: over ${MAX_QUEUED_BODY_BYTES} bytes even after dropping the fields the bridge does not read. kintone never sends a notification this large.`,
      );
    }
    // A failure from here on (queue unreachable) is not the sender's: it propagates and
    // becomes a 500, so kintone's log shows the notification was not accepted.
    await deps.queue.enqueue({
      notificationId: notification.id,
      groupId: notificationGroupId(notification),
      body: encoded,
    });
    // This line is the NotificationsReceived metric (a metric filter counts it in AWS).
    deps.logger.info(NOTIFICATION_QUEUED_LOG_MESSAGE, {
      notificationId: notification.id,
      type: notification.type,
      appId: notification.app.id,
      recordId: notificationRecordId(notification),
    });
    return jsonResponse(200, { status: 'queued', notificationId: notification.id });
  };
}

/**
 * The composed Lambda handler: Lambda context in the logs, then error mapping. The event is
 * never logged, whatever POWERTOOLS_LOGGER_LOG_EVENT says: its query string holds the webhook
 * token. No metrics middleware: the webhook's one metric is counted from its log line (see
 * {@link NOTIFICATION_QUEUED_LOG_MESSAGE}).
 */
export function createWebhookHandler(deps: WebhookDeps): WebhookHandler {
  return middy(makeWebhookHandler(deps))
    .use(injectLambdaContext(deps.logger, { resetKeys: true, logEvent: false }))
    .use(httpErrorHandler({ logger: deps.logger })) as WebhookHandler;
}
