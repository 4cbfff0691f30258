/**
 * What a tenant's NetworkPolicies admit for its app gateway, beside the namespace's default denies
 * (lib/tenant/tenant-namespace.ts): the ingress controller to the gateway's pods on their HTTP port
 * (`allow-ingress-controller-to-app-gateway`), and, with a stream port range, the clients of TCP/UDP
 * sessions to the gateway's pods on those ports (`allow-stream-session-ports`). As for the session ports,
 * NodePort traffic is seen at the pod from the client's or a node's address, so the second rule admits
 * addresses (ipBlock) on the named ports only, to the gateway's pods only. The gateway reaches the
 * apiserver through its public URL (egress to the ingress controller on 443, which the tenant namespace
 * allows already) and the task pods inside its own namespace.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { namespaceByName } from '../../core/labels';
import { APP_GATEWAY_HTTP_PORT, APP_GATEWAY_POD_LABELS } from './app-gateway';

export interface AppGatewayPoliciesProps {
  readonly namespace: string;
  /** Namespace of the ingress controller. */
  readonly ingressNamespace: string;
  /** The stream session NodePorts (both included). @default - none */
  readonly streamPorts?: { readonly start: number; readonly end: number };
}

export class AppGatewayPolicies extends Construct {
  constructor(scope: Construct, id: string, props: AppGatewayPoliciesProps) {
    super(scope, id);
    new k8s.KubeNetworkPolicy(this, 'AllowIngressControllerToAppGateway', {
      metadata: { name: 'allow-ingress-controller-to-app-gateway', namespace: props.namespace },
      spec: {
        podSelector: { matchLabels: { ...APP_GATEWAY_POD_LABELS } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: namespaceByName(props.ingressNamespace) }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(APP_GATEWAY_HTTP_PORT) }] }],
      },
    });
    const s = props.streamPorts;
    if (s) {
      const port = (protocol: string) => ({ protocol, port: k8s.IntOrString.fromNumber(s.start), ...(s.end > s.start ? { endPort: s.end } : {}) });
      new k8s.KubeNetworkPolicy(this, 'AllowStreamSessionPorts', {
        metadata: { name: 'allow-stream-session-ports', namespace: props.namespace },
        spec: {
          podSelector: { matchLabels: { ...APP_GATEWAY_POD_LABELS } },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [port('TCP'), port('UDP')] }],
        },
      });
    }
  }
}
