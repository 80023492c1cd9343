import { SendEmailCommand, type SESClient, type SendEmailCommandInput } from '@aws-sdk/client-ses';
import { ORDER_NUMBER_TAG } from '../../edge/ses-event';
import type { OrderRequest } from '../../domain/order';
import { headerSafe } from '../../edge/header-safe';
import { formatMailbox, isPlausibleEmailAddress } from '../../edge/mailbox';
import { renderOrderEmail, type RenderedOrderEmail } from '../../documents/order-email';
import type { OrderMailer, SentMail } from '../../ports/order-mailer';
import { InvalidRecipientError, OrderMailerError } from './order-mailer-errors';

export { InvalidRecipientError, OrderMailerError } from './order-mailer-errors';
export type { OrderMailerErrorOptions } from './order-mailer-errors';

/** Charset SES declares for subject and bodies; the renderer produces Unicode text. */
const MESSAGE_CHARSET = 'UTF-8';

// The tag that carries the order number into SES event publishing; ses-events reads it back.
export { ORDER_NUMBER_TAG };

/** SES message tag values: ASCII letters, digits, `_ - . @`, at most 256 characters. */
const SES_TAG_VALUE = /^[A-Za-z0-9_.@-]{1,256}$/;

/** SES error codes that mean "try the same request again later". */
const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'SlowDown',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalServerError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

/** Node socket errors: the request never reached SES or the answer was lost on the way. */
const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Collaborators and settings for {@link SesOrderMailer}. */
export interface SesOrderMailerOptions {
  /** SES v1 client, built in wiring (region, credentials, retries). */
  client: SESClient;
  /** SES configuration set that receives delivery, bounce and complaint events. */
  configurationSetName?: string;
  /** Renders the email; defaults to {@link renderOrderEmail}. */
  render?: typeof renderOrderEmail;
}

/**
 * Sends 発注依頼 emails through Amazon SES (v1 `SendEmail`): one recipient (the supplier), sent
 * from and replying to the ordering company's address, with the order number as a message tag.
 *
 * Failures are thrown as {@link OrderMailerError} with `retryable` set (throttling, SES 5xx and
 * network errors are retryable; rejected or invalid messages are not) and the SDK error as
 * `cause`. A supplier without a valid address throws {@link InvalidRecipientError} before SES
 * is called.
 *
 * @example
 * ```ts
 * const mailer = new SesOrderMailer({
 *   client: new SESClient({ region: 'ap-northeast-1' }),
 *   configurationSetName: 'stock-alert-bridge',
 * });
 * const { messageId } = await mailer.sendOrderRequest(request);
 * ```
 */
export class SesOrderMailer implements OrderMailer {
  readonly #client: SESClient;
  readonly #configurationSetName: string | undefined;
  readonly #render: typeof renderOrderEmail;

  constructor(options: SesOrderMailerOptions) {
    this.#client = options.client;
    this.#configurationSetName = options.configurationSetName;
    this.#render = options.render ?? renderOrderEmail;
  }

  async sendOrderRequest(request: OrderRequest): Promise<SentMail> {
    const input = this.#buildInput(request);
    let messageId: string | undefined;
    try {
      ({ MessageId: messageId } = await this.#client.send(new SendEmailCommand(input)));
    } catch (error) {
      throw toOrderMailerError(error, request.orderNumber);
    }
    if (messageId === undefined || messageId === '') {
      // SES always returns an id for an accepted message; without one we cannot prove it was sent.
      throw new OrderMailerError(
        `SES answered without a MessageId for order ${request.orderNumber}; check the SES endpoint.`,
        { retryable: false },
      );
    }
    return { messageId };
  }

  /** Render failures (e.g. a malformed date) become non-retryable: the same data fails again. */
  #renderOrThrow(request: OrderRequest): RenderedOrderEmail {
    try {
      return this.#render(request);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new OrderMailerError(
        `Order ${request.orderNumber} could not be rendered, so it was not sent: ${reason}`,
        { retryable: false, code: 'RenderFailed', cause: error },
      );
    }
  }

  #buildInput(request: OrderRequest): SendEmailCommandInput {
    const recipient = headerSafe(request.supplier.email ?? '');
    const supplierName = headerSafe(request.supplier.name);
    if (recipient === '') {
      throw new InvalidRecipientError(
        `Supplier "${supplierName}" has no email address, so order ${request.orderNumber} was not sent. ` +
          'Enter the supplier’s email in kintone or send the order by fax.',
      );
    }
    if (!isPlausibleEmailAddress(recipient)) {
      throw new InvalidRecipientError(
        `Supplier "${supplierName}" has an invalid email address ${JSON.stringify(recipient)}, ` +
          `so order ${request.orderNumber} was not sent. Enter exactly one address ` +
          '(like order@example.co.jp) in kintone.',
      );
    }
    const sender = headerSafe(request.company.email);
    if (!isPlausibleEmailAddress(sender)) {
      throw new OrderMailerError(
        `The ordering company's email ${JSON.stringify(sender)} is not a valid address, so order ` +
          `${request.orderNumber} was not sent. Fix the company email in the configuration.`,
        { retryable: false, code: 'InvalidSender' },
      );
    }

    const email = this.#renderOrThrow(request);
    const orderNumberTag = headerSafe(request.orderNumber);
    return {
      Source: formatMailbox(request.company.name, sender),
      Destination: { ToAddresses: [recipient] },
      ReplyToAddresses: [sender],
      Message: {
        // The subject is re-sanitised because `render` may be replaced by the caller.
        Subject: { Data: headerSafe(email.subject), Charset: MESSAGE_CHARSET },
        Body: {
          Text: { Data: email.text, Charset: MESSAGE_CHARSET },
          Html: { Data: email.html, Charset: MESSAGE_CHARSET },
        },
      },
      // A tag SES would reject must not block the order, so an unusual number goes untagged.
      ...(SES_TAG_VALUE.test(orderNumberTag)
        ? { Tags: [{ Name: ORDER_NUMBER_TAG, Value: orderNumberTag }] }
        : {}),
      ...(this.#configurationSetName !== undefined
        ? { ConfigurationSetName: this.#configurationSetName }
        : {}),
    };
  }
}

