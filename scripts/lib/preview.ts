import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import MailComposer from 'nodemailer/lib/mail-composer';
import {
  ConfigError,
  describeIssues,
  findApp,
  loadConfigFile,
} from '../../shared/config/load-config';
import { buildOrderRequest } from '../../shared/use-cases/build-order-request';
import { evaluateReorder } from '../../shared/domain/evaluate-reorder';
import type { OrderRequest } from '../../shared/domain/order';
import { headerSafe } from '../../shared/edge/header-safe';
import { renderOrderEmail } from '../../shared/documents/order-email';
import {
  defaultFontPaths,
  OrderPdfFontError,
  renderOrderPdf,
  type OrderFormFontPaths,
} from '../../shared/documents/order-form-pdf';
import { isRecordNotification, notificationSchema } from '../../shared/kintone/notification';
import { mapRecord } from '../../shared/kintone/record-mapper';

/** Usage text, printed with every argument error. */
export const PREVIEW_USAGE = `Renders what a supplier would receive for one kintone webhook notification.

  npm run preview -- --record FILE.json --config FILE --as pdf|email --out PATH
                     [--order-number PO-...] [--now ISO-TIMESTAMP]

  --record        a kintone webhook notification (JSON, as kintone posts it)
  --config        the bridge configuration (e.g. config/demo.json)
  --as pdf        the fax order form (発注書) as PDF
  --as email      the 発注依頼 email: a MIME message (.eml), or only its HTML body when PATH ends in .html
  --order-number  defaults to <orderNumberPrefix>-PREVIEW
  --now           the time of the order (default: now); decides 発注日 and 納品希望日

Exit status: 0 written, 1 bad arguments or input, 2 no order would be placed for this record.`;

/** Exit status when the record would not lead to an order (nothing is written). */
export const EXIT_NO_ORDER = 2;
/** Exit status for unusable arguments, configuration or record file. */
export const EXIT_BAD_INPUT = 1;

/** What a preview run did: the caller prints `message` and exits with `exitCode`. */
export type PreviewResult =
  | {
      exitCode: 0;
      message: string;
      outPath: string;
      bytes: number;
      format: 'pdf' | 'eml' | 'html';
      request: OrderRequest;
    }
  | { exitCode: typeof EXIT_BAD_INPUT | typeof EXIT_NO_ORDER; message: string };

/** Collaborators a test may replace. */
export interface PreviewDeps {
  /** Fonts of the PDF; defaults to the npm package's files under the working directory. */
  fontPaths?: OrderFormFontPaths;
  /** The clock used when `--now` is not given. */
  now?: () => Date;
}

/** An argument or input problem; the message says what to fix. */
class PreviewInputError extends Error {
  override readonly name = 'PreviewInputError';

  /** @param showUsage true for argument mistakes, where the usage text helps. */
  constructor(
    message: string,
    readonly showUsage = false,
  ) {
    super(message);
  }
}

interface PreviewArgs {
  recordPath: string;
  configPath: string;
  as: 'pdf' | 'email';
  outPath: string;
  orderNumber?: string;
  now?: Date;
}

const PREVIEW_OPTIONS = {
  record: { type: 'string' },
  config: { type: 'string' },
  as: { type: 'string' },
  out: { type: 'string' },
  'order-number': { type: 'string' },
  now: { type: 'string' },
} as const;

function parsePreviewArgs(argv: readonly string[]): PreviewArgs {
  const values = parseOrThrow(argv);
  const { record: recordPath, config: configPath, as, out: outPath } = values;
  if (!recordPath || !configPath || !as || !outPath) {
    const missing = (['record', 'config', 'as', 'out'] as const).filter((name) => !values[name]);
    throw new PreviewInputError(`missing ${missing.map((name) => `--${name}`).join(', ')}`, true);
  }
  if (as !== 'pdf' && as !== 'email') {
    throw new PreviewInputError(`--as must be pdf or email, not "${as}"`, true);
  }
  let now: Date | undefined;
  if (values.now !== undefined) {
    now = new Date(values.now);
    if (Number.isNaN(now.getTime())) {
      throw new PreviewInputError(
        `--now "${values.now}" is not a timestamp such as 2026-11-28T02:15:00Z`,
        true,
      );
    }
  }
  return {
    recordPath,
    configPath,
    as,
    outPath,
    ...(values['order-number'] ? { orderNumber: values['order-number'] } : {}),
    ...(now ? { now } : {}),
  };
}

