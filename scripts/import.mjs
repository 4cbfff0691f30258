#!/usr/bin/env node
// Regenerates imports/ from the CRD files listed under `imports:` in cdk8s.yaml.
// `cdk8s import` writes one TypeScript module per API group and a later file of the same group
// overwrites an earlier one, so the CRDs are concatenated per group first, then imported once each.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import YAML from 'yaml';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { runCli } = require(join(root, 'build', 'lib', 'cli-args.js'));
const { IMPORT_COMMAND } = require(join(root, 'build', 'lib', 'cli-commands.js'));
process.exitCode = runCli(IMPORT_COMMAND, process.argv.slice(2), () => {
  const configText = readFileSync(join(root, 'cdk8s.yaml'), 'utf8');
  const config = YAML.parse(configText);
  const groups = new Map();
  for (const file of config.imports) {
    const text = readFileSync(resolve(root, file), 'utf8');
    const group = YAML.parseAllDocuments(text).map((d) => d.toJS()).find((d) => d?.kind === 'CustomResourceDefinition')?.spec?.group;
    if (!group) throw new Error(`${file}: no CustomResourceDefinition found`);
    groups.set(group, [...(groups.get(group) ?? []), text.endsWith('\n') ? text : `${text}\n`]);
  }
  const work = mkdtempSync(join(tmpdir(), 'crds-'));
  try {
    rmSync(join(root, 'imports'), { recursive: true, force: true });
    for (const [group, texts] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      const file = join(work, `${group}.yaml`);
      writeFileSync(file, texts.join('---\n'));
      execFileSync(join(root, 'node_modules/.bin/cdk8s'), ['import', file, '--language', 'typescript', '--output', 'imports'], {
        cwd: root,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    // `cdk8s import FILE` records FILE under `imports:`; the list above is the source of truth.
    writeFileSync(join(root, 'cdk8s.yaml'), configText);
  }
  return 0;
});
