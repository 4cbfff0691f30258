/**
 * GPU models the platform knows the MIG profiles of. MIG node setup validates `migSetup.nodes[].gpuModel`
 * against this list; the tenants' MIG profile table is keyed by the same names.
 */
export const GPU_MODELS = ['A100-40GB', 'A100-80GB', 'H100-80GB', 'H200-141GB'] as const;

/** One of {@link GPU_MODELS}. */
export type GpuModel = (typeof GPU_MODELS)[number];

export function isGpuModel(value: unknown): value is GpuModel {
  return typeof value === 'string' && (GPU_MODELS as readonly string[]).includes(value);
}
