/**
 * Issue 19, the tenant side: a tenant's parts per cluster (the control plane keeps the bootstrap Job and the
 * ledger; a worker cluster gets the namespace, its policies, quota, the worker access and the workloads),
 * the plan's targets (contract section 7), the Job's mounts and egress, and the tenant file's `clusters`.
 */
import { ConfigError } from '../../lib/core/problems';
import { ClusterContext, singleClusterContext } from '../../lib/platform/clusters';
import { BOOTSTRAP_SECRETS } from '../../lib/programs/bootstrap/plan';
import { collectSecretRequirements, secretRequirementsOf } from '../../lib/security/secret-reference';
import { TENANT_LABEL } from '../../lib/core/labels';
import { renderFolderObjects } from '../../lib/output/write-tree';
import { ADMIN_CREDENTIALS_OF_LABEL, TargetCluster, tenantFolders } from '../../lib/tenant/tenant-folders';
import { NO_WORKLOADS_QUOTA } from '../../lib/security/isolated-namespace';
import { bootstrapPlan, targetCaFile, targetTokenFile } from '../../lib/tenant/bootstrap-plan';
import { ResolvedTenant, resolveTenants } from '../../lib/tenant/tenants';
import { WORKER_ACCESS_ACCOUNT, WORKER_ACCESS_NAMESPACE, workerAccessAccount, workerAccessTokenSecret, workerTokenSecretName } from '../../lib/tenant/worker-access';
import { TenantBootstrap } from '../../lib/tenant/tenant-bootstrap';
import { planExternalSecrets } from '../../lib/secrets/external-secrets';
import { resolvePlatform } from '../../lib/platform/platform';
import { platform as platformProps } from '../fixtures/platform';
import { CP, EU, FULL, MINIMAL, US, inChart, platform } from './helpers';

const CLUSTERS: readonly TargetCluster[] = [CP, EU, US];

function tenant(text: string, clusters: readonly ClusterContext[] = CLUSTERS): ResolvedTenant {
  const name = /^name: (\S+)/m.exec(text)![1];
  return resolveTenants([{ file: `tenants/${name}.yaml`, text }], platform, clusters)[0];
}

/** The rendered folders of a tenant in one cluster: path, dependsOn and every object. */
function folders(t: ResolvedTenant, cluster?: ClusterContext, clusters: readonly TargetCluster[] = CLUSTERS) {
  return renderFolderObjects(tenantFolders(t, platform, cluster, { clusters })).map((f) => ({ path: f.path, dependsOn: f.dependsOn, objects: f.files.flatMap((file) => file.objects) as any[] }));
}

function problemsOf(files: Record<string, string>, clusters: readonly ClusterContext[] = CLUSTERS): { path?: string; value?: unknown; message: string }[] {
  try {
    resolveTenants(Object.entries(files).map(([file, text]) => ({ file: `tenants/${file}`, text })), platform, clusters);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => ({ path: p.path, value: p.value, message: p.message }));
    throw e;
  }
  return [];
}

const ACME_EU = `${FULL}clusters: [gpu-eu-1]\n`;
const ACME_BOTH_WORKERS = `${FULL}clusters: [gpu-eu-1, gpu-us-1]\n`;

