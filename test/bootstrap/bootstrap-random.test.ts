/**
 * Seeded randomized fault schedules. Each schedule starts from a random ClearML state (company, queues, unique
 * company names or not), injects random faults of every kind into random calls of both APIs, and re-runs the
 * Job until it succeeds (bounded); then the contract's invariants must hold and one more run must change
 * nothing.
 *
 * The runs here are in-process, for speed: the very file that synth put into the ConfigMap is written to a
 * temp dir and required, and its exported `run(env, output, signal)` is called; a "crash" aborts that run as a
 * killed process would stop (bootstrap.test.ts runs the same file as a child process, crashes included).
 *
 * Left out of the schedules, because the contract makes them a stop for an operator (tested in
 * bootstrap.test.ts): a lost answer to `auth.create_user`, and a crash between the admin user's creation and
 * the ledger's (at the ledger Secret's calls).
 */
import { BOOTSTRAP_SECRETS } from '../../lib/bootstrap/plan';
import { FaultKind, FaultRule } from './fakes/faults';
import { CLEARML_CALLS, expectBootstrapped, expectNoSecretPrinted, KUBE_CALLS, RunResult, synthesize, Synthesized, World } from './harness';

jest.setTimeout(120_000);

const SCHEDULES = Number(process.env.BOOTSTRAP_SCHEDULES ?? 200);
const SEED = Number(process.env.BOOTSTRAP_SEED ?? 4242);
const MAX_RUNS = 12;

// The fresh run's calls plus the revocation that follows a failure, in the order the seeded schedules pick from.
const CALLS = CLEARML_CALLS.flatMap((c) => (c === 'auth.get_credentials' ? [c, 'auth.revoke_credentials'] : [c]));
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
  return call.endsWith(` ${BOOTSTRAP_SECRETS.ledger.name}`) && kind.startsWith('crash');
}

interface Schedule {
  readonly seed: number;
  readonly uniqueCompanyNames: boolean;
  readonly existingCompany: boolean;
  readonly existingQueues: readonly string[];
  readonly otherCompanyQueues: readonly string[];
  readonly clearml: readonly FaultRule[];
  readonly kube: readonly FaultRule[];
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
  const clearml: FaultRule[] = [];
  const kube: FaultRule[] = [];
  const faults = Math.floor(rand() * 9); // 0..8
  while (clearml.length + kube.length < faults) {
    const call = pick([...CALLS, ...KUBE_CALLS]);
    const rule: FaultRule = { call, kind: kind(), skip: Math.floor(rand() * 3), times: rand() < 0.2 ? 2 : 1 };
    if (excluded(rule.call, rule.kind)) continue;
    (CALLS.includes(call) ? clearml : kube).push(rule);
  }
  const existingCompany = rand() < 0.3;
  return {
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
    const env = { BOOTSTRAP_REQUEST_TIMEOUT_MS: '60', BOOTSTRAP_RETRY_BASE_MS: '1', BOOTSTRAP_RETRY_MAX_MS: '8' };
    const runs: RunResult[] = [];
    do runs.push(await world.runInProcess(env));
    while (runs[runs.length - 1].code !== 0 && runs.length < MAX_RUNS);

    // THEN it ended well, with the contract's end state, having printed no secret
    const lastRun = runs[runs.length - 1];
    expect({ code: lastRun.code, reason: lastRun.stderr }).toEqual({ code: 0, reason: [] });
    for (const r of runs) expect(r.code === 0 || r.code === null).toBe(true); // only crashes, never a give-up or a stop
    expectBootstrapped(world);
    expectNoSecretPrinted(world, ...runs);

    // AND one more run, without the faults not yet used, changes nothing
    world.clearml.faults.clear();
    world.kube.faults.clear();
    const clearmlChanges = world.clearml.changes.length;
    const secrets = JSON.stringify([...world.kube.secrets.values()]);
    const again = await world.runInProcess(env);
    expect(again.code).toBe(0);
    expect(world.clearml.changes.slice(clearmlChanges).filter((c) => !World.repeatable(c))).toEqual([]);
    expect(JSON.stringify([...world.kube.secrets.values()])).toBe(secrets);
    return { runs, fired: world.clearml.faults.fired.length + world.kube.faults.fired.length };
  } finally {
    await world.stop();
  }
}

test(`${SCHEDULES} seeded fault schedules all converge to the contract's end state`, async () => {
  const synth = synthesize();
  const failures: string[] = [];
  let fired = 0;
  let crashes = 0;
  let rerun = 0;
  for (let i = 0; i < SCHEDULES; i += 1) {
    const schedule = makeSchedule(SEED + i, JSON.parse(synth.planJson).queues);
    try {
      const result = await play(synth, schedule);
      fired += result.fired;
      crashes += result.runs.filter((r) => r.code === null).length;
      if (result.runs.length > 1) rerun += 1;
    } catch (e) {
      failures.push(`seed ${schedule.seed} ${JSON.stringify(schedule)}: ${(e as Error).message}`);
    }
  }
  expect(failures).toEqual([]);
  // the schedules did exercise faults, crashes and re-runs
  expect(fired).toBeGreaterThan(SCHEDULES);
  expect(crashes).toBeGreaterThan(SCHEDULES / 10);
  expect(rerun).toBeGreaterThan(SCHEDULES / 10);
});
