/**
 * Flux source objects for the platform's chart sources: a `HelmRepository` per Helm repository, a
 * `GitRepository` per Git repository, and an `OCIRepository` per chart of an OCI registry.
 */
import { Construct } from 'constructs';
import {
  GitRepository,
  HelmRepository,
  OciRepository,
  OciRepositorySpecLayerSelectorOperation,
} from '../../../imports/source.toolkit.fluxcd.io';
import { ChartProps, NamedChartSource } from '../chart-source';
import { requireSecret } from '../../security/secret-reference';
import { isVersionRange, ociRepositoryName } from '../../core/names';

export interface FluxSourcesProps {
  /** Namespace of the source objects. */
  readonly namespace: string;
  /** The sources by name. */
  readonly sources: readonly NamedChartSource[];
  /** Every chart the output installs (to make one `OCIRepository` per OCI chart). */
  readonly charts: readonly ChartProps[];
  /** How often sources are checked. @default '1h' */
  readonly interval?: string;
}

/** Renders the Flux source objects. */
export class FluxSources extends Construct {
  constructor(scope: Construct, id: string, props: FluxSourcesProps) {
    super(scope, id);
    const interval = props.interval ?? '1h';
    const byName = new Map(props.sources.map((s) => [s.name, s]));
    for (const source of props.sources) {
      const secretRef = source.secretName ? { name: source.secretName } : undefined;
      if (source.secretName) {
        requireSecret(this, {
          namespace: props.namespace,
          name: source.secretName,
          keys: source.type === 'oci' ? ['.dockerconfigjson'] : ['password', 'username'],
          type: source.type === 'oci' ? 'kubernetes.io/dockerconfigjson' : 'Opaque',
          purpose: `Credentials of the chart source "${source.name}" (${source.url}) for Flux`,
        });
      }
      if (source.type === 'helm') {
        new HelmRepository(this, `HelmRepository-${source.name}`, {
          metadata: { name: source.name, namespace: props.namespace },
          spec: { url: source.url, interval, secretRef },
        });
      } else if (source.type === 'git') {
        new GitRepository(this, `GitRepository-${source.name}`, {
          metadata: { name: source.name, namespace: props.namespace },
          spec: { url: source.url, interval, secretRef, ref: { tag: source.tag, branch: source.branch, commit: source.commit } },
        });
      }
    }
    const made = new Set<string>();
    for (const chart of props.charts) {
      const source = byName.get(chart.source);
      if (source?.type !== 'oci') continue;
      const name = ociRepositoryName(source.name, chart.chart);
      if (made.has(name)) continue;
      made.add(name);
      const version = chart.version.replace(/^v(?=\d)/, '');
      new OciRepository(this, `OCIRepository-${name}`, {
        metadata: { name, namespace: props.namespace },
        spec: {
          url: `${source.url.replace(/\/+$/, '')}/${chart.chart}`,
          interval,
          ref: isVersionRange(chart.version) ? { semver: chart.version } : { tag: version },
          secretRef: source.secretName ? { name: source.secretName } : undefined,
          layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: OciRepositorySpecLayerSelectorOperation.COPY },
        },
      });
    }
  }
}
