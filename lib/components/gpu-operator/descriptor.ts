/** The GPU operator as a platform component: the `gpu` folder, after the chart sources. */
import type { ComponentDescriptor } from '../component';
import type { ComponentPlatform } from '../component';
import { GpuOperator, GpuOperatorProps } from './gpu-operator';

/** The construct's props from the resolved platform. */
export function gpuOperatorProps(platform: ComponentPlatform): GpuOperatorProps {
  return { settings: platform.gpuOperator, catalog: platform.catalog, network: platform.network };
}

export const gpuOperatorComponent: ComponentDescriptor = {
  name: 'gpu-operator',
  folder: 'gpu',
  roles: ['worker'],
  waitsFor: ['sources'],
  enabled: (p) => p.gpuOperator.enabled,
  namespaces: (p) => [{ namespace: p.gpuOperator.namespace, field: 'gpuOperator.namespace' }],
  charts: (p) => [{ chart: p.gpuOperator.chart, field: 'gpuOperator.chart' }],
  endpoints: () => [],
  build: (chart, platform) => ({ release: new GpuOperator(chart, 'GpuOperator', gpuOperatorProps(platform)).release.ref }),
};
