#!/usr/bin/env node
// Transpiles main.ts, lib/ and imports/ to build/ (CommonJS) with swc: about 0.2 s, no type check.
// Types are checked by `npm run typecheck` (tsc --noEmit), which `npm test` and CI run.
// Output is deterministic (pinned swc, no source maps), so the bootstrap program that synth embeds
// from build/ is byte-identical on every machine.
import { transformFileSync } from '@swc/core';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'build');

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

rmSync(out, { recursive: true, force: true });
for (const file of [join(root, 'main.ts'), ...sources(join(root, 'lib')), ...sources(join(root, 'imports'))]) {
  const { code } = transformFileSync(file, {
    swcrc: false,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022', keepClassNames: true },
    module: { type: 'commonjs' },
    sourceMaps: false,
  });
  const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, code);
}
