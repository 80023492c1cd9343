import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { OrderRequest } from '../domain/order';
import {
  ORDER_FORM_CLOSING,
  ORDER_FORM_END_MARK,
  ORDER_FORM_GREETING,
  ORDER_FORM_NOTES_LABEL,
  ORDER_FORM_QR_CAPTION,
  ORDER_FORM_REPLY_CHOICES,
  ORDER_FORM_REPLY_DATE_BLANK,
  ORDER_FORM_REPLY_FIELDS,
  ORDER_FORM_REPLY_INSTRUCTION,
  ORDER_FORM_REPLY_LINES_HINT,
  ORDER_FORM_REPLY_TITLE,
  ORDER_FORM_TABLE_CAPTION,
  ORDER_FORM_TABLE_HEADERS,
  ORDER_FORM_TITLE,
  orderFormContent,
  type OrderFormContent,
} from './order-form-content';
import { isNumberColumn, SHIP_TO_CAPTION } from './order-wording';
import type { FontkitFont } from 'fontkit';
import { loadFont, OrderPdfFontError, type OrderFormFontPaths } from './order-form-fonts';

export { defaultFontPaths, OrderPdfFontError, type OrderFormFontPaths } from './order-form-fonts';

/**
 * Options of {@link renderOrderPdf}: the fonts. The supplier page link comes with the request
 * (`OrderRequest.supplierPageUrl`).
 */
export type RenderOrderPdfOptions = OrderFormFontPaths;

// A4 portrait in PDF points (1 pt = 1/72 in).
const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
/** About 15 mm: fax machines crop a few millimetres at every edge. */
const MARGIN = 42;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
/** Top of the page number line; the content stops above it. */
const FOOTER_TOP = PAGE_HEIGHT - MARGIN + 8;
const CONTENT_BOTTOM = PAGE_HEIGHT - MARGIN;

// Fax is sent at about 200 dpi (fine mode 204 x 196): 10 pt is the smallest size whose kanji
// strokes stay apart, and 1 pt (about 3 pixels) is the thinnest rule that survives.
const SIZE_TITLE = 22;
const SIZE_ADDRESSEE = 14;
const SIZE_DELIVERY = 12;
const SIZE_BODY = 10.5;
const SIZE_SMALL = 10;
const RULE = 1;
const STRONG_RULE = 1.5;
const LINE_GAP = 1;
/** Solid black only: grey fills and tints dither into noise on a fax. */
const INK = 'black';

/** The left column (addressee, greeting) and the right one (order facts, company block). */
const LEFT_COLUMN_WIDTH = 255;
const RIGHT_COLUMN_WIDTH = 236;
const RIGHT_COLUMN_X = MARGIN + CONTENT_WIDTH - RIGHT_COLUMN_WIDTH;

/**
 * Column widths in points: 品名 takes what the others leave. Narrower when the table also has
 * 単価 and 金額 (a priced order) or 納品希望日 (lines of different lead times), so that every
 * column still fits A4 portrait; 品名 wraps inside its cell.
 */
const COLUMN_WIDTHS: Readonly<Record<'plain' | 'priced', Readonly<Record<string, number>>>> = {
  plain: { 品番: 110, 数量: 80, 単位: 60, 納品希望日: 90 },
  priced: { 品番: 70, 数量: 56, 単位: 42, 単価: 62, 金額: 76, 納品希望日: 90 },
};
const NAME_HEADING = '品名';

/** One column of the lines table, in points from the page's left edge. */
export interface OrderTableColumn {
  heading: string;
  left: number;
  width: number;
}

/**
 * Where the columns of a table with `headings` sit on every page: text in a cell wraps inside
 * `left + width`. Exported so tests can check against the real geometry.
 */
export function orderTableColumns(headings: readonly string[]): OrderTableColumn[] {
  const widths = headings.includes('金額') ? COLUMN_WIDTHS.priced : COLUMN_WIDTHS.plain;
  const fixed = headings
    .filter((heading) => heading !== NAME_HEADING)
    .reduce((sum, heading) => sum + (widths[heading] ?? 0), 0);
  let left = MARGIN;
  return headings.map((heading) => {
    const width = heading === NAME_HEADING ? CONTENT_WIDTH - fixed : (widths[heading] ?? 0);
    const column = { heading, left, width };
    left += width;
    return column;
  });
}

/** The columns of an order without prices or per-line dates: 品番, 品名, 数量, 単位. */
export const ORDER_TABLE_COLUMNS: readonly OrderTableColumn[] =
  orderTableColumns(ORDER_FORM_TABLE_HEADERS);
const CELL_PADDING_X = 5;
const CELL_PADDING_Y = 4;
/**
 * A kintone text field holds up to 64k characters; past this many lines a cell ends in `…`, so
 * one absurd value cannot push a row past the height of a page.
 */
