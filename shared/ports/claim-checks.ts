/**
 * Claim check for queued notifications: a notification whose queue message would exceed the
 * queue's size limit (SQS: 256 KB; kintone sends up to 1 MB) is stored here, and the queue
 * message carries only a reference to it.
 */
export interface ClaimCheckStore {
  /** Stores a payload under a fresh id and returns the id. */
  put(payload: string, at: Date): Promise<string>;
  /** The payload stored under `id`; throws a clear error when it is gone. */
  get(id: string): Promise<string>;
}
