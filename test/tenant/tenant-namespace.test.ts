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

describe('TenantNamespace with sessions over TCP ports', () => {
  const policies = (sessions: string) =>
    inChart((chart) => new TenantNamespace(chart, 'Ns', { tenant: tenantFrom(`name: acme\nadmin: { name: A, email: a@acme.com }\nsessions: ${sessions}\n`), platform })).manifests.filter(
      (o) => o.kind === 'NetworkPolicy',
    );

  test('admits session clients by address (ipBlock) when portMode is on', () => {
    expect(policies('{ portMode: true, startingPort: 31010 }').find((p) => p.metadata.name === 'allow-session-ports')).toHaveProperty('spec', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }],
    });
  });

  test('admits nobody more when portMode is off', () => {
    expect(policies('{ startingPort: 31010 }').map((p) => p.metadata.name)).toEqual(['default-deny-ingress', 'default-deny-egress']);
  });
});
