import { Testing } from 'cdk8s';
import { programText } from '../../lib/programs/program-text';
import { DEFAULT_NODE_IMAGE } from '../../lib/programs/bootstrap/job-defaults';
import { collectSecretRequirements } from '../../lib/security/secret-reference';
import { BootstrapProgram, bootstrapProgramConfigMapName } from '../../lib/components/bootstrap-program/bootstrap-program';
import { PLAN as BOOTSTRAP_TEST_PLAN } from '../bootstrap/harness';
import { TenantBootstrapPlan } from '../../lib/tenant/bootstrap-plan';
import { TenantBootstrap, TenantBootstrapProps, bootstrapRoleRules } from '../../lib/tenant/tenant-bootstrap';

// The bootstrap tests' plan, with a whitelist and one GPU queue fewer.
const PLAN: TenantBootstrapPlan = {
  ...BOOTSTRAP_TEST_PLAN,
  whitelist: [{ emails: ['lead@partner.org'], isAdmin: true }],
  queues: ['default', 'gpu-fraction-1_00'],
};

const PROPS: TenantBootstrapProps = {
  plan: PLAN,
  jobNamespace: 'clearml',
  apiUrl: 'http://clearml-apiserver.clearml.svc:8008',
  supervisorSecret: { name: 'clearml-supervisor-credentials', accessKeyKey: 'access_key', secretKeyKey: 'secret_key' },
  image: DEFAULT_NODE_IMAGE,
};


function synth(props: TenantBootstrapProps = PROPS) {
  const chart = Testing.chart();
  const bootstrap = new TenantBootstrap(chart, 'Bootstrap', props);
  const manifests = Testing.synth(chart);
  const of = (kind: string) => manifests.find((m) => m.kind === kind);
  const inNs = (kind: string, namespace: string) => manifests.find((m) => m.kind === kind && m.metadata.namespace === namespace);
  return {
    chart,
    bootstrap,
    manifests,
    job: of('Job'),
    configMap: of('ConfigMap'),
    role: inNs('Role', props.plan.namespace),
    binding: inNs('RoleBinding', props.plan.namespace),
    ledgerRole: inNs('Role', props.jobNamespace),
    ledgerBinding: inNs('RoleBinding', props.jobNamespace),
    account: of('ServiceAccount'),
  };
}

test('snapshot (program text and hash replaced, so that a program change alone does not churn it)', () => {
  const { manifests, bootstrap } = synth();
  const text = JSON.stringify(manifests).split(JSON.stringify(programText('bootstrap')).slice(1, -1)).join('<bootstrap.js>').split(bootstrap.hash).join('<hash>').split(bootstrapProgramConfigMapName()).join('<program ConfigMap>');
  expect(JSON.parse(text)).toMatchSnapshot();
});

test('writes a ConfigMap, a ServiceAccount, a Role and RoleBinding per namespace, and a Job, and no cluster-wide RBAC', () => {
  const { manifests } = synth();
  expect(manifests.map((m) => `${m.kind} ${m.metadata.namespace}`).sort()).toEqual([
    'ConfigMap clearml',
    'Job clearml',
    'Role acme',
    'Role clearml',
    'RoleBinding acme',
    'RoleBinding clearml',
    'ServiceAccount clearml',
  ]);
});

test('the ConfigMap holds the plan under the hashed name, immutable; the program is the shared ConfigMap', () => {
  const { configMap, bootstrap } = synth();
  expect(configMap).toHaveProperty('metadata.namespace', 'clearml');
  expect(configMap).toHaveProperty('metadata.name', bootstrap.jobName);
  expect(configMap).toHaveProperty('immutable', true);
  expect(Object.keys(configMap.data)).toEqual(['plan.json']);
  expect(JSON.parse(configMap.data['plan.json'])).toEqual(PLAN);
});

test('the shared program ConfigMap holds the built program under a name hashed from it', () => {
  const chart = Testing.chart();
  const program = new BootstrapProgram(chart, 'Program', { namespace: 'clearml' });
  const [configMap] = Testing.synth(chart);
  expect(configMap).toHaveProperty('metadata', expect.objectContaining({ name: program.configMapName, namespace: 'clearml' }));
  expect(program.configMapName).toBe(bootstrapProgramConfigMapName());
  expect(program.configMapName).toMatch(/^clearml-bootstrap-program-[0-9a-f]{10}$/);
  expect(configMap).toHaveProperty('immutable', true);
  expect(configMap.data['bootstrap.js']).toBe(programText('bootstrap'));
});

