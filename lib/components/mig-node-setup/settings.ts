/** Defaults and checks of `PlatformProps.migSetup`. */
import { Req, checkDnsLabel, checkPinnedImage, checkPositiveInteger, definedOnly } from '../../config/checks';
import { GPU_MODELS, GpuModel, isGpuModel } from '../../config/gpu-models';
import { Problems } from '../../core/problems';
import { MigSetupProps, MigTolerationProps } from './props';

/**
 * `node:20-bookworm-slim` pinned by digest (seen in public pinned Dockerfiles), for the MIG setup Jobs.
 * Not the Alpine image of the bootstrap Jobs: the NVIDIA runtime injects the host's `nvidia-smi`, which
 * is linked against glibc. Refresh it with `crane digest node:20-bookworm-slim`.
 */
export const DEFAULT_MIG_SETUP_IMAGE = 'node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0';

/** One MIG node with its defaults applied. */
export interface ResolvedMigNode {
  readonly name: string;
  readonly gpus: readonly number[] | 'all';
  readonly gpuModel?: GpuModel;
}
/** MIG node setup with its defaults applied; `enabled` false (and no nodes) when `migSetup` is not set. */
export type ResolvedMigSetup = Req<Omit<MigSetupProps, 'nodes'>> & { readonly nodes: readonly ResolvedMigNode[] };

