#!/usr/bin/env node
// Writes schema/tenant.schema.json from lib/config/tenant-schema.ts (run `node scripts/build.mjs` first;
// `npm run schema` does both). With --check, exits 1 instead of writing when the file is out of date.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { runCli, hasOption } = require(join(root, 'build', 'lib', 'cli-args.js'));
const { SCHEMA_COMMAND } = require(join(root, 'build', 'lib', 'cli-commands.js'));
process.exitCode = runCli(SCHEMA_COMMAND, process.argv.slice(2), (args) => {
  const { tenantJsonSchemaText } = require(join(root, 'build', 'lib', 'config', 'tenant-schema.js'));
  const target = join(root, 'schema', 'tenant.schema.json');
  const text = tenantJsonSchemaText();
  if (hasOption(args, '--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // missing: out of date
    }
    if (current !== text) {
      process.stderr.write('schema/tenant.schema.json is out of date; run `npm run schema`\n');
      return 1;
    }
  } else {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    process.stdout.write('wrote schema/tenant.schema.json\n');
  }
  return 0;
});
