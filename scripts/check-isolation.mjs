#!/usr/bin/env node
// Proves tenant isolation from dist/ (or the folder given); logic in lib/analysis/check-isolation.ts. Run `node scripts/build.mjs` first.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { runCli } = require('../build/lib/cli-args.js');
const { CHECK_ISOLATION_COMMAND } = require('../build/lib/cli-commands.js');
const argv = process.argv.slice(2);
process.exitCode = runCli(CHECK_ISOLATION_COMMAND, argv, () => require('../build/lib/analysis/check-isolation.js').main(argv));
