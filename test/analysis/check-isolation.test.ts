import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../lib/tools/check-isolation';
import { renderMatrix } from '../../lib/analysis/isolation-report';
import { NetworkPolicyEvaluator } from '../../lib/analysis/network-policy-evaluator';
import { deployment, helmRelease, model, namespace, Obj, policy, tenantNamespace, writeFolder } from './fixtures';

function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

/** Egress to every pod and the internet, but not to the cloud metadata addresses (link-local excepted). */
export function egressWithoutMetadata(ns: string): Obj {
  return policy(ns, 'egress-without-metadata', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [{ to: [{ podSelector: {} }, { namespaceSelector: {} }, { ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16'] } }] }],
  });
}

function tenant(name: string): Obj[] {
  return [
    tenantNamespace(name),
    egressWithoutMetadata(name),
    helmRelease(name, 'clearml-agent'),
    { ...deployment(name, 'bootstrap', { app: 'bootstrap' }), kind: 'Job' },
    policy(name, 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] }),
  ];
}

/** A server layer and two tenants, isolated the way the runbook intends (with the billing policy tightened). */
function isolated(): Record<string, Obj[]> {
  return {
    'server/clearml.yaml': [
      namespace('clearml'),
      helmRelease('clearml', 'clearml-enterprise'),
      egressWithoutMetadata('clearml'),
      policy('clearml', 'default-deny-ingress', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] }),
      policy('clearml', 'allow-tenants', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'clearml-tenancy/tenant', operator: 'Exists' }] } }], ports: [{ port: 8008 }] }] }),
    ],
    'server/billing.yaml': [
      namespace('clearml-billing'),
      helmRelease('clearml-billing', 'clearml-billing'),
      egressWithoutMetadata('clearml-billing'),
      policy('clearml-billing', 'allow-clearml-only', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'clearml' } } }] }] }),
    ],
    'tenants/acme/tenant.yaml': tenant('acme'),
    'tenants/globex/tenant.yaml': tenant('globex'),
  };
}

function withFile(files: Record<string, Obj[]>, path: string, objects: Obj[]) {
  return { ...files, [path]: objects };
}

