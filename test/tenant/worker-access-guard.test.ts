/**
 * Issue 19, review finding: the worker access may `create` Secrets (contract section 2), which RBAC cannot
 * restrict by name. The worker's admission policy (lib/tenant/worker-access.ts, WorkerAccessGuard) holds every
 * `clearml-bootstrap-writer` to Opaque Secrets of the two credential names. Its CEL expressions are run here
 * against admission requests (test/support/cel-subset.ts), `lint:policies` fails without it, and `validate`
 * knows its kind.
 */
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

const TENANTS = join(__dirname, '..', '..', 'tenants');

const guardObjects = () => renderFolderObjects([workerAccessFolder(resolvePlatform(singleCluster).network)]).flatMap((f) => f.files.flatMap((file) => file.objects)) as any[];
const policy = guardObjects().find((o) => o.kind === 'ValidatingAdmissionPolicy');

interface Request {
  readonly username: string;
  readonly operation?: 'CREATE' | 'UPDATE' | 'DELETE';
  readonly resource?: string;
  readonly object: Record<string, unknown>;
}

/** What the API server does with the request under the policy: not judged, allowed, or denied with the messages. */
function admit(r: Request): 'not judged' | 'allowed' | string[] {
  const operation = r.operation ?? 'CREATE';
  const resource = r.resource ?? 'secrets';
  const rules: any[] = policy.spec.matchConstraints.resourceRules;
  if (!rules.some((rule) => rule.resources.includes(resource) && rule.operations.includes(operation) && rule.apiGroups.includes(''))) return 'not judged';
  const vars = { object: r.object, request: { userInfo: { username: r.username }, operation } };
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
    expect(admit({ username: WRITER, object: secret('clearml-admin-credentials', 'Opaque') })).toEqual([expect.stringMatching(/only the Secrets clearml-agent-credentials and clearml-router-credentials/)]);
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
    expect(policy.spec.failurePolicy).toBe('Fail');
    const binding = guardObjects().find((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
    expect(binding).toMatchObject({ apiVersion: 'admissionregistration.k8s.io/v1', metadata: { name: WORKER_ACCESS_GUARD }, spec: { policyName: WORKER_ACCESS_GUARD, validationActions: ['Deny'] } });
    expect(policy.metadata).not.toHaveProperty('namespace');
    expect(binding.metadata).not.toHaveProperty('namespace');
  });

  test("the writers' namespace: closed both ways, restricted, and no pod, Service or claim may be made there", () => {
    const objects = guardObjects().filter((o) => o.metadata.namespace === WORKER_ACCESS_NAMESPACE || (o.kind === 'Namespace' && o.metadata.name === WORKER_ACCESS_NAMESPACE));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['Namespace/clearml-bootstrap-access', 'NetworkPolicy/default-deny-egress', 'NetworkPolicy/default-deny-ingress', 'ResourceQuota/no-workloads']);
    expect(objects.find((o) => o.kind === 'ResourceQuota').spec.hard).toEqual({ pods: 0, services: 0, persistentvolumeclaims: 0 });
    expect(objects.find((o) => o.kind === 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});

describe('the guard in the output', () => {
  const files = renderOutput({ platform: twoClusters, tenantsDir: TENANTS });
  const tree = (name: string) => new Map([...files].filter(([p]) => p.startsWith(`clusters/${name}/`)).map(([p, t]) => [p.slice(`clusters/${name}/`.length), t]));
  const east = tree('gpu-east');
  const hq = tree('hq');
  const kinds = (t: ReadonlyMap<string, string>) => [...t].filter(([p]) => p.endsWith('.yaml')).flatMap(([, text]) => YAML.parseAllDocuments(text).map((d) => d.toJSON()?.kind));
  const lint = (t: ReadonlyMap<string, string>) => lintObjects(manifestsOfFiles(t).manifests, { tenantLabel: 'clearml-tenancy/tenant' }).filter((f) => f.rule === 'token-account-creates-secrets-unguarded');

  test('each worker of several clusters has the worker-access folder; the control plane and a single cluster have no admission policy', () => {
    expect([...east.keys()].filter((p) => p.startsWith(`${WORKER_ACCESS_FOLDER}/`))).toEqual([`${WORKER_ACCESS_FOLDER}/kustomization.yaml`, `${WORKER_ACCESS_FOLDER}/worker-access.yaml`]);
    expect(kinds(hq)).not.toContain('ValidatingAdmissionPolicy');
    expect(kinds(renderOutput({ platform: singleCluster, tenantsDir: TENANTS }))).not.toContain('ValidatingAdmissionPolicy');
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
