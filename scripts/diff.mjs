#!/usr/bin/env node
// `npm run diff -- [--base REF | --base-dir A] [--head-dir B] [--markdown FILE] [--fail-on risk] [--summary]`;
// logic in lib/tools/diff/cli.ts (it parses its arguments with the shared parser and answers --help).
// Run `node scripts/build.mjs` first.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
process.exitCode = require('../build/lib/tools/diff/cli.js').main(process.argv.slice(2));
