#!/usr/bin/env node
// Proves tenant isolation from dist/ (or the folder given); logic in lib/analysis/check-isolation.ts. Run `node scripts/build.mjs` first.
import { createRequire } from 'node:module';
process.exitCode = createRequire(import.meta.url)('../build/lib/analysis/check-isolation.js').main(process.argv.slice(2));
