/**
 * Pieces of kintone's record query syntax the bridge builds queries from.
 *
 * @module
 */

/**
 * Escapes a value for a double-quoted string in a kintone query: a backslash before every
 * `"` and `\`, as kintone's query syntax requires.
 *
 * @example
 * escapeQueryValue('A"1\\'); // 'A\\"1\\\\'
 */
export function escapeQueryValue(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
}

/**
 * `field in ("a", "b")`, each value escaped.
 *
 * @example
 * inQuery('仕入先コード', ['S-001', 'S"2']); // '仕入先コード in ("S-001", "S\\"2")'
 */
export function inQuery(field: string, values: readonly string[]): string {
  return `${field} in (${values.map((value) => `"${escapeQueryValue(value)}"`).join(', ')})`;
}
