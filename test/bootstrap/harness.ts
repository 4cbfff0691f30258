/**
 * Runs the bootstrap program that synth puts into the ConfigMap against the fakes of ClearML and Kubernetes:
 * as a child process (`node bootstrap.js`, the way the Job runs it) or in-process (the same file, required,
 * calling its exported `run`), and checks the contract's invariants on the fakes' state.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { BOOTSTRAP_SECRETS, BootstrapPlan, bootstrapLedgerName, GENERATION_ANNOTATION } from '../../lib/programs/bootstrap/plan';
import { BootstrapProgram } from '../../lib/components/bootstrap-program/bootstrap-program';
import { TenantBootstrapPlan } from '../../lib/tenant/bootstrap-plan';
import { TenantBootstrap } from '../../lib/tenant/tenant-bootstrap';
import { FakeClearml, FakeClearmlOptions, SUPERVISOR } from './fakes/fake-clearml';
import { Lifeline } from './fakes/faults';
import { FakeKubernetes, FakeRole } from './fakes/fake-kubernetes';

/** The ClearML calls a fresh run makes (`auth.revoke_credentials` only follows a failure). */
export const CLEARML_CALLS = [
  'system.get_companies',
  'system.create_company',
  'system.update_company_settings',
  'auth.create_user',
  'users.get_by_id',
  'login.get_settings',
  'login.set_domains',
  'login.add_whitelist_entries',
  'auth.create_credentials',
  'auth.get_credentials',
  'queues.get_all',
  'queues.create',
];
/** Calls of the lifecycle runs (rotation, suspension, decommissioning) on top of a fresh run's. */
export const LIFECYCLE_CALLS = ['auth.revoke_credentials', 'login.remove_whitelist_entries', 'users.get_all'];

/** The Job's own (server) namespace, where the ledger is. */
export const LEDGER_NAMESPACE = 'clearml';
export const LEDGER = bootstrapLedgerName('acme');
/** The credential Secrets of the tenant namespace. */
export const CREDENTIAL_SECRETS: readonly string[] = (['admin', 'agent', 'router'] as const).map((k) => BOOTSTRAP_SECRETS[k].name);
/** The Kubernetes calls of a fresh run: the ledger and each credential Secret read and created, the version-1 ledger read. */
export const KUBE_CALLS = [`GET ${LEDGER}`, `POST ${LEDGER}`, `GET ${BOOTSTRAP_SECRETS.ledger.name}`, ...CREDENTIAL_SECRETS.flatMap((n) => [`GET ${n}`, `POST ${n}`])];
/** The Kubernetes updates of the lifecycle runs. */
export const KUBE_UPDATES = [`PUT ${LEDGER}`, ...CREDENTIAL_SECRETS.map((n) => `PUT ${n}`)];

/** The plan synth would write for acme (contract version 2, section 5). */
export const PLAN: TenantBootstrapPlan = {
  tenant: 'acme',
  namespace: 'acme',
  ledgerNamespace: LEDGER_NAMESPACE,
  state: 'active',
  credentialsGeneration: 1,
  admin: { name: 'Acme Admin', email: 'admin@acme.com', internal: false },
  companyDefaults: { allowed_users: 10, features: ['experiments'], exclude_features: ['app_management'] },
  companySettings: { features: ['experiments'] },
  domains: ['acme.com'],
  queues: ['default', 'gpu-fraction-1_00', 'gpu-fraction-0_50'],
  whitelist: [],
};

/** The whitelist the version-2 tests route (PLAN has none). */
export const PLAN_V2 = {
  whitelist: [
    { emails: ['lead@partner.org'], isAdmin: true },
    { emails: ['dev@partner.org', 'ops@partner.org'], isAdmin: false },
  ],
} as const;

/** The synthesized plan with a whitelist (and `changes`) over it; `admin.internal` true. */
export function planV2(synthesized: BootstrapPlan, changes: Partial<BootstrapPlan> = {}): BootstrapPlan {
  return { ...synthesized, ...PLAN_V2, admin: { ...synthesized.admin, internal: true }, ...changes };
}

const TOKEN = 'service-account-token-do-not-print';

/** What synth wrote for one tenant: the ConfigMap's two files and the objects the Job relies on. */
export interface Synthesized {
  readonly script: string;
  readonly planJson: string;
  readonly manifests: readonly any[];
  /** The Roles synth wrote for the Job: exactly what the fake Kubernetes grants. */
  readonly roles: readonly FakeRole[];
}

