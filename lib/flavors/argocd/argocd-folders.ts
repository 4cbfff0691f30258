/**
 * Argo CD app-of-apps over the output folders: `argocd/` holds one `Application` per platform folder
 * and one per tenant shard (`tenants-<shard>`, pointing at `argocd/tenants/<shard>/`, which holds an
 * Application per folder of its tenants). The operator creates one root Application for `argocd/`.
 *
 * Order is by sync wave (`argocd.argoproj.io/sync-wave`) = the folder's depth in the folder
 * dependencies. Argo CD waits for a wave to be healthy before the next only if Applications have a
 * health check (Argo CD 1.8+ dropped the built-in one: add the `argoproj.io/Application` health
 * customization to `argocd-cm`). Jobs get `Force=true,Replace=true` so a changed Job is recreated,
 * as Flux's `force: true` does.
 *
 * A tenant folder that holds releases (`workloads`), its Application and the release Applications in it
 * carry Argo CD's `resources-finalizer.argocd.argoproj.io`: when the folder leaves the output (a suspended or
 * decommissioned tenant), deleting its Application deletes the releases and what they installed, as Flux's
 * `prune` does. Namespaces and PersistentVolumeClaims are kept by the prune guard (lib/gitops/prune-guard.ts).
 */
import { Application } from '../../../imports/argoproj.io';
import { RenderedFile, RenderedFolder, FolderUnit } from '../../core/folders';
import { tenantShard } from '../../core/names';
import { GitOpsSettings } from '../flavor';
import { SYNC_WAVE_ANNOTATION } from './argocd-application';

/** Folder of the Argo CD folder Applications. */
export const ARGOCD_FOLDER = 'argocd';

/** Argo CD's finalizer that deletes an Application's resources with it. */
export const CASCADE_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

function folderApplication(name: string, path: string, wave: number, gitops: GitOpsSettings, cascade = false): Record<string, any> {
  return Application.manifest({
    metadata: { name, namespace: gitops.argocdNamespace, annotations: { [SYNC_WAVE_ANNOTATION]: String(wave) }, ...(cascade ? { finalizers: [CASCADE_FINALIZER] } : {}) },
    spec: {
      project: gitops.argocdProject,
      destination: { server: 'https://kubernetes.default.svc' },
      source: { repoUrl: gitops.repoURL ?? '', targetRevision: gitops.targetRevision, path: `${gitops.path}/${path}`.replace(/^\.\//, '') },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['ServerSideApply=true'],
        retry: { limit: 10, backoff: { duration: '30s', factor: 2, maxDuration: '10m' } },
      },
    },
  });
}

/** Marks Jobs to be replaced on change (Argo CD's equivalent of Flux `force`). */
export function markJobsForReplace(folders: readonly RenderedFolder[]): void {
  for (const folder of folders) {
    for (const file of folder.files) {
      for (const o of file.objects) {
        if (o.kind !== 'Job') continue;
        o.metadata = { ...o.metadata, annotations: { ...(o.metadata?.annotations ?? {}), 'argocd.argoproj.io/sync-options': 'Force=true,Replace=true' } };
      }
    }
  }
}

/** Gives the release Applications of tenant folders the cascade finalizer (see the module comment). */
export function cascadeTenantReleases(folders: readonly RenderedFolder[], units: readonly FolderUnit[]): void {
  const tenantFolders = new Set(units.filter((u) => u.tenant !== undefined).map((u) => u.path));
  for (const folder of folders) {
    if (!tenantFolders.has(folder.path)) continue;
    for (const file of folder.files) {
      for (const o of file.objects) {
        if (o.kind !== 'Application') continue;
        o.metadata = { ...o.metadata, finalizers: [...new Set([...(o.metadata?.finalizers ?? []), CASCADE_FINALIZER])] };
      }
    }
  }
}

/** The `argocd/` folder and one `argocd/tenants/<shard>/` folder per shard that has tenants. */
export function argoCdFolders(nodes: readonly FolderUnit[], gitops: GitOpsSettings): RenderedFolder[] {
  const platform: Record<string, any>[] = [];
  const shards = new Map<string, Map<string, Record<string, any>[]>>();
  const shardWave = new Map<string, number>();
  for (const node of nodes) {
    const app = folderApplication(node.unitName, node.path, node.depth, gitops, node.tenant !== undefined && node.hasReleases);
    if (!node.tenant) {
      platform.push(app);
      continue;
    }
    const shard = tenantShard(node.tenant);
    const tenants = shards.get(shard) ?? new Map<string, Record<string, any>[]>();
    shards.set(shard, tenants);
    tenants.set(node.tenant, [...(tenants.get(node.tenant) ?? []), app]);
    shardWave.set(shard, Math.min(shardWave.get(shard) ?? node.depth, node.depth));
  }
  const shardNames = [...shards.keys()].sort();
  for (const shard of shardNames) platform.push(folderApplication(`tenants-${shard}`, `${ARGOCD_FOLDER}/tenants/${shard}`, shardWave.get(shard)!, gitops));
  const folders: RenderedFolder[] = [{ path: ARGOCD_FOLDER, files: [{ name: 'applications.yaml', objects: platform }] }];
  for (const shard of shardNames) {
    const tenants = shards.get(shard)!;
    const files: RenderedFile[] = [...tenants.keys()].sort().map((t) => ({ name: `${t}.yaml`, objects: tenants.get(t)! }));
    folders.push({ path: `${ARGOCD_FOLDER}/tenants/${shard}`, files });
  }
  return folders;
}
