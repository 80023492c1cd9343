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
import type { AppConfig, BridgeConfig } from '../../shared/config/schema';
import { documentOptionsOf } from '../../shared/use-cases/order-channels';
import { localDate } from '../../shared/domain/dates';
import { evaluateReorder } from '../../shared/domain/evaluate-reorder';
import type { SupplierContact } from '../../shared/domain/item';
import type { OrderRequest } from '../../shared/domain/order';
import { orderRequestOf } from '../../shared/domain/order-request';
import {
  groupKeyOf,
  type PurchaseOrder,
  type PurchaseOrderLine,
  type ShipTo,
  type TaxClass,
} from '../../shared/domain/purchase-order';
import { headerSafe } from '../../shared/edge/header-safe';
import { renderOrderEmail } from '../../shared/documents/order-email';
import { renderOrderPage } from '../../shared/documents/order-page';
import { langFrom, type PageLang } from '../../shared/documents/page-text';
import { formatYen } from '../../shared/documents/order-wording';
import {
  defaultFontPaths,
  OrderPdfFontError,
  renderOrderPdf,
  type OrderFormFontPaths,
} from '../../shared/documents/order-form-pdf';
import { isRecordNotification, notificationSchema } from '../../shared/kintone/notification';
import { mapRecord, resolveShipTo } from '../../shared/kintone/record-mapper';
import escapeHtml from 'escape-html';

