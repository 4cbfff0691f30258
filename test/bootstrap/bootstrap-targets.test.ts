/**
 * Contract section 7 (several clusters): the bootstrap, run as `node bootstrap.js` on the very file synth puts
 * into the Job's ConfigMap, against a fake ClearML and TWO fake Kubernetes APIs: the Job's own cluster (plain
 * http, the harness's) and a GPU worker cluster served over https with its own CA, token and Roles. The plan
 * lists two targets: the worker cluster (`gpu-eu-1`, reached through `kubernetes {url, tokenFile, caFile}`)
 * and the Job's own cluster (`local`, no `kubernetes`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOOTSTRAP_SECRETS, BootstrapPlan, BootstrapTarget, GENERATION_ANNOTATION } from '../../lib/programs/bootstrap/plan';
import { EXIT } from '../../lib/programs/common/exit-codes';
import { FakeKubernetes, FakeRole } from './fakes/fake-kubernetes';
import { FaultRule } from './fakes/faults';
import { TlsIdentity } from './fakes/http-server';
import { expectBootstrapped, expectDecommissioned, expectNoSecretPrinted, LEDGER, LEDGER_NAMESPACE, RunResult, synthesize, Synthesized, World } from './harness';

jest.setTimeout(60_000);

const REMOTE_TOKEN = 'gpu-eu-1-token-do-not-print';
const AGENT = BOOTSTRAP_SECRETS.agent.name;
const ROUTER = BOOTSTRAP_SECRETS.router.name;
const ADMIN = BOOTSTRAP_SECRETS.admin.name;

/** Section 2's tenant-namespace rights for the agent and router Secrets: what the worker cluster's ServiceAccount has. */
const REMOTE_ROLES: FakeRole[] = [
  {
    namespace: 'acme',
    rules: [
      { apiGroups: [''], resources: ['secrets'], resourceNames: [AGENT, ROUTER], verbs: ['get', 'update'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ],
  },
];

let synth: Synthesized;
let certDir: string;
let tls: TlsIdentity;
let otherCa: string;
let world: World | undefined;
let remote: FakeKubernetes | undefined;

/** A self-signed certificate for 127.0.0.1 (the worker cluster's API server and its CA at once). */
function selfSigned(name: string): { key: string; cert: string; certFile: string } {
  const keyFile = join(certDir, `${name}.key`);
  const certFile = join(certDir, `${name}.crt`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

beforeAll(() => {
  synth = synthesize();
  certDir = mkdtempSync(join(tmpdir(), 'clearml-targets-'));
  const server = selfSigned('gpu-eu-1');
  tls = { key: server.key, cert: server.cert };
  otherCa = selfSigned('other').certFile;
});

afterAll(() => rmSync(certDir, { recursive: true, force: true }));

afterEach(async () => {
  await world?.stop();
  await remote?.stop();
  world = undefined;
  remote = undefined;
});

function last(result: RunResult): string {
  return result.stderr[result.stderr.length - 1] ?? '';
}

/** Both clusters up, and the plan with the two targets (the worker cluster first). */
async function start(): Promise<{ w: World; r: FakeKubernetes }> {
  const w = await World.start(synth);
  const r = new FakeKubernetes(w, { token: REMOTE_TOKEN, roles: REMOTE_ROLES, tls, name: 'fake Kubernetes of gpu-eu-1' });
  await r.start();
  writeFileSync(join(w.dir, 'gpu-eu-1-token'), `${REMOTE_TOKEN}\n`);
  fixTargets(w, r);
  // Like the harness does for the Job's own cluster: a key revoked while a Secret of the worker cluster holds it.
  const own = w.clearml.onRevoke;
  w.clearml.onRevoke = (key) => {
    own?.(key);
    if (w.plan.state === 'decommissioned') return;
    if ([...r.secrets.values()].some((s) => Object.values(s.data).includes(key.access_key)) && w.plan.targets?.some((t) => t.cluster === 'gpu-eu-1')) w.revokedWhileStored.push(key.access_key);
  };
  world = w;
  remote = r;
  return { w, r };
}

/** Sets the plan's two targets: gpu-eu-1 at the worker cluster's (current) address, with its token and CA files; local. */
function fixTargets(w: World, r: FakeKubernetes, caFile = join(certDir, 'gpu-eu-1.crt')): void {
  const list: BootstrapTarget[] = [
    { cluster: 'gpu-eu-1', namespace: 'acme', kubernetes: { url: r.url, tokenFile: join(w.dir, 'gpu-eu-1-token'), caFile } },
    { cluster: 'local', namespace: 'acme' },
  ];
  w.setPlan({ targets: list });
}

/** The live labelled keys of the tenant admin. */
function labelled(w: World): { access_key: string; label?: string }[] {
  return w.clearml.liveKeys(w.admin()!.id).filter((k) => k.label?.startsWith('clearml-tenancy:'));
}

/**
 * The end state of section 7: the ledger and the admin credentials in the Job's own cluster only; each target's
 * agent and router credentials in its own cluster's namespace, its own live keys with its labels; no orphans.
 */
function expectTargetsBootstrapped(w: World, r: FakeKubernetes, plan: BootstrapPlan = w.plan): void {
  const admin = w.admin()!;
  const company = w.company()!;
  expect(w.secret('ledger')?.data).toEqual({ company_id: company.id, admin_user_id: admin.id });
  expect(w.revokedWhileStored).toEqual([]);
  const stored: string[] = [];
  const adminSecret = w.kube.get('acme', ADMIN)!;
  expect(w.clearml.keys.find((k) => k.access_key === adminSecret.data.access_key)).toMatchObject({ revoked: false, user: admin.id, label: 'clearml-tenancy:admin', secret_key: adminSecret.data.secret_key });
  stored.push(adminSecret.data.access_key);
  const clusters: Record<string, FakeKubernetes> = { 'gpu-eu-1': r, local: w.kube };
  for (const target of plan.targets ?? []) {
    const kube = clusters[target.cluster];
    for (const [name, kind, accessKey, secretKey] of [
      [AGENT, 'agent', 'agentk8sglue_key', 'agentk8sglue_secret'],
      [ROUTER, 'router', 'access_key', 'secret_key'],
    ] as const) {
      const secret = kube.get(target.namespace, name);
      expect(secret).toBeDefined();
      expect(Number(secret!.annotations[GENERATION_ANNOTATION] ?? '1')).toBeGreaterThanOrEqual(plan.credentialsGeneration ?? 1);
      const key = w.clearml.keys.find((k) => k.access_key === secret!.data[accessKey]);
      expect(key).toMatchObject({ revoked: false, user: admin.id, label: `clearml-tenancy:${kind}@${target.cluster}`, secret_key: secret!.data[secretKey] });
      stored.push(key!.access_key);
    }
  }
  expect(new Set(stored).size).toBe(stored.length);
  // no orphans: every live labelled key is stored somewhere
  expect(labelled(w).map((k) => k.access_key).sort()).toEqual([...stored].sort());
  // nothing of the control plane in the worker cluster: no ledger, no admin credentials
  expect([...r.secrets.values()].map((s) => `${s.namespace}/${s.name}`).sort()).toEqual([`acme/${AGENT}`, `acme/${ROUTER}`]);
  expect(r.calls.filter((c) => c.includes(LEDGER) || c.includes(ADMIN))).toEqual([]);
}

describe('contract section 7: several clusters (targets)', () => {
  test("stores each target's own keys in its own cluster (the worker cluster over https with its own token and CA); a second run changes nothing in either", async () => {
    const { w, r } = await start();

    const first = await w.runChild();

    expect(first).toMatchObject({ code: EXIT.converged, stderr: [] });
    expectTargetsBootstrapped(w, r);
    // the agent and router keys are per cluster: four keys, two labels each
    expect(labelled(w).map((k) => k.label).sort()).toEqual([
      'clearml-tenancy:admin',
      'clearml-tenancy:agent@gpu-eu-1',
      'clearml-tenancy:agent@local',
      'clearml-tenancy:router@gpu-eu-1',
      'clearml-tenancy:router@local',
    ]);
    expect(first.stdout).toContain('target cluster gpu-eu-1: agent and router credentials in namespace acme converged');
    expect(first.stdout.some((l) => l.includes('agent credentials Secret acme/clearml-agent-credentials in cluster gpu-eu-1: created'))).toBe(true);

    // WHEN it runs again THEN nothing changes in ClearML or in either cluster
    const changes = { clearml: w.clearml.changes.length, own: w.kube.changes.length, remote: r.changes.length };
    const second = await w.runChild();
    expect(second).toMatchObject({ code: EXIT.converged, stderr: [] });
    expect(w.clearml.changes.slice(changes.clearml).filter((c) => !World.repeatable(c))).toEqual([]);
    expect(w.kube.changes.length).toBe(changes.own);
    expect(r.changes.length).toBe(changes.remote);
    // the converged worker cluster was only read
    expect(r.calls.slice(-2)).toEqual([`GET ${AGENT}`, `GET ${ROUTER}`]);
    expectNoSecretPrinted(w, first, second);
    expect([...first.stdout, ...second.stdout, ...first.stderr].join('\n')).not.toContain(REMOTE_TOKEN);
  });

  test('an unreachable worker cluster is transient: exit 1, the other target converges; once it is back, a run converges with no orphan key', async () => {
    const { w, r } = await start();
    await r.stop(); // the worker cluster's API server is down

    const first = await w.runChild();

    expect(first.code).toBe(EXIT.transient);
    expect(last(first)).toMatch(/1 of 2 target clusters not converged: gpu-eu-1: .*(ECONNREFUSED|gave up)/);
    // the Job's own cluster got its target's keys; the queues were still made
    expect(w.kube.get('acme', AGENT)).toBeDefined();
    expect(w.clearml.queues.filter((q) => q.company === w.company()!.id)).toHaveLength(w.plan.queues.length);
    expect(labelled(w).some((k) => k.label?.endsWith('@gpu-eu-1'))).toBe(false);

    // WHEN the worker cluster is back (same token and CA, a new address) and the Job runs again
    await r.start();
    fixTargets(w, r);
    const second = await w.runChild();
    expect(second).toMatchObject({ code: EXIT.converged, stderr: [] });
    expectTargetsBootstrapped(w, r);
  });

  test.each<[string, FaultRule[], FaultRule[]]>([
    ['the worker cluster loses the answer of a create, the own cluster answers 500', [{ call: `POST ${AGENT}`, kind: 'lost' }], [{ call: `POST ${ROUTER}`, kind: 'http500', times: 2 }]],
    ['the worker cluster resets every create until the deadline', [{ call: `POST ${ROUTER}`, kind: 'reset', times: 10_000 }], []],
    ['the worker cluster hangs on a read, the own cluster resets a read', [{ call: `GET ${AGENT}`, kind: 'hang', times: 3 }], [{ call: `GET ${ROUTER}`, kind: 'reset' }]],
    ['the worker cluster applies a create and the Job dies', [{ call: `POST ${ROUTER}`, kind: 'crash-after' }], []],
    ['the Job dies as its create reaches the worker cluster (the key made is an orphan)', [{ call: `POST ${AGENT}`, kind: 'crash-before' }], []],
  ])('faults per target survived (%s): running again converges, no orphan key', async (_name, remoteFaults, ownFaults) => {
    const { w, r } = await start();
    r.faults.add(...remoteFaults);
    w.kube.faults.add(...ownFaults);

    const results: RunResult[] = [];
    for (let i = 0; i < 4; i += 1) {
      const result = await w.runChild({ BOOTSTRAP_DEADLINE_SECONDS: '2' });
      results.push(result);
      if (result.code === EXIT.converged) break;
      expect(result.code === EXIT.transient || result.code === null).toBe(true);
      r.faults.clear();
      w.kube.faults.clear();
    }
    expect(results[results.length - 1].code).toBe(EXIT.converged);
    expect(r.faults.fired.length + w.kube.faults.fired.length).toBeGreaterThan(0);
    expectTargetsBootstrapped(w, r);
    expectNoSecretPrinted(w, ...results);
  });

  test('a target removed from the plan has its keys revoked; the other target is left alone', async () => {
    const { w, r } = await start();
    expect((await w.runChild()).code).toBe(EXIT.converged);
    const remoteKeys = [r.get('acme', AGENT)!.data.agentk8sglue_key, r.get('acme', ROUTER)!.data.access_key];
    const localKeys = [w.kube.get('acme', AGENT)!.data.agentk8sglue_key, w.kube.get('acme', ROUTER)!.data.access_key];
    const own = w.kube.changes.length;

    // WHEN gpu-eu-1 leaves the plan (its API server may be gone for good: it is not contacted)
    w.setPlan({ targets: [{ cluster: 'local', namespace: 'acme' }] });
    await r.stop();
    const result = await w.runChild();

    // THEN its keys are revoked, the local target's kept, and nothing changed in the own cluster
    expect(result).toMatchObject({ code: EXIT.converged, stderr: [] });
    for (const k of remoteKeys) expect(w.clearml.keys.find((x) => x.access_key === k)!.revoked).toBe(true);
    for (const k of localKeys) expect(w.clearml.keys.find((x) => x.access_key === k)!.revoked).toBe(false);
    expect(w.kube.changes.length).toBe(own);
    expect(result.stdout.some((l) => l.startsWith('orphaned credentials: revoked') && remoteKeys.every((k) => l.includes(k)))).toBe(true);
    expect(labelled(w).map((k) => k.label).sort()).toEqual(['clearml-tenancy:admin', 'clearml-tenancy:agent@local', 'clearml-tenancy:router@local']);
  });

  test('rotation per target: a higher generation replaces each target Secret in its own cluster, then revokes the old key', async () => {
    const { w, r } = await start();
    expect((await w.runChild()).code).toBe(EXIT.converged);
    const old = r.get('acme', AGENT)!.data.agentk8sglue_key;

    w.setPlan({ credentialsGeneration: 2 });
    const result = await w.runChild();

    expect(result).toMatchObject({ code: EXIT.converged, stderr: [] });
    const now = r.get('acme', AGENT)!;
    expect(now.data.agentk8sglue_key).not.toBe(old);
    expect(now.annotations[GENERATION_ANNOTATION]).toBe('2');
    expect(r.updates.map((u) => u.name).sort()).toEqual([AGENT, ROUTER]);
    expect(w.clearml.keys.find((k) => k.access_key === old)!.revoked).toBe(true);
    expectTargetsBootstrapped(w, r);
  });

  test("a worker cluster whose CA is not the one given is a permanent failure of that target (exit 2) and no key of it stays alive", async () => {
    const { w, r } = await start();
    fixTargets(w, r, otherCa);

    const result = await w.runChild();

    expect(result.code).toBe(EXIT.permanent);
    expect(last(result)).toMatch(/gpu-eu-1: .*TLS trust failure/);
    expect(r.calls).toEqual([]);
    // nothing made for gpu-eu-1 stays alive once the next run (with the right CA) converges
    fixTargets(w, r);
    expect((await w.runChild()).code).toBe(EXIT.converged);
    expectTargetsBootstrapped(w, r);
  });

  test('decommissioning revokes every key, the targets’ included', async () => {
    const { w } = await start();
    expect((await w.runChild()).code).toBe(EXIT.converged);
    w.setPlan({ state: 'decommissioned' });
    const result = await w.runChild();
    expect(result).toMatchObject({ code: EXIT.converged, stderr: [] });
    expectDecommissioned(w);
    expect(labelled(w)).toEqual([]);
  });

  test('bad targets are refused with every problem named, before any call', async () => {
    const w = await World.start(synth);
    world = w;
    w.setPlan({
      targets: [
        { cluster: 'GPU_EU', namespace: 'acme', kubernetes: { url: 'ftp://x', tokenFile: 'token' } },
        { cluster: 'local', namespace: LEDGER_NAMESPACE },
        { cluster: 'local', namespace: 'acme', extra: 1 },
        { cluster: 'gpu-us-1', namespace: 'acme', kubernetes: { url: 'https://gpu-us-1.example:6443', tokenFile: '/t' } },
      ] as never,
    });

    const result = await w.runChild();

    expect(result.code).toBe(EXIT.permanent);
    const text = last(result);
    expect(text).toMatch(/targets\[0\]\.cluster must be a cluster name: lower-case letters, digits and "-"/);
    expect(text).toMatch(/targets\[0\]\.kubernetes\.url must be the API server's https:\/\/ URL, got "ftp:\/\/x"/);
    expect(text).toMatch(/targets\[0\]\.kubernetes\.tokenFile must be the absolute path of the mounted ServiceAccount token, got "token"/);
    expect(text).toMatch(/targets\[1\]\.namespace must be another namespace than ledgerNamespace in the Job's own cluster/);
    expect(text).toMatch(/targets\[2\]\.extra must be absent/);
    expect(text).toMatch(/targets\[2\]\.cluster must be a cluster not listed before \(targets\[1\] has it already\)/);
    expect(text).toMatch(/targets\[3\]\.kubernetes\.caFile must be set for an https:\/\/ API server/);
    expect(w.clearml.calls).toEqual([]);
    expect(w.kube.calls).toEqual([]);

    w.setPlan({ targets: [] });
    const empty = await w.runChild();
    expect(empty.code).toBe(EXIT.permanent);
    expect(last(empty)).toMatch(/targets must be a non-empty list/);
  });

  test('a plan that gains targets keeps the single-cluster keys while their Secrets hold them, and revokes each once its Secret is gone', async () => {
    const w = await World.start(synth);
    world = w;
    expect((await w.runChild()).code).toBe(EXIT.converged);
    const oldAgent = w.kube.get('acme', AGENT)!.data.agentk8sglue_key;
    const oldRouter = w.kube.get('acme', ROUTER)!.data.access_key;
    const r = new FakeKubernetes(w, { token: REMOTE_TOKEN, roles: REMOTE_ROLES, tls, name: 'fake Kubernetes of gpu-eu-1' });
    remote = r;
    await r.start();
    writeFileSync(join(w.dir, 'gpu-eu-1-token'), `${REMOTE_TOKEN}\n`);
    fixTargets(w, r);
    w.setPlan({ targets: w.plan.targets!.filter((t) => t.cluster === 'gpu-eu-1') });

    const result = await w.runChild();

    expect(result).toMatchObject({ code: EXIT.converged, stderr: [] });
    expect(w.revokedWhileStored).toEqual([]);
    expect(labelled(w).map((k) => k.label).sort()).toEqual(['clearml-tenancy:admin', 'clearml-tenancy:agent', 'clearml-tenancy:agent@gpu-eu-1', 'clearml-tenancy:router', 'clearml-tenancy:router@gpu-eu-1']);
    expect(r.get('acme', AGENT)!.data.agentk8sglue_key).not.toBe(oldAgent);

    // WHEN the old agent Secret is deleted THEN the next run revokes its key, and only that one
    w.kube.delete('acme', AGENT);
    expect((await w.runChild()).code).toBe(EXIT.converged);
    expect(w.clearml.keys.find((k) => k.access_key === oldAgent)!.revoked).toBe(true);
    expect(w.clearml.keys.find((k) => k.access_key === oldRouter)!.revoked).toBe(false);
    expect(w.revokedWhileStored).toEqual([]);
  });

  test('a plan without targets behaves as before: the three Secrets in the tenant namespace, labels without a cluster', async () => {
    const w = await World.start(synth);
    world = w;
    expect(w.plan.targets).toBeUndefined();
    const result = await w.runChild();
    expect(result).toMatchObject({ code: EXIT.converged, stderr: [] });
    expectBootstrapped(w);
    expect(labelled(w).map((k) => k.label).sort()).toEqual(['clearml-tenancy:admin', 'clearml-tenancy:agent', 'clearml-tenancy:router']);
    expect(result.stdout.some((l) => l.startsWith('target cluster'))).toBe(false);
  });
});
