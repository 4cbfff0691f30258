#!/usr/bin/env node
// `npm run diff -- [--base REF | --base-dir A] [--head-dir B] [--markdown FILE] [--fail-on risk] [--summary]`;
// logic in lib/tools/diff/cli.ts. Run `node scripts/build.mjs` first.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { runCli } = require('../build/lib/cli-args.js');
const { DIFF_COMMAND } = require('../build/lib/cli-commands.js');
const argv = process.argv.slice(2);
process.exitCode = runCli(DIFF_COMMAND, argv, () => require('../build/lib/tools/diff/cli.js').main(argv));
