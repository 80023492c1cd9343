import * as fontkit from 'fontkit';
import type { FontkitFont } from 'fontkit';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Where the Noto Sans JP TTF files sit inside `@expo-google-fonts/noto-sans-jp`. */
const NOTO_SANS_JP_PACKAGE = ['node_modules', '@expo-google-fonts', 'noto-sans-jp'] as const;
const REGULAR_FONT_FILE = ['400Regular', 'NotoSansJP_400Regular.ttf'] as const;
const BOLD_FONT_FILE = ['700Bold', 'NotoSansJP_700Bold.ttf'] as const;

/** Paths of the TrueType fonts the order form embeds. */
export interface OrderFormFontPaths {
  /** Regular weight, used for all body text. */
  fontPath: string;
  /** Bold weight for the title and headings; the regular font is used when it is left out. */
  boldFontPath?: string;
}

/** A font file could not be read or is not a font pdfkit can embed. */
export class OrderPdfFontError extends Error {
  override readonly name = 'OrderPdfFontError';
}

/**
 * The Noto Sans JP files of `@expo-google-fonts/noto-sans-jp`, resolved from `process.cwd()`:
 * right for the CLI, tests and the local stack, which all run from the repository root.
 *
 * Not for Lambda: a bundle has no `node_modules`, so the Lambda wiring copies the two TTF files
 * into the bundle and passes their paths under `/var/task` (`LAMBDA_TASK_ROOT`) instead.
 *
 * @example
 * ```ts
 * const pdf = await renderOrderPdf(request, defaultFontPaths());
 * ```
 */
export function defaultFontPaths(): Required<OrderFormFontPaths> {
  const root = path.join(process.cwd(), ...NOTO_SANS_JP_PACKAGE);
  return {
    fontPath: path.join(root, ...REGULAR_FONT_FILE),
    boldFontPath: path.join(root, ...BOLD_FONT_FILE),
  };
}

/**
 * Font bytes by path. Each TTF is about 5.4 MB; a warm Lambda keeps the bytes so that only the
 * first render of a container pays for reading them. The promise is cached, so concurrent first
 * renders share one read.
 */
const fontBytesByPath = new Map<string, Promise<Buffer>>();

/**
 * The bytes of a font file, read once per path and process.
 *
 * @throws OrderPdfFontError when the file cannot be read; a failed read is not cached, so the
 * next call tries again.
 */
export function loadFontBytes(fontPath: string): Promise<Buffer> {
  let bytes = fontBytesByPath.get(fontPath);
  if (bytes === undefined) {
    bytes = readFile(fontPath).catch((error: unknown) => {
      fontBytesByPath.delete(fontPath);
      const reason = error instanceof Error ? error.message : String(error);
      throw new OrderPdfFontError(
        `Cannot read the order form font ${fontPath}: ${reason}. Install the dependencies ` +
          '(npm ci brings @expo-google-fonts/noto-sans-jp) or pass the path of a TTF that exists; ' +
          'in Lambda, copy the TTF into the bundle.',
        { cause: error },
      );
    });
    fontBytesByPath.set(fontPath, bytes);
  }
  return bytes;
}

/**
 * Parsed fonts by path. pdfkit parses the font bytes again for every document (about half of a
 * warm render); it also accepts an already parsed fontkit font, which renders the same bytes.
 * Rendering is synchronous once the document is set up, so renders never interleave on it.
 */
const fontsByPath = new Map<string, Promise<FontkitFont>>();

/**
 * The parsed font of a TTF file, once per path and process.
 *
 * @throws OrderPdfFontError when the file cannot be read or is not a font fontkit can parse.
 */
export function loadFont(fontPath: string): Promise<FontkitFont> {
  let font = fontsByPath.get(fontPath);
  if (font === undefined) {
    font = loadFontBytes(fontPath).then((bytes) => {
      try {
        return fontkit.create(bytes);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new OrderPdfFontError(
          `Cannot embed the order form font ${fontPath}: ${reason}. Pass a TrueType (.ttf) file.`,
          { cause: error },
        );
      }
    });
    font.catch(() => fontsByPath.delete(fontPath));
    fontsByPath.set(fontPath, font);
  }
  return font;
}
