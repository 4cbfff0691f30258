/**
 * MIG node setup ("Enable MIG support" in the runbook) as one Job per training node.
 *
 * Each Job is pinned to its node (`nodeName`), runs with the NVIDIA runtime, puts the listed GPUs in MIG
 * mode (`nvidia-smi -i <gpu> -mig 1`) and labels the node `cdmo.clear.ml/gpu-partitioning=mig` once MIG
 * is active; when a reboot is needed it annotates the node instead and fails on purpose (see
 * `mig/mig-setup.ts` for the exit codes and why).
 *
 * Least privilege: the Jobs' namespace is the only one with Pod Security level `privileged`, only the
 * Job's container is privileged, its ServiceAccount may `get` and `patch` exactly the listed nodes and
 * nothing else, and a NetworkPolicy lets its pods reach only the Kubernetes API and DNS.
 *
 * Job names carry a hash of the program and the Job's spec: a change makes a new Job (Flux prunes the
 * old one); an unchanged Job is not run again. To run one again (after a reboot), delete it.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import type { ResolvedMigNode, ResolvedMigSetup } from './settings';
import { toDnsLabel } from '../../core/names';
import { NAMESPACE_NAME_LABEL, PART_OF_LABEL, PART_OF_VALUE } from '../../core/labels';
import { POD_SECURITY_VERSION } from '../../security/isolated-namespace';
import { contentHash, hashedName, resources } from '../../security/restricted-pod';
import { EXIT } from '../../programs/common/exit-codes';
import { PROGRAMS, programText } from '../../programs/program-text';

const MIG_SETUP_SCRIPT_FILE = PROGRAMS['mig-setup'].file;
import { safeIpBlock } from '../../security/never-egress';

/**
 * The resolved `migSetup` settings of the platform (`resolvePlatform(...).migSetup`), and where the
 * Kubernetes API answers (`network.kubernetesApiCidrs`/`kubernetesApiPorts`).
 */
export type MigNodeSetupProps = ResolvedMigSetup & {
  readonly kubernetesApiCidrs: readonly string[];
  readonly kubernetesApiPorts: readonly number[];
};

/** Name of the container in every MIG setup Job. */
export const MIG_SETUP_CONTAINER = 'mig-setup';
const APP_NAME = 'clearml-mig-setup';
const SERVICE_ACCOUNT = 'mig-setup';
const SCRIPT_DIR = '/opt/mig-setup';

/** One Job and the node it is for. */
export interface MigSetupJob {
  readonly node: string;
  readonly name: string;
}

export class MigNodeSetup extends Construct {
  /** The Jobs, one per node in the order of the props (for health checks). */
  public readonly jobs: readonly MigSetupJob[];
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: MigNodeSetupProps) {
    super(scope, id);
    if (props.nodes.length === 0) throw new Error('MigNodeSetup needs at least one node in migSetup.nodes');
    const ns = props.namespace;
    this.namespace = ns;
    const nodeNames = props.nodes.map((n) => n.name);
    const script = programText('mig-setup');
    const configMapName = hashedName('mig-setup-script', contentHash([script]));

    new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: ns,
        labels: {
          [PART_OF_LABEL]: PART_OF_VALUE,
          // The one privileged namespace of the product: setting MIG mode needs a privileged container.
          'pod-security.kubernetes.io/enforce': 'privileged',
          'pod-security.kubernetes.io/enforce-version': POD_SECURITY_VERSION,
          'pod-security.kubernetes.io/warn': 'privileged',
          'pod-security.kubernetes.io/warn-version': POD_SECURITY_VERSION,
          'pod-security.kubernetes.io/audit': 'privileged',
          'pod-security.kubernetes.io/audit-version': POD_SECURITY_VERSION,
        },
      },
    });

    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: 'mig-setup', namespace: ns },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [
          // The Kubernetes API: its address is outside any namespace, so by address range and port.
          {
            to: props.kubernetesApiCidrs.map((cidr) => ({ ipBlock: safeIpBlock(cidr) })),
            ports: props.kubernetesApiPorts.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) })),
          },
          {
            to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) }],
          },
        ],
      },
    });

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: SERVICE_ACCOUNT, namespace: ns, labels: { 'app.kubernetes.io/name': APP_NAME } },
      // Only the Job's pods mount the token (automountServiceAccountToken in the pod spec).
      automountServiceAccountToken: false,
    });
    const roleName = `${ns}-nodes`;
    new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: roleName, labels: { 'app.kubernetes.io/name': APP_NAME, [PART_OF_LABEL]: PART_OF_VALUE } },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch'], resourceNames: [...nodeNames].sort() }],
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: roleName, labels: { 'app.kubernetes.io/name': APP_NAME, [PART_OF_LABEL]: PART_OF_VALUE } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name: SERVICE_ACCOUNT, namespace: ns }],
    });

    new k8s.KubeConfigMap(this, 'Script', {
      metadata: { name: configMapName, namespace: ns, labels: { 'app.kubernetes.io/name': APP_NAME } },
      immutable: true,
      data: { [MIG_SETUP_SCRIPT_FILE]: script },
    });

    this.jobs = props.nodes.map((node, i) => {
      const spec = jobSpec(props, node, configMapName);
      const name = hashedName(`mig-setup-${toDnsLabel(node.name)}`, contentHash([script, node.name, JSON.stringify(spec)]));
      new k8s.KubeJob(this, `Job${i}`, {
        metadata: {
          name,
          namespace: ns,
          labels: { 'app.kubernetes.io/name': APP_NAME, [PART_OF_LABEL]: PART_OF_VALUE },
          annotations: {
            'clearml-tenancy/node': node.name,
            // A privileged container has every capability and may escalate; seccomp does not confine it.
            'clearml-tenancy/lint-waive': 'capabilities-not-dropped,privilege-escalation-allowed,seccomp-profile-missing',
            'clearml-tenancy/lint-waive-reason': 'nvidia-smi -mig needs a privileged container; the only one the product writes itself, in a namespace of its own',
          },
        },
        spec,
      });
      return { node: node.name, name };
    });
  }
}

