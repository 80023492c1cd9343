import { ChannelSendError } from '../../shared/ports/channel-send-error';
import type { FaxGateway, OutgoingFax, SentFax } from '../../shared/ports/fax-gateway';
import type { FaxSending } from '../../shared/ports/fax-gateway';

/**
 * {@link FaxGateway} in memory: records every fax it accepts. Errors queued in `failures` are
 * thrown by the next calls, one per call; a failed call records nothing, because the provider
 * accepted nothing.
 *
 * @example
 * const gateway = new RecordingFaxGateway();
 * gateway.failures.push(sendFailure('Phaxio answered 503', { retryable: true }));
 */
export class RecordingFaxGateway implements FaxGateway {
  /** Faxes accepted, in order (copies). */
  readonly sent: OutgoingFax[] = [];
  /** Errors to throw on the next calls; each call takes the first one. */
  readonly failures: Error[] = [];

  async sendFax(fax: OutgoingFax): Promise<SentFax> {
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    this.sent.push({ ...fax, pdf: Buffer.from(fax.pdf) });
    return { faxId: `fax-${this.sent.length}`, gateway: 'recording' };
  }
}

/** The PDF every {@link recordingFaxSending} renders: rendering is tested on its own. */
export const FAKE_PDF = Buffer.from('%PDF-fake');

/**
 * A {@link FaxSending} over a recording gateway, in region JP.
 *
 * @example
 * const gateway = new RecordingFaxGateway();
 * const deps = { ...others, fax: recordingFaxSending(gateway) };
 */
export function recordingFaxSending(gateway: FaxGateway = new RecordingFaxGateway()): FaxSending {
  return { gateway, renderPdf: async () => Buffer.from(FAKE_PDF), region: 'JP' };
}

/**
 * An error as the SES mailer and fax gateways throw it: `retryable: false` means retrying will
 * not help (rejected address, refused number), anything else is worth a retry.
 */
export function sendFailure(message: string, options: { retryable: boolean }): ChannelSendError {
  return new ChannelSendError(message, options);
}
