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
  discardDeadLetters,
  LocalFifoQueue,
  LocalQueueLockedError,
  readDeadLetters,
  redriveDeadLetters,
  type DeadLetter,
} from '../../local/queue/local-fifo-queue';
import { describeQueuedMessage } from '../../shared/edge/queued-notification';
import type {
  NotificationFailure,
  NotificationFailureLog,
} from '../../shared/ports/notification-failures';

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
  /** The last error: from the failure log, else what the local queue recorded (SQS keeps none). */
  lastError: string | undefined;
  /** AWS: id of the copy sent to the queue. */
  queuedMessageId?: string;
  /** From the failure log: attempts that failed, first and last failure (ISO). */
  attempts?: number;
  firstFailedAt?: string;
  lastFailedAt?: string;
  /** Left out for a move; `skipped` when the operator discarded the message instead. */
  action?: 'skipped';
}

/** What a replay did (or, in a dry run, would do). */
export interface ReplayReport {
  dryRun: boolean;
  messages: ReplayedMessage[];
  /** Ids asked for (message or notification ids) that are not among the dead letters. */
  notFound: string[];
}

/**
 * Adds what the failure log knows (last error, attempts, first and last failure) to each
 * message, looked up by notification id. A message the log does not know keeps the queue's view.
 *
 * @example
 * const report = await withFailures(replayLocal({ dataDir: '.data' }), failures);
 */
export async function withFailures(
  report: ReplayReport,
  failures: NotificationFailureLog | undefined,
): Promise<ReplayReport> {
  if (!failures) return report;
  const messages: ReplayedMessage[] = [];
  for (const message of report.messages) {
    messages.push(withFailure(message, await failures.findFailure(message.notificationId)));
  }
  return { ...report, messages };
}

function withFailure(
  message: ReplayedMessage,
  failure: NotificationFailure | undefined,
): ReplayedMessage {
  if (!failure) return message;
  return {
    ...message,
    lastError: failure.lastError,
    attempts: failure.attempts,
    firstFailedAt: failure.firstFailedAt,
    lastFailedAt: failure.lastFailedAt,
  };
}

/**
 * True when a dead letter is the one an operator named: by its message id, or by the
 * notification id (the id in the body, or the deduplication id).
 */
export function deadLetterMatches(letter: DeadLetter, id: string): boolean {
  return (
    letter.messageId === id ||
    letter.deduplicationId === id ||
    describeQueuedMessage(letter.body).notificationId === id
  );
}

/** The replay could not run or stopped part-way; the message says what to do. */
export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

/** Options of {@link replayLocal}. */
export interface LocalReplayOptions {
  /** The local stack's data directory (`.data`); the queue lives in its `queue/`. */
  dataDir: string;
  /** Message ids or notification ids to move; all dead letters when left out. */
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
  const queueDir = localQueueDir(options.dataDir);
  const dryRun = options.dryRun ?? false;
  const ids = options.ids;
  // Reading is safe while the stack runs: the state file is replaced atomically.
  const selected = readDeadLetters(queueDir).filter(
    (d) => ids === undefined || ids.some((id) => deadLetterMatches(d, id)),
  );
  const letters = dryRun
    ? selected
    : whileStopped(queueDir, 'moved', 'the moved notifications are delivered on start', () =>
        redriveDeadLetters(
          queueDir,
          ids === undefined ? undefined : selected.map((d) => d.messageId),
          options.clock,
        ),
      );
  return localReport(letters, dryRun, ids);
}

/**
 * Deletes the named dead letters (message or notification ids) from the local stack's store
 * instead of replaying them, and forgets their failures. Like {@link replayLocal} the stack must
 * be stopped (the running stack's `/dead-letters` page does the same while it runs).
 *
 * @throws ReplayError when the local stack holds the data directory.
 *
 * @example
 * const report = await skipLocal({ dataDir: '.data', ids: ['4d1f...'] }, failures);
 */
