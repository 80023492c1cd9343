/**
 * Small helpers the bridge table's adapters share: bounded parallel writes and conditional
 * updates that report a failed condition instead of throwing.
 *
 * @module
 */
import type { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './bridge-table';

/** How many single-item writes an adapter sends at once (the rest wait their turn). */
export const WRITE_CONCURRENCY = 8;

/**
 * How many line claims one order write sends at once: a claim is a conditional write of its
 * own (no transactions in dynalite), so a 50-line order is 50 of them, each on its own item.
 * Two orders placed at once stay within the SDK's 50 sockets.
 */
export const CLAIM_CONCURRENCY = 25;

/** Runs `work` over `items`, at most `limit` at a time; results in the items' order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T, index);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Sends a conditional update; false when its condition did not hold (nothing was written). */
export async function updateIfHolds(
  client: DynamoDBDocumentClient,
  command: UpdateCommand,
): Promise<boolean> {
  try {
    await client.send(command);
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
