/**
 * Which MIG device a GPU-fraction queue asks for, per GPU model.
 *
 * Profile names are those of NVIDIA's Multi-Instance GPU User Guide, "Supported MIG Profiles"
 * (https://docs.nvidia.com/datacenter/tesla/mig-user-guide/supported-mig-profiles.html): `<compute
 * slices>g.<memory>gb`, where a GPU has 7 compute slices and 8 memory slices. The GPU operator's device
 * plugin (`mig.strategy=mixed`) advertises each as the resource `nvidia.com/mig-<profile>`.
 *
 * A fraction is the share of the GPU's memory: 1 = 8/8 (the whole GPU, 7g), 0.5 = 4/8 (3g: the runbook's
 * choice over 4g, since two 3g instances fit on one GPU), 0.25 = 2/8 (2g), 0.125 = 1/8 (1g). This is
 * the runbook's mapping for the A100-40GB (1 -> 7g.40gb, 0.5 -> 3g.20gb, 0.25 -> 2g.10gb) extended to
 * 1/8 and to the other models, whose profiles have the same slices and larger memory.
 */
import { GpuModel } from './gpu-models';


/** The model the runbook's profiles belong to: the default of `tenantReleases.defaultGpuModel`. */
export const DEFAULT_GPU_MODEL: GpuModel = 'A100-40GB';

/** The image of tasks that name none (`agentk8sglue.defaultContainerImage`), the runbook's. */
export const DEFAULT_TASK_IMAGE = 'python:3.9';

/** MIG profile per GPU fraction, per model. */
export const MIG_PROFILES: Readonly<Record<GpuModel, ReadonlyArray<{ readonly fraction: number; readonly profile: string }>>> = {
  'A100-40GB': [
    { fraction: 1, profile: '7g.40gb' },
    { fraction: 0.5, profile: '3g.20gb' },
    { fraction: 0.25, profile: '2g.10gb' },
    { fraction: 0.125, profile: '1g.5gb' },
  ],
  'A100-80GB': [
    { fraction: 1, profile: '7g.80gb' },
    { fraction: 0.5, profile: '3g.40gb' },
    { fraction: 0.25, profile: '2g.20gb' },
    { fraction: 0.125, profile: '1g.10gb' },
  ],
  'H100-80GB': [
    { fraction: 1, profile: '7g.80gb' },
    { fraction: 0.5, profile: '3g.40gb' },
    { fraction: 0.25, profile: '2g.20gb' },
    { fraction: 0.125, profile: '1g.10gb' },
  ],
  'H200-141GB': [
    { fraction: 1, profile: '7g.141gb' },
    { fraction: 0.5, profile: '3g.71gb' },
    { fraction: 0.25, profile: '2g.35gb' },
    { fraction: 0.125, profile: '1g.18gb' },
  ],
};


/** The fractions `model` has a MIG profile for, largest first. */
export function supportedFractions(model: GpuModel): number[] {
  return MIG_PROFILES[model].map((p) => p.fraction);
}

/** The extended resource of the MIG device for `fraction` of a `model` GPU, e.g. `nvidia.com/mig-3g.20gb`; undefined when there is none. */
export function migResource(model: GpuModel, fraction: number): string | undefined {
  const profile = MIG_PROFILES[model].find((p) => p.fraction === fraction)?.profile;
  return profile === undefined ? undefined : `nvidia.com/mig-${profile}`;
}

/** The MIG profiles of `model`, largest first (e.g. `3g.20gb`). */
export function migProfiles(model: GpuModel): string[] {
  return MIG_PROFILES[model].map((p) => p.profile);
}

/** Every MIG profile of every model, each once, in the order of {@link MIG_PROFILES}. */
export const ALL_MIG_PROFILES: readonly string[] = [...new Set(Object.values(MIG_PROFILES).flatMap((list) => list.map((p) => p.profile)))];
