/**
 * From the rendered folders to what the chosen GitOps controller applies: the flavor's extra folders
 * (Flux Kustomizations, Argo CD Applications), the lockdown, and the files every flavor gets:
 * `apply-order.txt` (the folders in an order that satisfies every dependency; the only ordering k3s
 * has) and `external-objects.json` (objects the output refers to that the cluster must already have).
 */
import { ResolvedPlatform } from '../config/platform';
import { RenderedFolder } from '../output/write-tree';
import { argoCdFolders, cascadeTenantReleases, markJobsForReplace } from './argocd/argocd-folders';
import { fluxKustomizationFolders } from './flux/flux-kustomizations';
import { applyFluxLockdown } from './flux/flux-lockdown';
import { FolderNode, applyOrder, planLayout } from './layout';
import { applyPruneGuard } from './prune-guard';

/** An object the output refers to but does not contain. */
export interface ExternalObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** Who creates it. */
  readonly providedBy: string;
}

export interface GitOpsOutput {
  /** The content folders followed by the flavor's folders. */
  readonly folders: RenderedFolder[];
  /** The content folders in apply order. */
  readonly nodes: readonly FolderNode[];
  /** Extra top-level files by name. */
  readonly files: Map<string, string>;
}

/** Adds the flavor's folders; changes tenant folders in place under the Flux lockdown. */
export function gitopsOutput(rendered: RenderedFolder[], platform: ResolvedPlatform): GitOpsOutput {
  const settings = platform.gitopsSettings;
  const nodes = planLayout(rendered);
  const folders = [...rendered];
  const external: ExternalObject[] = [];
  applyPruneGuard(rendered, settings.flavor);
  if (settings.flavor === 'flux') {
    const tenants = settings.fluxLockdown ? applyFluxLockdown({ folders: rendered, nodes }) : undefined;
    folders.push(...fluxKustomizationFolders(nodes, { gitops: settings, tenants }));
    external.push({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      namespace: settings.repository.namespace,
      name: settings.repository.name,
      providedBy: 'flux bootstrap (the repository holding this output)',
    });
  } else if (settings.flavor === 'argocd') {
    markJobsForReplace(rendered);
    cascadeTenantReleases(rendered);
    folders.push(...argoCdFolders(nodes, settings));
    external.push({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', namespace: settings.argocdNamespace, name: settings.argocdProject, providedBy: 'Argo CD' });
  }
  const files = new Map<string, string>([
    ['apply-order.txt', applyOrder(nodes)],
    ['external-objects.json', `${JSON.stringify({ objects: external }, null, 2)}\n`],
  ]);
  return { folders, nodes, files };
}