test('the Job runs node on the program, in the server namespace, with the supervisor credentials', () => {
  const { job, bootstrap } = synth();
  expect(bootstrap.jobName).toMatch(/^clearml-bootstrap-acme-[0-9a-f]{10}$/);
  expect(bootstrap.jobName).toBe(`clearml-bootstrap-acme-${bootstrap.hash}`);
  expect(job).toHaveProperty('metadata.name', bootstrap.jobName);
  expect(job).toHaveProperty('metadata.namespace', 'clearml');
  expect(job).toHaveProperty('spec.backoffLimit', 4);
  expect(job).toHaveProperty('spec.activeDeadlineSeconds', 1800);
  const pod = job.spec.template.spec;
  expect(pod).toHaveProperty('restartPolicy', 'Never');
  expect(pod).toHaveProperty('serviceAccountName', 'clearml-bootstrap-acme');
  expect(pod).toHaveProperty('automountServiceAccountToken', true);
  expect(pod.volumes).toEqual([
    { name: 'program', configMap: { name: bootstrapProgramConfigMapName(), defaultMode: 0o444 } },
    { name: 'plan', configMap: { name: bootstrap.jobName, defaultMode: 0o444 } },
  ]);
  const [container] = pod.containers;
  expect(pod.containers).toHaveLength(1);
  expect(container).toHaveProperty('image', DEFAULT_NODE_IMAGE);
  expect(container).toHaveProperty('command', ['node', '/opt/clearml-bootstrap/program/bootstrap.js']);
  expect(container.env).toEqual([
    { name: 'CLEARML_API_URL', value: 'http://clearml-apiserver.clearml.svc:8008' },
    { name: 'CLEARML_API_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'clearml-supervisor-credentials', key: 'access_key' } } },
    { name: 'CLEARML_API_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'clearml-supervisor-credentials', key: 'secret_key' } } },
    { name: 'BOOTSTRAP_PLAN_FILE', value: '/opt/clearml-bootstrap/plan/plan.json' },
    { name: 'BOOTSTRAP_DEADLINE_SECONDS', value: '300' },
  ]);
  expect(container.volumeMounts).toEqual([
    { name: 'program', mountPath: '/opt/clearml-bootstrap/program', readOnly: true },
    { name: 'plan', mountPath: '/opt/clearml-bootstrap/plan', readOnly: true },
  ]);
});

test('the pod meets the restricted Pod Security standard and has requests and limits', () => {
  const { job } = synth();
  const pod = job.spec.template.spec;
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
  expect(pod.containers[0].securityContext).toEqual({
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  });
  expect(pod.containers[0].resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } });
  expect(pod.hostNetwork).toBeUndefined();
});

