import { SendRawEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import MailComposer from 'nodemailer/lib/mail-composer';
import { ORDER_NUMBER_TAG } from '../../edge/ses-event';
import { headerSafe } from '../../edge/header-safe';
import { isPlausibleEmailAddress } from '../../edge/mailbox';
import { normalizeFaxNumber } from '../../edge/fax-number';
import type { FaxGateway, OutgoingFax, SentFax } from '../../ports/fax-gateway';
import { isRetryableSesError } from '../ses/ses-order-mailer';
import { FaxGatewayError } from './fax-gateway-errors';
import { encodeIso2022Jp, encodeIso2022JpHeader } from './iso-2022-jp';

export { FaxGatewayError } from './fax-gateway-errors';

/** SES SendRawEmail accepts messages up to 10 MB (after Base64 of the PDF). */
const MAX_RAW_MESSAGE_BYTES = 10 * 1024 * 1024;

/** SES message tag values: ASCII letters, digits, `_ - . @`, at most 256 characters. */
const SES_TAG_VALUE = /^[A-Za-z0-9_.@-]{1,256}$/;

/** A gateway domain is a plain DNS name; anything else could smuggle text into the To header. */
const DOMAIN_NAME =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** The mailbox local part is built from these only: digits, and `+` for the E.164 form. */
const FAX_LOCAL_PART = /^\+?\d{6,15}$/;

/** Collaborators and settings for {@link EmailToFaxGateway}. */
export interface EmailToFaxGatewayOptions {
  /** SES v1 client, built in wiring (region, credentials, retries). */
  client: SESClient;
  /** Sender address (the ordering company's), registered with the fax service and SES-verified. */
  from: string;
  /** Display name for From, e.g. the company name; encoded by nodemailer. */
  fromName?: string;
  /** The service's domain: faxes go to `NUMBER@gatewayDomain`, e.g. `fax.example.jp`. */
  gatewayDomain: string;
  /**
   * How the number is written before the `@`: `national` digits with the trunk prefix
   * (`0312345678`, what Japanese services expect) or `e164` (`+81312345678`).
   */
  numberFormat: 'national' | 'e164';
  /** Charset of the text part and subject; some Japanese gateways accept only ISO-2022-JP. */
  textCharset: 'utf-8' | 'iso-2022-jp';
  /** Body text (many services print it as a cover page); defaults to a one-line note. */
  coverText?: string;
  /** Subject; defaults to `発注書 {orderNumber}`. Some services read it as the fax header line. */
  subject?: string;
  /** SES configuration set that receives delivery, bounce and complaint events. */
  configurationSetName?: string;
  /** Country whose national format `national` numbers use; only its numbers can be sent. */
  region?: CountryCode;
  /** Clock for the Date header; defaults to the system clock. */
  now?: () => Date;
}

/**
 * Sends faxes through an email-to-fax service, as Japanese services work: one email to
 * `NUMBER@gateway-domain` with the PDF attached and a short text part, sent as raw MIME with
 * SES `SendRawEmail`. The MIME is built by nodemailer's MailComposer; with `textCharset:
 * 'iso-2022-jp'` the text part is `text/plain; charset=ISO-2022-JP` in 7bit JIS and the
 * subject is ISO-2022-JP encoded-words.
 *
 * Header safety: the recipient's local part is rebuilt from the validated number's digits,
 * the gateway domain and sender are validated, and the subject and file name go through
 * `headerSafe`, so no value can add a header line.
 *
 * Returns the SES MessageId as `faxId`; delivery (or the service's failure report) arrives by
 * email, not through this interface. Failures throw {@link FaxGatewayError}, retryable for
 * throttling, SES 5xx and network errors, as for the SES order mailer.
 *
 * @example
 * ```ts
 * const gateway = new EmailToFaxGateway({
 *   client: new SESClient({ region: 'ap-northeast-1' }),
 *   from: 'purchasing@stock-shoji.example.jp',
 *   gatewayDomain: 'fax.example.jp',
 *   numberFormat: 'national',
 *   textCharset: 'iso-2022-jp',
 * });
 * await gateway.sendFax({ to: '+81312345678', pdf, fileName: 'PO-1.pdf', orderNumber: 'PO-1' });
 * // To: 0312345678@fax.example.jp
 * ```
 */
export class EmailToFaxGateway implements FaxGateway {
  readonly #options: EmailToFaxGatewayOptions;
  readonly #from: string;
  readonly #domain: string;

  constructor(options: EmailToFaxGatewayOptions) {
    const from = headerSafe(options.from);
    if (!isPlausibleEmailAddress(from)) {
      throw new TypeError(
        `Email-to-fax sender ${JSON.stringify(from)} is not one valid address; fix the company email.`,
      );
    }
    const domain = options.gatewayDomain.trim().toLowerCase();
    if (!DOMAIN_NAME.test(domain)) {
      throw new TypeError(
        `Email-to-fax gatewayDomain ${JSON.stringify(domain)} is not a domain name like fax.example.jp.`,
      );
    }
    this.#options = options;
    this.#from = from;
    this.#domain = domain;
  }

  async sendFax(fax: OutgoingFax): Promise<SentFax> {
    const recipient = `${this.#localPart(fax)}@${this.#domain}`;
    const raw = await this.#compose(fax, recipient);
    if (raw.length > MAX_RAW_MESSAGE_BYTES) {
      throw new FaxGatewayError(
        `Order ${fax.orderNumber} was not faxed: the email would be ${raw.length} bytes, over ` +
          `SES's ${MAX_RAW_MESSAGE_BYTES}. Make the PDF smaller.`,
        { retryable: false, code: 'MessageTooLarge' },
      );
    }

    const orderTag = headerSafe(fax.orderNumber);
    let messageId: string | undefined;
    try {
      ({ MessageId: messageId } = await this.#options.client.send(
        new SendRawEmailCommand({
          RawMessage: { Data: raw },
          Destinations: [recipient],
          ...(SES_TAG_VALUE.test(orderTag)
            ? { Tags: [{ Name: ORDER_NUMBER_TAG, Value: orderTag }] }
            : {}),
          ...(this.#options.configurationSetName !== undefined
            ? { ConfigurationSetName: this.#options.configurationSetName }
            : {}),
        }),
      ));
    } catch (error) {
      throw toFaxGatewayError(error, fax.orderNumber);
    }
    if (messageId === undefined || messageId === '') {
      throw new FaxGatewayError(
        `SES answered without a MessageId for fax order ${fax.orderNumber}; check the SES endpoint.`,
        { retryable: false, code: 'MissingMessageId' },
      );
    }
    return { faxId: messageId, gateway: 'email-to-fax' };
  }

  /** Digits only (plus `+` for E.164), re-derived from the parsed number, never copied from input. */
  #localPart(fax: OutgoingFax): string {
    const region = this.#options.region ?? 'JP';
    const number = normalizeFaxNumber(fax.to, region);
    const invalid = (why: string): FaxGatewayError =>
      new FaxGatewayError(`Order ${fax.orderNumber} was not faxed: ${why}`, {
        retryable: false,
        code: 'InvalidNumber',
      });
    if (!number.ok) throw invalid(number.reason);
    if (this.#options.numberFormat === 'national' && !isInRegion(number.e164, region)) {
      throw invalid(
        `${number.e164} is outside ${region}, and this gateway is configured for national numbers.`,
      );
    }
    const local = this.#options.numberFormat === 'national' ? number.national : number.e164;
    if (!FAX_LOCAL_PART.test(local)) throw invalid(`${JSON.stringify(local)} is not a fax number.`);
    return local;
  }

  async #compose(fax: OutgoingFax, recipient: string): Promise<Buffer> {
    const orderNumber = headerSafe(fax.orderNumber);
    const subject = headerSafe(this.#options.subject ?? `発注書 ${orderNumber}`);
    const text =
      this.#options.coverText ?? `発注書（${orderNumber}）を添付のPDFにてお送りいたします。\n`;
    const fileName = headerSafe(fax.fileName) || `${orderNumber || 'order'}.pdf`;
    const iso2022jp = this.#options.textCharset === 'iso-2022-jp';

    const composer = new MailComposer({
      from: { name: headerSafe(this.#options.fromName ?? ''), address: this.#from },
      to: recipient,
      date: (this.#options.now ?? (() => new Date()))(),
      ...(iso2022jp
        ? {
            // Prepared: nodemailer would re-encode the value as UTF-8 encoded-words.
            headers: {
              Subject: { prepared: true, foldLines: true, value: encodeIso2022JpHeader(subject) },
            },
            // MailComposer labels `text` UTF-8 and re-encodes Buffers as quoted-printable, so
            // the JIS part is handed over raw: two fixed headers and 7-bit bytes.
            alternatives: [
              {
                raw: Buffer.concat([
                  Buffer.from(
                    'Content-Type: text/plain; charset=ISO-2022-JP\r\n' +
                      'Content-Transfer-Encoding: 7bit\r\n\r\n',
                    'ascii',
                  ),
                  encodeIso2022Jp(text),
                ]),
              },
            ],
          }
        : { subject, text }),
      attachments: [{ filename: fileName, content: fax.pdf, contentType: 'application/pdf' }],
    });
    try {
      return await composer.compile().build();
    } catch (error) {
      throw new FaxGatewayError(
        `The fax email for order ${fax.orderNumber} could not be built: ${String(error)}`,
        { retryable: false, code: 'ComposeFailed', cause: error },
      );
    }
  }
}

function isInRegion(e164: string, region: CountryCode): boolean {
  return parsePhoneNumberFromString(e164)?.country === region;
}

function toFaxGatewayError(error: unknown, orderNumber: string): FaxGatewayError {
  const retryable = isRetryableSesError(error);
  // Duck typing, as in the SES order mailer: SDK and socket errors may come from another realm.
  const name = field(error, 'name');
  const code = name !== undefined && name !== '' && name !== 'Error' ? name : undefined;
  const metadata: unknown =
    typeof error === 'object' && error !== null ? Reflect.get(error, '$metadata') : undefined;
  const status: unknown =
    typeof metadata === 'object' && metadata !== null
      ? Reflect.get(metadata, 'httpStatusCode')
      : undefined;
  const message = field(error, 'message') ?? String(error);
  const next = retryable
    ? 'Retry later with the same order.'
    : 'Not retryable: fix the SES setup (verified sender, configuration set) first.';
  return new FaxGatewayError(
    `SES did not send the fax email for order ${orderNumber}${code ? ` (${code})` : ''}: ${message} ${next}`,
    {
      retryable,
      cause: error,
      ...(code !== undefined ? { code } : {}),
      ...(typeof status === 'number' ? { status } : {}),
    },
  );
}

function field(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const found: unknown = Reflect.get(value, key);
  return typeof found === 'string' ? found : undefined;
}
