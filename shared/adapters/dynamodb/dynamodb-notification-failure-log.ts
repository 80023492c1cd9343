/**
 * The notification failure log in the bridge's single table (see bridge-table.ts for
 * the other item kinds).
 *
 * | What                 | pk                          | sk        | Other attributes |
 * | -------------------- | --------------------------- | --------- | ---------------- |
 * | Notification failure | `FAILURE#<notificationId>`  | `FAILURE` | the NotificationFailure fields, expiresAt (TTL); while parked also gsi1pk `PARKED`, gsi1sk `PARKED#<parkedAt>#<notificationId>` |
 *
 * Why this shape:
 * - One item per notification, updated with `ADD attempts :one` and
 *   `if_not_exists(firstFailedAt, :at)`, so concurrent attempts (a Lambda retry racing a
 *   redelivery) never lose a count and the first failure is never overwritten; no transaction is
 *   needed (dynalite, the local stand-in, has none).
 * - Parked notifications carry GSI1 keys (the sparse index orders already use, under another
 *   partition value), so listing them is one Query in parking order without a second item that
 *   would have to be kept in step with the first. Any other disposition removes the keys.
 * - The TTL outlives SQS's longest retention (14 days), so a dead letter's error is still known
 *   when an operator looks at it on the last day.
 *
 * @module
 */
