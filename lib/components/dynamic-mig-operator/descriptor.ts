/** The ClearML Dynamic MIG Operator as a platform component: the `gpu` folder, after the GPU operator's release. */
import type { ComponentDescriptor } from '../component';
import type { ComponentPlatform } from '../component';
import { registryPasswordValue } from '../registry-credentials/registry-credentials';
import { DynamicMigOperator, DynamicMigOperatorProps } from './dynamic-mig-operator';

/** The construct's props from the resolved platform (`after`: the GPU operator's release). */
export function dynamicMigOperatorProps(platform: ComponentPlatform, after?: DynamicMigOperatorProps['after']): DynamicMigOperatorProps {
  return { settings: platform.dynamicMigOperator, catalog: platform.catalog, network: platform.network, registryPassword: registryPasswordValue(platform), after };
}

export const dynamicMigOperatorComponent: ComponentDescriptor = {
  name: 'dynamic-mig-operator',
  folder: 'gpu',
  roles: ['worker'],
  waitsFor: ['sources'],
  after: ['gpu-operator'],
  enabled: (p) => p.dynamicMigOperator.enabled,
  namespaces: (p) => [{ namespace: p.dynamicMigOperator.namespace, field: 'dynamicMigOperator.namespace' }],
  charts: (p) => [{ chart: p.dynamicMigOperator.chart, field: 'dynamicMigOperator.chart' }],
  endpoints: () => [],
  build: (chart, platform, { releases }) => ({
    release: new DynamicMigOperator(chart, 'DynamicMigOperator', dynamicMigOperatorProps(platform, releases.get('gpu-operator'))).release.ref,
  }),
};
