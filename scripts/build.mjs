#!/usr/bin/env node
// Transpiles main.ts, lib/, imports/ and examples/ (platform modules for `synth --platform`) to build/ (CommonJS) with swc: about 0.2 s, no type check.
// Types are checked by `npm run typecheck` (tsc --noEmit), which `npm test` and CI run.
// Then bundles each in-cluster program (lib/programs/bundle.ts) into one self-contained file,
// build/lib/programs/<dir>/<name>.js, and copies the Python apps upload program beside it.
// Output is deterministic (pinned swc, options in scripts/swc-options.json, no source maps), so the
// programs that synth embeds from build/ are byte-identical on every machine.
import { transformFileSync } from '@swc/core';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
// BUILD_OUT: another folder (the tests build into a temporary one to compare the programs).
const out = process.env.BUILD_OUT ? resolve(process.env.BUILD_OUT) : join(root, 'build');
const options = JSON.parse(readFileSync(join(root, 'scripts', 'swc-options.json'), 'utf8'));
const transpile = (file) => transformFileSync(file, options).code;

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

// Built beside the target and swapped in at the end, so a command that runs while another builds (e.g.
// `npm run synth` during `npm test`) finds the old tree or the new one, never half of one.
const work = `${out}.tmp-${process.pid}`;
rmSync(work, { recursive: true, force: true });
for (const file of [join(root, 'main.ts'), ...sources(join(root, 'lib')), ...sources(join(root, 'imports')), ...sources(join(root, 'examples'))]) {
  const target = join(work, relative(root, file)).replace(/\.ts$/, '.js');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, transpile(file));
}

// The programs: one file each, made by the bundler just built (the loader under Jest uses the same one).
const { PROGRAM_ENTRIES, bundleProgram } = createRequire(import.meta.url)(join(work, 'lib', 'programs', 'bundle.js'));
for (const entry of PROGRAM_ENTRIES) {
  writeFileSync(join(work, 'lib', `${entry}.js`), bundleProgram(join(root, 'lib', `${entry}.ts`), join(root, 'lib'), transpile));
}
mkdirSync(join(work, 'lib', 'programs', 'apps'), { recursive: true });
copyFileSync(join(root, 'lib', 'programs', 'apps', 'upload-apps.py'), join(work, 'lib', 'programs', 'apps', 'upload-apps.py'));
const old = `${out}.old-${process.pid}`;
if (existsSync(out)) renameSync(out, old);
renameSync(work, out);
rmSync(old, { recursive: true, force: true });
