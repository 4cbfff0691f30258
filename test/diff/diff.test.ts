import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { diffTrees, main } from '../../lib/tools/diff/cli';
import { readTreeFromDir } from '../../lib/tools/diff/tree';
import { synthesize } from '../../lib/synth';
import { platform } from '../../main';

const DIST = join(__dirname, '..', '..', 'dist');

/** A base and a head copy of the committed dist/; the test edits the head. */
function pair(): { base: string; head: string } {
  const root = mkdtempSync(join(tmpdir(), 'diff-'));
  cpSync(DIST, join(root, 'base'), { recursive: true });
  cpSync(DIST, join(root, 'head'), { recursive: true });
  return { base: join(root, 'base'), head: join(root, 'head') };
}

/** Edits the objects of one YAML file of a tree (return false from `fn` to drop an object). */
function edit(dir: string, file: string, fn: (o: any) => any) {
  const path = join(dir, file);
  const docs = YAML.parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS());
  const out = docs.map((o) => fn(o) ?? o).filter((o) => o !== false);
  writeFileSync(path, out.map((o) => YAML.stringify(o)).join('---\n'));
}
const named = (kind: string, name: string, fn: (o: any) => void) => (o: any) => {
  if (o.kind === kind && o.metadata.name === name) fn(o);
  return o;
};

function run(argv: string[], cwd?: string) {
  let out = '';
  let err = '';
  const code = main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) }, cwd);
  return { code, out, err };
}

function risksOf(p: { base: string; head: string }) {
  return diffTrees(readTreeFromDir(p.base), readTreeFromDir(p.head)).assessment.risks;
}
const kinds = (p: { base: string; head: string }) => risksOf(p).map((r) => r.kind);

