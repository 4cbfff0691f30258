/**
 * Seeded randomized fault schedules. Each schedule starts from a random ClearML state (company, queues, unique
 * company names or not), injects random faults of every kind into random calls of both APIs, and re-runs the
 * Job until it succeeds (bounded); then the contract's invariants must hold and one more run must change
 * nothing. Most schedules then take the tenant through a random lifecycle step (rotation to a higher
 * generation, suspension, suspension and back, decommissioning) under new random faults, with the same
 * checks, and the lifecycle's own invariants: no key is ever revoked while a Secret holds it (outside
 * decommissioning), no orphan once a run succeeded, and nothing alive in a decommissioned company.
 *
 * The runs here are in-process, for speed: the very file that synth put into the ConfigMap is written to a
 * temp dir and required, and its exported `run(env, output, signal)` is called; a "crash" aborts that run as a
 * killed process would stop (bootstrap.test.ts runs the same file as a child process, crashes included).
 *
 * Left out of the schedules, because the contract makes them a stop for an operator (tested in
 * bootstrap.test.ts): a lost answer to `auth.create_user`, and a crash between the admin user's creation and
 * the ledger's (at the ledger Secret's calls).
 */
import { FaultKind, FaultRule } from './fakes/faults';
import { CLEARML_CALLS, expectBootstrapped, expectDecommissioned, expectNoSecretPrinted, KUBE_CALLS, KUBE_UPDATES, LEDGER, LIFECYCLE_CALLS, RunResult, synthesize, Synthesized, World } from './harness';

jest.setTimeout(120_000);

const SCHEDULES = Number(process.env.BOOTSTRAP_SCHEDULES ?? 200);
const SEED = Number(process.env.BOOTSTRAP_SEED ?? 4242);
const MAX_RUNS = 12;

// The fresh run's calls plus the revocation that follows a failure, in the order the seeded schedules pick from.
const CALLS = CLEARML_CALLS.flatMap((c) => (c === 'auth.get_credentials' ? [c, 'auth.revoke_credentials'] : [c]));
/** The calls a lifecycle step may fail at. */
const STEP_CALLS = [...CLEARML_CALLS, ...LIFECYCLE_CALLS];
const STEP_KUBE_CALLS = [...KUBE_CALLS, ...KUBE_UPDATES];
/** The lifecycle step after the first convergence (none: the schedule stops there). */
type Step = 'none' | 'rotate' | 'suspend' | 'suspend-and-resume' | 'decommission';
const STEPS: readonly Step[] = ['none', 'rotate', 'rotate', 'suspend', 'suspend-and-resume', 'decommission', 'decommission'];
const KINDS: readonly [FaultKind, number][] = [
  ['http500', 3],
  ['http502-text', 2],
  ['http503-html', 2],
  ['http429', 2],
  ['reset', 3],
  ['hang', 1],
  ['lost', 4],
  ['crash-before', 2],
  ['crash-after', 3],
];

/** mulberry32: a small seeded PRNG. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function excluded(call: string, kind: FaultKind): boolean {
  if (call === 'auth.create_user') return kind === 'lost' || kind === 'crash-after';
  return call === `POST ${LEDGER}` && kind.startsWith('crash');
}

interface Schedule {
  readonly seed: number;
  readonly uniqueCompanyNames: boolean;
  readonly existingCompany: boolean;
  readonly existingQueues: readonly string[];
  readonly otherCompanyQueues: readonly string[];
  readonly clearml: readonly FaultRule[];
  readonly kube: readonly FaultRule[];
  readonly step: Step;
  /** Faults of the lifecycle step. */
  readonly stepClearml: readonly FaultRule[];
  readonly stepKube: readonly FaultRule[];
}

function makeSchedule(seed: number, queues: readonly string[]): Schedule {
  const rand = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  const total = KINDS.reduce((n, [, w]) => n + w, 0);
  const kind = (): FaultKind => {
    let r = rand() * total;
    for (const [k, w] of KINDS) if ((r -= w) < 0) return k;
    return KINDS[0][0];
  };
  const rules = (clearmlCalls: readonly string[], kubeCalls: readonly string[]) => {
    const clearml: FaultRule[] = [];
    const kube: FaultRule[] = [];
    const faults = Math.floor(rand() * 9); // 0..8
    while (clearml.length + kube.length < faults) {
      const call = pick([...clearmlCalls, ...kubeCalls]);
      const rule: FaultRule = { call, kind: kind(), skip: Math.floor(rand() * 3), times: rand() < 0.2 ? 2 : 1 };
      if (excluded(rule.call, rule.kind)) continue;
      (clearmlCalls.includes(call) ? clearml : kube).push(rule);
    }
    return { clearml, kube };
  };
  const { clearml, kube } = rules(CALLS, KUBE_CALLS);
  const existingCompany = rand() < 0.3;
  const step = pick(STEPS);
  const later = rules(STEP_CALLS, STEP_KUBE_CALLS);
  return {
    step,
    stepClearml: later.clearml,
    stepKube: later.kube,
    seed,
    uniqueCompanyNames: rand() < 0.3,
    existingCompany,
    existingQueues: existingCompany ? queues.filter(() => rand() < 0.4) : [],
    otherCompanyQueues: rand() < 0.2 ? queues.filter(() => rand() < 0.5) : [],
    clearml,
    kube,
  };
}

