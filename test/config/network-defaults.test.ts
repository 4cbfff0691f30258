/** The cluster CIDR defaults are one definition (core/network-defaults.ts), used by the platform and the chart catalog alike. */
import { resolvePlatform } from '../../lib/platform/platform';
import { DEFAULT_CLUSTER_CIDRS, DEFAULT_KUBERNETES_API_CIDRS, DEFAULT_KUBERNETES_API_PORTS } from '../../lib/core/network-defaults';
import { ChartCatalog } from '../../lib/gitops/chart-catalog';
import { MINIMAL_PLATFORM } from '../helpers';

describe('network defaults', () => {
  test('the platform and the chart catalog default to the same ranges and ports', () => {
    const network = resolvePlatform(MINIMAL_PLATFORM).network;
    const catalog = new ChartCatalog({ flavor: 'k3s', sourceNamespace: 'kube-system', sources: {} });
    expect(network.clusterCidrs).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10']);
    expect(catalog.network).toEqual({ clusterCidrs: network.clusterCidrs, kubernetesApiCidrs: network.kubernetesApiCidrs, kubernetesApiPorts: network.kubernetesApiPorts });
    expect([network.clusterCidrs, network.kubernetesApiCidrs, network.kubernetesApiPorts]).toEqual([DEFAULT_CLUSTER_CIDRS, DEFAULT_KUBERNETES_API_CIDRS, DEFAULT_KUBERNETES_API_PORTS]);
  });
});
