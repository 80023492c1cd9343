/**
 * Moves dead-lettered notifications back to the queue once an operator has fixed the cause:
 * from the local stack's dead-letter store, or from the SQS dead-letter queue in AWS. Replaying
 * is safe: the dispatcher skips a notification it has already completed, and resumes a
 * half-done one from its recorded steps.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  LocalQueueLockedError,
  readDeadLetters,
  redriveDeadLetters,
  type DeadLetter,
} from '../../local/queue/local-fifo-queue';

/** Most messages one SQS ReceiveMessage call returns. */
export const SQS_RECEIVE_MAX = 10;
/** SQS limit on MessageDeduplicationId. */
export const SQS_MAX_DEDUPLICATION_ID_LENGTH = 128;
/**
 * How long a received dead letter stays hidden in the DLQ while it is being moved; if the
 * replay dies between send and delete, it reappears after this and can be replayed again.
 */
export const REPLAY_VISIBILITY_TIMEOUT_SECONDS = 60;
/** A dry run hides what it lists only briefly, so a real replay can follow soon. */
export const DRY_RUN_VISIBILITY_TIMEOUT_SECONDS = 30;
/** Subdirectory of the local stack's data directory that holds the queue. */
export const LOCAL_QUEUE_SUBDIR = 'queue';

/** One dead letter, as the replay prints it. */
export interface ReplayedMessage {
  /** The dead letter's message id (the DLQ's id in AWS). */
  messageId: string;
  /** FIFO message group: `appId:recordId`. */
  groupId: string;
  /** kintone's notification id (the queue's original deduplication id). */
  notificationId: string;
  /** kintone notification type (UPDATE_RECORD, ...), or "?" when the body is not one. */
  type: string;
  /** How often the message was received before it was dead-lettered, if known. */
  receiveCount: number | undefined;
  /** The last error the local queue recorded; SQS keeps none (see the dispatch logs). */
  lastError: string | undefined;
  /** AWS: id of the copy sent to the queue. */
  queuedMessageId?: string;
}

/** What a replay did (or, in a dry run, would do). */
export interface ReplayReport {
  dryRun: boolean;
  messages: ReplayedMessage[];
  /** Ids asked for with `--ids` that are not among the dead letters. */
  notFound: string[];
}

/** The replay could not run or stopped part-way; the message says what to do. */
export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

/**
 * The notification id and type inside a queued body, when it is a kintone notification.
 *
 * @example
 * describeBody('{"id":"6f1c...","type":"UPDATE_RECORD"}'); // { notificationId: '6f1c...', type: 'UPDATE_RECORD' }
 */
export function describeBody(body: string): { notificationId?: string; type?: string } {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { id, type } = parsed as Record<string, unknown>;
    return {
      ...(typeof id === 'string' ? { notificationId: id } : {}),
      ...(typeof type === 'string' ? { type } : {}),
    };
  } catch {
    return {};
  }
}

/** Options of {@link replayLocal}. */
export interface LocalReplayOptions {
  /** The local stack's data directory (`.data`); the queue lives in its `queue/`. */
  dataDir: string;
  /** Message ids to move; all dead letters when left out. */
  ids?: readonly string[];
  /** List what would move, move nothing. */
  dryRun?: boolean;
  clock?: () => number;
}

/**
 * Moves the local stack's dead letters back to its queue (the next `npm start` delivers them).
 * The stack must be stopped: its queue keeps its state in memory and would overwrite the move.
 *
 * @throws ReplayError when the local stack (or another queue) holds the data directory.
 *
 * @example
 * const report = replayLocal({ dataDir: '.data' });
 * report.messages.forEach((m) => console.log(formatReplayed(m, report.dryRun)));
 */
