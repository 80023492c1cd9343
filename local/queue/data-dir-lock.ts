import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isErrnoException } from './queue-state';

/** Holds the process id of whoever owns a queue data directory. */
export const LOCK_FILE = 'queue.lock';

/**
 * Another live process (or another open queue in this one) owns the data directory. Only one
 * writer may own the state file, or one would overwrite the other's changes.
 */
export class LocalQueueLockedError extends Error {
  override readonly name = 'LocalQueueLockedError';

  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
  ) {
    super(
      `local queue data directory ${dataDir} is in use by process ${holderPid}; ` +
        'stop the local stack (or call stop() on the other LocalFifoQueue) and try again',
    );
  }
}

/** Ownership of a data directory; `release` is idempotent. */
export interface DataDirLock {
  release(): void;
}

/**
 * Takes the data directory by creating the lock file exclusively. A lock left by a process that
 * no longer exists (killed stack) is taken over, so a crash never needs manual cleanup.
 *
 * @throws LocalQueueLockedError when a live process holds the directory.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
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
        throw new LocalQueueLockedError(dataDir, holder);
      }
      rmSync(path, { force: true });
    }
  }
  throw new LocalQueueLockedError(dataDir, readHolderPid(path) ?? -1);
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
