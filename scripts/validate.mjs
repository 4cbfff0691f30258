#!/usr/bin/env node
// Validates an output folder against the Kubernetes and CRD schemas and checks its references:
// `node scripts/build.mjs && node scripts/validate.mjs [DIR] [--crds DIR]` (the logic is lib/validate/).
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { main } = require('../build/lib/validate/main.js');
process.exitCode = main(process.argv.slice(2));
