/**
 * A channel (email, fax) did not accept an order request. Adapters throw it, or a subclass, for
 * every failure; `retryable` is the contract with the dispatcher: true means "try the same
 * request again later" (throttling, outage, network), false means retrying cannot help (rejected
 * address, invalid number, bad credentials) and the channel counts as failed.
 */
export class ChannelSendError extends Error {
  override readonly name: string = 'ChannelSendError';
  readonly retryable: boolean;

  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable;
  }
}
