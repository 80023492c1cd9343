import { createHash, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { SQS_MAX_MESSAGE_BYTES } from '../../shared/edge/queued-notification';
import type { NotificationQueue, QueuedNotification } from '../../shared/ports/notification-queue';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock';
import {
  emptyQueueState,
  errorText,
  formatSequenceNumber,
  moveDeadLettersToQueue,
  readQueueState,
  removeDeadLetters,
  writeQueueState,
  type DeadLetter,
  type QueueState,
  type StoredMessage,
} from './queue-state';

export { LocalQueueLockedError } from './data-dir-lock';
export { QueueStateFileError, type DeadLetter } from './queue-state';

/** SQS default visibility timeout. */
export const DEFAULT_VISIBILITY_TIMEOUT_MS = 30_000;
/** A common redrive-policy value; SQS itself has no default. */
export const DEFAULT_MAX_RECEIVE_COUNT = 5;
/** The Lambda SQS event source's default and, for FIFO queues, maximum batch size. */
export const SQS_FIFO_MAX_BATCH_SIZE = 10;
export const DEFAULT_POLL_INTERVAL_MS = 50;
/** SQS FIFO's fixed deduplication interval. */
export const SQS_FIFO_DEDUPLICATION_WINDOW_MS = 5 * 60_000;
export const DEFAULT_QUEUE_NAME = 'local-notifications.fifo';
/** kintone's customers are mostly in Japan, so the deployed stack is expected in Tokyo. */
export const DEFAULT_AWS_REGION = 'ap-northeast-1';
/** The account id local AWS emulators conventionally use. */
export const LOCAL_ACCOUNT_ID = '000000000000';
/** Stands in for the IAM principal id SQS reports as the sender. */
export const LOCAL_SENDER_ID = 'AIDALOCALFIFOQUEUE';
/** SQS limits on MessageGroupId and MessageDeduplicationId. */
export const SQS_MAX_ID_LENGTH = 128;
/** SQS maximum message size (1 MiB), which the stack sets on the notification queue. */
export const SQS_MAX_BODY_BYTES = SQS_MAX_MESSAGE_BYTES;

// SQS allows alphanumerics and ASCII punctuation in group and deduplication ids.
const SQS_ID_PATTERN = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]+$/;
// SQS rejects bodies with characters outside this XML-derived set.
const SQS_BODY_FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** One structured log line from the queue. */
export interface LocalQueueLogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  [detail: string]: unknown;
}

/** The consumer: a Lambda-style SQS handler with ReportBatchItemFailures. */
export type SqsBatchHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

/** Options for {@link LocalFifoQueue}; every field has an SQS-like default. */
export interface LocalFifoQueueOptions {
  /**
   * Directory for `queue-state.json` (queue, dead letters, deduplication ids) and `queue.lock`.
   * Without it the queue lives in memory only.
   */
  dataDir?: string;
  /** How long a received message stays invisible before it is delivered again. */
  visibilityTimeoutMs?: number;
  /** Receives after which the next receive moves the message to the dead letters instead. */
  maxReceiveCount?: number;
  /** Most messages per handler call, 1 to {@link SQS_FIFO_MAX_BATCH_SIZE}. */
  batchSize?: number;
  /** Wait between polls when nothing can be received. */
  pollIntervalMs?: number;
  /** A repeated notificationId within this window is accepted but dropped. */
  deduplicationWindowMs?: number;
  /** Epoch milliseconds; inject to control visibility and deduplication in tests. */
  clock?: () => number;
  /** Receives dead-lettering, handler failures and contract warnings; silent by default. */
  log?: (entry: LocalQueueLogEntry) => void;
  queueName?: string;
  /** Defaults to an ARN built from the region, {@link LOCAL_ACCOUNT_ID} and the queue name. */
  queueArn?: string;
  awsRegion?: string;
}

