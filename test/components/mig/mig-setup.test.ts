/**
 * Runs the MIG setup program as synthesized (the text of the ConfigMap, as a file, in a child process)
 * against a fake `nvidia-smi` on the PATH and a fake Kubernetes API on 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { resolvePlatform } from '../../../lib/platform/platform';
import { MigNodeSetup } from '../../../lib/components/mig-node-setup/mig-node-setup';

const TOKEN = 'test-token-123';
const LABEL = 'cdmo.clear.ml/gpu-partitioning';
const ANNOTATION = 'cdmo.clear.ml/mig-reboot-required';

// ------------------------------------------------------------------------------------------ fake nvidia-smi

interface FakeGpu {
  index: number;
  name: string;
  current: string;
  pending: string;
  /** What `-i <index> -mig 1` does: enable now, enable pending a reboot, or fail. */
  onEnable: 'ok' | 'reboot' | 'fail';
}

interface FakeSmiState {
  gpus: FakeGpu[];
  /** `--query-gpu` fails (driver not loaded). */
  queryFails?: boolean;
  /** Every call also writes a warning to standard error. */
  stderrWarning?: boolean;
}

/** The fake: a Node script that reads and updates the state file and logs its arguments. */
function fakeNvidiaSmi(statePath: string, callsPath: string): string {
  return `#!/usr/bin/env node
const fs = require('fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(callsPath)}, JSON.stringify(args) + '\\n');
const state = JSON.parse(fs.readFileSync(${JSON.stringify(statePath)}, 'utf8'));
const bus = (i) => '00000000:' + String(i + 7).padStart(2, '0') + ':00.0';
if (state.stderrWarning) console.error('WARNING: infoROM is corrupted at gpu 0000:07:00.0');
if (args[0] && args[0].startsWith('--query-gpu=')) {
  if (args[0] !== '--query-gpu=index,name,mig.mode.current,mig.mode.pending' || args[1] !== '--format=csv,noheader') {
    console.error('fake nvidia-smi: unexpected query ' + args.join(' '));
    process.exit(2);
  }
  if (state.queryFails) {
    console.log('NVIDIA-SMI has failed because it couldn\\'t communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.');
    process.exit(9);
  }
  for (const g of state.gpus) console.log([g.index, g.name, g.current, g.pending].join(', '));
  process.exit(0);
}
if (args.length === 4 && args[0] === '-i' && args[2] === '-mig' && args[3] === '1') {
  const gpu = state.gpus.find((g) => String(g.index) === args[1]);
  if (!gpu) {
    console.error('No devices were found');
    process.exit(6);
  }
  if (gpu.onEnable === 'fail') {
    console.error('Unable to enable MIG Mode for GPU ' + bus(gpu.index) + ': Unknown Error');
    process.exit(3);
  }
  gpu.pending = 'Enabled';
  if (gpu.onEnable === 'ok') {
    gpu.current = 'Enabled';
    console.log('Enabled MIG Mode for GPU ' + bus(gpu.index));
  } else {
    console.log('Warning: MIG mode is in pending enable state for GPU ' + bus(gpu.index) + ':In use by another client');
    console.log(bus(gpu.index) + ' is currently being used by one or more other processes (e.g. CUDA application or a monitoring application such as another instance of nvidia-smi). Please first kill all processes using the device and retry the command or reboot the system to make MIG mode effective.');
  }
  console.log('All done.');
  fs.writeFileSync(${JSON.stringify(statePath)}, JSON.stringify(state));
  process.exit(0);
}
console.error('fake nvidia-smi: unexpected arguments ' + args.join(' '));
process.exit(2);
`;
}

// ---------------------------------------------------------------------------------- fake Kubernetes API

/** `pass`: answer normally; `reset`: drop the connection; else answer with that status. */
type Fault = 'pass' | 'reset' | { status: number; retryAfter?: string };

interface Recorded {
  method: string;
  path: string;
  contentType?: string;
  authorization?: string;
  body?: any;
}

