import { Billing } from '../../lib/components/billing/billing';
import { billingProps } from '../../lib/components/billing/descriptor';
import { only, platformWith, synthOf } from '../helpers';

const OCI = { charts: { type: 'oci' as const, url: 'oci://registry.example.com/charts', secretName: 'charts-registry' } };
const GIT = { charts: { type: 'git' as const, url: 'https://git.example.com/charts.git', tag: 'v1' } };

describe('Billing', () => {
  test('snapshot (OCI source)', () => {
    const platform = platformWith({ sources: OCI, billing: { chart: { source: 'charts', chart: 'clearml-billing', version: '1.1.0' } } });
    expect(synthOf((s) => new Billing(s, 'billing', billingProps(platform, { name: 'clearml', namespace: 'clearml' })))).toMatchSnapshot();
  });

  test('from OCI: chartRef to an OCIRepository, after the server, registry password from a Secret', () => {
    const platform = platformWith({ sources: OCI, billing: { chart: { source: 'charts', chart: 'clearml-billing', version: '1.1.0' } } });
    const objects = synthOf((s) => new Billing(s, 'billing', billingProps(platform, { name: 'clearml', namespace: 'clearml' })));
    const release = only(objects, 'HelmRelease');
    expect(release.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'charts-clearml-billing', namespace: 'flux-system' });
    expect(release.spec.dependsOn).toEqual([{ name: 'clearml', namespace: 'clearml' }]);
    expect(release.spec.values).toEqual({ imageCredentials: { username: 'dockerhubcustpocbillingaccess' } });
    expect(release.spec.valuesFrom).toEqual([{ kind: 'Secret', name: 'clearml-billing-registry', valuesKey: 'password', targetPath: 'imageCredentials.password' }]);
  });

  test('from Git: the .tgz path in a GitRepository', () => {
    const platform = platformWith({ sources: GIT, billing: { chart: { source: 'charts', chart: 'charts/clearml-billing-1.1.0.tgz', version: '1.1.0' } } });
    const release = only(synthOf((s) => new Billing(s, 'billing', billingProps(platform))), 'HelmRelease');
    expect(release.spec.chart.spec).toEqual({ chart: 'charts/clearml-billing-1.1.0.tgz', sourceRef: { kind: 'GitRepository', name: 'charts', namespace: 'flux-system' } });
  });

  test('the namespace admits only itself and clearml, on the Kafka and Redis ports', () => {
    const platform = platformWith({ sources: OCI, billing: { chart: { source: 'charts', chart: 'clearml-billing', version: '1.1.0' } } });
    const policy = only(synthOf((s) => new Billing(s, 'billing', billingProps(platform))), 'NetworkPolicy', 'default-deny-ingress');
    expect(policy).toHaveProperty('metadata.namespace', 'clearml-billing');
    expect(policy.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    const objects = synthOf((s) => new Billing(s, 'billing', billingProps(platform)));
    expect(only(objects, 'NetworkPolicy', 'allow-same-namespace-ingress').spec.ingress).toEqual([{ from: [{ podSelector: {} }] }]);
    expect(only(objects, 'NetworkPolicy', 'allow-ingress-from-namespaces').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'clearml' } } }],
      ports: [{ protocol: 'TCP', port: 9092 }, { protocol: 'TCP', port: 6379 }],
    }]);
  });
});