/**
 * Decides whether an error thrown by the SES client is worth retrying with the same request:
 * throttling, SES 5xx, request timeouts and network errors are; everything else (rejected
 * message, unverified address, validation, paused account) is not.
 *
 * @example
 * ```ts
 * isRetryableSesError(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' })); // true
 * ```
 */
export function isRetryableSesError(error: unknown): boolean {
  const { code, statusCode, networkCode, fault, sdkRetryable, attempted } = describeError(error);
  if (code !== undefined && RETRYABLE_CODES.has(code)) return true;
  if (sdkRetryable || fault === 'server') return true;
  if (statusCode !== undefined) return statusCode === 429 || statusCode >= 500;
  if (networkCode !== undefined && RETRYABLE_NETWORK_CODES.has(networkCode)) return true;
  // The SDK put request metadata on the error but SES never answered: the request was lost in
  // transport. (The SDK can also re-wrap socket errors and drop their `code`, e.g. when they
  // come from another realm, so the metadata is the reliable sign.)
  return attempted;
}

function toOrderMailerError(error: unknown, orderNumber: string): OrderMailerError {
  const { code, statusCode, message } = describeError(error);
  const retryable = isRetryableSesError(error);
  const what = [code, statusCode === undefined ? undefined : `HTTP ${statusCode}`]
    .filter((part) => part !== undefined)
    .join(', ');
  const next = retryable
    ? 'Retry later with the same order.'
    : 'Not retryable: fix the message or the SES setup (verified sender, configuration set) first.';
  return new OrderMailerError(
    `SES did not send order ${orderNumber}${what === '' ? '' : ` (${what})`}: ${message} ${next}`,
    {
      retryable,
      cause: error,
      ...(code !== undefined ? { code } : {}),
      ...(statusCode !== undefined ? { statusCode } : {}),
    },
  );
}

interface ErrorFacts {
  code: string | undefined;
  statusCode: number | undefined;
  networkCode: string | undefined;
  fault: string | undefined;
  sdkRetryable: boolean;
  /** The SDK sent (or tried to send) the request: it attached `$metadata`. */
  attempted: boolean;
  message: string;
}

/**
 * Reads the fields the AWS SDK and Node put on errors without trusting their presence. Duck
 * typing rather than `instanceof Error`, because socket errors may come from another realm.
 */
function describeError(error: unknown): ErrorFacts {
  if (typeof error !== 'object' || error === null) {
    return {
      code: undefined,
      statusCode: undefined,
      networkCode: undefined,
      fault: undefined,
      sdkRetryable: false,
      attempted: false,
      message: String(error),
    };
  }
  const name = stringField(error, 'name');
  const metadata: unknown = Reflect.get(error, '$metadata');
  const hasMetadata = typeof metadata === 'object' && metadata !== null;
  const status: unknown = hasMetadata ? Reflect.get(metadata, 'httpStatusCode') : undefined;
  return {
    // A bare `Error` name says nothing; otherwise the SDK names the error after the SES code.
    code: name !== undefined && name !== '' && name !== 'Error' ? name : undefined,
    statusCode: typeof status === 'number' ? status : undefined,
    networkCode: stringField(error, 'code'),
    fault: stringField(error, '$fault'),
    sdkRetryable: Boolean(Reflect.get(error, '$retryable')),
    attempted: hasMetadata,
    message: stringField(error, 'message') ?? String(error),
  };
}

function stringField(object: object, key: string): string | undefined {
  const value: unknown = Reflect.get(object, key);
  return typeof value === 'string' ? value : undefined;
}
