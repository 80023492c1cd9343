import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { FaxNumberReader } from '../domain/channels';

/** A fax number that libphonenumber accepts as a valid number. */
export interface ValidFaxNumber {
  ok: true;
  /** E.164 form, e.g. `+81312345678`: what Phaxio and the {@link FaxGateway} port take. */
  e164: string;
  /** National digits with the trunk prefix, e.g. `0312345678`: what Japanese email-to-fax wants. */
  national: string;
}

/** A value that is not a usable fax number, with a reason an operator can act on. */
export interface InvalidFaxNumber {
  ok: false;
  /** Japanese, for the kintone record: says what is wrong and quotes the value. */
  reason: string;
}

/** Result of {@link normalizeFaxNumber}. */
export type FaxNumberResult = ValidFaxNumber | InvalidFaxNumber;

/**
 * What kintone users type between the digits: ASCII and Japanese hyphens and dashes (including
 * the long-vowel mark ー, a common slip for a hyphen), dots, slashes, spaces and parentheses.
 */
const SEPARATORS = /[\s\-\u2010-\u2015\u2212\u30fc\uff70./()]/g;

/** After NFKC and separator removal a number holds digits and at most one leading `+`. */
const DIGITS_ONLY = /^\+?\d+$/;

/** Quoted values in reasons are cut to this, so a pasted paragraph does not flood the record. */
const MAX_QUOTED_LENGTH = 40;

/**
 * Checks and normalises a fax number as entered in kintone. Full-width digits, hyphens and
 * spaces are accepted (NFKC turns `０３－１２３４－５６７８` into ASCII), national numbers are
 * read in `defaultRegion`, and numbers with a country code (`+81 3-1234-5678`) in their own
 * region. Mobile numbers are accepted too: a few suppliers receive faxes on them through
 * services, and rejecting a valid number would block the order for no good reason.
 *
 * Anything else in the value (letters, `内線`, a second number) makes it invalid rather than
 * guessed at: a fax sent to a misread number goes to a stranger.
 *
 * @example
 * ```ts
 * normalizeFaxNumber('03-1234-5678'); // { ok: true, e164: '+81312345678', national: '0312345678' }
 * normalizeFaxNumber('03-1234'); // { ok: false, reason: 'FAX番号が正しくありません ("03-1234")' }
 * ```
 */
export function normalizeFaxNumber(
  raw: string,
  defaultRegion: CountryCode = 'JP',
): FaxNumberResult {
  const normalized = raw.normalize('NFKC').trim();
  if (normalized === '') return { ok: false, reason: 'FAX番号が入力されていません' };

  const compact = normalized.replace(SEPARATORS, '');
  if (!DIGITS_ONLY.test(compact)) {
    return {
      ok: false,
      reason: `FAX番号に数字とハイフン以外の文字が含まれています (${quote(raw)})`,
    };
  }

  const phone = parsePhoneNumberFromString(compact, defaultRegion);
  if (phone === undefined || !phone.isValid()) {
    return { ok: false, reason: `FAX番号が正しくありません (${quote(raw)})` };
  }
  return {
    ok: true,
    e164: phone.number,
    // formatNational() adds the trunk prefix (0 in Japan) that nationalNumber leaves out.
    national: phone.formatNational().replace(/\D/g, ''),
  };
}

function quote(raw: string): string {
  // Control characters would break the single-line kintone field the reason is written to.
  const clean = raw.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').trim();
  const cut = clean.length > MAX_QUOTED_LENGTH ? `${clean.slice(0, MAX_QUOTED_LENGTH)}…` : clean;
  return JSON.stringify(cut);
}

/**
 * The domain's fax number reader for a region (`fax.region` of the configuration): numbers
 * without a country code are read as that region's.
 */
export function faxNumberReader(region: string): FaxNumberReader {
  return (raw) => normalizeFaxNumber(raw, region as CountryCode);
}
