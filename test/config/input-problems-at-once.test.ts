/** Synth's input checks report every problem at once: the k3s flavor's refusal of tenants comes with the tenant files' own problems. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../lib/core/problems';
import { resolveInput } from '../../lib/synth';
import { basePlatform } from '../support/fake-tenants';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

test('k3s with a tenant file that has problems: the refusal and the file problem in one list', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenants-'));
  writeFileSync(join(dir, 'acme.yaml'), 'name: acme\nadmin: { name: A, email: a@acme.com }\nsessions: { startingPort: 31010 }\nallowedUsers: many\n');
  const problems = problemsOf(() => resolveInput({ platform: basePlatform({ gitops: 'k3s' }), tenantsDir: dir }));
  expect(problems).toEqual([
    expect.stringMatching(/^main\.ts \(platform props\): gitops: cannot install tenants \(1 tenant files\)/),
    expect.stringMatching(new RegExp(`^${join(dir, 'acme.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: allowedUsers: `)),
  ]);
});

test('bad platform props with tenant files: the tenant files\' schema problems come too, and the message says which checks wait for the platform', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenants-'));
  writeFileSync(join(dir, 'acme.yaml'), 'name: acme\nadmin: { name: A, email: a@acme.com }\nsessions: { startingPort: 31010 }\nallowedUsers: many\n');
  let error: ConfigError | undefined;
  try {
    resolveInput({ platform: basePlatform({ baseDomain: 'not a domain' }), tenantsDir: dir });
  } catch (e) {
    if (e instanceof ConfigError) error = e;
    else throw e;
  }
  expect(error!.problems.map((p) => p.path)).toEqual(['baseDomain', 'allowedUsers']);
  expect(error!.message.split('\n').at(-1)).toBe('The tenant files were checked against their schema only: the checks that need the platform (ports, namespaces, limits, clusters, names across tenants) run once the platform props have no problem.');
  // without tenant files, no such line
  let message = '';
  try {
    resolveInput({ platform: basePlatform({ baseDomain: 'not a domain' }) });
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toMatch(/^1 problem in the input:\n {2}- .*baseDomain/);
  expect(message).not.toContain('checked against their schema only');
});
