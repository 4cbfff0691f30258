export const GPU_MODELS = ['A100-40GB','A100-80GB','H100-80GB','H200-141GB'] as const;