/** Counts at one instant: in flight = received and neither deleted nor visible again yet. */
export interface LocalQueueStats {
  visible: number;
  inFlight: number;
  deadLetters: number;
}

/** SQS would reject this message; the message says which rule it broke. */
export class InvalidQueueMessageError extends Error {
  override readonly name = 'InvalidQueueMessageError';
}

/** How the handler's call ended, as the Lambda event source interprets it. */
type BatchOutcome =
  | { kind: 'succeeded' }
  | { kind: 'partial'; failedIds: ReadonlySet<string> }
  | { kind: 'failed'; error: string };

interface IdleWaiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * A local stand-in for an SQS FIFO queue plus the Lambda event source mapping that feeds it to
 * one handler (batch failures reported, one batch at a time), so the stack runs on one laptop.
 *
 * Behaviour callers can rely on, as in AWS:
 * - Within a message group, delivery is in send order, and nothing later in a group is delivered
 *   while an earlier message of that group is in flight. Other groups are not held up.
 * - Batches take receivable messages in send order across groups, so one batch can hold several
 *   messages of the same group, in order.
 * - After the handler: a throw keeps the whole batch; `batchItemFailures` keeps exactly the listed
 *   messages (an unknown or empty `itemIdentifier` fails the whole batch, as Lambda does); anything
 *   else deletes the batch. Kept messages are delivered again once their visibility timeout,
 *   counted from receipt, expires. For FIFO order the handler must also report every later
 *   message of a group after its first failure (Powertools `SqsFifoPartialProcessor` does); if it
 *   does not, those messages are deleted as SQS would, and a warning is logged.
 * - A message received `maxReceiveCount` times is moved to the dead letters when it would be
 *   received again; its group then continues with the next message.
 *
 * With `dataDir`, every change is persisted before the call returns and the directory is locked
 * to this instance until {@link LocalFifoQueue.stop}. Messages that were in flight when a
 * previous process died count as failed once and are redelivered after their visibility timeout.
 *
 * @example
 * const queue = new LocalFifoQueue({ dataDir: '.data/queue' });
 * queue.start(async (event) => processPartialResponse(event, recordHandler, processor));
 * await queue.enqueue({ notificationId: 'n-1', groupId: 'app-12:record-3', body: '{"id":1}' });
 * // ...on shutdown
 * await queue.stop();
 */
export class LocalFifoQueue implements NotificationQueue {
  private readonly visibilityTimeoutMs: number;
  /** Receives before a message moves to the dead letters (the dispatcher marks the last). */
  readonly maxReceiveCount: number;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly deduplicationWindowMs: number;
  private readonly clock: () => number;
  private readonly log: (entry: LocalQueueLogEntry) => void;
  private readonly queueArn: string;
  private readonly awsRegion: string;
  private readonly dataDir: string | undefined;
  private readonly lock: DataDirLock | undefined;
  private readonly state: QueueState;

  private loop: Promise<void> | undefined;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private closed = false;
  private processing = false;
  private wakeLoop: (() => void) | undefined;
  private idleWaiters: IdleWaiter[] = [];

