import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { KintoneRecordWriter } from '../../shared/ports/kintone-record-writer';
import type { BridgeLogger } from '../../shared/ports/logger';

/**
 * What the measured sides of the memory benchmarks (`bench:memory`, `bench:fax-memory`) share.
 * Each runs as a bundle built with the deployed esbuild settings (scripts/lib/run-bundled.ts),
 * with the emulators in a child process of their own so their memory is not counted.
 */

const MB = 1024 * 1024;

/** The heap after a full GC (needs `--expose-gc`), else undefined. */
export function heapAfterGc(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  return process.memoryUsage().heapUsed;
}

/** Bytes as MB with one decimal. */
export function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

/** A kintone writer that does nothing: kintone's own work is not the function's memory. */
export function nullKintone(): KintoneRecordWriter {
  return {
    updateFields: () => Promise.resolve(),
    updateRecords: () => Promise.resolve({ missingRecords: [] }),
    updateRows: (_appId, _recordId, _subtable, rows) =>
      Promise.resolve({ updatedRows: Object.keys(rows), missingRows: [] }),
    addComment: () => Promise.resolve(),
  };
}

/** A logger that writes nothing. */
export function silentLogger(): BridgeLogger {
  const nothing = (): void => undefined;
  return { debug: nothing, info: nothing, warn: nothing, error: nothing };
}

/** `--name N` as an integer >= `least`; undefined when absent. */
export function numberArgument(
  args: readonly string[],
  name: string,
  least: number,
): number | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = Number(args[index + 1]);
  if (!Number.isInteger(value) || value < least) {
    throw new Error(`${name} takes an integer >= ${least}`);
  }
  return value;
}

/** Samples the process's RSS every 5 ms; `peak()` includes a sample taken now. */
export function rssSampler(): { peak(): number; stop(): void } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  return {
    peak: () => (peak = Math.max(peak, process.memoryUsage.rss())),
    stop: () => clearInterval(timer),
  };
}

/** Endpoints of the emulators {@link startBenchEmulators} started. */
export interface BenchEmulators {
  endpoints: { dynamo: string; ses?: string; store?: string; phaxio?: string };
  stop(): Promise<void>;
}

/**
 * Starts scripts/lib/bench-emulators.ts (from its sources, with tsx) in a child process, so
 * their code and data stay out of the measured process. `args` are its flags.
 */
export async function startBenchEmulators(args: readonly string[]): Promise<BenchEmulators> {
  // Run from the project root, as every npm script is.
  const script = join(process.cwd(), 'scripts', 'lib', 'bench-emulators.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const { createInterface } = await import('node:readline');
  const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
  if (first.done) throw new Error('the benchmark emulators did not start');
  return {
    endpoints: JSON.parse(first.value as string) as BenchEmulators['endpoints'],
    stop: async () => {
      child.stdin.end();
      await new Promise((resolve) => child.on('exit', resolve));
    },
  };
}