/** Nodes by name; GET and merge-PATCH of `/api/v1/nodes/<name>`; faults are used up first, one a request. */
class FakeKubernetes {
  public readonly nodes = new Map<string, any>();
  public readonly requests: Recorded[] = [];
  public faults: Fault[] = [];
  public url = '';
  private readonly server = http.createServer((req, res) => this.handle(req, res));

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  addNode(name: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}): void {
    this.nodes.set(name, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels }, annotations } });
  }

  patches(): Recorded[] {
    return this.requests.filter((r) => r.method === 'PATCH');
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      this.requests.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'], authorization: req.headers.authorization, body: text ? JSON.parse(text) : undefined });
      const fault = this.faults.shift();
      if (fault === 'reset') {
        req.socket.destroy();
        return;
      }
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (fault && fault !== 'pass') return send(fault.status, { kind: 'Status', message: `injected ${fault.status}` }, fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {});
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { kind: 'Status', message: 'Unauthorized' });
      const match = /^\/api\/v1\/nodes\/([^/?]+)$/.exec(req.url ?? '');
      const node = match ? this.nodes.get(decodeURIComponent(match[1])) : undefined;
      if (!node) return send(404, { kind: 'Status', message: `nodes "${match?.[1]}" not found` });
      if (req.method === 'GET') return send(200, node);
      if (req.method === 'PATCH') {
        if (req.headers['content-type'] !== 'application/merge-patch+json') return send(415, { kind: 'Status', message: `unsupported media type ${req.headers['content-type']}` });
        mergePatch(node, JSON.parse(text));
        return send(200, node);
      }
      send(405, { kind: 'Status', message: 'method not allowed' });
    });
  }
}

/** RFC 7386 JSON merge patch, in place. */
function mergePatch(target: any, patch: any): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete target[key];
    else if (typeof value === 'object' && !Array.isArray(value)) {
      if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
      mergePatch(target[key], value);
    } else target[key] = value;
  }
}

// ------------------------------------------------------------------------------------------------ harness

let dir: string;
let scriptPath: string;
let statePath: string;
let callsPath: string;
let jobEnv: Map<string, Record<string, string>>;
const api = new FakeKubernetes();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mig-setup-test-'));
  // The program exactly as synth writes it: the ConfigMap's text; the env of each node's Job.
  const chart = new Chart(Testing.app(), 'test');
  const platform = resolvePlatform({
    baseDomain: 'example.com',
    server: { supervisor: { email: 'root@example.com' } },
    billing: { enabled: false },
    migSetup: { nodes: [{ name: 'gpu-node-1', gpus: [0, 1] }, { name: 'gpu-node-2', gpuModel: 'H100-80GB' }] },
  });
  new MigNodeSetup(chart, 'mig', { ...platform.migSetup, kubernetesApiCidrs: platform.network.kubernetesApiCidrs, kubernetesApiPorts: platform.network.kubernetesApiPorts });
  const objects = Testing.synth(chart);
  const configMap = objects.find((o) => o.kind === 'ConfigMap');
  scriptPath = join(dir, 'mig-setup.js');
  writeFileSync(scriptPath, configMap.data['mig-setup.js']);
  jobEnv = new Map(
    objects
      .filter((o) => o.kind === 'Job')
      .map((job) => [
        job.spec.template.spec.nodeName,
        Object.fromEntries(job.spec.template.spec.containers[0].env.filter((e: any) => e.value !== undefined && e.name !== 'TERMINATION_MESSAGE_PATH').map((e: any) => [e.name, e.value])),
      ]),
  );
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  statePath = join(dir, 'nvidia-smi-state.json');
  callsPath = join(dir, 'nvidia-smi-calls.log');
  writeFileSync(join(bin, 'nvidia-smi'), fakeNvidiaSmi(statePath, callsPath));
  chmodSync(join(bin, 'nvidia-smi'), 0o755);
  writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
  await api.start();
});

afterAll(async () => {
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  api.nodes.clear();
  api.requests.length = 0;
  api.faults = [];
  rmSync(callsPath, { force: true });
  rmSync(join(dir, 'termination-log'), { force: true });
});

function gpu(index: number, current: string, pending: string, onEnable: FakeGpu['onEnable'] = 'ok'): FakeGpu {
  return { index, name: 'NVIDIA A100-SXM4-80GB', current, pending, onEnable };
}

function setGpus(state: FakeSmiState): void {
  writeFileSync(statePath, JSON.stringify(state));
}

function gpusNow(): FakeGpu[] {
  return (JSON.parse(readFileSync(statePath, 'utf8')) as FakeSmiState).gpus;
}

/** The `nvidia-smi` argument lists of the run, without the queries. */
function enableCalls(): string[] {
  if (!existsSync(callsPath)) return [];
  return readFileSync(callsPath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as string[]).join(' '))
    .filter((c) => !c.startsWith('--query-gpu'));
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  terminationMessage: string;
}

