import type { OrderRequest } from '../../shared/domain/order';
import type { OrderMailer, SentMail } from '../../shared/ports/order-mailer';

/**
 * {@link OrderMailer} in memory: records every request it accepts. Errors queued in `failures`
 * are thrown by the next calls, one per call, as SES does when it throttles or is unreachable;
 * a failed call records nothing, because the supplier received nothing.
 *
 * @example
 * const mailer = new RecordingOrderMailer();
 * mailer.failures.push(new Error('Throttling'));
 * await expect(mailer.sendOrderRequest(request)).rejects.toThrow('Throttling');
 * await mailer.sendOrderRequest(request); // { messageId: 'message-1' }
 */
export class RecordingOrderMailer implements OrderMailer {
  /** Requests sent, in order (copies). */
  readonly sent: OrderRequest[] = [];
  /** Errors to throw on the next calls; each call takes the first one. */
  readonly failures: Error[] = [];

  async sendOrderRequest(request: OrderRequest): Promise<SentMail> {
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    this.sent.push(structuredClone(request));
    return { messageId: `message-${this.sent.length}` };
  }
}