/** Usage text, printed with every argument error. */
export const PREVIEW_USAGE = `Renders what a supplier would receive for one kintone webhook notification,
or for a sample gathered order.

  npm run preview -- --record FILE.json --config FILE --as pdf|email|page|all --out PATH
                     [--order-number PO-...] [--now ISO-TIMESTAMP] [--lang ja|en]
  npm run preview -- --gathered [--lines N] [--config FILE] [--as ...] [--out PATH]

  --record        a kintone webhook notification (JSON, as kintone posts it)
  --gathered      instead of a record: a sample order of several lines (5 unless --lines) of one
                  supplier, with the first app's ship-to, unit prices and 軽減税率 lines
  --lines N       the sample order's number of lines (1-99); implies --gathered. A sample
                  order defaults to --config config/demo.json --as all --out .data/preview
  --config        the bridge configuration (e.g. config/demo.json)
  --as pdf        the fax order form (発注書) as PDF, with its fax-back reply section
  --as email      the 発注依頼 email: a MIME message (.eml), or only its HTML body when PATH ends in .html
  --as page       the supplier's order page (HTML) with its answer form, marked プレビュー
  --as all        all of them into the directory PATH, with an index.html to look at them
  --order-number  defaults to <orderNumberPrefix>-PREVIEW
  --now           the time of the order (default: now); decides 発注日 and 納品希望日
  --lang          the order page's language (default ja)

With a supplierPage in the configuration the documents carry the order link and QR code as
sent; in a preview the link is a sample (https://preview.invalid/...), never a signed one.

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
      format: PreviewFormat;
      request: OrderRequest;
      /** With `--as all`: the files written into the directory, index.html first. */
      files?: string[];
    }
  | { exitCode: typeof EXIT_BAD_INPUT | typeof EXIT_NO_ORDER; message: string };

export type PreviewFormat = 'pdf' | 'eml' | 'html' | 'page' | 'all';

/** The host of a preview's order link: `.invalid` never resolves (RFC 2606). */
export const PREVIEW_LINK_BASE = 'https://preview.invalid/o/';
/** Ends a preview's link where a signature would be: it is not one. */
export const PREVIEW_LINK_MARK = 'PREVIEW-NOT-A-SIGNED-LINK';
/** Lines of `--gathered` without `--lines`. */
export const DEFAULT_GATHERED_LINES = 5;
const MAX_GATHERED_LINES = 99;
/** Defaults of `--gathered`, which needs no record. */
export const DEFAULT_GATHERED_CONFIG = 'config/demo.json';
export const DEFAULT_GATHERED_OUT = '.data/preview';

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
  /** The notification; absent for a sample gathered order (`gatheredLines`). */
  recordPath?: string;
  gatheredLines?: number;
  configPath: string;
  as: 'pdf' | 'email' | 'page' | 'all';
  outPath: string;
  orderNumber?: string;
  now?: Date;
  lang: PageLang;
}

const PREVIEW_OPTIONS = {
  record: { type: 'string' },
  gathered: { type: 'boolean' },
  lines: { type: 'string' },
  config: { type: 'string' },
  as: { type: 'string' },
  out: { type: 'string' },
  'order-number': { type: 'string' },
  now: { type: 'string' },
  lang: { type: 'string' },
} as const;

const FORMATS = ['pdf', 'email', 'page', 'all'] as const;

function parsePreviewArgs(argv: readonly string[]): PreviewArgs {
  const values = parseOrThrow(argv);
  const { record: recordPath } = values;
  let gatheredLines: number | undefined;
  if (values.lines !== undefined) {
    gatheredLines = Number(values.lines);
    if (
      !Number.isInteger(gatheredLines) ||
      gatheredLines < 1 ||
      gatheredLines > MAX_GATHERED_LINES
    ) {
      throw new PreviewInputError(
        `--lines must be a whole number from 1 to ${MAX_GATHERED_LINES}, not "${values.lines}"`,
        true,
      );
    }
  } else if (values.gathered) {
    gatheredLines = DEFAULT_GATHERED_LINES;
  }
  if (gatheredLines !== undefined && recordPath) {
    throw new PreviewInputError('give either --record or --gathered / --lines, not both', true);
  }
  // A sample order needs no input of its own: the demo configuration, every document, into
  // the git-ignored .data/preview unless told otherwise.
  const gathered = gatheredLines !== undefined;
  const configPath = values.config || (gathered ? DEFAULT_GATHERED_CONFIG : undefined);
  const as = values.as || (gathered ? 'all' : undefined);
  const outPath = values.out || (gathered ? DEFAULT_GATHERED_OUT : undefined);
  const missing = [
    ...(!gathered && !recordPath ? ['record'] : []),
    ...(configPath ? [] : ['config']),
    ...(as ? [] : ['as']),
    ...(outPath ? [] : ['out']),
  ];
  if (missing.length > 0 || !configPath || !as || !outPath) {
    throw new PreviewInputError(`missing ${missing.map((name) => `--${name}`).join(', ')}`, true);
  }
  if (!(FORMATS as readonly string[]).includes(as)) {
    throw new PreviewInputError(`--as must be pdf, email, page or all, not "${as}"`, true);
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
    ...(recordPath ? { recordPath } : {}),
    ...(gatheredLines !== undefined ? { gatheredLines } : {}),
    configPath,
    as: as as PreviewArgs['as'],
    outPath,
    ...(values['order-number'] ? { orderNumber: values['order-number'] } : {}),
    ...(now ? { now } : {}),
    lang: langFrom(values.lang),
  };
}

function parseOrThrow(argv: readonly string[]): {
  [K in keyof typeof PREVIEW_OPTIONS]?: (typeof PREVIEW_OPTIONS)[K]['type'] extends 'boolean'
    ? boolean
    : string;
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
  const orderNumber = args.orderNumber ?? `${config.orderNumberPrefix}-PREVIEW`;
  if (args.recordPath === undefined) {
    const [app] = config.apps;
    if (app === undefined) throw new PreviewInputError(`${args.configPath} has no app`);
    const order = sampleGatheredOrder(config, app, orderNumber, now, args.gatheredLines ?? 1);
    return {
      kind: 'order',
      request: orderRequestOf(order, documentOptionsOf(config)),
      reason: `a sample order of ${order.lines.length} lines (--gathered)`,
    };
  }
  const recordPath = args.recordPath;
  const parsed = notificationSchema.safeParse(await readNotification(recordPath));
  if (!parsed.success) {
    throw new PreviewInputError(
      `${recordPath} is not a kintone webhook notification:\n${describeIssues(parsed.error.issues)}`,
    );
  }
  const notification = parsed.data;
  if (!isRecordNotification(notification)) {
    throw new PreviewInputError(
      `${recordPath} is a ${notification.type} notification; only ADD_RECORD, UPDATE_RECORD ` +
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
        '(subtable), which the preview does not evaluate; preview a gathered order with ' +
        `--gathered, or see its orders through the local stack: npm start, then npm run demo -- low --app ${app.appId}.`,
    );
  }
  const mapped = mapRecord(notification.record, app, {
    deliveryAddresses: config.deliveryAddresses,
    reducedLabels: config.tax.reducedLabels,
  });
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
  const order = previewOrder(config, app, orderNumber, now, item.supplier, item.shipTo, [
    {
      lineId: item.recordId,
      item: { appId: app.appId, recordId: item.recordId, itemId: item.recordId, cycle: 1 },
      sku: item.sku,
      name: item.name,
      quantity: decision.quantity,
      unit: item.unit,
      reason: decision.reason,
      leadTimeDays: item.leadTimeDays,
      ...(item.unitPrice !== undefined ? { unitPrice: item.unitPrice } : {}),
      ...(item.taxClass !== undefined ? { taxClass: item.taxClass } : {}),
      addedAt: now.toISOString(),
      addedBy: notification.id,
    },
  ]);
  return {
    kind: 'order',
    request: orderRequestOf(order, documentOptionsOf(config)),
    reason: decision.reason,
  };
}

/**
 * A sealed order as the bridge would send it, with a sample link when the deployment has a
 * supplier page: the preview's documents then carry the call to action and the QR code, but
 * never a link that opens anything.
 */
function previewOrder(
  config: BridgeConfig,
  app: AppConfig,
  orderNumber: string,
  now: Date,
  supplier: SupplierContact,
  shipTo: ShipTo | undefined,
  lines: PurchaseOrderLine[],
): PurchaseOrder {
  const at = now.toISOString();
  const page = config.supplierPage;
  return {
    orderNumber,
    appId: app.appId,
    groupKey: groupKeyOf(app.appId, supplier, shipTo),
    supplier,
    ...(shipTo !== undefined ? { shipTo } : {}),
    channels: [],
    company: config.company,
    createdAt: at,
    dueAt: at,
    reflectedInKintone: app.onOrderIncludesBridgeOrders,
    lines,
    log: [
      { kind: 'created', at, by: 'preview' },
      {
        kind: 'sealed',
        at,
        orderDate: localDate(now, config.timeZone),
        ...(page === undefined
          ? {}
          : {
              supplierPageUrl: previewLink(orderNumber),
              linkExpiresAt: new Date(now.getTime() + page.linkTtlDays * 86_400_000).toISOString(),
            }),
      },
    ],
  };
}

/** `https://preview.invalid/o/PO-PREVIEW.PREVIEW-NOT-A-SIGNED-LINK`: shaped like a link, opens nothing. */
export function previewLink(orderNumber: string): string {
  return `${PREVIEW_LINK_BASE}${encodeURIComponent(orderNumber)}.${PREVIEW_LINK_MARK}`;
}

