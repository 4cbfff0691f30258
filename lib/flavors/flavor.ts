/**
 * The one interface every GitOps flavor implements (Flux, k3s's helm-controller, Argo CD).
 *
 * A flavor lives in a folder of its own (`lib/flavors/<name>/`, exporting its {@link GitOpsFlavor}
 * object) and is registered by one line in `lib/flavors/index.ts`. Nothing outside `lib/flavors/`
 * compares flavor names: the rest of the code asks the flavor object for its capabilities, its checks,
 * its renderers and its folder grouping.
 *
 * Flavor code takes narrow settings ({@link GitOpsSettings}, {@link ClusterNetwork}), never the whole
 * resolved platform, and reports bad input into the shared problems list (lib/core/problems.ts), with
 * the file its caller gives, instead of throwing at the first problem.
 */
import { DEFAULT_CLUSTER_CIDRS, DEFAULT_KUBERNETES_API_CIDRS, DEFAULT_KUBERNETES_API_PORTS } from '../core/network-defaults';
import { Construct } from 'constructs';
import { FolderUnit, RenderedFolder } from '../core/folders';
import { Problems } from '../core/problems';
import { ChartProps, NamedChartSource } from './chart-source';
import { ReleaseDefinition } from './release-definition';

/** The GitOps settings of the platform with defaults applied (`PlatformProps.gitops`, `fluxLockdown`). */
export interface GitOpsSettings {
  /** Name of the flavor (a key of the registry in lib/flavors/index.ts). */
  readonly flavor: string;
  /** Repository path of the output folder, without a trailing `/`, e.g. `./dist`. */
  readonly path: string;
  /** Flux: the GitRepository holding this output. */
  readonly repository: { readonly name: string; readonly namespace: string };
  /** Argo CD: the clone URL of this repository. */
  readonly repoURL?: string;
  /** Argo CD: the revision the folder Applications follow. */
  readonly targetRevision: string;
  /** Argo CD: its namespace (Applications, repository Secrets). */
  readonly argocdNamespace: string;
  /** Argo CD: the AppProject of every Application. */
  readonly argocdProject: string;
  /** Flux multi-tenancy lockdown (flux/flux-lockdown.ts). */
  readonly fluxLockdown: boolean;
}

/** The defaults of {@link GitOpsSettings} (config/platform.ts applies them to the props). */
export const DEFAULT_GITOPS_SETTINGS: Omit<GitOpsSettings, 'flavor' | 'repoURL'> = {
  path: './dist',
  repository: { name: 'flux-system', namespace: 'flux-system' },
  targetRevision: 'HEAD',
  argocdNamespace: 'argocd',
  argocdProject: 'default',
  fluxLockdown: false,
};

/** What renderers may need to know of the cluster's network (k3s install Jobs' egress). */
export interface ClusterNetwork {
  readonly kubernetesApiCidrs: readonly string[];
  readonly kubernetesApiPorts: readonly number[];
  readonly clusterCidrs: readonly string[];
}

/** The default {@link ClusterNetwork}: the API on 443/6443 anywhere, the internet outside RFC 1918. */
export const DEFAULT_CLUSTER_NETWORK: ClusterNetwork = { kubernetesApiCidrs: DEFAULT_KUBERNETES_API_CIDRS, kubernetesApiPorts: DEFAULT_KUBERNETES_API_PORTS, clusterCidrs: DEFAULT_CLUSTER_CIDRS };

/** A thing a flavor may not support, with why not (the problem message says it). */
export type Support = { readonly supported: true } | { readonly supported: false; readonly why: string };

export interface FlavorCapabilities {
  /** Whether tenants can be installed (k3s cannot: every install runs as cluster-admin). */
  readonly tenants: Support;
  /** Whether `secrets.provider: 'external-secrets'` works (needs dependencies and health checks between folders). */
  readonly externalSecrets: Support;
  /** Whether `fluxLockdown` applies to this flavor. */
  readonly lockdown: boolean;
  /** Whether its objects name folders by their path in the Git repository (`gitops.path`). */
  readonly repositoryPath: boolean;
}

/** An object the output refers to but does not contain (`external-objects.json`). */
export interface ExternalObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** Who creates it. */
  readonly providedBy: string;
  /** Command-line flags its containers must have (Flux controllers under the lockdown). @default - none */
  readonly requiredFlags?: readonly string[];
}


