import { build, type Metafile } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bridgeEsbuildOptions } from '../infra/constructs/bridge-function';
import { exitWhenDone } from './lib/cli';
import { childEnv, functionNames, importArgs, packageOf } from './lib/function-bundles';
import { formatTable, median } from './lib/stats';

/**
 * `npm run bench:cold [-- --runs N]`: bundles every function (`functions/<name>/index.ts`) with
 * the deployed esbuild settings (`bridgeEsbuildOptions`, the ones CDK gets), and prints each
 * bundle's size and its cold import time as a multiple of a bare `node -e ''`, against the goals
 * of issue 13.
 *
 * - Size: the bundle file (index.mjs) alone; the source map and the fax fonts, copied beside
 *   the bundle of the functions that render order forms, are not counted.
 * - Cold import: a fresh `node --input-type=module -e "import(bundle)"` that checks `handler`
 *   is exported, timed as a whole process. Every round runs a bare `node -e ''` right before
 *   each bundle, in a new order each round, so both see the same machine load; the ratio is
 *   the median over the rounds of (bundle / bare). One unmeasured round warms the file cache.
 * - `with maps`: the same with `--enable-source-maps`, which the functions run with in Lambda
 *   (NODE_OPTIONS): Node then reads each bundle's source map when it loads the bundle.
 * - The reference is the smallest middy + Powertools Logger handler
 *   (scripts/lib/cold-reference-handler.ts). The floors are the least a webhook and a dispatch
 *   function bundle with the project's chosen parts (AWS SDK clients, the kintone REST client,
 *   zod), without the bridge's own code (scripts/lib/cold-floor-*.ts): where a floor misses a
 *   goal, no work on the bridge's code can meet it.
 *
 * These are module-load times on this machine's Node, not Lambda init durations. Exits 1 when a
 * bundle fails to build or to import; a goal not met is reported, not an error.
 */

const ROOT = resolve(import.meta.dirname, '..');
const FUNCTIONS_DIR = join(ROOT, 'functions');
const OUT_DIR = join(ROOT, 'dist', 'bench-cold');
const REFERENCE = 'middy + Logger (reference)';
/**
 * The least a function with the project's chosen parts bundles, per goal (see the modules): a
 * goal below its floor cannot be met without giving up one of those parts.
 */
const FLOORS: ReadonlyArray<{ name: string; module: string; floorOf: string }> = [
  { name: 'floor: webhook parts', module: 'cold-floor-webhook.ts', floorOf: 'webhook' },
  { name: 'floor: dispatch parts', module: 'cold-floor-dispatch.ts', floorOf: 'dispatch' },
];
const DEFAULT_RUNS = 15;
const TOP_PACKAGES = 4;

interface Goal {
  maxKb: number;
  maxRatio: number;
}

/** Issue 13's goals; every other function is reported without one. */
const GOALS: Readonly<Record<string, Goal>> = {
  webhook: { maxKb: 100, maxRatio: 1.3 },
  dispatch: { maxKb: 600, maxRatio: 2.0 },
};

interface Bundle {
  name: string;
  outfile: string;
  bytes: number;
  gzipBytes: number;
  metafile: Metafile;
}

function runsFromArgs(argv: readonly string[]): number {
  const at = argv.indexOf('--runs');
  if (at < 0) return DEFAULT_RUNS;
  const runs = Number(argv[at + 1]);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer');
  return runs;
}

async function bundle(name: string, entry: string): Promise<Bundle> {
  const dir = join(OUT_DIR, name.replace(/[^a-z0-9-]+/gi, '-'));
  rmSync(dir, { recursive: true, force: true });
  const outfile = join(dir, 'index.mjs');
  const result = await build({
    ...bridgeEsbuildOptions(ROOT),
    entryPoints: [entry],
    outfile,
    metafile: true,
    logLevel: 'error',
  });
  const code = readFileSync(outfile);
  return {
    name,
    outfile,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    metafile: result.metafile,
  };
}

