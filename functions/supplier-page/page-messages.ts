import type { PageLang } from '../../shared/documents/page-text';

/**
 * Texts of the refusals only this function gives (the order page's own texts live in
 * shared/documents/page-text.ts). Each says what to do next.
 */
export interface RefusalText {
  /** The form's nonce was used or has expired: the form is shown again to send once more. */
  formExpired: string;
  tooManyTitle: string;
  tooManyMessage: string;
  tooLargeTitle: string;
  tooLargeMessage: string;
  notAFormTitle: string;
  notAFormMessage: string;
}

const JA: RefusalText = {
  formExpired:
    'ページの有効期限が切れました。お手数ですが、内容をご確認のうえ、もう一度送信してください。',
  tooManyTitle: '送信回数が上限に達しました',
  tooManyMessage:
    'この発注への送信が短時間に多すぎます。1時間ほどしてから、もう一度お試しください。',
  tooLargeTitle: '送信内容が大きすぎます',
  tooLargeMessage: '備考や理由を短くして、もう一度送信してください。',
  notAFormTitle: '送信できませんでした',
  notAFormMessage: '発注のご確認ページを開き、ページ内のフォームから送信してください。',
};

const EN: RefusalText = {
  formExpired: 'This page has expired. Please check your answer and send it again.',
  tooManyTitle: 'Too many answers sent',
  tooManyMessage:
    'Too many answers were sent for this order in a short time. Please try again in about an hour.',
  tooLargeTitle: 'Your answer is too long',
  tooLargeMessage: 'Please shorten the note or the reason and send it again.',
  notAFormTitle: 'Your answer could not be sent',
  notAFormMessage: 'Please open the order page and send your answer with its form.',
};

/** The refusal texts in `lang`. */
export function refusalText(lang: PageLang): RefusalText {
  return lang === 'en' ? EN : JA;
}
