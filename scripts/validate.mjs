#!/usr/bin/env node
// Validates an output folder against the Kubernetes and CRD schemas and checks its references:
// `node scripts/build.mjs && node scripts/validate.mjs [DIR] [--crds DIR]` (the logic is lib/tools/validate/).
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { runCli } = require('../build/lib/cli-args.js');
const { VALIDATE_COMMAND } = require('../build/lib/cli-commands.js');
const argv = process.argv.slice(2);
process.exitCode = runCli(VALIDATE_COMMAND, argv, () => require('../build/lib/tools/validate/main.js').main(argv));
