/** What the approver's email says (the `ApprovalMail` of ports/approval-mailer). */
export interface ApprovalEmailContent {
  kind: 'request' | 'reminder';
  orderNumber: string;
  supplierName: string;
  lines: readonly string[];
  total?: string;
  reason: string;
  link?: string;
  recordUrl?: string;
}

/** The approver's email: subject and plain text (short; the page or kintone shows the rest). */
export interface RenderedApprovalEmail {
  subject: string;
  text: string;
}

/**
 * The request for approval of an order, or its reminder: the order, what it orders, why it
 * needs approval, and where to decide (the one-click page, or the order app's record).
 */
export function renderApprovalEmail(mail: ApprovalEmailContent): RenderedApprovalEmail {
  const reminder = mail.kind === 'reminder';
  const subject = `${reminder ? '【再送・承認のお願い】' : '【承認のお願い】'}発注書 ${mail.orderNumber} (${mail.supplierName} 様)`;
  const text = [
    reminder
      ? `発注書 ${mail.orderNumber} がまだ承認されていません。ご確認をお願いします。`
      : `発注書 ${mail.orderNumber} の承認をお願いします。承認されるまで仕入先へは送信しません。`,
    '',
    `仕入先: ${mail.supplierName} 様`,
    ...mail.lines.map((line) => `・${line}`),
    ...(mail.total !== undefined ? [`合計 (税込): ${mail.total}`] : []),
    `承認が必要な理由: ${mail.reason}`,
    '',
    ...(mail.link !== undefined
      ? ['次のページで承認または差し戻しができます:', mail.link]
      : mail.recordUrl !== undefined
        ? ['kintone の発注管理アプリで承認してください:', mail.recordUrl]
        : ['kintone の発注管理アプリで承認してください。']),
  ].join('\n');
  return { subject, text };
}
