/**
 * The prune guard: a tenant's data is never deleted because files left Git. Every Namespace and
 * PersistentVolumeClaim of a tenant folder carries the annotations that tell the GitOps controllers to leave
 * the object in the cluster when it disappears from the output (or its Kustomization/Application is deleted):
 *
 * - Flux: `kustomize.toolkit.fluxcd.io/prune: disabled` (kustomize-controller skips the object when pruning
 *   and when garbage-collecting a deleted Kustomization); written in every flavor, so moving a cluster to
 *   Flux keeps the guard.
 * - Argo CD: `argocd.argoproj.io/sync-options: Prune=false,Delete=false` (not pruned on sync, not deleted
 *   with its Application).
 *
 * Each flavor declares its annotations (`pruneProtection` in lib/flavors/<flavor>/index.ts).
 *
 * Deleting a tenant namespace is an operator's act (README "Tenant lifecycle").
 */
import { RenderedFolder, tenantOf } from '../core/folders';
import { GitOpsFlavor } from '../flavors/flavor';

/** The annotations of guarded objects: the flavor's `pruneProtection`. */
export function pruneGuardAnnotations(flavor: Pick<GitOpsFlavor, 'pruneProtection'>): Readonly<Record<string, string>> {
  return { ...flavor.pruneProtection };
}

/** Kinds that hold (or are) a tenant's data. */
export const GUARDED_KINDS: ReadonlySet<string> = new Set(['Namespace', 'PersistentVolumeClaim']);

/** Annotates the guarded objects of every tenant folder, in place. */
export function applyPruneGuard(folders: readonly RenderedFolder[], flavor: Pick<GitOpsFlavor, 'pruneProtection'>): void {
  const annotations = pruneGuardAnnotations(flavor);
  for (const folder of folders) {
    if (tenantOf(folder.path) === undefined) continue;
    for (const file of folder.files) {
      for (const o of file.objects) {
        if (!GUARDED_KINDS.has(o.kind)) continue;
        o.metadata = { ...o.metadata, annotations: { ...(o.metadata?.annotations ?? {}), ...annotations } };
      }
    }
  }
}
