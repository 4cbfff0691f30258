/**
 * The bootstrap's way into a worker cluster (BOOTSTRAP-API.md section 7): in the tenant namespace of each
 * worker cluster the tenant runs in, a ServiceAccount `clearml-bootstrap-writer` whose Role allows exactly
 * what the control plane's bootstrap Job does there: `get` and `update` (rotation) on the agent and router
 * credential Secrets by name, and `create` on Secrets (Kubernetes cannot restrict `create` by name). No
 * `list`, no `watch`, nothing else: the admin credentials and the ledgers stay in the control plane, and the
 * version-1 ledger was never written into a worker cluster, so section 2's rights on those are not granted.
 *
 * A `kubernetes.io/service-account-token` Secret makes Kubernetes issue a long-lived token for the account;
 * the operator copies its `token` (and the cluster's `ca.crt`) into the control plane's server namespace,
 * where the Job mounts them ({@link workerTokenSecretName}). The direction is worker to control plane only:
 * no credential of the control plane (the supervisor's, the ledger's) ever reaches a worker cluster.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { BOOTSTRAP_SECRETS } from '../programs/bootstrap/plan';
import { PART_OF_LABEL, PART_OF_VALUE, TENANT_LABEL } from '../core/labels';
import { boundedDnsLabel } from '../core/names';

/** The ServiceAccount, Role and RoleBinding name in the worker's tenant namespace. */
export const WORKER_ACCESS_ACCOUNT = 'clearml-bootstrap-writer';

/** The token Secret Kubernetes fills for {@link WORKER_ACCESS_ACCOUNT} (keys `token`, `ca.crt`, `namespace`). */
export const WORKER_ACCESS_TOKEN_SECRET = `${WORKER_ACCESS_ACCOUNT}-token`;

/** The Role of the worker access: the agent and router credentials by name, and `create`. */
export function workerAccessRules(): k8s.PolicyRule[] {
  return [
    { apiGroups: [''], resources: ['secrets'], resourceNames: [BOOTSTRAP_SECRETS.agent.name, BOOTSTRAP_SECRETS.router.name], verbs: ['get', 'update'] },
    // Kubernetes cannot restrict `create` by name.
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
