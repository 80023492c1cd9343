import { build, type BuildOptions, type Metafile } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bridgeEsbuildOptions } from '../infra/constructs/bridge-function';
import { exitWhenDone } from './lib/cli';
import { childEnv, functionNames, importArgs, packageOf } from './lib/function-bundles';
import { formatTable, median, ms } from './lib/stats';

/**
 * `npm run bundle`: bundles every Lambda entry point (`functions/<name>/index.ts`) with the
 * settings CDK's NodejsFunction uses for ESM output, in two variants, and measures each bundle:
 * size (minified, gzipped, source map), what fills it (esbuild's metafile) and how long a fresh
 * Node process takes to import it.
 *
 * - SDK bundled  -> dist/<name>/index.mjs (what we deploy: see docs/measurements.md)
 * - SDK external -> dist/sdk-external/<name>/index.mjs (CDK's default for Node 18+ runtimes)
 *
 * Exits 1 when a bundle fails to build or to import.
 */

const ROOT = resolve(import.meta.dirname, '..');
const FUNCTIONS_DIR = join(ROOT, 'functions');
const DIST_DIR = join(ROOT, 'dist');
const COLD_START_RUNS = 10;
const TOP_INPUTS = 5;

interface Variant {
  label: string;
  outDir: string;
  external: string[];
}

const VARIANTS: Variant[] = [
  // Deployed: the SDK versions pinned in package.json are the ones tested.
  { label: 'SDK bundled', outDir: DIST_DIR, external: [] },
  // CDK's default: the runtime's own SDK v3, whose version AWS changes without notice.
  { label: 'SDK external', outDir: join(DIST_DIR, 'sdk-external'), external: ['@aws-sdk/*'] },
];

function buildOptions(entry: string, outfile: string, variant: Variant): BuildOptions {
  // The deployed settings (infra/constructs/bridge-function.ts), so this report and CDK agree.
  return {
    ...bridgeEsbuildOptions(process.cwd()),
    entryPoints: [entry],
    outfile,
    sourcemap: 'external',
    external: variant.external,
    metafile: true,
    logLevel: 'silent',
  };
}

interface BundleResult {
  fn: string;
  variant: Variant;
  outfile: string;
  bytes: number;
  gzipBytes: number;
  mapBytes: number;
  metafile: Metafile;
  warnings: number;
}

async function bundle(fn: string, variant: Variant): Promise<BundleResult> {
  const outfile = join(variant.outDir, fn, 'index.mjs');
  // Only this bundle's folder: dist/ may hold other tools' output.
  rmSync(join(variant.outDir, fn), { recursive: true, force: true });
  const result = await build(buildOptions(join(FUNCTIONS_DIR, fn, 'index.ts'), outfile, variant));
  const code = readFileSync(outfile);
  return {
    fn,
    variant,
    outfile,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    mapBytes: readFileSync(`${outfile}.map`).length,
    metafile: result.metafile ?? { inputs: {}, outputs: {} },
    warnings: result.warnings.length,
  };
}

interface InputShare {
  path: string;
  bytes: number;
}

/** Bytes each input contributes to the output after tree shaking, largest first. */
function inputsByOutputBytes(result: BundleResult): InputShare[] {
  const output = result.metafile.outputs[relative(process.cwd(), result.outfile)];
  if (!output) return [];
  return Object.entries(output.inputs)
    .map(([path, input]) => ({ path, bytes: input.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
}

function packagesByOutputBytes(inputs: InputShare[]): InputShare[] {
  const totals = new Map<string, number>();
  for (const input of inputs)
    totals.set(packageOf(input.path), (totals.get(packageOf(input.path)) ?? 0) + input.bytes);
  return [...totals].map(([path, bytes]) => ({ path, bytes })).sort((a, b) => b.bytes - a.bytes);
}

interface Timed {
  ms: number;
  status: number | null;
  stderr: string;
}

function timeNode(args: string[]): Timed {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, env: childEnv, encoding: 'utf8' });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms: elapsed, status: run.status, stderr: run.stderr };
}

/**
 * Median wall time of COLD_START_RUNS fresh processes, after one unmeasured run so the first
 * sample does not pay for reading the files from disk.
 */
function medianRun(args: string[]): { ms: number; error?: string } {
  const first = timeNode(args);
  if (first.status !== 0) return { ms: Number.NaN, error: first.stderr.trim() };
  const samples: number[] = [];
  for (let run = 0; run < COLD_START_RUNS; run++) samples.push(timeNode(args).ms);
  return { ms: median(samples) };
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

async function main(): Promise<number> {
  const fns = functionNames(FUNCTIONS_DIR);
  if (fns.length === 0)
    throw new Error(`no functions/<name>/index.ts found under ${FUNCTIONS_DIR}`);

  const results: BundleResult[] = [];
  let failed = false;
  for (const variant of VARIANTS) {
    for (const fn of fns) {
      try {
        results.push(await bundle(fn, variant));
      } catch (error) {
        failed = true;
        process.stderr.write(
          `build failed: ${fn} (${variant.label}): ${error instanceof Error ? error.message : String(error)}\n`,
        );
      }
    }
  }

  const bare = medianRun(['-e', '']);
  const bareEsm = medianRun(['--input-type=module', '-e', '']);
  const rows: string[][] = [];
  for (const result of results) {
    const imported = medianRun(importArgs(result.outfile));
    if (imported.error !== undefined) {
      failed = true;
      process.stderr.write(
        `import failed: ${relative(ROOT, result.outfile)}:\n${imported.error}\n`,
      );
    }
    rows.push([
      result.fn,
      result.variant.label,
      kb(result.bytes),
      kb(result.gzipBytes),
      kb(result.mapBytes),
      ms(imported.ms),
      ms(imported.ms - bare.ms),
      String(result.warnings),
    ]);
  }

  process.stdout.write(
    `esbuild: the deployed settings (bridgeEsbuildOptions), sourcemap external\n\n`,
  );
  process.stdout.write(
    `${formatTable(
      [
        'function',
        'variant',
        'bundle KB',
        'gzip KB',
        'map KB',
        'import ms',
        'cold start ms',
        'warnings',
      ],
      rows,
    )}\n\n`,
  );
  process.stdout.write(
    `import ms: median of ${COLD_START_RUNS} fresh \`node --input-type=module -e "import(bundle)"\`; ` +
      `cold start ms = import ms - median bare \`node -e ""\` (${ms(bare.ms)} ms). ` +
      `An empty \`node --input-type=module -e ""\` takes ${ms(bareEsm.ms)} ms.\n`,
  );

  for (const result of results) {
    const inputs = inputsByOutputBytes(result);
    const list = (shares: InputShare[]) =>
      shares
        .slice(0, TOP_INPUTS)
        .map((share) => `    ${kb(share.bytes).padStart(7)} KB  ${share.path}`)
        .join('\n');
    process.stdout.write(
      `\n${result.fn} (${result.variant.label}): ${inputs.length} inputs in ` +
        `${relative(ROOT, result.outfile)}\n  top ${TOP_INPUTS} inputs by bytes in output:\n` +
        `${list(inputs)}\n  top ${TOP_INPUTS} packages:\n${list(packagesByOutputBytes(inputs))}\n`,
    );
  }
  return failed ? 1 : 0;
}

exitWhenDone(main, 'bundle');
