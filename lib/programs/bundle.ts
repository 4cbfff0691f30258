/**
 * The bundling step of the in-cluster programs: one self-contained JavaScript file per program, so that synth
 * can embed it in a ConfigMap and a plain `node` image can run it with Node built-ins only.
 *
 * How: the program's entry module and every module it imports with a relative path (its import closure,
 * found in the transpiled CommonJS text) are each wrapped in a function keyed by their path under `lib/`;
 * a tiny loader at the end runs the entry. Relative `require("./x")` calls become `__load("programs/x")`;
 * `require("node:...")` is left to Node. Only relative imports of `.ts` modules under `lib/` are allowed;
 * anything else (an npm package) is an error, since the Job's image has no `node_modules`.
 *
 * Deterministic: the modules appear in the order they are first imported (depth first, in source order),
 * and the text depends only on the transpiled sources. `scripts/build.mjs` and the program loader
 * (`program-text.ts`, when it runs from the TypeScript sources under Jest) call this same function with
 * the same swc options (`scripts/swc-options.json`), so both give the same text.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** The transpiled CommonJS text of one TypeScript source file. */
export type Transpile = (file: string) => string;

/** The programs, each with its folder under `lib/programs/` and its file name (in the ConfigMap too). */
export const PROGRAMS = {
  bootstrap: { dir: 'bootstrap', file: 'bootstrap.js' },
  'mig-setup': { dir: 'mig', file: 'mig-setup.js' },
  'upload-apps': { dir: 'apps', file: 'upload-apps.py' },
} as const;

export type ProgramName = keyof typeof PROGRAMS;

/** The entries of the JavaScript programs, under `lib/` (`programs/<dir>/<name>`): the built `build/lib/<entry>.js` is the bundle. */
export const PROGRAM_ENTRIES: readonly string[] = Object.values(PROGRAMS)
  .filter((p) => p.file.endsWith('.js'))
  .map((p) => `programs/${p.dir}/${p.file.replace(/\.js$/, '')}`);

const RELATIVE_REQUIRE = /\brequire\((["'])(\.{1,2}\/[^"']+)\1\)/g;
const ANY_REQUIRE = /\brequire\((["'])([^"']+)\1\)/g;

/**
 * Bundles the program whose entry is `entryFile` (a `.ts` file under `libDir`). Throws when a module imports
 * something that is neither a Node built-in (`node:` prefix) nor a relative `.ts` module under `libDir`.
 */
export function bundleProgram(entryFile: string, libDir: string, transpile: Transpile): string {
  const modules: { key: string; code: string }[] = [];
  const keys = new Map<string, string>(); // file -> key
  const keyOf = (file: string) => relative(libDir, file).split(sep).join('/').replace(/\.ts$/, '');
  const visit = (file: string): string => {
    const known = keys.get(file);
    if (known !== undefined) return known;
    const key = keyOf(file);
    if (key.startsWith('../')) throw new Error(`${file}: a program may only import modules under ${libDir}`);
    keys.set(file, key);
    const entry = { key, code: '' };
    modules.push(entry);
    let code = transpile(file);
    for (const m of code.matchAll(ANY_REQUIRE)) {
      const spec = m[2];
      if (!spec.startsWith('node:') && !spec.startsWith('./') && !spec.startsWith('../')) {
        throw new Error(`${file}: imports "${spec}"; an in-cluster program may import Node built-ins ("node:...") and its own modules only`);
      }
    }
    code = code.replace(RELATIVE_REQUIRE, (_all, _quote, spec: string) => {
      const base = resolve(dirname(file), spec);
      const target = [`${base}.ts`, join(base, 'index.ts')].find((f) => existsSync(f));
      if (target === undefined) throw new Error(`${file}: cannot find the module "${spec}" (looked for ${base}.ts and ${join(base, 'index.ts')})`);
      return `__load(${JSON.stringify(visit(target))})`;
    });
    entry.code = code;
    return key;
  };
  const entryKey = visit(entryFile);
  const definitions = modules.map((m) => `${JSON.stringify(m.key)}: function (exports, module, require, __load) {\n${m.code.trimEnd()}\n},`).join('\n');
  return [
    '"use strict";',
    `// ${entryKey}.js: the program and the ${modules.length - 1} module(s) it imports, bundled into one file by`,
    '// lib/programs/bundle.ts (each module is a function keyed by its path under lib/). Node built-ins only.',
    '(function (outerModule, outerRequire) {',
    'const definitions = {',
    definitions,
    '};',
    'const cache = {};',
    // The entry sees itself as the main module when this file is run with `node file.js`.
    `const entryModule = { exports: {} };`,
    'const isMain = outerRequire.main === outerModule;',
    'function __load(key) {',
    '  if (cache[key]) return cache[key].exports;',
    `  const module = key === ${JSON.stringify(entryKey)} ? entryModule : { exports: {} };`,
    '  cache[key] = module;',
    '  const require = (id) => outerRequire(id);',
    '  require.main = isMain ? entryModule : outerRequire.main;',
    '  definitions[key].call(module.exports, module.exports, module, require, __load);',
    '  return module.exports;',
    '}',
    `outerModule.exports = __load(${JSON.stringify(entryKey)});`,
    '})(module, require);',
    '',
  ].join('\n');
}