function parseOrThrow(argv: readonly string[]): {
  [K in keyof typeof PREVIEW_OPTIONS]?: string;
} {
  try {
    return parseArgs({ args: [...argv], options: PREVIEW_OPTIONS, strict: true }).values;
  } catch (error) {
    // parseArgs names the unknown or incomplete option; the usage shows the right ones.
    throw new PreviewInputError((error as Error).message, true);
  }
}

async function readNotification(recordPath: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(recordPath, 'utf8');
  } catch (error) {
    throw new PreviewInputError(`cannot read ${recordPath}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PreviewInputError(`${recordPath} is not JSON: ${(error as Error).message}`);
  }
}

type Built =
  { kind: 'order'; request: OrderRequest; reason: string } | { kind: 'no-order'; message: string };

/** The same steps as the dispatch function, with an empty alert state and no side effects. */
async function buildRequest(args: PreviewArgs, now: Date): Promise<Built> {
  const config = loadConfigFile(args.configPath);
  const parsed = notificationSchema.safeParse(await readNotification(args.recordPath));
  if (!parsed.success) {
    throw new PreviewInputError(
      `${args.recordPath} is not a kintone webhook notification:\n${describeIssues(parsed.error.issues)}`,
    );
  }
  const notification = parsed.data;
  if (!isRecordNotification(notification)) {
    throw new PreviewInputError(
      `${args.recordPath} is a ${notification.type} notification; only ADD_RECORD, UPDATE_RECORD ` +
        'and UPDATE_STATUS carry a record to order from.',
    );
  }
  const app = findApp(config, notification.app.id);
  if (app === undefined) {
    throw new PreviewInputError(
      `app ${notification.app.id} is not configured in ${args.configPath}; add it to "apps".`,
    );
  }
  // Mapping such a record as one item would report every row field as empty: each row is an
  // item there, and the rows due for one supplier make one order.
  if (app.subtable !== undefined) {
    throw new PreviewInputError(
      `app ${app.appId} keeps its items in the rows of the table "${app.subtable.field}" ` +
        '(subtable), which the preview does not evaluate; see its orders through the local stack ' +
        `instead: npm start, then npm run demo -- low --app ${app.appId}.`,
    );
  }
  const mapped = mapRecord(notification.record, app);
  const decision = evaluateReorder({
    mapped,
    // A preview shows what a first notification would do: no revision seen, no open order.
    state: {},
    notification: { id: notification.id, revision: Number(notification.record.$revision?.value) },
    policy: { closedStatuses: app.statuses.closed, timeZone: config.timeZone },
    now,
  });
  if (decision.kind !== 'order') {
    return {
      kind: 'no-order',
      message: `no order would be placed (${decision.kind}): ${decision.reason}`,
    };
  }
  const item = mapped.ok ? mapped.item : undefined;
  if (item === undefined) {
    // evaluateReorder never orders for an unmapped record; this keeps the types honest.
    throw new PreviewInputError('the record could not be mapped');
  }
  const orderNumber = args.orderNumber ?? `${config.orderNumberPrefix}-PREVIEW`;
  return {
    kind: 'order',
    request: buildOrderRequest(item, decision, orderNumber, config, now),
    reason: decision.reason,
  };
}

/**
 * The email as SES would carry it, built by nodemailer's MailComposer from the same rendering
 * the mailer sends: From the company, To the supplier, Reply-To the company.
 */
async function composeEml(request: OrderRequest): Promise<Buffer> {
  const email = renderOrderEmail(request);
  const supplierEmail = headerSafe(request.supplier.email ?? '');
  if (supplierEmail === '') {
    throw new PreviewInputError(
      `supplier "${headerSafe(request.supplier.name)}" has no email address, so no email would be ` +
        'sent; preview the fax with --as pdf.',
    );
  }
  const company = {
    name: headerSafe(request.company.name),
    address: headerSafe(request.company.email),
  };
  return new MailComposer({
    from: company,
    to: { name: headerSafe(request.supplier.name), address: supplierEmail },
    replyTo: company.address,
    subject: email.subject,
    text: email.text,
    html: email.html,
    // The order's own time, so two previews of the same order differ only in MIME boundaries.
    date: new Date(request.orderedAt),
  })
    .compile()
    .build();
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

/**
 * Number of pages of a pdfkit PDF: its page objects are written uncompressed, one
 * `/Type /Page` each.
 */
export function countPdfPages(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g)?.length ?? 0;
}

/**
 * `npm run preview`: renders the fax order form or the email for one kintone webhook
 * notification exactly as the bridge would send it (same mapping, decision and request
 * building, with an empty alert state), and writes it to `--out`. Never throws for bad input:
 * the result carries the exit status and the message to print.
 *
 * @example
 * ```ts
 * const result = await runPreview([
 *   '--record', 'test/fixtures/kintone-webhooks/update-record-low.json',
 *   '--config', 'config/demo.json', '--as', 'pdf', '--out', '/tmp/order.pdf',
 * ]);
 * // result.exitCode === 0, result.message: 'wrote /tmp/order.pdf (PDF, 1 page, 27.1 KB) ...'
 * ```
 */
export async function runPreview(
  argv: readonly string[],
  deps: PreviewDeps = {},
): Promise<PreviewResult> {
  try {
    const args = parsePreviewArgs(argv);
    const built = await buildRequest(args, args.now ?? (deps.now ?? (() => new Date()))());
    if (built.kind === 'no-order') return { exitCode: EXIT_NO_ORDER, message: built.message };
    const { request } = built;

    let bytes: Buffer;
    let format: 'pdf' | 'eml' | 'html';
    let what: string;
    if (args.as === 'pdf') {
      bytes = await renderOrderPdf(request, deps.fontPaths ?? defaultFontPaths());
      format = 'pdf';
      const pages = countPdfPages(bytes);
      what = `PDF, ${pages} page${pages === 1 ? '' : 's'}`;
    } else if (path.extname(args.outPath).toLowerCase() === '.html') {
      bytes = Buffer.from(renderOrderEmail(request).html, 'utf8');
      format = 'html';
      what = 'HTML body of the email';
    } else {
      bytes = await composeEml(request);
      format = 'eml';
      what = 'MIME message';
    }
    await mkdir(path.dirname(path.resolve(args.outPath)), { recursive: true });
    await writeFile(args.outPath, bytes);
    const line = request.lines[0];
    return {
      exitCode: 0,
      message:
        `wrote ${args.outPath} (${what}, ${formatSize(bytes.length)})\n` +
        `order ${request.orderNumber}: ${line ? `${line.sku} ${line.quantity}${line.unit}` : 'no lines'}, ` +
        `to ${request.supplier.name}\nreason (internal, not sent): ${built.reason}`,
      outPath: args.outPath,
      bytes: bytes.length,
      format,
      request,
    };
  } catch (error) {
    if (error instanceof PreviewInputError) {
      const message = error.showUsage ? `${error.message}\n\n${PREVIEW_USAGE}` : error.message;
      return { exitCode: EXIT_BAD_INPUT, message };
    }
    if (
      error instanceof ConfigError ||
      error instanceof OrderPdfFontError ||
      error instanceof RangeError
    ) {
      return { exitCode: EXIT_BAD_INPUT, message: error.message };
    }
    throw error;
  }
}
