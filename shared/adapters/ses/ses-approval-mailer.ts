import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { renderApprovalEmail } from '../../documents/approval-email';
import { headerSafe } from '../../edge/header-safe';
import { formatMailbox } from '../../edge/mailbox';
import type { ApprovalMail, ApprovalMailer } from '../../ports/approval-mailer';
import type { SentMail } from '../../ports/order-mailer';

/** Options of {@link SesApprovalMailer}. */
export interface SesApprovalMailerOptions {
  client: SESClient;
  configurationSetName?: string;
}

/** Sends the approver's mails through SES (plain text, UTF-8). */
export class SesApprovalMailer implements ApprovalMailer {
  constructor(private readonly options: SesApprovalMailerOptions) {}

  async sendApprovalMail(mail: ApprovalMail): Promise<SentMail> {
    const email = renderApprovalEmail(mail);
    const { MessageId } = await this.options.client.send(
      new SendEmailCommand({
        Source: formatMailbox(mail.from.name, headerSafe(mail.from.email)),
        Destination: { ToAddresses: [headerSafe(mail.to)] },
        Message: {
          Subject: { Data: headerSafe(email.subject), Charset: 'UTF-8' },
          Body: { Text: { Data: email.text, Charset: 'UTF-8' } },
        },
        ...(this.options.configurationSetName
          ? { ConfigurationSetName: this.options.configurationSetName }
          : {}),
      }),
    );
    if (!MessageId) throw new Error(`SES answered without a MessageId for ${mail.orderNumber}`);
    return { messageId: MessageId };
  }
}
