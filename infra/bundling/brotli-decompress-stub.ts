/**
 * Stands in for `brotli/decompress.js` in the function bundles (esbuild `alias`, see
 * `BROTLI_DECOMPRESS_STUB` in infra/constructs/bridge-function.ts).
 *
 * fontkit calls brotli only to decode a WOFF2 font. The order form embeds TrueType fonts
 * (shared/documents/order-form-fonts.ts), so this is never called; bundling the real decoder
 * would add about 475 KB (its dictionary) to every function that renders fax forms.
 *
 * @module
 */

/** The message of the error a WOFF2 font gets in a bundled function. */
export const BROTLI_STUB_MESSAGE =
  'brotli is not bundled: fontkit needs it only for WOFF2 fonts, and the order form embeds ' +
  'TrueType (.ttf) fonts. To use a WOFF2 font, remove the brotli alias from ' +
  'BRIDGE_ESBUILD_SETTINGS in infra/constructs/bridge-function.ts.';

/** fontkit's `decompress(buffer, size)`: always throws {@link BROTLI_STUB_MESSAGE}. */
export default function decompress(): never {
  throw new Error(BROTLI_STUB_MESSAGE);
}
