import { HttpError } from '../../shared/edge/http-errors';

/*
 * Refusals of the order page. The messages are for the log (they never name the token); what
 * the supplier sees is the page the error middleware renders for each class.
 */

/** The link is malformed, tampered with, expired or names no order: one answer for all. */
export class InvalidOrderLinkError extends HttpError {
  override readonly name = 'InvalidOrderLinkError';
  constructor(readonly problem: string) {
    super(404, 'invalid_link', `The order page link was refused (${problem}).`);
  }
}

/** More answers for one order in the current window than a person would send. */
export class TooManyAnswersError extends HttpError {
  override readonly name = 'TooManyAnswersError';
  constructor(
    readonly limit: number,
    readonly retryAfterSeconds: number,
  ) {
    super(429, 'too_many_requests', `More than ${limit} answers to one order within the hour.`);
  }
}

/** The posted form is larger than any answer the page can produce. */
export class FormTooLargeError extends HttpError {
  override readonly name = 'FormTooLargeError';
  constructor(readonly limitBytes: number) {
    super(413, 'payload_too_large', `The posted form is larger than ${limitBytes} bytes.`);
  }
}

/** The POST is not an HTML form (application/x-www-form-urlencoded). */
export class NotAFormError extends HttpError {
  override readonly name = 'NotAFormError';
  constructor() {
    super(
      415,
      'unsupported_media_type',
      'The POST is not an application/x-www-form-urlencoded form.',
    );
  }
}
