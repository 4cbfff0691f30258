#!/usr/bin/env node
// `npm run bench [-- --ci | --sizes 10,100 | --runs K | --json FILE]`; the logic is lib/bench/benchmark.ts.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const run = spawnSync(process.execPath, [join(root, 'build', 'lib', 'bench', 'benchmark.js'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exitCode = run.status ?? 1;