describe('npm run diff: pairs without risk', () => {
  test('two copies of dist/ have no change and no risk (exit 0 with --fail-on risk)', () => {
    const p = pair();
    const r = run(['--base-dir', p.base, '--head-dir', p.head, '--fail-on', 'risk']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('objects: +0 added, ~0 changed, -0 removed');
    expect(r.out).toContain('risks (0):\n  none');
  });

  test('a moved file is not a change', () => {
    const p = pair();
    renameSync(join(p.head, 'tenants/acme/workloads/router.yaml'), join(p.head, 'tenants/acme/workloads/router-moved.yaml'));
    const r = diffTrees(readTreeFromDir(p.base), readTreeFromDir(p.head));
    expect(r.comparison.added).toHaveLength(0);
    expect(r.comparison.removed).toHaveLength(0);
    expect(r.comparison.changed).toHaveLength(0);
  });

  test('a changed env value is shown by container and env name and is no risk', () => {
    const p = pair();
    edit(p.head, 'tenants/acme/bootstrap/bootstrap.yaml', (o) => {
      if (o.kind === 'Job') {
        o.spec.template.spec.containers[0].env = [{ name: 'EXTRA', value: '1' }, ...o.spec.template.spec.containers[0].env];
        o.spec.template.spec.containers[0].env.find((e: any) => e.name === 'CLEARML_API_URL').value = 'http://elsewhere:8008';
      }
    });
    const r = run(['--base-dir', p.base, '--head-dir', p.head, '--fail-on', 'risk']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('tenants changed (1): acme');
    expect(r.out).toContain('tenants/acme: +0 ~1 -0');
    const container = r.out.match(/spec\.template\.spec\.containers\[name=([^\]]+)\]\.env\[name=CLEARML_API_URL\]\.value: http:\/\/clearml-enterprise-apiserver\.clearml:8008 -> http:\/\/elsewhere:8008/);
    expect(container).not.toBeNull();
    expect(r.out).toContain('.env[name=EXTRA]: (none) -> {"name":"EXTRA","value":"1"}');
    expect(r.out).toContain('risks (0):');
  });

  test('a new Secret reference that the inventory lists is no risk', () => {
    const p = pair();
    edit(p.head, 'tenants/acme/bootstrap/bootstrap.yaml', named('Job', YAML.parseAllDocuments(readFileSync(join(p.head, 'tenants/acme/bootstrap/bootstrap.yaml'), 'utf8')).map((d) => d.toJS()).find((o) => o.kind === 'Job').metadata.name, (o) => {
      o.spec.template.spec.containers[0].env.push({ name: 'REG', valueFrom: { secretKeyRef: { name: 'clearml-registry', key: 'password' } } });
    }));
    expect(kinds(p)).toEqual([]);
  });
});

describe('npm run diff: an added tenant', () => {
  /** dist/ and a fresh synth with one more tenant, hooli (a copy of acme). */
  function withNewTenant(): { base: string; head: string } {
    const root = mkdtempSync(join(tmpdir(), 'diff-new-'));
    const tenants = join(root, 'tenants');
    cpSync(join(__dirname, '..', '..', 'tenants'), tenants, { recursive: true });
    const acme = readFileSync(join(tenants, 'acme.yaml'), 'utf8');
    writeFileSync(join(tenants, 'hooli.yaml'), acme.replace(/acme/g, 'hooli').replace('startingPort: 31010', 'startingPort: 31900'));
    synthesize({ platform, tenantsDir: tenants }, join(root, 'head'));
    return { base: DIST, head: join(root, 'head') };
  }

  test('is summarized; its standard objects and connections are no risk', () => {
    const p = withNewTenant();
    const r = diffTrees(readTreeFromDir(p.base), readTreeFromDir(p.head));
    expect(r.tenants.added).toEqual(['hooli']);
    expect(r.assessment.risks).toEqual([]);
    expect(r.assessment.info.join('\n')).toContain('hooli -> clearml');
  });

  test('a path from the added tenant to another tenant is a risk', () => {
    const p = withNewTenant();
    edit(p.head, 'tenants/hooli/bootstrap/namespace.yaml', named('NetworkPolicy', 'default-deny-egress', (o) => { o.spec.egress = [...(o.spec.egress ?? []), { to: [{ namespaceSelector: {} }] }]; }));
    edit(p.head, 'tenants/acme/bootstrap/namespace.yaml', named('NetworkPolicy', 'default-deny-ingress', (o) => { o.spec.ingress = [...(o.spec.ingress ?? []), { from: [{ namespaceSelector: {} }] }]; }));
    const net = risksOf(p).filter((x) => x.kind === 'network-widened');
    expect(net).toHaveLength(1);
    expect(net[0].objects.some((o) => o.startsWith('hooli -> acme: '))).toBe(true);
  });
});

describe('npm run diff: each risk is named', () => {
  test('a removed tenant names the tenant and its Namespace (exit 3 with --fail-on risk)', () => {
    const p = pair();
    rmSync(join(p.head, 'tenants/globex'), { recursive: true });
    const r = run(['--base-dir', p.base, '--head-dir', p.head, '--fail-on', 'risk']);
    expect(r.code).toBe(3);
    expect(r.out).toContain('tenants removed (1): globex');
    expect(r.out).toContain('[removed] tenant globex removed');
    // the committed namespaces carry the prune guard: the report says the namespace stays (issue 15)
    expect(r.out).toContain('its namespace carries the prune guard and stays');
    expect(r.out).toContain('Namespace globex (tenants/globex/bootstrap/namespace.yaml)');
    expect(risksOf(p).map((x) => x.kind)).toEqual(['removed']);
    expect(r.err).toContain('risk(s) found (--fail-on risk)');
  });

  test('a removed PersistentVolumeClaim is named', () => {
    const p = pair();
    writeFileSync(join(p.base, 'server/pvc.yaml'), YAML.stringify({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'clearml' }, spec: {} }));
    const risks = risksOf(p);
    expect(risks.map((x) => x.kind)).toEqual(['removed']);
    expect(risks[0].objects).toEqual(['PersistentVolumeClaim clearml/data (server/pvc.yaml)']);
  });

  test('widened network reachability is named with the namespace pair; narrowing is information', () => {
    const p = pair();
    // acme's egress policy allows globex too: acme -> globex becomes possible? only if globex admits it, so open globex's ingress as well.
    edit(p.head, 'tenants/acme/bootstrap/namespace.yaml', named('NetworkPolicy', 'default-deny-egress', (o) => { o.spec.egress = [...(o.spec.egress ?? []), { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'globex' } } }] }]; }));
    edit(p.head, 'tenants/globex/bootstrap/namespace.yaml', named('NetworkPolicy', 'default-deny-ingress', (o) => { o.spec.ingress = [...(o.spec.ingress ?? []), { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'acme' } } }] }]; }));
    const r = diffTrees(readTreeFromDir(p.base), readTreeFromDir(p.head));
    const net = r.assessment.risks.filter((x) => x.kind === 'network-widened');
    expect(net).toHaveLength(1);
    expect(net[0].objects.some((o) => o.startsWith('acme -> globex: '))).toBe(true);

    const back = diffTrees(readTreeFromDir(p.head), readTreeFromDir(p.base));
    expect(back.assessment.risks.map((x) => x.kind)).toEqual([]);
    expect(back.assessment.info.join('\n')).toMatch(/network reachability narrowed: .*acme -> globex/);
  });

  test('a namespace newly reaching the metadata address is named', () => {
    const p = pair();
    // GIVEN the committed dist/ as base, which excepts the link-local block from acme's internet egress
    // WHEN the head drops that exception
    edit(p.head, 'tenants/acme/bootstrap/namespace.yaml', (o) => {
      if (o.kind !== 'NetworkPolicy') return;
      for (const rule of o.spec.egress ?? []) for (const peer of rule.to ?? []) if (peer.ipBlock?.except) peer.ipBlock.except = peer.ipBlock.except.filter((c: string) => c !== '169.254.0.0/16');
    });
    // THEN the new path to the metadata address is a risk
    const net = risksOf(p).filter((x) => x.kind === 'network-widened');
    expect(net).toHaveLength(1);
    expect(net[0].objects.some((o: string) => /^acme -> metadata: /.test(o))).toBe(true);
  });

  const ROLE = 'clearml-bootstrap-acme';
  test('a new verb, a wildcard and a new binding subject are RBAC widening', () => {
    const p = pair();
    edit(p.head, 'tenants/acme/bootstrap/bootstrap.yaml', (o) => {
      if (o.metadata.namespace !== 'acme') return;
      if (o.kind === 'Role' && o.metadata.name === ROLE) o.rules.push({ apiGroups: [''], resources: ['*'], verbs: ['list'] });
      if (o.kind === 'RoleBinding' && o.metadata.name === ROLE) o.subjects.push({ kind: 'ServiceAccount', name: 'default', namespace: 'acme' });
    });
    const risks = risksOf(p).filter((x) => x.kind === 'rbac-widened');
    expect(risks.map((x) => x.message)).toEqual([
      'RBAC widened in Role clearml-bootstrap-acme: WILDCARD; list *',
      'new binding: ServiceAccount acme/default -> Role clearml-bootstrap-acme',
    ]);
  });

  test('a ServiceAccount token newly mounted is named', () => {
    const p = pair();
    edit(p.head, 'tenants/acme/bootstrap/bootstrap.yaml', named('ServiceAccount', ROLE, (o) => delete o.automountServiceAccountToken));
    expect(risksOf(p).map((x) => x.message)).toEqual(['ServiceAccount clearml/clearml-bootstrap-acme mounts its token by default']);
  });

  test('a lowered Pod Security level is named', () => {
    const p = pair();
    edit(p.head, 'tenants/acme/bootstrap/namespace.yaml', named('Namespace', 'acme', (o) => (o.metadata.labels['pod-security.kubernetes.io/enforce'] = 'privileged')));
    const risks = risksOf(p).filter((x) => x.kind === 'pod-security-lowered');
    expect(risks.map((x) => x.message)).toEqual(['Pod Security of namespace acme: baseline -> privileged']);
  });

  test('a container newly privileged or root is named', () => {
    const p = pair();
    edit(p.head, 'tenants/acme/bootstrap/bootstrap.yaml', (o) => {
      if (o.kind !== 'Job') return;
      o.spec.template.spec.containers[0].securityContext.privileged = true;
      o.spec.template.spec.securityContext.runAsUser = 0;
    });
    expect(kinds(p).sort()).toEqual(['privileged', 'root']);
  });

  test('bootstrap Jobs that will run again are counted', () => {
    const p = pair();
    for (const t of ['acme', 'globex', 'initech']) edit(p.head, `tenants/${t}/bootstrap/bootstrap.yaml`, (o) => {
      if (o.kind === 'Job') o.metadata.name = o.metadata.name.replace(/-[0-9a-f]{10}$/, '-0000000000');
    });
    const risks = risksOf(p);
    expect(risks.map((x) => x.message)).toEqual(['3 clearml-bootstrap Job(s) will run again (their hashed names changed)']);
    expect(risks[0].objects).toHaveLength(3);
  });

  test('a changed chart version and a floating version are named', () => {
    const p = pair();
    edit(p.head, 'gpu/gpu-operator.yaml', named('HelmRelease', 'gpu-operator', (o) => (o.spec.chart.spec.version = '>=25.0.0')));
    const risks = risksOf(p);
    expect(risks.map((x) => x.kind)).toEqual(['version-changed', 'floating-version']);
    expect(risks[0].message).toBe('chart version of HelmRelease gpu-operator/gpu-operator: v25.3.0 -> >=25.0.0');
  });

  test('a changed image and a floating image are named', () => {
    const p = pair();
    edit(p.head, 'tenants/acme/bootstrap/bootstrap.yaml', (o) => {
      if (o.kind === 'Job') o.spec.template.spec.containers[0].image = 'node:latest';
    });
    expect(kinds(p)).toEqual(['version-changed', 'floating-version']);
  });

  test('a Secret reference that no one provides is named, by name only', () => {
    const p = pair();
    edit(p.head, 'tenants/acme/workloads/agent.yaml', (o) => {
      if (o.kind === 'HelmRelease') o.spec.valuesFrom.push({ kind: 'Secret', name: 'nobody-makes-this', valuesKey: 'x' });
    });
    const risks = risksOf(p);
    expect(risks.map((x) => x.kind)).toEqual(['secret-unprovided']);
    expect(risks[0].message).toContain('acme/nobody-makes-this');
  });

  test('a tenant state change is in the summary (active when the plan has none)', () => {
    const p = pair();
    edit(p.base, 'tenants/acme/bootstrap/bootstrap.yaml', (o) => {
      if (o.kind === 'ConfigMap' && o.data['plan.json']) o.data['plan.json'] = JSON.stringify({ ...JSON.parse(o.data['plan.json']), state: undefined });
    });
    edit(p.head, 'tenants/acme/bootstrap/bootstrap.yaml', (o) => {
      if (o.kind === 'ConfigMap' && o.data['plan.json']) o.data['plan.json'] = JSON.stringify({ ...JSON.parse(o.data['plan.json']), state: 'suspended' });
    });
    const r = run(['--base-dir', p.base, '--head-dir', p.head]);
    expect(r.out).toContain('tenant states changed: acme: active -> suspended');
    expect(r.out).toContain('data.plan.json.state: (none) -> suspended');
  });

  test('--markdown writes the report for a pull request', () => {
    const p = pair();
    rmSync(join(p.head, 'tenants/globex'), { recursive: true });
    const md = join(p.head, '..', 'report.md');
    expect(run(['--base-dir', p.base, '--head-dir', p.head, '--markdown', md]).code).toBe(0);
    const text = readFileSync(md, 'utf8');
    expect(text).toMatch(/^### Diff of /);
    expect(text).toContain('[removed] tenant globex removed');
  });
});

