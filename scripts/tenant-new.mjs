#!/usr/bin/env node
// `npm run tenant:new -- <name> --admin-email <e-mail> --admin-name "<name>" [options]` (run
// `node scripts/build.mjs` first; the npm script does). The logic is lib/tools/new-tenant.ts; this
// only hands it the platform props of main.ts and runs it from the repository root.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { platform } = require(join(root, 'build', 'main.js'));
const { runTenantNew } = require(join(root, 'build', 'lib', 'tools', 'new-tenant.js'));
const { runCli } = require(join(root, 'build', 'lib', 'cli-args.js'));
const { TENANT_NEW_COMMAND } = require(join(root, 'build', 'lib', 'cli-commands.js'));
const argv = process.argv.slice(2);
process.chdir(root);
process.exitCode = runCli(TENANT_NEW_COMMAND, argv, () => runTenantNew(argv, platform));
