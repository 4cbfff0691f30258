/** IsolatedNamespace takes only the network settings it uses (narrow props). */
import { IsolatedNamespace, NamespaceNetwork } from '../../lib/security/isolated-namespace';
import { synthOf } from '../helpers';

const NETWORK: NamespaceNetwork = {
  dnsNamespace: 'dns-ns',
  dnsPodLabels: { app: 'dns' },
  kubernetesApiCidrs: ['192.0.2.10/32'],
  kubernetesApiPorts: [6443],
  clusterCidrs: ['10.0.0.0/8'],
};

describe('IsolatedNamespace', () => {
  test('builds its policies from `network` alone', () => {
    const objects = synthOf((s) => new IsolatedNamespace(s, 'Ns', { name: 'team', network: NETWORK, egress: { kubernetesApi: true, internet: true } }));
    const policy = (name: string) => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name);
    expect(policy('allow-dns-egress').spec.egress[0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns-ns' } }, podSelector: { matchLabels: { app: 'dns' } } }]);
    expect(policy('allow-kubernetes-api-egress').spec.egress[0]).toEqual({ to: [{ ipBlock: { cidr: '192.0.2.10/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] });
    expect(policy('allow-internet-egress').spec.egress[0].to[0].ipBlock.except).toContain('10.0.0.0/8');
  });
});
