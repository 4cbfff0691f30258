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

export interface SecretWriteGuardProps {
  /** Name of the policy and of its binding. */
  readonly name: string;
  /** The CEL condition on the request that picks the accounts judged (`request.userInfo.username...`). */
  readonly match: string;
  /** Who they are, for the messages (e.g. `an account of clearml-bootstrap-access`). */
  readonly who: string;
  /** The Secret names they may write. */
  readonly names: readonly string[];
  /** Name prefixes they may write as well. @default [] */
  readonly namePrefixes?: readonly string[];
  /** Extra labels of both objects. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

export class SecretWriteGuard extends Construct {
  constructor(scope: Construct, id: string, props: SecretWriteGuardProps) {
    super(scope, id);
    const labels = { ...props.labels, [PART_OF_LABEL]: PART_OF_VALUE };
    const prefixes = props.namePrefixes ?? [];
    const allowed = [`object.metadata.name in [${quoted(props.names)}]`, ...prefixes.map((p) => `object.metadata.name.startsWith('${p}')`)].join(' || ');
    const spec: k8s.ValidatingAdmissionPolicySpecV1Alpha1 = {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['secrets'] }],
      },
      matchConditions: [{ name: 'accounts', expression: props.match }],
      validations: [
        {
          expression: allowed,
          message: `${props.who} may write only the Secrets ${[...props.names, ...prefixes.map((p) => `${p}*`)].join(', ')}`,
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