/** Bytes each package contributes to the bundle after tree shaking, largest first. */
function packageBytes(result: Bundle): Array<[string, number]> {
  const output = Object.values(result.metafile.outputs).find((out) => out.entryPoint);
  const totals = new Map<string, number>();
  for (const [input, share] of Object.entries(output?.inputs ?? {})) {
    totals.set(packageOf(input), (totals.get(packageOf(input)) ?? 0) + share.bytesInOutput);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/** Wall time of one whole Node process, in ms; throws with its stderr if it fails. */
function timeProcess(args: readonly string[]): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, env: childEnv, encoding: 'utf8' });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed:\n${run.stderr.trim()}`);
  return elapsed;
}

const BARE = ['-e', ''];

/** A round-robin order that moves by one each round, so no bundle always follows another. */
function rotated<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

interface Timing {
  importMs: number;
  ratio: number;
  mapsRatio: number;
}

/**
 * Median import time and median ratio to a bare node run just before, per bundle, with and
 * without `--enable-source-maps`; plus the median bare run.
 */
function timeBundles(
  bundles: readonly Bundle[],
  runs: number,
): { bare: number; by: Map<string, Timing> } {
  const samples = new Map(
    bundles.map((b) => [
      b.name,
      { ms: [] as number[], ratio: [] as number[], maps: [] as number[] },
    ]),
  );
  const bares: number[] = [];
  for (let round = 0; round <= runs; round++) {
    for (const b of rotated(bundles, round)) {
      for (const sourceMaps of [false, true]) {
        const bare = timeProcess(BARE);
        const imported = timeProcess(importArgs(b.outfile, { sourceMaps }));
        if (round === 0) continue; // the warm-up round
        const s = samples.get(b.name);
        if (!s) continue;
        if (sourceMaps) {
          s.maps.push(imported / bare);
        } else {
          s.ms.push(imported);
          s.ratio.push(imported / bare);
          bares.push(bare);
        }
      }
    }
    process.stderr.write(round === 0 ? 'timing: warm-up done' : ` ${round}`);
  }
  process.stderr.write('\n');
  const by = new Map<string, Timing>();
  for (const [name, s] of samples) {
    by.set(name, { importMs: median(s.ms), ratio: median(s.ratio), mapsRatio: median(s.maps) });
  }
  return { bare: median(bares), by };
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

function verdict(goal: Goal | undefined, b: Bundle, t: Timing): string {
  const floorOf = FLOORS.find((floor) => floor.name === b.name)?.floorOf;
  const ofGoal = floorOf === undefined ? undefined : GOALS[floorOf];
  if (ofGoal) return `its goal ${goalVerdict(ofGoal, b, t)}`;
  return goal ? goalVerdict(goal, b, t) : 'reported';
}

function goalVerdict(goal: Goal, b: Bundle, t: Timing): string {
  const size = b.bytes / 1024 <= goal.maxKb;
  const time = t.ratio <= goal.maxRatio;
  const part = (ok: boolean, what: string) => `${what} ${ok ? 'met' : 'NOT met'}`;
  return `${part(size, `<= ${goal.maxKb} KB`)}, ${part(time, `<= ${goal.maxRatio.toFixed(1)} x`)}`;
}

async function main(): Promise<number> {
  const runs = runsFromArgs(process.argv.slice(2));
  const entries: Array<[string, string]> = [
    [REFERENCE, join(ROOT, 'scripts', 'lib', 'cold-reference-handler.ts')],
    ...FLOORS.map((floor): [string, string] => [
      floor.name,
      join(ROOT, 'scripts', 'lib', floor.module),
    ]),
    ...functionNames(FUNCTIONS_DIR).map((fn): [string, string] => [
      fn,
      join(FUNCTIONS_DIR, fn, 'index.ts'),
    ]),
  ];
  const bundles: Bundle[] = [];
  for (const [name, entry] of entries) bundles.push(await bundle(name, entry));

  const { bare, by } = timeBundles(bundles, runs);
  const rows = bundles.map((b) => {
    const t = by.get(b.name) as Timing;
    return [
      b.name,
      kb(b.bytes),
      kb(b.gzipBytes),
      t.importMs.toFixed(1),
      `${t.ratio.toFixed(2)} x`,
      `${t.mapsRatio.toFixed(2)} x`,
      verdict(GOALS[b.name], b, t),
    ];
  });
  process.stdout.write(
    `${formatTable(['bundle', 'KB', 'gzip KB', 'import ms', 'ratio', 'with maps', 'goal'], rows)}\n\n`,
  );
  process.stdout.write(
    `${runs} rounds on Node ${process.versions.node}, load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')} at the end; ` +
      `bare \`node -e ''\` median ${bare.toFixed(1)} ms. ratio: median of (import / the bare run ` +
      `just before); with maps: the same under --enable-source-maps (as deployed). ` +
      `Bundles in ${relative(ROOT, OUT_DIR)}/ (fonts and maps not counted).\n\n`,
  );
  for (const b of bundles) {
    const top = packageBytes(b)
      .slice(0, TOP_PACKAGES)
      .map(([pkg, bytes]) => `${pkg} ${kb(bytes)}`)
      .join(', ');
    const brotli = Object.keys(b.metafile.inputs).some((input) =>
      input.includes('node_modules/brotli/'),
    );
    process.stdout.write(`${b.name}: ${top}${brotli ? ' (brotli bundled!)' : ''}\n`);
  }
  const missed = bundles.filter((b) => {
    const goal = GOALS[b.name];
    const t = by.get(b.name) as Timing;
    return goal !== undefined && (b.bytes / 1024 > goal.maxKb || t.ratio > goal.maxRatio);
  });
  process.stdout.write(
    `\ngoals: ${missed.length === 0 ? 'all met' : `not met by ${missed.map((b) => b.name).join(', ')}`}\n`,
  );
  return 0;
}

exitWhenDone(main, 'bench:cold');