/** Runs the program as the Job of `node` would, with small retry delays. */
function runJob(node: string, extraEnv: Record<string, string> = {}): Promise<RunResult> {
  const env = {
    PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
    ...jobEnv.get(node),
    NODE_NAME: node,
    POD_NAMESPACE: 'clearml-mig-setup',
    JOB_NAME: `mig-setup-${node}-0123456789`,
    KUBERNETES_API_URL: api.url,
    KUBERNETES_TOKEN_FILE: join(dir, 'token'),
    TERMINATION_MESSAGE_PATH: join(dir, 'termination-log'),
    API_ATTEMPTS: '5',
    API_RETRY_BASE_MS: '5',
    API_RETRY_MAX_MS: '20',
    API_TIMEOUT_MS: '5000',
    ...extraEnv,
  };
  return new Promise((resolve) => {
    execFile('node', [scriptPath], { env, timeout: 20000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as any).code === 'number' ? (error as any).code : -1) : 0;
      const terminationLog = join(dir, 'termination-log');
      resolve({ code, stdout, stderr, terminationMessage: existsSync(terminationLog) ? readFileSync(terminationLog, 'utf8') : '' });
    });
  });
}

// ------------------------------------------------------------------------------------------------ tests

describe('mig-setup program (as synthesized)', () => {
  test('MIG off: enables it on each listed GPU and labels the node', async () => {
    // GIVEN gpu-node-1 (Job lists GPUs 0 and 1) with three GPUs, MIG off on all
    setGpus({ gpus: [gpu(0, 'Disabled', 'Disabled'), gpu(1, 'Disabled', 'Disabled'), gpu(2, 'Disabled', 'Disabled')] });
    api.addNode('gpu-node-1');
    // WHEN the Job runs
    const result = await runJob('gpu-node-1');
    // THEN GPUs 0 and 1 (not 2) are in MIG mode and the node is labelled with one merge patch
    expect(result.code).toBe(0);
    expect(enableCalls()).toEqual(['-i 0 -mig 1', '-i 1 -mig 1']);
    expect(gpusNow().map((g) => g.current)).toEqual(['Enabled', 'Enabled', 'Disabled']);
    expect(api.nodes.get('gpu-node-1').metadata.labels).toHaveProperty([LABEL], 'mig');
    expect(api.patches()).toHaveLength(1);
    expect(api.patches()[0]).toMatchObject({ path: '/api/v1/nodes/gpu-node-1', contentType: 'application/merge-patch+json', authorization: `Bearer ${TOKEN}`, body: { metadata: { labels: { [LABEL]: 'mig' } } } });
    expect(result.stdout).toMatch(/MIG mode is enabled on GPU 0, 1 of node gpu-node-1; labelled cdmo\.clear\.ml\/gpu-partitioning=mig/);
    expect(result.terminationMessage).toMatch(/^MIG mode is enabled on GPU 0, 1 of node gpu-node-1/);
  });

  test('"all" GPUs: every GPU nvidia-smi lists', async () => {
    setGpus({ gpus: [gpu(0, 'Disabled', 'Disabled'), gpu(1, 'Enabled', 'Enabled'), gpu(2, 'Disabled', 'Disabled')] });
    api.addNode('gpu-node-2');
    const result = await runJob('gpu-node-2');
    expect(result.code).toBe(0);
    expect(enableCalls()).toEqual(['-i 0 -mig 1', '-i 2 -mig 1']);
    expect(api.nodes.get('gpu-node-2').metadata.labels).toHaveProperty([LABEL], 'mig');
    // the platform said H100-80GB, the fake reports A100s: a warning, not an error
    expect(result.stdout).toMatch(/warning: GPU 0 is a "NVIDIA A100-SXM4-80GB", not the H100-80GB/);
  });

  test('item 17: a warning on nvidia-smi\'s standard error does not spoil its answer', async () => {
    // GIVEN an nvidia-smi that warns on standard error with every call
    setGpus({ stderrWarning: true, gpus: [gpu(0, 'Disabled', 'Disabled'), gpu(1, 'Disabled', 'Disabled')] });
    api.addNode('gpu-node-1');
    // WHEN the Job runs
    const result = await runJob('gpu-node-1');
    // THEN the GPU list is read from standard output only and both GPUs are enabled
    expect(result.stderr).not.toMatch(/cannot read this line/);
    expect(result.code).toBe(0);
    expect(enableCalls()).toEqual(['-i 0 -mig 1', '-i 1 -mig 1']);
    expect(api.nodes.get('gpu-node-1').metadata.labels).toHaveProperty([LABEL], 'mig');
  });

  test('already enabled and labelled: no nvidia-smi -mig call, no patch', async () => {
    setGpus({ gpus: [gpu(0, 'Enabled', 'Enabled'), gpu(1, 'Enabled', 'Enabled')] });
    api.addNode('gpu-node-1', { [LABEL]: 'mig' });
    const result = await runJob('gpu-node-1');
    expect(result.code).toBe(0);
    expect(enableCalls()).toEqual([]);
    expect(api.requests.map((r) => r.method)).toEqual(['GET']);
    expect(result.stdout).toMatch(/already labelled cdmo\.clear\.ml\/gpu-partitioning=mig; nothing to change/);
  });

  test('already enabled, not labelled yet: labels without touching the GPUs', async () => {
    setGpus({ gpus: [gpu(0, 'Enabled', 'Enabled'), gpu(1, 'Enabled', 'Enabled')] });
    api.addNode('gpu-node-1');
    const result = await runJob('gpu-node-1');
    expect(result.code).toBe(0);
    expect(enableCalls()).toEqual([]);
    expect(api.patches().map((p) => p.body)).toEqual([{ metadata: { labels: { [LABEL]: 'mig' } } }]);
  });

  test('reboot pending: annotates, does not label, exits 3 with a clear message; after the reboot a new run finishes', async () => {
    // GIVEN GPU 1 is in use, so MIG mode only takes effect after a reboot
    setGpus({ gpus: [gpu(0, 'Disabled', 'Disabled'), gpu(1, 'Disabled', 'Disabled', 'reboot')] });
    api.addNode('gpu-node-1');
    // WHEN the Job runs
    const first = await runJob('gpu-node-1');
    // THEN the node is annotated, not labelled, and the run fails with code 3 naming node, GPU and next step
    expect(first.code).toBe(3);
    const meta = api.nodes.get('gpu-node-1').metadata;
    expect(meta.annotations).toHaveProperty([ANNOTATION], 'true');
    expect(meta.labels).not.toHaveProperty([LABEL]);
    expect(api.patches().map((p) => p.body)).toEqual([{ metadata: { annotations: { [ANNOTATION]: 'true' } } }]);
    expect(first.stderr).toMatch(/Reboot node gpu-node-1 \(or reset GPU 1\) to make MIG mode effective/);
    expect(first.stderr).toMatch(/kubectl -n clearml-mig-setup delete job mig-setup-gpu-node-1-0123456789/);
    expect(first.terminationMessage).toMatch(/^Reboot node gpu-node-1/);

    // WHEN it runs again before the reboot THEN no second enable and no second patch
    api.requests.length = 0;
    rmSync(callsPath);
    const again = await runJob('gpu-node-1');
    expect(again.code).toBe(3);
    expect(enableCalls()).toEqual([]);
    expect(api.patches()).toEqual([]);

    // WHEN the node has rebooted (pending mode became current) and the Job runs again
    setGpus({ gpus: gpusNow().map((g) => ({ ...g, current: g.pending })) });
    api.requests.length = 0;
    const after = await runJob('gpu-node-1');
    // THEN it labels the node and removes the annotation in one patch
    expect(after.code).toBe(0);
    expect(api.patches().map((p) => p.body)).toEqual([{ metadata: { labels: { [LABEL]: 'mig' }, annotations: { [ANNOTATION]: null } } }]);
    expect(api.nodes.get('gpu-node-1').metadata.labels).toHaveProperty([LABEL], 'mig');
    expect(api.nodes.get('gpu-node-1').metadata.annotations).not.toHaveProperty([ANNOTATION]);
  });

  test('nvidia-smi fails on one GPU: not labelled, exit 1 naming the GPU', async () => {
    setGpus({ gpus: [gpu(0, 'Disabled', 'Disabled'), gpu(1, 'Disabled', 'Disabled', 'fail')] });
    api.addNode('gpu-node-1');
    const result = await runJob('gpu-node-1');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/MIG setup failed on node gpu-node-1 for GPU 1: GPU 1: `nvidia-smi -i 1 -mig 1` failed \(exit 3\): Unable to enable MIG Mode/);
    expect(result.stderr).toMatch(/not labelled/);
    expect(enableCalls()).toEqual(['-i 0 -mig 1', '-i 1 -mig 1']);
    expect(api.patches()).toEqual([]);
    expect(api.nodes.get('gpu-node-1').metadata.labels).not.toHaveProperty([LABEL]);
  });

  test('a listed GPU that is missing or cannot do MIG: exit 2 (permanent) naming it', async () => {
    setGpus({ gpus: [{ ...gpu(0, '[N/A]', '[N/A]'), name: 'Tesla T4' }] });
    api.addNode('gpu-node-1');
    const result = await runJob('gpu-node-1');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/GPU 0 \(Tesla T4\) cannot do MIG: nvidia-smi reports mig\.mode\.current \[N\/A\]/);
    expect(result.stderr).toMatch(/GPU 1 is not on node gpu-node-1 \(GPUs found: 0\)/);
    expect(api.patches()).toEqual([]);
  });

  test('nvidia-smi cannot list the GPUs: exit 1 with its output, the node untouched', async () => {
    setGpus({ gpus: [], queryFails: true });
    api.addNode('gpu-node-1');
    const result = await runJob('gpu-node-1');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/nvidia-smi --query-gpu=index,name,mig\.mode\.current,mig\.mode\.pending --format=csv,noheader` failed on node gpu-node-1 \(exit 9\): NVIDIA-SMI has failed/);
    expect(api.requests).toEqual([]);
  });

  test('the Kubernetes API failing transiently (503, 429, connection reset) is retried', async () => {
    // GIVEN the GET gets a 503, a connection reset and a 429 with Retry-After before it is answered
    setGpus({ gpus: [gpu(0, 'Enabled', 'Enabled'), gpu(1, 'Enabled', 'Enabled')] });
    api.addNode('gpu-node-1');
    api.faults = [{ status: 503 }, 'reset', { status: 429, retryAfter: '0' }];
    // WHEN the Job runs
    const result = await runJob('gpu-node-1');
    // THEN the GET is retried until it works and the node is labelled
    expect(result.code).toBe(0);
    expect(api.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'GET', 'GET', 'PATCH']);
    expect(api.nodes.get('gpu-node-1').metadata.labels).toHaveProperty([LABEL], 'mig');
    expect(result.stdout).toMatch(/GET \/api\/v1\/nodes\/gpu-node-1: HTTP 503: injected 503; retrying/);
    expect(result.stdout).toMatch(/HTTP 429: injected 429; retrying/);

  });

  test('a PATCH failing transiently (502, reset) is retried', async () => {
    // GIVEN the GET passes, then the PATCH gets a 502 and a connection reset
    setGpus({ gpus: [gpu(0, 'Enabled', 'Enabled'), gpu(1, 'Enabled', 'Enabled')] });
    api.addNode('gpu-node-1');
    api.faults = ['pass', { status: 502 }, 'reset'];
    // WHEN the Job runs
    const result = await runJob('gpu-node-1');
    // THEN the PATCH is sent again until it works
    expect(result.code).toBe(0);
    expect(api.requests.map((r) => r.method)).toEqual(['GET', 'PATCH', 'PATCH', 'PATCH']);
    expect(api.nodes.get('gpu-node-1').metadata.labels).toHaveProperty([LABEL], 'mig');
  });

  test('the Kubernetes API failing every time: exit 1 after the configured attempts, not labelled', async () => {
    setGpus({ gpus: [gpu(0, 'Enabled', 'Enabled'), gpu(1, 'Enabled', 'Enabled')] });
    api.addNode('gpu-node-1');
    api.faults = Array.from({ length: 5 }, () => ({ status: 503 }));
    const result = await runJob('gpu-node-1');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/get node gpu-node-1 failed 5 times; last: GET \/api\/v1\/nodes\/gpu-node-1: HTTP 503: injected 503/);
    expect(api.requests).toHaveLength(5);
  });

  test('a refusal (403) is not retried, exits 2 (permanent) and names the permission', async () => {
    setGpus({ gpus: [gpu(0, 'Enabled', 'Enabled'), gpu(1, 'Enabled', 'Enabled')] });
    api.addNode('gpu-node-1');
    api.faults = [{ status: 403 }];
    const result = await runJob('gpu-node-1');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Kubernetes refused to get node gpu-node-1: HTTP 403 injected 403 \(the ClusterRole must allow get and patch on this node by name\)/);
    expect(api.requests).toHaveLength(1);
  });

  test('bad settings: exit 2 (permanent) naming the variable', async () => {
    setGpus({ gpus: [gpu(0, 'Enabled', 'Enabled')] });
    const result = await runJob('gpu-node-1', { MIG_GPUS: '0,x' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/MIG_GPUS is "0,x": must be "all" or GPU indexes such as "0,1,2"/);
  });
});
