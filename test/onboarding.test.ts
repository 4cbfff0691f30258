/**
 * The README's onboarding procedure, performed on a copy of the repository: `tenant:new` for a new
 * tenant, synth, then the checks that read `dist/` (validate, check:isolation, lint:policies and the
 * jest suites that read the committed output) must pass with the new tenant in it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main as checkIsolation } from '../lib/tools/check-isolation';
import { main as lintPolicies } from '../lib/tools/lint-policies';
import { main as validate } from '../lib/tools/validate/main';
import { readOutputMarker } from '../lib/output/marker';

const ROOT = join(__dirname, '..');
/** The suites of `npm test` that read the committed dist/ or the user's tenants/. */
const DIST_SUITES = ['test/dist-policies.test.ts', 'test/synth.test.ts', 'test/readme.test.ts', 'test/no-secrets.test.ts', 'test/cli.test.ts', 'test/config/tenant-schema.test.ts'];

describe('onboarding a tenant as the README says, on a copy of the repository', () => {
  let work: string;
  let copy: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'onboarding-'));
    copy = join(work, 'clearml-tenancy');
    // The tracked files as they are in the working tree, and the installed packages.
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of tracked) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(ROOT, file), join(copy, file));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: copy });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('tenant:new, synth, then validate, check:isolation, lint:policies and the suites that read dist/ pass', () => {
    const run = (args: string[]) => spawnSync(process.execPath, args, { cwd: copy, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
    // WHEN a tenant is added as the README says
    const created = run(['scripts/tenant-new.mjs', 'zz-new', '--admin-email', 'a@zz-new.example', '--admin-name', 'Zz']);
    expect([created.status, created.stderr]).toEqual([0, '']);
    expect(readFileSync(join(copy, 'tenants', 'zz-new.yaml'), 'utf8')).toContain('name: zz-new');
    const synth = run(['build/main.js']);
    expect([synth.status, synth.stderr]).toEqual([0, '']);
    expect(synth.stdout).toMatch(/^synth: dist: tenants: 1 added \(zz-new\), 0 changed, 0 removed/);
    // THEN dist/ holds it and every check of dist/ passes
    const dist = join(copy, 'dist');
    expect(readOutputMarker(dist)!.tenants.map((t) => t.name)).toContain('zz-new');
    expect(readFileSync(join(dist, 'ISOLATION.md'), 'utf8')).toContain('zz-new (tenant)');
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
    expect([validate([dist, '--crds', join(copy, 'crds')], (l) => lines.push(l)), lines.join('\n')]).toEqual([0, expect.any(String)]);
    expect([checkIsolation([dist], io), lines.join('')]).toEqual([0, expect.any(String)]);
    expect([lintPolicies([dist], io), lines.join('')]).toEqual([0, expect.any(String)]);
    const jest = run([join('node_modules', 'jest', 'bin', 'jest.js'), '--maxWorkers=1', '--ci', ...DIST_SUITES]);
    expect([jest.status, jest.status === 0 ? '' : jest.stderr.slice(-3000)]).toEqual([0, '']);
    expect(jest.stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);
  });
});
