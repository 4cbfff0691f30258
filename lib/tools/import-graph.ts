/**
 * The import graph between the folders of `lib/` (a developer tool: `node scripts/import-matrix.mjs`, and
 * test/architecture.test.ts, which holds the rules of the layout).
 *
 * A folder is the first path segment below `lib/` (`lib/core/names.ts` is in `core`); files directly in
 * `lib/` are in `(top)`. Only relative imports count (`from './x'`, `require('../x')`, `import('../x')`);
 * packages and Node built-ins are listed apart, per folder, so that a rule such as "the in-cluster programs
 * use Node built-ins only" can be checked too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface ImportGraph {
  /** Folders, sorted. */
  readonly folders: readonly string[];
  /** `edges.get(a).get(b)`: how many imports from files of `a` name a file of `b` (a !== b). */
  readonly edges: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Per file (relative to the root, `/` separated): the packages and built-ins it imports. */
  readonly packages: ReadonlyMap<string, readonly string[]>;
  /** Per file: the files of `lib/` it imports (relative to the root, without extension). */
  readonly fileImports: ReadonlyMap<string, readonly string[]>;
  /** Lines of each file. */
  readonly lines: ReadonlyMap<string, number>;
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

function* typescriptFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typescriptFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/** The folder of a file below `lib`. */
export function folderOf(libDir: string, file: string): string {
  const parts = relative(libDir, file).split(sep);
  return parts.length > 1 ? parts[0] : '(top)';
}

/** Reads every `.ts` file below `libDir` and builds the folder graph. */
export function importGraph(libDir: string): ImportGraph {
  const lib = resolve(libDir);
  const root = dirname(lib);
  const edges = new Map<string, Map<string, number>>();
  const packages = new Map<string, string[]>();
  const fileImports = new Map<string, string[]>();
  const lines = new Map<string, number>();
  const folders = new Set<string>();
  for (const file of typescriptFiles(lib)) {
    const from = folderOf(lib, file);
    folders.add(from);
    const text = readFileSync(file, 'utf8');
    const name = relative(root, file).split(sep).join('/');
    lines.set(name, text.split('\n').length - (text.endsWith('\n') ? 1 : 0));
    const pkgs = new Set<string>();
    const locals = new Set<string>();
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1];
      if (!spec.startsWith('.')) {
        pkgs.add(spec);
        continue;
      }
      const target = resolve(dirname(file), spec).replace(/\.(ts|js)$/, '');
      if (!target.startsWith(lib + sep)) continue;
      locals.add(relative(root, target).split(sep).join('/'));
      const to = folderOf(lib, target + '.ts');
      if (to === from) continue;
      const row = edges.get(from) ?? new Map<string, number>();
      row.set(to, (row.get(to) ?? 0) + 1);
      edges.set(from, row);
    }
    packages.set(name, [...pkgs].sort());
    fileImports.set(name, [...locals].sort());
  }
  return { folders: [...folders].sort(), edges, packages, fileImports, lines };
}

/** The cycles of the folder graph: each strongly connected component of more than one folder (Tarjan). */
export function folderCycles(graph: ImportGraph): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of [...(graph.edges.get(v)?.keys() ?? [])].sort()) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of graph.folders) if (!indices.has(v)) visit(v);
  return components.sort((a, b) => a[0].localeCompare(b[0]));
}

/** The matrix as Markdown: one row per importing folder, one column per imported folder, counts of imports. */
export function importMatrixMarkdown(graph: ImportGraph): string {
  const header = `| from \\ to | ${graph.folders.join(' | ')} |`;
  const rule = `|---|${graph.folders.map(() => '---:').join('|')}|`;
  const rows = graph.folders.map((a) => `| ${a} | ${graph.folders.map((b) => String(graph.edges.get(a)?.get(b) ?? '')).join(' | ')} |`);
  return [header, rule, ...rows].join('\n') + '\n';
}

/** The `count` largest files, as `lines path`. */
export function largestFiles(graph: ImportGraph, count: number): string[] {
  return [...graph.lines.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, count)
    .map(([file, n]) => `${n} ${file}`);
}

/** `node build/lib/tools/import-graph.js [LIB_DIR]`: prints the matrix, the cycles and the largest files. */
export function main(argv: readonly string[], out: (line: string) => void = console.log): number {
  const graph = importGraph(argv[0] ?? 'lib');
  out(importMatrixMarkdown(graph));
  const cycles = folderCycles(graph);
  out(cycles.length === 0 ? 'cycles between folders: none' : `cycles between folders: ${cycles.map((c) => c.join(' <-> ')).join('; ')}`);
  out('largest files:');
  for (const line of largestFiles(graph, 8)) out(`  ${line}`);
  return 0;
}
