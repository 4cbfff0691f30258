/**
 * The platform's network defaults, written once: `resolvePlatform` (config/platform.ts) applies them to
 * `network`, and the chart catalog (gitops/chart-catalog.ts) falls back on them for the k3s install Jobs'
 * egress. Here, in the core, so that both can import them without importing each other.
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
