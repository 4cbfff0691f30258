/**
 * The ClearML Dynamic MIG Operator ("Install CDMO Chart"): `helm install -n cdmo-operator cdmo
 * allegroai-enterprise/clearml-dynamic-mig-operator -f overrides.yaml`, the registry token read from a Secret.
 */
import { Construct } from 'constructs';
import type { ChartCatalog } from '../../gitops/chart-catalog';
import type { ResolvedNetwork } from '../../config/network';
import type { ResolvedDynamicMigOperator } from './settings';
import { HelmChartRelease } from '../../gitops/helm-chart-release';
import { ReleaseRef, SecretValue } from '../../flavors/release-definition';
import { IsolatedNamespace } from '../../security/isolated-namespace';
import { LAYER_LABEL } from '../../core/labels';

export interface DynamicMigOperatorProps {
  /** `dynamicMigOperator` of the resolved platform. */
  readonly settings: ResolvedDynamicMigOperator;
  readonly catalog: ChartCatalog;
  readonly network: ResolvedNetwork;
  /** The enterprise registry password value (lib/components/registry-credentials). */
  readonly registryPassword: SecretValue;
  /** The GPU operator release, installed first. @default - none */
  readonly after?: ReleaseRef;
}

export class DynamicMigOperator extends Construct {
  public readonly release: HelmChartRelease;

  constructor(scope: Construct, id: string, props: DynamicMigOperatorProps) {
    super(scope, id);
    const settings = props.settings;
    // The operator partitions GPUs through the NVIDIA driver: privileged by design.
    new IsolatedNamespace(this, 'Namespace', {
      name: settings.namespace,
      network: props.network,
      podSecurity: 'privileged',
      labels: { [LAYER_LABEL]: 'gpu' },
      egress: { kubernetesApi: true },
    });
    this.release = new HelmChartRelease(this, 'Resource', {
      name: settings.releaseName,
      namespace: settings.namespace,
      chart: settings.chart,
      catalog: props.catalog,
      values: settings.values,
      secretValues: [props.registryPassword],
      dependsOn: props.after ? [props.after] : [],
    });
  }
}
