import { TenantNamespace } from '../../lib/tenant/tenant-namespace';
import { TENANT_LABEL } from '../../lib/security/labels';
import { FULL, inChart, platform, tenantFrom } from './helpers';

describe('TenantNamespace', () => {
  const { manifests } = inChart((chart) => new TenantNamespace(chart, 'Ns', { tenant: tenantFrom(FULL.replace('namespace: acme', 'namespace: acme-ns')), platform }));

  test('snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });

  test('labels the namespace with the tenant name and enforces baseline Pod Security', () => {
    const ns = manifests.find((o) => o.kind === 'Namespace');
    expect(ns).toHaveProperty('metadata.name', 'acme-ns');
    expect(ns.metadata.labels).toHaveProperty([TENANT_LABEL], 'acme');
    expect(ns.metadata.labels).toHaveProperty(['pod-security.kubernetes.io/enforce'], 'baseline');
    expect(ns.metadata.labels).toHaveProperty(['pod-security.kubernetes.io/warn'], 'restricted');
  });

  test("denies ingress except from the namespace's own pods and the ingress controller", () => {
    const policy = manifests.find((o) => o.kind === 'NetworkPolicy');
    expect(policy).toHaveProperty('metadata', { name: 'default-deny-ingress', namespace: 'acme-ns' });
    expect(policy).toHaveProperty('spec.podSelector', {});
    expect(policy).toHaveProperty('spec.policyTypes', ['Ingress']);
    expect(policy.spec.ingress).toEqual([{ from: [{ podSelector: {} }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] }]);
  });
});
