/**
 * MIG node setup: the program one MIG setup Job runs on one node ("Enable MIG support" in the runbook).
 *
 * 1. Reads the GPUs with `nvidia-smi --query-gpu=index,name,mig.mode.current,mig.mode.pending`.
 * 2. Enables MIG (`nvidia-smi -i <id> -mig 1`) on each listed GPU whose pending mode is not Enabled.
 *    A GPU already in MIG mode is left alone.
 * 3. When every listed GPU reports MIG enabled (current and pending), labels the node
 *    `cdmo.clear.ml/gpu-partitioning=mig` and removes the reboot annotation; when a GPU needs a reset or
 *    a reboot first, annotates the node `cdmo.clear.ml/mig-reboot-required=true` and does not label it.
 *
 * Exit codes: the convention of every program (lib/programs/common/exit-codes.ts; the Job's
 * `podFailurePolicy` relies on 3):
 * - 0: every listed GPU is in MIG mode and the node is labelled.
 * - 1: a failure that may pass (nvidia-smi failed, the Kubernetes API kept failing). The Job retries it up
 *   to its backoffLimit.
 * - 2: retrying cannot fix it (bad settings, a listed GPU is missing or cannot do MIG, the Kubernetes API
 *   refused the call). The Job retries it too (its podFailurePolicy fails fast on 3 only), to no avail.
 * - 3: MIG is enabled but only takes effect after a reboot (or GPU reset). Deliberately non-zero: MIG
 *   is not active and the node is not labelled, so the Job must not look done. A Job that completed
 *   here would let Flux's `wait` report the GPU layer Ready while no node can take MIG workloads. The
 *   Job fails at once on this code (`podFailurePolicy` FailJob, no pointless retries), so the Flux
 *   health check fails fast with the reason instead of timing out. After the reboot, delete the Job;
 *   Flux creates it again and the new run labels the node.
 *
 * Self-contained on purpose: only `node:` built-ins, so synth can embed the built JavaScript text in a
 * ConfigMap and any Node 20 image can run it.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { GaveUpError, PermanentError, TransientError, errorText } from '../common/errors';
import { EXIT } from '../common/exit-codes';
import { KubernetesClient, SERVICE_ACCOUNT } from '../common/kubernetes';

/** The label the runbook puts on MIG nodes. */
export const MIG_LABEL = 'cdmo.clear.ml/gpu-partitioning';
export const MIG_LABEL_VALUE = 'mig';
/** Set on a node whose GPUs wait for a reboot (or reset) before MIG mode takes effect. */
export const REBOOT_ANNOTATION = 'cdmo.clear.ml/mig-reboot-required';

export const EXIT_OK = EXIT.converged;
/** A failure that may pass: retried. */
export const EXIT_FAILED = EXIT.transient;
/** Retrying cannot fix it. */
export const EXIT_INVALID = EXIT.permanent;
export const EXIT_REBOOT_REQUIRED = EXIT.waiting;

/** Settings, all from the environment. */
export interface MigSetupConfig {
  readonly nodeName: string;
  /** GPU indexes to put in MIG mode, or every GPU of the node. */
  readonly gpus: readonly number[] | 'all';
  /** Expected model (a hint: a mismatch is logged, not fatal). */
  readonly gpuModel?: string;
  readonly jobName?: string;
  readonly jobNamespace?: string;
  readonly apiUrl: string;
  readonly tokenFile: string;
  readonly caFile?: string;
  /** Attempts per Kubernetes API call (first try included). */
  readonly apiAttempts: number;
  readonly apiRetryBaseMs: number;
  readonly apiRetryMaxMs: number;
  readonly apiTimeoutMs: number;
  readonly nvidiaSmiTimeoutMs: number;
  /** Where to write the final message for `kubectl describe` (the container's terminationMessagePath). */
  readonly terminationMessagePath?: string;
}

/** What the run ended with. */
export interface Outcome {
  readonly code: number;
  readonly message: string;
}

/** One GPU as `nvidia-smi --query-gpu` reports it. */
interface GpuState {
  readonly index: number;
  readonly name: string;
  readonly current: string;
  readonly pending: string;
}

/** Bad settings: retrying cannot fix them. */
class SetupError extends PermanentError {}

