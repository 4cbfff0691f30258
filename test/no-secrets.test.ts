/**
 * No secret value in the output: not the runbook's literal passwords, no `kind: Secret` with data, no
 * env variable that looks secret carrying a literal value. Checked on the committed dist/ and on a fresh
 * render, so a stale dist/ cannot hide a leak.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { renderOutput } from '../lib/synth';
import { platform } from './fixtures/platform';
import { FIXTURE_TENANTS_DIR } from './support/fixtures';

const LITERALS = ['sdkWoq23', 'jdhfKmsd1', '<TOKEN>', 'DockerHub_TOKEN', 'SUPERVISOR_USER_SECRET', 'SSO_CLIENT_SECRET', 'TENANT_SECRET', 'APISERVER_SECRET'];
const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|_KEY)$|(password|secret|token)$/i;

function committedDist(): Map<string, string> {
  const root = join(__dirname, '..', 'dist');
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(relative(root, p), readFileSync(p, 'utf8'));
    }
  };
  walk(root);
  return files;
}

/** Every problem found: literal secrets, Secret objects with data, secret-looking env with a value. */
export function secretLeaks(files: ReadonlyMap<string, string>): string[] {
  const leaks: string[] = [];
  for (const [path, text] of files) {
    for (const literal of LITERALS) if (text.includes(literal)) leaks.push(`${path}: contains ${literal}`);
    if (!path.endsWith('.yaml')) continue;
    for (const doc of YAML.parseAllDocuments(text)) {
      const o = doc.toJS();
      if (o?.kind === 'Secret' && (o.data || o.stringData)) leaks.push(`${path}: Secret ${o.metadata?.name} carries data`);
      const visit = (node: any) => {
        if (Array.isArray(node)) node.forEach(visit);
        else if (node && typeof node === 'object') {
          if (typeof node.name === 'string' && 'value' in node && SECRET_NAME.test(node.name) && !/(_name|username|_enabled)$/i.test(node.name)) {
            leaks.push(`${path}: ${o.kind} ${o.metadata?.name}: env ${node.name} has a literal value`);
          }
          Object.values(node).forEach(visit);
        }
      };
      visit(o);
    }
  }
  return leaks;
}

describe('no secret in the output', () => {
  test('the committed dist/ has none', () => {
    const files = committedDist();
    expect(files.size).toBeGreaterThan(5);
    expect(secretLeaks(files)).toEqual([]);
  });

  test('a fresh render has none', () => {
    expect(secretLeaks(renderOutput({ platform, tenantsDir: FIXTURE_TENANTS_DIR }))).toEqual([]);
  });

  test('the check catches a literal password, a Secret with data and a secret env literal', () => {
    const bad = new Map([
      ['a.yaml', 'kind: Secret\nmetadata: {name: s}\ndata: {password: eA==}\n'],
      ['b.yaml', 'kind: Job\nmetadata: {name: j}\nspec: {env: [{name: REDIS_PASSWORD, value: hunter2}]}\n'],
      ['c.md', 'the password is sdkWoq23'],
    ]);
    expect(secretLeaks(bad)).toEqual([
      'a.yaml: Secret s carries data',
      'b.yaml: Job j: env REDIS_PASSWORD has a literal value',
      'c.md: contains sdkWoq23',
    ]);
  });

  test('every Secret the output refers to is in the inventory', () => {
    const files = renderOutput({ platform, tenantsDir: FIXTURE_TENANTS_DIR });
    const inventory = JSON.parse(files.get('secrets-inventory.json')!).secrets as Array<{ namespace: string; name: string; keys: string[] }>;
    const known = new Set(inventory.flatMap((s) => s.keys.map((k) => `${s.namespace}/${s.name}/${k}`)));
    const refs: string[] = [];
    for (const [path, text] of files) {
      if (!path.endsWith('.yaml')) continue;
      for (const doc of YAML.parseAllDocuments(text)) {
        const o = doc.toJS();
        const ns = o?.metadata?.namespace;
        JSON.stringify(o, (k, v) => {
          if (k === 'secretKeyRef') refs.push(`${ns}/${v.name}/${v.key}`);
          if (k === 'valuesFrom') for (const f of v) if (f.kind === 'Secret') refs.push(`${ns}/${f.name}/${f.valuesKey}`);
          return v;
        });
      }
    }
    expect(refs.length).toBeGreaterThan(5);
    expect(refs.filter((r) => !known.has(r))).toEqual([]);
  });
});
