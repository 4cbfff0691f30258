/**
 * The platform's network defaults, written once: `resolvePlatform` (lib/platform/platform.ts) applies them to
 * `network`, the chart catalog (lib/gitops/chart-catalog.ts) and the flavors fall back on them for the k3s
 * install Jobs' egress, and the tenant schema's texts name the NodePort range. Here, in the core, so that all
 * of them can import them without importing each other.
 */

/**
 * The address ranges of pods and services: RFC 1918 and the shared address space of RFC 6598 (used by
 * some CNIs and cloud providers). Egress "to the internet" excepts them.
 */
export const DEFAULT_CLUSTER_CIDRS: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];

/** Where the Kubernetes API may be: anywhere, unless the platform names its addresses. */
export const DEFAULT_KUBERNETES_API_CIDRS: readonly string[] = ['0.0.0.0/0'];

/** The Kubernetes API's ports: 443 (managed clusters) and 6443 (kubeadm, k3s). */
export const DEFAULT_KUBERNETES_API_PORTS: readonly number[] = [443, 6443];

/** The NodePorts the cluster hands out (Kubernetes' default `--service-node-port-range`). */
export const DEFAULT_NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

/** Every default of the platform's `network` settings (lib/config/network.ts documents each). */
export const DEFAULT_NETWORK = {
  dnsNamespace: 'kube-system',
  dnsPodLabels: { 'k8s-app': 'kube-dns' } as Readonly<Record<string, string>>,
  clusterCidrs: DEFAULT_CLUSTER_CIDRS,
  kubernetesApiCidrs: DEFAULT_KUBERNETES_API_CIDRS,
  kubernetesApiPorts: DEFAULT_KUBERNETES_API_PORTS,
  tenantInternetEgress: true,
  serverInternetEgress: true,
  nodePortRange: DEFAULT_NODE_PORT_RANGE,
} as const;

/** The ports of the ingress controller the tenants' agents and tasks reach (the public URLs). */
export const INGRESS_PORTS: readonly number[] = [80, 443];

/** The DNS port (TCP and UDP). */
export const DNS_PORT = 53;
