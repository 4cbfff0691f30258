/**
 * The platform's chart sources and GitOps flavor, handed to every release.
 */
import { ChartSourceProps, NamedChartSource } from './chart-source';
import { GitOpsFlavor } from './release-definition';
import { DEFAULT_CLUSTER_CIDRS, DEFAULT_KUBERNETES_API_CIDRS, DEFAULT_KUBERNETES_API_PORTS } from '../core/network-defaults';

export interface ChartCatalogProps {
  /** The GitOps controller to write for. */
  readonly flavor: GitOpsFlavor;
  /** Namespace of the source objects (Flux: `flux-system`). */
  readonly sourceNamespace: string;
  /** Sources by name. */
  readonly sources: Readonly<Record<string, ChartSourceProps>>;
  /** Argo CD's namespace and project (for the `argocd` flavor). @default { namespace: 'argocd', project: 'default' } */
  readonly argocd?: { readonly namespace: string; readonly project: string };
  /**
   * Where install Jobs of the `k3s` flavor may connect: the Kubernetes API and, outside the cluster's
   * ranges, the chart sources. @default - the platform's network defaults (core/network-defaults.ts): the API on 443/6443 anywhere, the internet outside the cluster ranges
   */
  readonly installEgress?: InstallEgress;
}

/** Egress of the k3s helm-controller's install Jobs. */
export interface InstallEgress {
  readonly kubernetesApiCidrs: readonly string[];
  readonly kubernetesApiPorts: readonly number[];
  readonly clusterCidrs: readonly string[];
}

export class ChartCatalog {
  public readonly flavor: GitOpsFlavor;
  public readonly sourceNamespace: string;
  public readonly argocd: { readonly namespace: string; readonly project: string };
  public readonly installEgress: InstallEgress;
  private readonly byName: ReadonlyMap<string, NamedChartSource>;

  constructor(props: ChartCatalogProps) {
    this.flavor = props.flavor;
    this.sourceNamespace = props.sourceNamespace;
    this.argocd = props.argocd ?? { namespace: 'argocd', project: 'default' };
    this.installEgress = props.installEgress ?? { kubernetesApiCidrs: DEFAULT_KUBERNETES_API_CIDRS, kubernetesApiPorts: DEFAULT_KUBERNETES_API_PORTS, clusterCidrs: DEFAULT_CLUSTER_CIDRS };
    this.byName = new Map(Object.entries(props.sources).sort(([a], [b]) => a.localeCompare(b)).map(([name, s]) => [name, { ...s, name }]));
  }

  /** The source called `name`; throws naming the known ones when there is none. */
  public source(name: string): NamedChartSource {
    const source = this.byName.get(name);
    if (!source) throw new Error(`unknown chart source "${name}"; known: ${[...this.byName.keys()].join(', ')}`);
    return source;
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
