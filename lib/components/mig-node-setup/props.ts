/** Props of the MIG node setup (`PlatformProps.migSetup`). */
import type { GpuModel } from '../../config/gpu-models';

/** A taint the MIG setup Jobs tolerate (a Kubernetes toleration). */
export interface MigTolerationProps {
  /** Taint key; empty with operator Exists tolerates every taint. @default - every key */
  readonly key?: string;
  /** @default 'Equal' */
  readonly operator?: 'Exists' | 'Equal';
  /** Taint value (operator Equal only). @default - none */
  readonly value?: string;
  /** @default - every effect */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** One training node whose GPUs are put in MIG mode. */
export interface MigNodeProps {
  /** The Kubernetes node name (`kubectl get nodes`). */
  readonly name: string;
  /** GPU indexes (`nvidia-smi -L`) to put in MIG mode, or every GPU of the node. @default 'all' */
  readonly gpus?: readonly number[] | 'all';
  /** The node's GPU model, for the MIG profiles offered on it. @default - not stated */
  readonly gpuModel?: GpuModel;
}

/**
 * MIG node setup ("Enable MIG support"): a Job per node runs `nvidia-smi -i <gpu> -mig 1` on the listed
 * GPUs and labels the node `cdmo.clear.ml/gpu-partitioning=mig` once MIG is active.
 */
export interface MigSetupProps {
  /** Write the MIG setup. @default true (when `migSetup` is set) */
  readonly enabled?: boolean;
  /** The one namespace with Pod Security level `privileged`; only the MIG setup Jobs run there. @default 'clearml-mig-setup' */
  readonly namespace?: string;
  /** The training nodes. Must not be empty while enabled. */
  readonly nodes: readonly MigNodeProps[];
  /** RuntimeClass of the NVIDIA container runtime (the GPU operator creates `nvidia`). @default 'nvidia' */
  readonly runtimeClassName?: string;
  /**
   * Image with Node 20 and glibc (the NVIDIA runtime injects the host's glibc-linked `nvidia-smi`), pinned
   * by digest. @default the pinned `node:20-bookworm-slim`
   */
  readonly image?: string;
  /** Taints tolerated. @default [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] */
  readonly tolerations?: readonly MigTolerationProps[];
  /** Retries of a Job after an error (a pending reboot fails the Job at once). @default 4 */
  readonly backoffLimit?: number;
  /** Deadline of a Job. @default 1800 */
  readonly activeDeadlineSeconds?: number;
}