function jobSpec(props: MigNodeSetupProps, node: ResolvedMigNode, configMapName: string): k8s.JobSpec {
  const env: k8s.EnvVar[] = [
    { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: 'JOB_NAME', valueFrom: { fieldRef: { fieldPath: "metadata.labels['job-name']" } } },
    { name: 'MIG_GPUS', value: node.gpus === 'all' ? 'all' : node.gpus.join(',') },
    ...(node.gpuModel ? [{ name: 'GPU_MODEL', value: node.gpuModel }] : []),
    // The NVIDIA runtime mounts nvidia-smi and NVML into the container for these two; a privileged
    // container may ask for every GPU by variable.
    { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' },
    { name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'utility' },
    { name: 'TERMINATION_MESSAGE_PATH', value: '/dev/termination-log' },
  ];
  return {
    backoffLimit: props.backoffLimit,
    activeDeadlineSeconds: props.activeDeadlineSeconds,
    // No ttlSecondsAfterFinished: Flux would create a deleted Job again and run it once more.
    podFailurePolicy: {
      rules: [
        // A permanent failure (bad settings, a GPU without MIG, a refusal) or a pending reboot is not fixed by
        // retrying (lib/programs/common/exit-codes.ts): fail the Job at once with a clear reason.
        { action: 'FailJob', onExitCodes: { containerName: MIG_SETUP_CONTAINER, operator: 'In', values: [EXIT.permanent, EXIT.waiting] }, onPodConditions: [] },
        // A pod evicted by a node drain or shutdown (e.g. for that reboot) does not use up a retry.
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      ],
    },
    template: {
      metadata: { labels: { 'app.kubernetes.io/name': APP_NAME } },
      spec: {
        restartPolicy: 'Never',
        nodeName: node.name,
        runtimeClassName: props.runtimeClassName,
        tolerations: props.tolerations.map((t) => ({ ...t })),
        serviceAccountName: SERVICE_ACCOUNT,
        automountServiceAccountToken: true,
        enableServiceLinks: false,
        containers: [
          {
            name: MIG_SETUP_CONTAINER,
            image: props.image,
            imagePullPolicy: 'IfNotPresent',
            command: ['node', `${SCRIPT_DIR}/${MIG_SETUP_SCRIPT_FILE}`],
            env,
            // Setting MIG mode needs root and the GPU devices: privileged, in this container only.
            securityContext: { privileged: true, runAsUser: 0, runAsNonRoot: false, readOnlyRootFilesystem: true },
            terminationMessagePolicy: 'FallbackToLogsOnError',
            resources: resources({ cpu: '50m', memory: '64Mi' }, { cpu: '500m', memory: '256Mi' }),
            volumeMounts: [{ name: 'script', mountPath: SCRIPT_DIR, readOnly: true }],
          },
        ],
        volumes: [{ name: 'script', configMap: { name: configMapName } }],
      },
    },
  };
}