const MAX_CELL_LINES = 4;
const MAX_ADDRESSEE_LINES = 3;
const MAX_COMPANY_LINE_LINES = 3;
const NOTES_PADDING = 8;
/** Space between the table and the notes box. */
const NOTES_GAP = 14;
/** Space between 以上 and the fax-back reply section. */
const REPLY_GAP = 12;
const REPLY_PADDING = 8;
/** Height of a row to write on by hand: room for 8 mm handwriting. */
const WRITING_LINE = 23;
/** The seal box (印): about 18 mm, room for a company's square seal. */
const SEAL_SIZE = 48;
const CHECK_BOX_SIZE = 11;
const SHIP_TO_PADDING = 6;

const POINTS_PER_MM = 72 / 25.4;
/**
 * Smallest printed QR code: phones focus on 25 mm codes from a hand's distance; a few more
 * millimetres help with a fax's blur.
 */
export const QR_MIN_SIZE_MM = 30;
/**
 * Smallest printed module (one QR "pixel"). Fine-mode fax is about 8 lines a millimetre, so
 * 0.6 mm is at least 4 fax pixels a module, above the 0.5 mm below which a fax smears modules
 * together. A longer URL needs more modules, and then the code grows instead of its modules
 * shrinking.
 */
export const QR_MIN_MODULE_MM = 0.6;
/**
 * Medium error correction (15 % of the code may be lost): survives fax noise and a fold, while
 * a signed link still fits a version a phone reads at this size.
 */
const QR_ERROR_CORRECTION = 'M';
/** Quiet zone in modules inside the image; the white notes box around it adds more. */
const QR_MARGIN_MODULES = 1;
/**
 * Image pixels per module: 8 pixels over 0.6 mm or more is above 300 dpi, so the fax's own
 * rasterising, not the image, decides the sharpness.
 */
const QR_PIXELS_PER_MODULE = 8;
/**
 * Greyscale PNG without an alpha channel (pngjs, qrcode's encoder, takes the colour type):
 * pdfkit then embeds one image instead of an image plus a soft mask. Were the option ignored,
 * the RGBA default still prints the same.
 */
const QR_PNG_ENCODING = { deflateLevel: 9, colorType: 0 };
/** Between the QR code and the sentences beside it. */
const QR_TEXT_GAP = 12;
/**
 * Between the QR code and the URL beneath it, and above the code: with the image's own margin
 * module that is a quiet zone of about four modules, which readers need to find the code.
 */
const QR_URL_GAP = 8;
const QR_TOP_GAP = 8;

/** Font names registered on each document. */
type FontName = 'regular' | 'bold';

interface TextStyle {
  font: FontName;
  size: number;
}

const TITLE: TextStyle = { font: 'bold', size: SIZE_TITLE };
const ADDRESSEE: TextStyle = { font: 'bold', size: SIZE_ADDRESSEE };
const DELIVERY: TextStyle = { font: 'bold', size: SIZE_DELIVERY };
const BODY: TextStyle = { font: 'regular', size: SIZE_BODY };
const BODY_BOLD: TextStyle = { font: 'bold', size: SIZE_BODY };
const SMALL: TextStyle = { font: 'regular', size: SIZE_SMALL };
const COMPANY_NAME: TextStyle = { font: 'bold', size: SIZE_BODY };

type Doc = PDFKit.PDFDocument;

interface TextBox {
  x: number;
  y: number;
  width: number;
  style: TextStyle;
  align?: 'left' | 'right' | 'center';
  /** Lines after which the text is cut with `…`. */
  maxLines?: number;
}

/**
 * Renders the fax 発注書 for an order request: A4 portrait, black on white, the Japanese font
 * embedded as a subset (pdfkit keeps only the glyphs used, about 15 KB a page).
 *
 * Laid out like the email: title, order number and date, the supplier with 御中, the ordering
 * company's block, the 納品先 box (with a ship-to), the desired delivery date, the lines (品番,
 * 品名, 数量, 単位, then 単価 and 金額 when priced and 納品希望日 when the lines' dates differ),
 * the totals (小計, 消費税 per rate, 合計) when every line is priced, and notes with the "one
 * order number, one order" sentence. The order's `reason` is internal and is not printed. Lines
 * that do not fit continue on further pages, each repeating the table header, and then every
 * page is numbered `n / total`.
 *
 * The form ends with the 注文請書 reply section for suppliers who answer by fax (FAX返信先 from
 * the company's fax, 全数 / 一部 / お受けできません boxes, 納品予定日, 受注数量 for a one-line
 * order, 会社名, ご担当者名, 印), on the last page when it fits and on a page of its own, headed
 * with the order number, when it does not.
 *
 * With `request.supplierPageUrl` (a safe link, see `orderFormContent`), page 1 carries the
 * supplier page as a QR code of at least {@link QR_MIN_SIZE_MM} mm, black on white, with the URL
 * printed beneath it and a sentence saying what it is for: inside the 備考 box when the whole
 * form fits on one page, otherwise in a box at the foot of page 1 (the page a supplier reads
 * first, and the one that must work alone if the pages get separated).
 *
 * Deterministic: the document's creation date is `request.orderedAt`, so the same request and
 * fonts render the same bytes (a retry faxes exactly the same form). The font files are read
 * once per process and path.
 *
 * @throws RangeError when `orderedAt` is not a timestamp or a date is not `YYYY-MM-DD`.
 * @throws OrderPdfFontError when a font file cannot be read or embedded.
 *
 * @example
 * ```ts
 * const pdf = await renderOrderPdf(request, defaultFontPaths());
 * await writeFile(`${request.orderNumber}.pdf`, pdf);
 * ```
 */
