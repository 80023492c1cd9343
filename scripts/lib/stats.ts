/**
 * Small helpers shared by the measurement scripts: order statistics and plain-text tables.
 */

function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new Error('no samples: run the measurement at least once');
  return [...values].sort((a, b) => a - b);
}

/**
 * Median; for an even count, the mean of the two middle samples.
 *
 * @example
 * median([3, 1, 2]); // 2
 */
export function median(values: readonly number[]): number {
  const s = sorted(values);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Nearest-rank percentile: a value that was actually measured, so p90 of 20 runs is the 18th
 * smallest rather than an interpolation between two runs.
 *
 * @example
 * percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90); // 9
 */
export function percentile(values: readonly number[], p: number): number {
  const s = sorted(values);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[rank - 1] as number;
}

/** Median, p90, p99, min and max of a series, the figures the benchmarks report. */
export interface Summary {
  median: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  const s = sorted(values);
  return {
    median: median(s),
    p90: percentile(s, 90),
    p99: percentile(s, 99),
    min: s[0] as number,
    max: s[s.length - 1] as number,
  };
}

/**
 * Formats rows as an aligned text table; numbers align right so columns of figures line up.
 *
 * @example
 * formatTable(['fn', 'KB'], [['webhook', '312.4']]);
 */
export function formatTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const numeric = header.map((_, column) =>
    rows.every((row) => /^-?[\d.,]+( ?[a-zA-Z%]+)?$/.test(row[column] ?? '')),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Milliseconds with one decimal, the resolution the figures deserve. */
export function ms(value: number): string {
  return value.toFixed(1);
}