/** Reads the settings; throws a SetupError naming the variable when one is wrong. */
export function readConfig(env: NodeJS.ProcessEnv): MigSetupConfig {
  const nodeName = env.NODE_NAME ?? '';
  if (!nodeName) throw new SetupError('NODE_NAME is not set: the Job passes spec.nodeName through the downward API');
  const gpusText = (env.MIG_GPUS ?? '').trim();
  let gpus: readonly number[] | 'all';
  if (gpusText === 'all') gpus = 'all';
  else {
    const parts = gpusText.split(',').map((s) => s.trim());
    if (gpusText === '' || parts.some((s) => !/^\d+$/.test(s))) {
      throw new SetupError(`MIG_GPUS is ${JSON.stringify(gpusText)}: must be "all" or GPU indexes such as "0,1,2"`);
    }
    gpus = parts.map(Number);
  }
  const apiUrl = env.KUBERNETES_API_URL || inClusterApiUrl(env);
  const number = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new SetupError(`${name} is ${JSON.stringify(raw)}: must be a number, 0 or more`);
    return n;
  };
  return {
    nodeName,
    gpus,
    gpuModel: env.GPU_MODEL || undefined,
    jobName: env.JOB_NAME || undefined,
    jobNamespace: env.POD_NAMESPACE || undefined,
    apiUrl,
    tokenFile: env.KUBERNETES_TOKEN_FILE || SERVICE_ACCOUNT.tokenFile,
    caFile: apiUrl.startsWith('https:') ? env.KUBERNETES_CA_FILE || SERVICE_ACCOUNT.caFile : undefined,
    apiAttempts: Math.max(1, Math.floor(number('API_ATTEMPTS', 8))),
    apiRetryBaseMs: number('API_RETRY_BASE_MS', 1000),
    apiRetryMaxMs: number('API_RETRY_MAX_MS', 30000),
    apiTimeoutMs: number('API_TIMEOUT_MS', 15000),
    nvidiaSmiTimeoutMs: number('NVIDIA_SMI_TIMEOUT_MS', 300000),
    terminationMessagePath: env.TERMINATION_MESSAGE_PATH || undefined,
  };
}

/** The API server as a pod sees it without DNS (the service environment Kubernetes injects). */
function inClusterApiUrl(env: NodeJS.ProcessEnv): string {
  const host = env.KUBERNETES_SERVICE_HOST;
  if (!host) return 'https://kubernetes.default.svc';
  const port = env.KUBERNETES_SERVICE_PORT || '443';
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

// ---------------------------------------------------------------------------------------------- nvidia-smi

interface CommandResult {
  readonly code: number;
  readonly output: string;
}

function nvidiaSmi(cfg: MigSetupConfig, args: readonly string[]): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', [...args], { timeout: cfg.nvidiaSmiTimeoutMs, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      // Standard output is what nvidia-smi answers; standard error (warnings) only explains a failure.
      const output = `${stdout}`.trim();
      if (!error) return resolve({ code: 0, output });
      const both = `${stdout}${stderr}`.trim();
      const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
      if (e.code === 'ENOENT') return resolve({ code: 127, output: 'nvidia-smi not found: the Job must run with the NVIDIA runtime (runtimeClassName) and NVIDIA_DRIVER_CAPABILITIES=utility' });
      if (e.killed) return resolve({ code: 124, output: `timed out after ${cfg.nvidiaSmiTimeoutMs} ms. ${both}`.trim() });
      resolve({ code: typeof e.code === 'number' ? e.code : 1, output: both || String(e.message) });
    });
  });
}

async function queryGpus(cfg: MigSetupConfig): Promise<GpuState[]> {
  const args = ['--query-gpu=index,name,mig.mode.current,mig.mode.pending', '--format=csv,noheader'];
  const result = await nvidiaSmi(cfg, args);
  if (result.code !== 0) throw new TransientError(`\`nvidia-smi ${args.join(' ')}\` failed on node ${cfg.nodeName} (exit ${result.code}): ${result.output}`);
  const gpus: GpuState[] = [];
  for (const line of result.output.split('\n').map((l) => l.trim()).filter((l) => l !== '')) {
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length !== 4 || !/^\d+$/.test(fields[0])) throw new SetupError(`cannot read this line of nvidia-smi's GPU list on node ${cfg.nodeName}: ${JSON.stringify(line)}`);
    gpus.push({ index: Number(fields[0]), name: fields[1], current: fields[2], pending: fields[3] });
  }
  return gpus;
}

const ENABLED = 'Enabled';
const MENTIONS_REBOOT = /\breboot|\breset/i;

/** What became of one GPU. */
type GpuResult = { kind: 'enabled' } | { kind: 'reboot'; reason: string } | { kind: 'failed'; reason: string; permanent?: boolean };