export async function renderOrderPdf(
  request: OrderRequest,
  options: RenderOrderPdfOptions,
): Promise<Buffer> {
  const content = orderFormContent(request);
  const createdAt = new Date(request.orderedAt);
  if (Number.isNaN(createdAt.getTime())) {
    throw new RangeError(`orderedAt "${request.orderedAt}" is not a timestamp; fix the order.`);
  }
  const [regular, bold] = await Promise.all([
    loadFont(options.fontPath),
    options.boldFontPath === undefined ? undefined : loadFont(options.boldFontPath),
  ]);

  const doc = new PDFDocument({
    autoFirstPage: false,
    // Page numbers need the page count, known only once every line is placed.
    bufferPages: true,
    // An empty default font keeps pdfkit from loading Helvetica, which it requires from its own
    // package directory at run time and which a Lambda bundle does not contain
    // (foliojs/pdfkit#1647). Every text is set in the embedded font below.
    font: '',
    lang: 'ja-JP',
    info: {
      Title: `${ORDER_FORM_TITLE} ${content.orderNumber}`,
      Author: content.companyLines[0] ?? '',
      Creator: 'stock-alert-bridge',
      CreationDate: createdAt,
    },
  });
  const qr =
    content.supplierPageUrl === undefined ? undefined : await qrCodeOf(content.supplierPageUrl);
  const pdf = collect(doc);
  registerFonts(doc, regular, bold, options);

  layOut(doc, content, qr);
  numberPages(doc);
  doc.end();
  return pdf;
}

function collect(doc: Doc): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

function registerFonts(
  doc: Doc,
  regular: FontkitFont,
  bold: FontkitFont | undefined,
  paths: OrderFormFontPaths,
): void {
  const fonts: ReadonlyArray<readonly [FontName, FontkitFont, string]> = [
    ['regular', regular, paths.fontPath],
    ['bold', bold ?? regular, paths.boldFontPath ?? paths.fontPath],
  ];
  for (const [name, bytes, path] of fonts) {
    // pdfkit takes a parsed fontkit font as well as bytes (PDFFontFactory.open checks for
    // `layout`); its type declarations only list bytes and paths.
    doc.registerFont(name, bytes as unknown as Buffer);
    try {
      // fontkit parses lazily; selecting the font now reports a broken file by its path,
      // before half a page has been drawn.
      doc.font(name);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new OrderPdfFontError(
        `Cannot embed the order form font ${path}: ${reason}. Pass a TrueType (.ttf) file.`,
        { cause: error },
      );
    }
  }
}

function addPage(doc: Doc): void {
  // Zero margins: this module places everything itself, and pdfkit must never break a page on
  // its own in the middle of a cell.
  doc.addPage({ size: 'A4', layout: 'portrait', margin: 0 });
  // Colours are page state in PDF, so each new page sets them again.
  doc.fillColor(INK).strokeColor(INK);
}

function useStyle(doc: Doc, style: TextStyle): void {
  doc.font(style.font).fontSize(style.size);
}

function lineHeight(doc: Doc, style: TextStyle): number {
  useStyle(doc, style);
  return doc.currentLineHeight(true) + LINE_GAP;
}

/** Height a text takes in a box, counting the `…` cut at `maxLines`. */
function measure(doc: Doc, text: string, box: Omit<TextBox, 'x' | 'y'>): number {
  useStyle(doc, box.style);
  const height = doc.heightOfString(text === '' ? ' ' : text, {
    width: box.width,
    lineGap: LINE_GAP,
  });
  return box.maxLines === undefined
    ? height
    : Math.min(height, box.maxLines * lineHeight(doc, box.style));
}

/** Draws a text that wraps inside its box and never runs into the next one; returns its height. */
function draw(doc: Doc, text: string, box: TextBox): number {
  const height = measure(doc, text, box);
  useStyle(doc, box.style);
  doc.text(text, box.x, box.y, {
    width: box.width,
    align: box.align ?? 'left',
    lineGap: LINE_GAP,
    ...(box.maxLines === undefined
      ? {}
      : { height: box.maxLines * lineHeight(doc, box.style), ellipsis: true }),
  });
  return height;
}

function rule(doc: Doc, x1: number, y: number, x2: number, width = RULE): void {
  doc.lineWidth(width).moveTo(x1, y).lineTo(x2, y).stroke();
}

/** The lines table of one form: its headings, where each column sits, which are numbers. */
interface Table {
  headers: readonly string[];
  columns: readonly OrderTableColumn[];
  numeric: readonly boolean[];
}

function tableOf(content: OrderFormContent): Table {
  return {
    headers: content.headers,
    columns: orderTableColumns(content.headers),
    numeric: content.headers.map(isNumberColumn),
  };
}

