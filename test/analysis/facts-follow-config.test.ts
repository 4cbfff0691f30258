/**
 * The checkers follow the configured namespaces (issue 13): with billing moved to another namespace, synth's
 * facts file names it, and `check:isolation` reports an isolation violation into it (not into the default
 * `clearml-billing`, which the output no longer has); `validate` holds the facts file against the objects.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import YAML from 'yaml';
import { main as checkIsolation } from '../../lib/tools/check-isolation';
import { main as lintPolicies } from '../../lib/tools/lint-policies';
import { FACTS_FILE } from '../../lib/analysis/platform-facts';
import { renderOutput } from '../../lib/synth';
import { loadSchemas, treeFromFiles } from '../../lib/tools/validate/main';
import { validateTree } from '../../lib/tools/validate/validate-output';
import { basePlatform, CRDS_DIR } from '../support/fake-tenants';
import { FIXTURE_TENANTS_DIR } from '../support/fixtures';

function write(files: ReadonlyMap<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'facts-'));
  for (const [path, text] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function run(main: (argv: string[], io: { out(t: string): void; err(t: string): void }) => number, dir: string) {
  let out = '';
  let err = '';
  const code = main([dir], { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

describe('the checkers follow the configured billing namespace', () => {
  // GIVEN the platform with billing in "billing-x" and the fixture tenants
  const files = renderOutput({ platform: basePlatform({ billing: { chart: { source: 'platform-charts', chart: 'clearml-billing', version: '1.1.0' }, namespace: 'billing-x' } }), tenantsDir: FIXTURE_TENANTS_DIR });

  test('synth writes the moved namespace into the facts file', () => {
    expect(JSON.parse(files.get(FACTS_FILE)!).layers.billing).toEqual(['billing-x']);
  });

  test('the output passes check:isolation naming billing-x, lint:policies and validate', () => {
    const dir = write(files);
    const isolation = run(checkIsolation, dir);
    expect(isolation.err).toBe('');
    expect(isolation.code).toBe(0);
    expect(isolation.out).toContain('none from a tenant namespace to billing-x');
    expect(isolation.out).not.toContain('clearml-billing,');
    expect(run(lintPolicies, dir)).toMatchObject({ code: 0, err: '' });
    expect(validateTree(treeFromFiles(files), loadSchemas(CRDS_DIR))).toEqual([]);
  });

  test('an isolation violation into the moved billing namespace is reported (and the old name is not used)', () => {
    // GIVEN an allow-all planted in billing-x, and acme allowed to send anywhere
    const policy = (namespace: string, name: string, spec: object) => YAML.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
    const planted = new Map(files);
    planted.set('server/planted.yaml', policy('billing-x', 'allow-all', { podSelector: {}, ingress: [{}] }));
    planted.set('tenants/acme/planted.yaml', policy('acme', 'allow-all-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }] }] }));
    // WHEN check:isolation runs on the folder
    const { code, err } = run(checkIsolation, write(planted));
    // THEN acme's path into billing-x is a violation, named with the moved namespace only
    expect(code).toBe(1);
    expect(err).toMatch(/^violation: acme -> billing-x: tenant namespace reaches the billing namespace on all/m);
    expect(err).not.toMatch(/^violation: (globex|initech) -> billing-x/m);
    // (the chart's release is still called clearml-billing; no namespace of that name is reported)
    expect(err).not.toMatch(/-> clearml-billing|\bclearml-billing\//);
    // AND without the planted allow-all, acme's open egress alone reaches no billing pod
    planted.delete('server/planted.yaml');
    expect(run(checkIsolation, write(planted)).err).not.toContain('billing-x');
  });

  test('validate refuses a facts file that names a namespace the output does not use (a stale file)', () => {
    const stale = new Map(files);
    stale.set(FACTS_FILE, files.get(FACTS_FILE)!.replace('billing-x', 'clearml-billing'));
    expect(validateTree(treeFromFiles(stale), loadSchemas(CRDS_DIR))).toEqual([
      'platform-facts.json: layers.billing[0]: namespace "clearml-billing" holds no object of the output; re-run synth so the facts match the objects',
    ]);
    const none = new Map(files);
    none.delete(FACTS_FILE);
    expect(validateTree(treeFromFiles(none, 'out'), loadSchemas(CRDS_DIR))).toEqual([expect.stringMatching(/^platform-facts.json: no such file in "out"; .* npm run synth/)]);
  });
});

describe('the facts of an output without billing', () => {
  test('name no billing namespace, and the checks say so', () => {
    const files = renderOutput({ platform: basePlatform({ billing: { enabled: false } }), tenantsDir: FIXTURE_TENANTS_DIR });
    expect(JSON.parse(files.get(FACTS_FILE)!).layers.billing).toEqual([]);
    const isolation = run(checkIsolation, write(files));
    expect(isolation).toMatchObject({ code: 0, err: '' });
    expect(isolation.out).toContain('none from a tenant namespace to a billing namespace (platform-facts.json names none: billing is off)');
    expect(validateTree(treeFromFiles(files), loadSchemas(CRDS_DIR))).toEqual([]);
  });
});

describe('tenants reach a platform namespace only on the ports it offers them (the facts file\'s tenantReach)', () => {
  // GIVEN the platform with the fixture tenants
  const files = renderOutput({ platform: basePlatform(), tenantsDir: FIXTURE_TENANTS_DIR });
  const policy = (namespace: string, name: string, spec: object) => YAML.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
  const openEgress = policy('acme', 'allow-all-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }] }] });

  test("synth lists every namespace of the components with the ports their endpoints offer tenants", () => {
    expect(JSON.parse(files.get(FACTS_FILE)!).tenantReach).toEqual({ 'cdmo-operator': [], clearml: [8008], 'clearml-billing': [], 'flux-system': [], 'gpu-operator': [], 'ingress-nginx': [80, 443], 'kube-system': [53, '53/UDP'], 'redis-shared': [6379] });
  });

  test('a path into a namespace that offers tenants nothing is a violation on every port; into the server, on every port but 8008', () => {
    // GIVEN acme allowed to send anywhere, the GPU operator's namespace open to all, and the server's pods open to acme on every port
    const planted = new Map(files);
    planted.set('tenants/acme/planted.yaml', openEgress);
    planted.set('gpu/planted.yaml', policy('gpu-operator', 'allow-all', { podSelector: {}, ingress: [{}] }));
    planted.set('server/planted.yaml', policy('clearml', 'allow-acme', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'acme' } } }] }] }));
    // WHEN check:isolation runs
    const { code, err } = run(checkIsolation, write(planted));
    // THEN both are violations, the server's without its offered port
    expect(code).toBe(1);
    expect(err).toMatch(/^violation: acme -> gpu-operator: tenant namespace reaches a platform namespace beyond the ports it offers tenants \(none\) on all/m);
    expect(err).toMatch(/^violation: acme -> clearml: tenant namespace reaches a platform namespace beyond the ports it offers tenants \(TCP 8008\) on TCP 1-8007,8009-65535; UDP all; SCTP all/m);
    expect(err).not.toMatch(/^violation: (globex|initech)/m);
    // AND the open egress alone reaches no namespace of the output's components beyond their ports (each keeps
    // its own ingress policies); only the namespaces the output merely selects (no policy of theirs is in it)
    const egressOnly = new Map(files);
    egressOnly.set('tenants/acme/planted.yaml', openEgress);
    const alone = run(checkIsolation, write(egressOnly));
    expect(alone.err.split('\n').filter((l) => l.startsWith('violation:')).map((l) => l.split(':')[1].trim())).toEqual(['acme -> ingress-nginx', 'acme -> kube-system']);
  });

  test('the namespaces the output only selects count too: the DNS on 53 (TCP and UDP) only, the ingress controller on 80 and 443 only', () => {
    const planted = new Map(files);
    planted.set('tenants/acme/planted.yaml', policy('acme', 'allow-more', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] }] }));
    const { code, err } = run(checkIsolation, write(planted));
    expect(code).toBe(1);
    expect(err).toMatch(/^violation: acme -> kube-system: tenant namespace reaches a platform namespace beyond the ports it offers tenants \(TCP 53; UDP 53\) on TCP 1-52,54-65535; UDP 1-52,54-65535; SCTP all/m);
    expect(err).toMatch(/^violation: acme -> ingress-nginx: tenant namespace reaches a platform namespace beyond the ports it offers tenants \(TCP 80,443\) on /m);
  });

  test('a facts file without tenantReach (written before it existed) checks the billing namespaces only; a bad one is refused', () => {
    const old = new Map(files);
    const facts = JSON.parse(files.get(FACTS_FILE)!);
    delete facts.tenantReach;
    old.set(FACTS_FILE, JSON.stringify(facts));
    old.set('tenants/acme/planted.yaml', openEgress);
    old.set('gpu/planted.yaml', policy('gpu-operator', 'allow-all', { podSelector: {}, ingress: [{}] }));
    expect(run(checkIsolation, write(old)).code).toBe(0);
    old.set(FACTS_FILE, JSON.stringify({ ...facts, tenantReach: { clearml: ['8008'] } }));
    expect(run(checkIsolation, write(old)).err).toContain('platform-facts.json: tenantReach.clearml ["8008"] must be a list of ports: a number (TCP, 1-65535) or "<port>/<TCP|UDP|SCTP>"');
  });

  test('validate accepts a tenantReach namespace that a policy of the output only selects, by name or by an In expression', () => {
    const facts = JSON.parse(files.get(FACTS_FILE)!);
    const selected = new Map(files);
    selected.set(FACTS_FILE, JSON.stringify({ ...facts, tenantReach: { ...facts.tenantReach, 'monitoring': [] } }));
    expect(validateTree(treeFromFiles(selected), loadSchemas(CRDS_DIR))).toHaveLength(1);
    selected.set('tenants/acme/planted.yaml', policy('acme', 'allow-monitoring', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['monitoring'] }] } }] }] }));
    expect(validateTree(treeFromFiles(selected), loadSchemas(CRDS_DIR))).toEqual([]);
  });

  test('validate refuses a tenantReach namespace that holds no object', () => {
    const stale = new Map(files);
    const facts = JSON.parse(files.get(FACTS_FILE)!);
    stale.set(FACTS_FILE, JSON.stringify({ ...facts, tenantReach: { ...facts.tenantReach, 'gone-operator': [] } }));
    expect(validateTree(treeFromFiles(stale), loadSchemas(CRDS_DIR))).toEqual([
      'platform-facts.json: tenantReach.gone-operator: namespace "gone-operator" holds no object of the output and no policy of it names it; re-run synth so the facts match the objects',
    ]);
  });
});
