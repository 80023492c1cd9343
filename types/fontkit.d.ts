// fontkit ships no type declarations; the order form only creates fonts and hands them to
// pdfkit, which accepts a fontkit font wherever it accepts font bytes.
declare module 'fontkit' {
  export interface FontkitFont {
    layout(text: string, features?: unknown): unknown;
    postscriptName: string | null;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): FontkitFont;
}
