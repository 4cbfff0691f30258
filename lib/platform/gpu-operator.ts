/**
 * The NVIDIA GPU operator ("Enabling Dynamic MIG GPUs"): `helm install -n gpu-operator gpu-operator
 * nvidia/gpu-operator --set migManager.enabled=false --set mig.strategy=mixed`.
 */
import { Construct } from 'constructs';
import { ResolvedPlatform } from '../config/platform';
import { deepMerge } from '../gitops/deep-merge';
import { HelmChartRelease } from '../gitops/helm-chart-release';
import { IsolatedNamespace } from '../security/isolated-namespace';
import { LAYER_LABEL } from '../security/labels';

export interface GpuOperatorProps {
  readonly platform: ResolvedPlatform;
}

export class GpuOperator extends Construct {
  public readonly release: HelmChartRelease;

  constructor(scope: Construct, id: string, props: GpuOperatorProps) {
    super(scope, id);
    const settings = props.platform.gpuOperator;
    // The operator's driver, toolkit and device-plugin DaemonSets run privileged by design.
    new IsolatedNamespace(this, 'Namespace', {
      name: settings.namespace,
      platform: props.platform,
      podSecurity: 'privileged',
      labels: { [LAYER_LABEL]: 'gpu' },
      // The operator watches the API and its driver containers fetch packages.
      egress: { kubernetesApi: true, internet: true },
    });
    this.release = new HelmChartRelease(this, 'Resource', {
      name: settings.releaseName,
      namespace: settings.namespace,
      chart: settings.chart,
      catalog: props.platform.catalog,
      values: deepMerge({ migManager: { enabled: false }, mig: { strategy: settings.migStrategy } }, settings.values),
    });
  }
}
