/**
 * {@link ClaimCheckStore} in the bridge table. A payload is gzip-compressed and, when even
 * that is too big for one DynamoDB item, split into parts:
 *
 * | What             | pk               | sk               | Other attributes |
 * | ---------------- | ---------------- | ---------------- | ---------------- |
 * | Claim-check part | `CLAIM#<uuid>`   | `PART#<index:3>` | parts (count), data (binary), storedAt, expiresAt (TTL) |
 *
 * Why this shape:
 * - One partition per claim check, so one Query reads every part back in order (the index is
 *   zero-padded so lexical order is numeric order) and nothing else is in the way.
 * - Every part says how many there are, so a half-written claim check (its writer failed
 *   between two puts) is recognised as incomplete instead of decompressing garbage.
 * - The `CLAIM#` prefix lets IAM restrict the sweep function to writing these items only
 *   (`dynamodb:LeadingKeys`). The sweep writes them for records over one queue message, and
 *   dispatch for the body of a large notification it parks.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '../../edge/zod-mini-messages';
import { ClaimCheckNotFoundError, type ClaimCheckStore } from '../../ports/claim-checks';
import { BRIDGE_TTL_ATTRIBUTE } from './bridge-table';

/** Partition-key prefix of claim-check items (IAM's leading-key condition names it). */
export const CLAIM_CHECK_PK_PREFIX = 'CLAIM#';

/**
 * Days a claim check is kept: well beyond SQS's longest retention (14 days, the dead-letter
 * queue's), so a message redriven on the last day still finds its notification.
 */
export const CLAIM_CHECK_TTL_DAYS = 30;

/** DynamoDB's item size limit (names and values together). */
export const DYNAMODB_MAX_ITEM_BYTES = 400 * 1024;

/**
 * Bytes of compressed payload per item: the item limit less room for the keys and the other
 * attributes (a few hundred bytes), with a wide margin.
 */
export const CLAIM_CHECK_PART_BYTES = DYNAMODB_MAX_ITEM_BYTES - 16 * 1024;

/** Parts per claim check: the sort key is padded to this many digits. */
const PART_INDEX_DIGITS = 3;
const SECONDS_PER_DAY = 86_400;

// zod/mini: no function's bundle is to carry classic zod (issue 13).
const partSchema = z.object({
  sk: z.string(),
  parts: z.int().check(z.positive()),
  data: z.instanceof(Uint8Array),
});

/** A claim check in DynamoDB that cannot be put back together. */
export class ClaimCheckCorruptError extends Error {
  override readonly name = 'ClaimCheckCorruptError';
}

export interface DynamoDbClaimCheckStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Bytes of compressed payload per item; tests lower it to exercise splitting. */
  partBytes?: number;
}

/**
 * Stores notifications too big for the queue in the bridge table, gzip-compressed and split
 * into items under DynamoDB's 400 KB limit. Reads are strongly consistent: the dispatcher may
 * read a claim check within milliseconds of the webhook writing it.
 *
 * @example
 * const claimChecks = new DynamoDbClaimCheckStore({ client: createDocumentClient(ddb), tableName });
 * const id = await claimChecks.put(body, new Date());
 * const same = await claimChecks.get(id);
 */
export class DynamoDbClaimCheckStore implements ClaimCheckStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly partBytes: number;

  constructor(options: DynamoDbClaimCheckStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.partBytes = options.partBytes ?? CLAIM_CHECK_PART_BYTES;
    if (!Number.isInteger(this.partBytes) || this.partBytes < 1) {
      throw new RangeError('partBytes must be a positive integer');
    }
  }

  async put(payload: string, at: Date): Promise<string> {
    const id = randomUUID();
    const compressed = gzipSync(Buffer.from(payload, 'utf8'));
    const parts: Buffer[] = [];
    for (let offset = 0; offset < compressed.length; offset += this.partBytes) {
      parts.push(compressed.subarray(offset, offset + this.partBytes));
    }
    if (parts.length === 0) parts.push(Buffer.alloc(0));
    if (parts.length >= 10 ** PART_INDEX_DIGITS) {
      throw new RangeError(
        `payload of ${payload.length} characters needs ${parts.length} parts, more than a claim check holds`,
      );
    }
    const expiresAt = Math.floor(at.getTime() / 1000) + CLAIM_CHECK_TTL_DAYS * SECONDS_PER_DAY;
    await Promise.all(
      parts.map((data, index) =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              pk: claimPk(id),
              sk: partSk(index),
              parts: parts.length,
              data,
              storedAt: at.toISOString(),
              [BRIDGE_TTL_ATTRIBUTE]: expiresAt,
            },
            // A fresh UUID never collides; the condition makes sure nothing is ever overwritten.
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      ),
    );
    return id;
  }

  async get(id: string): Promise<string> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      // Parts of up to ~384 KB each: a 1 MB page holds only two, so follow the pages.
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': claimPk(id) },
          ConsistentRead: true,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    if (items.length === 0) throw new ClaimCheckNotFoundError(id);

    const parts = items.map((item) => {
      const parsed = partSchema.safeParse(item);
      if (!parsed.success) {
        throw new ClaimCheckCorruptError(
          `claim check ${id} has an item that is not a claim-check part (${parsed.error.issues[0]?.message ?? 'invalid'})`,
        );
      }
      return parsed.data;
    });
    const expected = parts[0]?.parts ?? 0;
    const complete =
      parts.length === expected &&
      parts.every((part, index) => part.parts === expected && part.sk === partSk(index));
    if (!complete) {
      throw new ClaimCheckCorruptError(
        `claim check ${id} is incomplete: ${parts.length} of ${expected} parts stored (its writer failed while storing it, so the message that refers to it was never sent)`,
      );
    }
    try {
      return gunzipSync(Buffer.concat(parts.map((part) => part.data))).toString('utf8');
    } catch (error) {
      throw new ClaimCheckCorruptError(
        `claim check ${id} does not decompress: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

function claimPk(id: string): string {
  return `${CLAIM_CHECK_PK_PREFIX}${id}`;
}

function partSk(index: number): string {
  return `PART#${String(index).padStart(PART_INDEX_DIGITS, '0')}`;
}
