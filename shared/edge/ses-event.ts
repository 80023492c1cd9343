/**
 * SES event publishing records (configuration set → SNS topic → Lambda), read leniently: SES
 * adds fields over time, and only a few are needed. Format:
 * https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html
 *
 * @module
 */
import * as z from 'zod/mini';
import './zod-mini-messages';
import { describeIssues } from '../config/load-config';
import type { DeliveryStatus } from '../domain/purchase-order';

/** Message tag the SES mailer puts on every order email, and SES events carry back. */
export const ORDER_NUMBER_TAG = 'orderNumber';

/** Longest delivery detail kept: SMTP diagnostics can be long, kintone comments should not be. */
export const MAX_DELIVERY_DETAIL_LENGTH = 500;

const text = z.optional(z.string());

const recipientSchema = z.object({
  emailAddress: z.string(),
  diagnosticCode: text,
  status: text,
});

const sesEventSchema = z.object({
  // Event publishing says eventType; identity feedback notifications say notificationType.
  eventType: text,
  notificationType: text,
  mail: z.object({
    messageId: text,
    timestamp: text,
    destination: z.optional(z.array(z.string())),
    tags: z.optional(z.record(z.string(), z.array(z.string()))),
  }),
  bounce: z.optional(
    z.object({
      bounceType: text,
      bounceSubType: text,
      bouncedRecipients: z.optional(z.array(recipientSchema)),
      timestamp: text,
    }),
  ),
  complaint: z.optional(
    z.object({
      complainedRecipients: z.optional(z.array(recipientSchema)),
      complaintFeedbackType: text,
      complaintSubType: z.nullish(z.string()),
      timestamp: text,
    }),
  ),
  delivery: z.optional(
    z.object({
      recipients: z.optional(z.array(z.string())),
      smtpResponse: text,
      timestamp: text,
    }),
  ),
  reject: z.optional(z.object({ reason: text })),
});

type SesEvent = z.infer<typeof sesEventSchema>;

/** What an SES event says about one order email. */
export interface DeliveryReport {
  /** From the `orderNumber` message tag; undefined when the email carried none. */
  orderNumber: string | undefined;
  /** SES message id of the email. */
  messageId: string | undefined;
  eventType: string;
  status: DeliveryStatus;
  /** When it happened, by SES's clock (ISO 8601); undefined if SES gave no time. */
  at: string | undefined;
  /** Why, in SES's and the receiving server's words (bounce type, SMTP response, ...). */
  reason: string;
  /** The recipients concerned. */
  recipients: string[];
}

/** The result of reading one SNS message. */
export type ParsedSesEvent =
  | { kind: 'report'; report: DeliveryReport }
  /** A valid event of a type that says nothing about delivery (Send, Open, DeliveryDelay...). */
  | { kind: 'ignored'; eventType: string; orderNumber: string | undefined }
  /** Not an SES event at all; retrying will not change that. */
  | { kind: 'invalid'; problem: string };

/**
 * Reads the `Message` of an SNS record carrying an SES event.
 *
 * @example
 * const parsed = parseSesEvent(record.Sns.Message);
 * if (parsed.kind === 'report') console.log(parsed.report.status); // 'bounced'
 */
export function parseSesEvent(message: string): ParsedSesEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(message);
  } catch {
    return { kind: 'invalid', problem: 'the SNS message is not JSON' };
  }
  const parsed = sesEventSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      kind: 'invalid',
      problem: `the SNS message is not an SES event:\n${describeIssues(parsed.error.issues)}`,
    };
  }
  const event = parsed.data;
  const eventType = event.eventType ?? event.notificationType;
  if (eventType === undefined) {
    return { kind: 'invalid', problem: 'the SES event has neither eventType nor notificationType' };
  }
  const orderNumber = event.mail.tags?.[ORDER_NUMBER_TAG]?.[0];
  const report = toReport(event, eventType, orderNumber);
  return report ? { kind: 'report', report } : { kind: 'ignored', eventType, orderNumber };
}

function toReport(
  event: SesEvent,
  eventType: string,
  orderNumber: string | undefined,
): DeliveryReport | undefined {
  const base = { orderNumber, messageId: event.mail.messageId, eventType };
  const destination = event.mail.destination ?? [];
  switch (eventType) {
    case 'Delivery':
      return {
        ...base,
        status: 'delivered',
        at: event.delivery?.timestamp ?? event.mail.timestamp,
        reason: event.delivery?.smtpResponse ?? '',
        recipients: event.delivery?.recipients ?? destination,
      };
    case 'Bounce': {
      const bounce = event.bounce;
      const recipients = bounce?.bouncedRecipients ?? [];
      const type = [bounce?.bounceType, bounce?.bounceSubType].filter(Boolean).join('/');
      const diagnostics = recipients.flatMap((r) => (r.diagnosticCode ? [r.diagnosticCode] : []));
      return {
        ...base,
        status: 'bounced',
        at: bounce?.timestamp ?? event.mail.timestamp,
        reason: [type || 'Bounce', ...diagnostics].join(': '),
        recipients: recipients.length > 0 ? recipients.map((r) => r.emailAddress) : destination,
      };
    }
    case 'Complaint': {
      const complaint = event.complaint;
      const recipients = complaint?.complainedRecipients ?? [];
      return {
        ...base,
        status: 'complained',
        at: complaint?.timestamp ?? event.mail.timestamp,
        reason: complaint?.complaintFeedbackType ?? complaint?.complaintSubType ?? 'Complaint',
        recipients: recipients.length > 0 ? recipients.map((r) => r.emailAddress) : destination,
      };
    }
    case 'Reject':
      return {
        ...base,
        status: 'rejected',
        at: event.mail.timestamp,
        reason: event.reject?.reason ?? 'Reject',
        recipients: destination,
      };
    default:
      return undefined;
  }
}

/**
 * The one-line description stored with the status: the reason and the recipients, shortened
 * to {@link MAX_DELIVERY_DETAIL_LENGTH} characters.
 *
 * @example
 * deliveryDetail(report); // 'Permanent/General: smtp; 550 5.1.1 user unknown (order@example.jp)'
 */
export function deliveryDetail(report: DeliveryReport): string {
  const who = report.recipients.length > 0 ? ` (${report.recipients.join(', ')})` : '';
  const text = `${report.reason}${who}`.replace(/\s+/g, ' ').trim();
  return text.length > MAX_DELIVERY_DETAIL_LENGTH
    ? `${text.slice(0, MAX_DELIVERY_DETAIL_LENGTH - 1)}…`
    : text;
}
