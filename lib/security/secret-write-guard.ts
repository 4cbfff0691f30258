/**
 * A ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, Kubernetes 1.30 and later, the version the
 * namespaces' Pod Security labels pin) and its Deny binding that hold some ServiceAccounts to the Secrets they
 * need: they may create and update only Opaque Secrets of the given names (or name prefixes). RBAC cannot
 * restrict `create` by name, and a Secret of type `kubernetes.io/service-account-token` makes Kubernetes issue
 * a token for whatever account it names: without this, an account that may create Secrets could mint a token
 * for any account of the namespaces it writes to. Everyone else's requests are not judged; `failurePolicy:
 * Fail` refuses the write when the policy cannot be evaluated.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { PART_OF_LABEL, PART_OF_VALUE } from '../core/labels';

/** Secrets the accounts may write: these names and name prefixes, in one namespace, outside it, or anywhere. */
export interface SecretWriteRule {
  readonly names?: readonly string[];
  readonly namePrefixes?: readonly string[];
  /** Only in this namespace. @default - any namespace */
  readonly inNamespace?: string;
  /** Only outside this namespace. @default - any namespace */
  readonly outsideNamespace?: string;
}

export interface SecretWriteGuardProps {
  /** Name of the policy and of its binding. */
  readonly name: string;
  /** The CEL condition on the request that picks the accounts judged (`request.userInfo.username...`). */
  readonly match: string;
  /** Who they are, for the messages (e.g. `an account of clearml-bootstrap-access`). */
  readonly who: string;
  /** What they may write (any rule). */
  readonly rules: readonly SecretWriteRule[];
  /** Extra labels of both objects. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** A rule as CEL, and as text for the message. */
function ruleOf(rule: SecretWriteRule): { readonly cel: string; readonly text: string } {
  const names = rule.names ?? [];
  const prefixes = rule.namePrefixes ?? [];
  const byName = [...(names.length > 0 ? [`object.metadata.name in [${quoted(names)}]`] : []), ...prefixes.map((p) => `object.metadata.name.startsWith('${p}')`)];
  const nameCel = byName.length === 1 ? byName[0] : `(${byName.join(' || ')})`;
  const where = [...(rule.inNamespace ? [`request.namespace == '${rule.inNamespace}'`] : []), ...(rule.outsideNamespace ? [`request.namespace != '${rule.outsideNamespace}'`] : [])];
  const text = [...names, ...prefixes.map((p) => `${p}*`)].join(', ') + (rule.inNamespace ? ` in ${rule.inNamespace}` : '') + (rule.outsideNamespace ? ` outside ${rule.outsideNamespace}` : '');
  return { cel: where.length > 0 ? `(${[...where, nameCel].join(' && ')})` : nameCel, text };
}

export class SecretWriteGuard extends Construct {
  constructor(scope: Construct, id: string, props: SecretWriteGuardProps) {
    super(scope, id);
    const labels = { ...props.labels, [PART_OF_LABEL]: PART_OF_VALUE };
    const rules = props.rules.map(ruleOf);
    const allowed = rules.length === 1 ? rules[0].cel.replace(/^\((.*)\)$/, '$1') : rules.map((r) => r.cel).join(' || ');
    const spec: k8s.ValidatingAdmissionPolicySpecV1Alpha1 = {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['secrets'] }],
      },
      matchConditions: [{ name: 'accounts', expression: props.match }],
      validations: [
        {
          expression: allowed,
          message: `${props.who} may write only the Secrets ${rules.map((r) => r.text).join('; ')}`,
          reason: 'Forbidden',
        },
        {
          expression: "!has(object.type) || object.type == 'Opaque'",
          message: `${props.who} may write only Secrets of type Opaque (a service-account-token Secret would issue a token for another account)`,
          reason: 'Forbidden',
        },
      ],
    };
    new ApiObject(this, 'Policy', { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: props.name, labels }, spec });
    const binding: k8s.ValidatingAdmissionPolicyBindingSpecV1Alpha1 = { policyName: props.name, validationActions: ['Deny'] };
    new ApiObject(this, 'Binding', { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: props.name, labels }, spec: binding });
  }
}
