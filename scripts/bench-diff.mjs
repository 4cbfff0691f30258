#!/usr/bin/env node
// `node scripts/bench-diff.mjs [N]`: the diff's benchmark (lib/tools/bench/diff-bench.ts); also `npm run bench -- --diff`.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
const sizes = process.argv[2] ? ['--sizes', process.argv[2]] : [];
const run = spawnSync(process.execPath, [join(root, 'build', 'lib', 'tools', 'bench', 'benchmark.js'), '--diff', ...sizes], { stdio: 'inherit', cwd: root });
process.exitCode = run.status ?? 1;