/**
 * Places the whole form, adding pages as the lines need them. With a QR code: in the notes box
 * when everything fits on page 1, else in its own box at the foot of page 1, which the lines of
 * page 1 then stop above. The totals follow the lines (on a new page, under the order number,
 * when they do not fit below them), then the notes, and last the fax-back reply section, on a
 * page of its own when the last page has no room for it.
 */
function layOut(doc: Doc, content: OrderFormContent, qr: QrCode | undefined): void {
  const table = tableOf(content);
  addPage(doc);
  let y = drawTableHeader(doc, table, drawFirstPageHeader(doc, content));
  const heights = content.rows.map((row) => rowHeight(doc, table, row));
  const totalsHeight = measureTotals(doc, content, table);
  const onePage =
    y +
      heights.reduce((sum, height) => sum + height, 0) +
      totalsHeight +
      NOTES_GAP +
      measureNotes(doc, content, qr) <=
    CONTENT_BOTTOM;
  const qrInNotes = qr !== undefined && onePage ? qr : undefined;
  let bottom = CONTENT_BOTTOM;
  if (qr !== undefined && !onePage) {
    bottom = CONTENT_BOTTOM - measureQrBox(doc, content, qr);
    drawQrBox(doc, content, qr, bottom);
    bottom -= NOTES_GAP;
  }
  content.rows.forEach((row, index) => {
    const height = heights[index] ?? rowHeight(doc, table, row);
    if (y + height > bottom) {
      addPage(doc);
      bottom = CONTENT_BOTTOM;
      y = drawTableHeader(doc, table, drawContinuationHeader(doc, content));
    }
    drawRow(doc, table, row, y, height, BODY);
    y += height;
  });
  if (totalsHeight > 0) {
    if (y + totalsHeight > bottom) {
      addPage(doc);
      bottom = CONTENT_BOTTOM;
      y = drawContinuationHeader(doc, content);
    }
    y = drawTotals(doc, content, table, y);
  }
  y += NOTES_GAP;
  if (y + measureNotes(doc, content, qrInNotes) > bottom) {
    addPage(doc);
    bottom = CONTENT_BOTTOM;
    y = drawContinuationHeader(doc, content);
  }
  y += drawNotes(doc, content, y, qrInNotes);
  y += REPLY_GAP;
  if (y + measureReply(doc, content) > bottom) {
    addPage(doc);
    y = drawContinuationHeader(doc, content);
  }
  drawReply(doc, content, y);
}

function drawFirstPageHeader(doc: Doc, content: OrderFormContent): number {
  let y = MARGIN;
  y += draw(doc, ORDER_FORM_TITLE, {
    x: MARGIN,
    y,
    width: CONTENT_WIDTH,
    style: TITLE,
    align: 'center',
  });
  y += 10;

  let right = y;
  for (const fact of [`発注番号：${content.orderNumber}`, `発注日：${content.orderDate}`]) {
    right += draw(doc, fact, {
      x: RIGHT_COLUMN_X,
      y: right,
      width: RIGHT_COLUMN_WIDTH,
      style: BODY,
      align: 'right',
      maxLines: 2,
    });
  }
  right += 12;
  content.companyLines.forEach((line, index) => {
    right += draw(doc, line, {
      x: RIGHT_COLUMN_X,
      y: right,
      width: RIGHT_COLUMN_WIDTH,
      style: index === 0 ? COMPANY_NAME : SMALL,
      maxLines: MAX_COMPANY_LINE_LINES,
    });
  });

  let left = y + 8;
  left += draw(doc, content.addressee, {
    x: MARGIN,
    y: left,
    width: LEFT_COLUMN_WIDTH,
    style: ADDRESSEE,
    maxLines: MAX_ADDRESSEE_LINES,
  });
  rule(doc, MARGIN, left + 2, MARGIN + LEFT_COLUMN_WIDTH);
  left += 16;
  left += draw(doc, ORDER_FORM_GREETING, {
    x: MARGIN,
    y: left,
    width: LEFT_COLUMN_WIDTH,
    style: BODY,
  });
  // Beside the company block, which is the taller column: the ship-to costs no height.
  if (content.shipToLines.length > 0) left = drawShipTo(doc, content.shipToLines, left + 10);

  y = Math.max(left, right) + 16;
  y += draw(doc, `納品希望日：${content.desiredDeliveryDate}`, {
    x: MARGIN,
    y,
    width: CONTENT_WIDTH,
    style: DELIVERY,
  });
  y += 10;
  y += draw(doc, `【${ORDER_FORM_TABLE_CAPTION}】`, {
    x: MARGIN,
    y,
    width: CONTENT_WIDTH,
    style: BODY_BOLD,
  });
  return y + 4;
}

/**
 * The 納品先 box in the left column, under the greeting: the label, the name in bold, then
 * address, TEL and 担当, so the supplier cannot miss which site the goods go to.
 */