export function synthesize(plan: TenantBootstrapPlan = PLAN): Synthesized {
  const chart = Testing.chart();
  new TenantBootstrap(chart, 'Bootstrap', {
    plan,
    jobNamespace: 'clearml',
    apiUrl: 'http://clearml-apiserver.clearml.svc:8008',
    supervisorSecret: { name: 'clearml-supervisor-credentials', accessKeyKey: 'access_key', secretKeyKey: 'secret_key' },
    image: 'node:20-alpine@sha256:fb4cd12c85ee03686f6af5362a0b0d56d50c58a04632e6c0fb8363f609372293',
  });
  new BootstrapProgram(chart, 'Program', { namespace: 'clearml' });
  const manifests = Testing.synth(chart);
  const job = manifests.find((m) => m.kind === 'Job');
  // The two ConfigMaps the Job mounts: the shared program and the tenant's plan.
  const mounted = (volume: string) => manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === job.spec.template.spec.volumes.find((v: any) => v.name === volume).configMap.name);
  const roles: FakeRole[] = manifests.filter((m) => m.kind === 'Role').map((r) => ({ namespace: r.metadata.namespace, rules: r.rules }));
  return { script: mounted('program').data['bootstrap.js'], planJson: mounted('plan').data['plan.json'], manifests, roles };
}

export interface RunResult {
  /** Exit status; null when the process was killed. */
  readonly code: number | null;
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
}

/** Both fakes, the program's files in a temp dir, and the means to run it and kill it mid-run. */
export class World implements Lifeline {
  down = false;
  readonly clearml: FakeClearml;
  readonly kube: FakeKubernetes;
  readonly dir: string;
  /** The plan the next run gets (the synthesized one with the version-2 fields over it). */
  plan: BootstrapPlan;
  /** Keys revoked while a Secret held them (the contract: never, outside decommissioning). */
  readonly revokedWhileStored: string[] = [];
  private onCrash?: () => void;
  private program?: Program;

  static async start(synth: Synthesized, options: FakeClearmlOptions = {}): Promise<World> {
    const world = new World(synth, options);
    await world.clearml.start();
    await world.kube.start();
    return world;
  }

  private constructor(
    readonly synth: Synthesized,
    options: FakeClearmlOptions,
  ) {
    this.plan = planV2(JSON.parse(synth.planJson));
    this.clearml = new FakeClearml(this, options);
    this.kube = new FakeKubernetes(this, { token: TOKEN, roles: synth.roles });
    this.dir = mkdtempSync(join(tmpdir(), 'clearml-bootstrap-'));
    writeFileSync(join(this.dir, 'bootstrap.js'), synth.script);
    this.setPlan({});
    writeFileSync(join(this.dir, 'token'), `${TOKEN}\n`);
    this.clearml.onRevoke = (key) => {
      if (this.plan.state === 'decommissioned') return;
      const held = [...this.kube.secrets.values()].some((s) => Object.values(s.data).includes(key.access_key));
      if (held) this.revokedWhileStored.push(key.access_key);
    };
  }

  /** Changes the plan of the next runs (over the current one). */
  setPlan(changes: Partial<BootstrapPlan>): void {
    this.plan = { ...this.plan, ...changes };
    writeFileSync(join(this.dir, 'plan.json'), `${JSON.stringify(this.plan, null, 2)}\n`);
  }

  crash(): void {
    this.down = true;
    this.onCrash?.();
  }

