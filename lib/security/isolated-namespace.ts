/**
 * A namespace the product owns: labelled, with Pod Security admission labels, and isolated by a
 * default-deny ingress policy that admits the namespace's own pods ("Namespace Isolation using
 * Network Policies" and "Tenant Namespace Isolation" in the runbook) plus the namespaces listed.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { PART_OF_LABEL, PART_OF_VALUE, namespaceByName } from './labels';

/** Pod Security Standards level. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** Kubernetes version the Pod Security labels are pinned to. */
export const POD_SECURITY_VERSION = 'v1.30';

export interface IsolatedNamespaceProps {
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
}

/** The Namespace object and its default-deny ingress policy. */
export class IsolatedNamespace extends Construct {
  public readonly name: string;
  public readonly resource: k8s.KubeNamespace;

  constructor(scope: Construct, id: string, props: IsolatedNamespaceProps) {
    super(scope, id);
    const level = props.podSecurity ?? 'restricted';
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
  }
}

export { namespaceByName };
