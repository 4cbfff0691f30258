/**
 * The bootstrap's way into a worker cluster (BOOTSTRAP-API.md section 7): for each tenant that runs in the
 * worker, a ServiceAccount `clearml-bootstrap-writer-<tenant>` in the worker's platform namespace
 * {@link WORKER_ACCESS_NAMESPACE}, bound by a RoleBinding in the tenant namespace to a Role
 * `clearml-bootstrap-writer` there that allows exactly what the control plane's bootstrap Job does: `get` and
 * `update` (rotation) on the agent and router credential Secrets by name, and `create` on Secrets (section
 * 2's way of storing a new credential). No `list`, no `watch`, nothing else: the admin credentials and the
 * ledgers stay in the control plane, and the version-1 ledger was never written into a worker cluster, so
 * section 2's rights on those are not granted.
 *
 * The account and its long-lived token Secret live outside the tenant namespace: a Secret can be mounted into
 * any pod of its namespace without any RBAC right, so in the tenant namespace any task pod could take the
 * token. {@link WORKER_ACCESS_NAMESPACE} holds nothing else, no pod runs there (a quota of zero pods) and no
 * tenant may take it.
 *
 * RBAC cannot restrict `create` by name, and a Secret of type `kubernetes.io/service-account-token` makes
 * Kubernetes issue a token for whatever account it names: with `create` alone, whoever holds a writer token
 * could mint one for the agent's account. So each worker cluster also gets {@link WorkerAccessGuard}, a
 * ValidatingAdmissionPolicy that lets every account of {@link WORKER_ACCESS_NAMESPACE} create (and update)
 * only Opaque Secrets of the two credential names, in the folder {@link WORKER_ACCESS_FOLDER} that the
 * tenants' namespace folders wait for.
 *
 * The operator copies the token Secret's `token` (and the cluster's `ca.crt`) into the control plane's server
 * namespace, where the Job mounts them ({@link workerTokenSecretName}). The direction is worker to control
 * plane only: no credential of the control plane (the supervisor's, the ledger's) ever reaches a worker cluster.
 */
import { App, Chart } from 'cdk8s';
import { SecretWriteGuard } from '../security/secret-write-guard';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import type { OutputFolder } from '../output/write-tree';
import { BOOTSTRAP_SECRETS } from '../programs/bootstrap/plan';
import { PART_OF_LABEL, PART_OF_VALUE, TENANT_LABEL } from '../core/labels';
import { boundedDnsLabel } from '../core/names';
import { WORKER_ACCESS_FOLDER } from '../core/folders';
import { IsolatedNamespace, NamespaceNetwork } from '../security/isolated-namespace';

/** The Role and RoleBinding name in the worker's tenant namespace, and the prefix of the accounts' names. */
export const WORKER_ACCESS_ACCOUNT = 'clearml-bootstrap-writer';

/** The worker's platform namespace of the tenants' writer accounts and their token Secrets. */
export const WORKER_ACCESS_NAMESPACE = 'clearml-bootstrap-access';

/** The writer account of `tenant` in {@link WORKER_ACCESS_NAMESPACE}: `clearml-bootstrap-writer-<tenant>`, at most 63 characters (hashed, not cut). */
export function workerAccessAccount(tenant: string): string {
  return boundedDnsLabel(`${WORKER_ACCESS_ACCOUNT}-${tenant}`);
}

/** The token Secret Kubernetes fills for the writer account of `tenant` (keys `token`, `ca.crt`, `namespace`). */
export function workerAccessTokenSecret(tenant: string): string {
  return boundedDnsLabel(`${WORKER_ACCESS_ACCOUNT}-${tenant}-token`);
}

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
  /** The tenant (for the names, labels and texts). */
  readonly tenant: string;
  /** The tenant namespace of the worker cluster. */
  readonly namespace: string;
  /** The worker cluster's name (for the texts). */
  readonly cluster: string;
}

export class WorkerAccess extends Construct {
  constructor(scope: Construct, id: string, props: WorkerAccessProps) {
    super(scope, id);
    const { namespace, tenant } = props;
    const account = workerAccessAccount(tenant);
    const labels = { 'app.kubernetes.io/name': WORKER_ACCESS_ACCOUNT, [PART_OF_LABEL]: PART_OF_VALUE, [TENANT_LABEL]: tenant };
    // No pod runs as this account: its token is used from the control plane only.
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name: account, namespace: WORKER_ACCESS_NAMESPACE, labels }, automountServiceAccountToken: false });
    const metadata = { name: WORKER_ACCESS_ACCOUNT, namespace, labels };
    new k8s.KubeRole(this, 'Role', { metadata, rules: workerAccessRules() });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: WORKER_ACCESS_ACCOUNT },
      subjects: [{ kind: 'ServiceAccount', name: account, namespace: WORKER_ACCESS_NAMESPACE }],
    });
    new k8s.KubeSecret(this, 'Token', {
      metadata: {
        name: workerAccessTokenSecret(tenant),
        namespace: WORKER_ACCESS_NAMESPACE,
        labels,
        annotations: {
          'kubernetes.io/service-account.name': account,
          'clearml-tenancy/copy-to': `the control plane's server namespace (token and ca.crt), for tenant ${tenant}'s bootstrap Job to reach cluster ${props.cluster}`,
        },
      },
      type: 'kubernetes.io/service-account-token',
    });
  }
}

/** Name of the ValidatingAdmissionPolicy and of its binding. */
export const WORKER_ACCESS_GUARD = `${WORKER_ACCESS_ACCOUNT}-secrets`;

/** The requests the guard judges: those of every account of {@link WORKER_ACCESS_NAMESPACE}. */
export const WORKER_ACCESS_GUARD_MATCH = `request.userInfo.username.startsWith('system:serviceaccount:${WORKER_ACCESS_NAMESPACE}:')`;

/**
 * The worker's {@link SecretWriteGuard}: an account of {@link WORKER_ACCESS_NAMESPACE} may create and update
 * only Opaque Secrets named like the agent and router credentials; anything else it sends (another name, a
 * generated name, a service-account-token Secret) is refused.
 */
export class WorkerAccessGuard extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new SecretWriteGuard(this, 'Guard', {
      name: WORKER_ACCESS_GUARD,
      match: WORKER_ACCESS_GUARD_MATCH,
      who: `a ${WORKER_ACCESS_ACCOUNT} account`,
      rules: [{ names: WORKER_ACCESS_SECRET_NAMES }],
      labels: { 'app.kubernetes.io/name': WORKER_ACCESS_ACCOUNT },
    });
  }
}

/**
 * The folder of a worker cluster (of several, not the control plane) that holds {@link WorkerAccessGuard} and
 * the namespace {@link WORKER_ACCESS_NAMESPACE}: closed both ways, `restricted`, no pod, Service or claim
 * (the tenants' namespace folders put the accounts and their token Secrets there).
 */
export function workerAccessFolder(network: NamespaceNetwork): OutputFolder {
  const app = new App({ outdir: 'unused' });
  const chart = new Chart(app, 'worker-access');
  new IsolatedNamespace(chart, 'Namespace', { name: WORKER_ACCESS_NAMESPACE, network, podSecurity: 'restricted', noWorkloads: true });
  new WorkerAccessGuard(chart, 'WorkerAccessGuard');
  return { path: WORKER_ACCESS_FOLDER, app };
}
