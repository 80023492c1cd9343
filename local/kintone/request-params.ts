import type { z } from 'zod';
import { validationError, type KintoneFieldErrors } from './kintone-errors';

/**
 * Turns a query string as @kintone/rest-api-client writes it (qs defaults:
 * `ids%5B0%5D=3&ids%5B1%5D=5`, `updateKey%5Bfield%5D=...`) into the JSON-like object
 * kintone would receive in a body, so one schema validates both forms.
 */
export function paramsFromSearch(search: URLSearchParams): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const arrays = new Map<string, Array<[number, string]>>();
  const objects = new Map<string, Record<string, string>>();
  for (const [key, value] of search) {
    const match = /^([^[\]]+)\[([^\]]*)\]$/.exec(key);
    const name = match?.[1];
    const inner = match?.[2];
    if (name === undefined || inner === undefined) {
      params[key] = value;
    } else if (/^\d*$/.test(inner)) {
      const items = arrays.get(name) ?? [];
      items.push([inner === '' ? Number.MAX_SAFE_INTEGER : Number(inner), value]);
      arrays.set(name, items);
    } else {
      const entries = objects.get(name) ?? {};
      entries[inner] = value;
      objects.set(name, entries);
    }
  }
  for (const [name, items] of arrays) {
    // Stable sort keeps `a[]=x&a[]=y` in arrival order while honouring explicit indices.
    params[name] = items.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
  }
  for (const [name, entries] of objects) params[name] = entries;
  return params;
}

/** Validates request parameters, answering kintone's CB_VA01 with per-parameter messages. */
export function parseParams<T extends z.ZodType>(schema: T, params: unknown): z.output<T> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const errors: KintoneFieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.') || 'request';
    const entry = errors[key] ?? { messages: [] };
    entry.messages.push(issue.message);
    errors[key] = entry;
  }
  throw validationError(errors);
}