function drawShipTo(doc: Doc, lines: readonly string[], y: number): number {
  const x = MARGIN + SHIP_TO_PADDING;
  const width = LEFT_COLUMN_WIDTH - 2 * SHIP_TO_PADDING;
  let cursor = y + SHIP_TO_PADDING;
  cursor += draw(doc, `【${SHIP_TO_CAPTION}】`, { x, y: cursor, width, style: BODY_BOLD });
  lines.forEach((line, index) => {
    cursor += draw(doc, line, {
      x,
      y: cursor,
      width,
      style: index === 0 ? DELIVERY : SMALL,
      maxLines: 2,
    });
  });
  const bottom = cursor + SHIP_TO_PADDING;
  doc
    .lineWidth(STRONG_RULE)
    .rect(MARGIN, y, LEFT_COLUMN_WIDTH, bottom - y)
    .stroke();
  return bottom;
}

/** Later pages say which order they belong to: a fax page can get separated from the first. */
function drawContinuationHeader(doc: Doc, content: OrderFormContent): number {
  const y = MARGIN;
  const left = draw(doc, `${ORDER_FORM_TITLE}（続き）　${content.addressee}`, {
    x: MARGIN,
    y,
    width: CONTENT_WIDTH - RIGHT_COLUMN_WIDTH - 10,
    style: BODY_BOLD,
    maxLines: 2,
  });
  const right = draw(doc, `発注番号：${content.orderNumber}`, {
    x: RIGHT_COLUMN_X,
    y,
    width: RIGHT_COLUMN_WIDTH,
    style: BODY,
    align: 'right',
    maxLines: 2,
  });
  const bottom = y + Math.max(left, right) + 4;
  rule(doc, MARGIN, bottom, MARGIN + CONTENT_WIDTH);
  return bottom + 12;
}

function cellBox(table: Table, column: number): { x: number; width: number } {
  const { left, width } = table.columns[column] ?? { left: MARGIN, width: 0 };
  return { x: left, width };
}

function rowHeight(
  doc: Doc,
  table: Table,
  cells: readonly string[],
  style: TextStyle = BODY,
): number {
  const heights = cells.map((text, column) =>
    measure(doc, text, {
      width: cellBox(table, column).width - 2 * CELL_PADDING_X,
      style,
      maxLines: MAX_CELL_LINES,
    }),
  );
  return Math.max(...heights) + 2 * CELL_PADDING_Y;
}

function drawRow(
  doc: Doc,
  table: Table,
  cells: readonly string[],
  y: number,
  height: number,
  style: TextStyle,
): void {
  cells.forEach((text, column) => {
    const { x, width } = cellBox(table, column);
    doc.lineWidth(RULE).rect(x, y, width, height).stroke();
    draw(doc, text, {
      x: x + CELL_PADDING_X,
      y: y + CELL_PADDING_Y,
      width: width - 2 * CELL_PADDING_X,
      style,
      align: table.numeric[column] ? 'right' : 'left',
      maxLines: MAX_CELL_LINES,
    });
  });
}

function drawTableHeader(doc: Doc, table: Table, y: number): number {
  const height = rowHeight(doc, table, table.headers, BODY_BOLD);
  drawRow(doc, table, table.headers, y, height, BODY_BOLD);
  // A heavier rule instead of a grey fill marks the header: tints turn into dots on a fax.
  rule(doc, MARGIN, y + height, MARGIN + CONTENT_WIDTH, STRONG_RULE);
  return y + height;
}

/**
 * The totals under the amount column: each a label cell (right-aligned, from 単位 to 単価)
 * and its amount in the 金額 column; 合計 in bold under a heavier rule. Then the money notes
 * (※軽減税率, rounding), across the page.
 */
function totalsParts(
  doc: Doc,
  content: OrderFormContent,
  table: Table,
  y: number,
): Placed & {
  boxes: Array<{ x: number; y: number; width: number; height: number }>;
  strongRuleY?: number;
} {
  const texts: Array<readonly [string, TextBox]> = [];
  const boxes: Array<{ x: number; y: number; width: number; height: number }> = [];
  let cursor = y;
  let strongRuleY: number | undefined;
  const amount = table.headers.indexOf('金額');
  const amountBox = table.columns[amount];
  const labelFrom = table.columns[Math.max(0, amount - 3)];
  if (content.totals.length > 0 && amountBox !== undefined && labelFrom !== undefined) {
    const labelWidth = amountBox.left - labelFrom.left;
    content.totals.forEach(([label, value], index) => {
      const last = index === content.totals.length - 1;
      const style = last ? BODY_BOLD : BODY;
      const height = lineHeight(doc, style) + 2 * CELL_PADDING_Y;
      if (last) strongRuleY = cursor;
      boxes.push(
        { x: labelFrom.left, y: cursor, width: labelWidth, height },
        { x: amountBox.left, y: cursor, width: amountBox.width, height },
      );
      texts.push(
        [
          label,
          {
            x: labelFrom.left + CELL_PADDING_X,
            y: cursor + CELL_PADDING_Y,
            width: labelWidth - 2 * CELL_PADDING_X,
            style,
            align: 'right',
            maxLines: 1,
          },
        ],
        [
          value,
          {
            x: amountBox.left + CELL_PADDING_X,
            y: cursor + CELL_PADDING_Y,
            width: amountBox.width - 2 * CELL_PADDING_X,
            style,
            align: 'right',
            maxLines: 1,
          },
        ],
      );
      cursor += height;
    });
  }
  if (content.moneyNotes.length > 0) cursor += 4;
  for (const note of content.moneyNotes) {
    const box: TextBox = { x: MARGIN, y: cursor, width: CONTENT_WIDTH, style: SMALL };
    texts.push([note, box]);
    cursor += measure(doc, note, box);
  }
  return {
    texts,
    images: [],
    boxes,
    height: cursor - y,
    ...(strongRuleY === undefined ? {} : { strongRuleY }),
  };
}

