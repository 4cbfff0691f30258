/**
 * Flux multi-tenancy lockdown (`fluxLockdown: true`): what a tenant's charts install is applied as the
 * tenant's own ServiceAccount instead of Flux's cluster-admin account.
 *
 * A tenant folder is applied as the tenant only when everything in it is an ordinary object of the tenant's
 * own namespace (the `workloads` folder: the agent and app gateway HelmReleases). A folder that holds the
 * tenant's security boundary or anything outside its namespace (the `bootstrap` folder: NetworkPolicies, the
 * bootstrap Job's RBAC, and the Job itself, which runs in the server namespace next to the supervisor
 * credentials) stays with Flux's own account: giving a tenant account `create` on Jobs in the server namespace
 * would let it run any pod there, with the supervisor's Secret.
 *
 * For each tenant, the shard folder (applied by Flux's own account) holds, before the tenant's
 * Kustomizations: the tenant's Namespace, ResourceQuotas, LimitRanges and any cluster-scoped object (moved out
 * of the tenant's folders, so the namespace exists first), and ServiceAccount `flux-reconciler` in the tenant
 * namespace (never the `default` account, `automountServiceAccountToken: false`), bound by a RoleBinding (not a
 * ClusterRoleBinding) to Role `flux-reconciler` in that namespace only. The Role grants what the tenant's
 * HelmReleases install (workloads, Services, ConfigMaps, Secrets, which also hold Helm's release records,
 * ServiceAccounts, Ingresses, PersistentVolumeClaims, PodDisruptionBudgets) and read access to Pods and
 * Events; it grants no write on NetworkPolicies, RBAC objects, ResourceQuotas or LimitRanges, and no `create`
 * on Pods themselves. The tenant-applied Kustomizations live in the tenant namespace with
 * `serviceAccountName: flux-reconciler`, and their HelmReleases get the same `serviceAccountName`.
 *
 * Residual risk: whoever may create workloads in the tenant namespace (the reconciler itself, the agent)
 * may name `serviceAccountName: flux-reconciler` in a pod and set `automountServiceAccountToken: true` on it;
 * Kubernetes RBAC cannot stop that. Such a pod gets the Role above, which is no more than what a tenant's
 * charts may do already (no policy, RBAC or quota writes). An admission policy refusing pods under that
 * account closes it fully; that is the cluster's to add.
 *
 * Charts that create their own Roles or RoleBindings cannot be installed by the reconciler: that is the point.
 *
 * Not covered: the controllers' `--no-cross-namespace-refs` flag. Tenant Kustomizations read the
 * platform's GitRepository and wait for Kustomizations in the Flux namespace, and tenant HelmReleases read
 * the shared chart sources there; with that flag each tenant would need its own copies. Required: the
 * kustomize- and helm-controller run with `--default-service-account=flux-reconciler`
 * (`FLUX_CONTROLLER_FLAGS`, listed in external-objects.json and checked by `validate`), so that anything
 * without `serviceAccountName` does not run as cluster-admin.
 */
import { k8s } from 'cdk8s-plus-27';
import { RenderedFolder, FolderUnit } from '../../core/folders';
import { TenantPlacement } from './flux-kustomizations';

/** Name of each tenant's reconciler ServiceAccount (in the tenant namespace). */
export const RECONCILER = 'flux-reconciler';

/** The flag the Flux controllers must run with under the lockdown (their Deployments are Flux's own). */
export const FLUX_CONTROLLER_FLAGS: readonly string[] = [`--default-service-account=${RECONCILER}`];

/** The Flux controllers that must have FLUX_CONTROLLER_FLAGS. */
export const LOCKED_DOWN_CONTROLLERS: readonly string[] = ['kustomize-controller', 'helm-controller'];

const WRITE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** What the reconciler may do in its tenant namespace: what the tenant's charts install, nothing of the boundary. */
export const RECONCILER_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['configmaps', 'secrets', 'services', 'serviceaccounts', 'persistentvolumeclaims'], verbs: WRITE },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'], verbs: WRITE },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: WRITE },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: WRITE },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: WRITE },
  { apiGroups: [''], resources: ['pods', 'events', 'endpoints'], verbs: ['get', 'list', 'watch'] },
];

/** Kinds a namespace `admin` cannot write, applied by the shard instead. */
const PRIVILEGED_NAMESPACED = new Set(['ResourceQuota', 'LimitRange']);

/** Kinds that make a folder the platform's to apply: the tenant's security boundary and RBAC. */
const BOUNDARY_KINDS = new Set(['NetworkPolicy', 'Role', 'RoleBinding', 'ServiceAccount']);

export interface FluxLockdownProps {
  /** Folders of the output; the tenant folders are changed in place (objects moved, HelmReleases given the account). */
  readonly folders: RenderedFolder[];
  readonly nodes: readonly FolderUnit[];
}

/** Applies the lockdown; returns where each tenant's Kustomizations go. */
export function applyFluxLockdown(props: FluxLockdownProps): Map<string, TenantPlacement> {
  const byPath = new Map(props.folders.map((f) => [f.path, f]));
  const tenantFolders = new Map<string, RenderedFolder[]>();
  for (const node of props.nodes) {
    if (!node.tenant) continue;
    tenantFolders.set(node.tenant, [...(tenantFolders.get(node.tenant) ?? []), byPath.get(node.path)!]);
  }
  const placements = new Map<string, TenantPlacement>();
  for (const [tenant, folders] of tenantFolders) {
    const all = folders.flatMap((f) => f.files.flatMap((file) => file.objects));
    const namespace = all.find((o) => o.kind === 'Namespace')?.metadata?.name ?? tenant;
    const moved: Record<string, any>[] = [];
    const asTenant = new Set<string>();
    for (const folder of folders) {
      let tenantMay = true;
      for (const file of folder.files) {
        const kept: Record<string, any>[] = [];
        for (const o of file.objects) {
          const ns: string | undefined = o.metadata?.namespace;
          if (!ns || PRIVILEGED_NAMESPACED.has(o.kind)) {
            moved.push(o);
            continue;
          }
          if (ns !== namespace || BOUNDARY_KINDS.has(o.kind)) tenantMay = false;
          kept.push(o);
        }
        file.objects.splice(0, file.objects.length, ...kept);
      }
      if (!tenantMay) continue;
      asTenant.add(folder.path);
      for (const o of folder.files.flatMap((f) => f.objects)) {
        if (o.kind === 'HelmRelease') o.spec = { ...o.spec, serviceAccountName: RECONCILER };
      }
    }
    const objects: Record<string, any>[] = [
      ...moved,
      k8s.KubeServiceAccount.manifest({ metadata: { name: RECONCILER, namespace }, automountServiceAccountToken: false }),
      k8s.KubeRole.manifest({ metadata: { name: RECONCILER, namespace }, rules: RECONCILER_RULES.map((r) => ({ ...r, apiGroups: [...(r.apiGroups ?? [])], resources: [...(r.resources ?? [])], verbs: [...r.verbs] })) }),
      k8s.KubeRoleBinding.manifest({
        metadata: { name: RECONCILER, namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: RECONCILER },
        subjects: [{ kind: 'ServiceAccount', name: RECONCILER, namespace }],
      }),
    ];
    placements.set(tenant, { namespace, serviceAccountName: RECONCILER, objects, folders: asTenant });
  }
  return placements;
}
