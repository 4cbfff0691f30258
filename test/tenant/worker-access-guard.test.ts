/**
 * Issue 19, review finding: the worker access may `create` Secrets (contract section 2), which RBAC cannot
 * restrict by name. The worker's admission policy (lib/tenant/worker-access.ts, WorkerAccessGuard) holds every
 * `clearml-bootstrap-writer` to Opaque Secrets of the two credential names. Its CEL expressions are run here
 * against admission requests (test/support/cel-subset.ts), `lint:policies` fails without it, and `validate`
 * knows its kind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { evaluateCel } from '../support/cel-subset';
import { renderFolderObjects } from '../../lib/output/write-tree';
import { renderOutput } from '../../lib/synth';
import { WORKER_ACCESS_ACCOUNT, WORKER_ACCESS_GUARD, WORKER_ACCESS_NAMESPACE, WORKER_ACCESS_SECRET_NAMES, workerAccessAccount, workerAccessFolder, workerAccessRules } from '../../lib/tenant/worker-access';
import { resolvePlatform } from '../../lib/platform/platform';
import { WORKER_ACCESS_FOLDER } from '../../lib/core/folders';
import { lintObjects } from '../../lib/analysis/policy-lint';
import { manifestsOfFiles } from '../../lib/analysis/manifests';
import { loadSchemas, treeFromFiles } from '../../lib/tools/validate/main';
import { validateTree } from '../../lib/tools/validate/validate-output';
import { CRDS_DIR } from '../support/fake-tenants';
import { platform as twoClusters } from '../../examples/two-clusters';
import { platform as singleCluster } from '../../main';
import { BOOTSTRAP_ACCOUNTS_GUARD } from '../../lib/components/bootstrap-program/bootstrap-program';
import { BOOTSTRAP_SECRETS, bootstrapLedgerName } from '../../lib/programs/bootstrap/plan';

const TENANTS = join(__dirname, '..', '..', 'tenants');

const guardObjects = () => renderFolderObjects([workerAccessFolder(resolvePlatform(singleCluster).network)]).flatMap((f) => f.files.flatMap((file) => file.objects)) as any[];
const workerPolicy = guardObjects().find((o) => o.kind === 'ValidatingAdmissionPolicy');
const bootstrapPolicy = (YAML.parseAllDocuments(readFileSync(join(__dirname, '..', '..', 'dist', 'server', 'bootstrap-program.yaml'), 'utf8')).map((d) => d.toJSON()) as any[])
  .find((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === BOOTSTRAP_ACCOUNTS_GUARD);

interface Request {
  readonly username: string;
  readonly operation?: 'CREATE' | 'UPDATE' | 'DELETE';
  readonly resource?: string;
  readonly object: Record<string, unknown>;
}

/** What the API server does with the request under the policy: not judged, allowed, or denied with the messages. */
function admit(r: Request, policy: any = workerPolicy): 'not judged' | 'allowed' | string[] {
  const operation = r.operation ?? 'CREATE';
  const resource = r.resource ?? 'secrets';
  const rules: any[] = policy.spec.matchConstraints.resourceRules;
  if (!rules.some((rule) => rule.resources.includes(resource) && rule.operations.includes(operation) && rule.apiGroups.includes(''))) return 'not judged';
  const vars = { object: r.object, request: { userInfo: { username: r.username }, operation, namespace: (r.object.metadata as any)?.namespace } };
  if (!policy.spec.matchConditions.every((c: any) => evaluateCel(c.expression, vars))) return 'not judged';
  const failed = policy.spec.validations.filter((v: any) => !evaluateCel(v.expression, vars)).map((v: any) => v.message);
  return failed.length === 0 ? 'allowed' : failed;
}

const WRITER = `system:serviceaccount:${WORKER_ACCESS_NAMESPACE}:${workerAccessAccount('acme')}`;
const secret = (name: string, type?: string, extra: Record<string, unknown> = {}) => ({ metadata: { name, namespace: 'acme', ...extra }, ...(type ? { type } : {}) });

