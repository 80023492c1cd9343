import { randomUUID } from 'node:crypto';
import { ClaimCheckNotFoundError, type ClaimCheckStore } from '../../shared/ports/claim-checks';

/**
 * {@link ClaimCheckStore} in memory: keeps every payload with the time it was put, so tests can
 * see what went through the claim check. Set `failNext` to make the next call reject, as
 * DynamoDB does when it is unreachable; a failed put stores nothing.
 */
export class InMemoryClaimCheckStore implements ClaimCheckStore {
  readonly payloads = new Map<string, { payload: string; at: Date }>();
  failNext?: Error;

  async put(payload: string, at: Date): Promise<string> {
    this.throwIfFailing();
    const id = randomUUID();
    this.payloads.set(id, { payload, at: new Date(at) });
    return id;
  }

  async get(id: string): Promise<string> {
    this.throwIfFailing();
    const stored = this.payloads.get(id);
    if (stored === undefined) throw new ClaimCheckNotFoundError(id);
    return stored.payload;
  }

  private throwIfFailing(): void {
    const failure = this.failNext;
    if (failure === undefined) return;
    this.failNext = undefined;
    throw failure;
  }
}
