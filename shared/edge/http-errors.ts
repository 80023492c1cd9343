/**
 * Errors that end an HTTP request with a specific status. The message is safe to show the
 * caller (kintone's webhook log); anything else becomes a generic 500.
 */
export class HttpError extends Error {
  override readonly name: string = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class UnauthorizedError extends HttpError {
  override readonly name = 'UnauthorizedError';
  constructor() {
    super(
      401,
      'unauthorized',
      'The token in the webhook URL is missing or wrong. Copy the webhook URL again from the bridge.',
    );
  }
}

export class BadRequestError extends HttpError {
  override readonly name = 'BadRequestError';
  constructor(message: string) {
    super(400, 'bad_request', message);
  }
}

export class PayloadTooLargeError extends HttpError {
  override readonly name = 'PayloadTooLargeError';
  /** `message` replaces the default, which says the body is over kintone's own limit. */
  constructor(
    readonly limitBytes: number,
    message = `The notification is larger than ${limitBytes} bytes, kintone's own limit.`,
  ) {
    super(413, 'payload_too_large', message);
  }
}