export function replayLocal(options: LocalReplayOptions): ReplayReport {
  const queueDir = join(options.dataDir, LOCAL_QUEUE_SUBDIR);
  if (!existsSync(queueDir)) {
    throw new ReplayError(
      `There is no local queue in ${queueDir}: check --data-dir (npm start creates it).`,
    );
  }
  const dryRun = options.dryRun ?? false;
  const wanted = options.ids === undefined ? undefined : new Set(options.ids);
  let letters: DeadLetter[];
  if (dryRun) {
    // Reading is safe while the stack runs: the state file is replaced atomically.
    letters = readDeadLetters(queueDir).filter((d) => !wanted || wanted.has(d.messageId));
  } else {
    try {
      letters = redriveDeadLetters(
        queueDir,
        options.ids === undefined ? undefined : [...options.ids],
        options.clock,
      );
    } catch (error) {
      if (error instanceof LocalQueueLockedError) {
        throw new ReplayError(
          `The local stack is running (process ${error.holderPid} holds ${queueDir}). ` +
            'Stop it first (Ctrl-C where `npm start` runs), run the replay again, then start it: ' +
            'the moved notifications are delivered on start.',
        );
      }
      throw error;
    }
  }
  const found = new Set(letters.map((d) => d.messageId));
  return {
    dryRun,
    messages: letters.map((letter) => {
      const { notificationId, type } = describeBody(letter.body);
      return {
        messageId: letter.messageId,
        groupId: letter.groupId,
        notificationId: notificationId ?? letter.deduplicationId,
        type: type ?? '?',
        receiveCount: letter.receiveCount,
        lastError: letter.lastError,
      };
    }),
    notFound: options.ids?.filter((id) => !found.has(id)) ?? [],
  };
}

/** A message received from an SQS queue, with the system attributes the replay asks for. */
export interface ReceivedSqsMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  groupId: string | undefined;
  receiveCount: number | undefined;
}

/** The three SQS calls the AWS replay needs; a real adapter wraps SQSClient. */
export interface SqsLike {
  receive(
    queueUrl: string,
    options: { maxMessages: number; visibilityTimeoutSeconds: number; waitTimeSeconds: number },
  ): Promise<ReceivedSqsMessage[]>;
  send(
    queueUrl: string,
    message: { body: string; groupId: string; deduplicationId: string },
  ): Promise<{ messageId: string }>;
  delete(queueUrl: string, receiptHandle: string): Promise<void>;
}

/** Options of {@link replayAws}. */
export interface AwsReplayOptions {
  sqs: SqsLike;
  /** The dead-letter queue's URL. */
  dlqUrl: string;
  /** The notification queue's URL (FIFO). */
  queueUrl: string;
  /** Most messages to move; all when left out. */
  max?: number;
  dryRun?: boolean;
  /** Called for each message once it has moved (or would move), so progress is printed live. */
  onMessage?: (message: ReplayedMessage) => void;
  /** Epoch milliseconds, for deduplication ids. */
  now?: () => number;
}

/**
 * The deduplication id of a replayed message: the queue's own (the notification id) would be
 * dropped as a duplicate within SQS's 5-minute window, so it gets a suffix. The bridge still
 * recognises the notification by the id in the body and skips it if it was completed.
 *
 * @example
 * replayDeduplicationId('6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c0002', 1795832100000);
 * // '6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c0002-replay-1795832100000'
 */
export function replayDeduplicationId(notificationId: string, now: number): string {
  const suffix = `-replay-${now}`;
  return `${notificationId.slice(0, SQS_MAX_DEDUPLICATION_ID_LENGTH - suffix.length)}${suffix}`;
}

/**
 * Moves messages from the SQS dead-letter queue to the FIFO notification queue: each is sent
 * with its message group and a new deduplication id, and deleted from the DLQ only after the
 * send succeeded. Messages of one group keep their order. A dry run receives and lists them
 * (they are hidden in the DLQ for {@link DRY_RUN_VISIBILITY_TIMEOUT_SECONDS}) and moves nothing.
 *
 * @throws ReplayError when a send or delete fails; what moved before was already reported
 *   through `onMessage`, and the failed message stays in (or reappears in) the DLQ.
 */
