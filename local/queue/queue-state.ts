import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The local queue's whole state lives in one JSON file, so a change that touches both the queue
 * and the dead letters (dead-lettering, redrive) is one atomic rename: a crash can never leave a
 * message in both places or in neither.
 */
export const QUEUE_STATE_FILE = 'queue-state.json';

const storedMessageSchema = z.object({
  messageId: z.string(),
  groupId: z.string(),
  deduplicationId: z.string(),
  body: z.string(),
  /** Zero-padded so that string order is send order. */
  sequenceNumber: z.string(),
  sentTimestamp: z.number(),
  receiveCount: z.number().int().nonnegative(),
  firstReceiveTimestamp: z.number().optional(),
  /** Epoch ms from which the message may be received again; in flight while in the future. */
  visibleAt: z.number(),
  /** Set only while a handler is working on the message. */
  receiptHandle: z.string().optional(),
  firstFailureAt: z.number().optional(),
  lastFailureAt: z.number().optional(),
  lastError: z.string().optional(),
});

/** A message waiting in the queue or in flight. */
export type StoredMessage = z.infer<typeof storedMessageSchema>;

const deadLetterSchema = z.object({
  messageId: z.string(),
  groupId: z.string(),
  deduplicationId: z.string(),
  body: z.string(),
  sequenceNumber: z.string(),
  sentTimestamp: z.number(),
  receiveCount: z.number().int().nonnegative(),
  firstFailureAt: z.number(),
  lastFailureAt: z.number(),
  lastError: z.string().optional(),
  deadLetteredAt: z.number(),
});

/**
 * A message that failed `maxReceiveCount` times and was moved aside instead of being received
 * again. Times are epoch milliseconds from the queue's clock.
 */
export type DeadLetter = z.infer<typeof deadLetterSchema>;

const queueStateSchema = z.object({
  version: z.literal(1),
  nextSequence: z.number().int().nonnegative(),
  /** Kept in sequence order: receiving walks it front to back. */
  messages: z.array(storedMessageSchema),
  deadLetters: z.array(deadLetterSchema),
  /** Deduplication id -> epoch ms it was accepted; pruned once older than the window. */
  deduplication: z.record(z.string(), z.number()),
});

/** Everything the local queue persists. */
export type QueueState = z.infer<typeof queueStateSchema>;

/** The state file exists but cannot be used; the message says which file and what to do. */
export class QueueStateFileError extends Error {
  override readonly name = 'QueueStateFileError';
}

/** A queue with nothing in it. */
export function emptyQueueState(): QueueState {
  return { version: 1, nextSequence: 1, messages: [], deadLetters: [], deduplication: {} };
}

/**
 * Reads the state file of `dataDir`, or returns undefined when there is none yet.
 *
 * @throws QueueStateFileError when the file is not valid queue state.
 */
export function readQueueState(dataDir: string): QueueState | undefined {
  const path = join(dataDir, QUEUE_STATE_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return undefined;
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new QueueStateFileError(
      `${path} is not JSON (${errorText(error)}); move it away to start with an empty queue`,
    );
  }
  const parsed = queueStateSchema.safeParse(raw);
  if (!parsed.success) {
    throw new QueueStateFileError(
      `${path} is not local queue state (${parsed.error.issues[0]?.message ?? 'invalid'}); move it away to start with an empty queue`,
    );
  }
  return parsed.data;
}

/**
 * Writes the state file atomically: readers (another process running `readDeadLetters`, or the
 * next start after a crash) see either the old or the new file, never half of one. Synchronous
 * on purpose, so two changes in the same tick cannot interleave their writes.
 */
export function writeQueueState(dataDir: string, state: QueueState): void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, QUEUE_STATE_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, 'utf8');
  renameSync(tmp, path);
}

/** SQS FIFO sequence numbers are long numeric strings; padding keeps string order = send order. */
export function formatSequenceNumber(sequence: number): string {
  return String(sequence).padStart(20, '0');
}

/**
 * Moves dead letters (all, or those whose messageId is in `ids`) back to the queue tail with a
 * fresh sequence number and receive count, and returns them as they were in the dead-letter store.
 * The deduplication check is skipped: the ids were accepted once, and an operator who redrives
 * means "process these again".
 */
export function moveDeadLettersToQueue(
  state: QueueState,
  ids: readonly string[] | undefined,
  now: number,
): DeadLetter[] {
  const wanted = ids === undefined ? undefined : new Set(ids);
  const moved = state.deadLetters.filter((d) => wanted === undefined || wanted.has(d.messageId));
  if (moved.length === 0) return [];
  const movedIds = new Set(moved.map((d) => d.messageId));
  state.deadLetters = state.deadLetters.filter((d) => !movedIds.has(d.messageId));
  for (const letter of moved) {
    state.messages.push({
      // Keeping the messageId lets an operator follow one notification across redrives.
      messageId: letter.messageId,
      groupId: letter.groupId,
      deduplicationId: letter.deduplicationId,
      body: letter.body,
      sequenceNumber: formatSequenceNumber(state.nextSequence++),
      sentTimestamp: now,
      receiveCount: 0,
      visibleAt: now,
    });
  }
  return moved;
}

/**
 * Removes the dead letters whose messageId is in `ids` and returns them: an operator decided
 * they must not run (a notification that is wrong, or handled by hand).
 */
export function removeDeadLetters(state: QueueState, ids: readonly string[]): DeadLetter[] {
  const wanted = new Set(ids);
  const removed = state.deadLetters.filter((d) => wanted.has(d.messageId));
  if (removed.length > 0)
    state.deadLetters = state.deadLetters.filter((d) => !wanted.has(d.messageId));
  return removed;
}

/** The text of a thrown value, for logs and dead letters. */
export function errorText(error: unknown): string {
  return hasProperty(error, 'message') && typeof error.message === 'string'
    ? error.message
    : String(error);
}

/**
 * Narrows a caught value to a Node system error that carries `code`. Duck-typed, because errors
 * from Node's own realm fail `instanceof Error` inside jest's sandbox.
 */
export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return hasProperty(error, 'code') && hasProperty(error, 'message');
}

function hasProperty<K extends string>(value: unknown, key: K): value is Record<K, unknown> {
  return typeof value === 'object' && value !== null && key in value;
}
