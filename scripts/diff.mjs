#!/usr/bin/env node
// `npm run diff -- [--base REF | --base-dir A] [--head-dir B] [--markdown FILE] [--fail-on risk]`; logic in lib/diff/cli.ts. Run `node scripts/build.mjs` first.
import { createRequire } from 'node:module';
process.exitCode = createRequire(import.meta.url)('../build/lib/diff/cli.js').main(process.argv.slice(2));
