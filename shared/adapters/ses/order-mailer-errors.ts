import { ChannelSendError } from '../../ports/channel-send-error';

/** Options for {@link OrderMailerError}. */
export interface OrderMailerErrorOptions {
  /** True when the same request may succeed later (throttling, SES 5xx, network). */
  retryable: boolean;
  /** SES error code (the SDK error's `name`, e.g. `Throttling`, `MessageRejected`), if known. */
  code?: string;
  /** HTTP status SES answered with, if a response arrived. */
  statusCode?: number;
  /** The original error, kept for logs. */
  cause?: unknown;
}

/**
 * Sending an order request failed; nothing was handed to SES for delivery. `retryable` tells
 * the caller whether to retry the same order later (throttling, outage) or to stop and have
 * someone fix the data or the SES setup (rejected message, unverified sender).
 */
export class OrderMailerError extends ChannelSendError {
  override readonly name: string = 'OrderMailerError';
  readonly code: string | undefined;
  readonly statusCode: number | undefined;

  constructor(message: string, options: OrderMailerErrorOptions) {
    super(message, { retryable: options.retryable, cause: options.cause });
    this.code = options.code;
    this.statusCode = options.statusCode;
  }
}

/**
 * The supplier has no usable email address, so the order was not sent. Never retryable: the
 * supplier's email field in kintone must be fixed (or the order sent by fax) first.
 */
export class InvalidRecipientError extends OrderMailerError {
  override readonly name: string = 'InvalidRecipientError';

  constructor(message: string) {
    super(message, { retryable: false, code: 'InvalidRecipient' });
  }
}
