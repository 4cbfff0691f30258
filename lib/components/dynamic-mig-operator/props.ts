/** Props of the ClearML Dynamic MIG Operator (`PlatformProps.dynamicMigOperator`). */
import type { ChartProps } from '../../flavors/chart-source';

/** ClearML Dynamic MIG Operator ("Install CDMO Chart"). */
export interface DynamicMigOperatorProps {
  /** Install it. @default true */
  readonly enabled?: boolean;
  /** @default 'cdmo-operator' */
  readonly namespace?: string;
  /** @default 'cdmo' */
  readonly releaseName?: string;
  /**
   * Chart and pinned version. The version is not in any release notes ClearML publishes (see the README's
   * "Chart versions" table): confirm it with `helm search repo allegroai-enterprise/clearml-dynamic-mig-operator --versions`.
   * @default { source: 'clearml-enterprise', chart: 'clearml-dynamic-mig-operator', version: DEFAULT_CHART_VERSIONS.dynamicMigOperator }
   */
  readonly chart?: ChartProps;
  /** Extra chart values. @default {} */
  readonly values?: Record<string, unknown>;
}