import {
  DeleteCommand,
  GetCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '../../edge/zod-mini-messages';
import type {
  FailedAttempt,
  FailureDisposition,
  NotificationFailure,
  NotificationFailureLog,
} from '../../ports/notification-failures';
import { parseBridgeItem } from './item-schemas';
import { BridgeStoreInputError } from './table-rules';
import { BRIDGE_GSI1_NAME, BRIDGE_TTL_ATTRIBUTE } from './bridge-table';

/** Days a failure is kept: beyond the 14-day maximum retention of the dead-letter queue. */
export const FAILURE_TTL_DAYS = 30;
/**
 * Longest error text kept. Errors are one line for a person to read; a longer one (a stack, a
 * whole response body) is cut so the item stays far below DynamoDB's 400 KB with the largest body
 * dispatch parks in it (`MAX_PARKED_BODY_BYTES`, 256 KB; a larger one is parked by reference).
 */
export const MAX_FAILURE_ERROR_LENGTH = 2_000;
/** GSI1 partition holding the parked notifications. */
export const PARKED_GSI1_PK = 'PARKED';

const FAILURE_SK = 'FAILURE';
const SECONDS_PER_DAY = 86_400;
const DISPOSITIONS = [
  'retrying',
  'dead-lettered',
  'parked',
] as const satisfies readonly FailureDisposition[];

const failureItemSchema = z.object({
  notificationId: z.string(),
  messageId: z.string(),
  appId: z.optional(z.string()),
  recordId: z.optional(z.string()),
  type: z.optional(z.string()),
  lastError: z.string(),
  disposition: z.enum(DISPOSITIONS),
  attempts: z.number().check(z.int(), z.positive()),
  firstFailedAt: z.string(),
  lastFailedAt: z.string(),
  body: z.optional(z.string()),
}) satisfies z.ZodMiniType<NotificationFailure>;

/**
 * The error as it is stored: one line, at most {@link MAX_FAILURE_ERROR_LENGTH} characters.
 * Shared with the in-memory fake so both keep the same text.
 *
 * @example
 * storedFailureError('kintone 503\n  at send (...)'); // 'kintone 503 at send (...)'
 */
export function storedFailureError(error: string): string {
  const line = error.replace(/\s+/g, ' ').trim() || '(no error text)';
  return line.length > MAX_FAILURE_ERROR_LENGTH
    ? `${line.slice(0, MAX_FAILURE_ERROR_LENGTH - 1)}…`
    : line;
}

/**
 * Epoch seconds at which a failure recorded at `at` may be removed by TTL.
 *
 * @throws BridgeStoreInputError when `at` is not an ISO time.
 */
export function failureExpiresAt(at: string, ttlDays = FAILURE_TTL_DAYS): number {
  const millis = Date.parse(at);
  if (Number.isNaN(millis)) {
    throw new BridgeStoreInputError(`Failure time "${at}" is not an ISO timestamp.`);
  }
  return Math.floor(millis / 1000) + Math.round(ttlDays * SECONDS_PER_DAY);
}

/**
 * Rejects an attempt that cannot be stored or counted; a caller bug, not a transient fault.
 *
 * @throws BridgeStoreInputError naming the bad field.
 */
export function assertFailedAttempt(attempt: FailedAttempt): void {
  if (attempt.notificationId.length === 0) {
    throw new BridgeStoreInputError(
      'A failed attempt needs the notification id (the queue deduplication id).',
    );
  }
  if (!(DISPOSITIONS as readonly string[]).includes(attempt.disposition)) {
    throw new BridgeStoreInputError(
      `Disposition "${attempt.disposition}" is not one of ${DISPOSITIONS.join(', ')}.`,
    );
  }
  failureExpiresAt(attempt.at);
}

/** Sort key of a parked notification on GSI1: parking time, then id (unique, in order). */
export function parkedSortKey(at: string, notificationId: string): string {
  return `PARKED#${at}#${notificationId}`;
}

/** Options of {@link DynamoDbNotificationFailureLog}. */
export interface DynamoDbNotificationFailureLogOptions {
  /** A document client that removes undefined values (`createDocumentClient`). */
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Days a failure is kept; defaults to {@link FAILURE_TTL_DAYS}. */
  ttlDays?: number;
}

/**
 * {@link NotificationFailureLog} in the bridge table (layout at the top of this file).
 *
 * @example
 * const failures = new DynamoDbNotificationFailureLog({
 *   client: createDocumentClient(new DynamoDBClient({})),
 *   tableName: 'stock-alert-bridge',
 * });
 * await failures.recordFailure({ notificationId, messageId, error: 'kintone 503',
 *   disposition: 'retrying', attempt: 1, at: new Date().toISOString() });
 */
export class DynamoDbNotificationFailureLog implements NotificationFailureLog {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly ttlDays: number;

  constructor(options: DynamoDbNotificationFailureLogOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.ttlDays = options.ttlDays ?? FAILURE_TTL_DAYS;
    if (!(this.ttlDays > 0) || !Number.isFinite(this.ttlDays)) {
      throw new BridgeStoreInputError(
        `Failure TTL of ${this.ttlDays} days must be a positive number (default ${FAILURE_TTL_DAYS}).`,
      );
    }
  }

  async recordFailure(attempt: FailedAttempt): Promise<void> {
    assertFailedAttempt(attempt);
    const names: Record<string, string> = {
      '#attempts': 'attempts',
      '#first': 'firstFailedAt',
      '#ttl': BRIDGE_TTL_ATTRIBUTE,
    };
    const values: Record<string, unknown> = {
      ':one': 1,
      ':at': attempt.at,
      ':ttl': failureExpiresAt(attempt.at, this.ttlDays),
    };
    const assignments = ['#first = if_not_exists(#first, :at)', '#ttl = :ttl'];
    const set = (field: string, value: unknown) => {
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      assignments.push(`#${field} = :${field}`);
    };
    set('notificationId', attempt.notificationId);
    set('messageId', attempt.messageId);
    set('lastError', storedFailureError(attempt.error));
    set('disposition', attempt.disposition);
    set('lastFailedAt', attempt.at);
    // An attempt that could not read the message that far must not erase what an earlier one knew.
    if (attempt.appId !== undefined) set('appId', attempt.appId);
    if (attempt.recordId !== undefined) set('recordId', attempt.recordId);
    if (attempt.type !== undefined) set('type', attempt.type);
    const removals: string[] = [];
    if (attempt.disposition === 'parked') {
      if (attempt.body !== undefined) set('body', attempt.body);
      set('gsi1pk', PARKED_GSI1_PK);
      set('gsi1sk', parkedSortKey(attempt.at, attempt.notificationId));
    } else {
      // The body is only kept while the notification is out of the queue.
      for (const field of ['body', 'gsi1pk', 'gsi1sk']) {
        names[`#${field}`] = field;
        removals.push(`#${field}`);
      }
    }
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: failureKey(attempt.notificationId),
        UpdateExpression:
          `SET ${assignments.join(', ')} ADD #attempts :one` +
          (removals.length > 0 ? ` REMOVE ${removals.join(', ')}` : ''),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async findFailure(notificationId: string): Promise<NotificationFailure | undefined> {
    if (notificationId.length === 0) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: failureKey(notificationId),
        // An operator looks right after the attempt that failed.
        ConsistentRead: true,
      }),
    );
    return Item && this.parse(Item);
  }

  async listParked(): Promise<NotificationFailure[]> {
    const parked: NotificationFailure[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: BRIDGE_GSI1_NAME,
          KeyConditionExpression: 'gsi1pk = :parked',
          ExpressionAttributeValues: { ':parked': PARKED_GSI1_PK },
          ScanIndexForward: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) parked.push(this.parse(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    // GSI reads are eventually consistent: an item re-dispositioned a moment ago can linger.
    return parked.filter((failure) => failure.disposition === 'parked');
  }

  async clearFailure(notificationId: string): Promise<void> {
    if (notificationId.length === 0) return;
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: failureKey(notificationId) }),
    );
  }

  private parse(item: Record<string, unknown>): NotificationFailure {
    // zod strips the key, index and TTL attributes and keeps absent optionals absent.
    return parseBridgeItem(failureItemSchema, item, this.tableName);
  }
}

function failureKey(notificationId: string): { pk: string; sk: string } {
  return { pk: `FAILURE#${notificationId}`, sk: FAILURE_SK };
}
