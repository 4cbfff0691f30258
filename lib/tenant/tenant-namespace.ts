/**
 * A tenant's namespace ("Tenant Namespace Isolation with NetworkPolicies"): labelled with the tenant's
 * name (TENANT_LABEL, which the platform's policies and the isolation checks select on) and closed to
 * every other namespace by the runbook's `default-deny-ingress` policy, except the ingress controller,
 * which must reach the app gateway behind the tenant's router host. Egress is denied too, except to the
 * ClearML server, the shared Redis, the ingress controller (the public URLs), the DNS, the Kubernetes API
 * and (configurable) the internet.
 *
 * Pod Security is enforced at `baseline` (warn and audit at `restricted`): the agent starts task pods
 * from images such as `python:3.9` that run as root and install packages, which `restricted` rejects.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { ResolvedPlatform } from '../config/platform';
import { ResolvedTenant } from '../config/tenants';
import { IsolatedNamespace, PodSecurityLevel } from '../security/isolated-namespace';
import { TENANT_LABEL, namespaceByName } from '../security/labels';

export interface TenantNamespaceProps {
  readonly tenant: ResolvedTenant;
  readonly platform: ResolvedPlatform;
  /** Pod Security level enforced. @default 'baseline' */
  readonly podSecurity?: PodSecurityLevel;
}

export class TenantNamespace extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: TenantNamespaceProps) {
    super(scope, id);
    const { tenant, platform } = props;
    this.name = tenant.namespace;
    new IsolatedNamespace(this, 'Resource', {
      name: tenant.namespace,
      platform,
      labels: { [TENANT_LABEL]: tenant.name },
      podSecurity: props.podSecurity ?? 'baseline',
      allowIngressFrom: [namespaceByName(platform.ingressNamespace)],
      egress: {
        toNamespaces: [
          // The apiserver, fileserver and webserver (the router proxies to them too).
          { namespace: platform.server.namespace },
          { namespace: platform.redis.namespace, ports: [platform.redis.port] },
          // The agent and tasks use the public URLs (https://api.<baseDomain>, ...); from inside the cluster
          // those usually land on the ingress controller's pods.
          { namespace: platform.ingressNamespace, ports: [80, 443] },
        ],
        // The agent creates the task pods through the Kubernetes API.
        kubernetesApi: true,
        // Datasets and packages; never other tenants or billing (those are inside the cluster ranges).
        internet: platform.network.tenantInternetEgress,
      },
    });
    if (tenant.sessions.portMode) {
      // Sessions over TCP ports: clients connect to NodePorts [startingPort, startingPort + maxServices) on
      // the nodes; a NetworkPolicy sees that traffic at the session pod's own port, from the client's or a
      // node's address. Those pods and ports are the agent's choice, so the rule admits addresses (ipBlock),
      // not namespaces: no other tenant's pods are admitted by it (see the README on ipBlock and CNIs).
      new k8s.KubeNetworkPolicy(this, 'AllowSessionPorts', {
        metadata: { name: 'allow-session-ports', namespace: tenant.namespace },
        spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] },
      });
    }
  }
}
