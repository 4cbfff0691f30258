#!/usr/bin/env node
// `node scripts/build.mjs && node scripts/import-matrix.mjs [LIB_DIR]`: the import matrix between the folders
// of lib/, its cycles and the largest files (the rules are in test/architecture.test.ts; logic in
// lib/tools/import-graph.ts).
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
process.exitCode = require('../build/lib/tools/import-graph.js').main(process.argv.slice(2));