export async function skipLocal(
  options: LocalReplayOptions & { ids: readonly string[] },
  failures: NotificationFailureLog | undefined,
): Promise<ReplayReport> {
  const queueDir = localQueueDir(options.dataDir);
  const dryRun = options.dryRun ?? false;
  const selected = readDeadLetters(queueDir).filter((d) =>
    options.ids.some((id) => deadLetterMatches(d, id)),
  );
  const letters = dryRun
    ? selected
    : whileStopped(queueDir, 'skipped', 'nothing else changes', () =>
        discardDeadLetters(
          queueDir,
          selected.map((d) => d.messageId),
        ),
      );
  // The failures are read before they are forgotten, so the printed line still shows them.
  const report = await withFailures(localReport(letters, dryRun, options.ids), failures);
  if (!dryRun && failures) {
    for (const message of report.messages) await failures.clearFailure(message.notificationId);
  }
  return {
    ...report,
    messages: report.messages.map((message) => ({ ...message, action: 'skipped' as const })),
  };
}

function localQueueDir(dataDir: string): string {
  const queueDir = join(dataDir, LOCAL_QUEUE_SUBDIR);
  if (!existsSync(queueDir)) {
    throw new ReplayError(
      `There is no local queue in ${queueDir}: check --data-dir (npm start creates it).`,
    );
  }
  return queueDir;
}

/** Runs a change of the queue's state file, which needs the local stack stopped. */
function whileStopped<T>(queueDir: string, verb: string, onStart: string, change: () => T): T {
  try {
    return change();
  } catch (error) {
    if (error instanceof LocalQueueLockedError) {
      throw new ReplayError(
        `The local stack is running (process ${error.holderPid} holds ${queueDir}); nothing was ${verb}. ` +
          'Stop it first (Ctrl-C where `npm start` runs), run the replay again, then start it: ' +
          `${onStart}. While it runs, the same is one click on its /dead-letters page.`,
      );
    }
    throw error;
  }
}

function localReport(
  letters: DeadLetter[],
  dryRun: boolean,
  ids: readonly string[] | undefined,
): ReplayReport {
  return {
    dryRun,
    messages: letters.map((letter) => {
      const { notificationId, type } = describeQueuedMessage(letter.body);
      return {
        messageId: letter.messageId,
        groupId: letter.groupId,
        notificationId: notificationId ?? letter.deduplicationId,
        type: type ?? '?',
        receiveCount: letter.receiveCount,
        lastError: letter.lastError,
      };
    }),
    notFound: ids?.filter((id) => !letters.some((letter) => deadLetterMatches(letter, id))) ?? [],
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

/** The SQS calls the AWS replay needs; a real adapter wraps SQSClient. */
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
  /** Makes a received message visible again at once (ChangeMessageVisibility to 0). */
  release(queueUrl: string, receiptHandle: string): Promise<void>;
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
  /**
   * Only the dead letters with these message ids or notification ids; the others are made
   * visible again as soon as the DLQ has been searched.
   */
  ids?: readonly string[];
  /** Delete the selected messages from the DLQ instead of moving them (an operator's skip). */
  skip?: boolean;
  /** Where the dispatcher recorded the errors; a skipped message's record is cleared. */
  failures?: NotificationFailureLog;
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
  const { ids } = options;
  // Messages searched past are held (not released at once): in a FIFO queue a released head
  // of its group would come back first and hide the rest of the group.
  const held: ReceivedSqsMessage[] = [];

  try {
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
        const { notificationId = received.messageId, type = '?' } = describeQueuedMessage(
          received.body,
        );
        if (ids && !ids.some((id) => id === received.messageId || id === notificationId)) {
          held.push(received);
          continue;
        }
        const entry = withFailure(
          {
            messageId: received.messageId,
            groupId: received.groupId,
            notificationId,
            type,
            receiveCount: received.receiveCount,
            lastError: undefined,
            ...(options.skip ? { action: 'skipped' as const } : {}),
          },
          await options.failures?.findFailure(notificationId),
        );
        if (!dryRun) {
          if (!options.skip) {
            entry.queuedMessageId = await sendCopy(sqs, queueUrl, received, entry, now());
          }
          await deleteOriginal(sqs, dlqUrl, received, entry);
          if (options.skip) await options.failures?.clearFailure(notificationId);
        } else {
          held.push(received);
        }
        messages.push(entry);
        options.onMessage?.(entry);
        if (messages.length >= max) break;
      }
    }
  } finally {
    // Only a selection releases what it searched past; a plain dry run keeps its short hide.
    if (ids) {
      for (const message of held) await sqs.release(dlqUrl, message.receiptHandle).catch(() => {});
    }
  }
  const notFound =
    ids?.filter((id) => !messages.some((m) => m.messageId === id || m.notificationId === id)) ?? [];
  return { dryRun, messages, notFound };
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
    if (entry.action === 'skipped') {
      throw new ReplayError(
        `Message ${entry.messageId} (notification ${entry.notificationId}) could not be deleted from the dead-letter queue: ${errorText(error)}. ` +
          `Nothing was skipped; it is visible again within ${REPLAY_VISIBILITY_TIMEOUT_SECONDS} s, run the skip again.`,
        { cause: error },
      );
    }
    throw new ReplayError(
      `Message ${entry.messageId} (notification ${entry.notificationId}) was queued again as ${entry.queuedMessageId ?? '?'} ` +
        `but could not be deleted from the dead-letter queue: ${errorText(error)}. It will reappear there; ` +
        'replaying it again is harmless (the bridge skips notifications it has completed).',
      { cause: error },
    );
  }
}