describe('tenant file: clusters', () => {
  test('defaults to the platform\'s default worker cluster (the first that runs tenants), and keeps the order written', () => {
    expect(tenant(FULL).clusters).toEqual(['gpu-eu-1']);
    expect(tenant(`${FULL}clusters: [gpu-us-1, gpu-eu-1]\n`).clusters).toEqual(['gpu-us-1', 'gpu-eu-1']);
    expect(tenant(FULL, [{ ...CP, role: 'both', worker: true }, EU]).clusters).toEqual(['cp']);
  });

  test('refuses unknown clusters and the control plane naming the allowed ones, duplicates and bad names: all problems at once', () => {
    const problems = problemsOf({
      'acme.yaml': `${FULL}clusters: [gpu-eu-9, cp]\n`,
      'globex.yaml': `${MINIMAL}clusters: [gpu-eu-1, gpu-eu-1, Bad_Name]\n`,
      'initech.yaml': 'name: initech\nadmin: { name: I, email: admin@initech.example }\nsessions: { startingPort: 31040 }\nclusters: []\n',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'clusters[0]', value: 'gpu-eu-9', message: 'is not a cluster of the platform; allowed: gpu-eu-1, gpu-us-1' },
        { path: 'clusters[1]', value: 'cp', message: expect.stringMatching(/^is the control plane \(role control-plane\), which runs no tenant namespace or workloads; allowed: gpu-eu-1, gpu-us-1$/) },
        expect.objectContaining({ path: 'clusters[1]', value: 'gpu-eu-1' }),
        expect.objectContaining({ path: 'clusters[2]', value: 'Bad_Name', message: expect.stringMatching(/DNS-1123 label/) }),
        expect.objectContaining({ path: 'clusters', message: 'must have at least 1 entry' }),
      ]),
    );
    expect(problems.filter((p) => p.path?.startsWith('clusters'))).toHaveLength(5);
  });

  test('with one cluster: absent, or naming that cluster; without the platform\'s clusters the field is refused', () => {
    expect(tenant(`${FULL}clusters: [default]\n`, [singleClusterContext()]).clusters).toEqual(['default']);
    expect(problemsOf({ 'acme.yaml': `${FULL}clusters: [other]\n` }, [singleClusterContext()])).toEqual([{ path: 'clusters[0]', value: 'other', message: 'is not a cluster of the platform; allowed: default' }]);
    expect(problemsOf({ 'acme.yaml': `${FULL}clusters: [default]\n` }, [])).toEqual([
      { path: 'clusters', value: ['default'], message: "is for a platform of several clusters (the platform props' clusters); this platform has one cluster: leave clusters out" },
    ]);
  });
});

