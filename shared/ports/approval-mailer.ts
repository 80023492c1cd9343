import type { SentMail } from './order-mailer';

/** A mail to the approver of an order: the request for approval, or its reminder. */
export interface ApprovalMail {
  kind: 'request' | 'reminder';
  to: string;
  from: { name: string; email: string };
  orderNumber: string;
  supplierName: string;
  /** What is ordered, one line per item, as text. */
  lines: string[];
  /** 合計 (税込) as text, when the lines have prices. */
  total?: string;
  /** Why the order needs approval. */
  reason: string;
  /** The signed one-click page; absent when approval is given in the order app. */
  link?: string;
  /** The order's record in the order app, when there is one. */
  recordUrl?: string;
}

/** Sends mails to the approver (SES in AWS). Throws on failure; the caller retries. */
export interface ApprovalMailer {
  sendApprovalMail(mail: ApprovalMail): Promise<SentMail>;
}

/** Signs the approver's one-click link to an order (see `edge/approval-link`). */
export interface ApprovalLinkSigner {
  /** The full URL of the order's approval page, valid from `now`. */
  sign(orderNumber: string, now: Date): Promise<string>;
}
