import { Chart, Testing } from 'cdk8s';
import { ConfigError } from '../../lib/core/problems';
import { ResolvedPlatform, resolvePlatform } from '../../lib/platform/platform';
import { DEFAULT_MIG_SETUP_IMAGE } from '../../lib/components/mig-node-setup/settings';
import { MigSetupProps, PlatformProps } from '../../lib/platform/platform-props';
import { MigNodeSetup } from '../../lib/components/mig-node-setup/mig-node-setup';

const MINIMAL: PlatformProps = { baseDomain: 'example.com', server: { supervisor: { email: 'root@example.com' } }, billing: { enabled: false } };

function platform(migSetup?: MigSetupProps): ResolvedPlatform {
  return resolvePlatform({ ...MINIMAL, ...(migSetup !== undefined ? { migSetup } : {}) });
}

function synth(migSetup: MigSetupProps): any[] {
  const chart = new Chart(Testing.app(), 'test');
  const p = platform(migSetup);
  new MigNodeSetup(chart, 'mig', { ...p.migSetup, kubernetesApiCidrs: p.network.kubernetesApiCidrs, kubernetesApiPorts: p.network.kubernetesApiPorts });
  return Testing.synth(chart);
}

function only(objects: any[], kind: string): any {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
}

/** The problems `resolvePlatform` reports, one line each. */
function problemsOf(migSetup: unknown): string[] {
  try {
    platform(migSetup as MigSetupProps);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: ${JSON.stringify(p.value)}: ${p.message}`);
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const TWO_NODES: MigSetupProps = {
  nodes: [
    { name: 'gpu-node-1', gpus: [0, 1], gpuModel: 'A100-80GB' },
    { name: 'gpu-node-2.example.internal' },
  ],
};

describe('MigNodeSetup', () => {
  test('snapshot', () => {
    const objects = synth(TWO_NODES).map((o) =>
      o.kind === 'ConfigMap' ? { ...o, data: { 'mig-setup.js': `<${o.data['mig-setup.js'].length} characters, tested in mig/mig-setup.test.ts>` } } : o,
    );
    expect(objects).toMatchSnapshot();
  });

  test('one Job per node, pinned to it, with the NVIDIA runtime, GPU tolerations and bounded retries', () => {
    // GIVEN two nodes, the first with two GPUs, the second with the default (all)
    // WHEN synthesized
    const jobs = synth(TWO_NODES).filter((o) => o.kind === 'Job');
    // THEN
    expect(jobs).toHaveLength(2);
    const [first, second] = jobs;
    expect(first.metadata.name).toMatch(/^mig-setup-gpu-node-1-[0-9a-f]{10}$/);
    expect(second.metadata.name).toMatch(/^mig-setup-gpu-node-2-example-internal-[0-9a-f]{10}$/);
    expect(first.metadata.namespace).toBe('clearml-mig-setup');
    expect(first).toHaveProperty('spec.template.spec.nodeName', 'gpu-node-1');
    expect(second).toHaveProperty('spec.template.spec.nodeName', 'gpu-node-2.example.internal');
    expect(first).toHaveProperty('spec.template.spec.runtimeClassName', 'nvidia');
    expect(first).toHaveProperty('spec.template.spec.tolerations', [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(first).toHaveProperty('spec.template.spec.serviceAccountName', 'mig-setup');
    expect(first).toHaveProperty('spec.template.spec.restartPolicy', 'Never');
    expect(first).toHaveProperty('spec.backoffLimit', 4);
    expect(first).toHaveProperty('spec.activeDeadlineSeconds', 1800);
    expect(first.spec).not.toHaveProperty('ttlSecondsAfterFinished');
    expect(first.spec.podFailurePolicy.rules[0]).toEqual({ action: 'FailJob', onExitCodes: { containerName: 'mig-setup', operator: 'In', values: [2, 3] }, onPodConditions: [] });
    const env = (job: any) => Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env(first)).toMatchObject({ MIG_GPUS: '0,1', GPU_MODEL: 'A100-80GB', NVIDIA_VISIBLE_DEVICES: 'all', NVIDIA_DRIVER_CAPABILITIES: 'utility', NODE_NAME: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    expect(env(second)).toMatchObject({ MIG_GPUS: 'all' });
    expect(env(second)).not.toHaveProperty('GPU_MODEL');
  });

  test('only the Job container is privileged; pinned image, requests and limits, script from the ConfigMap', () => {
    const objects = synth(TWO_NODES);
    const job = objects.find((o) => o.kind === 'Job');
    const container = job.spec.template.spec.containers[0];
    expect(container.securityContext).toEqual({ privileged: true, runAsUser: 0, runAsNonRoot: false, readOnlyRootFilesystem: true });
    expect(job.spec.template.spec.containers).toHaveLength(1);
    expect(job.spec.template.spec).not.toHaveProperty('initContainers');
    expect(job.spec.template.spec).not.toHaveProperty('hostPID');
    expect(job.spec.template.spec).not.toHaveProperty('hostNetwork');
    expect(container.image).toBe(DEFAULT_MIG_SETUP_IMAGE);
    expect(container.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    const configMap = only(objects, 'ConfigMap');
    expect(configMap.immutable).toBe(true);
    expect(configMap.metadata.name).toMatch(/^mig-setup-script-[0-9a-f]{10}$/);
    expect(job.spec.template.spec.volumes).toEqual([{ name: 'script', configMap: { name: configMap.metadata.name } }]);
    expect(container.command).toEqual(['node', '/opt/mig-setup/mig-setup.js']);
    expect(configMap.data['mig-setup.js']).toMatch(/require\.main === module/);
  });

  test('the namespace is privileged with pinned versions; a NetworkPolicy allows only the API and DNS', () => {
    const objects = synth(TWO_NODES);
    const ns = only(objects, 'Namespace');
    expect(ns.metadata.name).toBe('clearml-mig-setup');
    expect(ns.metadata.labels).toMatchObject({
      'app.kubernetes.io/part-of': 'clearml-tenancy',
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/warn': 'privileged',
      'pod-security.kubernetes.io/audit': 'privileged',
    });
    for (const mode of ['enforce', 'warn', 'audit']) expect(ns.metadata.labels[`pod-security.kubernetes.io/${mode}-version`]).toMatch(/^v1\.\d+$/);
    const policy = only(objects, 'NetworkPolicy');
    expect(policy.spec.podSelector).toEqual({});
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.egress.flatMap((r: any) => r.ports.map((p: any) => `${p.protocol}/${p.port}`))).toEqual(['TCP/443', 'TCP/6443', 'UDP/53', 'TCP/53']);
    expect(policy.spec.egress[1].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]);
  });

  test('RBAC: get and patch on exactly the listed nodes, bound to the setup ServiceAccount only', () => {
    const objects = synth(TWO_NODES);
    const role = only(objects, 'ClusterRole');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch'], resourceNames: ['gpu-node-1', 'gpu-node-2.example.internal'] }]);
    const binding = only(objects, 'ClusterRoleBinding');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'mig-setup', namespace: 'clearml-mig-setup' }]);
    const sa = only(objects, 'ServiceAccount');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(objects.filter((o) => o.kind === 'Job').every((j) => j.spec.template.spec.automountServiceAccountToken === true)).toBe(true);
  });

  test('settings reach the Jobs: namespace, runtime class, image, tolerations, retries', () => {
    const image = `registry.example.com/node:20@sha256:${'b'.repeat(64)}`;
    const objects = synth({
      namespace: 'mig-jobs',
      runtimeClassName: 'nvidia-cdi',
      image,
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'training', effect: 'NoExecute' }],
      backoffLimit: 1,
      activeDeadlineSeconds: 300,
      nodes: [{ name: 'n1', gpus: 'all' }],
    });
    const job = only(objects, 'Job');
    expect(job.metadata.namespace).toBe('mig-jobs');
    expect(job.spec.template.spec.runtimeClassName).toBe('nvidia-cdi');
    expect(job.spec.template.spec.containers[0].image).toBe(image);
    expect(job.spec.template.spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'training', effect: 'NoExecute' }]);
    expect(job.spec).toMatchObject({ backoffLimit: 1, activeDeadlineSeconds: 300 });
    expect(only(objects, 'ClusterRole').metadata.name).toBe('mig-jobs-nodes');
    expect(only(objects, 'Namespace').metadata.name).toBe('mig-jobs');
  });

  test('a long node name gives a valid Job name of at most 63 characters', () => {
    const long = `${'a'.repeat(60)}.${'b'.repeat(60)}.example.com`;
    const job = only(synth({ nodes: [{ name: long }] }), 'Job');
    expect(job.metadata.name.length).toBeLessThanOrEqual(63);
    expect(job.metadata.name).toMatch(/^mig-setup-a+-[0-9a-f]{10}$/);
    expect(job.spec.template.spec.nodeName).toBe(long);
  });

  test('the Job name changes with its inputs and only then', () => {
    const name = (gpus: number[] | 'all', backoffLimit = 4) => only(synth({ backoffLimit, nodes: [{ name: 'n1', gpus }] }), 'Job').metadata.name;
    expect(name([0])).toBe(name([0]));
    expect(name([0, 1])).not.toBe(name([0]));
    expect(name([0], 2)).not.toBe(name([0]));
  });

  test('no migSetup: disabled with defaults and no nodes', () => {
    expect(platform().migSetup).toMatchObject({ enabled: false, nodes: [], namespace: 'clearml-mig-setup', runtimeClassName: 'nvidia' });
    expect(platform({ nodes: [{ name: 'n1' }] }).migSetup).toMatchObject({ enabled: true, nodes: [{ name: 'n1', gpus: 'all' }] });
    expect(platform({ enabled: false, nodes: [] }).migSetup.enabled).toBe(false);
  });

  test('fails when the node list is empty while enabled', () => {
    expect(problemsOf({ nodes: [] })).toEqual([
      'migSetup.nodes: []: must list at least one node while migSetup.enabled is true (set migSetup.enabled to false to write no MIG setup)',
    ]);
    expect(() => platform({ nodes: [] })).toThrow(ConfigError);
  });

  test('fails when a node is listed twice', () => {
    expect(problemsOf({ nodes: [{ name: 'n1' }, { name: 'n2' }, { name: 'n1', gpus: [2] }] })).toEqual([
      'migSetup.nodes[2].name: "n1": is listed twice (also migSetup.nodes[0]); list each node once with all its GPUs',
    ]);
  });

  test('fails when a GPU id is negative, not whole or listed twice', () => {
    expect(problemsOf({ nodes: [{ name: 'n1', gpus: [0, -1, 1.5, 0] }] })).toEqual([
      'migSetup.nodes[0].gpus[1]: -1: must be a GPU index: a whole number, 0 or more',
      'migSetup.nodes[0].gpus[2]: 1.5: must be a GPU index: a whole number, 0 or more',
      'migSetup.nodes[0].gpus[3]: 0: is listed twice',
    ]);
  });

  test('fails when the GPU list is empty or not a list', () => {
    expect(problemsOf({ nodes: [{ name: 'n1', gpus: [] }, { name: 'n2', gpus: 'some' }] })).toEqual([
      'migSetup.nodes[0].gpus: []: must be "all" or a non-empty list of GPU indexes (0, 1, ... as `nvidia-smi -L` numbers them)',
      'migSetup.nodes[1].gpus: "some": must be "all" or a non-empty list of GPU indexes (0, 1, ... as `nvidia-smi -L` numbers them)',
    ]);
  });

  test('fails when the node name or GPU model is not allowed', () => {
    expect(problemsOf({ nodes: [{ name: 'GPU_Node', gpuModel: 'A100' }] })).toEqual([
      'migSetup.nodes[0].name: "GPU_Node": must be a Kubernetes node name: lower-case letters, digits, "-" and ".", at most 253 characters',
      'migSetup.nodes[0].gpuModel: "A100": is not a known GPU model; allowed: A100-40GB, A100-80GB, H100-80GB, H200-141GB',
    ]);
  });

  test('fails when the namespace is another platform namespace', () => {
    expect(problemsOf({ namespace: 'clearml', nodes: [{ name: 'n1' }] })).toEqual([
      expect.stringMatching(/^migSetup\.namespace: "clearml": is used by another part of the platform; it gets Pod Security level "privileged"/),
    ]);
    expect(problemsOf({ namespace: 'kube-system', nodes: [{ name: 'n1' }] })).toHaveLength(1);
  });

  test('fails when the image is not pinned, retries are negative or a toleration is malformed', () => {
    expect(
      problemsOf({
        image: 'node:20',
        backoffLimit: -1,
        activeDeadlineSeconds: 0,
        tolerations: [{ operator: 'Exists', value: 'x', effect: 'Sometimes' as 'NoSchedule' }, { operator: 'Equal' }],
        nodes: [{ name: 'n1' }],
      }),
    ).toEqual([
      'migSetup.image: "node:20": must be pinned by digest ("name:tag@sha256:<64 hex>")',
      'migSetup.backoffLimit: -1: must be a whole number, 0 or more',
      'migSetup.activeDeadlineSeconds: 0: must be a positive whole number (1, 2, ...)',
      'migSetup.tolerations[0].effect: "Sometimes": must be "NoSchedule", "PreferNoSchedule" or "NoExecute" (or left out for every effect)',
      'migSetup.tolerations[0].value: "x": must be left out with operator "Exists"',
      'migSetup.tolerations[1].key: undefined: is required with operator "Equal"',
    ]);
  });

  test('fails with every problem at once, in the platform props file', () => {
    // GIVEN three mistakes in different nodes
    const bad = { nodes: [{ name: 'n1', gpus: [-1] }, { name: 'n1' }, { name: 'n2', gpuModel: 'T4' }] };
    // WHEN resolved THEN one ConfigError lists all three, each with file, path, value and what is allowed
    expect(() => platform(bad as MigSetupProps)).toThrow(/3 problems in the input:\n {2}- main\.ts \(platform props\): migSetup\.nodes\[0\]\.gpus\[0\]: -1: must be a GPU index/);
    expect(problemsOf(bad).map((l) => l.split(':')[0])).toEqual(['migSetup.nodes[0].gpus[0]', 'migSetup.nodes[1].name', 'migSetup.nodes[2].gpuModel']);
  });
});
