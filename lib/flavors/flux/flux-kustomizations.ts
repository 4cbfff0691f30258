/**
 * The Flux `Kustomization`s (`kustomize.toolkit.fluxcd.io/v1`) that apply the output folders, in
 * their own folder `flux/` that the cluster's root Kustomization (from `flux bootstrap`) points at.
 *
 * - `flux/` holds one Kustomization per platform folder, plus one per tenant shard
 *   (`tenants-<shard>`, shard = first two hex characters of sha256(tenant)), each pointing at
 *   `flux/tenants/<shard>/`. That folder holds the Kustomizations of its tenants' folders. So `flux/`
 *   never has more than 256 + a few objects, a shard about N/256 tenants, and a change to one tenant
 *   reconciles only that tenant's Kustomizations.
 * - Every folder Kustomization has `wait: true` (ready only when all its objects are), `prune: true`
 *   (objects removed from Git are deleted), a timeout longer than a Helm install, and `force: true`
 *   where the folder holds Jobs (a Job whose template changed is recreated instead of failing).
 * - Shard Kustomizations only apply Kustomization objects: no `wait` (a slow tenant does not hold up
 *   its shard), `prune: true` (a removed tenant's Kustomizations are deleted, and with them, through
 *   their own `prune`, the tenant's objects).
 */
import { Kustomization, KustomizationSpecSourceRefKind } from '../../../imports/kustomize.toolkit.fluxcd.io';
import { RenderedFile, RenderedFolder, FolderUnit } from '../../core/folders';
import { tenantShard } from '../../core/names';
import { GitOpsSettings } from '../flavor';

/** Folder of the Flux Kustomizations. */
export const FLUX_FOLDER = 'flux';

/** Where a tenant's Kustomizations live and run as (set by the lockdown). */
export interface TenantPlacement {
  /** Namespace of the tenant-applied Kustomizations. */
  readonly namespace: string;
  /** ServiceAccount they impersonate. */
  readonly serviceAccountName?: string;
  /** The tenant's folders applied as that account (the others stay with Flux's own account). */
  readonly folders: ReadonlySet<string>;
  /** Privileged objects of the tenant, applied by the shard before its Kustomizations. */
  readonly objects: Record<string, any>[];
}

export interface FluxKustomizationsProps {
  readonly gitops: GitOpsSettings;
  /** Per tenant: where its Kustomizations go. @default - in the repository's namespace, as Flux's own account */
  readonly tenants?: ReadonlyMap<string, TenantPlacement>;
}

/**
 * ExternalSecrets do not follow kstatus (no `Reconciling`/`Stalled` conditions), so `wait` alone would
 * count them healthy at once: Ready only when ESO has written the Secret, failed when it reports an error.
 */
const EXTERNAL_SECRET_HEALTH = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  current: "status.?conditions.orValue([]).exists(c, c.type == 'Ready' && c.status == 'True')",
  failed: "status.?conditions.orValue([]).exists(c, c.type == 'Ready' && c.status == 'False' && c.reason == 'SecretSyncedError')",
};

/** The Kustomization of one folder. */
function folderKustomization(node: FolderUnit, byPath: ReadonlyMap<string, FolderUnit>, namespaceOf: (path: string) => string, gitops: GitOpsSettings, serviceAccountName?: string): Record<string, any> {
  return Kustomization.manifest({
    metadata: { name: node.unitName, namespace: namespaceOf(node.path) },
    spec: {
      interval: '10m',
      retryInterval: '1m',
      timeout: node.hasReleases || node.hasJobs ? '20m' : '5m',
      path: `${gitops.path}/${node.path}`,
      prune: true,
      wait: true,
      force: node.hasJobs ? true : undefined,
      healthCheckExprs: node.hasExternalSecrets ? [EXTERNAL_SECRET_HEALTH] : undefined,
      serviceAccountName,
      sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: gitops.repository.name, namespace: gitops.repository.namespace },
      dependsOn: node.dependsOn.length > 0 ? node.dependsOn.map((d) => ({ name: byPath.get(d)!.unitName, namespace: namespaceOf(d) })) : undefined,
    },
  });
}

/** The `flux/` folder and one `flux/tenants/<shard>/` folder per shard that has tenants. */
export function fluxKustomizationFolders(nodes: readonly FolderUnit[], props: FluxKustomizationsProps): RenderedFolder[] {
  const { gitops } = props;
  const nodesByPath = new Map(nodes.map((n) => [n.path, n]));
  const placementOf = (path: string): TenantPlacement | undefined => {
    const tenant = nodesByPath.get(path)?.tenant;
    const placement = tenant ? props.tenants?.get(tenant) : undefined;
    return placement?.folders.has(path) ? placement : undefined;
  };
  const namespaceOf = (path: string): string => placementOf(path)?.namespace ?? gitops.repository.namespace;
  const platform: Record<string, any>[] = [];
  const shards = new Map<string, Map<string, Record<string, any>[]>>();
  for (const node of nodes) {
    if (!node.tenant) {
      platform.push(folderKustomization(node, nodesByPath, namespaceOf, gitops));
      continue;
    }
    const shard = tenantShard(node.tenant);
    const tenants = shards.get(shard) ?? new Map<string, Record<string, any>[]>();
    shards.set(shard, tenants);
    const objects = tenants.get(node.tenant) ?? [...(props.tenants?.get(node.tenant)?.objects ?? [])];
    tenants.set(node.tenant, objects);
    objects.push(folderKustomization(node, nodesByPath, namespaceOf, gitops, placementOf(node.path)?.serviceAccountName));
  }
  const shardNames = [...shards.keys()].sort();
  for (const shard of shardNames) {
    platform.push(
      Kustomization.manifest({
        metadata: { name: `tenants-${shard}`, namespace: gitops.repository.namespace },
        spec: {
          interval: '10m',
          retryInterval: '1m',
          timeout: '5m',
          path: `${gitops.path}/${FLUX_FOLDER}/tenants/${shard}`,
          prune: true,
          wait: false,
          sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: gitops.repository.name, namespace: gitops.repository.namespace },
        },
      }),
    );
  }
  const folders: RenderedFolder[] = [{ path: FLUX_FOLDER, files: [{ name: 'kustomizations.yaml', objects: platform }] }];
  for (const shard of shardNames) {
    const tenants = shards.get(shard)!;
    const files: RenderedFile[] = [...tenants.keys()].sort().map((t) => ({ name: `${t}.yaml`, objects: tenants.get(t)! }));
    folders.push({ path: `${FLUX_FOLDER}/tenants/${shard}`, files });
  }
  return folders;
}
