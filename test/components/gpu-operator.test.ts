import { GpuOperator } from '../../lib/components/gpu-operator/gpu-operator';
import { gpuOperatorProps } from '../../lib/components/gpu-operator/descriptor';
import { only, platformWith, synthOf } from '../helpers';

describe('GpuOperator', () => {
  test('minimal props: snapshot', () => {
    expect(synthOf((s) => new GpuOperator(s, 'gpu', gpuOperatorProps(platformWith())))).toMatchSnapshot();
  });

  test('installs gpu-operator in gpu-operator with the runbook flags', () => {
    const objects = synthOf((s) => new GpuOperator(s, 'gpu', gpuOperatorProps(platformWith())));
    const release = only(objects, 'HelmRelease');
    expect(release).toHaveProperty('metadata.namespace', 'gpu-operator');
    expect(release).toHaveProperty('spec.values.migManager.enabled', false);
    expect(release).toHaveProperty('spec.values.mig.strategy', 'mixed');
    expect(release).toHaveProperty('spec.chart.spec', { chart: 'gpu-operator', version: 'v25.3.0', sourceRef: { kind: 'HelmRepository', name: 'nvidia', namespace: 'flux-system' } });
    expect(only(objects, 'Namespace')).toHaveProperty(['metadata', 'labels', 'pod-security.kubernetes.io/enforce'], 'privileged');
  });

  test('all props: extra values merge over the generated ones', () => {
    const platform = platformWith({ gpuOperator: { namespace: 'nvidia', migStrategy: 'single', gpuIsolation: false, values: { driver: { enabled: false }, mig: { extra: 1 } } } });
    const release = only(synthOf((s) => new GpuOperator(s, 'gpu', gpuOperatorProps(platform))), 'HelmRelease');
    expect(release).toHaveProperty('metadata.namespace', 'nvidia');
    expect(release.spec.values).toEqual({ migManager: { enabled: false }, mig: { strategy: 'single', extra: 1 }, driver: { enabled: false } });
  });

  test('item 5: ClearML\'s GPU isolation settings are the defaults of the toolkit and the device plugin', () => {
    const values = only(synthOf((s) => new GpuOperator(s, 'gpu', gpuOperatorProps(platformWith()))), 'HelmRelease').spec.values;
    expect(values.toolkit.env).toEqual([
      { name: 'ACCEPT_NVIDIA_VISIBLE_DEVICES_ENVVAR_WHEN_UNPRIVILEGED', value: 'false' },
      { name: 'ACCEPT_NVIDIA_VISIBLE_DEVICES_AS_VOLUME_MOUNTS', value: 'true' },
      { name: 'NVIDIA_CONTAINER_TOOLKIT_OPT_IN_FEATURES', value: 'disable-cuda-compat-lib-hook' },
    ]);
    expect(values.devicePlugin.env).toEqual([
      { name: 'PASS_DEVICE_SPECS', value: 'true' },
      { name: 'FAIL_ON_INIT_ERROR', value: 'true' },
      { name: 'DEVICE_LIST_STRATEGY', value: 'volume-mounts' },
      { name: 'DEVICE_ID_STRATEGY', value: 'uuid' },
      { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' },
      { name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'all' },
    ]);
  });

  test.each([
    ['k3s', [{ name: 'CONTAINERD_SOCKET', value: '/run/k3s/containerd/containerd.sock' }]],
    ['microk8s', [
      { name: 'CONTAINERD_CONFIG', value: '/var/snap/microk8s/current/args/containerd-template.toml' },
      { name: 'CONTAINERD_SOCKET', value: '/var/snap/microk8s/common/run/containerd.sock' },
      { name: 'CONTAINERD_RUNTIME_CLASS', value: 'nvidia' },
      { name: 'CONTAINERD_SET_AS_DEFAULT', value: 'true' },
    ]],
  ])('item 5: containerd of %s in toolkit.env, after the isolation settings', (containerd, env) => {
    const values = only(synthOf((s) => new GpuOperator(s, 'gpu', gpuOperatorProps(platformWith({ gpuOperator: { containerd: containerd as 'k3s' } })))), 'HelmRelease').spec.values;
    expect(values.toolkit.env.slice(3)).toEqual(env);
  });

  test('fails when gpuOperator.containerd is not a known kind', () => {
    expect(() => platformWith({ gpuOperator: { containerd: 'docker' as 'k3s' } })).toThrow(/gpuOperator\.containerd: "docker": must be "default", "k3s" or "microk8s"/);
  });
});