describe('tenant folders per cluster', () => {
  test('no cluster, or one cluster of role both: today\'s folders and objects exactly (no targets)', () => {
    const t = tenant(FULL, []);
    const today = folders(t, undefined, []);
    expect(today.map((f) => f.path)).toEqual(['tenants/acme/bootstrap', 'tenants/acme/workloads']);
    expect(folders(t, singleClusterContext(), [])).toEqual(today);
    expect(folders(tenant(FULL, [singleClusterContext()]), singleClusterContext(), [singleClusterContext()])).toEqual(today);
    expect(JSON.parse(today[0].objects.find((o) => o.kind === 'ConfigMap' && o.data['plan.json']).data['plan.json'])).not.toHaveProperty('targets');
  });

  test('the control plane gets only the bootstrap folder: the Job, its RBAC and ledger, and the namespace of the admin credentials; no tenant workload object', () => {
    const [cp, ...rest] = folders(tenant(ACME_EU), CP);
    expect(rest).toEqual([]);
    expect(cp.path).toBe('tenants/acme/bootstrap');
    const kinds = cp.objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
    // the tenant's namespace for its admin credentials only: closed both ways without even its own pods'
    // or the DNS allows, and no pod may run there (quota of zero pods, Services and claims)
    expect(kinds.filter((k) => k.includes(' acme/') || k.startsWith('Namespace '))).toEqual([
      'Namespace /acme',
      'NetworkPolicy acme/default-deny-egress',
      'NetworkPolicy acme/default-deny-ingress',
      `ResourceQuota acme/${NO_WORKLOADS_QUOTA}`,
      'Role acme/clearml-bootstrap-acme',
      'RoleBinding acme/clearml-bootstrap-acme',
    ]);
    const ns = cp.objects.find((o) => o.kind === 'Namespace');
    expect(ns.metadata.labels).toMatchObject({ [TENANT_LABEL]: 'acme', [ADMIN_CREDENTIALS_OF_LABEL]: 'acme', 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(cp.objects.find((o) => o.kind === 'ResourceQuota').spec.hard).toEqual({ pods: 0, services: 0, persistentvolumeclaims: 0 });
    for (const kind of ['HelmRelease', 'ServiceAccount', 'LimitRange', 'Secret']) expect(cp.objects.filter((o) => o.kind === kind && o.metadata.namespace === 'acme')).toEqual([]);
    expect(cp.objects.filter((o) => o.kind === 'Job')).toHaveLength(1);
  });

  test('a worker cluster the tenant runs in: namespace (with quota and worker access) and workloads, no bootstrap Job, nothing in the server namespace, no dependency on a bootstrap folder', () => {
    const t = tenant(`${ACME_EU}quota: { pods: 50 }\n`);
    const worker = folders(t, EU);
    expect(worker.map((f) => [f.path, f.dependsOn])).toEqual([
      ['tenants/acme/namespace', undefined], // the layout's rules decide: the worker's shared Redis
      ['tenants/acme/workloads', ['tenants/acme/namespace']],
    ]);
    const all = worker.flatMap((f) => f.objects);
    expect(all.filter((o) => ['Job', 'ConfigMap'].includes(o.kind))).toEqual([]);
    expect(all.filter((o) => o.metadata.namespace === platform.server.namespace)).toEqual([]);
    expect(all.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === 'acme' || o.metadata.namespace === WORKER_ACCESS_NAMESPACE)).toBe(true);
    expect(all.map((o) => o.kind)).toEqual(expect.arrayContaining(['Namespace', 'NetworkPolicy', 'ResourceQuota', 'ServiceAccount', 'Role', 'RoleBinding', 'Secret']));
    expect(all.find((o) => o.kind === 'Namespace').metadata.labels).toMatchObject({ [TENANT_LABEL]: 'acme' });
    // no egress to the server's namespace, which is in the control plane (a namespace of that name here is no server)
    const policies = all.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name);
    expect(policies).not.toContain(`allow-egress-to-${platform.server.namespace}`);
    expect(policies).toEqual(expect.arrayContaining(['default-deny-ingress', 'default-deny-egress', `allow-egress-to-${platform.redis.namespace}`, `allow-egress-to-${platform.ingressNamespace}`]));
    expect(folders(tenant(FULL, []), undefined, [])[0].objects.map((o) => o.metadata.name)).toContain(`allow-egress-to-${platform.server.namespace}`);
    // the agent and app gateway do not wait for the server release, which is in the control plane
    const releases = worker[1].objects.filter((o) => o.kind === 'HelmRelease');
    expect(releases.length).toBeGreaterThan(0);
    for (const r of releases) expect(r.spec.dependsOn ?? []).toEqual([]);
    // a worker cluster the tenant does not run in gets nothing; the first folder may wait for the cluster's own folders
    expect(folders(t, US)).toEqual([]);
    expect(tenantFolders(t, platform, EU, { clusters: CLUSTERS, workerDependsOn: ['gpu'] })[0].dependsOn).toEqual(['gpu', 'worker-access']);
  });

  test('a suspended tenant keeps its worker namespace and access, without workloads', () => {
    expect(folders(tenant(`${ACME_EU}state: suspended\n`), EU).map((f) => f.path)).toEqual(['tenants/acme/namespace']);
  });

  test('the worker access: a ServiceAccount of the writers\' namespace bound to exactly the agent and router Secrets by name and create, and its token Secret there, not in the tenant namespace', () => {
    const all = folders(tenant(ACME_EU), EU)[0].objects;
    const role = all.find((o) => o.kind === 'Role' && o.metadata.name === WORKER_ACCESS_ACCOUNT);
    expect(role.metadata.namespace).toBe('acme');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: [BOOTSTRAP_SECRETS.agent.name, BOOTSTRAP_SECRETS.router.name], verbs: ['get', 'update'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ]);
    expect(all.filter((o) => o.kind === 'Role')).toHaveLength(1);
    const account = workerAccessAccount('acme');
    expect(account).toBe('clearml-bootstrap-writer-acme');
    expect(all.find((o) => o.kind === 'RoleBinding')).toMatchObject({
      metadata: { name: WORKER_ACCESS_ACCOUNT, namespace: 'acme' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: WORKER_ACCESS_ACCOUNT },
      subjects: [{ kind: 'ServiceAccount', name: account, namespace: WORKER_ACCESS_NAMESPACE }],
    });
    expect(all.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === account)).toMatchObject({ metadata: { namespace: WORKER_ACCESS_NAMESPACE }, automountServiceAccountToken: false });
    const token = all.find((o) => o.kind === 'Secret');
    expect(token).toMatchObject({ metadata: { name: workerAccessTokenSecret('acme'), namespace: WORKER_ACCESS_NAMESPACE, annotations: { 'kubernetes.io/service-account.name': account } }, type: 'kubernetes.io/service-account-token' });
    expect(token).not.toHaveProperty('data');
    expect(token).not.toHaveProperty('stringData');
    // a task pod of the tenant can mount no Secret that is not in its namespace: no token there
    expect(all.filter((o) => o.kind === 'Secret' && o.metadata.namespace === 'acme')).toEqual([]);
    // nothing grants anything cluster-wide
    expect(all.filter((o) => /^Cluster/.test(o.kind))).toEqual([]);
    // a tenant may not take the writers' namespace
    expect(problemsOf({ 'acme.yaml': FULL.replace(/^namespace: acme$/m, `namespace: ${WORKER_ACCESS_NAMESPACE}`) }).map((p) => p.message).join('\n')).toMatch(/writer accounts/);
  });
});