  /**
   * Opens the queue, loading `dataDir` when given.
   *
   * @throws LocalQueueLockedError when another live queue or redrive owns `dataDir`.
   * @throws QueueStateFileError when the state file is corrupt.
   * @throws RangeError for an option outside its range.
   */
  constructor(options: LocalFifoQueueOptions = {}) {
    this.visibilityTimeoutMs = nonNegativeInteger(
      'visibilityTimeoutMs',
      options.visibilityTimeoutMs ?? DEFAULT_VISIBILITY_TIMEOUT_MS,
    );
    this.maxReceiveCount = integerInRange(
      'maxReceiveCount',
      options.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
      1,
      Number.MAX_SAFE_INTEGER,
    );
    this.batchSize = integerInRange(
      'batchSize',
      options.batchSize ?? SQS_FIFO_MAX_BATCH_SIZE,
      1,
      SQS_FIFO_MAX_BATCH_SIZE,
    );
    this.pollIntervalMs = nonNegativeInteger(
      'pollIntervalMs',
      options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    );
    this.deduplicationWindowMs = nonNegativeInteger(
      'deduplicationWindowMs',
      options.deduplicationWindowMs ?? SQS_FIFO_DEDUPLICATION_WINDOW_MS,
    );
    this.clock = options.clock ?? Date.now;
    this.log = options.log ?? (() => undefined);
    this.awsRegion = options.awsRegion ?? DEFAULT_AWS_REGION;
    this.queueArn =
      options.queueArn ??
      `arn:aws:sqs:${this.awsRegion}:${LOCAL_ACCOUNT_ID}:${options.queueName ?? DEFAULT_QUEUE_NAME}`;
    this.dataDir = options.dataDir;

    if (this.dataDir === undefined) {
      this.state = emptyQueueState();
      return;
    }
    this.lock = acquireDataDirLock(this.dataDir);
    try {
      this.state = readQueueState(this.dataDir) ?? emptyQueueState();
      this.recoverInterruptedMessages();
    } catch (error) {
      this.lock.release();
      throw error;
    }
  }

  /**
   * Sends a notification: `notificationId` becomes the deduplication id and `groupId` the
   * message group. A notificationId already accepted within the deduplication window is
   * accepted again but dropped, as SQS FIFO does.
   *
   * @throws InvalidQueueMessageError when SQS would reject the ids or body.
   */
  async enqueue(message: QueuedNotification): Promise<void> {
    this.assertOpen('enqueue');
    validateMessage(message);
    const now = this.clock();
    this.pruneDeduplication(now);
    if (this.state.deduplication[message.notificationId] !== undefined) {
      this.log({
        level: 'info',
        message: 'duplicate notification dropped within the deduplication window',
        notificationId: message.notificationId,
        groupId: message.groupId,
      });
      return;
    }
    const stored: StoredMessage = {
      messageId: randomUUID(),
      groupId: message.groupId,
      deduplicationId: message.notificationId,
      body: message.body,
      sequenceNumber: formatSequenceNumber(this.state.nextSequence++),
      sentTimestamp: now,
      receiveCount: 0,
      visibleAt: now,
    };
    this.state.deduplication[message.notificationId] = now;
    this.state.messages.push(stored);
    try {
      this.persist();
    } catch (error) {
      // The caller sees a failed send and will retry; a message kept anyway would be delivered
      // while the retry is dropped as a duplicate, so undo it.
      this.state.messages.pop();
      delete this.state.deduplication[message.notificationId];
      throw error;
    }
    this.wakeLoop?.();
  }

  /**
   * Starts the consumer loop: it polls every `pollIntervalMs`, and calls `handler` with one batch
   * at a time, awaiting it before receiving again (like a Lambda with concurrency 1).
   *
   * @throws Error when already started or stopped.
   */
  start(handler: SqsBatchHandler): void {
    this.assertOpen('start');
    if (this.loop !== undefined) {
      throw new Error('LocalFifoQueue is already started; it runs one consumer to keep order');
    }
    this.loop = this.runLoop(handler);
  }

  /**
   * Stops the loop after the batch in progress, rejects pending {@link LocalFifoQueue.idle}
   * calls, and releases `dataDir`. The instance cannot be used afterwards (open a new one to
   * restart); calling stop again is harmless, and stop is safe on a queue never started.
   */
  stop(): Promise<void> {
    this.stopped ??= this.shutDown();
    return this.stopped;
  }

