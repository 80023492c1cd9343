import { spawn } from 'node:child_process';

/** One text item as pdf.js places it (PDF points, y grows upwards from the page's foot). */
export interface PdfTextItem {
  str: string;
  x: number;
  y: number;
  width: number;
}

export interface ExtractedPdfText {
  totalPages: number;
  /** unpdf's extractText, one string per page. */
  text: string[];
  /** Text items per page, for geometry checks. */
  items: PdfTextItem[][];
  /** Each page's height in points. */
  heights: number[];
}

/**
 * unpdf loads pdf.js with a dynamic `import()` of an ES module, which jest's CommonJS VM
 * refuses without --experimental-vm-modules; a plain Node child process runs it as published.
 */
const EXTRACT_SCRIPT = `
import { extractText, getDocumentProxy } from 'unpdf';
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const pdf = await getDocumentProxy(new Uint8Array(Buffer.concat(chunks)));
const { totalPages, text } = await extractText(pdf, { mergePages: false });
const items = [];
const heights = [];
for (let n = 1; n <= pdf.numPages; n += 1) {
  const page = await pdf.getPage(n);
  heights.push(page.view[3] - page.view[1]);
  const content = await page.getTextContent();
  items.push(content.items.filter((item) => 'str' in item && item.str.trim() !== '').map((item) => ({
    str: item.str, x: item.transform[4], y: item.transform[5], width: item.width,
  })));
}
process.stdout.write(JSON.stringify({ totalPages, text, items, heights }));
`;

/** The text of a PDF, per page, as a fax recipient's OCR or a person would read it. */
export function extractPdfText(pdf: Buffer): Promise<ExtractedPdfText> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', EXTRACT_SCRIPT], {
      cwd: process.cwd(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`text extraction failed (${code}): ${Buffer.concat(err).toString()}`));
        return;
      }
      resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as ExtractedPdfText);
    });
    child.stdin.end(pdf);
  });
}

/** Whitespace-insensitive: pdf.js breaks lines where the layout wrapped them. */
export function squash(text: string): string {
  return text.replace(/\s+/g, '');
}
