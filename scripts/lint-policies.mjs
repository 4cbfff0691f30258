#!/usr/bin/env node
// Lints the objects of dist/ (or the folder given); logic in lib/analysis/lint-policies.ts. Run `node scripts/build.mjs` first.
import { createRequire } from 'node:module';
process.exitCode = createRequire(import.meta.url)('../build/lib/analysis/lint-policies.js').main(process.argv.slice(2));
