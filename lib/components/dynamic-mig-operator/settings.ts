/** Defaults of `PlatformProps.dynamicMigOperator` (its chart is checked with every other chart). */
import { Req, definedOnly } from '../../config/checks';
import { DEFAULT_CHART_VERSIONS } from '../../config/chart-versions';
import { Problems } from '../../core/problems';
import { DynamicMigOperatorProps } from './props';

export type ResolvedDynamicMigOperator = Req<DynamicMigOperatorProps>;

export function resolveDynamicMigOperator(_problems: Problems, input: DynamicMigOperatorProps | undefined): ResolvedDynamicMigOperator {
  return {
    enabled: true,
    namespace: 'cdmo-operator',
    releaseName: 'cdmo',
    chart: { source: 'clearml-enterprise', chart: 'clearml-dynamic-mig-operator', version: DEFAULT_CHART_VERSIONS.dynamicMigOperator },
    values: {},
    ...definedOnly(input),
  };
}
