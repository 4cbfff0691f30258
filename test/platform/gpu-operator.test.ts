import { GpuOperator } from '../../lib/platform/gpu-operator';
import { only, platformWith, synthOf } from '../helpers';

describe('GpuOperator', () => {
  test('minimal props: snapshot', () => {
    expect(synthOf((s) => new GpuOperator(s, 'gpu', { platform: platformWith() }))).toMatchSnapshot();
  });

  test('installs gpu-operator in gpu-operator with the runbook flags', () => {
    const objects = synthOf((s) => new GpuOperator(s, 'gpu', { platform: platformWith() }));
    const release = only(objects, 'HelmRelease');
    expect(release).toHaveProperty('metadata.namespace', 'gpu-operator');
    expect(release).toHaveProperty('spec.values.migManager.enabled', false);
    expect(release).toHaveProperty('spec.values.mig.strategy', 'mixed');
    expect(release).toHaveProperty('spec.chart.spec', { chart: 'gpu-operator', version: 'v25.3.0', sourceRef: { kind: 'HelmRepository', name: 'nvidia', namespace: 'flux-system' } });
    expect(only(objects, 'Namespace')).toHaveProperty(['metadata', 'labels', 'pod-security.kubernetes.io/enforce'], 'privileged');
  });

  test('all props: extra values merge over the generated ones', () => {
    const platform = platformWith({ gpuOperator: { namespace: 'nvidia', migStrategy: 'single', values: { driver: { enabled: false }, mig: { extra: 1 } } } });
    const release = only(synthOf((s) => new GpuOperator(s, 'gpu', { platform })), 'HelmRelease');
    expect(release).toHaveProperty('metadata.namespace', 'nvidia');
    expect(release.spec.values).toEqual({ migManager: { enabled: false }, mig: { strategy: 'single', extra: 1 }, driver: { enabled: false } });
  });
});