/** Puts the listed GPUs in MIG mode where needed; one result per GPU index. */
async function enableMig(cfg: MigSetupConfig, log: (line: string) => void): Promise<Map<number, GpuResult>> {
  const before = await queryGpus(cfg);
  const byIndex = new Map(before.map((g) => [g.index, g]));
  const found = before.map((g) => g.index).join(', ') || 'none';
  const targets = cfg.gpus === 'all' ? before.map((g) => g.index) : cfg.gpus;
  if (targets.length === 0) throw new SetupError(`nvidia-smi lists no GPU on node ${cfg.nodeName}`);

  const results = new Map<number, GpuResult>();
  const ran = new Map<number, string>();
  for (const index of targets) {
    const gpu = byIndex.get(index);
    if (!gpu) {
      results.set(index, { kind: 'failed', reason: `GPU ${index} is not on node ${cfg.nodeName} (GPUs found: ${found})`, permanent: true });
      continue;
    }
    log(`GPU ${index} (${gpu.name}): MIG mode current ${gpu.current}, pending ${gpu.pending}`);
    if (cfg.gpuModel && !gpu.name.toUpperCase().includes(cfg.gpuModel.split('-')[0].toUpperCase())) {
      log(`warning: GPU ${index} is a "${gpu.name}", not the ${cfg.gpuModel} the platform props say`);
    }
    if (gpu.current === ENABLED && gpu.pending === ENABLED) {
      results.set(index, { kind: 'enabled' });
    } else if (!/^(Enabled|Disabled)$/.test(gpu.current) || !/^(Enabled|Disabled)$/.test(gpu.pending)) {
      results.set(index, { kind: 'failed', reason: `GPU ${index} (${gpu.name}) cannot do MIG: nvidia-smi reports mig.mode.current ${gpu.current}, mig.mode.pending ${gpu.pending}`, permanent: true });
    } else if (gpu.pending === ENABLED) {
      // Enabled by an earlier run (or by hand); only a reset or a reboot makes it current.
      results.set(index, { kind: 'reboot', reason: `GPU ${index}: MIG mode is pending (current ${gpu.current}, pending ${gpu.pending})` });
    } else {
      const result = await nvidiaSmi(cfg, ['-i', String(index), '-mig', '1']);
      log(`GPU ${index}: nvidia-smi -i ${index} -mig 1 (exit ${result.code}): ${result.output}`);
      if (result.code !== 0) {
        results.set(index, { kind: 'failed', reason: `GPU ${index}: \`nvidia-smi -i ${index} -mig 1\` failed (exit ${result.code}): ${result.output}` });
      } else ran.set(index, result.output);
    }
  }
  if (ran.size > 0) {
    const after = new Map((await queryGpus(cfg)).map((g) => [g.index, g]));
    for (const [index, output] of ran) {
      const gpu = after.get(index);
      if (gpu && gpu.current === ENABLED && gpu.pending === ENABLED) results.set(index, { kind: 'enabled' });
      else if (gpu && gpu.pending === ENABLED) results.set(index, { kind: 'reboot', reason: `GPU ${index}: MIG mode is pending (current ${gpu.current}, pending ${gpu.pending})` });
      else if (MENTIONS_REBOOT.test(output)) results.set(index, { kind: 'reboot', reason: `GPU ${index}: nvidia-smi says: ${output}` });
      else results.set(index, { kind: 'failed', reason: `GPU ${index}: still reports MIG mode current ${gpu?.current ?? '(missing)'}, pending ${gpu?.pending ?? '(missing)'} after \`nvidia-smi -i ${index} -mig 1\`` });
    }
  }
  return results;
}

// ------------------------------------------------------------------------------------- Kubernetes API
// The shared in-cluster client (lib/programs/common/kubernetes.ts), retried a number of attempts.

interface NodeMeta {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

function kubernetes(cfg: MigSetupConfig, log: (line: string) => void): KubernetesClient {
  let ca: string | undefined;
  return new KubernetesClient(
    {
      url: cfg.apiUrl,
      tokenFile: cfg.tokenFile,
      tokenRequired: false,
      get ca() {
        if (ca === undefined && cfg.caFile && existsSync(cfg.caFile)) ca = readFileSync(cfg.caFile, 'utf8');
        return ca;
      },
    },
    {
      timeoutMs: cfg.apiTimeoutMs,
      retry: () => ({
        baseMs: cfg.apiRetryBaseMs,
        maxMs: cfg.apiRetryMaxMs,
        attempts: cfg.apiAttempts,
        onRetry: (error, delay, next) => log(`${errorText(error)}; retrying in ${delay} ms (attempt ${next} of ${cfg.apiAttempts})`),
      }),
      refusalHint: ' (the ClusterRole must allow get and patch on this node by name)',
    },
  );
}

async function readNode(cfg: MigSetupConfig, log: (line: string) => void): Promise<NodeMeta> {
  const node = (await kubernetes(cfg, log).getJson(nodePath(cfg), `node ${cfg.nodeName}`)) as { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } } | undefined;
  if (node === undefined) throw new PermanentError(`node ${cfg.nodeName} does not exist (NODE_NAME is the Job's spec.nodeName)`);
  return { labels: node.metadata?.labels ?? {}, annotations: node.metadata?.annotations ?? {} };
}

