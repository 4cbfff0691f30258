#!/usr/bin/env node
// Lints the objects of dist/ (or the folder given); logic in lib/analysis/lint-policies.ts. Run `node scripts/build.mjs` first.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { runCli } = require('../build/lib/cli-args.js');
const { LINT_POLICIES_COMMAND } = require('../build/lib/cli-commands.js');
const argv = process.argv.slice(2);
process.exitCode = runCli(LINT_POLICIES_COMMAND, argv, () => require('../build/lib/analysis/lint-policies.js').main(argv));