interface SampleItem {
  sku: string;
  name: string;
  unit: string;
  quantity: number;
  unitPrice: number;
  leadTimeDays: number;
  taxClass?: TaxClass;
}

/** Plausible office supplies of one stationery supplier, two of them food at the reduced rate. */
const SAMPLE_ITEMS: readonly SampleItem[] = [
  {
    sku: 'A-100',
    name: 'ボールペン 黒 0.5mm',
    unit: '本',
    quantity: 120,
    unitPrice: 120,
    leadTimeDays: 3,
  },
  {
    sku: 'B-200',
    name: 'コピー用紙 A4 500枚',
    unit: '冊',
    quantity: 20,
    unitPrice: 398,
    leadTimeDays: 3,
  },
  {
    sku: 'K-010',
    name: 'ドリップコーヒー 50袋入',
    unit: '箱',
    quantity: 4,
    unitPrice: 1280,
    leadTimeDays: 5,
    taxClass: 'reduced',
  },
  { sku: 'D-400', name: '付箋 75mm 黄', unit: '冊', quantity: 50, unitPrice: 88, leadTimeDays: 3 },
  {
    sku: 'K-020',
    name: '緑茶 ペットボトル 500ml 24本入',
    unit: 'ケース',
    quantity: 3,
    unitPrice: 2380,
    leadTimeDays: 5,
    taxClass: 'reduced',
  },
  {
    sku: 'H-800',
    name: 'クリアファイル A4 10枚入',
    unit: 'パック',
    quantity: 30,
    unitPrice: 165,
    leadTimeDays: 3,
  },
  {
    sku: 'J-900',
    name: 'ホチキス針 No.10',
    unit: '箱',
    quantity: 40,
    unitPrice: 55,
    leadTimeDays: 3,
  },
];

