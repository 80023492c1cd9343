import { ChannelSendError } from '../../ports/channel-send-error';

/** Options for {@link FaxGatewayError}. */
export interface FaxGatewayErrorOptions {
  /** True when the same fax may be accepted later (provider 5xx, 429, throttling, network). */
  retryable: boolean;
  /** HTTP status the provider answered with, if an answer arrived. */
  status?: number;
  /** Short machine-readable reason, e.g. `Unauthorized`, `InvalidNumber`, `Throttling`. */
  code?: string;
  /** The original error, kept for logs. Never carries credentials. */
  cause?: unknown;
}

/**
 * A fax gateway did not accept the fax; nothing was queued for transmission (as far as the
 * provider told us). `retryable` tells the caller whether to retry the same fax later or to stop
 * and have someone fix the number, the credentials or the setup first.
 *
 * Messages never contain API secrets; they name the order and say what to do next.
 */
export class FaxGatewayError extends ChannelSendError {
  override readonly name: string = 'FaxGatewayError';
  readonly status: number | undefined;
  readonly code: string | undefined;

  constructor(message: string, options: FaxGatewayErrorOptions) {
    super(message, { retryable: options.retryable, cause: options.cause });
    this.status = options.status;
    this.code = options.code;
  }
}