describe('the bootstrap plan and Job of the control plane', () => {
  const cpFolder = () => folders(tenant(ACME_BOTH_WORKERS), CP)[0];
  const job = () => cpFolder().objects.find((o) => o.kind === 'Job');

  test('targets: one per cluster of the tenant, workers with their API server and the mounted files; a cluster of role both is the Job\'s own', () => {
    const plan = JSON.parse(cpFolder().objects.find((o) => o.kind === 'ConfigMap' && o.data['plan.json']).data['plan.json']);
    expect(plan.targets).toEqual([
      { cluster: 'gpu-eu-1', namespace: 'acme', kubernetes: { url: 'https://10.20.0.1:6443', tokenFile: '/var/run/targets/gpu-eu-1/token', caFile: '/var/run/targets/gpu-eu-1/ca.crt' } },
      { cluster: 'gpu-us-1', namespace: 'acme', kubernetes: { url: 'https://api.gpu-us-1.example:6443', tokenFile: '/var/run/targets/gpu-us-1/token', caFile: '/var/run/targets/gpu-us-1/ca.crt' } },
    ]);
    const both: ClusterContext = { ...CP, role: 'both', worker: true };
    const t = tenant(`${FULL}clusters: [cp, gpu-eu-1]\n`, [both, EU]);
    expect(bootstrapPlan(t, platform, [both, EU]).targets).toEqual([
      { cluster: 'cp', namespace: 'acme' },
      { cluster: 'gpu-eu-1', namespace: 'acme', kubernetes: { url: EU.apiServer!.url, tokenFile: targetTokenFile('gpu-eu-1'), caFile: targetCaFile('gpu-eu-1') } },
    ]);
    // the both cluster keeps today's folders, and its Job has the targets
    const own = folders(t, both, [both, EU]);
    expect(own.map((f) => f.path)).toEqual(['tenants/acme/bootstrap', 'tenants/acme/workloads']);
    expect(JSON.parse(own[0].objects.find((o) => o.kind === 'ConfigMap' && o.data['plan.json']).data['plan.json']).targets).toHaveLength(2);
    expect(bootstrapPlan(t, platform)).not.toHaveProperty('targets');
  });

  test('the Job mounts each worker\'s token and CA Secrets at /var/run/targets/<cluster>/, read only', () => {
    const spec = job().spec.template.spec;
    const mounts = spec.containers[0].volumeMounts.filter((m: any) => m.mountPath.startsWith('/var/run/targets/'));
    expect(mounts).toEqual([
      { name: 'target-gpu-eu-1', mountPath: '/var/run/targets/gpu-eu-1', readOnly: true },
      { name: 'target-gpu-us-1', mountPath: '/var/run/targets/gpu-us-1', readOnly: true },
    ]);
    expect(spec.volumes.find((v: any) => v.name === 'target-gpu-eu-1')).toEqual({
      name: 'target-gpu-eu-1',
      projected: {
        defaultMode: 0o444,
        sources: [
          { secret: { name: workerTokenSecretName('gpu-eu-1-bootstrap-token', 'acme'), items: [{ key: 'token', path: 'token' }] } },
          { secret: { name: 'gpu-eu-1-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        ],
      },
    });
    expect(workerTokenSecretName('gpu-eu-1-bootstrap-token', 'acme')).toBe('gpu-eu-1-bootstrap-token-acme');
  });

  test('the Secrets inventory of the control plane: the token and CA Secrets from the operator, the admin credentials from the bootstrap; no agent or router Secret', () => {
    const t = tenant(ACME_BOTH_WORKERS);
    const secrets = collectSecretRequirements([tenantFolders(t, platform, CP, { clusters: CLUSTERS })[0].app]);
    const ns = platform.server.namespace;
    expect(secrets.filter((s) => s.namespace === ns && /gpu-/.test(s.name)).map((s) => [s.name, s.keys, s.providedBy])).toEqual([
      ['gpu-eu-1-bootstrap-token-acme', ['token'], 'operator'],
      ['gpu-eu-1-ca', ['ca.crt'], 'operator'],
      ['gpu-us-1-bootstrap-token-acme', ['token'], 'operator'],
      ['gpu-us-1-ca', ['ca.crt'], 'operator'],
    ]);
    expect(secrets.find((s) => s.name === 'gpu-eu-1-bootstrap-token-acme')!.purpose).toMatch(/writer ServiceAccount in cluster gpu-eu-1 \(copied from the Secret clearml-bootstrap-access\/clearml-bootstrap-writer-acme-token there\)/);
    expect(secrets.filter((s) => s.namespace === 'acme').map((s) => [s.name, s.providedBy])).toEqual([[BOOTSTRAP_SECRETS.admin.name, 'bootstrap']]);
  });

  test('the Job\'s egress admits each worker API server by address on its port: the IP of the URL, else the cluster\'s API ranges', () => {
    const policy = cpFolder().objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-clearml-bootstrap-acme-to-targets');
    expect(policy.metadata.namespace).toBe(platform.server.namespace);
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: job().spec.template.metadata.labels },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ipBlock: { cidr: '10.20.0.1/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] },
        { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 6443 }] },
      ],
    });
    // a worker named by host: only its apiServer.cidrs (a missing one is refused, test/platform/clusters.test.ts), never the platform's API ranges
    const named: TargetCluster = { ...US, kubernetesApiCidrs: ['0.0.0.0/0'], apiServer: { ...US.apiServer!, url: 'https://api.gpu-us-1.example' } };
    const t = tenant(`${FULL}clusters: [gpu-us-1]\n`, [CP, named]);
    const egress = folders(t, CP, [CP, named])[0].objects.find((o) => o.metadata.name === 'allow-clearml-bootstrap-acme-to-targets').spec.egress;
    expect(egress).toEqual([{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
  });

  test('refuses a plan whose worker target is not mounted where it says, or has no token and CA Secrets', () => {
    const t = tenant(ACME_EU);
    const plan = bootstrapPlan(t, platform, [EU]);
    const base = { jobNamespace: 'clearml', apiUrl: 'http://clearml-apiserver.clearml.svc:8008', supervisorSecret: { name: 's', accessKeyKey: 'a', secretKeyKey: 'b' }, image: 'node:20' };
    expect(() => inChart((c) => new TenantBootstrap(c, 'B', { ...base, plan }))).toThrow(/plan.targets cluster "gpu-eu-1" has kubernetes but targetAccess has no entry for it/);
    const moved = { ...plan, targets: [{ ...plan.targets![0], kubernetes: { ...plan.targets![0].kubernetes!, tokenFile: '/tmp/token' } }] };
    const access = [{ cluster: 'gpu-eu-1', tokenSecret: 't', caSecret: 'c', apiCidrs: ['10.20.0.1/32'], apiPort: 6443 }];
    expect(() => inChart((c) => new TenantBootstrap(c, 'B', { ...base, plan: moved, targetAccess: access }))).toThrow(/tokenFile must be \/var\/run\/targets\/gpu-eu-1\/token/);
    expect(() => inChart((c) => new TenantBootstrap(c, 'B', { ...base, plan: { ...plan, targets: undefined }, targetAccess: access }))).toThrow(/targetAccess names cluster "gpu-eu-1", which is no target/);
  });
});

describe('secrets from External Secrets in a worker cluster', () => {
  test("a worker tenant's own operator Secrets go into its first folder there, the namespace folder", () => {
    const eso = resolvePlatform({ ...platformProps, secrets: { provider: 'external-secrets', store: { kind: 'ClusterSecretStore', name: 'vault' } } });
    const t = resolveTenants([{ file: 'tenants/acme.yaml', text: ACME_EU }], eso, CLUSTERS)[0];
    const built = tenantFolders(t, eso, EU, { clusters: CLUSTERS });
    const declarations = built.flatMap((f) => secretRequirementsOf(f.app).map((requirement) => ({ folder: f.path, requirement })));
    const planned = planExternalSecrets(eso.secrets, declarations, new Set(built.map((f) => f.path)));
    expect(planned.length).toBeGreaterThan(0);
    for (const p of planned) expect([p.requirement.namespace, p.folder]).toEqual(['acme', 'tenants/acme/namespace']);
  });
});