/** The supplier of the sample order (the demo's S-001, reached by email and fax). */
const SAMPLE_SUPPLIER: SupplierContact = {
  code: 'S-001',
  name: '株式会社サンプル文具',
  email: 'order@sample-bungu.example.jp',
  fax: '03-1234-5678',
};

/**
 * `--gathered`: an order of `count` lines of one supplier, gathered as the bridge gathers them
 * (one ship-to: the app's default, else the first delivery address), with unit prices, two
 * lines at the reduced rate and two lead times, so that every part of the documents shows.
 */
function sampleGatheredOrder(
  config: BridgeConfig,
  app: AppConfig,
  orderNumber: string,
  now: Date,
  count: number,
): PurchaseOrder {
  const at = now.toISOString();
  const resolved = resolveShipTo(undefined, app, config.deliveryAddresses);
  const [firstAddress] = Object.keys(config.deliveryAddresses);
  const fallback =
    firstAddress === undefined
      ? undefined
      : resolveShipTo(firstAddress, { shipTo: { byValue: {} } }, config.deliveryAddresses);
  const shipTo =
    resolved.kind === 'ship-to'
      ? resolved.shipTo
      : fallback?.kind === 'ship-to'
        ? fallback.shipTo
        : undefined;
  const lines = Array.from({ length: count }, (_, index): PurchaseOrderLine => {
    const sample = SAMPLE_ITEMS[index % SAMPLE_ITEMS.length] as SampleItem;
    const round = Math.floor(index / SAMPLE_ITEMS.length);
    const sku = round === 0 ? sample.sku : `${sample.sku}-${round + 1}`;
    const id = `preview-${index + 1}`;
    return {
      lineId: id,
      item: { appId: app.appId, recordId: id, itemId: id, cycle: 1 },
      sku,
      name: sample.name,
      quantity: sample.quantity,
      unit: sample.unit,
      reason: `見本の明細 ${index + 1} (npm run preview)`,
      leadTimeDays: sample.leadTimeDays,
      unitPrice: sample.unitPrice,
      ...(sample.taxClass !== undefined ? { taxClass: sample.taxClass } : {}),
      addedAt: at,
      addedBy: 'preview',
    };
  });
  return previewOrder(config, app, orderNumber, now, SAMPLE_SUPPLIER, shipTo, lines);
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

/** The supplier page as the supplier would open it from the link, marked プレビュー. */
export function previewPage(request: OrderRequest, lang: PageLang): string {
  return renderOrderPage({
    lang,
    request,
    // Nowhere to post to: the preview sends nothing.
    formAction: '#',
    formNonce: 'preview',
    cspNonce: 'preview',
    otherLangUrl: '#',
    preview: true,
    timeZone: request.timeZone ?? 'Asia/Tokyo',
  });
}

/** The files of `--as all`, index.html first. */
const ALL_FILES = {
  index: 'index.html',
  eml: 'email.eml',
  text: 'email.txt',
  html: 'email.html',
  pdf: 'fax.pdf',
  page: 'supplier-page.html',
} as const;

/**
 * The preview's index: a プレビュー banner, what the supplier gets on each channel (the email
 * as text and HTML, the fax form, the order page behind the link), each shown in place.
 */
function previewIndex(
  request: OrderRequest,
  pages: number,
  text: string,
  withEml: boolean,
): string {
  const e = escapeHtml;
  const link = request.supplierPageUrl;
  const money = request.totals ? `、合計（税込）${formatYen(request.totals.total)}` : '';
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>プレビュー ${e(request.orderNumber)}</title>
<style>
body{margin:0;font-family:system-ui,"Hiragino Sans","Noto Sans JP",Meiryo,sans-serif;color:#111;background:#fafafa}
main{max-width:72rem;margin:0 auto;padding:1rem}
.banner{border:4px dashed #8a4b00;background:#fff4e5;padding:1rem;margin:0 0 1rem}
.banner strong{font-size:1.5rem;color:#8a4b00}
section{background:#fff;border:1px solid #ccc;padding:1rem;margin:0 0 1.5rem}
iframe,embed{width:100%;border:1px solid #999;background:#fff}
iframe{height:48rem}
embed{height:60rem}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f4f4;padding:1rem}
code{overflow-wrap:anywhere}
</style>
</head>
<body>
<main>
<div class="banner" role="note"><strong>プレビュー</strong><br>
${e(request.orderNumber)}（${e(request.supplier.name)} 宛、${request.lines.length}明細${e(money)}）を、仕入先に届くとおりに表示しています（npm run preview）。何も送信されていません。${
    link === undefined
      ? 'この設定には仕入先ページ（supplierPage）がないため、リンクとQRコードは付きません。'
      : `リンク <code>${e(link)}</code> は見本で、署名されていません（開いても何も表示されません）。`
  }</div>
<section aria-labelledby="email-title">
<h2 id="email-title">メール（HTML）: <a href="${ALL_FILES.html}">${ALL_FILES.html}</a>${
    withEml
      ? `・MIME: <a href="${ALL_FILES.eml}">${ALL_FILES.eml}</a>`
      : '（仕入先にメールアドレスがないため、メールは送られません）'
  }</h2>
<iframe src="${ALL_FILES.html}" title="メール（HTML）"></iframe>
</section>
<section aria-labelledby="text-title">
<h2 id="text-title">メール（テキスト）: <a href="${ALL_FILES.text}">${ALL_FILES.text}</a></h2>
<pre>${e(text)}</pre>
</section>
<section aria-labelledby="fax-title">
<h2 id="fax-title">FAX 発注書（${pages}ページ、注文請書つき）: <a href="${ALL_FILES.pdf}">${ALL_FILES.pdf}</a></h2>
<embed src="${ALL_FILES.pdf}" type="application/pdf" title="FAX 発注書">
</section>
<section aria-labelledby="page-title">
<h2 id="page-title">仕入先ページ（回答フォーム）: <a href="${ALL_FILES.page}">${ALL_FILES.page}</a></h2>
<iframe src="${ALL_FILES.page}" title="仕入先ページ"></iframe>
</section>
</main>
</body>
</html>
`;
}

/** Writes every document of `--as all` into `dir`; returns the files and their total size. */
async function writeAll(
  dir: string,
  request: OrderRequest,
  fontPaths: OrderFormFontPaths,
  lang: PageLang,
): Promise<{ files: string[]; bytes: number; pages: number }> {
  const email = renderOrderEmail(request);
  const pdf = await renderOrderPdf(request, fontPaths);
  const pages = countPdfPages(pdf);
  const hasEmail = (request.supplier.email ?? '') !== '';
  const contents: Array<[string, Buffer | string]> = [
    [ALL_FILES.index, previewIndex(request, pages, email.text, hasEmail)],
    ...(hasEmail ? ([[ALL_FILES.eml, await composeEml(request)]] as Array<[string, Buffer]>) : []),
    [ALL_FILES.text, email.text],
    [ALL_FILES.html, email.html],
    [ALL_FILES.pdf, pdf],
    [ALL_FILES.page, previewPage(request, lang)],
  ];
  await mkdir(dir, { recursive: true });
  let bytes = 0;
  for (const [name, content] of contents) {
    const buffer = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    await writeFile(path.join(dir, name), buffer);
    bytes += buffer.length;
  }
  return { files: contents.map(([name]) => path.join(dir, name)), bytes, pages };
}

/** `A-100 84本, B-200 20冊 (+3 more)`: what the order asks for, for the message. */
function describeLines(request: OrderRequest): string {
  const shown = request.lines.slice(0, 3).map((line) => `${line.sku} ${line.quantity}${line.unit}`);
  const more = request.lines.length - shown.length;
  return shown.length === 0
    ? 'no lines'
    : `${shown.join(', ')}${more > 0 ? ` (+${more} more)` : ''}`;
}

/**
 * `npm run preview`: renders the fax order form, the email or the supplier page for one kintone
 * webhook notification (or a sample gathered order) exactly as the bridge would send it (same
 * mapping, decision and order view, with an empty alert state and a sample link), and writes it
 * to `--out`. Never throws for bad input: the result carries the exit status and the message.
 *
 * @example
 * ```ts
 * const result = await runPreview([
 *   '--record', 'test/fixtures/kintone-webhooks/update-record-low.json',
 *   '--config', 'config/demo.json', '--as', 'pdf', '--out', '/tmp/order.pdf',
 * ]);
 * // result.exitCode === 0, result.message: 'wrote /tmp/order.pdf (PDF, 1 page, 27.1 KB) ...'
 * await runPreview(['--gathered', '--config', 'config/demo.json', '--as', 'all', '--out', '/tmp/preview']);
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
    const fontPaths = deps.fontPaths ?? defaultFontPaths();

    let bytes: number;
    let format: PreviewFormat;
    let what: string;
    let files: string[] | undefined;
    if (args.as === 'all') {
      const all = await writeAll(args.outPath, request, fontPaths, args.lang);
      ({ bytes, files } = all);
      format = 'all';
      what = `${files.length} files: email, fax form (${all.pages} page${all.pages === 1 ? '' : 's'}), supplier page; open ${files[0]}`;
    } else {
      let content: Buffer;
      if (args.as === 'pdf') {
        content = await renderOrderPdf(request, fontPaths);
        format = 'pdf';
        const pages = countPdfPages(content);
        what = `PDF, ${pages} page${pages === 1 ? '' : 's'}`;
      } else if (args.as === 'page') {
        content = Buffer.from(previewPage(request, args.lang), 'utf8');
        format = 'page';
        what = 'supplier page, marked プレビュー';
      } else if (path.extname(args.outPath).toLowerCase() === '.html') {
        content = Buffer.from(renderOrderEmail(request).html, 'utf8');
        format = 'html';
        what = 'HTML body of the email';
      } else {
        content = await composeEml(request);
        format = 'eml';
        what = 'MIME message';
      }
      await mkdir(path.dirname(path.resolve(args.outPath)), { recursive: true });
      await writeFile(args.outPath, content);
      bytes = content.length;
    }
    const totals = request.totals
      ? `\ntotal ${formatYen(request.totals.total)} (tax ${formatYen(request.totals.tax)})`
      : '';
    const shipTo = request.shipTo ? `\nship to ${request.shipTo.name}` : '';
    const link = request.supplierPageUrl
      ? `\nlink (preview sample, not signed): ${request.supplierPageUrl}`
      : '';
    return {
      exitCode: 0,
      message:
        `wrote ${args.outPath} (${what}, ${formatSize(bytes)})\n` +
        `order ${request.orderNumber}: ${describeLines(request)}, to ${request.supplier.name}` +
        `${shipTo}${totals}${link}\nreason (internal, not sent): ${built.reason}`,
      outPath: args.outPath,
      bytes,
      format,
      request,
      ...(files !== undefined ? { files } : {}),
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
