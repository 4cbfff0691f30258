#!/usr/bin/env node
// `npm run bench [-- --ci | --sizes 10,100 | --runs K | --json FILE]`; the logic is lib/tools/bench/benchmark.ts.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { runCli } = require('../build/lib/cli-args.js');
const { BENCH_COMMAND } = require('../build/lib/cli-commands.js');
const argv = process.argv.slice(2);
process.exitCode = runCli(BENCH_COMMAND, argv, () => {
  const run = spawnSync(process.execPath, [join(root, 'build', 'lib', 'tools', 'bench', 'benchmark.js'), ...argv], { stdio: 'inherit', cwd: root });
  return run.status ?? 1;
});
