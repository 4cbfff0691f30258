/**
 * Scenario tests of the bootstrap program. Every run here is `node bootstrap.js` as a child process, on the
 * very file (and plan) that synth puts into the Job's ConfigMap, against in-process fakes of the ClearML
 * apiserver and the Kubernetes Secrets API. (The randomized fault schedules in bootstrap-random.test.ts run
 * the same file in-process, for speed.)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATION_ANNOTATION, ledgerName, SECRETS } from '../../lib/programs/bootstrap/bootstrap';
import { BOOTSTRAP_LEDGER_KEYS, BOOTSTRAP_SECRETS, bootstrapLedgerName, GENERATION_ANNOTATION as PLAN_GENERATION_ANNOTATION } from '../../lib/programs/bootstrap/plan';
import { SUPERVISOR } from './fakes/fake-clearml';
import { FaultKind } from './fakes/faults';
import { CLEARML_CALLS, CREDENTIAL_SECRETS, expectBootstrapped, expectNoSecretPrinted, KUBE_CALLS, lastError, LEDGER, PLAN, RunResult, scenarioWorlds, World } from './harness';

jest.setTimeout(60_000);


const worlds = scenarioWorlds();
let world: World;

describe('the program in the ConfigMap', () => {
  test('has the contract\'s Secret names', () => {
    expect(ledgerName('acme')).toBe(bootstrapLedgerName('acme'));
    expect(ledgerName('acme')).toBe('clearml-tenant-ledger-acme');
    expect([SECRETS.ledger.companyKey, SECRETS.ledger.adminKey, SECRETS.ledger.stateKey]).toEqual(BOOTSTRAP_LEDGER_KEYS);
    expect(SECRETS.v1Ledger.name).toBe(BOOTSTRAP_SECRETS.ledger.name);
    expect([SECRETS.v1Ledger.companyKey, SECRETS.v1Ledger.adminKey]).toEqual(BOOTSTRAP_SECRETS.ledger.keys);
    expect(GENERATION_ANNOTATION).toBe(PLAN_GENERATION_ANNOTATION);
    for (const kind of ['admin', 'agent', 'router'] as const) {
      expect(SECRETS[kind].name).toBe(BOOTSTRAP_SECRETS[kind].name);
      expect([SECRETS[kind].accessKey, SECRETS[kind].secretKey]).toEqual(BOOTSTRAP_SECRETS[kind].keys);
    }
  });

  test('needs only Node built-ins', () => {
    const required = [...worlds.synth().script.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(required.length).toBeGreaterThan(0);
    for (const module of required) expect(module).toMatch(/^node:/);
  });
});

describe('a fresh run', () => {
  test('creates exactly what the contract lists, and prints no secret', async () => {
    // GIVEN an empty ClearML and an empty tenant namespace
    world = await worlds.start();

    // WHEN the Job runs
    const result = await world.runChild();

    // THEN it succeeds and made one of each
    expect(result.code).toBe(0);
    expect(result.stderr).toEqual([]);
    const company = world.company()!;
    const admin = world.admin()!;
    expect(world.clearml.changes.map((c) => c.split(' ')[0])).toEqual([
      'create_company',
      'update_company_settings',
      'create_user',
      'set_domains',
      'add_whitelist_entries',
      'add_whitelist_entries',
      'create_credentials',
      'create_credentials',
      'create_credentials',
      'create_queue',
      'create_queue',
      'create_queue',
    ]);
    expect(company.defaults).toEqual(PLAN.companyDefaults);
    expect(world.kube.changes).toEqual([`create secret clearml/${LEDGER}`, ...CREDENTIAL_SECRETS.map((n) => `create secret acme/${n}`)]);
    expect(admin.internal).toBe(true);
    expect(world.clearml.changes).toContain(`create_user admin@acme.com ${admin.id} internal`);
    expectBootstrapped(world);
    expect(world.secret('agent')?.data).toHaveProperty('agentk8sglue_key');
    expect(result.stdout).toEqual([
      `company "acme": created (id ${company.id})`,
      'company settings: updated (features)',
      `admin user admin@acme.com: created (id ${admin.id}, internal)`,
      'ledger Secret clearml/clearml-tenant-ledger-acme: created',
      `admin user ${admin.id}: exists (identity confirmed: admin of company ${company.id})`,
      'sso domains: updated (acme.com)',
      'login whitelist: updated (3 entries; added lead@partner.org, dev@partner.org, ops@partner.org; removed none)',
      expect.stringMatching(/^admin credentials Secret acme\/clearml-admin-credentials: created \(access key AK\d+, generation 1\)$/),
      expect.stringMatching(/^agent credentials Secret acme\/clearml-agent-credentials: created \(access key AK\d+, generation 1\)$/),
      expect.stringMatching(/^router credentials Secret acme\/clearml-router-credentials: created \(access key AK\d+, generation 1\)$/),
      expect.stringMatching(/^queue "default": created/),
      expect.stringMatching(/^queue "gpu-fraction-1_00": created/),
      expect.stringMatching(/^queue "gpu-fraction-0_50": created/),
      'tenant "acme": bootstrapped',
    ]);
    expectNoSecretPrinted(world, result);
    expect(result.stdout.join('\n')).not.toContain(SUPERVISOR.secretKey);
  });

  test('a second run changes nothing', async () => {
    // GIVEN a bootstrapped tenant
    world = await worlds.start();
    expect((await world.runChild()).code).toBe(0);
    const clearmlChanges = world.clearml.changes.length;
    const secretsBefore = JSON.stringify([...world.kube.secrets.values()]);

    // WHEN the Job runs again
    const again = await world.runChild();

    // THEN only values are set again; no object, key or Secret is made, revoked or changed
    expect(again.code).toBe(0);
    expect(world.clearml.changes.slice(clearmlChanges).filter((c) => !World.repeatable(c))).toEqual([]);
    expect(world.kube.changes).toHaveLength(4);
    expect(world.clearml.changes.slice(clearmlChanges)).toEqual([`update_company_settings ${world.company()!.id}`]);
    expect(JSON.stringify([...world.kube.secrets.values()])).toBe(secretsBefore);
    expect(again.stdout.filter((l) => /: created/.test(l))).toEqual([]);
    expect(again.stdout).toContain(`company "acme": exists (id ${world.company()!.id})`);
    expect(again.stdout).toContain(`admin user admin@acme.com: exists (id ${world.admin()!.id}, from the ledger)`);
    expectBootstrapped(world);
    expectNoSecretPrinted(world, again);
  });

  test('adopts an existing company and existing queues instead of duplicating them', async () => {
    // GIVEN a company named after the tenant with one of its queues, and another company with another of them
    world = await worlds.start();
    const existing = world.clearml.addCompany('acme');
    const queue = world.clearml.addQueue(existing.id, 'default');
    const other = world.clearml.addCompany('other');
    world.clearml.addQueue(other.id, 'gpu-fraction-1_00');

    // WHEN the Job runs
    const result = await world.runChild();

    // THEN the company and the queue are the existing ones; the other company's queue does not count
    expect(result.code).toBe(0);
    expect(world.company()!.id).toBe(existing.id);
    expect(world.clearml.queues.filter((q) => q.name === 'default')).toEqual([queue]);
    expect(world.clearml.queues.filter((q) => q.name === 'gpu-fraction-1_00')).toHaveLength(2);
    expect(world.clearml.changes.filter((c) => c.startsWith('create_company'))).toEqual([]);
    expect(result.stdout).toContain(`company "acme": exists (id ${existing.id})`);
    expect(result.stdout).toContain(`queue "default": exists (id ${queue.id})`);
    expectBootstrapped(world);
  });

  test('adopts the company when a lost answer meets unique company names (801)', async () => {
    // GIVEN ClearML with company.unique_names, whose answer to create_company is lost
    world = await worlds.start({ uniqueCompanyNames: true });
    world.clearml.faults.add({ call: 'system.create_company', kind: 'lost' });

    // WHEN the Job runs
    const result = await world.runChild();

    // THEN it finds the company it made instead of making a second one
    expect(result.code).toBe(0);
    expectBootstrapped(world);
  });
});

describe('wrong supervisor credentials', () => {
  test.each([
    ['a wrong secret', SUPERVISOR.accessKey, 'not-the-supervisor-secret'],
    ['an unknown access key', 'UNKNOWNKEY0042', 'some-secret-value-xyz'],
  ])('fails clearly with %s, naming the access key and not the secret, and creates nothing', async (_, accessKey, secretKey) => {
    world = await worlds.start();

    const result = await world.runChild({ CLEARML_API_ACCESS_KEY: accessKey, CLEARML_API_SECRET_KEY: secretKey });

    expect(result.code).toBe(2);
    expect(lastError(result)).toMatch(new RegExp(`^bootstrap failed: ClearML rejected the supervisor credentials \\(access key ${accessKey}\\).*401/22`));
    expect([...result.stdout, ...result.stderr].join('\n')).not.toContain(secretKey);
    expect(world.clearml.changes).toEqual([]);
    expect(world.kube.changes).toEqual([]);
  });

  test('fails clearly when the Kubernetes token is refused', async () => {
    world = await worlds.start();
    const badToken = join(world.dir, 'bad-token');
    writeFileSync(badToken, 'not-the-token');

    const result = await world.runChild({ KUBERNETES_TOKEN_FILE: badToken });

    expect(result.code).toBe(2);
    expect(lastError(result)).toMatch(/Kubernetes refused to get Secret clearml\/clearml-tenant-ledger-acme: HTTP 401 .*ServiceAccount/);
    expect(world.clearml.changes).toEqual([]);
  });
});

describe('transient faults', () => {
  const kinds: FaultKind[] = ['http500', 'http502-text', 'http503-html', 'http429', 'reset', 'hang', 'lost'];

  test.each(kinds)('%s on every ClearML call is survived by retries', async (kind) => {
    // GIVEN each ClearML call fails once with this fault (a lost create_user answer is the contract's stop, below)
    world = await worlds.start();
    for (const call of CLEARML_CALLS) if (!(kind === 'lost' && call === 'auth.create_user')) world.clearml.faults.add({ call, kind });

    // WHEN the Job runs
    const result = await world.runChild({ BOOTSTRAP_REQUEST_TIMEOUT_MS: '100' });

    // THEN it succeeds in one run, with the contract's end state
    expect(lastError(result)).toBe('');
    expect(result.code).toBe(0);
    expect(world.clearml.faults.fired.length).toBeGreaterThanOrEqual(CLEARML_CALLS.length - 1);
    expectBootstrapped(world);
    expectNoSecretPrinted(world, result);
  });

  test.each(kinds)('%s on every Kubernetes call is survived by retries', async (kind) => {
    world = await worlds.start();
    for (const call of KUBE_CALLS) world.kube.faults.add({ call, kind });

    const result = await world.runChild({ BOOTSTRAP_REQUEST_TIMEOUT_MS: '100' });

    expect(lastError(result)).toBe('');
    expect(result.code).toBe(0);
    expect(world.kube.faults.fired).toHaveLength(KUBE_CALLS.length);
    expectBootstrapped(world);
  });

  test.each(['crash-before', 'crash-after'] as FaultKind[])('a Job killed at any call (%s) converges by re-running it', async (kind) => {
    // GIVEN the Job's process is killed at many calls in turn (except the contract's window between the
    // admin user and its ledger, see below)
    world = await worlds.start();
    for (const call of CLEARML_CALLS) if (!(kind === 'crash-after' && call === 'auth.create_user')) world.clearml.faults.add({ call, kind });
    for (const call of KUBE_CALLS) if (!call.endsWith(LEDGER)) world.kube.faults.add({ call, kind });

    // WHEN the Job is re-run until it succeeds
    const results: RunResult[] = [];
    do results.push(await world.runChild());
    while (results[results.length - 1].code !== 0 && results.length < 30);

    // THEN it was killed several times and still converged
    expect(results[results.length - 1].code).toBe(0);
    expect(results.filter((r) => r.code === null).length).toBeGreaterThanOrEqual(10);
    expectBootstrapped(world);
    expectNoSecretPrinted(world, ...results);
  });

  test('when ClearML stays down, gives up at the deadline with a retryable exit', async () => {
    world = await worlds.start();
    world.clearml.faults.add({ call: '*', kind: 'http503-html', times: 1_000_000 });

    const result = await world.runChild({ BOOTSTRAP_DEADLINE_SECONDS: '0.3' });

    expect(result.code).toBe(1);
    expect(lastError(result)).toMatch(/^bootstrap failed: system\.get_companies: gave up after \d+ attempts .*HTTP 503 <html>/);
    expect(world.clearml.changes).toEqual([]);
  });
});

test('when nothing listens at the apiserver URL (connection refused), gives up at the deadline with a retryable exit', async () => {
  world = await worlds.start();
  const url = world.clearml.url;
  await world.clearml.stop();

  const result = await world.runChild({ CLEARML_API_URL: url, BOOTSTRAP_DEADLINE_SECONDS: '0.3' });

  expect(result.code).toBe(1);
  expect(lastError(result)).toMatch(/^bootstrap failed: system\.get_companies: gave up after \d+ attempts .*ECONNREFUSED/);
  expect(world.kube.changes).toEqual([]);
});

describe('credentials', () => {
  test('a lost race on a Secret create (409) keeps the existing Secret and revokes the credentials just made', async () => {
    // GIVEN another run stores the agent credentials just before this run's create arrives
    world = await worlds.start();
    let theirs: string | undefined;
    world.kube.beforeCreate = (namespace, name) => {
      if (name !== BOOTSTRAP_SECRETS.agent.name || theirs) return;
      const key = world.clearml.addKey(world.admin()!.id, 'clearml-tenancy:agent');
      theirs = key.access_key;
      world.kube.put(namespace, name, { agentk8sglue_key: key.access_key, agentk8sglue_secret: key.secret_key });
    };

    // WHEN the Job runs
    const result = await world.runChild();

    // THEN the other run's Secret stays, and the key this run made for it is revoked
    expect(result.code).toBe(0);
    expect(world.secret('agent')?.data.agentk8sglue_key).toBe(theirs);
    const made = world.clearml.keys.filter((k) => k.label === 'clearml-tenancy:agent' && k.access_key !== theirs);
    expect(made).toHaveLength(1);
    expect(made[0].revoked).toBe(true);
    expect(result.stdout).toContainEqual(expect.stringContaining(`exists (access key ${theirs}; another run stored it first, revoked the key just made: ${made[0].access_key})`));
    expectBootstrapped(world);
  });

  test('credentials that could not be stored are revoked, and a re-run completes', async () => {
    // GIVEN Kubernetes fails every create of the admin credentials Secret in the first run
    world = await worlds.start();
    world.kube.faults.add({ call: `POST ${BOOTSTRAP_SECRETS.admin.name}`, kind: 'http500', times: 1_000_000 });

    // WHEN the Job runs with a short deadline and grace
    const first = await world.runChild({ BOOTSTRAP_DEADLINE_SECONDS: '0.3', BOOTSTRAP_GRACE_SECONDS: '0.3' });

    // THEN it stops with a retryable exit, and the key it made is revoked
    expect(first.code).toBe(1);
    expect(lastError(first)).toMatch(/could not store the new admin credentials \(access key AK\d+, revoked\) in admin credentials Secret acme\/clearml-admin-credentials: .*gave up/);
    const made = world.clearml.keys.filter((k) => k.label === 'clearml-tenancy:admin');
    expect(made).toHaveLength(1);
    expect(made[0].revoked).toBe(true);

    // AND a re-run, once Kubernetes works, completes
    world.kube.faults.clear();
    const second = await world.runChild();
    expect(second.code).toBe(0);
    expectBootstrapped(world);
  });

  test('orphaned keys with the bootstrap\'s labels are revoked; keys made by hand are not', async () => {
    // GIVEN a bootstrapped tenant whose admin then gets a hand-made key and an orphaned bootstrap key
    world = await worlds.start();
    expect((await world.runChild()).code).toBe(0);
    const admin = world.admin()!;
    const byHand = world.clearml.addKey(admin.id, 'my laptop');
    const unlabelled = world.clearml.addKey(admin.id);
    const orphan = world.clearml.addKey(admin.id, 'clearml-tenancy:router');

    // WHEN the Job runs again
    const result = await world.runChild();

    // THEN only the orphan is revoked
    expect(result.code).toBe(0);
    expect(orphan.revoked).toBe(true);
    expect(byHand.revoked).toBe(false);
    expect(unlabelled.revoked).toBe(false);
    expect(result.stdout).toContain(`orphaned credentials: revoked (${orphan.access_key})`);
    expectBootstrapped(world);
  });

  test('fails when a stored key is no longer alive, instead of making new credentials over it', async () => {
    world = await worlds.start();
    expect((await world.runChild()).code).toBe(0);
    const stored = world.clearml.keys.find((k) => k.access_key === world.secret('router')!.data.access_key)!;
    stored.revoked = true;

    const result = await world.runChild();

    expect(result.code).toBe(2);
    expect(lastError(result)).toMatch(`router credentials Secret acme/clearml-router-credentials holds access key ${stored.access_key}, which is not a live key`);
  });
});

describe('the ledger', () => {
  test('fails when the admin e-mail exists and the ledger has no id (801), naming the e-mail and the way out', async () => {
    // GIVEN a user with the admin's e-mail and no ledger
    world = await worlds.start();
    world.clearml.addUser(world.clearml.addCompany('elsewhere').id, 'admin@acme.com');

    // WHEN the Job runs
    const result = await world.runChild();

    // THEN it stops without a second admin or any credentials
    expect(result.code).toBe(2);
    expect(lastError(result)).toMatch(/^bootstrap failed: the admin e-mail admin@acme\.com is already a ClearML user, but the ledger Secret clearml\/clearml-tenant-ledger-acme does not exist/);
    expect(lastError(result)).toMatch(/kubectl -n clearml create secret generic clearml-tenant-ledger-acme --from-literal=company_id=company-\d+ --from-literal=admin_user_id=<that user's id>; otherwise give tenant "acme" another admin e-mail$/);
    expect(world.clearml.users.filter((u) => u.email === 'admin@acme.com')).toHaveLength(1);
    expect(world.clearml.changes.filter((c) => c.startsWith('create_credentials') || c.startsWith('create_user'))).toEqual([]);
    expect(world.kube.changes).toEqual([]);
  });

  test('a lost answer to create_user leads to the same stop, never to a second admin', async () => {
    world = await worlds.start();
    world.clearml.faults.add({ call: 'auth.create_user', kind: 'lost' });

    const result = await world.runChild();
    const again = await world.runChild();

    for (const r of [result, again]) {
      expect(r.code).toBe(2);
      expect(lastError(r)).toMatch(/the admin e-mail admin@acme\.com is already a ClearML user/);
    }
    expect(world.clearml.users.filter((u) => u.email === 'admin@acme.com')).toHaveLength(1);
  });

  test('when the ledger cannot be written, says which ids to record, and following that completes the bootstrap', async () => {
    // GIVEN Kubernetes refuses every create of the ledger in the first run
    world = await worlds.start();
    world.kube.faults.add({ call: `POST ${LEDGER}`, kind: 'http503-html', times: 1_000_000 });

    // WHEN the Job runs out of time after creating the admin user
    const first = await world.runChild({ BOOTSTRAP_DEADLINE_SECONDS: '0.3', BOOTSTRAP_GRACE_SECONDS: '0.3' });

    // THEN it exits retryable with the command that records the ids
    const company = world.company()!;
    const admin = world.admin()!;
    expect(first.code).toBe(1);
    expect(lastError(first)).toMatch(/could not write the ledger Secret clearml\/clearml-tenant-ledger-acme after creating the admin user: .*gave up/);
    expect(lastError(first)).toContain(`kubectl -n clearml create secret generic clearml-tenant-ledger-acme --from-literal=company_id=${company.id} --from-literal=admin_user_id=${admin.id}`);

    // AND a re-run without the ledger stops rather than making a second admin
    world.kube.faults.clear();
    const second = await world.runChild();
    expect(second.code).toBe(2);
    expect(world.clearml.users.filter((u) => u.email === 'admin@acme.com')).toHaveLength(1);

    // AND once the operator records the ledger as told, the next run completes
    world.kube.put('clearml', LEDGER, { company_id: company.id, admin_user_id: admin.id });
    const third = await world.runChild();
    expect(third.code).toBe(0);
    expectBootstrapped(world);
  });

  test('fails when the ledger names another company than the one found', async () => {
    world = await worlds.start();
    world.clearml.addCompany('acme');
    world.kube.put('clearml', LEDGER, { company_id: 'company-999', admin_user_id: 'user-999' });

    const result = await world.runChild();

    expect(result.code).toBe(2);
    expect(lastError(result)).toMatch(/the ledger Secret clearml\/clearml-tenant-ledger-acme records company company-999, but the company named "acme" is company-\d+/);
    expect(world.clearml.changes).toEqual([]);
  });
});

describe('settings', () => {
  test('fails when the environment and the plan are wrong, naming every problem', async () => {
    world = await worlds.start();
    const plan = join(world.dir, 'bad-plan.json');
    writeFileSync(plan, JSON.stringify({ ...PLAN, queues: 'default', companyDefaults: { allowed_users: '10' } }));

    const result = await world.runChild({ BOOTSTRAP_PLAN_FILE: plan, CLEARML_API_URL: 'apiserver:8008', BOOTSTRAP_DEADLINE_SECONDS: 'soon' });

    expect(result.code).toBe(2);
    const reason = lastError(result);
    expect(reason).toMatch(/CLEARML_API_URL must be an http:\/\/ or https:\/\/ URL, got "apiserver:8008"/);
    expect(reason).toMatch(/BOOTSTRAP_DEADLINE_SECONDS must be a positive number, got "soon"/);
    expect(reason).toMatch(/companyDefaults\.allowed_users must be a positive integer, got "10"/);
    expect(reason).toMatch(/queues must be a list of queue names, got "default"/);
    expect(world.clearml.calls).toEqual([]);
  });
});
