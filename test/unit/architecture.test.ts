import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The layers of `shared/` (see shared/README.md) and what each may import. The picture in the
 * folder names stays true only if the arrows do: the domain depends on nothing, adapters on ports
 * and the domain (never on a use case), and nothing in `shared/` on a function, the local stack
 * or the CDK app.
 */
const ALLOWED: Record<string, readonly string[]> = {
  domain: [],
  ports: ['domain'],
  config: ['domain', 'edge', 'ports'],
  edge: ['domain', 'ports', 'config'],
  kintone: ['domain', 'config', 'edge', 'ports'],
  documents: ['domain', 'edge', 'config'],
  'use-cases': ['domain', 'ports', 'kintone', 'documents', 'config', 'edge'],
  adapters: ['ports', 'domain', 'config', 'edge', 'kintone', 'documents'],
};

/**
 * npm packages the pure domain may use. Node's built-ins are I/O too, so none of them.
 * simple-statistics: pure math without I/O or dependencies (the normal quantile for the service
 * level's z, mean, median, standard deviation), used by the learning in domain/learning/.
 */
const DOMAIN_PACKAGES: readonly string[] = ['simple-statistics'];

const SHARED = path.resolve(__dirname, '../../shared');
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function layerOf(file: string): string {
  return path.relative(SHARED, file).split(path.sep)[0] as string;
}

interface ImportEdge {
  file: string;
  layer: string;
  specifier: string;
  /** The layer of the imported file, or `outside:<folder>` / `package:<name>`. */
  target: string;
}

function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(file, 'utf8');
  const edges: ImportEdge[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = (match[1] ?? match[2]) as string;
    let target: string;
    if (specifier.startsWith('.')) {
      const resolved = path.resolve(path.dirname(file), specifier);
      const relative = path.relative(SHARED, resolved);
      target = relative.startsWith('..')
        ? `outside:${path.relative(path.dirname(SHARED), resolved).split(path.sep)[0]}`
        : (relative.split(path.sep)[0] as string);
    } else {
      target = `package:${specifier}`;
    }
    edges.push({ file: path.relative(SHARED, file), layer: layerOf(file), specifier, target });
  }
  return edges;
}

const files = sourceFiles(SHARED);
const edges = files.flatMap(importsOf);

describe('the layers of shared/', () => {
  it('has a folder for every layer and no other folder', () => {
    const folders = readdirSync(SHARED, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(folders).toEqual(Object.keys(ALLOWED).sort());
  });

  it('finds the imports it judges (the rule is not vacuous)', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(edges.filter((edge) => edge.target === 'domain').length).toBeGreaterThan(50);
  });

  it('imports only from the layers each layer may use', () => {
    const wrong = edges
      .filter((edge) => !edge.target.startsWith('package:'))
      .filter((edge) => edge.target !== edge.layer && !ALLOWED[edge.layer]?.includes(edge.target))
      .map((edge) => `${edge.file} (${edge.layer}) imports ${edge.specifier} (${edge.target})`);
    expect(wrong).toEqual([]);
  });

  it('keeps the domain free of packages and I/O', () => {
    const wrong = edges
      .filter((edge) => edge.layer === 'domain' && edge.target.startsWith('package:'))
      .filter((edge) => !DOMAIN_PACKAGES.includes(edge.target.slice('package:'.length)))
      .map((edge) => `${edge.file} imports ${edge.specifier}`);
    expect(wrong).toEqual([]);
  });

  it('lets no shared module import the SDK clients except the adapters', () => {
    const wrong = edges
      .filter((edge) => /^package:(@aws-sdk\/|@kintone\/|nodemailer)/.test(edge.target))
      .filter((edge) => edge.layer !== 'adapters')
      .map((edge) => `${edge.file} imports ${edge.specifier}`);
    expect(wrong).toEqual([]);
  });
});