export async function replayAws(options: AwsReplayOptions): Promise<ReplayReport> {
  const { sqs, dlqUrl, queueUrl } = options;
  const dryRun = options.dryRun ?? false;
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const now = options.now ?? Date.now;
  const messages: ReplayedMessage[] = [];
  const seen = new Set<string>();

  while (messages.length < max) {
    const batch = await sqs.receive(dlqUrl, {
      maxMessages: Math.min(SQS_RECEIVE_MAX, max - messages.length),
      visibilityTimeoutSeconds: dryRun
        ? DRY_RUN_VISIBILITY_TIMEOUT_SECONDS
        : REPLAY_VISIBILITY_TIMEOUT_SECONDS,
      waitTimeSeconds: 1,
    });
    const fresh = batch.filter((m) => !seen.has(m.messageId));
    if (fresh.length === 0) break;
    for (const received of fresh) {
      seen.add(received.messageId);
      if (received.groupId === undefined) {
        throw new ReplayError(
          `Message ${received.messageId} has no MessageGroupId: is ${dlqUrl} the FIFO dead-letter queue of the notification queue?`,
        );
      }
      const { notificationId = received.messageId, type = '?' } = describeBody(received.body);
      const entry: ReplayedMessage = {
        messageId: received.messageId,
        groupId: received.groupId,
        notificationId,
        type,
        receiveCount: received.receiveCount,
        lastError: undefined,
      };
      if (!dryRun) {
        entry.queuedMessageId = await sendCopy(sqs, queueUrl, received, entry, now());
        await deleteOriginal(sqs, dlqUrl, received, entry);
      }
      messages.push(entry);
      options.onMessage?.(entry);
      if (messages.length >= max) break;
    }
  }
  return { dryRun, messages, notFound: [] };
}

async function sendCopy(
  sqs: SqsLike,
  queueUrl: string,
  received: ReceivedSqsMessage,
  entry: ReplayedMessage,
  now: number,
): Promise<string> {
  try {
    const { messageId } = await sqs.send(queueUrl, {
      body: received.body,
      groupId: entry.groupId,
      deduplicationId: replayDeduplicationId(entry.notificationId, now),
    });
    return messageId;
  } catch (error) {
    throw new ReplayError(
      `Sending message ${entry.messageId} (notification ${entry.notificationId}) to ${queueUrl} failed: ${errorText(error)}. ` +
        `It stays in the dead-letter queue and is visible again within ${REPLAY_VISIBILITY_TIMEOUT_SECONDS} s; fix the cause and run the replay again.`,
      { cause: error },
    );
  }
}

async function deleteOriginal(
  sqs: SqsLike,
  dlqUrl: string,
  received: ReceivedSqsMessage,
  entry: ReplayedMessage,
): Promise<void> {
  try {
    await sqs.delete(dlqUrl, received.receiptHandle);
  } catch (error) {
    throw new ReplayError(
      `Message ${entry.messageId} (notification ${entry.notificationId}) was queued again as ${entry.queuedMessageId ?? '?'} ` +
        `but could not be deleted from the dead-letter queue: ${errorText(error)}. It will reappear there; ` +
        'replaying it again is harmless (the bridge skips notifications it has completed).',
      { cause: error },
    );
  }
}

/**
 * One line per message, for the terminal.
 *
 * @example
 * formatReplayed(message, false);
 * // moved  4d1f…  group 12:7  notification 6f1c…  UPDATE_RECORD  receives 5  last error: kintone 503
 */
export function formatReplayed(message: ReplayedMessage, dryRun: boolean): string {
  return [
    dryRun ? 'would move' : 'moved',
    message.messageId,
    `group ${message.groupId}`,
    `notification ${message.notificationId}`,
    message.type,
    `receives ${message.receiveCount ?? '?'}`,
    `last error: ${message.lastError === undefined ? '-' : oneLine(message.lastError)}`,
    ...(message.queuedMessageId ? [`queued as ${message.queuedMessageId}`] : []),
  ].join('  ');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
