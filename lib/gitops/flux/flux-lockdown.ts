/**
 * Flux multi-tenancy lockdown (`fluxLockdown: true`): a tenant's folders are applied as the tenant's
 * own ServiceAccount instead of Flux's cluster-admin account.
 *
 * For each tenant, the shard folder (applied by Flux's own account) holds, before the tenant's
 * Kustomizations:
 * - the objects a namespace admin may not write: the tenant's Namespace, ResourceQuotas, LimitRanges
 *   and any cluster-scoped object, moved out of the tenant's folders;
 * - ServiceAccount `flux-reconciler` in the tenant namespace, bound by a RoleBinding (not a
 *   ClusterRoleBinding) to the `admin` ClusterRole in that namespace only;
 * - when the tenant's folders hold objects in other namespaces (the bootstrap Job runs in the server
 *   namespace), a Role and RoleBinding there that allow exactly those kinds: `create`, and
 *   `get`/`update`/`patch`/`delete` of the named objects only, `list`/`watch` for the health checks
 *   (never for Secrets), plus the rules of any Role the folder itself writes there (Kubernetes lets an
 *   account grant only what it holds).
 * The tenant's Kustomizations then live in the tenant namespace with `serviceAccountName:
 * flux-reconciler`, and the tenant's HelmReleases get the same `serviceAccountName`.
 *
 * Not covered: the controllers' `--no-cross-namespace-refs` flag. Tenant Kustomizations read the
 * platform's GitRepository and wait for the `server` Kustomization in the Flux namespace, and tenant
 * HelmReleases read the shared chart sources there; with that flag each tenant would need its own
 * copies. Set `--default-service-account` on kustomize- and helm-controller so that anything
 * without `serviceAccountName` does not run as cluster-admin.
 */
import { k8s } from 'cdk8s-plus-27';
import { RenderedFolder } from '../../output/write-tree';
import { FolderNode } from '../layout';
import { TenantPlacement } from './flux-kustomizations';

/** Name of each tenant's reconciler ServiceAccount (in the tenant namespace). */
export const RECONCILER = 'flux-reconciler';

/** Kinds a namespace `admin` cannot write, applied by the shard instead. */
const PRIVILEGED_NAMESPACED = new Set(['ResourceQuota', 'LimitRange']);

/** Kind to API resource, for the Roles in foreign namespaces. */
const RESOURCES: Readonly<Record<string, string>> = {
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  ServiceAccount: 'serviceaccounts',
  Service: 'services',
  Job: 'jobs',
  CronJob: 'cronjobs',
  Deployment: 'deployments',
  Role: 'roles',
  RoleBinding: 'rolebindings',
  NetworkPolicy: 'networkpolicies',
  HelmRelease: 'helmreleases',
  PersistentVolumeClaim: 'persistentvolumeclaims',
};

function resourceOf(o: Record<string, any>): { group: string; resource: string } {
  const apiVersion: string = o.apiVersion;
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const kind: string = o.kind;
  const resource = RESOURCES[kind] ?? `${kind.toLowerCase().replace(/y$/, 'ie')}s`;
  return { group, resource };
}

export interface FluxLockdownProps {
  /** Folders of the output; the tenant folders are changed in place (objects moved, HelmReleases given the account). */
  readonly folders: RenderedFolder[];
  readonly nodes: readonly FolderNode[];
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
    const foreign = new Map<string, Record<string, any>[]>();
    for (const folder of folders) {
      for (const file of folder.files) {
        const kept: Record<string, any>[] = [];
        for (const o of file.objects) {
          const ns: string | undefined = o.metadata?.namespace;
          if (!ns || PRIVILEGED_NAMESPACED.has(o.kind)) {
            moved.push(o);
            continue;
          }
          if (ns !== namespace) foreign.set(ns, [...(foreign.get(ns) ?? []), o]);
          if (o.kind === 'HelmRelease' && ns === namespace) o.spec = { ...o.spec, serviceAccountName: RECONCILER };
          kept.push(o);
        }
        file.objects.splice(0, file.objects.length, ...kept);
      }
    }
    const objects: Record<string, any>[] = [
      ...moved,
      k8s.KubeServiceAccount.manifest({ metadata: { name: RECONCILER, namespace } }),
      k8s.KubeRoleBinding.manifest({
        metadata: { name: RECONCILER, namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
        subjects: [{ kind: 'ServiceAccount', name: RECONCILER, namespace }],
      }),
    ];
    for (const ns of [...foreign.keys()].sort()) {
      const name = `flux-tenant-${tenant}`.slice(0, 253);
      objects.push(
        k8s.KubeRole.manifest({ metadata: { name, namespace: ns }, rules: foreignRules(foreign.get(ns)!) }),
        k8s.KubeRoleBinding.manifest({
          metadata: { name, namespace: ns },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
          subjects: [{ kind: 'ServiceAccount', name: RECONCILER, namespace }],
        }),
      );
    }
    placements.set(tenant, { namespace, serviceAccountName: RECONCILER, objects });
  }
  return placements;
}

/** The least rules that let an account apply, health-check and prune `objects` in one namespace. */
export function foreignRules(objects: readonly Record<string, any>[]): k8s.PolicyRule[] {
  const byResource = new Map<string, { group: string; resource: string; names: Set<string> }>();
  const extra: k8s.PolicyRule[] = [];
  for (const o of objects) {
    const { group, resource } = resourceOf(o);
    const key = `${group}/${resource}`;
    const entry = byResource.get(key) ?? { group, resource, names: new Set<string>() };
    entry.names.add(o.metadata.name);
    byResource.set(key, entry);
    if (o.kind === 'Role') extra.push(...((o.rules ?? []) as k8s.PolicyRule[]));
  }
  const rules: k8s.PolicyRule[] = [];
  for (const key of [...byResource.keys()].sort()) {
    const { group, resource, names } = byResource.get(key)!;
    rules.push({ apiGroups: [group], resources: [resource], verbs: ['create'] });
    rules.push({ apiGroups: [group], resources: [resource], resourceNames: [...names].sort(), verbs: ['delete', 'get', 'patch', 'update'] });
    if (resource !== 'secrets') rules.push({ apiGroups: [group], resources: [resource], verbs: ['list', 'watch'] });
  }
  return [...rules, ...extra];
}