  /**
   * Resolves once the queue holds nothing visible or in flight and no batch is running, i.e.
   * everything sent so far was deleted or dead-lettered. With an injected clock, advance it past
   * the visibility timeout or failed messages never become visible again.
   *
   * @throws Error (rejects) when the queue holds messages but was not started, or is stopped
   *   before it becomes idle.
   */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    if (this.loop === undefined || this.stopping) {
      return Promise.reject(
        new Error('LocalFifoQueue holds messages but is not consuming; call start() first'),
      );
    }
    return new Promise((resolve, reject) => this.idleWaiters.push({ resolve, reject }));
  }

  /** Counts at this instant of the queue's clock. */
  stats(): LocalQueueStats {
    const now = this.clock();
    const inFlight = this.state.messages.filter((m) => m.visibleAt > now).length;
    return {
      visible: this.state.messages.length - inFlight,
      inFlight,
      deadLetters: this.state.deadLetters.length,
    };
  }

  /** Copies of the dead letters, oldest first. */
  deadLetters(): DeadLetter[] {
    return structuredClone(this.state.deadLetters);
  }

  /**
   * Moves dead letters (all, or those with the given messageIds; unknown ids are ignored) to the
   * queue tail with receive count reset, and returns them as they were. They keep their messageId
   * and bypass deduplication. Being at the tail, they run after anything sent to their group in
   * the meantime.
   */
  redrive(ids?: string[]): DeadLetter[] {
    this.assertOpen('redrive');
    const moved = moveDeadLettersToQueue(this.state, ids, this.clock());
    if (moved.length === 0) return [];
    this.persist();
    this.log({
      level: 'info',
      message: 'dead letters redriven to the queue',
      messageIds: moved.map((d) => d.messageId),
    });
    this.wakeLoop?.();
    return moved;
  }

  /**
   * Deletes the dead letters with the given messageIds (unknown ids are ignored) and returns
   * them as they were: an operator skipped them, so they are never delivered.
   */
  discard(ids: string[]): DeadLetter[] {
    this.assertOpen('discard');
    const removed = removeDeadLetters(this.state, ids);
    if (removed.length === 0) return [];
    this.persist();
    this.log({
      level: 'info',
      message: 'dead letters discarded by an operator',
      messageIds: removed.map((d) => d.messageId),
    });
    this.settleIdleWaiters();
    return removed;
  }

  private async shutDown(): Promise<void> {
    this.stopping = true;
    this.wakeLoop?.();
    await this.loop;
    this.closed = true;
    this.settleIdleWaiters();
    this.lock?.release();
  }

  private async runLoop(handler: SqsBatchHandler): Promise<void> {
    while (!this.stopping) {
      let delivered = false;
      try {
        delivered = await this.pollOnce(handler);
      } catch (error) {
        // A failed write (disk full) must not kill the consumer; state stays in memory and the
        // next change persists it.
        this.log({
          level: 'error',
          message: 'local queue poll failed; retrying after the poll interval',
          error: errorText(error),
        });
      }
      this.settleIdleWaiters();
      // After a batch, receive again at once: more may be ready, and tests stay fast.
      if (!delivered && !this.stopping) await this.sleep(this.pollIntervalMs);
    }
  }

  private async pollOnce(handler: SqsBatchHandler): Promise<boolean> {
    const receivedAt = this.clock();
    const batch = this.receive(receivedAt);
    if (batch.length === 0) return false;
    this.processing = true;
    try {
      const event: SQSEvent = { Records: batch.map((m) => this.toRecord(m)) };
      const outcome = await this.invoke(handler, event);
      this.complete(batch, outcome, receivedAt);
    } finally {
      this.processing = false;
    }
    return true;
  }

  /**
   * Takes up to batchSize receivable messages in send order, skipping groups whose head is in
   * flight, and dead-letters exhausted messages on the way (SQS moves them at receive time).
   */
  private receive(now: number): StoredMessage[] {
    const batch: StoredMessage[] = [];
    const blockedGroups = new Set<string>();
    const exhausted: StoredMessage[] = [];
    for (const message of this.state.messages) {
      if (batch.length >= this.batchSize) break;
      if (blockedGroups.has(message.groupId)) continue;
      if (message.visibleAt > now) {
        blockedGroups.add(message.groupId);
        continue;
      }
      if (message.receiveCount >= this.maxReceiveCount) {
        exhausted.push(message);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= now;
      message.visibleAt = now + this.visibilityTimeoutMs;
      message.receiptHandle = randomUUID();
      batch.push(message);
    }
    if (exhausted.length > 0) this.moveToDeadLetters(exhausted, now);
    // Persist receive counts too, so a crash mid-batch still counts towards maxReceiveCount.
    if (batch.length > 0 || exhausted.length > 0) this.persist();
    return batch;
  }

  private moveToDeadLetters(messages: StoredMessage[], now: number): void {
    const ids = new Set(messages.map((m) => m.messageId));
    this.state.messages = this.state.messages.filter((m) => !ids.has(m.messageId));
    for (const m of messages) {
      this.state.deadLetters.push({
        messageId: m.messageId,
        groupId: m.groupId,
        deduplicationId: m.deduplicationId,
        body: m.body,
        sequenceNumber: m.sequenceNumber,
        sentTimestamp: m.sentTimestamp,
        receiveCount: m.receiveCount,
        // Every receive that did not end in a delete records a failure, so these are set; the
        // fallback only covers a hand-edited state file.
        firstFailureAt: m.firstFailureAt ?? now,
        lastFailureAt: m.lastFailureAt ?? now,
        ...(m.lastError === undefined ? {} : { lastError: m.lastError }),
        deadLetteredAt: now,
      });
      this.log({
        level: 'warn',
        message: `message moved to dead letters after ${m.receiveCount} receives; redrive it once the cause is fixed`,
        messageId: m.messageId,
        groupId: m.groupId,
        deduplicationId: m.deduplicationId,
        lastError: m.lastError,
      });
    }
  }

  private async invoke(handler: SqsBatchHandler, event: SQSEvent): Promise<BatchOutcome> {
    let response: SQSBatchResponse | void;
    try {
      response = await handler(event);
    } catch (error) {
      return { kind: 'failed', error: errorText(error) };
    }
    // Lambda reads the response as JSON, so guard against shapes the type does not allow.
    const failures: unknown = response?.batchItemFailures;
    if (!Array.isArray(failures) || failures.length === 0) return { kind: 'succeeded' };
    const batchIds = new Set(event.Records.map((r) => r.messageId));
    const failedIds = new Set<string>();
    for (const failure of failures) {
      const id: unknown = isRecord(failure) ? failure.itemIdentifier : undefined;
      if (typeof id !== 'string' || !batchIds.has(id)) {
        return {
          kind: 'failed',
          error: `handler returned batchItemFailures with itemIdentifier ${id === undefined ? '(missing)' : JSON.stringify(id)}, which is not a messageId of the batch; Lambda then fails the whole batch`,
        };
      }
      failedIds.add(id);
    }
    return { kind: 'partial', failedIds };
  }

  private complete(batch: StoredMessage[], outcome: BatchOutcome, receivedAt: number): void {
    const now = this.clock();
    const failed =
      outcome.kind === 'failed'
        ? batch
        : outcome.kind === 'partial'
          ? batch.filter((m) => outcome.failedIds.has(m.messageId))
          : [];
    const failedIds = new Set(failed.map((m) => m.messageId));
    for (const m of failed) {
      // The handler is done with it; it stays invisible until the timeout set at receipt.
      delete m.receiptHandle;
      m.firstFailureAt ??= now;
      m.lastFailureAt = now;
      // Only a thrown error carries text; a reported failure must not keep a stale one.
      if (outcome.kind === 'failed') m.lastError = outcome.error;
      else delete m.lastError;
    }
    const deleted = new Set(
      batch.filter((m) => !failedIds.has(m.messageId)).map((m) => m.messageId),
    );
    this.state.messages = this.state.messages.filter((m) => !deleted.has(m.messageId));
    this.persist();

    if (failed.length > 0) {
      this.log({
        level: 'warn',
        message:
          outcome.kind === 'failed'
            ? 'handler failed; the whole batch will be delivered again after the visibility timeout'
            : 'handler reported failures; those messages will be delivered again after the visibility timeout',
        messageIds: [...failedIds],
        ...(outcome.kind === 'failed' ? { error: outcome.error } : {}),
      });
    }
    if (outcome.kind === 'partial') this.warnOnBrokenGroupOrder(batch, failedIds);
    if (now > receivedAt + this.visibilityTimeoutMs) {
      this.log({
        level: 'warn',
        message:
          'handler ran longer than the visibility timeout; in AWS the batch could be delivered twice. Raise visibilityTimeoutMs or shorten the handler',
        elapsedMs: now - receivedAt,
        visibilityTimeoutMs: this.visibilityTimeoutMs,
      });
    }
  }

  /** A later message of a group deleted after an earlier one failed overtakes it: say so. */
  private warnOnBrokenGroupOrder(batch: StoredMessage[], failedIds: ReadonlySet<string>): void {
    const failedGroups = new Map<string, string>();
    for (const m of batch) {
      const earlierFailure = failedGroups.get(m.groupId);
      if (failedIds.has(m.messageId)) {
        if (earlierFailure === undefined) failedGroups.set(m.groupId, m.messageId);
      } else if (earlierFailure !== undefined) {
        this.log({
          level: 'warn',
          message:
            'handler deleted a message after an earlier failure in its group, breaking FIFO order; report every later message of the group as failed (SqsFifoPartialProcessor does)',
          groupId: m.groupId,
          failedMessageId: earlierFailure,
          deletedMessageId: m.messageId,
        });
      }
    }
  }

  private toRecord(m: StoredMessage): SQSRecord {
    return {
      messageId: m.messageId,
      receiptHandle: m.receiptHandle ?? '',
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentTimestamp),
        SequenceNumber: m.sequenceNumber,
        MessageGroupId: m.groupId,
        MessageDeduplicationId: m.deduplicationId,
        SenderId: LOCAL_SENDER_ID,
        ApproximateFirstReceiveTimestamp: String(m.firstReceiveTimestamp ?? m.sentTimestamp),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(m.body, 'utf8').digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: this.queueArn,
      awsRegion: this.awsRegion,
    };
  }

  /**
   * A message with a receipt handle in a freshly loaded state was in a batch when the previous
   * process died: count that receive as a failure so the dead letter explains it.
   */
  private recoverInterruptedMessages(): void {
    const now = this.clock();
    let changed = false;
    for (const m of this.state.messages) {
      if (m.receiptHandle === undefined) continue;
      delete m.receiptHandle;
      m.firstFailureAt ??= now;
      m.lastFailureAt = now;
      m.lastError = 'the previous process ended while this message was being handled';
      changed = true;
    }
    if (changed) this.persist();
  }

  private pruneDeduplication(now: number): void {
    for (const [id, acceptedAt] of Object.entries(this.state.deduplication)) {
      if (acceptedAt + this.deduplicationWindowMs <= now) delete this.state.deduplication[id];
    }
  }

  private isIdle(): boolean {
    return this.state.messages.length === 0 && !this.processing;
  }

  private settleIdleWaiters(): void {
    if (this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    if (this.isIdle()) {
      this.idleWaiters = [];
      for (const w of waiters) w.resolve();
    } else if (this.closed) {
      this.idleWaiters = [];
      for (const w of waiters) {
        w.reject(new Error('LocalFifoQueue was stopped before it became idle'));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeLoop = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      // enqueue, redrive and stop cut the wait short so new work starts without a poll delay.
      this.wakeLoop = done;
    });
  }

  private persist(): void {
    if (this.dataDir !== undefined) writeQueueState(this.dataDir, this.state);
  }

  private assertOpen(operation: string): void {
    if (this.closed || this.stopping) {
      throw new Error(
        `cannot ${operation}: this LocalFifoQueue was stopped; create a new one to continue`,
      );
    }
  }
}