function measureTotals(doc: Doc, content: OrderFormContent, table: Table): number {
  return totalsParts(doc, content, table, 0).height;
}

/** Draws the totals from `y`; returns where they end. */
function drawTotals(doc: Doc, content: OrderFormContent, table: Table, y: number): number {
  const parts = totalsParts(doc, content, table, y);
  for (const box of parts.boxes) {
    doc.lineWidth(RULE).rect(box.x, box.y, box.width, box.height).stroke();
  }
  if (parts.strongRuleY !== undefined) {
    const first = parts.boxes[0];
    const last = parts.boxes[parts.boxes.length - 1];
    if (first && last) rule(doc, first.x, parts.strongRuleY, last.x + last.width, STRONG_RULE);
  }
  drawPlaced(doc, parts);
  return y + parts.height;
}

/** A QR code ready to place: the PNG, its printed size, and the URL it encodes. */
interface QrCode {
  png: Buffer;
  /** Printed width and height in points. */
  size: number;
  url: string;
}

/**
 * Encodes `url` as a QR code and sizes it for a fax: at least {@link QR_MIN_SIZE_MM} mm, and
 * large enough that no module is under {@link QR_MIN_MODULE_MM} mm.
 */
async function qrCodeOf(url: string): Promise<QrCode> {
  const options = { errorCorrectionLevel: QR_ERROR_CORRECTION, margin: QR_MARGIN_MODULES } as const;
  const modules = QRCode.create(url, options).modules.size + 2 * QR_MARGIN_MODULES;
  const png = await QRCode.toBuffer(url, {
    ...options,
    type: 'png',
    scale: QR_PIXELS_PER_MODULE,
    color: { dark: '#000000ff', light: '#ffffffff' },
    rendererOpts: QR_PNG_ENCODING,
  });
  const size = Math.max(QR_MIN_SIZE_MM, modules * QR_MIN_MODULE_MM) * POINTS_PER_MM;
  return { png, size, url };
}

interface ImagePlacement {
  png: Buffer;
  x: number;
  y: number;
  size: number;
}

/** Texts (and the QR image) of a block, positioned; `height` is what the block takes. */
interface Placed {
  texts: Array<readonly [string, TextBox]>;
  images: ImagePlacement[];
  height: number;
}

/**
 * The QR block: the code on the left with the sentences beside it, and the URL beneath, across
 * the block's width (a phone that cannot scan can still type it).
 */
function qrBlock(
  doc: Doc,
  qr: QrCode,
  notes: readonly string[],
  x: number,
  y: number,
  width: number,
): Placed {
  const textX = x + qr.size + QR_TEXT_GAP;
  const textWidth = width - qr.size - QR_TEXT_GAP;
  const texts: Array<readonly [string, TextBox]> = [];
  let cursor = y;
  for (const [text, style] of [
    [ORDER_FORM_QR_CAPTION, BODY_BOLD],
    ...notes.map((note) => [note, BODY] as const),
  ] as const) {
    const box: TextBox = { x: textX, y: cursor, width: textWidth, style };
    texts.push([text, box]);
    cursor += measure(doc, text, box) + 2;
  }
  const urlBox: TextBox = {
    x,
    y: y + Math.max(qr.size, cursor - y) + QR_URL_GAP,
    width,
    style: SMALL,
    // Never cut: a supplier may type it. safeSupplierPageUrl bounds its length, so it takes a
    // few lines at most.
  };
  texts.push([qr.url, urlBox]);
  return {
    texts,
    images: [{ png: qr.png, x, y, size: qr.size }],
    height: urlBox.y + measure(doc, qr.url, urlBox) - y,
  };
}

function drawPlaced(doc: Doc, placed: Placed): void {
  for (const image of placed.images) {
    doc.image(image.png, image.x, image.y, { width: image.size, height: image.size });
  }
  for (const [text, box] of placed.texts) draw(doc, text, box);
}

interface NotesParts extends Placed {
  boxHeight: number;
}

/**
 * The notes box (with the QR block when given), closing line and 以上, positioned from `y`;
 * measured before it is drawn.
 */