  async stop(): Promise<void> {
    await this.clearml.stop();
    await this.kube.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The Job's environment, pointed at the fakes, with short timings for tests. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      CLEARML_API_URL: this.clearml.url,
      CLEARML_API_ACCESS_KEY: SUPERVISOR.accessKey,
      CLEARML_API_SECRET_KEY: SUPERVISOR.secretKey,
      BOOTSTRAP_PLAN_FILE: join(this.dir, 'plan.json'),
      KUBERNETES_API_URL: this.kube.url,
      KUBERNETES_TOKEN_FILE: join(this.dir, 'token'),
      BOOTSTRAP_DEADLINE_SECONDS: '10',
      BOOTSTRAP_GRACE_SECONDS: '5',
      BOOTSTRAP_REQUEST_TIMEOUT_MS: '250',
      BOOTSTRAP_RETRY_BASE_MS: '2',
      BOOTSTRAP_RETRY_MAX_MS: '20',
      ...extra,
    };
  }

  /** `node bootstrap.js`, as the Job runs it. */
  runChild(extra: Record<string, string> = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(this.dir, 'bootstrap.js')], { env: { PATH: process.env.PATH ?? '', ...this.env(extra) }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      this.onCrash = () => child.kill('SIGKILL');
      child.on('error', reject);
      child.on('close', (code) => {
        this.onCrash = undefined;
        this.down = false;
        resolve({ code, stdout: lines(stdout), stderr: lines(stderr) });
      });
    });
  }

  /** The same file, required into this process, run through its exported `run`; a crash aborts it. */
  async runInProcess(extra: Record<string, string> = {}): Promise<RunResult> {
    this.program ??= loadProgram(this.synth.script, join(this.dir, 'bootstrap.js'));
    const stop = new AbortController();
    this.onCrash = () => stop.abort();
    const stdout: string[] = [];
    const stderr: string[] = [];
    try {
      const code = await this.program!.run(this.env(extra), { out: (l) => stdout.push(l), err: (l) => stderr.push(l) }, stop.signal);
      return { code: stop.signal.aborted ? null : code, stdout, stderr };
    } finally {
      this.onCrash = undefined;
      this.down = false;
    }
  }

  /** The company named after the tenant (the only one, checked by expectBootstrapped). */
  company() {
    return this.clearml.companies.find((c) => c.name === this.plan.tenant);
  }

  admin() {
    return this.clearml.users.find((u) => u.email === this.plan.admin.email);
  }

  /** A Secret of the contract: the version-2 ledger (`ledger`), the version-1 one (`v1Ledger`), or a credential Secret. */
  secret(kind: keyof typeof BOOTSTRAP_SECRETS | 'v1Ledger') {
    if (kind === 'ledger') return this.kube.get(LEDGER_NAMESPACE, LEDGER);
    if (kind === 'v1Ledger') return this.kube.get(this.plan.namespace, BOOTSTRAP_SECRETS.ledger.name);
    return this.kube.get(this.plan.namespace, BOOTSTRAP_SECRETS[kind].name);
  }

  /** Every ClearML request made as (impersonating or acting as) `user`. */
  requestsAs(user: string) {
    return this.clearml.requests.filter((r) => r.impersonate === user || r.actAs === user);
  }

  /** Changes that a repeated run may make again: calls that set a value. */
  static repeatable(change: string): boolean {
    return change.startsWith('update_company_settings ');
  }
}

type Program = { run: (env: Record<string, string>, output: { out(l: string): void; err(l: string): void }, signal?: AbortSignal) => Promise<number> };
const loaded = new Map<string, Program>();

/** Requires the program file once per distinct text (the randomized test runs it in hundreds of worlds). */
function loadProgram(script: string, file: string): Program {
  let program = loaded.get(script);
  if (!program) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    program = require(file) as Program;
    loaded.set(script, program);
  }
  return program;
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

const CREDENTIALS = [
  { kind: 'admin', label: 'clearml-tenancy:admin', accessKey: 'access_key', secretKey: 'secret_key' },
  { kind: 'agent', label: 'clearml-tenancy:agent', accessKey: 'agentk8sglue_key', secretKey: 'agentk8sglue_secret' },
  { kind: 'router', label: 'clearml-tenancy:router', accessKey: 'access_key', secretKey: 'secret_key' },
] as const;

