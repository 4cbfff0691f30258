/**
 * The one program loader and the bundler: the text synth embeds is one self-contained file per program (Node
 * built-ins only), the same whether bundled from the sources (Jest) or by `scripts/build.mjs`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleProgram, PROGRAM_ENTRIES } from '../../lib/programs/bundle';
import { PROGRAMS, programText } from '../../lib/programs/program-text';

const ROOT = join(__dirname, '..', '..');

jest.setTimeout(60_000);

let out: string;

beforeAll(() => {
  // A fresh build into a temporary folder (build/ is left as it is, other tests run from it).
  out = mkdtempSync(join(tmpdir(), 'programs-build-'));
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { env: { ...process.env, BUILD_OUT: out }, stdio: 'ignore' });
});

afterAll(() => rmSync(out, { recursive: true, force: true }));

test.each(Object.entries(PROGRAMS))('%s: the loader gives exactly the text scripts/build.mjs writes', (name, { dir, file }) => {
  const built = readFileSync(join(out, 'lib', 'programs', dir, file), 'utf8');
  expect(programText(name as keyof typeof PROGRAMS)).toBe(built);
});

test.each(PROGRAM_ENTRIES.map((e) => [e]))('%s is one file that requires Node built-ins only and runs its shared modules', (entry) => {
  const text = readFileSync(join(out, 'lib', `${entry}.js`), 'utf8');
  const required = [...text.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]);
  expect(required.length).toBeGreaterThan(0);
  for (const module of required) expect(module).toMatch(/^node:/);
  // the shared client and exit codes are inside, as functions keyed by path
  expect(text).toContain('"programs/common/exit-codes": function (exports, module, require, __load) {');
  expect(text).toContain('"programs/common/kubernetes": function (exports, module, require, __load) {');
  // required as a module, it exports the entry's exports and does not run main()
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(join(out, 'lib', `${entry}.js`));
  expect(typeof loaded.run).toBe('function');
});

test('the bundle is deterministic and refuses an npm package', () => {
  const lib = mkdtempSync(join(tmpdir(), 'programs-lib-'));
  try {
    mkdirSync(join(lib, 'p'));
    writeFileSync(join(lib, 'p', 'main.ts'), "import { x } from './dep';\nexport const y = x + 1;\n");
    writeFileSync(join(lib, 'p', 'dep.ts'), 'export const x = 1;\n');
    writeFileSync(join(lib, 'p', 'bad.ts'), "import { load } from 'js-yaml';\nexport const z = load;\n");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const swc = require('@swc/core');
    const options = JSON.parse(readFileSync(join(ROOT, 'scripts', 'swc-options.json'), 'utf8'));
    const transpile = (f: string) => swc.transformFileSync(f, options).code as string;
    const one = bundleProgram(join(lib, 'p', 'main.ts'), lib, transpile);
    expect(bundleProgram(join(lib, 'p', 'main.ts'), lib, transpile)).toBe(one);
    expect(one).toContain('__load("p/dep")');
    const file = join(lib, 'bundle.js');
    writeFileSync(file, one);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require(file).y).toBe(2);
    expect(() => bundleProgram(join(lib, 'p', 'bad.ts'), lib, transpile)).toThrow(/imports "js-yaml"; an in-cluster program may import Node built-ins \("node:\.\.\."\) and its own modules only/);
  } finally {
    rmSync(lib, { recursive: true, force: true });
  }
});
