/**
 * The bootstrap program, once, as an immutable ConfigMap in the server namespace where every tenant's
 * bootstrap Job runs. Each Job mounts it beside its own plan, so the program is not repeated per tenant.
 * The name carries a hash of the program: a new program is a new ConfigMap (and, since the Jobs' hashes
 * include the program, new Jobs), while running Jobs keep the one they mounted.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { programText } from '../../programs/program-text';
import { BOOTSTRAP_POD_LABEL, PART_OF_LABEL, PART_OF_VALUE } from '../../core/labels';
import { contentHash } from '../../security/restricted-pod';

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
  }
}