describe('npm run diff: the facts of each tree', () => {
  test('a billing namespace moved in the facts is information; an added tenant reaching billing is a risk', () => {
    const p = pair();
    // GIVEN the head's facts name billing "ledger" and a new tenant may reach it
    const facts = JSON.parse(readFileSync(join(p.head, 'platform-facts.json'), 'utf8'));
    writeFileSync(join(p.head, 'platform-facts.json'), JSON.stringify({ ...facts, layers: { ...facts.layers, billing: ['ledger'] } }));
    mkdirSync(join(p.head, 'tenants/hooli'));
    writeFileSync(join(p.head, 'tenants/hooli/all.yaml'), [
      YAML.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'hooli', labels: { 'clearml-tenancy/tenant': 'hooli' } } }),
      YAML.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a', namespace: 'hooli' }, spec: { template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'a', image: 'a' }] } } } }),
      YAML.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ledger' } }),
      YAML.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'l', namespace: 'ledger' }, spec: { template: { metadata: { labels: { app: 'l' } }, spec: { containers: [{ name: 'l', image: 'l' }] } } } }),
    ].join('---\n'));
    const r = diffTrees(readTreeFromDir(p.base), readTreeFromDir(p.head));
    expect(r.assessment.info).toContain('platform facts: layers.billing clearml-billing -> ledger');
    expect(r.tenants.added).toEqual(['hooli']);
    expect(r.assessment.risks.filter((x) => x.kind === 'network-widened').flatMap((x) => x.objects)).toContainEqual(expect.stringMatching(/^hooli -> ledger: /));
    // (its connection to the server, like every tenant's, stays information)
    expect(r.assessment.info.join('\n')).toMatch(/new connection\(s\) of added tenants .*hooli -> /);
  });
});