async function play(synth: Synthesized, schedule: Schedule): Promise<{ runs: RunResult[]; fired: number }> {
  const world = await World.start(synth, { uniqueCompanyNames: schedule.uniqueCompanyNames });
  try {
    // GIVEN the schedule's starting state and faults
    if (schedule.existingCompany) {
      const company = world.clearml.addCompany(world.plan.tenant);
      for (const q of schedule.existingQueues) world.clearml.addQueue(company.id, q);
    }
    if (schedule.otherCompanyQueues.length > 0) {
      const other = world.clearml.addCompany('other-tenant');
      for (const q of schedule.otherCompanyQueues) world.clearml.addQueue(other.id, q);
    }
    world.clearml.faults.add(...schedule.clearml);
    world.kube.faults.add(...schedule.kube);

    // WHEN the Job is re-run until it succeeds
    const runs = await converge(world);
    expectBootstrapped(world);
    await expectSettled(world);

    // AND WHEN the tenant takes its lifecycle step under new faults, re-run until it succeeds
    if (schedule.step !== 'none') {
      const keys = world.clearml.keys.filter((k) => !k.revoked && k.label?.startsWith('clearml-tenancy:')).map((k) => k.access_key);
      world.clearml.faults.add(...schedule.stepClearml);
      world.kube.faults.add(...schedule.stepKube);
      const plan = world.plan;
      if (schedule.step === 'rotate') world.setPlan({ credentialsGeneration: 2 });
      if (schedule.step === 'suspend' || schedule.step === 'suspend-and-resume') world.setPlan({ state: 'suspended' });
      if (schedule.step === 'decommission') world.setPlan({ state: 'decommissioned' });
      runs.push(...(await converge(world)));
      if (schedule.step === 'suspend-and-resume') {
        world.setPlan({ state: 'active' });
        runs.push(...(await converge(world)));
      }

      // THEN the step's end state holds
      const live = (k: string) => world.clearml.keys.some((x) => x.access_key === k && !x.revoked);
      if (schedule.step === 'decommission') {
        expectDecommissioned(world);
      } else {
        expectBootstrapped(world);
        // rotation revoked every old key; suspension (and resuming) kept them all
        if (schedule.step === 'rotate') expect(keys.filter(live)).toEqual([]);
        else expect(keys.filter(live)).toEqual(keys);
      }
      await expectSettled(world);
      expect(plan.tenant).toBe(world.plan.tenant);
    }
    expectNoSecretPrinted(world, ...runs);
    return { runs, fired: world.clearml.faults.fired.length + world.kube.faults.fired.length };
  } finally {
    await world.stop();
  }
}

// The request time-out must stay well above a loaded machine's answer time: an answer that comes late is a lost
// answer, and a lost answer to auth.create_user is an operator's stop (excluded from the schedules above).
const ENV = { BOOTSTRAP_REQUEST_TIMEOUT_MS: '200', BOOTSTRAP_RETRY_BASE_MS: '1', BOOTSTRAP_RETRY_MAX_MS: '8' };

/** Runs the Job until it succeeds (bounded): it must end well, stopped only by crashes on the way. */
async function converge(world: World): Promise<RunResult[]> {
  const runs: RunResult[] = [];
  do runs.push(await world.runInProcess(ENV));
  while (runs[runs.length - 1].code !== 0 && runs.length < MAX_RUNS);
  const lastRun = runs[runs.length - 1];
  expect({ code: lastRun.code, reason: lastRun.stderr }).toEqual({ code: 0, reason: [] });
  for (const r of runs) expect(r.code === 0 || r.code === null).toBe(true); // only crashes, never a give-up or a stop
  expect(world.revokedWhileStored).toEqual([]);
  return runs;
}

/** One more run, without the faults not yet used, changes nothing. */
async function expectSettled(world: World): Promise<void> {
  world.clearml.faults.clear();
  world.kube.faults.clear();
  const clearmlChanges = world.clearml.changes.length;
  const secrets = JSON.stringify([...world.kube.secrets.values()]);
  const again = await world.runInProcess(ENV);
  expect(again.code).toBe(0);
  expect(world.clearml.changes.slice(clearmlChanges).filter((c) => !World.repeatable(c))).toEqual([]);
  expect(JSON.stringify([...world.kube.secrets.values()])).toBe(secrets);
}

test(`${SCHEDULES} seeded fault schedules all converge to the contract's end state`, async () => {
  const synth = synthesize();
  const failures: string[] = [];
  let fired = 0;
  let crashes = 0;
  let rerun = 0;
  const steps = new Map<Step, number>();
  for (let i = 0; i < SCHEDULES; i += 1) {
    const schedule = makeSchedule(SEED + i, JSON.parse(synth.planJson).queues);
    try {
      const result = await play(synth, schedule);
      fired += result.fired;
      crashes += result.runs.filter((r) => r.code === null).length;
      if (result.runs.length > 1) rerun += 1;
      steps.set(schedule.step, (steps.get(schedule.step) ?? 0) + 1);
    } catch (e) {
      failures.push(`seed ${schedule.seed} ${JSON.stringify(schedule)}: ${(e as Error).message}`);
    }
  }
  expect(failures).toEqual([]);
  // the schedules did exercise faults, crashes and re-runs
  expect(fired).toBeGreaterThan(SCHEDULES);
  expect(crashes).toBeGreaterThan(SCHEDULES / 10);
  expect(rerun).toBeGreaterThan(SCHEDULES / 10);
  // and every lifecycle step was taken by a fair share of them
  for (const step of STEPS) expect(steps.get(step) ?? 0).toBeGreaterThan(SCHEDULES / 20);
});
