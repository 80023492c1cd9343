import type { OrderRequest } from '../domain/order';

export interface SentMail {
  /** Provider's message id (SES MessageId). */
  messageId: string;
}

/** Sends an order request to the supplier by email. */
export interface OrderMailer {
  /**
   * Sends one order request. Throws a `ChannelSendError` (channel-send-error.ts) on any failure (its `retryable`
   * says whether trying again can help); the caller records success, so a throw
   * means "not sent, safe to retry with the same order".
   */
  sendOrderRequest(request: OrderRequest): Promise<SentMail>;
}
