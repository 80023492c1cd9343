import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isErrnoException } from './queue-state';

/** Holds the process id of whoever owns a queue data directory. */
export const LOCK_FILE = 'queue.lock';

/**
 * Holds the process id of the local stack that owns a whole data directory (`.data`): dynalite's
 * LevelDB, the local kintone's file, the queue and the generated secrets are each written by one
 * process only, so a second `npm start` must stop before it opens any of them.
 */
export const STACK_LOCK_FILE = 'stack.lock';

/** A live process (possibly this one) holds a data directory's lock file. */
export class DataDirLockedError extends Error {
  override readonly name: string = 'DataDirLockedError';

  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Another live process (or another open queue in this one) owns the data directory. Only one
 * writer may own the state file, or one would overwrite the other's changes.
 */
export class LocalQueueLockedError extends DataDirLockedError {
  override readonly name = 'LocalQueueLockedError';

  constructor(dataDir: string, holderPid: number) {
    super(
      dataDir,
      holderPid,
      `local queue data directory ${dataDir} is in use by process ${holderPid}; ` +
        'stop the local stack (or call stop() on the other LocalFifoQueue) and try again',
    );
  }
}

/** Another local stack (another `npm start`, or a test's stack in this process) owns `.data`. */
export class LocalStackLockedError extends DataDirLockedError {
  override readonly name = 'LocalStackLockedError';

  constructor(dataDir: string, holderPid: number) {
    const holder =
      holderPid === process.pid
        ? `this process (${holderPid}), by a local stack started earlier and not closed`
        : `process ${holderPid} (another npm start?)`;
    super(
      dataDir,
      holderPid,
      `the data directory ${dataDir} is in use by ${holder}. Only one local stack can use a ` +
        `data directory: stop the other one (Ctrl-C where it runs, or kill ${holderPid}), or ` +
        'start this one on another folder: npm start -- --data-dir .data-2 --port-base 4000',
    );
  }
}

/** Ownership of a data directory; `release` is idempotent. */
export interface DataDirLock {
  release(): void;
}

/** Which lock file to take, and the error that says who holds it. */
export interface DataDirLockKind {
  file: string;
  locked: (dataDir: string, holderPid: number) => DataDirLockedError;
}

/** The queue's lock on its own directory (`.data/queue`). */
export const QUEUE_LOCK: DataDirLockKind = {
  file: LOCK_FILE,
  locked: (dataDir, pid) => new LocalQueueLockedError(dataDir, pid),
};

/** The local stack's lock on the whole data directory (`.data`). */
export const STACK_LOCK: DataDirLockKind = {
  file: STACK_LOCK_FILE,
  locked: (dataDir, pid) => new LocalStackLockedError(dataDir, pid),
};

/**
 * Takes the data directory by creating the lock file exclusively. A lock left by a process that
 * no longer exists (killed stack) is taken over, so a crash never needs manual cleanup.
 *
 * @throws DataDirLockedError (the kind's error: LocalQueueLockedError by default) when a live
 *   process holds the directory.
 * @example
 * const lock = acquireDataDirLock('.data', STACK_LOCK); // LocalStackLockedError if taken
 * try { ... } finally { lock.release(); }
 */
export function acquireDataDirLock(
  dataDir: string,
  kind: DataDirLockKind = QUEUE_LOCK,
): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, kind.file);
  // Two attempts: the second follows removal of a stale lock. If someone else wins that race,
  // they hold a live lock and we report it.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if (!isErrnoException(error) || error.code !== 'EEXIST') throw error;
      const holder = readHolderPid(path);
      if (holder !== undefined && isProcessAlive(holder)) {
        throw kind.locked(dataDir, holder);
      }
      rmSync(path, { force: true });
    }
  }
  throw kind.locked(dataDir, readHolderPid(path) ?? -1);
}

function readHolderPid(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    // Vanished between our create attempt and this read: treat as stale, the retry decides.
    return undefined;
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    // Signal 0 checks existence without touching the process.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user, so it is alive.
    return isErrnoException(error) && error.code === 'EPERM';
  }
}
