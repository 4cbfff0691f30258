#!/usr/bin/env node
// Lints the objects of dist/ (or the folder given); logic in lib/tools/lint-policies.ts. Run `node scripts/build.mjs` first.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
// The command parses its own arguments with the shared parser (lib/cli-args.ts) and answers --help.
process.exitCode = require('../build/lib/tools/lint-policies.js').main(process.argv.slice(2));
