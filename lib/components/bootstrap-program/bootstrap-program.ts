/**
 * The bootstrap program, once, as an immutable ConfigMap in the server namespace where every tenant's
 * bootstrap Job runs. Each Job mounts it beside its own plan, so the program is not repeated per tenant.
 * The name carries a hash of the program: a new program is a new ConfigMap (and, since the Jobs' hashes
 * include the program, new Jobs), while running Jobs keep the one they mounted.
 *
 * Beside it, {@link BOOTSTRAP_ACCOUNTS_GUARD}: the Jobs' accounts (`clearml-bootstrap-<tenant>` of the server
 * namespace) may create Secrets, which RBAC cannot restrict by name; the admission policy holds them to Opaque
 * Secrets named like the credentials and ledgers they write (lib/security/secret-write-guard.ts).
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { programText } from '../../programs/program-text';
import { BOOTSTRAP_POD_LABEL, PART_OF_LABEL, PART_OF_VALUE } from '../../core/labels';
import { contentHash } from '../../security/restricted-pod';
import { SecretWriteGuard } from '../../security/secret-write-guard';
import { BOOTSTRAP_ACCOUNT_PREFIX, BOOTSTRAP_LEDGER_PREFIX, BOOTSTRAP_SECRETS } from '../../programs/bootstrap/plan';

/** Name of the admission policy (and its binding) on the bootstrap Jobs' Secret writes. */
export const BOOTSTRAP_ACCOUNTS_GUARD = 'clearml-bootstrap-secrets';

/** The requests it judges: those of every `clearml-bootstrap-*` account of the server namespace `namespace`. */
export function bootstrapAccountsMatch(namespace: string): string {
  return `request.userInfo.username.startsWith('system:serviceaccount:${namespace}:${BOOTSTRAP_ACCOUNT_PREFIX}')`;
}

/** The file name of the program inside the ConfigMap. */
export const BOOTSTRAP_PROGRAM_FILE = 'bootstrap.js';

/** Name of the program's ConfigMap: `clearml-bootstrap-program-<hash of the program>`. */
export function bootstrapProgramConfigMapName(program: string = programText('bootstrap')): string {
  return `clearml-bootstrap-program-${contentHash([program])}`;
}

export interface BootstrapProgramProps {
  /** The namespace of the bootstrap Jobs (the server namespace). */
  readonly namespace: string;
}

export class BootstrapProgram extends Construct {
  public readonly configMapName: string;

  constructor(scope: Construct, id: string, props: BootstrapProgramProps) {
    super(scope, id);
    const program = programText('bootstrap');
    this.configMapName = bootstrapProgramConfigMapName(program);
    new k8s.KubeConfigMap(this, 'Resource', {
      metadata: { name: this.configMapName, namespace: props.namespace, labels: { [BOOTSTRAP_POD_LABEL.key]: BOOTSTRAP_POD_LABEL.value, [PART_OF_LABEL]: PART_OF_VALUE } },
      immutable: true,
      data: { [BOOTSTRAP_PROGRAM_FILE]: program },
    });
    new SecretWriteGuard(this, 'Guard', {
      name: BOOTSTRAP_ACCOUNTS_GUARD,
      match: bootstrapAccountsMatch(props.namespace),
      who: `a bootstrap account (${props.namespace}/${BOOTSTRAP_ACCOUNT_PREFIX}*)`,
      // The ledgers in the server namespace, the credentials in the tenants' namespaces.
      rules: [
        { namePrefixes: [BOOTSTRAP_LEDGER_PREFIX], inNamespace: props.namespace },
        { names: [BOOTSTRAP_SECRETS.admin.name, BOOTSTRAP_SECRETS.agent.name, BOOTSTRAP_SECRETS.router.name], outsideNamespace: props.namespace },
      ],
      labels: { [BOOTSTRAP_POD_LABEL.key]: BOOTSTRAP_POD_LABEL.value },
    });
  }
}
