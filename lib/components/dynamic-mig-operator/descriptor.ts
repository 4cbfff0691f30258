/** The ClearML Dynamic MIG Operator as a platform component: the `gpu` folder, after the GPU operator's release. */
import type { ComponentDescriptor } from '../component';
import { DynamicMigOperator } from './dynamic-mig-operator';

export const dynamicMigOperatorComponent: ComponentDescriptor = {
  name: 'dynamic-mig-operator',
  folder: 'gpu',
  waitsFor: ['sources'],
  after: ['gpu-operator'],
  enabled: (p) => p.dynamicMigOperator.enabled,
  namespaces: (p) => [{ namespace: p.dynamicMigOperator.namespace, field: 'dynamicMigOperator.namespace' }],
  charts: (p) => [{ chart: p.dynamicMigOperator.chart, field: 'dynamicMigOperator.chart' }],
  endpoints: () => [],
  build: (chart, platform, { releases }) => ({
    release: new DynamicMigOperator(chart, 'DynamicMigOperator', { platform, after: releases.get('gpu-operator') }).release.ref,
  }),
};
