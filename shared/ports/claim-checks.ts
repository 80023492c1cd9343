/**
 * Claim check for queued notifications: a notification whose queue message would exceed the
 * queue's size limit (SQS: 1 MiB) is stored here, and the queue message carries only a
 * reference to it. The sweep writes them, for a kintone record larger than one message (a
 * webhook notification, at most 1 MB, always fits); dispatch reads them.
 */
export interface ClaimCheckStore {
  /**
   * Stores a payload under a fresh id and returns the id. The payload is kept well beyond the
   * dead-letter queue's retention, so a message redriven late still finds it.
   */
  put(payload: string, at: Date): Promise<string>;
  /** The payload stored under `id`; throws a clear error when it is gone. */
  get(id: string): Promise<string>;
}

/**
 * No payload is stored under the id: it expired or was never put. Retrying cannot help; the
 * notification has to be recovered from kintone (edit the record again).
 */
export class ClaimCheckNotFoundError extends Error {
  override readonly name = 'ClaimCheckNotFoundError';
  constructor(readonly claimCheckId: string) {
    super(
      `claim check ${claimCheckId} is not in the store (expired or never stored); the notification cannot be read again, so edit the kintone record again to send a new one`,
    );
  }
}
