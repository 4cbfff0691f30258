/**
 * The bootstrap's way into a worker cluster (BOOTSTRAP-API.md section 7): in the tenant namespace of each
 * worker cluster the tenant runs in, a ServiceAccount `clearml-bootstrap-writer` whose Role allows exactly
 * what the control plane's bootstrap Job does there: `get` and `update` (rotation) on the agent and router
 * credential Secrets by name, and `create` on Secrets (section 2's way of storing a new credential). No
 * `list`, no `watch`, nothing else: the admin credentials and the ledgers stay in the control plane, and the
 * version-1 ledger was never written into a worker cluster, so section 2's rights on those are not granted.
 *
 * RBAC cannot restrict `create` by name, and a Secret of type `kubernetes.io/service-account-token` makes
 * Kubernetes issue a token for whatever account it names: with `create` alone, whoever holds a writer token
 * could mint one for the agent's account. So each worker cluster also gets {@link WorkerAccessGuard}, a
 * ValidatingAdmissionPolicy that lets every `clearml-bootstrap-writer` create (and update) only Opaque Secrets
 * of the two credential names, in the folder {@link WORKER_ACCESS_FOLDER} that the tenants' namespace
 * folders wait for.
 *
 * A `kubernetes.io/service-account-token` Secret makes Kubernetes issue a long-lived token for the account;
 * the operator copies its `token` (and the cluster's `ca.crt`) into the control plane's server namespace,
 * where the Job mounts them ({@link workerTokenSecretName}). The direction is worker to control plane only:
 * no credential of the control plane (the supervisor's, the ledger's) ever reaches a worker cluster.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import type { OutputFolder } from '../output/write-tree';
import { BOOTSTRAP_SECRETS } from '../programs/bootstrap/plan';
import { PART_OF_LABEL, PART_OF_VALUE, TENANT_LABEL } from '../core/labels';
import { boundedDnsLabel } from '../core/names';
import { WORKER_ACCESS_FOLDER } from '../core/folders';

/** The ServiceAccount, Role and RoleBinding name in the worker's tenant namespace. */
export const WORKER_ACCESS_ACCOUNT = 'clearml-bootstrap-writer';

/** The token Secret Kubernetes fills for {@link WORKER_ACCESS_ACCOUNT} (keys `token`, `ca.crt`, `namespace`). */
export const WORKER_ACCESS_TOKEN_SECRET = `${WORKER_ACCESS_ACCOUNT}-token`;

/** The Secrets the worker access may write: the agent and router credentials (contract section 3). */
export const WORKER_ACCESS_SECRET_NAMES: readonly string[] = [BOOTSTRAP_SECRETS.agent.name, BOOTSTRAP_SECRETS.router.name];

/** The Role of the worker access: the agent and router credentials by name, and `create` (held to those names by {@link WorkerAccessGuard}). */
export function workerAccessRules(): k8s.PolicyRule[] {
  return [
    { apiGroups: [''], resources: ['secrets'], resourceNames: [...WORKER_ACCESS_SECRET_NAMES], verbs: ['get', 'update'] },
    // RBAC cannot restrict `create` by name: the admission policy of WorkerAccessGuard does.
    { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
  ];
}

/**
 * Name of the Secret in the control plane's server namespace that holds the token of tenant `tenant`'s
 * worker access in a worker cluster: the cluster's `apiServer.tokenSecret` followed by `-<tenant>` (each
 * tenant's account is its own, so each tenant's token is too), at most 63 characters (hashed, not cut).
 */
export function workerTokenSecretName(tokenSecret: string, tenant: string): string {
  return boundedDnsLabel(`${tokenSecret}-${tenant}`);
}

export interface WorkerAccessProps {
  /** The tenant (for the labels and the texts). */
  readonly tenant: string;
  /** The tenant namespace of the worker cluster. */
  readonly namespace: string;
  /** The worker cluster's name (for the texts). */
  readonly cluster: string;
}

export class WorkerAccess extends Construct {
  constructor(scope: Construct, id: string, props: WorkerAccessProps) {
    super(scope, id);
    const { namespace } = props;
    const labels = { 'app.kubernetes.io/name': WORKER_ACCESS_ACCOUNT, [PART_OF_LABEL]: PART_OF_VALUE, [TENANT_LABEL]: props.tenant };
    const metadata = { name: WORKER_ACCESS_ACCOUNT, namespace, labels };
    // No pod runs as this account: its token is used from the control plane only.
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata, automountServiceAccountToken: false });
    new k8s.KubeRole(this, 'Role', { metadata, rules: workerAccessRules() });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: WORKER_ACCESS_ACCOUNT },
      subjects: [{ kind: 'ServiceAccount', name: WORKER_ACCESS_ACCOUNT, namespace }],
    });
    new k8s.KubeSecret(this, 'Token', {
      metadata: {
        name: WORKER_ACCESS_TOKEN_SECRET,
        namespace,
        labels,
        annotations: {
          'kubernetes.io/service-account.name': WORKER_ACCESS_ACCOUNT,
          'clearml-tenancy/copy-to': `the control plane's server namespace (token and ca.crt), for tenant ${props.tenant}'s bootstrap Job to reach cluster ${props.cluster}`,
        },
      },
      type: 'kubernetes.io/service-account-token',
    });
  }
}

