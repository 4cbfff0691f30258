/**
 * A tenant's namespace ("Tenant Namespace Isolation with NetworkPolicies"): labelled with the tenant's
 * name (TENANT_LABEL, which the platform's policies and the isolation checks select on) and closed to
 * every other namespace by the runbook's `default-deny-ingress` policy, except the ingress controller,
 * which reaches only the app gateway's pods on their port (`allow-ingress-controller-to-router`). Egress is denied too, except to the
 * platform's endpoints for tenants on their ports (the apiserver, the shared Redis), the ingress controller
 * (the public URLs), the DNS, the Kubernetes API and (configurable) the internet.
 *
 * Pod Security is enforced at `baseline` (warn and audit at `restricted`): the agent starts task pods
 * from images such as `python:3.9` that run as root and install packages, which `restricted` rejects.
 */
import { INGRESS_PORTS } from '../core/network-defaults';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { ResolvedPlatform } from '../platform/platform';
import { ResolvedTenant } from './tenants';
import { IsolatedNamespace, PodSecurityLevel } from '../security/isolated-namespace';
import { TASK_POD_LABEL, TASK_SERVICE_ACCOUNT, TENANT_LABEL } from '../core/labels';
import { routerKindOf } from './router-kinds';
import type { ComponentEndpoint } from '../components/component';
import { componentEndpoints } from '../components/derived';
import { routerDeployed, sessionPortsDeployed } from './tenant-deployment';

/**
 * The namespaces and TCP ports a tenant namespace may connect to inside the platform: the endpoints of the
 * enabled components whose clients include `tenants`, by namespace in registry order (the server's
 * `allow-clearml-ingress` admits tenants on the same ports, lib/components/clearml-server/descriptor.ts).
 */
export function tenantUpstreams(endpoints: readonly ComponentEndpoint[]): { readonly namespace: string; readonly ports: number[] }[] {
  const byNamespace = new Map<string, number[]>();
  for (const e of endpoints) {
    if (!e.clients.includes('tenants')) continue;
    const ports = byNamespace.get(e.namespace) ?? [];
    if (!ports.includes(e.port)) ports.push(e.port);
    byNamespace.set(e.namespace, ports);
  }
  return [...byNamespace].map(([namespace, ports]) => ({ namespace, ports }));
}

export interface TenantNamespaceProps {
  readonly tenant: ResolvedTenant;
  readonly platform: ResolvedPlatform;
  /** Pod Security level enforced. @default 'baseline' */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * The ClearML server runs in this cluster (egress to its namespace). False in a worker cluster of several
   * (issue 19), where the server is in the control plane and reached through its public URLs. @default true
   */
  readonly serverInCluster?: boolean;
}

export class TenantNamespace extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: TenantNamespaceProps) {
    super(scope, id);
    const { tenant, platform } = props;
    this.name = tenant.namespace;
    new IsolatedNamespace(this, 'Resource', {
      name: tenant.namespace,
      network: platform.network,
      labels: { [TENANT_LABEL]: tenant.name },
      podSecurity: props.podSecurity ?? 'baseline',
      egress: {
        toNamespaces: [
          // The platform's endpoints for tenants, on their ports only: the apiserver (the task traffic router
          // uses its internal URL) and the shared Redis (the agent).
          ...tenantUpstreams(componentEndpoints(platform)).filter((u) => (props.serverInCluster ?? true) || u.namespace !== platform.server.namespace),
          // The agent and tasks use the public URLs (https://api.<baseDomain>, ...); from inside the cluster
          // those usually land on the ingress controller's pods.
          { namespace: platform.ingressNamespace, ports: [...INGRESS_PORTS] },
        ],
        // The agent creates the task pods through the Kubernetes API.
        kubernetesApi: true,
        // Datasets and packages; never other tenants or billing (those are inside the cluster ranges).
        internet: platform.network.tenantInternetEgress,
      },
    });
    // The ingress controller reaches the app gateway's pods on their port, nothing else of the tenant; only
    // while the gateway is deployed (its pod label is one any tenant pod may carry).
    if (routerDeployed(tenant, platform)) routerKindOf(platform).policies(this, tenant, platform);
    // Task pods (and so sessions) run as this account: no Role or RoleBinding names it, and its token is
    // not mounted, so tenant code has no Kubernetes API rights.
    new k8s.KubeServiceAccount(this, 'TaskServiceAccount', {
      metadata: { name: TASK_SERVICE_ACCOUNT, namespace: tenant.namespace },
      automountServiceAccountToken: false,
    });
    if (sessionPortsDeployed(tenant)) {
      // Only while the agent runs (an `active` tenant): its session Services are what this opens to.
      // Sessions over TCP ports: clients connect to NodePorts startingPort+1 ... startingPort+maxServices
      // (the chart's range) on the nodes; a NetworkPolicy sees that traffic at the session pod's port (the
      // agent's session Services use the NodePort as target port), from the client's or a node's address.
      // The rule admits addresses (ipBlock), not namespaces, and only to task pods (TASK_POD_LABEL, set
      // through the agent's pod templates) on the session ports.
      const first = tenant.sessions.startingPort + 1;
      const last = tenant.sessions.startingPort + tenant.sessions.maxServices;
      new k8s.KubeNetworkPolicy(this, 'AllowSessionPorts', {
        metadata: { name: 'allow-session-ports', namespace: tenant.namespace },
        spec: {
          podSelector: { matchLabels: { [TASK_POD_LABEL]: 'true' } },
          policyTypes: ['Ingress'],
          ingress: [{
            from: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(first), ...(last > first ? { endPort: last } : {}) }],
          }],
        },
      });
    }
  }
}
