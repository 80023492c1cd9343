import { z } from 'zod';

/**
 * One email as aws-ses-v2-local 2.10 stores it (`GET /store`). Values are stored as sent: the
 * subject and bodies arrive already decoded (SES API parameters are Unicode), while `from`
 * keeps any RFC 2047 encoded-words of the display name (see {@link decodeMimeWords}).
 */
const storedEmailSchema = z.object({
  messageId: z.string(),
  from: z.string(),
  replyTo: z.array(z.string()),
  destination: z.object({
    to: z.array(z.string()),
    cc: z.array(z.string()),
    bcc: z.array(z.string()),
  }),
  subject: z.string(),
  body: z.object({ text: z.string().optional(), html: z.string().optional() }),
  attachments: z.array(
    z.object({
      content: z.string(),
      contentType: z.string(),
      filename: z.string().optional(),
      size: z.number(),
    }),
  ),
  headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  /** Epoch seconds at which the emulator received the email. */
  at: z.number(),
});

const storedTemplateSchema = z.object({
  TemplateName: z.string(),
  TemplateContent: z.object({
    Subject: z.string().optional(),
    Text: z.string().optional(),
    Html: z.string().optional(),
  }),
  CreatedTimestamp: z.number(),
});

const sesStoreSchema = z.object({
  templates: z.record(z.string(), storedTemplateSchema),
  emails: z.array(storedEmailSchema),
});

/** An email received by aws-ses-v2-local. */
export type StoredEmail = z.infer<typeof storedEmailSchema>;
/** An SES v2 email template held by aws-ses-v2-local. */
export type StoredTemplate = z.infer<typeof storedTemplateSchema>;
/** The whole `GET /store` answer of aws-ses-v2-local. */
export type SesStore = z.infer<typeof sesStoreSchema>;

/**
 * Checks a parsed `GET /store` body against the shape aws-ses-v2-local 2.10 returns.
 *
 * @throws Error naming the first mismatch, e.g. after an emulator upgrade changed the format.
 */
export function parseSesStore(body: unknown): SesStore {
  const result = sesStoreSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where =
      issue === undefined ? '' : ` at ${issue.path.join('.') || '(root)'}: ${issue.message}`;
    throw new Error(
      `aws-ses-v2-local /store answered in an unexpected shape${where}. ` +
        'Check that aws-ses-v2-local is version 2.10.x.',
    );
  }
  return result.data;
}

/**
 * Reads the emails (and templates) aws-ses-v2-local has received.
 *
 * @param storeUrl - the emulator's `/store` URL, e.g. `http://127.0.0.1:8005/store`.
 * @param options.since - only emails received at or after this epoch second.
 *
 * @example
 * ```ts
 * const { emails } = await fetchSesStore('http://127.0.0.1:8005/store');
 * ```
 */
export async function fetchSesStore(
  storeUrl: string,
  options: { since?: number } = {},
): Promise<SesStore> {
  const url = new URL(storeUrl);
  if (options.since !== undefined) url.searchParams.set('since', String(options.since));
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(
      `GET ${url.href} answered HTTP ${response.status}; is aws-ses-v2-local running there?`,
    );
  }
  const body: unknown = await response.json();
  return parseSesStore(body);
}

/** `=?charset?B|Q?text?=`; only UTF-8 (what our mailer writes) and US-ASCII are decoded. */
const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;
/** Adjacent encoded-words; the whitespace between them is folding, not content (RFC 2047 6.2). */
const ENCODED_WORD_RUN = /=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=(?:\s+=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)*/g;
const DECODABLE_CHARSET = /^(utf-8|us-ascii)$/i;

/**
 * Decodes the RFC 2047 encoded-words in a header value, such as the `from` of a
 * {@link StoredEmail}, so tests and the local inbox can show the sender's Japanese name.
 * A run of words is decoded as one byte sequence, because encoders may split a character across
 * words. Runs containing charsets other than UTF-8 / US-ASCII are left as they are.
 *
 * @example
 * ```ts
 * decodeMimeWords('=?UTF-8?B?5qCq5byP5Lya56S+?= <order@example.co.jp>'); // '株式会社 <order@example.co.jp>'
 * ```
 */
export function decodeMimeWords(value: string): string {
  return value.replace(ENCODED_WORD_RUN, (run) => {
    const parts: Buffer[] = [];
    for (const [, charset = '', encoding = '', text = ''] of run.matchAll(ENCODED_WORD)) {
      if (!DECODABLE_CHARSET.test(charset)) return run;
      parts.push(encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQ(text));
    }
    return Buffer.concat(parts).toString('utf8');
  });
}

/** RFC 2047 `Q` encoding: `_` is a space, `=XX` a byte, everything else itself. */
function decodeQ(text: string): Buffer {
  const latin1 = text
    .replace(/_/g, ' ')
    .replace(/=([0-9A-Fa-f]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(latin1, 'latin1');
}