describe('check-isolation', () => {
  test('passes on an isolated folder and prints the matrix', () => {
    // GIVEN the isolated fixture plus files that are not cluster objects
    const dir = writeFolder(isolated());
    writeFileSync(join(dir, 'tenants/acme/kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [tenant.yaml]\n');
    writeFileSync(join(dir, 'README.md'), '# not yaml: [');
    // WHEN the check runs
    const { code, out, err } = run([dir]);
    // THEN it passes, with tenants reaching the apiserver port and only themselves
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('| from \\ to | acme (tenant) | clearml | clearml-billing | globex (tenant) | internet |');
    expect(out).toContain('| acme (tenant) | all | TCP 8008 | - | - | all |');
    expect(out).toContain('| clearml | - | all | all | - | all |');
    expect(out).toContain('Each tenant namespace reaches only itself');
  });

  test('fails when a tenant loses its default deny', () => {
    const files = isolated();
    const dir = writeFolder(withFile(files, 'tenants/acme/tenant.yaml', tenant('acme').filter((o) => o.kind !== 'NetworkPolicy')));
    const { code, err } = run([dir]);
    expect(code).toBe(1);
    expect(err).toMatch(/^violation: globex -> acme: tenant namespace reaches another tenant namespace on all, e.g. from any pod of HelmRelease globex\/clearml-agent \(tenants\/globex\/tenant.yaml\) to /m);
    expect(err).not.toMatch(/acme -> globex/);
  });

  test('fails when an allow-all is added to billing', () => {
    const files = isolated();
    const dir = writeFolder(withFile(files, 'server/extra.yaml', [policy('clearml-billing', 'allow-all', { podSelector: {}, ingress: [{}] })]));
    const { code, err } = run([dir]);
    expect(code).toBe(1);
    expect(err).toMatch(/^violation: acme -> clearml-billing: tenant namespace reaches the billing namespace on all/m);
    expect(err).toMatch(/^violation: globex -> clearml-billing:/m);
  });

  test('fails when a tenant admits every namespace', () => {
    const files = isolated();
    const dir = writeFolder(withFile(files, 'tenants/acme/open.yaml', [policy('acme', 'open', { podSelector: { matchLabels: { app: 'bootstrap' } }, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 80 }] }] })]));
    const { code, err } = run([dir]);
    expect(code).toBe(1);
    expect(err).toMatch(/^violation: globex -> acme: tenant namespace reaches another tenant namespace on TCP 80/m);
  });

  test('fails when a file cannot be read or a policy cannot be understood', () => {
    const dir = writeFolder(withFile(isolated(), 'tenants/acme/bad.yaml', [policy('acme', 'bad', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: 'everywhere' } }] }] })]));
    writeFileSync(join(dir, 'broken.yml'), 'kind: [\n');
    const { code, err } = run([dir]);
    expect(code).toBe(1);
    expect(err).toMatch(/^cannot read: broken.yml#0: invalid YAML/m);
    expect(err).toMatch(/^cannot evaluate: NetworkPolicy acme\/bad \(tenants\/acme\/bad.yaml\): ingress rule: ipBlock .* is not a valid CIDR/m);
  });

  test('writes the matrix to --markdown FILE and lists paths with --paths', () => {
    const dir = writeFolder(isolated());
    const file = join(mkdtempSync(join(tmpdir(), 'md-')), 'matrix.md');
    const { code, out } = run([dir, '--markdown', file, '--paths']);
    expect(code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('| acme (tenant) | all | TCP 8008 | - | - | all |');
    expect(out).toMatch(/^acme -> clearml: TCP 8008: /m);
  });

  test('fails when a tenant may reach the cloud metadata address (IPv4)', () => {
    // GIVEN acme may reach all of IPv4, link-local included
    const dir = writeFolder(withFile(isolated(), 'tenants/acme/open.yaml', [policy('acme', 'open-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 80 }] }] })]));
    const { code, out, err } = run([dir]);
    expect(code).toBe(1);
    expect(err).toContain('violation: acme -> metadata: a namespace of the output reaches the cloud metadata addresses (169.254.169.254, fd00:ec2::254) on TCP 80\n');
    expect(err).not.toMatch(/globex -> metadata/);
    expect(out).toContain('Cloud metadata (169.254.169.254, fd00:ec2::254): reachable from acme.');
  });

  test('fails when a tenant may reach the cloud metadata address (IPv6), passes when it is excepted', () => {
    const v6 = (except: string[]) => withFile(isolated(), 'tenants/acme/open.yaml', [policy('acme', 'open-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '::/0', except } }] }] })]);
    const open = run([writeFolder(v6(['fc00::/7'].slice(1)))]);
    expect(open.code).toBe(1);
    expect(open.err).toContain('violation: acme -> metadata:');
    const closed = run([writeFolder(v6(['fd00::/8']))]);
    expect(closed.err).toBe('');
    expect(closed.code).toBe(0);
    expect(closed.out).toContain('Cloud metadata (169.254.169.254, fd00:ec2::254): reachable from no namespace of the output.');
  });

  test('fails when a tenant reaches the billing layer moved to another namespace (named by the facts file)', () => {
    // GIVEN billing in "ledger" instead of clearml-billing, the facts file saying so, and an allow-all planted in it
    const files = isolated();
    const moved = JSON.parse(JSON.stringify(files['server/billing.yaml']).replace(/clearml-billing/g, 'ledger')) as Obj[];
    const dir = writeFolder({ ...files, 'server/billing.yaml': [...moved, policy('ledger', 'allow-all', { podSelector: {}, ingress: [{}] })] }, null);
    // WHEN the check runs without the facts file, it refuses to guess: the file is named, with how to produce it
    const without = run([dir]);
    expect(without.code).toBe(1);
    expect(without.err).toContain(`cannot read: platform-facts.json: no such file in "${dir}"`);
    expect(without.err).toContain('Synth writes it with the output: npm run synth (for dist/) or node build/main.js --out');
    expect(without.out).toBe('');
    // WHEN the facts file names it
    writeFileSync(join(dir, 'platform-facts.json'), JSON.stringify({ tenantLabel: 'clearml-tenancy/tenant', layers: { billing: ['ledger'] } }));
    const { code, err } = run([dir]);
    // THEN the violation into it is reported, and the old name is not used
    expect(code).toBe(1);
    expect(err).toMatch(/^violation: acme -> ledger: tenant namespace reaches the billing namespace on all/m);
    expect(err).toMatch(/^violation: globex -> ledger:/m);
    expect(err).not.toContain('clearml-billing');
  });

  test('reads the tenant label from the facts file', () => {
    // GIVEN tenants labelled team.example.com/name, acme without its deny, and a facts file naming the label
    const relabel = (objs: Obj[]) => JSON.parse(JSON.stringify(objs).replace(/clearml-tenancy\/tenant/g, 'team.example.com/name')) as Obj[];
    const files = isolated();
    const dir = writeFolder({
      ...files,
      'server/clearml.yaml': relabel(files['server/clearml.yaml']),
      'tenants/acme/tenant.yaml': relabel(tenant('acme').filter((o) => o.kind !== 'NetworkPolicy')),
      'tenants/globex/tenant.yaml': relabel(tenant('globex')),
    });
    writeFileSync(join(dir, 'platform-facts.json'), JSON.stringify({ tenantLabel: 'team.example.com/name', layers: { billing: ['clearml-billing'] } }));
    const { code, err } = run([dir]);
    expect(code).toBe(1);
    expect(err).toMatch(/^violation: globex -> acme: tenant namespace reaches another tenant namespace/m);
  });

  test('fails when the facts file is not valid JSON or lacks the billing layer', () => {
    const dir = writeFolder(isolated(), { tenantLabel: 'clearml-tenancy/tenant', layers: { server: ['clearml'] } });
    expect(run([dir]).err).toContain('cannot read: platform-facts.json: layers.billing is missing; it must list the billing namespaces');
    writeFileSync(join(dir, 'platform-facts.json'), '{ not json');
    const broken = run([dir]);
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/^cannot read: platform-facts.json: not valid JSON: /m);
  });

  test('fails when the facts file is not valid', () => {
    const dir = writeFolder(isolated());
    writeFileSync(join(dir, 'platform-facts.json'), JSON.stringify({ tenantLabel: '', layers: { billing: 'clearml-billing' } }));
    const { code, err } = run([dir]);
    expect(code).toBe(1);
    expect(err).toContain('check-isolation: cannot check');
    expect(err).toContain('cannot read: platform-facts.json: tenantLabel "" must be a non-empty label key');
    expect(err).toContain('cannot read: platform-facts.json: layers.billing "clearml-billing" must be a list of namespace names');
  });

  test('fails when the arguments are wrong', () => {
    expect(run(['--bogus'])).toMatchObject({ code: 1, err: 'check:isolation: unknown option --bogus; see `npm run check:isolation -- --help`\n' });
    expect(run(['a', 'b'])).toMatchObject({ code: 1, err: expect.stringContaining('check:isolation: unexpected argument "b"') });
    expect(run(['--markdown'])).toMatchObject({ code: 1, err: expect.stringContaining('check:isolation: --markdown needs a value (FILE)') });
    // Every mistake at once.
    expect(run(['--bogus', 'a', 'b', '--markdown'])).toMatchObject({ code: 1, err: 'check:isolation: unknown option --bogus\ncheck:isolation: --markdown needs a value (FILE)\ncheck:isolation: unexpected argument "b"\nsee `npm run check:isolation -- --help`\n' });
    expect(run([join(tmpdir(), 'does-not-exist-analysis')])).toMatchObject({ code: 2, err: expect.stringContaining('cannot read folder') });
  });
});

describe('renderMatrix', () => {
  test('collapses tenants into classes above the threshold', () => {
    // GIVEN three tenants, one of them with an extra allowance from clearml
    const objects = [...Object.values(isolated()).flat(), ...tenant('initech'), policy('initech', 'from-clearml', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'clearml' } } }], ports: [{ port: 9000 }] }] })];
    const m = model(objects);
    const text = renderMatrix(m, new NetworkPolicyEvaluator(m).evaluate(), { collapseAbove: 1 });
    expect(text).toContain('| from \\ to | clearml | clearml-billing | tenant class 1 (each of 2) | tenant class 2 (each of 1) | internet |');
    expect(text).toContain('| clearml | all | all | - | TCP 9000 | all |');
    expect(text).toContain('| tenant class 1 (each of 2) | TCP 8008 | - | itself: all; other tenants: - | - | all |');
    expect(text).toContain('- class 1: acme, globex');
    expect(text).toContain('Each tenant namespace reaches only itself: there is no path from one tenant namespace to another (3 tenant namespaces).');
  });
});

describe('platform-facts.json', () => {
  test('the committed dist/ has the facts file the checks read, naming the billing namespace, the tenant label and what each platform namespace offers tenants', () => {
    const { readPlatformFacts } = jest.requireActual('../../lib/analysis/platform-facts') as typeof import('../../lib/analysis/platform-facts');
    const { facts, problems } = readPlatformFacts(join(__dirname, '..', '..', 'dist'));
    expect(problems).toEqual([]);
    expect(facts).toEqual({
      tenantLabel: 'clearml-tenancy/tenant',
      layers: { billing: ['clearml-billing'], redis: ['redis-shared'], server: ['clearml'] },
      billingNamespaces: ['clearml-billing'],
      tenantReach: { 'cdmo-operator': [], clearml: [8008], 'clearml-billing': [], 'clearml-mig-setup': [], 'flux-system': [], 'gpu-operator': [], 'ingress-nginx': [80, 443], 'kube-system': [53, '53/UDP'], 'redis-shared': [6379] },
    });
  });
});
