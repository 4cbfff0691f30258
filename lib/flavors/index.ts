/**
 * The registry of GitOps flavors: one line per flavor. Adding a flavor is a folder
 * `lib/flavors/<name>/` exporting a {@link GitOpsFlavor}, and its line here.
 */
import { GitOpsFlavor, ReleaseFacts } from './flavor';
import { argocdFlavor } from './argocd';
import { fluxFlavor } from './flux';
import { k3sFlavor } from './k3s';

const REGISTRY = {
  flux: fluxFlavor,
  k3s: k3sFlavor,
  argocd: argocdFlavor,
} as const satisfies Readonly<Record<string, GitOpsFlavor>>;

/**
 * The GitOps controllers the output can be written for: Flux (`HelmRelease` + Flux `Kustomization`s),
 * k3s/RKE2's helm-controller (`HelmChart`), Argo CD (`Application`).
 */
export type GitOpsFlavorName = keyof typeof REGISTRY;

/** Every flavor name, in the order the docs list them. */
export const GITOPS_FLAVORS: readonly GitOpsFlavorName[] = Object.keys(REGISTRY) as GitOpsFlavorName[];

/** The flavor used when the platform props name none. */
export const DEFAULT_FLAVOR: GitOpsFlavorName = 'flux';

/** Whether `name` is a registered flavor. */
export function isGitOpsFlavorName(name: unknown): name is GitOpsFlavorName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(REGISTRY, name);
}

/** The flavor called `name`; throws naming the known ones when there is none (input checks come first). */
export function gitopsFlavor(name: string): GitOpsFlavor {
  if (!isGitOpsFlavorName(name)) throw new Error(`unknown GitOps flavor "${name}"; known: ${GITOPS_FLAVORS.join(', ')}`);
  return REGISTRY[name];
}

/** The kinds of release objects any flavor writes (`HelmRelease`, `HelmChart`, `Application`). */
/** What a release object of any flavor says (see `GitOpsFlavor.readRelease`); `undefined` for other objects. */
export function readRelease(object: Record<string, any>): ReleaseFacts | undefined {
  for (const flavor of Object.values(REGISTRY) as GitOpsFlavor[]) {
    const facts = flavor.readRelease(object);
    if (facts) return facts;
  }
  return undefined;
}

export const RELEASE_KINDS: ReadonlySet<string> = new Set(Object.values(REGISTRY).map((f: GitOpsFlavor) => f.releaseKind));

export type { GitOpsFlavor } from './flavor';
