import type { OrderRequest } from '../domain/order';
/** One fax to send: a rendered order form to one number. */
export interface OutgoingFax {
  /** Destination in E.164 form, e.g. `+81312345678`; adapters reformat it as their provider needs. */
  to: string;
  /** The PDF to transmit. */
  pdf: Buffer;
  /** File name shown by providers, e.g. `PO-20261128-0001.pdf`. */
  fileName: string;
  /** Order number, sent as a tag/reference so status callbacks can be matched to the order. */
  orderNumber: string;
}

export interface SentFax {
  /** The provider's id for the fax (Phaxio fax id, or the SES message id for email-to-fax). */
  faxId: string;
  /** Which gateway accepted it (`phaxio`, `email-to-fax`). */
  gateway: string;
}

/**
 * Sends faxes through a fax service. A resolved promise means the provider ACCEPTED the fax
 * for transmission; whether it reached the machine arrives later as a status callback. Failures
 * are thrown as `ChannelSendError` (channel-send-error.ts), `retryable` telling whether trying again can help.
 */
export interface FaxGateway {
  sendFax(fax: OutgoingFax): Promise<SentFax>;
}

/** A fax's final outcome, as reported by the provider's status callback. */
export interface FaxStatusUpdate {
  faxId: string;
  orderNumber?: string;
  status: 'delivered' | 'failed';
  /** Provider's reason for a failure, for the record and the operator. */
  detail?: string;
  at: string;
}

/** What the bridge needs to send faxes; absent when the deployment has no fax gateway. */
export interface FaxSending {
  gateway: FaxGateway;
  /** Renders the 発注書 PDF for a request. */
  renderPdf(request: OrderRequest): Promise<Buffer>;
  /** Region in which fax numbers without a country code are read (e.g. JP). */
  region: string;
}

/**
 * A fax that a function without the fax path asks the fax function to send: an order's form (its
 * fax channel is pending), or a reminder of it. The fax function reads the order's log before it
 * sends, so a job repeated (at-least-once delivery, a scheduler's retry) sends nothing twice.
 */
export type FaxJob =
  | { kind: 'order'; orderNumber: string }
  /**
   * A reminder by fax. `remindersBefore` counts the order's `reminder-sent` events when it was
   * asked for: once the log has more, that reminder went out and the job is done.
   */
  | { kind: 'reminder'; orderNumber: string; remindersBefore: number };

/**
 * Hands faxes to the function that renders and sends them. Only that function loads the PDF
 * renderer and the fonts (about 1 MB of code and 10 MB of fonts); email orders never do.
 */
export interface FaxHandoff {
  /** Region in which fax numbers without a country code are read (e.g. JP). */
  region: string;
  /** Queues the job; resolved once it is durably queued. */
  requestFax(job: FaxJob): Promise<void>;
}