test('RBAC is exactly the contract\'s section 2: credential Secrets and the v1 ledger by name in the tenant namespace, the ledger by name in its own', () => {
  const { role, binding, ledgerRole, ledgerBinding, account } = synth();
  expect(account).toHaveProperty('metadata', expect.objectContaining({ name: 'clearml-bootstrap-acme', namespace: 'clearml' }));
  // tenant namespace: get and update on the three credential Secrets, get (only) on the v1 ledger, create on Secrets
  expect(role).toHaveProperty('metadata.namespace', 'acme');
  expect(role.rules).toEqual([
    { apiGroups: [''], resources: ['secrets'], resourceNames: ['clearml-admin-credentials', 'clearml-agent-credentials', 'clearml-router-credentials'], verbs: ['get', 'update'] },
    { apiGroups: [''], resources: ['secrets'], resourceNames: ['clearml-tenant-bootstrap'], verbs: ['get'] },
    { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
  ]);
  // the Job's own namespace: get and update on the tenant's ledger, create on Secrets
  expect(ledgerRole).toHaveProperty('metadata', expect.objectContaining({ name: 'clearml-bootstrap-acme', namespace: 'clearml' }));
  expect(ledgerRole.rules).toEqual([
    { apiGroups: [''], resources: ['secrets'], resourceNames: ['clearml-tenant-ledger-acme'], verbs: ['get', 'update'] },
    { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
  ]);
  for (const [b, r, ns] of [[binding, role, 'acme'], [ledgerBinding, ledgerRole, 'clearml']]) {
    expect(b).toHaveProperty('metadata.namespace', ns);
    expect(b).toHaveProperty('roleRef', { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: r.metadata.name });
    expect(b).toHaveProperty('subjects', [{ kind: 'ServiceAccount', name: 'clearml-bootstrap-acme', namespace: 'clearml' }]);
  }
  // no list, no watch, nothing but secrets anywhere
  const verbs = [...role.rules, ...ledgerRole.rules].flatMap((r: any) => r.verbs);
  expect([...new Set(verbs)].sort()).toEqual(['create', 'get', 'update']);
  expect(bootstrapRoleRules(PLAN)).toEqual({ tenantNamespace: role.rules, jobNamespace: ledgerRole.rules });
});

test('declares the supervisor Secret (operator), the ledger in the server namespace and the three credential Secrets (bootstrap)', () => {
  const { chart } = synth();
  const required = collectSecretRequirements([chart]).map((r) => ({ namespace: r.namespace, name: r.name, keys: r.keys, providedBy: r.providedBy }));
  expect(required).toEqual([
    { namespace: 'acme', name: 'clearml-admin-credentials', keys: ['access_key', 'secret_key'], providedBy: 'bootstrap' },
    { namespace: 'acme', name: 'clearml-agent-credentials', keys: ['agentk8sglue_key', 'agentk8sglue_secret'], providedBy: 'bootstrap' },
    { namespace: 'acme', name: 'clearml-router-credentials', keys: ['access_key', 'secret_key'], providedBy: 'bootstrap' },
    { namespace: 'clearml', name: 'clearml-supervisor-credentials', keys: ['access_key', 'secret_key'], providedBy: 'operator' },
    { namespace: 'clearml', name: 'clearml-tenant-ledger-acme', keys: ['admin_user_id', 'company_id', 'state'], providedBy: 'bootstrap' },
  ]);
});

test('fails when the plan puts the ledger outside the Job\'s namespace', () => {
  expect(() => synth({ ...PROPS, plan: { ...PLAN, ledgerNamespace: 'acme' } })).toThrow(/plan\.ledgerNamespace must be the Job's own namespace "clearml" \(contract section 3\), got "acme"/);
});

describe('the hash in the names', () => {
  test('stays the same when nothing changes', () => {
    expect(synth().bootstrap.jobName).toBe(synth().bootstrap.jobName);
  });

  test.each<[string, Partial<TenantBootstrapProps>]>([
    ['a queue is added', { plan: { ...PLAN, queues: [...PLAN.queues, 'gpu-fraction-0_50'] } }],
    ['the domains change', { plan: { ...PLAN, domains: ['acme.org'] } }],
    ['the state changes', { plan: { ...PLAN, state: 'suspended' } }],
    ['the credentials generation is raised', { plan: { ...PLAN, credentialsGeneration: 2 } }],
    ['the whitelist changes', { plan: { ...PLAN, whitelist: [] } }],
    ['the image changes', { image: 'node:20-alpine@sha256:0000000000000000000000000000000000000000000000000000000000000000' }],
    ['the apiserver URL changes', { apiUrl: 'http://apiserver.other.svc:8008' }],
    ['the deadline changes', { deadlineSeconds: 120 }],
  ])('changes when %s', (_, change) => {
    const before = synth().bootstrap;
    const after = synth({ ...PROPS, ...change }).bootstrap;
    expect(after.hash).not.toBe(before.hash);
    expect(after.jobName).not.toBe(before.jobName);
  });

  test('keeps names within 63 characters, with the hash, for a long tenant name', () => {
    const tenant = 'a-very-long-tenant-name-that-fills-a-whole-dns-label-to-the-end';
    expect(tenant).toHaveLength(63);
    const { bootstrap, job, role } = synth({ ...PROPS, plan: { ...PLAN, tenant, namespace: tenant } });
    expect(bootstrap.jobName.length).toBeLessThanOrEqual(63);
    expect(bootstrap.jobName.endsWith(`-${bootstrap.hash}`)).toBe(true);
    expect(job.metadata.name).toBe(bootstrap.jobName);
    expect(role.metadata.name.length).toBeLessThanOrEqual(63);
  });
});

test('takes the optional props', () => {
  const { job } = synth({
    ...PROPS,
    backoffLimit: 1,
    activeDeadlineSeconds: 600,
    deadlineSeconds: 120,
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '96Mi' } },
  });
  expect(job).toHaveProperty('spec.backoffLimit', 1);
  expect(job).toHaveProperty('spec.activeDeadlineSeconds', 600);
  expect(job.spec.template.spec.containers[0].env).toContainEqual({ name: 'BOOTSTRAP_DEADLINE_SECONDS', value: '120' });
  expect(job.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '96Mi' } });
});

test('fails when the Job deadline is shorter than one run, or the URL is not one, naming both', () => {
  expect(() => synth({ ...PROPS, activeDeadlineSeconds: 100, apiUrl: 'clearml-apiserver:8008' })).toThrow(
    /TenantBootstrap for tenant "acme": activeDeadlineSeconds must be an integer >= deadlineSeconds \+ 60 \(360\), got 100; apiUrl must be an http:\/\/ or https:\/\/ URL, got "clearml-apiserver:8008"/,
  );
});