const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * The MIG setup's namespace gets Pod Security level "privileged", so it must be a namespace of its own:
 * none of `otherNamespaces` (the platform's other namespaces, from the component registry) nor Kubernetes' own.
 */
export function checkMigSetupNamespace(problems: Problems, namespace: string, otherNamespaces: readonly string[]): void {
  if ([...otherNamespaces, ...SYSTEM_NAMESPACES].includes(namespace)) {
    problems.add('migSetup.namespace', namespace, `is used by another part of the platform; it gets Pod Security level "privileged", so it must be a namespace of its own (not ${[...new Set([...otherNamespaces, ...SYSTEM_NAMESPACES])].join(', ')})`);
  }
}

/**
 * MIG node setup: defaults, then every check (paths `migSetup.nodes[1].gpus[0]` etc.) but the one of
 * {@link checkMigSetupNamespace}. `migSetup` set means enabled unless it says otherwise.
 */
export function resolveMigSetup(problems: Problems, props: MigSetupProps | undefined): ResolvedMigSetup {
  const given = props !== undefined;
  const m = { ...(definedOnly(props) as Partial<MigSetupProps>) };
  const resolved = {
    enabled: given,
    namespace: 'clearml-mig-setup',
    runtimeClassName: 'nvidia',
    image: DEFAULT_MIG_SETUP_IMAGE,
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] as readonly MigTolerationProps[],
    backoffLimit: 4,
    activeDeadlineSeconds: 1800,
    ...m,
  };
  if (given && (typeof props !== 'object' || props === null || Array.isArray(props))) {
    problems.add('migSetup', props, 'must be an object: { nodes: [{ name: "<node name>", gpus: [0, 1] }] }');
    return { ...resolved, enabled: false, nodes: [] };
  }
  if (typeof resolved.enabled !== 'boolean') problems.add('migSetup.enabled', resolved.enabled, 'must be true or false');
  checkDnsLabel(problems, 'migSetup.namespace', resolved.namespace);
  if (typeof resolved.runtimeClassName !== 'string' || !DNS_SUBDOMAIN.test(resolved.runtimeClassName)) {
    problems.add('migSetup.runtimeClassName', resolved.runtimeClassName, 'must be a RuntimeClass name (lower-case DNS subdomain), such as "nvidia"');
  }
  checkPinnedImage(problems, 'migSetup.image', resolved.image);
  if (!Number.isInteger(resolved.backoffLimit) || resolved.backoffLimit < 0) problems.add('migSetup.backoffLimit', resolved.backoffLimit, 'must be a whole number, 0 or more');
  checkPositiveInteger(problems, 'migSetup.activeDeadlineSeconds', resolved.activeDeadlineSeconds);
  if (!Array.isArray(resolved.tolerations)) problems.add('migSetup.tolerations', resolved.tolerations, 'must be a list of tolerations');
  else resolved.tolerations.forEach((t, i) => checkToleration(problems, `migSetup.tolerations[${i}]`, t));

  const nodes: ResolvedMigNode[] = [];
  const nodesIn = m.nodes as unknown;
  if (!Array.isArray(nodesIn)) {
    if (given) problems.add('migSetup.nodes', nodesIn, 'must be a list of nodes: [{ name: "<node name>", gpus: [0, 1] or "all" }]');
  } else {
    if (resolved.enabled === true && nodesIn.length === 0) {
      problems.add('migSetup.nodes', nodesIn, 'must list at least one node while migSetup.enabled is true (set migSetup.enabled to false to write no MIG setup)');
    }
    const seen = new Map<string, number>();
    nodesIn.forEach((node: unknown, i: number) => {
      const path = `migSetup.nodes[${i}]`;
      if (typeof node !== 'object' || node === null) {
        problems.add(path, node, 'must be a node: { name: "<node name>", gpus: [0, 1] or "all", gpuModel?: "<model>" }');
        return;
      }
      const n = node as { name?: unknown; gpus?: unknown; gpuModel?: unknown };
      if (typeof n.name !== 'string' || !DNS_SUBDOMAIN.test(n.name)) {
        problems.add(`${path}.name`, n.name, 'must be a Kubernetes node name: lower-case letters, digits, "-" and ".", at most 253 characters');
      } else if (seen.has(n.name)) {
        problems.add(`${path}.name`, n.name, `is listed twice (also migSetup.nodes[${seen.get(n.name)}]); list each node once with all its GPUs`);
      } else seen.set(n.name, i);
      const gpus = n.gpus ?? 'all';
      if (gpus !== 'all') {
        if (!Array.isArray(gpus) || gpus.length === 0) {
          problems.add(`${path}.gpus`, gpus, 'must be "all" or a non-empty list of GPU indexes (0, 1, ... as `nvidia-smi -L` numbers them)');
        } else {
          const ids = new Set<number>();
          gpus.forEach((id: unknown, j: number) => {
            if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) problems.add(`${path}.gpus[${j}]`, id, 'must be a GPU index: a whole number, 0 or more');
            else if (ids.has(id)) problems.add(`${path}.gpus[${j}]`, id, 'is listed twice');
            else ids.add(id);
          });
        }
      }
      if (n.gpuModel !== undefined && !isGpuModel(n.gpuModel)) problems.add(`${path}.gpuModel`, n.gpuModel, `is not a known GPU model; allowed: ${GPU_MODELS.join(', ')}`);
      nodes.push({ name: n.name as string, gpus: gpus as readonly number[] | 'all', ...(n.gpuModel !== undefined ? { gpuModel: n.gpuModel as GpuModel } : {}) });
    });
  }
  return { ...resolved, nodes };
}

function checkToleration(problems: Problems, path: string, t: MigTolerationProps): void {
  if (typeof t !== 'object' || t === null) {
    problems.add(path, t, 'must be a toleration: { key, operator: "Exists" | "Equal", value?, effect? }');
    return;
  }
  const operator = t.operator ?? 'Equal';
  if (operator !== 'Exists' && operator !== 'Equal') problems.add(`${path}.operator`, t.operator, 'must be "Exists" or "Equal"');
  if (t.effect !== undefined && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) problems.add(`${path}.effect`, t.effect, 'must be "NoSchedule", "PreferNoSchedule" or "NoExecute" (or left out for every effect)');
  if (operator === 'Exists' && t.value !== undefined) problems.add(`${path}.value`, t.value, 'must be left out with operator "Exists"');
  if (operator === 'Equal' && !t.key) problems.add(`${path}.key`, t.key, 'is required with operator "Equal"');
}
