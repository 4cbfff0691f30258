/**
 * One Helm release, written for the platform's GitOps controller.
 *
 * Constructs describe a release once (chart, values, values from Secrets, what it waits for); the
 * renderer of the chosen flavor (lib/flavors/) turns it into objects, declaring in the Secret inventory
 * every Secret it reads, so no construct can forget to.
 */
import { Construct } from 'constructs';
import { ChartCatalog } from './chart-catalog';
import { ChartProps } from '../flavors/chart-source';
import { ReleaseDefinition, ReleaseRef, SecretValue } from '../flavors/release-definition';

export interface HelmChartReleaseProps {
  /** Release name (object name and Helm release name). */
  readonly name: string;
  /** Namespace the chart is installed into. */
  readonly namespace: string;
  /** The chart. */
  readonly chart: ChartProps;
  /** Sources and flavor of the platform. */
  readonly catalog: ChartCatalog;
  /** Plain values; never a secret. @default {} */
  readonly values?: Record<string, unknown>;
  /** Values read from Secrets in the release namespace at install time. @default [] */
  readonly secretValues?: readonly SecretValue[];
  /** Releases to wait for. @default [] */
  readonly dependsOn?: readonly ReleaseRef[];
}

export class HelmChartRelease extends Construct {
  /** The release as others refer to it in `dependsOn`. */
  public readonly ref: ReleaseRef;
  /** The flavor-neutral definition that was rendered. */
  public readonly definition: ReleaseDefinition;

  constructor(scope: Construct, id: string, props: HelmChartReleaseProps) {
    super(scope, id);
    const secretValues = props.secretValues ?? [];
    this.definition = {
      name: props.name,
      namespace: props.namespace,
      chart: props.chart,
      source: props.catalog.source(props.chart.source),
      sourceNamespace: props.catalog.sourceNamespace,
      values: props.values ?? {},
      secretValues,
      dependsOn: props.dependsOn ?? [],
    };
    const wave = 1 + Math.max(0, ...this.definition.dependsOn.map((d) => d.wave ?? 1));
    this.ref = { name: props.name, namespace: props.namespace, wave };
    const { catalog } = props;
    catalog.flavor.renderRelease(this, this.definition, { wave, settings: catalog.gitops, network: catalog.network, problems: catalog.problems });
  }
}
