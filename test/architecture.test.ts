/**
 * The rules of the layout of lib/ (README "How to add ..."), checked on the code itself:
 * no import cycle between folders, a core that imports nothing else, in-cluster programs that need only
 * Node built-ins, and a synth path that does not load the developer tools.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { folderCycles, importGraph, importMatrixMarkdown, ImportGraph } from '../lib/tools/import-graph';

const ROOT = join(__dirname, '..');
const graph = importGraph(join(ROOT, 'lib'));
const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** The files reachable from `entry` (relative to the root, without extension) through imports of lib/. */
function closure(g: ImportGraph, entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const imports = g.fileImports.get(`${file}.ts`) ?? g.fileImports.get(`${file}/index.ts`);
    for (const next of imports ?? []) todo.push(next);
  }
  return seen;
}

describe('the layout of lib/', () => {
  test('no import cycle between folders of lib/', () => {
    expect(folderCycles(graph)).toEqual([]);
  });

  test('the cycle check finds a cycle when there is one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-graph-'));
    try {
      for (const [file, text] of [
        ['lib/a/x.ts', "import { y } from '../b/y';\nexport const x = y;\n"],
        ['lib/b/y.ts', "import { z } from '../c/z';\nexport const y = z;\n"],
        ['lib/c/z.ts', "export const z = require('../a/x');\n"],
        ['lib/d/w.ts', "import { x } from '../a/x';\nexport const w = x;\n"],
      ]) {
        mkdirSync(join(dir, file, '..'), { recursive: true });
        writeFileSync(join(dir, file), text);
      }
      const g = importGraph(join(dir, 'lib'));
      expect(folderCycles(g)).toEqual([['a', 'b', 'c']]);
      expect(importMatrixMarkdown(g)).toContain('| d | 1 |');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('lib/core imports nothing else of lib/ and only Node built-ins', () => {
    expect(graph.edges.get('core') ?? new Map()).toEqual(new Map());
    const packages = [...graph.packages].filter(([file]) => file.startsWith('lib/core/')).flatMap(([, p]) => p);
    expect(packages.filter((p) => !BUILTINS.has(p))).toEqual([]);
  });

  test.each(['lib/programs/bootstrap/bootstrap', 'lib/programs/mig/mig-setup'])('the in-cluster program %s needs only its own folder and Node built-ins', (entry) => {
    const files = closure(graph, entry);
    expect(files.size).toBeGreaterThan(0);
    expect([...files].filter((f) => !f.startsWith('lib/programs/'))).toEqual([]);
    const packages = [...files].flatMap((f) => graph.packages.get(`${f}.ts`) ?? []);
    expect(packages.filter((p) => !BUILTINS.has(p))).toEqual([]);
  });

  test('synth does not load the developer tools', () => {
    const files = closure(graph, 'lib/synth');
    expect(files.has('lib/synth')).toBe(true);
    expect([...files].filter((f) => f.startsWith('lib/tools/'))).toEqual([]);
  });

  test("the README's layout table lists every folder of lib/ with exactly the folders it imports", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('### Layout'), readme.indexOf('### How to add a platform component'));
    const rows = new Map([...table.matchAll(/^\| `lib\/([a-z-]+)` \| .*? \| ([^|]*) \|$/gm)].map((m) => [m[1], m[2].trim()]));
    expect([...rows.keys()].sort()).toEqual(graph.folders.filter((f) => f !== '(top)'));
    for (const [folder, listed] of rows) {
      const actual = [...(graph.edges.get(folder)?.keys() ?? [])].sort();
      expect({ folder, imports: listed === 'nothing of `lib/`' ? [] : listed.split(', ').sort() }).toEqual({ folder, imports: actual });
    }
  });

  test('nothing outside the router-kind registry compares router kinds (lib/tenant/router-kinds.ts)', () => {
    const branch = /routerKind\s*[!=]==|[!=]==\s*'(app-gateway|task-traffic-router)'/;
    expect(branch.test("if (platform.tenantReleases.routerKind === 'app-gateway')")).toBe(true);
    const offenders = [...graph.lines.keys()].filter((file) => !file.endsWith('router-kinds.ts') && readFileSync(join(ROOT, file), 'utf8').split('\n').some((line) => branch.test(line)));
    expect(offenders).toEqual([]);
  });
});
