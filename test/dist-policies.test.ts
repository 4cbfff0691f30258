/**
 * The security properties of the committed output (dist/), checked in Jest: the isolation check and the
 * policy lint pass on it and fail on copies weakened on purpose, and the Pod Security, Job, RBAC and
 * token rules hold object by object.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { main as checkIsolation } from '../lib/tools/check-isolation';
import { buildClusterModel, podTemplateOf } from '../lib/analysis/cluster-model';
import { findViolations, renderMatrix } from '../lib/analysis/isolation-report';
import { KubeObject, loadManifests, Manifest } from '../lib/analysis/manifests';
import { NetworkPolicyEvaluator } from '../lib/analysis/network-policy-evaluator';
import { Finding, lintObjects } from '../lib/analysis/policy-lint';
import { readPlatformFacts } from '../lib/analysis/platform-facts';
import { Cidr, parseCidr } from '../lib/core/cidr';
import { readOutputMarker } from '../lib/output/marker';

const DIST = join(__dirname, '..', 'dist');
/** The facts synth wrote with dist/ (the tenant label, the billing namespaces): what the checks read. */
const FACTS = readPlatformFacts(DIST).facts!;
const TENANT_LABEL = FACTS.tenantLabel;

/** Namespaces allowed to enforce the privileged Pod Security level, and why. */
const PRIVILEGED_NAMESPACES = [
  'cdmo-operator', // the dynamic MIG operator drives the GPUs on the host
  'clearml', // the bundled databases of the server chart (MongoDB, Elasticsearch) run as root
  'clearml-mig-setup', // the MIG setup Jobs run nvidia-smi against the host's GPUs
  'gpu-operator', // the NVIDIA driver, toolkit and device plugin DaemonSets
];

function isolation(manifests: readonly Manifest[]) {
  const model = buildClusterModel(manifests, FACTS);
  const reachability = new NetworkPolicyEvaluator(model).evaluate();
  return { problems: reachability.problems, violations: findViolations(model, reachability, FACTS) };
}

function runCheck(dir: string): { code: number; err: string } {
  let err = '';
  const code = checkIsolation([dir], { out: () => undefined, err: (t) => void (err += t) });
  return { code, err };
}

const rulesOf = (findings: readonly Finding[]) => [...new Set(findings.map((f) => f.rule))].sort();

/** A copy of dist/ in a temporary folder; `edit` changes the objects of one file of it. */
class DistCopy {
  public readonly dir = mkdtempSync(join(tmpdir(), 'dist-policies-'));

  constructor() {
    cpSync(DIST, this.dir, { recursive: true });
  }

  public edit(file: string, change: (objects: KubeObject[]) => KubeObject[]): void {
    const path = join(this.dir, file);
    const objects = YAML.parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS() as KubeObject);
    writeFileSync(path, change(objects).map((o) => YAML.stringify(o)).join('---\n'));
  }

  public load(): Manifest[] {
    const loaded = loadManifests(this.dir);
    expect(loaded.problems).toEqual([]);
    return loaded.manifests;
  }

  public remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const isPolicy = (name: string) => (o: KubeObject) => o.kind === 'NetworkPolicy' && o.metadata.name === name;
const isPolicyOfType = (type: 'Ingress' | 'Egress') => (o: KubeObject) => o.kind === 'NetworkPolicy' && (o.spec?.policyTypes ?? []).includes(type);

