import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KintoneRecordWriter } from '../../shared/ports/kintone-record-writer';
import type { BridgeLogger } from '../../shared/ports/logger';

/**
 * What the memory benchmarks (`bench:memory`, `bench:fax-memory`) share: each bundles itself
 * with the deployed esbuild settings and measures the bundle in a fresh `node --expose-gc`
 * (under tsx the compiler alone holds about 60 MB more), with the emulators in a child process
 * of their own so their memory is not counted.
 */

const MB = 1024 * 1024;

/** Bundles `scriptUrl` into dist/<name>/ and runs it with `--measure` plus `args`; its exit code. */
export async function runBundled(
  scriptUrl: string,
  name: string,
  options: { heapMb?: number; args: readonly string[] },
): Promise<number> {
  const outfile = join('dist', name, 'index.mjs');
  // Imported here only: the bundle must not load the CDK (they stay external).
  const { build } = await import('esbuild');
  const { bridgeEsbuildOptions } = await import('../../infra/constructs/bridge-function');
  await build({
    ...bridgeEsbuildOptions('.'),
    entryPoints: [fileURLToPath(scriptUrl)],
    outfile,
    // The emulators' packages load files of their own; they run from node_modules.
    external: ['dynalite', 'aws-ses-v2-local', 'esbuild', 'aws-cdk-lib', 'constructs'],
    logLevel: 'error',
  });
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      ...(options.heapMb !== undefined ? [`--max-old-space-size=${options.heapMb}`] : []),
      outfile,
      '--measure',
      ...options.args,
    ],
    { stdio: 'inherit' },
  );
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return code ?? 1;
}

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