describe('npm run diff: --base compares dist/ at a git ref', () => {
  function repo(): string {
    const dir = mkdtempSync(join(tmpdir(), 'diff-git-'));
    cpSync(DIST, join(dir, 'dist'), { recursive: true });
    const git = (...a: string[]) => execFileSync('git', ['-c', 'user.email=t@example.org', '-c', 'user.name=t', ...a], { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    return dir;
  }

  test('the working tree against HEAD (the default) names a removed tenant', () => {
    const dir = repo();
    rmSync(join(dir, 'dist/tenants/initech'), { recursive: true });
    const r = run(['--fail-on', 'risk'], dir);
    expect(r.out).toMatch(/^Diff of dist\/ at HEAD \([0-9a-f]{12}\) \(base\) and dist \(head\)/);
    expect(r.out).toContain('tenants removed (1): initech');
    expect(r.code).toBe(3);
  });

  test('fails when the ref is unknown', () => {
    const dir = repo();
    const r = run(['--base', 'no-such-ref'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain('diff: --base no-such-ref: unknown git ref');
  });
});

describe('npm run diff: bad input', () => {
  test('fails when a folder is missing', () => {
    const r = run(['--base-dir', '/nonexistent/base', '--head-dir', DIST]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('diff: folder "/nonexistent/base" does not exist');
  });

  test('fails when a YAML file cannot be read, naming the file', () => {
    const p = pair();
    writeFileSync(join(p.head, 'server/broken.yaml'), 'kind: [unclosed\n');
    const r = run(['--base-dir', p.base, '--head-dir', p.head]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('head: server/broken.yaml#0: invalid YAML');
  });

  test('fails when a tree has no facts file, naming the file and how to produce it', () => {
    const p = pair();
    rmSync(join(p.base, 'platform-facts.json'));
    const r = run(['--base-dir', p.base, '--head-dir', p.head]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`diff: ${p.base}: platform-facts.json: no such file in "${p.base}"`);
    expect(r.err).toContain('npm run synth');
  });

  test('fails when options are wrong, naming all of them', () => {
    const r = run(['--frobnicate', '--fail-on', 'anything', '--base', 'HEAD', '--base-dir', 'x']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('diff: unknown option --frobnicate');
    expect(r.err).toContain('--fail-on "anything" is not allowed; allowed: risk');
    expect(r.err).toContain('--base and --base-dir cannot be used together');
  });

  test('--help prints the usage', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('usage: npm run diff');
    expect(existsSync(DIST)).toBe(true);
  });
});