/**
 * One line per message, for the terminal: what happened to it, and why it had failed.
 *
 * @example
 * formatReplayed(message, false);
 * // moved  4d1f…  group 12:7  notification 6f1c…  UPDATE_RECORD  receives 5  last error: kintone 503  attempts 5  first failure 2026-11-29T06:00:00.000Z  last failure 2026-11-29T06:04:00.000Z
 */
export function formatReplayed(message: ReplayedMessage, dryRun: boolean): string {
  const verb = message.action === 'skipped' ? 'skip' : 'move';
  return [
    dryRun ? `would ${verb}` : message.action === 'skipped' ? 'skipped' : 'moved',
    message.messageId,
    `group ${message.groupId}`,
    `notification ${message.notificationId}`,
    message.type,
    `receives ${message.receiveCount ?? '?'}`,
    `last error: ${message.lastError === undefined ? '-' : oneLine(message.lastError)}`,
    ...(message.attempts === undefined ? [] : [`attempts ${message.attempts}`]),
    ...(message.firstFailedAt ? [`first failure ${message.firstFailedAt}`] : []),
    ...(message.lastFailedAt ? [`last failure ${message.lastFailedAt}`] : []),
    ...(message.queuedMessageId ? [`queued as ${message.queuedMessageId}`] : []),
    ...(message.action === 'skipped' && !dryRun
      ? ['(deleted from the dead letters; its failure record cleared)']
      : []),
  ].join('  ');
}

/** One parked notification and what the replay did with it. */
export interface ParkedResult {
  failure: NotificationFailure;
  /** What happened: re-queued, skipped (forgotten), only listed, or not possible (why). */
  outcome: 'requeued' | 'would-requeue' | 'skipped' | 'would-skip' | 'listed' | 'no-body';
  /** The queue's message id of the copy, when it was re-queued. */
  queuedMessageId?: string;
}

/** Sends a parked notification's body to the notification queue; returns the message id. */
export type ParkedSender = (message: {
  body: string;
  groupId: string;
  deduplicationId: string;
}) => Promise<string>;

/**
 * The FIFO group of a parked notification: its record's, as the webhook queued it, so a re-queued
 * notification waits behind anything newer of the same record that is still in the queue.
 */
export function parkedGroupId(failure: NotificationFailure): string {
  if (failure.appId !== undefined && failure.recordId !== undefined) {
    return `${failure.appId}:${failure.recordId}`;
  }
  return `parked-${failure.notificationId}`.slice(0, SQS_MAX_DEDUPLICATION_ID_LENGTH);
}

/** Options of {@link handleParked}. */
export interface ParkedOptions {
  failures: NotificationFailureLog;
  /** Notification ids to act on; all parked notifications when left out. */
  ids?: readonly string[];
  /** `list` only prints; `requeue` sends them back to the queue; `skip` forgets them. */
  action: 'list' | 'requeue' | 'skip';
  /** Needed for `requeue`. */
  send?: ParkedSender;
  dryRun?: boolean;
  now?: () => number;
  onResult?: (result: ParkedResult) => void;
}

/**
 * Lists, re-queues or skips parked notifications (permanent failures the dispatcher completed
 * and kept). A re-queued one is sent with a new deduplication id (its own was used) and cleared
 * from the log only once the send succeeded; if it fails again it is recorded afresh.
 *
 * @throws ReplayError when a send fails; what was done before was reported through `onResult`.
 *
 * @example
 * await handleParked({ failures, action: 'requeue', ids: ['6f1c...'], send });
 */
