/**
 * One Helm release, written for the platform's GitOps controller.
 *
 * Constructs describe a release once (chart, values, values from Secrets, what it waits for); the
 * renderer of the chosen flavor turns it into objects. Values from Secrets are declared in the Secret
 * inventory here, so no construct can forget to.
 */
import { Construct } from 'constructs';
import { ChartCatalog } from './chart-catalog';
import { ChartProps } from './chart-source';
import { ArgoCdApplication } from './argocd/argocd-application';
import { FluxHelmRelease } from './flux/flux-helm-release';
import { K3sHelmChart } from './k3s/k3s-helm-chart';
import { ReleaseDefinition, ReleaseRef, SecretValue } from './release-definition';
import { requireSecret } from '../security/secret-reference';

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
    for (const v of props.catalog.flavor === 'flux' ? secretValues : []) {
      requireSecret(this, { namespace: props.namespace, name: v.secret.name, keys: [v.secret.key], purpose: v.purpose, providedBy: v.providedBy });
    }
    // The one place where the flavor picks the renderer.
    switch (props.catalog.flavor) {
      case 'flux':
        new FluxHelmRelease(this, 'Flux', this.definition);
        break;
      case 'k3s':
        new K3sHelmChart(this, 'K3s', this.definition, props.catalog.installEgress);
        break;
      case 'argocd':
        new ArgoCdApplication(this, 'ArgoCd', this.definition, { argocdNamespace: props.catalog.argocd.namespace, project: props.catalog.argocd.project, wave });
        break;
      default:
        throw new Error(`unknown GitOps flavor "${String(props.catalog.flavor)}"`);
    }
  }
}