/** Name of the ValidatingAdmissionPolicy and of its binding. */
export const WORKER_ACCESS_GUARD = `${WORKER_ACCESS_ACCOUNT}-secrets`;

/** The requests the guard judges: those of any namespace's {@link WORKER_ACCESS_ACCOUNT}. */
export const WORKER_ACCESS_GUARD_MATCH = `request.userInfo.username.startsWith('system:serviceaccount:') && request.userInfo.username.endsWith(':${WORKER_ACCESS_ACCOUNT}')`;

/**
 * A ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, Kubernetes 1.30 and later, the version the
 * namespaces' Pod Security labels pin) and its binding: a `clearml-bootstrap-writer` of any namespace may
 * create and update only Opaque Secrets named like the agent and router credentials. Anything else it
 * sends (another name, a generated name, a service-account-token Secret) is refused; everyone else's
 * requests are not judged. `failurePolicy: Fail`: if the policy cannot be evaluated, the write is refused.
 */
export class WorkerAccessGuard extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const labels = { 'app.kubernetes.io/name': WORKER_ACCESS_ACCOUNT, [PART_OF_LABEL]: PART_OF_VALUE };
    const names = WORKER_ACCESS_SECRET_NAMES.map((n) => `'${n}'`).join(', ');
    const spec: k8s.ValidatingAdmissionPolicySpecV1Alpha1 = {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['secrets'] }],
      },
      matchConditions: [{ name: 'bootstrap-writer', expression: WORKER_ACCESS_GUARD_MATCH }],
      validations: [
        {
          expression: `object.metadata.name in [${names}]`,
          message: `a ${WORKER_ACCESS_ACCOUNT} may write only the Secrets ${WORKER_ACCESS_SECRET_NAMES.join(' and ')}`,
          reason: 'Forbidden',
        },
        {
          expression: "!has(object.type) || object.type == 'Opaque'",
          message: `a ${WORKER_ACCESS_ACCOUNT} may write only Secrets of type Opaque (a service-account-token Secret would issue a token for another account)`,
          reason: 'Forbidden',
        },
      ],
    };
    new ApiObject(this, 'Policy', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: WORKER_ACCESS_GUARD, labels },
      spec,
    });
    const binding: k8s.ValidatingAdmissionPolicyBindingSpecV1Alpha1 = { policyName: WORKER_ACCESS_GUARD, validationActions: ['Deny'] };
    new ApiObject(this, 'Binding', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: WORKER_ACCESS_GUARD, labels },
      spec: binding,
    });
  }
}

/** The folder of a worker cluster (of several, not the control plane) that holds {@link WorkerAccessGuard}. */
export function workerAccessFolder(): OutputFolder {
  const app = new App({ outdir: 'unused' });
  new WorkerAccessGuard(new Chart(app, 'worker-access'), 'WorkerAccessGuard');
  return { path: WORKER_ACCESS_FOLDER, app };
}
