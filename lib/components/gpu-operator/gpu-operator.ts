/**
 * The NVIDIA GPU operator ("Enabling Dynamic MIG GPUs"): `helm install -n gpu-operator gpu-operator
 * nvidia/gpu-operator --set migManager.enabled=false --set mig.strategy=mixed`.
 *
 * Deviation from the runbook: ClearML's current GPU operator guide also sets the container toolkit and the
 * device plugin so that an unprivileged container cannot reach GPUs outside its allocation (device list as
 * volume mounts, not the `NVIDIA_VISIBLE_DEVICES` variable; devices by UUID). Those are the defaults here
 * (`gpuIsolation`), with the k3s and MicroK8s containerd settings as options (`containerd`).
 */
import { Construct } from 'constructs';
import type { ChartCatalog } from '../../gitops/chart-catalog';
import type { ResolvedNetwork } from '../../config/network';
import type { ResolvedGpuOperator } from './settings';
import { deepMerge } from '../../core/merge';
import { HelmChartRelease } from '../../gitops/helm-chart-release';
import { IsolatedNamespace } from '../../security/isolated-namespace';
import { LAYER_LABEL } from '../../core/labels';

type EnvList = { name: string; value: string }[];

/** `toolkit.env` of ClearML's guide. */
export const GPU_ISOLATION_TOOLKIT_ENV: Readonly<Record<string, string>> = {
  ACCEPT_NVIDIA_VISIBLE_DEVICES_ENVVAR_WHEN_UNPRIVILEGED: 'false',
  ACCEPT_NVIDIA_VISIBLE_DEVICES_AS_VOLUME_MOUNTS: 'true',
  NVIDIA_CONTAINER_TOOLKIT_OPT_IN_FEATURES: 'disable-cuda-compat-lib-hook',
};

/** `devicePlugin.env` of ClearML's guide. */
export const GPU_ISOLATION_DEVICE_PLUGIN_ENV: Readonly<Record<string, string>> = {
  PASS_DEVICE_SPECS: 'true',
  FAIL_ON_INIT_ERROR: 'true',
  DEVICE_LIST_STRATEGY: 'volume-mounts',
  DEVICE_ID_STRATEGY: 'uuid',
  NVIDIA_VISIBLE_DEVICES: 'all',
  NVIDIA_DRIVER_CAPABILITIES: 'all',
};

/** `toolkit.env` for containerd outside its usual place (k3s from ClearML's guide, MicroK8s from NVIDIA's). */
export const CONTAINERD_TOOLKIT_ENV: Readonly<Record<'default' | 'k3s' | 'microk8s', Readonly<Record<string, string>>>> = {
  default: {},
  k3s: { CONTAINERD_SOCKET: '/run/k3s/containerd/containerd.sock' },
  microk8s: {
    CONTAINERD_CONFIG: '/var/snap/microk8s/current/args/containerd-template.toml',
    CONTAINERD_SOCKET: '/var/snap/microk8s/common/run/containerd.sock',
    CONTAINERD_RUNTIME_CLASS: 'nvidia',
    CONTAINERD_SET_AS_DEFAULT: 'true',
  },
};

const envList = (env: Readonly<Record<string, string>>): EnvList => Object.entries(env).map(([name, value]) => ({ name, value }));

export interface GpuOperatorProps {
  /** `gpuOperator` of the resolved platform. */
  readonly settings: ResolvedGpuOperator;
  readonly catalog: ChartCatalog;
  readonly network: ResolvedNetwork;
}

export class GpuOperator extends Construct {
  public readonly release: HelmChartRelease;

  constructor(scope: Construct, id: string, props: GpuOperatorProps) {
    super(scope, id);
    const settings = props.settings;
    // The operator's driver, toolkit and device-plugin DaemonSets run privileged by design.
    new IsolatedNamespace(this, 'Namespace', {
      name: settings.namespace,
      network: props.network,
      podSecurity: 'privileged',
      labels: { [LAYER_LABEL]: 'gpu' },
      // The operator watches the API and its driver containers fetch packages.
      egress: { kubernetesApi: true, internet: true },
    });
    this.release = new HelmChartRelease(this, 'Resource', {
      name: settings.releaseName,
      namespace: settings.namespace,
      chart: settings.chart,
      catalog: props.catalog,
      values: deepMerge(gpuOperatorValues(settings), settings.values),
    });
  }
}

/** The chart values before the operator's own `values`. */
function gpuOperatorValues(settings: ResolvedGpuOperator): Record<string, unknown> {
  const toolkit = { ...(settings.gpuIsolation ? GPU_ISOLATION_TOOLKIT_ENV : {}), ...CONTAINERD_TOOLKIT_ENV[settings.containerd] };
  return {
    migManager: { enabled: false },
    mig: { strategy: settings.migStrategy },
    ...(Object.keys(toolkit).length > 0 ? { toolkit: { env: envList(toolkit) } } : {}),
    ...(settings.gpuIsolation ? { devicePlugin: { env: envList(GPU_ISOLATION_DEVICE_PLUGIN_ENV) } } : {}),
  };
}
