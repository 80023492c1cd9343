import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * What the bundle measurements (scripts/bundle.ts, scripts/bench-cold.ts) share: which
 * functions there are, whose package a bundled input is, and how a fresh Node imports a bundle.
 */

/**
 * Every `<functionsDir>/<name>/index.ts`, sorted, so a new function is measured without
 * editing the scripts.
 */
export function functionNames(functionsDir: string): string[] {
  return readdirSync(functionsDir, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && existsSync(join(functionsDir, entry.name, 'index.ts')),
    )
    .map((entry) => entry.name)
    .sort();
}

/**
 * The package an esbuild metafile input belongs to; the project's own files are `(project)`.
 *
 * @example
 * packageOf('node_modules/@smithy/core/dist-es/index.js'); // '@smithy/core'
 */
export function packageOf(input: string): string {
  const marker = 'node_modules/';
  const at = input.lastIndexOf(marker);
  if (at < 0) return '(project)';
  const parts = input.slice(at + marker.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? input);
}

/**
 * This process's environment for timed child processes: they must not inherit a loader (tsx)
 * through NODE_OPTIONS, which would be timed too.
 */
export const childEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => name !== 'NODE_OPTIONS'),
);

/**
 * Node arguments that import a bundle as Lambda does: the process exits 2 unless the bundle
 * exports a `handler` function.
 */
export function importArgs(outfile: string, options: { sourceMaps?: boolean } = {}): string[] {
  const url = JSON.stringify(pathToFileURL(outfile).href);
  return [
    ...(options.sourceMaps ? ['--enable-source-maps'] : []),
    '--input-type=module',
    '-e',
    `import(${url}).then((m) => { if (typeof m.handler !== 'function') process.exit(2); })`,
  ];
}