function notesParts(
  doc: Doc,
  content: OrderFormContent,
  y: number,
  qr: QrCode | undefined,
): NotesParts {
  const innerX = MARGIN + NOTES_PADDING;
  const innerWidth = CONTENT_WIDTH - 2 * NOTES_PADDING;
  const inner: Array<readonly [string, Omit<TextBox, 'y'>]> = [
    [ORDER_FORM_NOTES_LABEL, { x: innerX, width: innerWidth, style: BODY_BOLD }],
    ...content.notes.map((note) => [note, { x: innerX, width: innerWidth, style: BODY }] as const),
  ];
  const texts: Array<readonly [string, TextBox]> = [];
  const images: ImagePlacement[] = [];
  let cursor = y + NOTES_PADDING;
  for (const [text, box] of inner) {
    texts.push([text, { ...box, y: cursor }]);
    cursor += measure(doc, text, box) + 2;
  }
  if (qr !== undefined) {
    const block = qrBlock(doc, qr, content.qrNotes, innerX, cursor + QR_TOP_GAP, innerWidth);
    texts.push(...block.texts);
    images.push(...block.images);
    cursor += QR_TOP_GAP + block.height + 2;
  }
  const boxHeight = cursor - y + NOTES_PADDING - 2;
  cursor = y + boxHeight + 12;
  const closing: TextBox = { x: MARGIN, y: cursor, width: CONTENT_WIDTH, style: BODY };
  texts.push([ORDER_FORM_CLOSING, closing]);
  cursor += measure(doc, ORDER_FORM_CLOSING, closing);
  const endMark: TextBox = { ...closing, y: cursor, align: 'right' };
  texts.push([ORDER_FORM_END_MARK, endMark]);
  cursor += measure(doc, ORDER_FORM_END_MARK, endMark);
  return { texts, images, boxHeight, height: cursor - y };
}

function measureNotes(doc: Doc, content: OrderFormContent, qr: QrCode | undefined): number {
  return notesParts(doc, content, 0, qr).height;
}

/** Draws the notes box, closing line and 以上 from `y`; returns their height. */
function drawNotes(doc: Doc, content: OrderFormContent, y: number, qr: QrCode | undefined): number {
  const parts = notesParts(doc, content, y, qr);
  doc.lineWidth(RULE).rect(MARGIN, y, CONTENT_WIDTH, parts.boxHeight).stroke();
  drawPlaced(doc, parts);
  return parts.height;
}

/** The QR block in a box of its own, for the foot of page 1 of a longer form. */
function qrBox(doc: Doc, content: OrderFormContent, qr: QrCode, y: number): Placed {
  const block = qrBlock(
    doc,
    qr,
    content.qrNotes,
    MARGIN + NOTES_PADDING,
    y + NOTES_PADDING,
    CONTENT_WIDTH - 2 * NOTES_PADDING,
  );
  return { ...block, height: block.height + 2 * NOTES_PADDING };
}

function measureQrBox(doc: Doc, content: OrderFormContent, qr: QrCode): number {
  return qrBox(doc, content, qr, 0).height;
}

function drawQrBox(doc: Doc, content: OrderFormContent, qr: QrCode, y: number): void {
  const box = qrBox(doc, content, qr, y);
  doc.lineWidth(RULE).rect(MARGIN, y, CONTENT_WIDTH, box.height).stroke();
  drawPlaced(doc, box);
}

/** A drawn shape of the reply section. */
type Shape =
  | { kind: 'box'; x: number; y: number; width: number; height: number; weight: number }
  | { kind: 'line'; x1: number; x2: number; y: number };

interface ReplyParts extends Placed {
  shapes: Shape[];
}

/**
 * The fax-back reply section (注文請書 / 受注確認欄), for suppliers who answer by fax: a boxed
 * block with the FAX number to send it back to, the order number, three check boxes (全数 /
 * 一部 / お受けできません), lines to write the delivery date, the quantity (a one-line order;
 * a multi-line order writes beside each line), company and contact name and a note, and a seal
 * box (印). Everything a supplier writes has a line or a box of its own, large enough for a pen.
 */
