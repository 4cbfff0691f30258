import { DynamicMigOperator } from '../../lib/components/dynamic-mig-operator/dynamic-mig-operator';
import { dynamicMigOperatorProps } from '../../lib/components/dynamic-mig-operator/descriptor';
import { only, platformWith, synthOf } from '../helpers';

describe('DynamicMigOperator', () => {
  test('snapshot', () => {
    expect(synthOf((s) => new DynamicMigOperator(s, 'cdmo', dynamicMigOperatorProps(platformWith(), { name: 'gpu-operator', namespace: 'gpu-operator' })))).toMatchSnapshot();
  });

  test('installs cdmo after the GPU operator, the registry token from a Secret', () => {
    const release = only(synthOf((s) => new DynamicMigOperator(s, 'cdmo', dynamicMigOperatorProps(platformWith(), { name: 'gpu-operator', namespace: 'gpu-operator' }))), 'HelmRelease');
    expect(release).toHaveProperty('metadata', { name: 'cdmo', namespace: 'cdmo-operator' });
    expect(release).toHaveProperty('spec.chart.spec.chart', 'clearml-dynamic-mig-operator');
    expect(release.spec.dependsOn).toEqual([{ name: 'gpu-operator', namespace: 'gpu-operator' }]);
    expect(release.spec.valuesFrom).toEqual([{ kind: 'Secret', name: 'clearml-registry', valuesKey: 'password', targetPath: 'imageCredentials.password' }]);
    expect(JSON.stringify(release.spec.values ?? {})).not.toMatch(/password/);
  });
});