export async function handleParked(
  options: ParkedOptions,
): Promise<{ results: ParkedResult[]; notFound: string[] }> {
  const { failures, ids } = options;
  const now = options.now ?? Date.now;
  const parked = (await failures.listParked()).filter(
    (failure) => ids === undefined || ids.includes(failure.notificationId),
  );
  const results: ParkedResult[] = [];
  for (const failure of parked) {
    const result = await handleOneParked(failure, options, now);
    results.push(result);
    options.onResult?.(result);
  }
  const notFound =
    ids?.filter((id) => !parked.some((failure) => failure.notificationId === id)) ?? [];
  return { results, notFound };
}

async function handleOneParked(
  failure: NotificationFailure,
  options: ParkedOptions,
  now: () => number,
): Promise<ParkedResult> {
  const dryRun = options.dryRun ?? false;
  if (options.action === 'list') return { failure, outcome: 'listed' };
  if (options.action === 'skip') {
    if (!dryRun) await options.failures.clearFailure(failure.notificationId);
    return { failure, outcome: dryRun ? 'would-skip' : 'skipped' };
  }
  if (failure.body === undefined) return { failure, outcome: 'no-body' };
  if (dryRun) return { failure, outcome: 'would-requeue' };
  if (!options.send) throw new ReplayError('re-queuing parked notifications needs a queue');
  let queuedMessageId: string;
  try {
    queuedMessageId = await options.send({
      body: failure.body,
      groupId: parkedGroupId(failure),
      deduplicationId: replayDeduplicationId(failure.notificationId, now()),
    });
  } catch (error) {
    throw new ReplayError(
      `Re-queuing parked notification ${failure.notificationId} failed: ${errorText(error)}. ` +
        'It stays parked (nothing was sent); fix the cause and run the replay again.',
      { cause: error },
    );
  }
  // Cleared only after the send: a crash in between re-queues it twice, which is harmless.
  await options.failures.clearFailure(failure.notificationId);
  return { failure, outcome: 'requeued', queuedMessageId };
}

const PARKED_OUTCOME_TEXT: Record<ParkedResult['outcome'], string> = {
  requeued: 're-queued',
  'would-requeue': 'would re-queue',
  skipped: 'skipped',
  'would-skip': 'would skip',
  listed: 'parked',
  'no-body': 'cannot re-queue (no body was kept)',
};

/**
 * One line per parked notification, for the terminal.
 *
 * @example
 * formatParked(result);
 * // re-queued  notification 6f1c…  app 12 record 7  UPDATE_RECORD  last error: …  attempts 1  first failure …  last failure …  queued as 9a2b…
 */
export function formatParked(result: ParkedResult): string {
  const { failure } = result;
  return [
    PARKED_OUTCOME_TEXT[result.outcome],
    `notification ${failure.notificationId}`,
    `app ${failure.appId ?? '?'} record ${failure.recordId ?? '?'}`,
    failure.type ?? '?',
    `last error: ${oneLine(failure.lastError)}`,
    `attempts ${failure.attempts}`,
    `first failure ${failure.firstFailedAt}`,
    `last failure ${failure.lastFailedAt}`,
    ...(result.queuedMessageId ? [`queued as ${result.queuedMessageId}`] : []),
    ...(result.outcome === 'skipped' ? ['(its failure record and kept body were deleted)'] : []),
  ].join('  ');
}

/**
 * A {@link ParkedSender} onto the stopped local stack's queue: opens it on its data directory
 * (taking the lock), sends, and closes it; the next `npm start` delivers the message.
 *
 * @throws ReplayError when the local stack is running.
 */
export function localParkedSender(dataDir: string): ParkedSender {
  const queueDir = localQueueDir(dataDir);
  return async (message) => {
    const queue = whileStopped(
      queueDir,
      're-queued',
      'the re-queued notifications are delivered on start',
      () => new LocalFifoQueue({ dataDir: queueDir }),
    );
    try {
      await queue.enqueue({
        notificationId: message.deduplicationId,
        groupId: message.groupId,
        body: message.body,
      });
    } finally {
      await queue.stop();
    }
    // The local queue picks its own message id; the deduplication id names the copy.
    return message.deduplicationId;
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
