/**
 * The tenant bootstrap Job ("Tenant Configuration", "Create a queue"): runs the bootstrap program
 * (lib/programs/bootstrap/bootstrap.ts, contract in BOOTSTRAP-API.md version 2) with the tenant's plan, in the server
 * namespace where the supervisor credentials are. Its RBAC is exactly the contract's section 2: in the tenant
 * namespace `get` and `update` on the three credential Secrets by name, `get` on the version-1 ledger by name
 * (read only, for migration) and `create` on Secrets; in the server namespace `get` and `update` on the
 * tenant's ledger by name and `create` on Secrets. No `list`, no `watch`.
 *
 * The program itself is one shared ConfigMap in the server namespace (BootstrapProgram); the tenant's
 * own ConfigMap holds its plan. The Job and plan ConfigMap names carry a hash of the program, the plan and
 * the Job's settings: a change runs a new Job (a Job's pod template cannot be changed in place), an
 * unchanged one is not re-run, and an older Job keeps its own (immutable) ConfigMaps.
 *
 * Several clusters (contract section 7): for each target of the plan in a worker cluster, the Job mounts the
 * operator-provided Secrets with that worker's token and CA at `/var/run/targets/<cluster>/` (`targetAccess`),
 * and a NetworkPolicy lets the Job's pods reach that worker's API server by address, on its port only.
 */