/**
 * Reads the dead letters from a data directory's state file without opening the queue, so an
 * operator command can list them while the local stack runs (the file is replaced atomically,
 * so the read is a consistent snapshot).
 *
 * @example
 * for (const letter of readDeadLetters('.data/queue')) console.log(letter.messageId, letter.lastError);
 */
export function readDeadLetters(dataDir: string): DeadLetter[] {
  return readQueueState(dataDir)?.deadLetters ?? [];
}

/**
 * Redrives dead letters in a data directory's state file, like {@link LocalFifoQueue.redrive},
 * and returns what moved. The running queue keeps its state in memory and would overwrite this
 * change, so this requires the local stack to be stopped: it takes the directory's lock and throws
 * {@link LocalQueueLockedError} if a live queue holds it. The next queue opened on the directory
 * delivers the redriven messages. To redrive while the stack runs, call `redrive` on its queue.
 *
 * @example
 * redriveDeadLetters('.data/queue', ['4d1f...']); // then `npm start`
 */
export function redriveDeadLetters(
  dataDir: string,
  ids?: string[],
  clock: () => number = Date.now,
): DeadLetter[] {
  const lock = acquireDataDirLock(dataDir);
  try {
    const state = readQueueState(dataDir) ?? emptyQueueState();
    const moved = moveDeadLettersToQueue(state, ids, clock());
    if (moved.length > 0) writeQueueState(dataDir, state);
    return moved;
  } finally {
    lock.release();
  }
}

