/**
 * What the lifecycle guard remembers of tenants that left the output (lib/tenant/lifecycle-guard.ts, the
 * marker's `removed` list in lib/output/marker.ts; README "Tenant lifecycle"): a new tenant may not take over
 * the name or namespace of a tenant removed in the same change or earlier unless `--allow-removal <name>`, and
 * a tenant the marker lists but whose plan ConfigMap is gone still counts as present. Refused synths leave the
 * output untouched. Fixture tenants live in a temporary folder.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize } from '../../lib/synth';
import { MARKER_FILE, outputMarker, parseOutputMarker } from '../../lib/output/marker';
import { checkLifecycle, tombstonesAfter } from '../../lib/tenant/lifecycle-guard';
import { basePlatform } from '../support/fake-tenants';
import { configProblems, readTree } from '../helpers';

const FLUX = basePlatform({ billing: { enabled: false } });

const tenantYaml = (name: string, port: number, extra = '') => `name: ${name}\nadmin: { name: ${name} admin, email: admin@${name}.example }\nsessions: { startingPort: ${port} }\n${extra}`;

let dir: string;
let tenantsDir: string;
let outdir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tombstones-'));
  tenantsDir = join(dir, 'tenants');
  outdir = join(dir, 'out');
  mkdirSync(tenantsDir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeTenants(files: Record<string, string>): void {
  for (const f of readdirSync(tenantsDir)) rmSync(join(tenantsDir, f));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(tenantsDir, `${name}.yaml`), text);
}
function synth(allowRemoval: string[] = []): string[] {
  const summary: string[] = [];
  synthesize({ platform: FLUX, tenantsDir, allowRemoval }, outdir, summary);
  return summary;
}
const problems = (run: () => unknown) => configProblems(run).map((p) => ({ file: p.file?.startsWith(dir) ? p.file.slice(dir.length + 1) : p.file, path: p.path, value: p.value, message: p.message }));
const marker = () => JSON.parse(readFileSync(join(outdir, MARKER_FILE), 'utf8'));

const ZETA_X = tenantYaml('zeta-x', 31000, 'state: decommissioned\n');
const ZETA = tenantYaml('zeta', 31100, 'namespace: zeta-x\n');
const ACME = tenantYaml('acme', 31200);

describe('a new tenant taking over a removed tenant\'s namespace', () => {
  test('in the same change: refused, naming whose namespace it was and why; the output untouched', () => {
    writeTenants({ acme: ACME, 'zeta-x': ZETA_X });
    synth();
    const before = readTree(outdir);
    writeTenants({ acme: ACME, zeta: ZETA });
    const found = problems(() => synth());
    expect(found).toEqual([{ file: 'tenants/zeta.yaml', path: 'namespace', value: 'zeta-x', message: expect.any(String) }]);
    expect(found[0].message).toMatch(/^takes over what a tenant that left the output left behind: namespace zeta-x was tenant zeta-x's in the output being replaced, which leaves it now\. /);
    expect(found[0].message).toMatch(/The prune guard keeps a removed tenant's namespace in the cluster with its PersistentVolumeClaims and Secrets/);
    expect(found[0].message).toMatch(/run synth with --allow-removal zeta$/);
    expect(readTree(outdir)).toEqual(before);
  });

  test('over two synths: the marker keeps the removed tenant (name and namespace), so the second synth refuses too', () => {
    writeTenants({ acme: ACME, 'zeta-x': ZETA_X });
    synth();
    writeTenants({ acme: ACME });
    expect(synth()).toEqual(['removed tenant zeta-x (decommissioned before); its namespace zeta-x stays in the cluster (prune guard)']);
    expect(marker().removed).toEqual([{ name: 'zeta-x', namespace: 'zeta-x' }]);
    const before = readTree(outdir);
    writeTenants({ acme: ACME, zeta: ZETA });
    const found = problems(() => synth());
    expect(found.map((p) => [p.file, p.path, p.value])).toEqual([['tenants/zeta.yaml', 'namespace', 'zeta-x']]);
    expect(found[0].message).toMatch(/namespace zeta-x was tenant zeta-x's, which left the output before \(the marker \.clearml-tenancy lists it under removed\)/);
    expect(readTree(outdir)).toEqual(before);
  });

  test('allowed with --allow-removal <new tenant>: the summary says so, the tombstone stays, the next synth needs no option', () => {
    writeTenants({ acme: ACME, 'zeta-x': ZETA_X });
    synth();
    writeTenants({ acme: ACME, zeta: ZETA });
    expect(synth(['zeta'])).toEqual([
      'removed tenant zeta-x (decommissioned before); its namespace zeta-x stays in the cluster (prune guard)',
      "tenant zeta takes over what another tenant left behind on purpose (--allow-removal): namespace zeta-x was tenant zeta-x's in the output being replaced, which leaves it now",
    ]);
    expect(marker().removed).toEqual([{ name: 'zeta-x', namespace: 'zeta-x' }]);
    expect(synth()).toEqual([]);
  });

  test('a tenant that stays and moves into a removed tenant\'s namespace is refused for that too', () => {
    writeTenants({ acme: ACME, 'acme-x': tenantYaml('acme-x', 31300, 'state: decommissioned\n') });
    synth();
    writeTenants({ acme: tenantYaml('acme', 31200, 'namespace: acme-x\n') });
    expect(problems(() => synth()).map((p) => [p.path, p.message.slice(0, p.message.indexOf(':'))])).toEqual([
      ['namespace', 'changes tenant acme\'s namespace from "acme" (in the output being replaced)'],
      ['namespace', 'takes over what a tenant that left the output left behind'],
    ]);
  });
});

describe('re-adding a removed tenant\'s name', () => {
  test('a decommissioned tenant\'s name after its file was removed: refused (its company and ledger stay); allowed on purpose', () => {
    writeTenants({ acme: ACME, 'zeta-x': ZETA_X });
    synth();
    writeTenants({ acme: ACME });
    synth();
    const before = readTree(outdir);
    writeTenants({ acme: ACME, 'zeta-x': tenantYaml('zeta-x', 31000) });
    const found = problems(() => synth());
    expect(found.map((p) => [p.file, p.path, p.value])).toEqual([['tenants/zeta-x.yaml', 'name', 'zeta-x']]);
    expect(found[0].message).toMatch(/the name zeta-x was a tenant's that left the output before \(namespace zeta-x; the marker \.clearml-tenancy lists it under removed\), and so was namespace zeta-x\./);
    expect(found[0].message).toMatch(/ClearML keeps the company of a removed tenant, with its name, until it is deleted by hand \(DECOMMISSIONED\.md\), and its ledger clearml-tenant-ledger-zeta-x stays/);
    expect(found[0].message).toMatch(/The prune guard keeps/);
    expect(readTree(outdir)).toEqual(before);
    expect(synth(['zeta-x'])).toEqual([expect.stringMatching(/^tenant zeta-x takes over what another tenant left behind on purpose \(--allow-removal\): the name zeta-x/)]);
    expect(synth()).toEqual([]);
  });

  test('a tenant removed with --allow-removal is remembered too, and so is the namespace a tenant moved away from', () => {
    writeTenants({ acme: ACME, beta: tenantYaml('beta', 31300) });
    synth();
    writeTenants({ acme: tenantYaml('acme', 31200, 'namespace: acme-new\n') });
    synth(['acme', 'beta']);
    expect(marker().removed).toEqual([
      { name: 'acme', namespace: 'acme' },
      { name: 'beta', namespace: 'beta' },
    ]);
    writeTenants({ acme: tenantYaml('acme', 31200, 'namespace: acme-new\n'), beta: tenantYaml('beta', 31300) });
    expect(problems(() => synth()).map((p) => [p.file, p.path, p.value])).toEqual([['tenants/beta.yaml', 'name', 'beta']]);
  });
});

describe('the marker\'s removed list', () => {
  test('absent without removals (so an output like the committed dist/ keeps its marker), sorted and once each otherwise', () => {
    const files = new Map([['a.yaml', 'x']]);
    expect(Object.keys(outputMarker(files, [{ name: 'acme', namespace: 'acme' }]))).toEqual(['product', 'format', 'tenants', 'files']);
    expect(outputMarker(files, [], undefined, [{ name: 'b', namespace: 'b' }, { name: 'a', namespace: 'z' }, { name: 'a', namespace: 'y' }, { name: 'b', namespace: 'b' }]).removed).toEqual([
      { name: 'a', namespace: 'y' },
      { name: 'a', namespace: 'z' },
      { name: 'b', namespace: 'b' },
    ]);
    expect(JSON.parse(readFileSync(join(__dirname, '..', '..', 'dist', MARKER_FILE), 'utf8'))).not.toHaveProperty('removed');
  });

  test('a malformed list is refused when the marker is read', () => {
    const text = (removed: unknown) => JSON.stringify({ product: 'clearml-tenancy', format: 1, tenants: [], files: [], removed });
    expect(() => parseOutputMarker(text([{ name: 'a' }]), 'm')).toThrow(/removed must be a list of \{ name, namespace \}/);
    expect(parseOutputMarker(text([{ name: 'a', namespace: 'a' }]), 'm').removed).toEqual([{ name: 'a', namespace: 'a' }]);
  });

  test('tombstonesAfter keeps the old list and adds what left', () => {
    const t = (name: string, namespace = name) => ({ name, namespace, state: 'active' });
    expect(tombstonesAfter(new Map([['a', t('a')], ['b', t('b')]]), new Map([['b', t('b', 'b2')]]), [{ name: 'old', namespace: 'old' }])).toEqual([
      { name: 'a', namespace: 'a' },
      { name: 'b', namespace: 'b' },
      { name: 'old', namespace: 'old' },
    ]);
  });

  test('checkLifecycle on its own: only a new tenant is checked against the names; a tenant that stays is not', () => {
    const t = (name: string, namespace = name) => ({ name, namespace, state: 'active' });
    const removed = [{ name: 'a', namespace: 'a' }];
    expect(configProblems(() => checkLifecycle(new Map(), new Map([['a', t('a', 'a-2')]]), { removed })).map((p) => p.path)).toEqual(['name']);
    expect(checkLifecycle(new Map([['a', t('a')]]), new Map([['a', t('a')]]), { removed })).toEqual({ lines: [] });
  });
});

describe('a tenant the marker lists but whose plan ConfigMap is gone', () => {
  test('counts as present with an unknown state: its removal is refused (output untouched) unless allowed', () => {
    writeTenants({ acme: ACME, globex: tenantYaml('globex', 31300) });
    synth();
    rmSync(join(outdir, 'tenants', 'globex', 'bootstrap'), { recursive: true });
    const before = readTree(outdir);
    writeTenants({ acme: ACME });
    const found = problems(() => synth());
    expect(found.map((p) => [p.file, p.path])).toEqual([['tenants/globex.yaml', '(file)']]);
    expect(found[0].message).toMatch(
      /^tenant globex \(namespace globex, state unknown: the marker \.clearml-tenancy of the output being replaced lists it, but its plan ConfigMap in tenants\/globex\/bootstrap\/ is gone\) is in the output being replaced but has no tenant file now; removing a tenant not known to be decommissioned .*--allow-removal globex$/,
    );
    expect(readTree(outdir)).toEqual(before);
    expect(synth(['globex'])).toEqual(['removed tenant globex on purpose (--allow-removal; its state was unknown, its plan ConfigMap gone); its namespace globex stays in the cluster (prune guard)']);
    expect(marker().removed).toEqual([{ name: 'globex', namespace: 'globex' }]);
  });

  test('kept, it needs no option (the synth writes its plan again); its namespace is still compared', () => {
    writeTenants({ acme: ACME, globex: tenantYaml('globex', 31300) });
    synth();
    rmSync(join(outdir, 'tenants', 'globex', 'bootstrap'), { recursive: true });
    writeTenants({ acme: ACME, globex: tenantYaml('globex', 31300, 'namespace: globex-2\n') });
    expect(problems(() => synth()).map((p) => [p.path, p.value])).toEqual([['namespace', 'globex-2']]);
    writeTenants({ acme: ACME, globex: tenantYaml('globex', 31300) });
    expect(synth()).toEqual([]);
  });
});
