/**
 * The cluster network settings (`network` of the platform props), shared by the platform's resolution and by
 * the components' namespaces, so neither needs the other for it.
 */

/** How the cluster's network looks, for the NetworkPolicies. */
export interface NetworkProps {
  /** Namespace of the cluster DNS. @default 'kube-system' */
  readonly dnsNamespace?: string;
  /** Labels of the cluster DNS pods. @default { 'k8s-app': 'kube-dns' } */
  readonly dnsPodLabels?: Readonly<Record<string, string>>;
  /**
   * Address ranges inside the cluster (pods, services, nodes): "internet" egress excludes them.
   * @default ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10']
   */
  readonly clusterCidrs?: readonly string[];
  /** Where the Kubernetes API answers, for pods that call it. @default ['0.0.0.0/0'] on ports 443 and 6443 */
  readonly kubernetesApiCidrs?: readonly string[];
  /** @default [443, 6443] */
  readonly kubernetesApiPorts?: readonly number[];
  /** Tenant pods may reach the internet (datasets, packages). Never other tenants or billing. @default true */
  readonly tenantInternetEgress?: boolean;
  /** The server may reach the internet (SSO provider, apps archive). @default true */
  readonly serverInternetEgress?: boolean;
  /**
   * The cluster's NodePort range (`kube-apiserver --service-node-port-range`); tenants' session port
   * ranges must lie inside it. Widen it for more tenants than 30000-32767 can hold.
   * @default { min: 30000, max: 32767 }
   */
  readonly nodePortRange?: { readonly min: number; readonly max: number };
}

/** The network settings with every default applied. */
export type ResolvedNetwork = { readonly [K in keyof NetworkProps]-?: Exclude<NetworkProps[K], undefined> };
