/** Defaults and checks of `PlatformProps.gpuOperator`. */
import { Req, definedOnly } from '../../config/checks';
import { DEFAULT_CHART_VERSIONS } from '../../config/chart-versions';
import { Problems } from '../../core/problems';
import { GpuOperatorProps } from './props';

export type ResolvedGpuOperator = Req<GpuOperatorProps>;

export function resolveGpuOperator(problems: Problems, input: GpuOperatorProps | undefined): ResolvedGpuOperator {
  const gpuOperator: ResolvedGpuOperator = {
    enabled: true,
    namespace: 'gpu-operator',
    releaseName: 'gpu-operator',
    chart: { source: 'nvidia', chart: 'gpu-operator', version: DEFAULT_CHART_VERSIONS.gpuOperator },
    migStrategy: 'mixed',
    gpuIsolation: true,
    containerd: 'default',
    values: {},
    ...definedOnly(input),
  };
  if (!['single', 'mixed'].includes(gpuOperator.migStrategy)) problems.add('gpuOperator.migStrategy', gpuOperator.migStrategy, 'must be "single" or "mixed"');
  if (typeof gpuOperator.gpuIsolation !== 'boolean') problems.add('gpuOperator.gpuIsolation', gpuOperator.gpuIsolation, 'must be true or false');
  if (!['default', 'k3s', 'microk8s'].includes(gpuOperator.containerd)) problems.add('gpuOperator.containerd', gpuOperator.containerd, 'must be "default", "k3s" or "microk8s"');
  return gpuOperator;
}
