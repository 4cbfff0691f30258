import { TenantNamespace, tenantUpstreams } from '../../lib/tenant/tenant-namespace';
import type { ComponentEndpoint } from '../../lib/components/component';
import { TENANT_LABEL } from '../../lib/core/labels';
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

  test('item 9: default-deny policies are pure denies; the ingress controller reaches only the router pods on their port', () => {
    const policies = manifests.filter((o) => o.kind === 'NetworkPolicy');
    for (const name of ['default-deny-ingress', 'default-deny-egress']) {
      const deny = policies.find((p) => p.metadata.name === name);
      expect(deny.spec).toEqual({ podSelector: {}, policyTypes: [name.endsWith('ingress') ? 'Ingress' : 'Egress'] });
    }
    const fromIngress = policies.filter((p) => JSON.stringify(p.spec.ingress ?? []).includes('ingress-nginx'));
    expect(fromIngress.map((p) => p.metadata.name)).toEqual(['allow-ingress-controller-to-router']);
    expect(fromIngress[0].spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'clearml-ttr' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
  });

  test('egress inside the platform: the apiserver and the shared Redis, each on its endpoint port only', () => {
    const egress = manifests.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('allow-egress-to-')).map((o) => [o.metadata.name, o.spec.egress]);
    expect(egress).toEqual([
      ['allow-egress-to-redis-shared', [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'redis-shared' } } }], ports: [{ protocol: 'TCP', port: 6379 }] }]],
      ['allow-egress-to-clearml', [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'clearml' } } }], ports: [{ protocol: 'TCP', port: 8008 }] }]],
      ['allow-egress-to-ingress-nginx', [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 443 }] }]],
    ]);
  });

  test('tenantUpstreams: the endpoints for tenants by namespace, their ports only', () => {
    const e = (namespace: string, port: number, clients: ComponentEndpoint['clients']): ComponentEndpoint => ({ name: `x${port}`, namespace, host: 'h', port, clients });
    expect(tenantUpstreams([e('a', 1, ['tenants']), e('b', 2, ['server']), e('a', 3, ['ingress', 'tenants']), e('c', 4, ['tenants']), e('a', 1, ['tenants'])])).toEqual([
      { namespace: 'a', ports: [1, 3] },
      { namespace: 'c', ports: [4] },
    ]);
  });

  test('item 2: the task pods\' ServiceAccount has no token mounted', () => {
    expect(manifests.find((o) => o.kind === 'ServiceAccount')).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'clearml-task', namespace: 'acme-ns' }, automountServiceAccountToken: false });
    expect(manifests.filter((o) => o.kind === 'RoleBinding' || o.kind === 'Role')).toEqual([]);
  });
});

describe('TenantNamespace with sessions over TCP ports', () => {
  const policies = (sessions: string) =>
    inChart((chart) => new TenantNamespace(chart, 'Ns', { tenant: tenantFrom(`name: acme\nadmin: { name: A, email: a@acme.com }\nsessions: ${sessions}\n`), platform })).manifests.filter(
      (o) => o.kind === 'NetworkPolicy',
    );

  test('item 8: session clients reach only the task pods on the session ports', () => {
    expect(policies('{ portMode: true, startingPort: 31010, maxServices: 5 }').find((p) => p.metadata.name === 'allow-session-ports')).toHaveProperty('spec', {
      podSelector: { matchLabels: { 'clearml-tenancy/task-pod': 'true' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 31011, endPort: 31015 }] }],
    });
  });

  test('admits nobody more when portMode is off', () => {
    expect(policies('{ startingPort: 31010 }').map((p) => p.metadata.name)).not.toContain('allow-session-ports');
  });

  test('item 4: 169.254.169.254 and the other never-egress ranges are excluded from every allowed ipBlock', () => {
    const blocks = policies('{ startingPort: 31010 }').flatMap((p) => (p.spec.egress ?? []).flatMap((r: any) => (r.to ?? []).map((t: any) => t.ipBlock).filter(Boolean)));
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) expect(b.except).toEqual(expect.arrayContaining(['169.254.0.0/16', '127.0.0.0/8', '0.0.0.0/8']));
  });
});
