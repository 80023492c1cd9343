import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { calendarDaysSpanning } from '../../domain/learning/business-days';
import '../../edge/zod-mini-messages';
import type {
  ItemStockObservation,
  LearningRunClaim,
  StockHistory,
  WrittenSuggestion,
} from '../../ports/stock-history';
import {
  BRIDGE_TTL_ATTRIBUTE,
  isConditionalCheckFailed,
  type BridgeTableOptions,
} from './bridge-table';
import { epochSeconds } from './table-rules';

/**
 * {@link StockHistory} on the bridge table:
 *
 * | What                 | pk                  | sk                          | Other attributes            |
 * | -------------------- | ------------------- | --------------------------- | --------------------------- |
 * | Stock of one notification | `STOCK#<appId>` | `<at>#<notificationId>`     | rows (the items' observations), expiresAt (TTL) |
 * | Suggestion written   | `LEARNED#<appId>`   | `<itemId>`                  | reorderPoint, orderUpTo, leadTimeDays, writtenAt, expiresAt (TTL) |
 * | Daily learning run   | `LEARNRUN#<appId>`  | `LEARNRUN`                  | day, state (running, done, failed), until (ISO: the hold or the retry time), attempt |
 *
 * One item per notification, whatever the number of rows, so a notification costs one write
 * (a 100-row table's entry is about 10 KB, far below DynamoDB's 400 KB). The app's history is
 * one partition read in sk order by one paginated Query, once a day. TTL keeps it bounded: an
 * entry expires `retentionDays` after it was written (the learning window plus a margin).
 *
 * @example
 * const history = new DynamoDbStockHistory({ client, tableName, retentionDays: 120 });
 * await history.record('12', 'n-1', [{ appId: '12', itemId: '1', sku: 'A-100', at, quantity: 18 }]);
 */
export class DynamoDbStockHistory implements StockHistory {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionDays: number;