/**
 * Deletes dead letters from a data directory's state file, like {@link LocalFifoQueue.discard},
 * and returns what was deleted. Like {@link redriveDeadLetters} it needs the local stack to be
 * stopped and throws {@link LocalQueueLockedError} otherwise.
 *
 * @example
 * discardDeadLetters('.data/queue', ['4d1f...']);
 */
export function discardDeadLetters(dataDir: string, ids: string[]): DeadLetter[] {
  const lock = acquireDataDirLock(dataDir);
  try {
    const state = readQueueState(dataDir) ?? emptyQueueState();
    const removed = removeDeadLetters(state, ids);
    if (removed.length > 0) writeQueueState(dataDir, state);
    return removed;
  } finally {
    lock.release();
  }
}

function validateMessage(message: QueuedNotification): void {
  for (const [field, value] of [
    ['notificationId', message.notificationId],
    ['groupId', message.groupId],
  ] as const) {
    if (value.length === 0 || value.length > SQS_MAX_ID_LENGTH || !SQS_ID_PATTERN.test(value)) {
      throw new InvalidQueueMessageError(
        `${field} ${JSON.stringify(value)} would be rejected by SQS: use 1-${SQS_MAX_ID_LENGTH} alphanumeric or ASCII punctuation characters`,
      );
    }
  }
  if (Buffer.byteLength(message.body, 'utf8') > SQS_MAX_BODY_BYTES) {
    throw new InvalidQueueMessageError(
      `body of notification ${message.notificationId} exceeds the SQS limit of ${SQS_MAX_BODY_BYTES} bytes; send a reference instead of the payload`,
    );
  }
  const forbidden = SQS_BODY_FORBIDDEN.exec(message.body);
  if (forbidden !== null) {
    // SQS answers InvalidMessageContents; naming the character and where it is saves a hunt.
    const codeUnits = Array.from(
      forbidden[0],
      (c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`,
    ).join(' ');
    throw new InvalidQueueMessageError(
      `body of notification ${message.notificationId} contains ${codeUnits} at index ${forbidden.index}, which SQS rejects (it accepts only #x9, #xA, #xD, #x20-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF); escape it as \\uXXXX in the JSON`,
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function nonNegativeInteger(name: string, value: number): number {
  return integerInRange(name, value, 0, Number.MAX_SAFE_INTEGER);
}

function integerInRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`LocalFifoQueue option ${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}
