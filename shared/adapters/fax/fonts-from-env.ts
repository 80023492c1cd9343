import type { Env } from '../../config/env';
import { defaultFontPaths, type OrderFormFontPaths } from '../../documents/order-form-pdf';

/**
 * Font files for the order form: `FAX_FONT_PATH` / `FAX_BOLD_FONT_PATH` in Lambda (the bundle
 * carries them under /var/task/fonts), the npm package's files elsewhere.
 */
export function fontPathsFromEnv(env: Env): OrderFormFontPaths {
  const fontPath = env.FAX_FONT_PATH?.trim();
  if (!fontPath) return defaultFontPaths();
  const boldFontPath = env.FAX_BOLD_FONT_PATH?.trim();
  return { fontPath, ...(boldFontPath ? { boldFontPath } : {}) };
}