describe('committed dist/', () => {
  const loaded = loadManifests(DIST);
  const manifests = loaded.manifests;
  const objects = manifests.map((m) => m.object);
  const namespaces = objects.filter((o) => o.kind === 'Namespace');
  const tenantNamespaces = namespaces.filter((o) => o.metadata.labels?.[TENANT_LABEL] !== undefined).map((o) => o.metadata.name!);
  const copies: DistCopy[] = [];
  const copy = () => {
    const c = new DistCopy();
    copies.push(c);
    return c;
  };
  afterAll(() => copies.forEach((c) => c.remove()));

  test('is readable and has tenants to check', () => {
    expect(loaded.problems).toEqual([]);
    // Whatever tenants dist/ holds: the ones its marker lists.
    const listed = readOutputMarker(DIST)!.tenants.map((t) => t.namespace);
    expect(listed.length).toBeGreaterThan(0);
    expect(tenantNamespaces.sort()).toEqual(listed.sort());
  });

  test('item 4: no NetworkPolicy of any namespace allows egress to 169.254.169.254 or loopback', () => {
    const inside = (addr: Cidr, block: Cidr) => addr.family === block.family && block.lo <= addr.lo && addr.hi <= block.hi;
    const targets = ['169.254.169.254/32', '127.0.0.1/32', '0.0.0.0/32', 'fd00:ec2::254/128', '::1/128'].map((c) => parseCidr(c)!);
    const egressPolicies = objects.filter((o) => o.kind === 'NetworkPolicy' && (o.spec?.policyTypes ?? []).includes('Egress'));
    expect(egressPolicies.length).toBeGreaterThan(10);
    const allowed: string[] = [];
    for (const p of egressPolicies) {
      for (const rule of p.spec.egress ?? []) {
        if ((rule.to ?? []).length === 0) allowed.push(`${p.metadata.namespace}/${p.metadata.name}: every address`);
        for (const peer of rule.to ?? []) {
          const block = parseCidr(peer.ipBlock?.cidr);
          if (!block) continue;
          const except = (peer.ipBlock.except ?? []).map((e: string) => parseCidr(e)!);
          for (const t of targets) if (inside(t, block) && !except.some((e: Cidr) => inside(t, e))) allowed.push(`${p.metadata.namespace}/${p.metadata.name}: ${peer.ipBlock.cidr}`);
        }
      }
    }
    expect(allowed).toEqual([]);
  });

  test('item 6: the isolation report, SECRETS.md and the README call the shared Redis a shared trust domain', () => {
    const model = buildClusterModel(manifests, FACTS);
    const report = renderMatrix(model, new NetworkPolicyEvaluator(model).evaluate());
    expect(report).toMatch(/Every tenant reaches [^\n]*redis-shared[^\n]*one password for all tenants\) is a shared trust domain, an accepted risk of the runbook's design/);
    expect(readFileSync(join(DIST, 'SECRETS.md'), 'utf8')).toMatch(/shared Redis is a shared trust domain, an accepted risk of the runbook's design/);
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toMatch(/shared Redis is a shared trust domain/);
    expect(readme).not.toMatch(/kept apart by credentials/);
  });

  test('tenants reach the server namespace on the apiserver port only, never the other server ports', () => {
    const model = buildClusterModel(manifests, FACTS);
    const matrix = new NetworkPolicyEvaluator(model).evaluate().matrix;
    const servers = FACTS.layers.server ?? [];
    expect(servers).toEqual(['clearml']);
    expect(tenantNamespaces.length).toBeGreaterThan(0);
    for (const tenant of tenantNamespaces) expect([tenant, matrix.get(tenant)?.get(servers[0])?.describe()]).toEqual([tenant, 'TCP 8008']);
  });

  test('passes the policy lint', () => {
    expect(lintObjects(manifests, FACTS).map((f) => `${f.file}: ${f.object}: [${f.rule}] ${f.message}`)).toEqual([]);
  });

  test('passes the isolation check', () => {
    expect(isolation(manifests)).toEqual({ problems: [], violations: [] });
    expect(runCheck(DIST)).toEqual({ code: 0, err: '' });
  });

  describe('weakened on purpose', () => {
    test("a tenant without its ingress deny is still closed by the other tenants' egress denies", () => {
      // GIVEN acme's ingress policies (its default-deny-ingress and the allows) removed
      const c = copy();
      c.edit('tenants/acme/bootstrap/namespace.yaml', (list) => list.filter((o) => !isPolicyOfType('Ingress')(o)));
      const weakened = c.load();
      // THEN no tenant reaches acme (each one's egress is denied), but the lint misses the deny in front of acme's Helm releases
      expect(isolation(weakened).violations).toEqual([]);
      expect(lintObjects(weakened, FACTS).filter((f) => f.rule === 'helm-namespace-without-default-deny').map((f) => f.object)).toEqual(['Namespace acme']);
    });

    test('fails when one tenant lost its ingress deny and another its egress deny', () => {
      // GIVEN acme's ingress policies and globex's egress policies removed
      const c = copy();
      c.edit('tenants/acme/bootstrap/namespace.yaml', (list) => list.filter((o) => !isPolicyOfType('Ingress')(o)));
      c.edit('tenants/globex/bootstrap/namespace.yaml', (list) => list.filter((o) => !isPolicyOfType('Egress')(o)));
      // WHEN
      const result = isolation(c.load());
      // THEN the path globex -> acme is found, on every port (and globex, no longer egress-isolated, reaches the
      // metadata addresses, and the ingress controller and kube-system beyond the ports they offer tenants)
      expect(result.violations.map((v) => `${v.from} -> ${v.to}: ${v.ports.describe()}`)).toEqual([
        'globex -> acme: all',
        'globex -> ingress-nginx: TCP 1-79,81-442,444-65535; UDP all; SCTP all',
        'globex -> kube-system: TCP 1-52,54-65535; UDP 1-52,54-65535; SCTP all',
        'globex -> metadata: all',
      ]);
      const run = runCheck(c.dir);
      expect(run.code).toBe(1);
      expect(run.err).toContain('violation: globex -> acme: tenant namespace reaches another tenant namespace on all');
    });

    test('fails when tenant policies admit every namespace', () => {
      // GIVEN initech-ml's ingress and acme's egress opened to all namespaces (namespaceSelector: {})
      const c = copy();
      const openTo = (kind: 'ingress' | 'egress') => (list: KubeObject[]) =>
        list.map((o) => (isPolicy(`allow-same-namespace-${kind}`)(o) ? { ...o, spec: { ...o.spec, [kind]: [...o.spec[kind], { [kind === 'ingress' ? 'from' : 'to']: [{ namespaceSelector: {} }] }] } } : o));
      c.edit('tenants/initech/bootstrap/namespace.yaml', openTo('ingress'));
      c.edit('tenants/acme/bootstrap/namespace.yaml', openTo('egress'));
      // WHEN
      const result = isolation(c.load());
      // THEN acme -> initech-ml breaks the contract (billing and every other namespace of the components keep
      // their own ingress policies), besides the namespaces the output only selects (no policy of theirs in it)
      expect(result.violations.map((v) => `${v.from} -> ${v.to}`)).toEqual(['acme -> ingress-nginx', 'acme -> initech-ml', 'acme -> kube-system']);
      expect(runCheck(c.dir).code).toBe(1);
    });

    test('fails the lint when a Role grants every verb', () => {
      // GIVEN the bootstrap Role's create rule widened to verbs ['*']
      const c = copy();
      c.edit('tenants/acme/bootstrap/bootstrap.yaml', (list) =>
        list.map((o) => (o.kind === 'Role' ? { ...o, rules: o.rules.map((r: any, i: number) => (i === 1 ? { ...r, verbs: ['*'] } : r)) } : o)),
      );
      // WHEN
      const findings = lintObjects(c.load(), FACTS).filter((f) => f.file === 'tenants/acme/bootstrap/bootstrap.yaml');
      // THEN
      expect(findings).toContainEqual(expect.objectContaining({ rule: 'rbac-wildcard', object: 'Role acme/clearml-bootstrap-acme', message: 'rules[1] has "*" in verbs' }));
      expect(rulesOf(findings)).toEqual(['rbac-list-watch-secrets', 'rbac-secrets-without-resource-names', 'rbac-wildcard']);
    });

    test('fails the lint when a container has a literal password', () => {
      // GIVEN REDIS_PASSWORD: "x" in the env of the bootstrap Job of globex
      const c = copy();
      c.edit('tenants/globex/bootstrap/bootstrap.yaml', (list) =>
        list.map((o) => {
          if (o.kind !== 'Job') return o;
          const [container] = o.spec.template.spec.containers;
          container.env = [...container.env, { name: 'REDIS_PASSWORD', value: 'x' }];
          return o;
        }),
      );
      // WHEN
      const findings = lintObjects(c.load(), FACTS);
      // THEN
      expect(findings).toHaveLength(1);
      expect(findings[0]).toHaveProperty('rule', 'secret-in-env');
      expect(findings[0]).toHaveProperty('file', 'tenants/globex/bootstrap/bootstrap.yaml');
      expect(findings[0].message).toMatch(/^container "bootstrap": env REDIS_PASSWORD has a literal value/);
    });
  });

  test('every Job is restricted-compliant, except the MIG setup Jobs', () => {
    const jobs = manifests.filter((m) => m.object.kind === 'Job' || m.object.kind === 'CronJob');
    const mig = jobs.filter((m) => m.object.metadata.namespace === 'clearml-mig-setup');
    const checked = jobs.filter((m) => !mig.includes(m));
    expect(mig.length).toBeGreaterThan(0);
    // The apps upload and one bootstrap Job per tenant.
    expect(checked.length).toBe(1 + tenantNamespaces.length);
    const gaps = checked.flatMap((m) => {
      const spec = podTemplateOf(m.object)!.spec ?? {};
      const pod = spec.securityContext ?? {};
      return [...(spec.initContainers ?? []), ...spec.containers].flatMap((c: any) => {
        const sc = c.securityContext ?? {};
        const where = `${m.object.metadata.namespace}/${m.object.metadata.name} container ${c.name}`;
        return [
          (sc.runAsNonRoot ?? pod.runAsNonRoot) === true ? [] : [`${where}: runAsNonRoot`],
          sc.allowPrivilegeEscalation === false ? [] : [`${where}: allowPrivilegeEscalation`],
          (sc.capabilities?.drop ?? []).includes('ALL') ? [] : [`${where}: capabilities.drop ALL`],
          (sc.seccompProfile ?? pod.seccompProfile)?.type === 'RuntimeDefault' ? [] : [`${where}: seccompProfile RuntimeDefault`],
          sc.privileged === true || (sc.capabilities?.add ?? []).length > 0 || spec.hostNetwork || spec.hostPID ? [`${where}: privileged, capabilities or host namespaces`] : [],
        ].flat();
      });
    });
    expect(gaps).toEqual([]);
  });

  test('every namespace has pinned Pod Security enforce, warn and audit labels', () => {
    for (const ns of namespaces) {
      const labels = ns.metadata.labels ?? {};
      for (const mode of ['enforce', 'warn', 'audit']) {
        expect([ns.metadata.name, mode, labels[`pod-security.kubernetes.io/${mode}`]]).toEqual([ns.metadata.name, mode, expect.stringMatching(/^(restricted|baseline|privileged)$/)]);
        expect([ns.metadata.name, mode, labels[`pod-security.kubernetes.io/${mode}-version`]]).toEqual([ns.metadata.name, mode, expect.stringMatching(/^v1\.\d+$/)]);
      }
    }
    // Objects go only into namespaces dist/ creates, or into Flux's own.
    const created = new Set(namespaces.map((o) => o.metadata.name));
    const used = new Set(objects.map((o) => o.metadata.namespace).filter((ns): ns is string => ns !== undefined && !created.has(ns)));
    expect([...used]).toEqual(['flux-system']);
  });

  test('only the GPU, MIG and server namespaces enforce the privileged level; tenants enforce baseline', () => {
    const level = (o: KubeObject) => o.metadata.labels?.['pod-security.kubernetes.io/enforce'];
    expect(namespaces.filter((o) => level(o) === 'privileged').map((o) => o.metadata.name).sort()).toEqual(PRIVILEGED_NAMESPACES);
    expect(namespaces.filter((o) => tenantNamespaces.includes(o.metadata.name!)).map(level)).toEqual(tenantNamespaces.map(() => 'baseline'));
    // warn and audit are restricted, so anything weaker shows, except where every pod is privileged by design.
    const warnAudit = (o: KubeObject) => `${o.metadata.labels?.['pod-security.kubernetes.io/warn']}/${o.metadata.labels?.['pod-security.kubernetes.io/audit']}`;
    expect(namespaces.filter((o) => warnAudit(o) !== 'restricted/restricted').map((o) => `${o.metadata.name}: ${warnAudit(o)}`)).toEqual(['clearml-mig-setup: privileged/privileged']);
  });

  test('no RBAC rule uses wildcards or lets anyone list or watch Secrets', () => {
    const roles = objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole');
    expect(roles.length).toBeGreaterThan(0);
    const bad = roles.flatMap((o) =>
      (o.rules ?? []).flatMap((r: any, i: number) => {
        const where = `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name} rules[${i}]`;
        const wildcard = [...(r.verbs ?? []), ...(r.resources ?? []), ...(r.apiGroups ?? [])].includes('*');
        const secrets = (r.resources ?? []).includes('secrets') && (r.verbs ?? []).some((v: string) => v === 'list' || v === 'watch');
        return [...(wildcard ? [`${where}: wildcard`] : []), ...(secrets ? [`${where}: list/watch secrets`] : [])];
      }),
    );
    expect(bad).toEqual([]);
  });

  test('no ClusterRoleBinding binds a ServiceAccount of a tenant namespace', () => {
    const subjects = objects
      .filter((o) => o.kind === 'ClusterRoleBinding')
      .flatMap((o) => (o.subjects ?? []).filter((s: any) => s.kind === 'ServiceAccount' && tenantNamespaces.includes(s.namespace)).map((s: any) => `${o.metadata.name}: ${s.namespace}/${s.name}`));
    expect(subjects).toEqual([]);
  });

  test('pods mount a ServiceAccount token only when a binding grants that account something', () => {
    const bound = new Set(
      objects
        .filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')
        .flatMap((o) => (o.subjects ?? []).filter((s: any) => s.kind === 'ServiceAccount').map((s: any) => `${s.namespace ?? o.metadata.namespace}/${s.name}`)),
    );
    const accounts = new Map(objects.filter((o) => o.kind === 'ServiceAccount').map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));
    const pods = objects.map((o) => ({ o, template: podTemplateOf(o) })).filter((p) => p.template !== undefined);
    expect(pods.length).toBeGreaterThan(0);
    const mounting = pods.filter(({ o, template }) => {
      const account = `${o.metadata.namespace}/${template!.spec?.serviceAccountName ?? 'default'}`;
      return (template!.spec?.automountServiceAccountToken ?? accounts.get(account)?.automountServiceAccountToken ?? true) !== false;
    });
    // The bootstrap Jobs call the Kubernetes API; nothing else needs a token.
    expect(mounting.length).toBeGreaterThanOrEqual(tenantNamespaces.length);
    const unbound = mounting
      .map(({ o, template }) => `${o.metadata.namespace}/${template!.spec?.serviceAccountName ?? 'default'}`)
      .filter((account) => !bound.has(account));
    expect(unbound).toEqual([]);
  });
});