import { WORKER_ACCESS_NAMESPACE, workerAccessTokenSecret } from './worker-access';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { programText } from '../programs/program-text';
import { BOOTSTRAP_JOB_DEFAULTS } from '../programs/bootstrap/job-defaults';
import { BOOTSTRAP_ACCOUNT_PREFIX, BOOTSTRAP_SECRETS, SUPERVISOR_SECRET_PURPOSE, bootstrapSecretPurpose } from '../programs/bootstrap/plan';
import type { ResolvedCredentialsSecret } from '../components/clearml-server/settings';
import { boundedDnsLabel } from '../core/names';
import { BOOTSTRAP_POD_LABEL, PART_OF_LABEL, PART_OF_VALUE, TENANT_LABEL } from '../core/labels';
import { BOOTSTRAP_PROGRAM_FILE, bootstrapProgramConfigMapName } from '../components/bootstrap-program/bootstrap-program';
import { LEDGER_KEYS, TARGETS_MOUNT, TenantBootstrapPlan, ledgerSecretName, ledgerSecretPurpose, targetCaFile, targetTokenFile } from './bootstrap-plan';
import { CLUSTER_CA_KEY, CLUSTER_TOKEN_KEY } from '../platform/clusters';
import { contentHash, hashedName, resources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../security/restricted-pod';
import { requireSecret } from '../security/secret-reference';
import { safeIpBlock } from '../security/never-egress';

/**
 * How the Job reaches one worker cluster of its plan's targets: the Secrets in the Job's namespace that hold
 * the token of the worker access (lib/tenant/worker-access.ts) and the worker's CA, and the worker API
 * server's addresses and port for the Job's egress.
 */
export interface TargetAccess {
  /** The target's cluster (as in the plan's `targets`). */
  readonly cluster: string;
  /** Secret (key `token`) with the token of the tenant's writer account in that cluster (lib/tenant/worker-access.ts). */
  readonly tokenSecret: string;
  /** Secret (key `ca.crt`) with that cluster's CA certificate. */
  readonly caSecret: string;
  /** Where that cluster's API server answers (IPv4 CIDRs). */
  readonly apiCidrs: readonly string[];
  /** The port of its API server. */
  readonly apiPort: number;
}

/** Requests and limits of the bootstrap container. */
export interface BootstrapResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface TenantBootstrapProps {
  /**
   * What to bootstrap: the tenant's company, admin, domains and queues; `namespace` receives the credential
   * Secrets, `ledgerNamespace` (which must be `jobNamespace`) the ledger: a version-2 plan, as
   * `bootstrapPlan` makes it.
   */
  readonly plan: TenantBootstrapPlan;
  /** Namespace of the Job: the server namespace, which holds the supervisor credentials Secret and the ledger. */
  readonly jobNamespace: string;
  /** In-cluster URL of the apiserver (`CLEARML_API_URL`), e.g. `http://clearml-apiserver.clearml.svc:8008`. */
  readonly apiUrl: string;
  /** The supervisor's credentials Secret (role `system`), in `jobNamespace`. */
  readonly supervisorSecret: ResolvedCredentialsSecret;
  /** The `node` image, pinned by tag and digest (DEFAULT_NODE_IMAGE in lib/programs/bootstrap/job-defaults.ts). */
  readonly image: string;
  /** Pod retries of the Job. @default 4 */
  readonly backoffLimit?: number;
  /** Deadline of the whole Job, all pod retries included. @default 1800 */
  readonly activeDeadlineSeconds?: number;
  /** The program's own deadline per run (`BOOTSTRAP_DEADLINE_SECONDS`). @default 300 */
  readonly deadlineSeconds?: number;
  /** @default - requests 50m CPU and 64Mi, limits 500m CPU and 128Mi */
  readonly resources?: BootstrapResources;
  /** One per target of the plan that has `kubernetes` (a worker cluster). @default [] */
  readonly targetAccess?: readonly TargetAccess[];
}

/** The Job's defaults, written once in lib/programs/bootstrap/job-defaults.ts. */
const DEFAULTS = BOOTSTRAP_JOB_DEFAULTS;

/** The credential Secrets of the tenant namespace (section 3). */
const CREDENTIAL_SECRETS = ['admin', 'agent', 'router'] as const;

/** The Role rules of the bootstrap Job (contract section 2), per namespace. */
export function bootstrapRoleRules(plan: Pick<TenantBootstrapPlan, 'tenant'>): { readonly tenantNamespace: k8s.PolicyRule[]; readonly jobNamespace: k8s.PolicyRule[] } {
  return {
    tenantNamespace: [
      { apiGroups: [''], resources: ['secrets'], resourceNames: CREDENTIAL_SECRETS.map((k) => BOOTSTRAP_SECRETS[k].name), verbs: ['get', 'update'] },
      // The version-1 ledger: read once, for migration; never written.
      { apiGroups: [''], resources: ['secrets'], resourceNames: [BOOTSTRAP_SECRETS.ledger.name], verbs: ['get'] },
      // Kubernetes cannot restrict `create` by name.
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ],
    jobNamespace: [
      { apiGroups: [''], resources: ['secrets'], resourceNames: [ledgerSecretName(plan.tenant)], verbs: ['get', 'update'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ],
  };
}

/** Where the program and the plan are mounted in the container. */
const PROGRAM_MOUNT = '/opt/clearml-bootstrap/program';
const PLAN_MOUNT = '/opt/clearml-bootstrap/plan';
const CONTAINER = 'bootstrap';

export class TenantBootstrap extends Construct {
  /** Name of the Job (and of its plan ConfigMap): `clearml-bootstrap-<tenant>-<hash>`. */
  public readonly jobName: string;
  /** Hash of the program, the plan and the Job's settings (10 hex characters). */
  public readonly hash: string;
  /** The plan as written to the ConfigMap. */
  public readonly planJson: string;

  constructor(scope: Construct, id: string, props: TenantBootstrapProps) {
    super(scope, id);
    const { plan, jobNamespace, supervisorSecret } = props;
    const backoffLimit = props.backoffLimit ?? DEFAULTS.backoffLimit;
    const activeDeadlineSeconds = props.activeDeadlineSeconds ?? DEFAULTS.activeDeadlineSeconds;
    const deadlineSeconds = props.deadlineSeconds ?? DEFAULTS.deadlineSeconds;
    const limits = props.resources ?? DEFAULTS.resources;
    const targetAccess = props.targetAccess ?? [];
    checkProps(props, { backoffLimit, activeDeadlineSeconds, deadlineSeconds });

    const program = programText('bootstrap');
    this.planJson = `${JSON.stringify(plan, null, 2)}\n`;
    // The pod template of a Job cannot change: whatever goes into it is part of the name, not only the plan.
    const runtime = { image: props.image, apiUrl: props.apiUrl, jobNamespace, supervisorSecret, deadlineSeconds, backoffLimit, activeDeadlineSeconds, limits, ...(targetAccess.length > 0 ? { targetAccess } : {}) };
    this.hash = contentHash([program, this.planJson, JSON.stringify(runtime)]);
    this.jobName = hashedName(`${BOOTSTRAP_ACCOUNT_PREFIX}${plan.tenant}`, this.hash);
    const name = this.jobName;
    // One account per tenant in the server namespace: a long tenant name is hashed, not cut, so two never share it.
    const account = boundedDnsLabel(`${BOOTSTRAP_ACCOUNT_PREFIX}${plan.tenant}`);
    const labels = { [BOOTSTRAP_POD_LABEL.key]: BOOTSTRAP_POD_LABEL.value, [PART_OF_LABEL]: PART_OF_VALUE, [TENANT_LABEL]: plan.tenant };

    requireSecret(this, {
      namespace: jobNamespace,
      name: supervisorSecret.name,
      keys: [supervisorSecret.accessKeyKey, supervisorSecret.secretKeyKey],
      purpose: SUPERVISOR_SECRET_PURPOSE,
    });
    requireSecret(this, { namespace: jobNamespace, name: ledgerSecretName(plan.tenant), keys: LEDGER_KEYS, purpose: ledgerSecretPurpose(plan.tenant), providedBy: 'bootstrap' });
    // With targets, the tenant namespace of the Job's own cluster keeps only the admin credentials (section 7);
    // each target's agent and router Secrets are declared by the releases that read them, in that cluster.
    for (const kind of plan.targets === undefined ? CREDENTIAL_SECRETS : (['admin'] as const)) {
      const secret = BOOTSTRAP_SECRETS[kind];
      requireSecret(this, { namespace: plan.namespace, name: secret.name, keys: secret.keys, purpose: bootstrapSecretPurpose(kind, plan.tenant), providedBy: 'bootstrap' });
    }

    const targetVolumes = targetAccess.map((t) => ({ ...t, volume: boundedDnsLabel(`target-${t.cluster}`), mountPath: `${TARGETS_MOUNT}/${t.cluster}` }));
    for (const t of targetAccess) {
      requireSecret(this, { namespace: jobNamespace, name: t.tokenSecret, keys: [CLUSTER_TOKEN_KEY], purpose: `Token of tenant ${plan.tenant}'s writer ServiceAccount in cluster ${t.cluster} (copied from the Secret ${WORKER_ACCESS_NAMESPACE}/${workerAccessTokenSecret(plan.tenant)} there), for the bootstrap Job` });
      requireSecret(this, { namespace: jobNamespace, name: t.caSecret, keys: [CLUSTER_CA_KEY], purpose: `CA certificate of cluster ${t.cluster}'s API server, for the bootstrap Jobs` });
    }
    if (targetAccess.length > 0) {
      // The Job's pods reach the worker API servers by address, on their port; nothing else of those clusters.
      new k8s.KubeNetworkPolicy(this, 'TargetsEgress', {
        metadata: { name: boundedDnsLabel(`allow-${account}-to-targets`), namespace: jobNamespace, labels },
        spec: {
          podSelector: { matchLabels: { ...labels } },
          policyTypes: ['Egress'],
          egress: targetAccess.map((t) => ({ to: t.apiCidrs.map((cidr) => ({ ipBlock: safeIpBlock(cidr) })), ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(t.apiPort) }] })),
        },
      });
    }

    new k8s.KubeConfigMap(this, 'Plan', {
      metadata: { name, namespace: jobNamespace, labels },
      immutable: true,
      data: { 'plan.json': this.planJson },
    });

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: account, namespace: jobNamespace, labels },
      automountServiceAccountToken: false,
    });
    const rules = bootstrapRoleRules(plan);
    for (const [id, namespace, nsRules] of [['', plan.namespace, rules.tenantNamespace], ['Ledger', jobNamespace, rules.jobNamespace]] as const) {
      new k8s.KubeRole(this, `${id}Role`, { metadata: { name: account, namespace, labels }, rules: nsRules });
      new k8s.KubeRoleBinding(this, `${id}RoleBinding`, {
        metadata: { name: account, namespace, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: account },
        subjects: [{ kind: 'ServiceAccount', name: account, namespace: jobNamespace }],
      });
    }

    new k8s.KubeJob(this, 'Resource', {
      metadata: { name, namespace: jobNamespace, labels },
      spec: {
        backoffLimit,
        activeDeadlineSeconds,
        completions: 1,
        parallelism: 1,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: account,
            // The program calls the Kubernetes API with this account's token.
            automountServiceAccountToken: true,
            securityContext: restrictedPodSecurityContext(),
            containers: [
              {
                name: CONTAINER,
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                command: ['node', `${PROGRAM_MOUNT}/${BOOTSTRAP_PROGRAM_FILE}`],
                env: [
                  { name: 'CLEARML_API_URL', value: props.apiUrl },
                  { name: 'CLEARML_API_ACCESS_KEY', valueFrom: { secretKeyRef: { name: supervisorSecret.name, key: supervisorSecret.accessKeyKey } } },
                  { name: 'CLEARML_API_SECRET_KEY', valueFrom: { secretKeyRef: { name: supervisorSecret.name, key: supervisorSecret.secretKeyKey } } },
                  { name: 'BOOTSTRAP_PLAN_FILE', value: `${PLAN_MOUNT}/plan.json` },
                  { name: 'BOOTSTRAP_DEADLINE_SECONDS', value: String(deadlineSeconds) },
                ],
                securityContext: restrictedContainerSecurityContext(),
                resources: resources(limits.requests, limits.limits),
                volumeMounts: [
                  { name: 'program', mountPath: PROGRAM_MOUNT, readOnly: true },
                  { name: 'plan', mountPath: PLAN_MOUNT, readOnly: true },
                  ...targetVolumes.map((t) => ({ name: t.volume, mountPath: t.mountPath, readOnly: true })),
                ],
              },
            ],
            volumes: [
              { name: 'program', configMap: { name: bootstrapProgramConfigMapName(program), defaultMode: 0o444 } },
              { name: 'plan', configMap: { name, defaultMode: 0o444 } },
              ...targetVolumes.map((t) => ({
                name: t.volume,
                projected: {
                  defaultMode: 0o444,
                  sources: [
                    { secret: { name: t.tokenSecret, items: [{ key: CLUSTER_TOKEN_KEY, path: 'token' }] } },
                    { secret: { name: t.caSecret, items: [{ key: CLUSTER_CA_KEY, path: 'ca.crt' }] } },
                  ],
                },
              })),
            ],
          },
        },
      },
    });
  }
}