/** The contract's end state (section 4) for an active or suspended plan, checked on the fakes. */
export function expectBootstrapped(world: World): void {
  const { plan, clearml, kube } = world;
  const companies = clearml.companies.filter((c) => c.name === plan.tenant);
  expect(companies).toHaveLength(1);
  const company = companies[0];
  const admins = clearml.users.filter((u) => u.email === plan.admin.email);
  expect(admins).toHaveLength(1);
  const admin = admins[0];
  expect(admin).toMatchObject({ company: company.id, role: 'admin', name: plan.admin.name });
  if (plan.admin.internal) expect(admin.internal).toBe(true);
  for (const name of plan.queues) expect(clearml.queues.filter((q) => q.company === company.id && q.name === name)).toHaveLength(1);
  const active = (plan.state ?? 'active') === 'active';
  expect(company.domains).toEqual(active ? plan.domains : []);
  const whitelist = active ? (plan.whitelist ?? []).flatMap((w) => w.emails.map((email) => ({ email, is_admin: w.isAdmin }))) : [];
  expect([...company.whitelist].sort((a, b) => a.email.localeCompare(b.email))).toEqual(whitelist.sort((a, b) => a.email.localeCompare(b.email)));
  expect(company.settings).toMatchObject(plan.companySettings);

  expect(world.secret('ledger')?.data).toEqual({ company_id: company.id, admin_user_id: admin.id });
  // nothing the bootstrap writes goes into the tenant namespace but the credential Secrets
  expect([...kube.secrets.values()].filter((s) => s.namespace === plan.namespace && !CREDENTIAL_SECRETS.includes(s.name) && s.name !== BOOTSTRAP_SECRETS.ledger.name)).toEqual([]);
  expect(world.revokedWhileStored).toEqual([]);
  const stored = new Set<string>();
  for (const c of CREDENTIALS) {
    const secret = world.secret(c.kind);
    expect(secret).toBeDefined();
    expect(Object.keys(secret!.data).sort()).toEqual([c.accessKey, c.secretKey].sort());
    expect(Number(secret!.annotations[GENERATION_ANNOTATION] ?? '1')).toBeGreaterThanOrEqual(plan.credentialsGeneration ?? 1);
    const key = clearml.keys.find((k) => k.access_key === secret!.data[c.accessKey]);
    // alive, the admin's, made by the bootstrap for this purpose, and the Secret holds its secret
    expect(key).toMatchObject({ revoked: false, user: admin.id, label: c.label, secret_key: secret!.data[c.secretKey] });
    stored.add(key!.access_key);
  }
  expect(stored.size).toBe(3);
  // no orphans: the live keys with the bootstrap's labels are exactly the stored ones
  const labelled = clearml.liveKeys(admin.id).filter((k) => k.label?.startsWith('clearml-tenancy:'));
  expect(labelled.map((k) => k.access_key).sort()).toEqual([...stored].sort());
  // the supervisor got no keys of its own
  expect(clearml.liveKeys(SUPERVISOR.user).map((k) => k.access_key)).toEqual([SUPERVISOR.accessKey]);
  // each Secret was created at most once (a Map holds one per name; the log shows no second create)
  // (since it was last deleted by hand, if it was)
  const creates = (where: string) => kube.changes.slice(kube.changes.lastIndexOf(`delete secret ${where}`) + 1).filter((c) => c === `create secret ${where}`).length;
  for (const name of CREDENTIAL_SECRETS) expect(creates(`${plan.namespace}/${name}`)).toBeLessThanOrEqual(1);
  expect(creates(`${LEDGER_NAMESPACE}/${LEDGER}`)).toBeLessThanOrEqual(1);
}

/** The decommissioned end state: no routing, no live key of any user of the company, the ledger marked. */
export function expectDecommissioned(world: World): void {
  const { plan, clearml } = world;
  const company = world.company()!;
  expect(company).toBeDefined();
  expect(company.domains).toEqual([]);
  expect(company.whitelist).toEqual([]);
  const users = clearml.users.filter((u) => u.company === company.id).map((u) => u.id);
  expect(users.length).toBeGreaterThan(0);
  expect(clearml.keys.filter((k) => users.includes(k.user) && !k.revoked)).toEqual([]);
  expect(world.secret('ledger')?.data).toMatchObject({ company_id: company.id, state: 'decommissioned' });
  // the supervisor keeps its key, and nobody outside the company lost one
  expect(clearml.liveKeys(SUPERVISOR.user).map((k) => k.access_key)).toEqual([SUPERVISOR.accessKey]);
  expect(plan.state).toBe('decommissioned');
}

/** No secret value of the fakes appears in what the program printed. */
export function expectNoSecretPrinted(world: World, ...results: RunResult[]): void {
  const printed = results.flatMap((r) => [...r.stdout, ...r.stderr]).join('\n');
  for (const key of world.clearml.keys) expect(printed).not.toContain(key.secret_key);
  expect(printed).not.toContain(TOKEN);
}

/** The last line the program wrote to standard error: its reason (docs/programs.md). */
export function lastError(result: RunResult): string {
  return result.stderr[result.stderr.length - 1] ?? '';
}

/**
 * The set-up every scenario file shares (call it at the top of the file): the program synthesized once, and
 * each world a test starts stopped after that test.
 */
export function scenarioWorlds(): { readonly synth: () => Synthesized; start(options?: FakeClearmlOptions): Promise<World> } {
  let synth: Synthesized | undefined;
  const started: World[] = [];
  beforeAll(() => {
    synth = synthesize();
  });
  afterEach(async () => {
    for (const world of started.splice(0)) await world.stop();
  });
  return {
    synth: () => synth!,
    start: async (options?: FakeClearmlOptions) => {
      const world = await World.start(synth!, options);
      started.push(world);
      return world;
    },
  };
}
