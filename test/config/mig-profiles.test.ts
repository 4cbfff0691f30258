import { GPU_MODELS } from '../../lib/config/gpu-models';
import { MIG_PROFILES, migResource, supportedFractions } from '../../lib/config/mig-profiles';

describe('MIG profiles', () => {
  test('the runbook\'s A100-40GB mapping', () => {
    expect(migResource('A100-40GB', 1)).toBe('nvidia.com/mig-7g.40gb');
    expect(migResource('A100-40GB', 0.5)).toBe('nvidia.com/mig-3g.20gb');
    expect(migResource('A100-40GB', 0.25)).toBe('nvidia.com/mig-2g.10gb');
    expect(migResource('A100-40GB', 0.125)).toBe('nvidia.com/mig-1g.5gb');
  });

  test.each([
    ['A100-80GB', ['7g.80gb', '3g.40gb', '2g.20gb', '1g.10gb']],
    ['H100-80GB', ['7g.80gb', '3g.40gb', '2g.20gb', '1g.10gb']],
    ['H200-141GB', ['7g.141gb', '3g.71gb', '2g.35gb', '1g.18gb']],
  ] as const)('%s has the profiles of NVIDIA\'s table', (model, profiles) => {
    expect(supportedFractions(model).map((f) => migResource(model, f))).toEqual(profiles.map((p) => `nvidia.com/mig-${p}`));
  });

  test('every model has a profile for 1, 0.5, 0.25 and 0.125 and no other fraction', () => {
    for (const model of GPU_MODELS) {
      expect(MIG_PROFILES[model].map((p) => p.fraction)).toEqual([1, 0.5, 0.25, 0.125]);
      expect(migResource(model, 0.75)).toBeUndefined();
    }
  });
});