/** What a release renderer gets besides the release. */
export interface ReleaseContext {
  /** Position in install order (1 + the highest wave of what it waits for); Argo CD's sync wave. */
  readonly wave: number;
  readonly settings: GitOpsSettings;
  readonly network: ClusterNetwork;
  /** Where the renderer reports what it cannot render (the file is the caller's). */
  readonly problems: Problems;
}

/** What the chart sources renderer gets (only flavors whose sources are objects of their own). */
export interface SourcesContext {
  /** Namespace of the source objects. */
  readonly namespace: string;
  readonly sources: readonly NamedChartSource[];
  /** Every chart the output installs. */
  readonly charts: readonly ChartProps[];
}

/** The input of the folder-grouping step. */
export interface GroupingInput {
  /**
   * The content folders as rendered. The grouping step may change them in place (Flux lockdown: moves
   * privileged objects into the shard folder and gives HelmReleases the reconciler account; Argo CD:
   * Job replace options and the cascade finalizer); the output is these folders after the step.
   */
  readonly folders: RenderedFolder[];
  /** The content folders as units of apply, in apply order. */
  readonly units: readonly FolderUnit[];
  readonly settings: GitOpsSettings;
}

/** What the folder-grouping step adds. */
export interface GroupingOutput {
  /** The flavor's own folders (Flux Kustomizations, Argo CD Applications), after the content folders. */
  readonly folders: readonly RenderedFolder[];
  /** Objects the cluster must already have for this flavor. */
  readonly external: readonly ExternalObject[];
}

/** What a release object in the output says (see `GitOpsFlavor.readRelease`). */
export interface ReleaseFacts {
  /** Namespace the chart's objects go to; `undefined` when the object names none. */
  readonly targetNamespace?: string;
  /** Chart version asked for; `undefined` when none (the newest). */
  readonly chartVersion?: string;
}

function groupOf(object: Record<string, any>): string {
  return String(object?.apiVersion ?? '').split('/')[0];
}

/** True when `object` has `kind` and an `apiVersion` of `group`. */
export function isReleaseObject(object: Record<string, any>, kind: string, group: string): boolean {
  return object?.kind === kind && groupOf(object) === group;
}

export interface GitOpsFlavor {
  /** The name users write in `gitops` / `gitops.flavor`. */
  readonly name: string;
  /** The kind of the object written per release (`HelmRelease`, `HelmChart`, `Application`). */
  readonly releaseKind: string;
  /**
   * Reads one of its release objects back from output YAML (for the checkers and the review diff): the
   * namespace the chart installs into and the chart version it asks for; `undefined` when `object` is not
   * this flavor's release (kind and API group).
   */
  readRelease(object: Record<string, any>): ReleaseFacts | undefined;
  readonly capabilities: FlavorCapabilities;
  /**
   * Annotations of the objects the prune guard protects (lib/gitops/prune-guard.ts): they stay in the
   * cluster when they leave the output.
   */
  readonly pruneProtection: Readonly<Record<string, string>>;
  /**
   * Checks the flavor's own settings (after the generic checks of config/platform.ts), adding to
   * `problems` with field paths of `PlatformProps` (e.g. `gitops.repoURL`).
   */
  checkSettings(problems: Problems, settings: GitOpsSettings): void;
  /** Namespaces the controller runs in, which no tenant may take. */
  controllerNamespaces(settings: GitOpsSettings, sourceNamespace: string): readonly string[];
  /**
   * Renders one release below `scope`. What it cannot render goes into `context.problems` (naming the
   * release), and nothing is rendered for it.
   */
  renderRelease(scope: Construct, release: ReleaseDefinition, context: ReleaseContext): void;
  /**
   * Renders the chart sources as objects of their own (Flux), into the `sources` folder. Absent when
   * each release names its repository itself (k3s, Argo CD): then there is no `sources` folder.
   */
  readonly renderSources?: (scope: Construct, id: string, context: SourcesContext) => void;
  /**
   * Groups the rendered content folders into the controller's units of apply: the declared
   * post-render step (see {@link GroupingInput} for what it may change).
   */
  groupFolders(input: GroupingInput): GroupingOutput;
}

/**
 * Flux's annotation that keeps an object out of pruning; every flavor writes it on guarded objects,
 * so moving a cluster to Flux keeps the guard.
 */
export const FLUX_PRUNE_ANNOTATION = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } as const;
