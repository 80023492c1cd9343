import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ItemKey } from '../../ports/item-states';
import type {
  CompletedNotification,
  ProcessedNotifications,
} from '../../ports/processed-notifications';
import { BRIDGE_TTL_ATTRIBUTE, type BridgeTableOptions } from './bridge-table';
import { updateState } from './state-writes';
import { WRITE_CONCURRENCY, mapLimit } from './table-io';
import {
  DEFAULT_PROCESSED_TTL_DAYS,
  assertProcessedTtlDays,
  processedExpiresAt,
} from './table-rules';

const NOTIF_SK = 'NOTIF';

/** Options of {@link DynamoDbProcessedNotifications}. */
export interface DynamoDbProcessedNotificationsOptions extends BridgeTableOptions {
  /** Days processed-notification markers are kept; defaults to 30. */
  processedTtlDays?: number;
}

/**
 * {@link ProcessedNotifications} on the bridge table: a `NOTIF#<id>` marker with a TTL, and the
 * record's and its rows' STATE raised (lastRevision only grows; lastDecision is the latest).
 *
 * @example
 * const notifications = new DynamoDbProcessedNotifications({ client, tableName });
 * await notifications.complete({ notificationId, key, revision: 5, decision, at });
 * await notifications.hasProcessed(notificationId); // true
 */
export class DynamoDbProcessedNotifications implements ProcessedNotifications {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly processedTtlDays: number;

  constructor(options: DynamoDbProcessedNotificationsOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.processedTtlDays = options.processedTtlDays ?? DEFAULT_PROCESSED_TTL_DAYS;
    assertProcessedTtlDays(this.processedTtlDays);
  }

  async hasProcessed(notificationId: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `NOTIF#${notificationId}`, sk: NOTIF_SK },
        ProjectionExpression: 'pk',
        // A retry can arrive right after the first attempt finished.
        ConsistentRead: true,
      }),
    );
    return Item !== undefined;
  }

  async complete(done: CompletedNotification): Promise<void> {
    const expiresAt = processedExpiresAt(done.at, this.processedTtlDays);
    const settled = [
      { key: done.key, decision: done.decision },
      ...(done.items ?? []).map((item) => ({ key: item.key, decision: item.decision })),
    ];
    // States first, marker last: a crash in between makes the replay run again (and find the
    // raised revision), whereas the other order would swallow the notification.
    await mapLimit(settled, WRITE_CONCURRENCY, ({ key, decision }) =>
      this.raise(key, done, { kind: decision.kind, reason: decision.reason, at: done.at }),
    );
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `NOTIF#${done.notificationId}`,
          sk: NOTIF_SK,
          appId: done.key.appId,
          recordId: done.key.recordId,
          revision: done.revision,
          decision: done.decision,
          at: done.at,
          [BRIDGE_TTL_ATTRIBUTE]: expiresAt,
        },
      }),
    );
  }

  private async raise(
    key: ItemKey,
    done: CompletedNotification,
    lastDecision: { kind: string; reason: string; at: string },
  ): Promise<void> {
    const table = { client: this.client, tableName: this.tableName };
    // The record's own write goes with its revision: only a notification that raises it wrote.
    const own =
      done.ownWriteRevision !== undefined && sameKey(key, done.key)
        ? { ownWriteRevision: done.ownWriteRevision }
        : {};
    const raised =
      done.revision !== undefined &&
      (await updateState(table, key, {
        set: { lastRevision: done.revision, ...own, lastDecision },
        condition: 'attribute_not_exists(lastRevision) OR lastRevision < :rev',
        conditionValues: { ':rev': done.revision },
      }));
    if (!raised) await updateState(table, key, { set: { lastDecision } });
  }
}

function sameKey(a: ItemKey, b: ItemKey): boolean {
  return a.appId === b.appId && a.recordId === b.recordId;
}