  constructor(options: BridgeTableOptions & { retentionDays?: number }) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.retentionDays = options.retentionDays ?? DEFAULT_STOCK_RETENTION_DAYS;
    if (!Number.isInteger(this.retentionDays) || this.retentionDays < 1) {
      throw new RangeError(`retentionDays ${this.retentionDays} is not a positive whole number`);
    }
  }

  async record(
    appId: string,
    notificationId: string,
    observations: readonly ItemStockObservation[],
  ): Promise<void> {
    const [first] = observations;
    if (!first) return;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: stockPk(appId),
          sk: `${first.at}#${notificationId}`,
          rows: observations.map(({ appId: _app, at: _at, ...row }) => row),
          at: first.at,
          [BRIDGE_TTL_ATTRIBUTE]: this.expiresAt(first.at),
        },
      }),
    );
  }

  async list(appId: string, from: string, to: string): Promise<ItemStockObservation[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      // sk is `<at>#<id>`: `<from>#…` sorts after `<from>`, `<to>#…` after `<to>` (excluded).
      ExpressionAttributeValues: { ':pk': stockPk(appId), ':from': from, ':to': to },
    });
    return items.flatMap((item) => {
      const entry = stockEntrySchema.parse(item);
      if (entry.at < from || entry.at >= to) return [];
      return entry.rows.map((row) => ({ ...row, appId, at: entry.at }) as ItemStockObservation);
    });
  }

  async lastWritten(appId: string): Promise<WrittenSuggestion[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': learnedPk(appId) },
    });
    return items.map((item) => {
      const { sk, ...written } = writtenSchema.parse(item);
      return { itemId: sk, ...written };
    });
  }

  async rememberWritten(appId: string, written: readonly WrittenSuggestion[]): Promise<void> {
    for (let start = 0; start < written.length; start += BATCH_WRITE_LIMIT) {
      let requests = written.slice(start, start + BATCH_WRITE_LIMIT).map((entry) => ({
        PutRequest: {
          Item: {
            pk: learnedPk(appId),
            sk: entry.itemId,
            reorderPoint: entry.reorderPoint,
            orderUpTo: entry.orderUpTo,
            leadTimeDays: entry.leadTimeDays,
            writtenAt: entry.writtenAt,
            // A suggestion older than the history it came from says nothing any more.
            [BRIDGE_TTL_ATTRIBUTE]: this.expiresAt(entry.writtenAt),
          },
        },
      }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt >= MAX_BATCH_ATTEMPTS) {
          throw new Error(
            `DynamoDB left ${requests.length} suggestion write(s) unprocessed after ${attempt} attempts; the next learning run writes them again`,
          );
        }
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
  }

  async claimRun(
    appId: string,
    day: string,
    now: Date,
    holdUntil: Date,
  ): Promise<LearningRunClaim | undefined> {
    // One read decides which claim to try: the scheduled sender asks every minute, and a done
    // day must not cost a failed conditional write each time.
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: runKey(appId), ConsistentRead: true }),
    );
    const run = storedRunSchema.safeParse(item ?? {});
    const last = run.success ? run.data : undefined;
    const hold = holdUntil.toISOString();
    try {
      if (last === undefined || last.day < day) {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...runKey(appId), day, state: 'running', until: hold, attempt: 1 },
            ConditionExpression: 'attribute_not_exists(pk) OR #day < :day',
            ExpressionAttributeNames: { '#day': 'day' },
            ExpressionAttributeValues: { ':day': day },
          }),
        );
        return { attempt: 1 };
      }
      // A run stored before runs had a state was finished as it was claimed.
      const { state, until } = last;
      if (last.day > day || state === undefined || state === 'done' || until === undefined) {
        return undefined;
      }
      if (until > now.toISOString()) return undefined;
      const attempt = (last.attempt ?? 1) + 1;
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runKey(appId),
          UpdateExpression: 'SET #state = :running, #until = :hold, #attempt = :attempt',
          // Exactly the state read: a run that claimed it meanwhile wins.
          ConditionExpression: '#day = :day AND #state = :state AND #until = :until',
          ExpressionAttributeNames: {
            '#day': 'day',
            '#state': 'state',
            '#until': 'until',
            '#attempt': 'attempt',
          },
          ExpressionAttributeValues: {
            ':day': day,
            ':state': state,
            ':until': until,
            ':running': 'running',
            ':hold': hold,
            ':attempt': attempt,
          },
        }),
      );
      return { attempt };
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  async finishRun(appId: string, day: string): Promise<void> {
    await this.settleRun(appId, day, 'SET #state = :done', { ':done': 'done' });
  }

  async failRun(appId: string, day: string, retryAt: Date): Promise<void> {
    await this.settleRun(appId, day, 'SET #state = :failed, #until = :retryAt', {
      ':failed': 'failed',
      ':retryAt': retryAt.toISOString(),
    });
  }

  /** Updates the run of `day` unless it is done (or another day's); a no-op otherwise. */
  private async settleRun(
    appId: string,
    day: string,
    update: string,
    values: Record<string, string>,
  ): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runKey(appId),
          UpdateExpression: update,
          ConditionExpression: '#day = :day AND #state <> :settled',
          ExpressionAttributeNames: {
            '#day': 'day',
            '#state': 'state',
            ...(update.includes('#until') ? { '#until': 'until' } : {}),
          },
          ExpressionAttributeValues: { ':day': day, ':settled': 'done', ...values },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  private expiresAt(at: string): number {
    return epochSeconds(new Date(Date.parse(at) + this.retentionDays * DAY_MS));
  }

  private async queryAll(
    input: Pick<
      ConstructorParameters<typeof QueryCommand>[0],
      'KeyConditionExpression' | 'ExpressionAttributeValues'
    >,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          ...input,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

/**
 * Days an observation is kept unless configured: a 60-business-day window is about 90 calendar
 * days, plus a month's margin.
 */
export const DEFAULT_STOCK_RETENTION_DAYS = 120;

/**
 * Calendar days of history to keep for a window of `windowDays` business days: a month beyond
 * the weekends, more than the learning reads (`historyDaysFor`, two weeks beyond them).
 */
export function retentionDaysFor(windowDays: number): number {
  return calendarDaysSpanning(windowDays) + 30;
}

const DAY_MS = 86_400_000;
/** DynamoDB's BatchWriteItem takes at most 25 requests. */
const BATCH_WRITE_LIMIT = 25;
const MAX_BATCH_ATTEMPTS = 5;

function stockPk(appId: string): string {
  return `STOCK#${appId}`;
}

function learnedPk(appId: string): string {
  return `LEARNED#${appId}`;
}

const causeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('receipt'), received: z.number() }),
  z.object({ kind: z.literal('correction') }),
]);

const rowSchema = z.object({
  itemId: z.string(),
  sku: z.string(),
  name: z.optional(z.string()),
  supplierCode: z.optional(z.string()),
  quantity: z.number(),
  reorderPoint: z.optional(z.number()),
  maxStock: z.optional(z.number()),
  leadTimeDays: z.optional(z.number()),
  onOrder: z.optional(z.number()),
  cause: z.optional(causeSchema),
  changeReason: z.optional(z.string()),
  ordered: z.optional(z.object({ orderNumber: z.string(), quantity: z.number() })),
  wouldOrder: z.optional(z.object({ quantity: z.number() })),
  recordedOrder: z.optional(
    z.object({ orderNumber: z.string(), orderedAt: z.optional(z.string()) }),
  ),
});

const stockEntrySchema = z.object({ at: z.string(), rows: z.array(rowSchema) });

const writtenSchema = z.object({
  sk: z.string(),
  reorderPoint: z.number(),
  orderUpTo: z.number(),
  leadTimeDays: z.number(),
  writtenAt: z.string(),
});

function runKey(appId: string): { pk: string; sk: string } {
  return { pk: `LEARNRUN#${appId}`, sk: 'LEARNRUN' };
}

/** The daily run's item; `state`, `until` and `attempt` are missing on items of before. */
const storedRunSchema = z.object({
  day: z.string(),
  state: z.optional(z.enum(['running', 'done', 'failed'])),
  until: z.optional(z.string()),
  attempt: z.optional(z.number()),
});