function checkProps(props: TenantBootstrapProps, resolved: { backoffLimit: number; activeDeadlineSeconds: number; deadlineSeconds: number }): void {
  const problems: string[] = [];
  const { backoffLimit, activeDeadlineSeconds, deadlineSeconds } = resolved;
  if (!Number.isInteger(backoffLimit) || backoffLimit < 0) problems.push(`backoffLimit must be an integer >= 0, got ${backoffLimit}`);
  if (!Number.isInteger(deadlineSeconds) || deadlineSeconds <= 0) problems.push(`deadlineSeconds must be a positive integer, got ${deadlineSeconds}`);
  // One run may take its deadline plus the program's grace to record what it created (60 s).
  if (!Number.isInteger(activeDeadlineSeconds) || activeDeadlineSeconds < deadlineSeconds + 60) {
    problems.push(`activeDeadlineSeconds must be an integer >= deadlineSeconds + 60 (${deadlineSeconds + 60}), got ${activeDeadlineSeconds}`);
  }
  const ledgerNamespace = props.plan.ledgerNamespace;
  if (ledgerNamespace !== props.jobNamespace) problems.push(`plan.ledgerNamespace must be the Job's own namespace "${props.jobNamespace}" (contract section 3), got "${ledgerNamespace}"`);
  if (!/^https?:\/\/[^\s/]+/.test(props.apiUrl)) problems.push(`apiUrl must be an http:// or https:// URL, got "${props.apiUrl}"`);
  // Every worker target is mounted where the plan says, and only those.
  const access = new Map((props.targetAccess ?? []).map((t) => [t.cluster, t]));
  const remote = (props.plan.targets ?? []).filter((t) => t.kubernetes !== undefined);
  for (const t of remote) {
    if (!access.has(t.cluster)) problems.push(`plan.targets cluster "${t.cluster}" has kubernetes but targetAccess has no entry for it (its token and CA Secrets)`);
    if (t.kubernetes!.tokenFile !== targetTokenFile(t.cluster)) problems.push(`plan.targets cluster "${t.cluster}": tokenFile must be ${targetTokenFile(t.cluster)} (where the Job mounts it), got ${t.kubernetes!.tokenFile}`);
    if (t.kubernetes!.caFile !== targetCaFile(t.cluster)) problems.push(`plan.targets cluster "${t.cluster}": caFile must be ${targetCaFile(t.cluster)} (where the Job mounts it), got ${t.kubernetes!.caFile}`);
  }
  for (const cluster of access.keys()) if (!remote.some((t) => t.cluster === cluster)) problems.push(`targetAccess names cluster "${cluster}", which is no target of the plan with kubernetes`);
  for (const t of props.targetAccess ?? []) if (t.apiCidrs.length === 0) problems.push(`targetAccess cluster "${t.cluster}": apiCidrs must list the API server's addresses`);
  if (problems.length > 0) throw new Error(`TenantBootstrap for tenant "${props.plan.tenant}": ${problems.join('; ')}`);
}
