/**
 * A namespace the product owns: labelled, with Pod Security admission labels, and isolated both ways.
 *
 * - `default-deny-ingress` and `default-deny-egress` (the runbook's policy, and its egress twin) are pure
 *   denies: `podSelector: {}`, the policy type, no rules.
 * - Every allow is its own named policy: `allow-same-namespace-ingress`, `allow-ingress-from-namespaces`
 *   (the selectors in `allowIngressFrom`), `allow-same-namespace-egress`, `allow-dns-egress`,
 *   `allow-egress-to-<namespace>`, `allow-kubernetes-api-egress` and `allow-internet-egress` (outside the
 *   cluster's address ranges).
 * - A namespace in which nothing runs (`noWorkloads`) gets neither the same-namespace nor the DNS allows,
 *   and a quota of zero pods, Services and claims.
 * - No allowed egress ever includes link-local, loopback or `0.0.0.0/8` (see `never-egress.ts`).
 *
 * Namespace peers are selected by `kubernetes.io/metadata.name` (or the tenant label), never by an
 * empty selector.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { PART_OF_LABEL, PART_OF_VALUE, namespaceByName } from '../core/labels';
import { safeIpBlock } from './never-egress';
import { DNS_PORT } from '../core/network-defaults';

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
  /**
   * Pods that get neither the internet nor the other namespaces of `toNamespaces` (only their own namespace,
   * the DNS and, with `kubernetesApi`, the API): a label key and the values that mark them (those policies
   * select every pod whose label is not one of them). @default - none: every pod
   */
  readonly egressExcept?: { readonly key: string; readonly values: readonly string[] };
}

/** The platform's network settings the namespace's policies use (a part of `ResolvedPlatform.network`). */
export interface NamespaceNetwork {
  /** Namespace and pod labels of the cluster DNS. */
  readonly dnsNamespace: string;
  readonly dnsPodLabels: Readonly<Record<string, string>>;
  /** Where the Kubernetes API answers, and on which ports. */
  readonly kubernetesApiCidrs: readonly string[];
  readonly kubernetesApiPorts: readonly number[];
  /** Address ranges inside the cluster: "internet" egress excludes them. */
  readonly clusterCidrs: readonly string[];
}

export interface IsolatedNamespaceProps extends IsolatedNamespaceOptions {
  /** The cluster network settings its policies use. */
  readonly network: NamespaceNetwork;
}

export interface IsolatedNamespaceOptions {
  /** Namespace name. */
  readonly name: string;
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
  /** The TCP ports the namespaces of `allowIngressFrom` may connect to. @default - every port */
  readonly allowIngressPorts?: readonly number[];
  /** Egress beyond the namespace itself and the DNS. @default - none */
  readonly egress?: NamespaceEgressProps;
  /**
   * A namespace in which nothing runs (it keeps Secrets): a ResourceQuota {@link NO_WORKLOADS_QUOTA} of zero
   * pods, Services and claims, and neither the same-namespace nor the DNS allows (only the two default
   * denies, and the allows asked for above). @default false
   */
  readonly noWorkloads?: boolean;
}

const tcp = (ports: readonly number[]) => ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));

/** The ResourceQuota that keeps every pod, Service and claim out of a namespace in which nothing runs (`noWorkloads`). */
export const NO_WORKLOADS_QUOTA = 'no-workloads';

/** The Namespace object and its two default-deny policies. */
export class IsolatedNamespace extends Construct {
  public readonly name: string;
  public readonly resource: k8s.KubeNamespace;

  constructor(scope: Construct, id: string, props: IsolatedNamespaceProps) {
    super(scope, id);
    const level = props.podSecurity ?? 'restricted';
    const network = props.network;
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
    // Each default-deny is a pure deny; every allow is its own named policy.
    new k8s.KubeNetworkPolicy(this, 'DefaultDenyIngress', {
      metadata: { name: 'default-deny-ingress', namespace: props.name },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    });
    new k8s.KubeNetworkPolicy(this, 'DefaultDenyEgress', {
      metadata: { name: 'default-deny-egress', namespace: props.name },
      spec: { podSelector: {}, policyTypes: ['Egress'] },
    });
    const allow = (id: string, name: string, spec: Omit<k8s.NetworkPolicySpec, 'podSelector'>, podSelector: k8s.LabelSelector = {}) =>
      new k8s.KubeNetworkPolicy(this, id, { metadata: { name, namespace: props.name }, spec: { podSelector, ...spec } });
    const ownTraffic = !(props.noWorkloads ?? false);
    if (ownTraffic) allow('AllowSameNamespaceIngress', 'allow-same-namespace-ingress', { policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] });
    if ((props.allowIngressFrom ?? []).length > 0) {
      allow('AllowIngressFromNamespaces', 'allow-ingress-from-namespaces', {
        policyTypes: ['Ingress'],
        ingress: [{ from: (props.allowIngressFrom ?? []).map((s) => ({ namespaceSelector: s })), ...(props.allowIngressPorts ? { ports: tcp(props.allowIngressPorts) } : {}) }],
      });
    }
    if (ownTraffic) {
      allow('AllowSameNamespaceEgress', 'allow-same-namespace-egress', { policyTypes: ['Egress'], egress: [{ to: [{ podSelector: {} }] }] });
      allow('AllowDnsEgress', 'allow-dns-egress', {
        policyTypes: ['Egress'],
        egress: [{
          to: [{ namespaceSelector: namespaceByName(network.dnsNamespace), podSelector: { matchLabels: { ...network.dnsPodLabels } } }],
          ports: [
            { protocol: 'UDP', port: k8s.IntOrString.fromNumber(DNS_PORT) },
            { protocol: 'TCP', port: k8s.IntOrString.fromNumber(DNS_PORT) },
          ],
        }],
      });
    }
    const except = egress.egressExcept;
    const notExcepted: k8s.LabelSelector = except ? { matchExpressions: [{ key: except.key, operator: 'NotIn', values: [...except.values] }] } : {};
    for (const t of egress.toNamespaces ?? []) {
      allow(`AllowEgressTo-${t.namespace}`, `allow-egress-to-${t.namespace}`.slice(0, 63).replace(/-+$/, ''), {
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: namespaceByName(t.namespace) }], ...(t.ports ? { ports: tcp(t.ports) } : {}) }],
      }, notExcepted);
    }
    if (egress.kubernetesApi) {
      allow('AllowKubernetesApiEgress', 'allow-kubernetes-api-egress', {
        policyTypes: ['Egress'],
        egress: [{ to: network.kubernetesApiCidrs.map((cidr) => ({ ipBlock: safeIpBlock(cidr) })), ports: tcp(network.kubernetesApiPorts) }],
      });
    }
    if (egress.internet) {
      allow('AllowInternetEgress', 'allow-internet-egress', {
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: safeIpBlock('0.0.0.0/0', network.clusterCidrs) }] }],
      }, notExcepted);
    }
    if (props.noWorkloads) {
      const none = k8s.Quantity.fromNumber(0);
      new k8s.KubeResourceQuota(this, 'NoWorkloads', {
        metadata: { name: NO_WORKLOADS_QUOTA, namespace: props.name, labels: { [PART_OF_LABEL]: PART_OF_VALUE, ...props.labels } },
        spec: { hard: { pods: none, services: none, persistentvolumeclaims: none } },
      });
    }
  }
}
