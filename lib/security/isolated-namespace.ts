/**
 * A namespace the product owns: labelled, with Pod Security admission labels, and isolated both ways.
 *
 * - `default-deny-ingress` (the runbook's policy): only the namespace's own pods, plus the namespaces
 *   listed in `allowIngressFrom`, may connect in.
 * - `default-deny-egress`: the pods may connect to their own namespace and the cluster DNS, plus what
 *   `egress` allows (named namespaces on given ports, the Kubernetes API, the internet outside the
 *   cluster's address ranges).
 *
 * Namespace peers are selected by `kubernetes.io/metadata.name` (or the tenant label), never by an
 * empty selector.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { ResolvedPlatform } from '../config/platform';
import { PART_OF_LABEL, PART_OF_VALUE, namespaceByName } from './labels';

/** Pod Security Standards level. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** Kubernetes version the Pod Security labels are pinned to. */
export const POD_SECURITY_VERSION = 'v1.30';

/** A namespace the pods may connect to. */
export interface EgressToNamespace {
  /** The namespace's name. */
  readonly namespace: string;
  /** TCP ports. @default - every port */
  readonly ports?: readonly number[];
}

/** What the pods of the namespace may connect to, besides their own namespace and the DNS. */
export interface NamespaceEgressProps {
  /** Other namespaces. @default [] */
  readonly toNamespaces?: readonly EgressToNamespace[];
  /** The Kubernetes API (`network.kubernetesApiCidrs` on `network.kubernetesApiPorts`). @default false */
  readonly kubernetesApi?: boolean;
  /** Addresses outside `network.clusterCidrs`. @default false */
  readonly internet?: boolean;
}

export interface IsolatedNamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /** The platform (its `network` settings). */
  readonly platform: ResolvedPlatform;
  /** Extra labels. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Pod Security level enforced. `warn` and `audit` are always `restricted`, so anything weaker shows.
   * @default 'restricted'
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Namespace selectors whose pods may connect in, besides the namespace's own pods.
   * @default [] - only the namespace's own pods
   */
  readonly allowIngressFrom?: ReadonlyArray<Record<string, unknown>>;
  /** Egress beyond the namespace itself and the DNS. @default - none */
  readonly egress?: NamespaceEgressProps;
}

const tcp = (ports: readonly number[]) => ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));

/** The Namespace object and its two default-deny policies. */
export class IsolatedNamespace extends Construct {
  public readonly name: string;
  public readonly resource: k8s.KubeNamespace;

  constructor(scope: Construct, id: string, props: IsolatedNamespaceProps) {
    super(scope, id);
    const level = props.podSecurity ?? 'restricted';
    const network = props.platform.network;
    const egress = props.egress ?? {};
    this.name = props.name;
    this.resource = new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: {
          [PART_OF_LABEL]: PART_OF_VALUE,
          ...props.labels,
          'pod-security.kubernetes.io/enforce': level,
          'pod-security.kubernetes.io/enforce-version': POD_SECURITY_VERSION,
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': POD_SECURITY_VERSION,
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': POD_SECURITY_VERSION,
        },
      },
    });
    new k8s.KubeNetworkPolicy(this, 'DefaultDenyIngress', {
      metadata: { name: 'default-deny-ingress', namespace: props.name },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: {} }, ...(props.allowIngressFrom ?? []).map((s) => ({ namespaceSelector: s }))] }],
      },
    });
    const rules: k8s.NetworkPolicyEgressRule[] = [
      { to: [{ podSelector: {} }] },
      {
        to: [{ namespaceSelector: namespaceByName(network.dnsNamespace), podSelector: { matchLabels: { ...network.dnsPodLabels } } }],
        ports: [
          { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
          { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
        ],
      },
      ...(egress.toNamespaces ?? []).map((t) => ({ to: [{ namespaceSelector: namespaceByName(t.namespace) }], ...(t.ports ? { ports: tcp(t.ports) } : {}) })),
    ];
    // Link-local (169.254.0.0/16: the cloud metadata service's 169.254.169.254) is never an allowed egress
    // (issue 12 item 4). An `except` must lie inside its `cidr`, so only the IPv4 blocks get it; these rules
    // have no IPv6 block, so fd00:ec2::254 is not reachable through them.
    const LINK_LOCAL_V4 = '169.254.0.0/16';
    if (egress.kubernetesApi) rules.push({ to: network.kubernetesApiCidrs.map((cidr) => ({ ipBlock: cidr === '0.0.0.0/0' ? { cidr, except: [LINK_LOCAL_V4] } : { cidr } })), ports: tcp(network.kubernetesApiPorts) });
    if (egress.internet) rules.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...network.clusterCidrs, LINK_LOCAL_V4] } }] });
    new k8s.KubeNetworkPolicy(this, 'DefaultDenyEgress', {
      metadata: { name: 'default-deny-egress', namespace: props.name },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: rules },
    });
  }
}