describe('the worker access guard judges what a clearml-bootstrap-writer writes', () => {
  test('the two credential Secrets, Opaque (or with no type, which Kubernetes defaults to Opaque): allowed, on create and on update', () => {
    for (const name of WORKER_ACCESS_SECRET_NAMES) {
      expect(admit({ username: WRITER, object: secret(name, 'Opaque') })).toBe('allowed');
      expect(admit({ username: WRITER, object: secret(name) })).toBe('allowed');
      expect(admit({ username: WRITER, operation: 'UPDATE', object: secret(name, 'Opaque') })).toBe('allowed');
    }
  });

  test('a service-account-token Secret for another account is refused, whatever its name', () => {
    const mint = secret(WORKER_ACCESS_SECRET_NAMES[0], 'kubernetes.io/service-account-token', { annotations: { 'kubernetes.io/service-account.name': 'clearml-agent' } });
    expect(admit({ username: WRITER, object: mint })).toEqual([expect.stringMatching(/only Secrets of type Opaque/)]);
    expect(admit({ username: WRITER, object: secret('agent-token', 'kubernetes.io/service-account-token') })).toHaveLength(2);
  });

  test('any other name is refused, also for the writer of another namespace; dockerconfigjson Secrets too', () => {
    expect(admit({ username: WRITER, object: secret('clearml-admin-credentials', 'Opaque') })).toEqual([expect.stringMatching(/only the Secrets clearml-agent-credentials, clearml-router-credentials$/)]);
    expect(admit({ username: `system:serviceaccount:${WORKER_ACCESS_NAMESPACE}:${workerAccessAccount('globex')}`, object: secret('x', 'Opaque') })).toHaveLength(1);
    expect(admit({ username: WRITER, object: secret(WORKER_ACCESS_SECRET_NAMES[1], 'kubernetes.io/dockerconfigjson') })).toHaveLength(1);
  });

  test('nobody else is judged: other accounts, a user named like the account, other resources and deletes', () => {
    expect(admit({ username: 'system:serviceaccount:acme:clearml-agent', object: secret('anything', 'kubernetes.io/service-account-token') })).toBe('not judged');
    expect(admit({ username: workerAccessAccount('acme'), object: secret('anything') })).toBe('not judged');
    // an account named like a writer in a tenant namespace is not one (the writers live in their own namespace)
    expect(admit({ username: `system:serviceaccount:acme:${workerAccessAccount('acme')}`, object: secret('anything') })).toBe('not judged');
    expect(admit({ username: `system:serviceaccount:${WORKER_ACCESS_NAMESPACE}x:${WORKER_ACCESS_ACCOUNT}`, object: secret('anything') })).toBe('not judged');
    expect(admit({ username: WRITER, resource: 'configmaps', object: secret('anything') })).toBe('not judged');
    expect(admit({ username: WRITER, operation: 'DELETE', object: secret('anything') })).toBe('not judged');
  });

  test("every Secret the writer's Role names is one the guard lets it write; refused when in doubt, bound with Deny", () => {
    const named = workerAccessRules().flatMap((r) => r.resourceNames ?? []);
    expect(named).toEqual([...WORKER_ACCESS_SECRET_NAMES]);
    for (const name of named) expect(admit({ username: WRITER, object: secret(name, 'Opaque') })).toBe('allowed');
    expect(workerPolicy.spec.failurePolicy).toBe('Fail');
    const binding = guardObjects().find((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
    expect(binding).toMatchObject({ apiVersion: 'admissionregistration.k8s.io/v1', metadata: { name: WORKER_ACCESS_GUARD }, spec: { policyName: WORKER_ACCESS_GUARD, validationActions: ['Deny'] } });
    expect(workerPolicy.metadata).not.toHaveProperty('namespace');
    expect(binding.metadata).not.toHaveProperty('namespace');
  });

  test("the writers' namespace: closed both ways, restricted, and no pod, Service or claim may be made there", () => {
    const objects = guardObjects().filter((o) => o.metadata.namespace === WORKER_ACCESS_NAMESPACE || (o.kind === 'Namespace' && o.metadata.name === WORKER_ACCESS_NAMESPACE));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['Namespace/clearml-bootstrap-access', 'NetworkPolicy/default-deny-egress', 'NetworkPolicy/default-deny-ingress', 'ResourceQuota/no-workloads']);
    expect(objects.find((o) => o.kind === 'ResourceQuota').spec.hard).toEqual({ pods: 0, services: 0, persistentvolumeclaims: 0 });
    expect(objects.find((o) => o.kind === 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});

describe("the control plane's guard judges what the bootstrap Jobs' accounts write (dist/server/bootstrap-program.yaml)", () => {
  const JOB = 'system:serviceaccount:clearml:clearml-bootstrap-acme';
  const admitJob = (r: Request) => admit(r, bootstrapPolicy);

  const inNs = (ns: string, name: string, type?: string, extra: Record<string, unknown> = {}) => ({ metadata: { name, namespace: ns, ...extra }, ...(type ? { type } : {}) });

  test('the ledgers in the server namespace and the credential Secrets in the tenants\' namespaces, Opaque: allowed', () => {
    for (const name of [bootstrapLedgerName('acme'), bootstrapLedgerName('a-tenant-with-a-long-name')]) {
      expect(admitJob({ username: JOB, object: inNs('clearml', name, 'Opaque') })).toBe('allowed');
      expect(admitJob({ username: JOB, operation: 'UPDATE', object: inNs('clearml', name) })).toBe('allowed');
    }
    for (const name of [BOOTSTRAP_SECRETS.admin.name, BOOTSTRAP_SECRETS.agent.name, BOOTSTRAP_SECRETS.router.name]) {
      expect(admitJob({ username: JOB, object: inNs('acme', name, 'Opaque') })).toBe('allowed');
    }
  });

  test('a token Secret for the server\'s account, a credential name in the server namespace, a ledger elsewhere, or any other name: refused', () => {
    expect(admitJob({ username: JOB, object: inNs('clearml', bootstrapLedgerName('globex'), 'kubernetes.io/service-account-token', { annotations: { 'kubernetes.io/service-account.name': 'clearml-bootstrap-globex' } }) })).toEqual([expect.stringMatching(/only Secrets of type Opaque/)]);
    expect(admitJob({ username: JOB, object: inNs('clearml', 'clearml-supervisor', 'Opaque') })).toEqual([expect.stringMatching(/^a bootstrap account \(clearml\/clearml-bootstrap-\*\) may write only the Secrets clearml-tenant-ledger-\* in clearml; clearml-admin-credentials, clearml-agent-credentials, clearml-router-credentials outside clearml$/)]);
    expect(admitJob({ username: JOB, object: inNs('clearml', BOOTSTRAP_SECRETS.admin.name, 'Opaque') })).toHaveLength(1);
    expect(admitJob({ username: JOB, object: inNs('acme', bootstrapLedgerName('acme'), 'Opaque') })).toHaveLength(1);
  });

  test("nobody else is judged: the server's and the apps upload's accounts, a bootstrap-named account of another namespace", () => {
    expect(admitJob({ username: 'system:serviceaccount:clearml:clearml-apps-upload', object: secret('x') })).toBe('not judged');
    expect(admitJob({ username: 'system:serviceaccount:acme:clearml-bootstrap-acme', object: secret('x') })).toBe('not judged');
  });
});

describe('the guard in the output', () => {
  const files = renderOutput({ platform: twoClusters, tenantsDir: TENANTS });
  const tree = (name: string) => new Map([...files].filter(([p]) => p.startsWith(`clusters/${name}/`)).map(([p, t]) => [p.slice(`clusters/${name}/`.length), t]));
  const east = tree('gpu-east');
  const hq = tree('hq');
  const lint = (t: ReadonlyMap<string, string>) => lintObjects(manifestsOfFiles(t).manifests, { tenantLabel: 'clearml-tenancy/tenant' }).filter((f) => f.rule === 'token-account-creates-secrets-unguarded');

  test("each worker of several clusters has the worker-access folder and its guard; the control plane and a single cluster only the bootstrap accounts' guard", () => {
    expect([...east.keys()].filter((p) => p.startsWith(`${WORKER_ACCESS_FOLDER}/`))).toEqual([`${WORKER_ACCESS_FOLDER}/kustomization.yaml`, `${WORKER_ACCESS_FOLDER}/worker-access.yaml`]);
    const policies = (t: ReadonlyMap<string, string>) => [...t].filter(([p]) => p.endsWith('.yaml')).flatMap(([, text]) => YAML.parseAllDocuments(text).map((d) => d.toJSON())).filter((o) => o?.kind === 'ValidatingAdmissionPolicy').map((o) => o.metadata.name);
    expect(policies(east)).toEqual([WORKER_ACCESS_GUARD]);
    expect(policies(hq)).toEqual([BOOTSTRAP_ACCOUNTS_GUARD]);
    expect(policies(renderOutput({ platform: singleCluster, tenantsDir: TENANTS }))).toEqual([BOOTSTRAP_ACCOUNTS_GUARD]);
  });

  test('lint:policies: clean with the guard; each tenant\'s writer binding is a finding without it, or with a binding that only warns', () => {
    expect(lint(east)).toEqual([]);
    const without = new Map([...east].filter(([p]) => !p.startsWith(`${WORKER_ACCESS_FOLDER}/`)));
    const guard = (text: string) => text.split('---\n').filter((doc) => !/kind: ValidatingAdmissionPolicy/.test(doc)).join('---\n');
    for (const [p, text] of east) if (p.startsWith(`${WORKER_ACCESS_FOLDER}/`) && p.endsWith('.yaml') && !p.endsWith('kustomization.yaml')) without.set(p, guard(text));
    expect(lint(without).map((f) => f.object).sort()).toEqual(['RoleBinding acme/clearml-bootstrap-writer', 'RoleBinding globex/clearml-bootstrap-writer', 'RoleBinding initech-ml/clearml-bootstrap-writer']);
    const warnOnly = new Map(east);
    const file = `${WORKER_ACCESS_FOLDER}/worker-access.yaml`;
    warnOnly.set(file, east.get(file)!.replace(/validationActions:\n\s+- Deny/, 'validationActions:\n    - Warn'));
    expect(warnOnly.get(file)).not.toEqual(east.get(file));
    expect(lint(warnOnly)).toHaveLength(3);
  });

  test('validate knows admissionregistration.k8s.io/v1 and refuses a field the policy does not have', () => {
    const schemas = loadSchemas(CRDS_DIR);
    expect(validateTree(treeFromFiles(east, 'clusters/gpu-east'), schemas)).toEqual([]);
    const file = `${WORKER_ACCESS_FOLDER}/worker-access.yaml`;
    const bad = new Map(east);
    bad.set(file, east.get(file)!.replace('failurePolicy: Fail', 'failurePolicy: Fail\n  failPolicy: Fail'));
    expect(validateTree(treeFromFiles(bad, 'clusters/gpu-east'), schemas).join('\n')).toMatch(/failPolicy/);
  });
});
