/** Props of the NVIDIA GPU operator (`PlatformProps.gpuOperator`). */
import type { ChartProps } from '../../flavors/chart-source';

/** NVIDIA GPU operator ("Enabling Dynamic MIG GPUs"). */
export interface GpuOperatorProps {
  /** Install it. @default true */
  readonly enabled?: boolean;
  /** @default 'gpu-operator' */
  readonly namespace?: string;
  /** @default 'gpu-operator' */
  readonly releaseName?: string;
  /** @default { source: 'nvidia', chart: 'gpu-operator', version: 'v25.3.0' } */
  readonly chart?: ChartProps;
  /** MIG strategy. @default 'mixed' */
  readonly migStrategy?: 'single' | 'mixed';
  /**
   * ClearML's GPU isolation settings (container toolkit and device plugin env), so an unprivileged container
   * cannot reach GPUs outside its allocation. Turning it off is a deviation from ClearML's guide. @default true
   */
  readonly gpuIsolation?: boolean;
  /**
   * Where the nodes' containerd is: `default` (the operator's own detection), `k3s` or `microk8s` (their
   * sockets and config, in `toolkit.env`). @default 'default'
   */
  readonly containerd?: 'default' | 'k3s' | 'microk8s';
  /** Extra chart values, merged over the generated ones. @default {} */
  readonly values?: Record<string, unknown>;
}
