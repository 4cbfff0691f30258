/**
 * From the rendered folders to what the chosen GitOps controller applies: the prune guard, the
 * flavor's folder-grouping step (its own folders such as Flux Kustomizations or Argo CD Applications,
 * and whatever it changes in the content folders, such as the Flux lockdown), and the files every
 * flavor gets: `apply-order.txt` (the folders in an order that satisfies every dependency; the only
 * ordering k3s has) and `external-objects.json` (objects the output refers to that the cluster must
 * already have).
 */
import { RenderedFolder, FolderUnit } from '../core/folders';
import { ExternalObject, GitOpsFlavor, GitOpsSettings } from '../flavors/flavor';
import { FolderRules, applyOrder, planLayout } from './layout';
import { applyPruneGuard } from './prune-guard';


export interface GitOpsOutput {
  /** The content folders (after the flavor's grouping step) followed by the flavor's folders. */
  readonly folders: RenderedFolder[];
  /** The content folders in apply order. */
  readonly nodes: readonly FolderUnit[];
  /** Extra top-level files by name. */
  readonly files: Map<string, string>;
}

/** The flavor and its settings, all that the GitOps output needs of the platform. */
export interface GitOpsTarget {
  readonly flavor: GitOpsFlavor;
  readonly settings: GitOpsSettings;
  /** What each platform component folder waits for (`platformFolderRules()` of lib/components/derived.ts). */
  readonly folderRules: FolderRules;
}

/** Adds the flavor's folders; the flavor's grouping step may change content folders in place (see GroupingInput). */
export function gitopsOutput(rendered: RenderedFolder[], target: GitOpsTarget, extraExternal: readonly ExternalObject[] = []): GitOpsOutput {
  const nodes = planLayout(rendered, target.folderRules);
  applyPruneGuard(rendered, target.flavor);
  const grouped = target.flavor.groupFolders({ folders: rendered, units: nodes, settings: target.settings });
  const folders = [...rendered, ...grouped.folders];
  const external = [...grouped.external, ...extraExternal];
  const files = new Map<string, string>([
    ['apply-order.txt', applyOrder(nodes)],
    ['external-objects.json', `${JSON.stringify({ objects: external }, null, 2)}\n`],
  ]);
  return { folders, nodes, files };
}
