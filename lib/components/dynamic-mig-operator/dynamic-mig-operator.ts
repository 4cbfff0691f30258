/**
 * The ClearML Dynamic MIG Operator ("Install CDMO Chart"): `helm install -n cdmo-operator cdmo
 * allegroai-enterprise/clearml-dynamic-mig-operator -f overrides.yaml`, the registry token read from a Secret.
 */
import { Construct } from 'constructs';
import { ResolvedPlatform } from '../../config/platform';
import { HelmChartRelease } from '../../gitops/helm-chart-release';
import { ReleaseRef } from '../../gitops/release-definition';
import { IsolatedNamespace } from '../../security/isolated-namespace';
import { LAYER_LABEL } from '../../core/labels';
import { registryPasswordValue } from '../registry-credentials/registry-credentials';

export interface DynamicMigOperatorProps {
  readonly platform: ResolvedPlatform;
  /** The GPU operator release, installed first. @default - none */
  readonly after?: ReleaseRef;
}

export class DynamicMigOperator extends Construct {
  public readonly release: HelmChartRelease;

  constructor(scope: Construct, id: string, props: DynamicMigOperatorProps) {
    super(scope, id);
    const settings = props.platform.dynamicMigOperator;
    // The operator partitions GPUs through the NVIDIA driver: privileged by design.
    new IsolatedNamespace(this, 'Namespace', {
      name: settings.namespace,
      platform: props.platform,
      podSecurity: 'privileged',
      labels: { [LAYER_LABEL]: 'gpu' },
      egress: { kubernetesApi: true },
    });
    this.release = new HelmChartRelease(this, 'Resource', {
      name: settings.releaseName,
      namespace: settings.namespace,
      chart: settings.chart,
      catalog: props.platform.catalog,
      values: settings.values,
      secretValues: [registryPasswordValue(props.platform)],
      dependsOn: props.after ? [props.after] : [],
    });
  }
}
