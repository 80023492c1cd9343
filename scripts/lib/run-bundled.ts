import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { errorText } from './cli';

/**
 * Bundles `entry` (a measured side, e.g. scripts/lib/measure-dispatch-memory.ts) into
 * dist/<name>/ with the deployed esbuild settings and runs it in a fresh `node --expose-gc`
 * with `args`; resolves to its exit code. The runner stays out of the bundle: it loads esbuild
 * and the CDK, which the measured process must not carry (under tsx the compiler alone holds
 * about 60 MB more).
 */
export async function runBundled(
  entry: string,
  name: string,
  options: { heapMb?: number; args: readonly string[] },
): Promise<number> {
  const outfile = join('dist', name, 'index.mjs');
  // Imported here only: the bundle must not load the CDK (they stay external).
  const { build } = await import('esbuild');
  const { bridgeEsbuildOptions } = await import('../../infra/constructs/bridge-function');
  await build({
    ...bridgeEsbuildOptions('.'),
    entryPoints: [entry],
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
      ...options.args,
    ],
    { stdio: 'inherit' },
  );
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return code ?? 1;
}

/** {@link runBundled}, its exit code (or 1 and the error on stderr) as this process's. */
export function exitWithBundledRun(...parameters: Parameters<typeof runBundled>): void {
  runBundled(...parameters).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${errorText(error)}\n`);
      process.exitCode = 1;
    },
  );
}