/** Merge-patches the node's metadata; skipped by the caller when nothing would change. */
async function patchNode(cfg: MigSetupConfig, log: (line: string) => void, metadata: Record<string, Record<string, string | null>>): Promise<void> {
  await kubernetes(cfg, log).mergePatch(nodePath(cfg), `node ${cfg.nodeName}`, { metadata });
}

function nodePath(cfg: MigSetupConfig): string {
  return `/api/v1/nodes/${encodeURIComponent(cfg.nodeName)}`;
}

// ---------------------------------------------------------------------------------------------- run

/** The whole setup for one node. Never throws: errors become an outcome with exit code 1 or 2. */
export async function run(cfg: MigSetupConfig, log: (line: string) => void): Promise<Outcome> {
  try {
    const results = await enableMig(cfg, log);
    const failed = [...results.entries()].filter(([, r]) => r.kind === 'failed');
    const reboot = [...results.entries()].filter(([, r]) => r.kind === 'reboot');
    if (failed.length > 0) {
      const list = failed.map(([i]) => i).join(', ');
      const reasons = [...failed, ...reboot].map(([, r]) => (r.kind === 'enabled' ? '' : r.reason)).join('; ');
      const code = failed.some(([, r]) => r.kind === 'failed' && r.permanent === true) ? EXIT_INVALID : EXIT_FAILED;
      return { code, message: `MIG setup failed on node ${cfg.nodeName} for GPU ${list}: ${reasons}. The node is not labelled ${MIG_LABEL}=${MIG_LABEL_VALUE}.` };
    }
    const node = await readNode(cfg, log);
    if (reboot.length > 0) {
      if (node.annotations[REBOOT_ANNOTATION] === 'true') log(`node ${cfg.nodeName} already has ${REBOOT_ANNOTATION}=true`);
      else await patchNode(cfg, log, { annotations: { [REBOOT_ANNOTATION]: 'true' } });
      const rerun = cfg.jobName ? `kubectl -n ${cfg.jobNamespace ?? '<namespace>'} delete job ${cfg.jobName}` : 'delete this Job';
      return {
        code: EXIT_REBOOT_REQUIRED,
        message:
          `Reboot node ${cfg.nodeName} (or reset GPU ${reboot.map(([i]) => i).join(', ')}) to make MIG mode effective: ` +
          `${reboot.map(([, r]) => (r.kind === 'reboot' ? r.reason : '')).join('; ')}. ` +
          `Annotated ${REBOOT_ANNOTATION}=true; not labelled ${MIG_LABEL}=${MIG_LABEL_VALUE}. After the reboot, ${rerun} so that Flux runs it again.`,
      };
    }
    const patch: Record<string, Record<string, string | null>> = {};
    if (node.labels[MIG_LABEL] !== MIG_LABEL_VALUE) patch.labels = { [MIG_LABEL]: MIG_LABEL_VALUE };
    if (REBOOT_ANNOTATION in node.annotations) patch.annotations = { [REBOOT_ANNOTATION]: null };
    if (Object.keys(patch).length === 0) log(`node ${cfg.nodeName} is already labelled ${MIG_LABEL}=${MIG_LABEL_VALUE}; nothing to change`);
    else await patchNode(cfg, log, patch);
    return { code: EXIT_OK, message: `MIG mode is enabled on GPU ${[...results.keys()].join(', ')} of node ${cfg.nodeName}; labelled ${MIG_LABEL}=${MIG_LABEL_VALUE}.` };
  } catch (e) {
    if (e instanceof PermanentError) return { code: EXIT_INVALID, message: `MIG setup failed on node ${cfg.nodeName}: ${e.message}` };
    if (e instanceof TransientError || e instanceof GaveUpError) return { code: EXIT_FAILED, message: `MIG setup failed on node ${cfg.nodeName}: ${e.message}` };
    return { code: EXIT_INVALID, message: `MIG setup failed on node ${cfg.nodeName} with an unexpected error: ${(e as Error).stack ?? String(e)}` };
  }
}

export async function main(): Promise<number> {
  const log = (line: string) => console.log(`mig-setup: ${line}`);
  let cfg: MigSetupConfig;
  try {
    cfg = readConfig(process.env);
  } catch (e) {
    console.error(`mig-setup: ${(e as Error).message}`);
    return EXIT_INVALID;
  }
  const outcome = await run(cfg, log);
  (outcome.code === EXIT_OK ? console.log : console.error)(`mig-setup: ${outcome.message}`);
  if (cfg.terminationMessagePath) {
    try {
      writeFileSync(cfg.terminationMessagePath, outcome.message);
    } catch {
      // the log line above carries the same message
    }
  }
  return outcome.code;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      console.error(`mig-setup: ${(e as Error).stack ?? String(e)}`);
      process.exitCode = EXIT_FAILED;
    },
  );
}