function replyParts(doc: Doc, content: OrderFormContent, y: number): ReplyParts {
  const texts: Array<readonly [string, TextBox]> = [];
  const shapes: Shape[] = [];
  const innerX = MARGIN + REPLY_PADDING;
  const innerWidth = CONTENT_WIDTH - 2 * REPLY_PADDING;
  const innerRight = innerX + innerWidth;
  const { reply } = content;
  let cursor = y + REPLY_PADDING;
  const text = (value: string, box: Omit<TextBox, 'y'>, at = cursor): number => {
    const placed: TextBox = { ...box, y: at };
    texts.push([value, placed]);
    return measure(doc, value, placed);
  };

  // The title, and the number to send it to in the block's largest type beside it.
  const titleWidth = 160;
  let head = text(ORDER_FORM_REPLY_TITLE, { x: innerX, width: titleWidth, style: DELIVERY });
  if (reply.faxBack !== undefined) {
    head = Math.max(
      head,
      text(reply.faxBack, {
        x: innerX + titleWidth,
        width: innerWidth - titleWidth,
        style: DELIVERY,
        align: 'right',
        maxLines: 1,
      }),
    );
  }
  cursor += head + 2;
  for (const line of [`${reply.addressee}　${reply.subject}`, ORDER_FORM_REPLY_INSTRUCTION]) {
    cursor += text(line, { x: innerX, width: innerWidth, style: SMALL });
  }
  cursor += 6;

  // The answer: three check boxes on one line.
  const choiceWidth = innerWidth / ORDER_FORM_REPLY_CHOICES.length;
  const choiceHeight = lineHeight(doc, BODY_BOLD);
  ORDER_FORM_REPLY_CHOICES.forEach((choice, index) => {
    const x = innerX + index * choiceWidth;
    shapes.push({
      kind: 'box',
      x,
      y: cursor + (choiceHeight - CHECK_BOX_SIZE) / 2 - 1,
      width: CHECK_BOX_SIZE,
      height: CHECK_BOX_SIZE,
      weight: RULE,
    });
    text(choice, {
      x: x + CHECK_BOX_SIZE + 6,
      width: choiceWidth - CHECK_BOX_SIZE - 10,
      style: BODY_BOLD,
      maxLines: 1,
    });
  });
  cursor += choiceHeight;
  if (reply.singleLineUnit === undefined) {
    cursor += 2 + text(ORDER_FORM_REPLY_LINES_HINT, { x: innerX, width: innerWidth, style: SMALL });
  }

  /** A label and a line to write on, from `x1` to `x2`, on the row ending at `baseline`. */
  const field = (
    label: string,
    x1: number,
    x2: number,
    baseline: number,
    blank = '',
    align: TextBox['align'] = 'left',
  ): void => {
    const labelY = baseline - lineHeight(doc, BODY) - 1;
    const labelText = `${label}：`;
    const labelWidth = measureWidth(doc, labelText, BODY) + 4;
    text(labelText, { x: x1, width: labelWidth, style: BODY, maxLines: 1 }, labelY);
    if (blank !== '') {
      text(
        blank,
        { x: x1 + labelWidth, width: x2 - x1 - labelWidth - 2, style: BODY, maxLines: 1, align },
        labelY,
      );
    }
    shapes.push({ kind: 'line', x1: x1 + labelWidth, x2, y: baseline });
  };
  const half = innerX + innerWidth / 2;
  const fieldsRight = innerRight - SEAL_SIZE - 12;

  cursor += WRITING_LINE;
  field(
    ORDER_FORM_REPLY_FIELDS.deliveryDate,
    innerX,
    reply.singleLineUnit === undefined ? fieldsRight : half - 12,
    cursor,
    ORDER_FORM_REPLY_DATE_BLANK,
  );
  if (reply.singleLineUnit !== undefined) {
    field(
      ORDER_FORM_REPLY_FIELDS.quantity,
      half,
      fieldsRight,
      cursor,
      reply.singleLineUnit,
      'right',
    );
  }
  // The seal box beside the company, contact and note rows.
  const sealTop = cursor + 2;
  cursor += WRITING_LINE;
  field(ORDER_FORM_REPLY_FIELDS.company, innerX, half - 12, cursor);
  field(ORDER_FORM_REPLY_FIELDS.contact, half, fieldsRight, cursor);
  cursor += WRITING_LINE;
  field(ORDER_FORM_REPLY_FIELDS.note, innerX, fieldsRight, cursor);
  shapes.push({
    kind: 'box',
    x: innerRight - SEAL_SIZE,
    y: sealTop,
    width: SEAL_SIZE,
    height: SEAL_SIZE,
    weight: RULE,
  });
  text(
    ORDER_FORM_REPLY_FIELDS.seal,
    { x: innerRight - SEAL_SIZE, width: SEAL_SIZE, style: SMALL, align: 'center' },
    sealTop + 3,
  );
  cursor = Math.max(cursor, sealTop + SEAL_SIZE) + REPLY_PADDING;
  shapes.unshift({
    kind: 'box',
    x: MARGIN,
    y,
    width: CONTENT_WIDTH,
    height: cursor - y,
    weight: STRONG_RULE,
  });
  return { texts, images: [], shapes, height: cursor - y };
}

function measureWidth(doc: Doc, text: string, style: TextStyle): number {
  useStyle(doc, style);
  return doc.widthOfString(text);
}

function measureReply(doc: Doc, content: OrderFormContent): number {
  return replyParts(doc, content, 0).height;
}

function drawReply(doc: Doc, content: OrderFormContent, y: number): void {
  const parts = replyParts(doc, content, y);
  for (const shape of parts.shapes) {
    if (shape.kind === 'box') {
      doc.lineWidth(shape.weight).rect(shape.x, shape.y, shape.width, shape.height).stroke();
    } else {
      rule(doc, shape.x1, shape.y, shape.x2);
    }
  }
  drawPlaced(doc, parts);
}

/** `1 / 3` at the foot of every page, only when the form runs over one page. */
function numberPages(doc: Doc): void {
  const { start, count } = doc.bufferedPageRange();
  if (count < 2) return;
  for (let index = 0; index < count; index += 1) {
    doc.switchToPage(start + index);
    draw(doc, `${index + 1} / ${count}`, {
      x: MARGIN,
      y: FOOTER_TOP,
      width: CONTENT_WIDTH,
      style: SMALL,
      align: 'center',
    });
  }
}
