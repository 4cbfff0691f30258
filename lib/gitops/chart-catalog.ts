/**
 * The platform's chart sources and GitOps flavor, handed to every release; and the problems list the
 * flavor's renderers report into (what a flavor cannot render, e.g. a Git source for k3s).
 */
import { ConfigError, Problems } from '../core/problems';
import { ChartSourceProps, NamedChartSource } from '../flavors/chart-source';
import { ClusterNetwork, DEFAULT_CLUSTER_NETWORK, DEFAULT_GITOPS_SETTINGS, GitOpsFlavor, GitOpsSettings } from '../flavors/flavor';
import { GitOpsFlavorName, gitopsFlavor } from '../flavors/index';

export interface ChartCatalogProps {
  /** The GitOps controller to write for. */
  readonly flavor: GitOpsFlavorName;
  /** Namespace of the source objects (Flux: `flux-system`). */
  readonly sourceNamespace: string;
  /** Sources by name. */
  readonly sources: Readonly<Record<string, ChartSourceProps>>;
  /** The GitOps settings (Argo CD's namespace and project, ...). @default - the defaults, for `flavor` */
  readonly gitops?: GitOpsSettings;
  /**
   * What renderers know of the network (k3s install Jobs: the Kubernetes API and, outside the cluster's
   * ranges, the chart sources). @default - the API on 443/6443 anywhere, the internet outside RFC 1918
   */
  readonly network?: ClusterNetwork;
  /**
   * Where the renderers report what they cannot render; the caller throws them after rendering
   * ({@link ChartCatalog.throwIfProblems}). @default - none: the first problem throws at once (a
   * release built on its own, in tests)
   */
  readonly problems?: Problems;
}

/** A problems list whose first problem is thrown. */
function throwAtOnce(): Problems {
  const problems = new Problems();
  problems.add = (path, value, message) => {
    throw new ConfigError([{ path, value, message }]);
  };
  return problems;
}

export class ChartCatalog {
  public readonly flavor: GitOpsFlavor;
  public readonly sourceNamespace: string;
  public readonly gitops: GitOpsSettings;
  public readonly network: ClusterNetwork;
  public readonly problems: Problems;
  private readonly byName: ReadonlyMap<string, NamedChartSource>;

  constructor(props: ChartCatalogProps) {
    this.flavor = gitopsFlavor(props.flavor);
    this.sourceNamespace = props.sourceNamespace;
    this.gitops = props.gitops ?? { ...DEFAULT_GITOPS_SETTINGS, flavor: props.flavor };
    this.network = props.network ?? DEFAULT_CLUSTER_NETWORK;
    this.problems = props.problems ?? throwAtOnce();
    this.byName = new Map(Object.entries(props.sources).sort(([a], [b]) => a.localeCompare(b)).map(([name, s]) => [name, { ...s, name }]));
  }

  /** The source called `name`; throws naming the known ones when there is none. */
  public source(name: string): NamedChartSource {
    const source = this.byName.get(name);
    if (!source) throw new Error(`unknown chart source "${name}"; known: ${[...this.byName.keys()].join(', ')}`);
    return source;
  }

  /** Throws one `ConfigError` with every problem the renderers reported. */
  public throwIfProblems(): void {
    if (this.problems.count > 0) throw new ConfigError([...this.problems.all]);
  }

  /** All sources, sorted by name. */
  public get sources(): NamedChartSource[] {
    return [...this.byName.values()];
  }
}

/** A chart whose version floats because its prop opted in (`allowFloatingVersion: true`). */
export interface FloatingVersion {
  /** Prop path of the chart, e.g. `tenantReleases.agentChart`. */
  readonly path: string;
  /** `<source>/<chart>`. */
  readonly chart: string;
  /** The range as given, e.g. `6.14.x`. */
  readonly version: string;
}

/**
 * One warning line per floating chart version, for the synth summary (the CLI prints them after its
 * "wrote N files" line). Empty when every chart is pinned.
 */
export function floatingVersionWarnings(floating: readonly FloatingVersion[]): string[] {
  return floating.map(
    (f) => `warning: ${f.path}.version "${f.version}" of ${f.chart} floats (allowFloatingVersion: true): the GitOps controller upgrades it on its own to any matching release`,
  );
}
