/**
 * Issue 19: the plan and the Job that synth writes into the control plane, run as `node bootstrap.js` against
 * a fake ClearML and two fake Kubernetes APIs: the control plane (the Job's own, with the Roles synth wrote
 * for the Job) and a GPU worker cluster over https whose only rights are those of the worker access synth
 * wrote into that cluster. The Job's volumes are laid out as files under a temporary root (each projected
 * Secret item where the kubelet would put it), so the plan's token and CA files are found only if the mounts
 * and the plan agree.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Testing } from 'cdk8s';
import { BootstrapProgram } from '../../lib/components/bootstrap-program/bootstrap-program';
import { BOOTSTRAP_SECRETS, BootstrapPlan } from '../../lib/programs/bootstrap/plan';
import { EXIT } from '../../lib/programs/common/exit-codes';
import { renderFolderObjects } from '../../lib/output/write-tree';
import { tenantFolders } from '../../lib/tenant/tenant-folders';
import { resolveTenants } from '../../lib/tenant/tenants';
import { CP, EU, FULL, platform } from '../tenant/helpers';
import { FakeKubernetes, FakeRole } from './fakes/fake-kubernetes';
import { expectNoSecretPrinted, LEDGER, LEDGER_NAMESPACE, Synthesized, World } from './harness';

jest.setTimeout(60_000);

const WORKER_TOKEN = 'gpu-eu-1-writer-token-do-not-print';
const CLUSTERS = [CP, EU];

const objectsOf = (folders: ReturnType<typeof tenantFolders>): any[] => renderFolderObjects(folders).flatMap((f) => f.files.flatMap((file) => file.objects));

let dir: string;
let cert: { key: string; cert: string };
let world: World | undefined;
let remote: FakeKubernetes | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'clearml-cluster-plan-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'c'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  cert = { key: readFileSync(join(dir, 'k'), 'utf8'), cert: readFileSync(join(dir, 'c'), 'utf8') };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(async () => {
  await world?.stop();
  await remote?.stop();
  world = undefined;
  remote = undefined;
});

test('the control plane\'s plan and Job mounts fit the program: each worker gets its own keys through the worker access alone; a second run changes nothing', async () => {
  expect(platform.server.namespace).toBe(LEDGER_NAMESPACE);
  const tenant = resolveTenants([{ file: 'tenants/acme.yaml', text: `${FULL}clusters: [gpu-eu-1]\n` }], platform, CLUSTERS)[0];
  const control = objectsOf(tenantFolders(tenant, platform, CP, { clusters: CLUSTERS }));
  const worker = objectsOf(tenantFolders(tenant, platform, EU, { clusters: CLUSTERS }));

  // The program ConfigMap the Job mounts is the platform's BootstrapProgram.
  const chart = Testing.chart();
  const program = new BootstrapProgram(chart, 'Program', { namespace: LEDGER_NAMESPACE });
  const job = control.find((o) => o.kind === 'Job');
  const spec = job.spec.template.spec;
  const volume = (name: string) => spec.volumes.find((v: any) => v.name === name);
  expect(volume('program').configMap.name).toBe(program.configMapName);
  const script = Testing.synth(chart).find((m) => m.kind === 'ConfigMap').data['bootstrap.js'];
  const planJson = control.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume('plan').configMap.name).data['plan.json'];
  const synth: Synthesized = { script, planJson, manifests: control, roles: control.filter((o) => o.kind === 'Role').map((r) => ({ namespace: r.metadata.namespace, rules: r.rules })) };

  const w = await World.start(synth);
  world = w;
  const workerRoles: FakeRole[] = worker.filter((o) => o.kind === 'Role').map((r) => ({ namespace: r.metadata.namespace, rules: r.rules }));
  const r = new FakeKubernetes(w, { token: WORKER_TOKEN, roles: workerRoles, tls: cert, name: 'fake Kubernetes of gpu-eu-1' });
  await r.start();
  remote = r;

  // The kubelet's part: every projected Secret item of the Job's volumes as a file under `root`, from the
  // Secrets the operator provides in the control plane (the worker access's token, the worker's CA).
  const provided: Record<string, Record<string, string>> = { 'gpu-eu-1-bootstrap-token-acme': { token: `${WORKER_TOKEN}\n` }, 'gpu-eu-1-ca': { 'ca.crt': cert.cert } };
  const root = join(w.dir, 'root');
  const mount = spec.containers[0].volumeMounts;
  for (const v of spec.volumes.filter((x: any) => x.projected)) {
    const at = mount.find((m: any) => m.name === v.name).mountPath;
    for (const source of v.projected.sources) {
      for (const item of source.secret.items) {
        const file = join(root, at, item.path);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, provided[source.secret.name][item.key]);
      }
    }
  }
  // The plan as synth wrote it, under `root`, with the fake's address for the worker's API server.
  const planned: BootstrapPlan = JSON.parse(planJson);
  expect(planned.targets).toHaveLength(1);
  const targets = planned.targets!.map((t) => {
    const k = t.kubernetes!;
    expect(existsSync(join(root, k.tokenFile))).toBe(true);
    expect(existsSync(join(root, k.caFile!))).toBe(true);
    return { ...t, kubernetes: { url: r.url, tokenFile: join(root, k.tokenFile), caFile: join(root, k.caFile!) } };
  });
  w.setPlan({ targets });

  const first = await w.runChild();
  expect(first).toMatchObject({ code: EXIT.converged, stderr: [] });
  // the worker cluster: the agent and router credentials, its own keys; nothing of the control plane
  expect([...r.secrets.keys()].sort()).toEqual([`acme/${BOOTSTRAP_SECRETS.agent.name}`, `acme/${BOOTSTRAP_SECRETS.router.name}`]);
  const admin = w.admin()!;
  for (const [kind, key] of [['agent', 'agentk8sglue_key'], ['router', 'access_key']] as const) {
    const stored = r.get('acme', BOOTSTRAP_SECRETS[kind].name)!.data[key];
    expect(w.clearml.keys.find((k) => k.access_key === stored)).toMatchObject({ revoked: false, user: admin.id, label: `clearml-tenancy:${kind}@gpu-eu-1` });
  }
  // the control plane: the ledger and the admin credentials only
  expect(w.kube.get(LEDGER_NAMESPACE, LEDGER)).toBeDefined();
  expect([...w.kube.secrets.keys()].filter((k) => k.startsWith('acme/'))).toEqual([`acme/${BOOTSTRAP_SECRETS.admin.name}`]);

  const changes = { clearml: w.clearml.changes.length, own: w.kube.changes.length, remote: r.changes.length };
  const second = await w.runChild();
  expect(second).toMatchObject({ code: EXIT.converged, stderr: [] });
  expect(w.clearml.changes.slice(changes.clearml).filter((c) => !World.repeatable(c))).toEqual([]);
  expect(w.kube.changes.length).toBe(changes.own);
  expect(r.changes.length).toBe(changes.remote);
  expectNoSecretPrinted(w, first, second);
  expect([...first.stdout, ...second.stdout].join('\n')).not.toContain(WORKER_TOKEN);
});
