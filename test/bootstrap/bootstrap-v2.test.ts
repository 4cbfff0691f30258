/**
 * Scenario tests of contract version 2: the ledger out of the tenant's reach, the identity check, checked
 * answers, the login whitelist, rotation, suspension and decommissioning. Every run is `node bootstrap.js` as
 * a child process, on the very file that synth puts into the Job's ConfigMap, against the fakes.
 */
import { GENERATION_ANNOTATION } from '../../lib/programs/bootstrap/plan';
import { FakeKey, SUPERVISOR } from './fakes/fake-clearml';
import { FaultRule } from './fakes/faults';
import { CREDENTIAL_SECRETS, expectBootstrapped, expectDecommissioned, expectNoSecretPrinted, lastError, LEDGER, LEDGER_NAMESPACE, scenarioWorlds, World } from './harness';

jest.setTimeout(60_000);

const worlds = scenarioWorlds();
let world: World;

/** A world whose tenant is bootstrapped by one successful run. */
async function bootstrapped(): Promise<World> {
  const w = await worlds.start();
  const first = await w.runChild();
  expect(first).toMatchObject({ code: 0, stderr: [] });
  return w;
}

/** The access keys the three credential Secrets hold. */
function storedKeys(w: World): string[] {
  return (['admin', 'agent', 'router'] as const).map((k) => {
    const secret = w.secret(k)!;
    return secret.data.access_key ?? secret.data.agentk8sglue_key;
  });
}

function key(w: World, accessKey: string): FakeKey {
  return w.clearml.keys.find((k) => k.access_key === accessKey)!;
}

describe('issue 12 item 1: the bootstrap trusts no Secret the tenant can write', () => {
  test('issue 12 item 1: a version-1 ledger pointing at the supervisor, with clearml-admin-credentials deleted, makes no credentials as the supervisor and stores none', async () => {
    // GIVEN a tenant bootstrapped under version 1 (company, admin, ledger in the tenant namespace), whose
    // ledger a tenant workload rewrote to the supervisor's id, and whose admin credentials Secret it deleted
    world = await worlds.start();
    const company = world.clearml.addCompany('acme');
    world.clearml.addUser(company.id, 'admin@acme.com');
    world.kube.put('acme', 'clearml-tenant-bootstrap', { company_id: company.id, admin_user_id: SUPERVISOR.user });

    // WHEN the Job runs
    const result = await world.runChild();

    // THEN it stops, naming the user id and the company, without one call as the supervisor
    expect(result.code).toBe(2);
    expect(lastError(result)).toMatch(`identity check failed for user ${SUPERVISOR.user} (from the version-1 ledger Secret acme/clearml-tenant-bootstrap, untrusted)`);
    expect(lastError(result)).toContain(`not as an admin of company ${company.id} ("acme")`);
    expect(world.requestsAs(SUPERVISOR.user)).toEqual([]);
    expect(world.clearml.changes.filter((c) => c.startsWith('create_credentials'))).toEqual([]);
    expect(world.clearml.liveKeys(SUPERVISOR.user).map((k) => k.access_key)).toEqual([SUPERVISOR.accessKey]);
    expect(world.kube.changes).toEqual([]);
    expect(world.secret('ledger')).toBeUndefined();
  });

  test('issue 12 item 1: a tampered ledger pointing at the supervisor, with clearml-admin-credentials deleted, makes no credentials as the supervisor and stores none', async () => {
    // GIVEN a bootstrapped tenant whose ledger someone rewrote to the supervisor's id, admin credentials deleted
    world = await bootstrapped();
    const company = world.company()!;
    world.kube.put(LEDGER_NAMESPACE, LEDGER, { company_id: company.id, admin_user_id: SUPERVISOR.user });
    world.kube.delete('acme', 'clearml-admin-credentials');
    const changes = world.clearml.changes.length;
    const requests = world.clearml.requests.length;

    // WHEN the Job runs
    const result = await world.runChild();

    // THEN it stops before any call as the supervisor, and stores nothing
    expect(result.code).toBe(2);
    expect(lastError(result)).toMatch(`identity check failed for user ${SUPERVISOR.user} (from the ledger Secret clearml/clearml-tenant-ledger-acme)`);
    expect(lastError(result)).toContain(`company system-company with role system, not as an admin of company ${company.id}`);
    expect(world.clearml.requests.slice(requests).filter((r) => r.impersonate || r.actAs)).toEqual([]);
    expect(world.clearml.changes.slice(changes).filter((c) => !World.repeatable(c))).toEqual([]);
    expect(world.secret('admin')).toBeUndefined();
    expect(world.clearml.liveKeys(SUPERVISOR.user).map((k) => k.access_key)).toEqual([SUPERVISOR.accessKey]);
  });

  test('a version-1 ledger is ignored once the version-2 ledger exists, whatever it says', async () => {
    world = await bootstrapped();
    world.kube.put('acme', 'clearml-tenant-bootstrap', { company_id: 'company-x', admin_user_id: SUPERVISOR.user });
    world.kube.delete('acme', 'clearml-admin-credentials');

    const result = await world.runChild();

    expect(result.code).toBe(0);
    expect(world.requestsAs(SUPERVISOR.user)).toEqual([]);
    expectBootstrapped(world);
  });

  test('a version-1 ledger whose ids pass the identity check becomes the version-2 ledger, and nothing else changes', async () => {
    // GIVEN a tenant bootstrapped under version 1: its ledger is in the tenant namespace only
    world = await bootstrapped();
    const ids = world.secret('ledger')!.data;
    world.kube.delete(LEDGER_NAMESPACE, LEDGER);
    world.kube.put('acme', 'clearml-tenant-bootstrap', { ...ids });
    const changes = world.clearml.changes.length;

    // WHEN the Job runs
    const result = await world.runChild();

    // THEN it writes the version-2 ledger with the same ids and keeps the credentials
    expect(result.code).toBe(0);
    expect(world.secret('ledger')!.data).toEqual(ids);
    expect(result.stdout).toContain('ledger Secret clearml/clearml-tenant-ledger-acme: created');
    expect(world.clearml.changes.slice(changes).filter((c) => !World.repeatable(c))).toEqual([]);
    expectBootstrapped(world);
  });

  test.each([
    ['a user of another company', (w: World) => w.clearml.addUser(w.clearml.addCompany('globex').id, 'boss@globex.com').id],
    ['a non-admin user of the company', (w: World) => w.clearml.addUser(w.company()!.id, 'intern@acme.com', 'user').id],
    ['an unknown user id', () => 'user-does-not-exist'],
  ])('fails when the ledger names %s, with no call as that user', async (_, who) => {
    world = await bootstrapped();
    const user = who(world);
    world.kube.put(LEDGER_NAMESPACE, LEDGER, { company_id: world.company()!.id, admin_user_id: user });
    const requests = world.clearml.requests.length;

    const result = await world.runChild();

    expect(result.code).toBe(2);
    expect(lastError(result)).toMatch(new RegExp(`^bootstrap failed: identity check failed for user ${user} .*company ${world.company()!.id} \\("acme"\\)`));
    expect(world.clearml.requests.slice(requests).filter((r) => r.impersonate === user || r.actAs === user)).toEqual([]);
  });
});

describe('answers are checked', () => {
  test.each([
    ['system.create_company', 'id', (d: any) => ({ ...d, id: undefined })],
    ['auth.create_user', 'id', (d: any) => ({ ...d, id: '' })],
    ['auth.create_credentials', 'access_key', (d: any) => ({ credentials: { ...d.credentials, access_key: 42 } })],
    ['queues.create', 'id', (d: any) => ({ ...d, id: { $oid: 'x' } })],
  ])('fails when %s answers without a valid %s', async (action, field, tamper) => {
    world = await worlds.start();
    world.clearml.tamper.set(action, tamper);

    const result = await world.runChild();

    expect(result.code).toBe(2);
    expect(lastError(result)).toMatch(`${action} answered without a valid ${field}`);
  });

  test('fails when an answer body is over 1 MiB, and stops reading it', async () => {
    // GIVEN an apiserver whose answer never ends (64 MiB at most)
    world = await worlds.start();
    world.clearml.faults.add({ call: 'system.get_companies', kind: 'endless-body' });

    const result = await world.runChild({ BOOTSTRAP_REQUEST_TIMEOUT_MS: '60000' });

    // THEN the run stops at once (not at the request time-out, which would be a retry) with a fatal exit
    expect(result.code).toBe(2);
    expect(lastError(result)).toMatch(/system\.get_companies: the answer is larger than 1048576 bytes \(1 MiB\); stopped reading it$/);
    expect(world.clearml.changes).toEqual([]);
  });
});

describe('admin and login whitelist', () => {
  test('converges the whitelist: adds missing entries per admin flag, removes entries no longer planned', async () => {
    // GIVEN a bootstrapped tenant, an entry added by hand, and a plan that drops one e-mail and makes another admin
    world = await bootstrapped();
    world.company()!.whitelist.push({ email: 'stranger@elsewhere.org', is_admin: false });
    world.setPlan({ whitelist: [{ emails: ['lead@partner.org', 'dev@partner.org'], isAdmin: true }] });
    const changes = world.clearml.changes.length;

    // WHEN the Job runs
    const result = await world.runChild();

    // THEN the whitelist is exactly the plan's
    expect(result.code).toBe(0);
    expect(world.clearml.changes.slice(changes).filter((c) => /whitelist/.test(c))).toEqual([
      `remove_whitelist_entries ${world.company()!.id} dev@partner.org,ops@partner.org,stranger@elsewhere.org`,
      `add_whitelist_entries ${world.company()!.id} dev@partner.org admin=true`,
    ]);
    expect(result.stdout).toContain('login whitelist: updated (2 entries; added dev@partner.org; removed dev@partner.org, ops@partner.org, stranger@elsewhere.org)');
    expectBootstrapped(world);
  });

  test('a version-1 plan (no state, no whitelist, no internal) keeps version-1 behaviour', async () => {
    world = await worlds.start();
    world.setPlan({ state: undefined, whitelist: undefined, credentialsGeneration: undefined, admin: { name: 'Acme Admin', email: 'admin@acme.com' } });

    const result = await world.runChild();

    expect(result.code).toBe(0);
    expect(world.clearml.calls.filter((c) => c.startsWith('login.') && c !== 'login.set_domains')).toEqual([]);
    expect(world.admin()!.internal).toBeUndefined();
    expect(result.stdout).toContain('sso domains: updated (acme.com)');
    expectBootstrapped(world);
  });

  test('fails when the plan has no ledgerNamespace, puts the ledger into the tenant namespace, or has bad version-2 fields or targets', async () => {
    world = await worlds.start();
    world.setPlan({ ledgerNamespace: undefined, state: 'paused' as never, credentialsGeneration: 0, whitelist: [{ emails: ['x@y.org'] }] as never, targets: [{ cluster: 'gpu-eu-1' }] } as never);

    const result = await world.runChild();

    expect(result.code).toBe(2);
    expect(lastError(result)).toMatch(/ledgerNamespace must be a non-empty string \(the Job's own namespace, where the ledger is kept\), got undefined/);
    expect(lastError(result)).toMatch(/state must be one of active, suspended, decommissioned, got "paused"/);
    expect(lastError(result)).toMatch(/credentialsGeneration must be an integer >= 1, got 0/);
    expect(lastError(result)).toMatch(/whitelist\[0\] must be an object with emails/);
    expect(lastError(result)).toMatch(/targets\[0\]\.namespace must be a namespace name \(a DNS label\), got undefined/);
    expect(world.clearml.calls).toEqual([]);

    world.setPlan({ ledgerNamespace: 'acme', state: 'active', credentialsGeneration: 1, whitelist: [], targets: undefined } as never);
    const same = await world.runChild();
    expect(same.code).toBe(2);
    expect(lastError(same)).toMatch(/ledgerNamespace must be another namespace than the tenant namespace, got "acme"/);
  });
});

describe('rotation by credentialsGeneration', () => {
  test('a higher generation makes new keys with the same labels, stores them against the version read, then revokes the old ones', async () => {
    // GIVEN a bootstrapped tenant (generation 1)
    world = await bootstrapped();
    const old = storedKeys(world);
    const versions = CREDENTIAL_SECRETS.map((n) => world.kube.get('acme', n)!.resourceVersion);

    // WHEN the plan asks for generation 2
    world.setPlan({ credentialsGeneration: 2 });
    const result = await world.runChild();

    // THEN each Secret holds a new live key with the same label and records generation 2; the old keys are revoked
    expect(result.code).toBe(0);
    const now = storedKeys(world);
    for (let i = 0; i < 3; i += 1) {
      expect(now[i]).not.toBe(old[i]);
      expect(key(world, old[i]).revoked).toBe(true);
      expect(key(world, now[i]).label).toBe(key(world, old[i]).label);
      expect(world.kube.get('acme', CREDENTIAL_SECRETS[i])!.annotations[GENERATION_ANNOTATION]).toBe('2');
    }
    expect(world.kube.updates.map((u) => u.resourceVersion)).toEqual(versions);
    expect(result.stdout.filter((l) => /: rotated \(access key AK\d+, generation 2; revoked the old key AK\d+\)$/.test(l))).toHaveLength(3);
    expectBootstrapped(world); // includes: no key was revoked while a Secret held it
    expectNoSecretPrinted(world, result);

    // AND a second run at generation 2 changes nothing
    const changes = world.clearml.changes.length;
    const secrets = JSON.stringify([...world.kube.secrets.values()]);
    expect((await world.runChild()).code).toBe(0);
    expect(world.clearml.changes.slice(changes).filter((c) => !World.repeatable(c))).toEqual([]);
    expect(JSON.stringify([...world.kube.secrets.values()])).toBe(secrets);
  });

  test('a Secret changed between read and update (409) is read again and then rotated', async () => {
    world = await bootstrapped();
    let changed = false;
    world.kube.beforeUpdate = (namespace, name) => {
      if (changed || name !== 'clearml-agent-credentials') return;
      changed = true;
      const s = world.kube.get(namespace, name)!;
      world.kube.put(namespace, name, { ...s.data }, { ...s.annotations, 'example.org/touched': 'yes' });
    };
    world.setPlan({ credentialsGeneration: 2 });

    const result = await world.runChild();

    expect(result.code).toBe(0);
    const agent = world.kube.updates.filter((u) => u.name === 'clearml-agent-credentials');
    expect(agent).toHaveLength(2);
    expect(agent[0].resourceVersion).not.toBe(agent[1].resourceVersion);
    expect(world.kube.get('acme', 'clearml-agent-credentials')!.annotations).toMatchObject({ [GENERATION_ANNOTATION]: '2', 'example.org/touched': 'yes' });
    expectBootstrapped(world);
  });

  test('a Secret without the annotation is generation 1; a plan generation below the Secret\'s keeps its key', async () => {
    world = await bootstrapped();
    const agent = world.kube.get('acme', 'clearml-agent-credentials')!;
    world.kube.put('acme', agent.name, { ...agent.data }); // as version 1 wrote it
    world.setPlan({ credentialsGeneration: 1 });
    expect((await world.runChild()).code).toBe(0);
    expect(world.kube.updates).toEqual([]);

    world.setPlan({ credentialsGeneration: 3 });
    expect((await world.runChild()).code).toBe(0);
    const rotated = storedKeys(world);
    world.setPlan({ credentialsGeneration: 2 });
    const result = await world.runChild();
    expect(result.code).toBe(0);
    expect(storedKeys(world)).toEqual(rotated);
    expect(result.stdout).toContainEqual(expect.stringMatching(/agent credentials Secret acme\/clearml-agent-credentials: exists \(access key AK\d+, generation 3\)/));
  });

  const faults: [string, FaultRule[], Record<string, string>][] = [
    ['the Secret update failing until the deadline', [{ call: 'PUT clearml-agent-credentials', kind: 'http500', times: 1_000_000 }], { BOOTSTRAP_DEADLINE_SECONDS: '0.3', BOOTSTRAP_GRACE_SECONDS: '0.3' }],
    ['the Secret update applied, its answer lost', [{ call: 'PUT clearml-agent-credentials', kind: 'lost' }], {}],
    ['a crash after the new key was made', [{ call: 'auth.create_credentials', kind: 'crash-after', skip: 1 }], {}],
    ['a crash after the Secret update', [{ call: 'PUT clearml-router-credentials', kind: 'crash-after' }], {}],
    ['a crash at the revocation of the old key', [{ call: 'auth.revoke_credentials', kind: 'crash-before' }], {}],
    ['the revocation of the old key failing until the deadline', [{ call: 'auth.revoke_credentials', kind: 'http503-html', times: 1_000_000 }], { BOOTSTRAP_DEADLINE_SECONDS: '0.3', BOOTSTRAP_GRACE_SECONDS: '0.3' }],
  ];
  test.each(faults)('rotation under %s never leaves a Secret with a revoked key, and the next run leaves no orphan', async (_, rules, env) => {
    // GIVEN a bootstrapped tenant, a plan at generation 2 and a fault in the rotation
    world = await bootstrapped();
    const old = storedKeys(world);
    world.setPlan({ credentialsGeneration: 2 });
    world.clearml.faults.add(...rules.filter((r) => !r.call.includes(' ')));
    world.kube.faults.add(...rules.filter((r) => r.call.includes(' ')));

    // WHEN the Job runs into the fault, then runs again without it
    const first = await world.runChild(env);
    expect(world.revokedWhileStored).toEqual([]);
    for (const k of storedKeys(world)) expect(key(world, k).revoked).toBe(false);
    world.clearml.faults.clear();
    world.kube.faults.clear();
    const second = await world.runChild();

    // THEN the second run completes the rotation: new keys stored, every old key and every orphan revoked
    expect({ code: second.code, reason: second.stderr }).toEqual({ code: 0, reason: [] });
    expectBootstrapped(world);
    for (const k of old) expect(key(world, k).revoked).toBe(true);
    for (const s of CREDENTIAL_SECRETS) expect(world.kube.get('acme', s)!.annotations[GENERATION_ANNOTATION]).toBe('2');
    expectNoSecretPrinted(world, first, second);
  });
});

describe('suspension', () => {
  test('empties the domains and the whitelist and keeps the keys; a later active run restores them', async () => {
    // GIVEN a bootstrapped tenant
    world = await bootstrapped();
    const secrets = JSON.stringify([...world.kube.secrets.values()]);
    const keys = storedKeys(world);

    // WHEN it is suspended
    world.setPlan({ state: 'suspended' });
    const suspended = await world.runChild();

    // THEN no login is routed to it, and its keys and Secrets stay
    expect(suspended.code).toBe(0);
    expect(world.company()!.domains).toEqual([]);
    expect(world.company()!.whitelist).toEqual([]);
    expect(JSON.stringify([...world.kube.secrets.values()])).toBe(secrets);
    for (const k of keys) expect(key(world, k).revoked).toBe(false);
    expect(suspended.stdout).toContain('sso domains: updated (none)');
    expect(suspended.stdout).toContain('tenant "acme": suspended (keys and data kept, no login routed to it)');
    expectBootstrapped(world);

    // AND a second suspended run changes nothing
    const changes = world.clearml.changes.length;
    expect((await world.runChild()).code).toBe(0);
    expect(world.clearml.changes.slice(changes).filter((c) => !World.repeatable(c))).toEqual([]);

    // AND back to active restores the domains and the whitelist with the same keys
    world.setPlan({ state: 'active' });
    const resumed = await world.runChild();
    expect(resumed.code).toBe(0);
    expect(world.company()!.domains).toEqual(['acme.com']);
    expect(storedKeys(world)).toEqual(keys);
    expectBootstrapped(world);
  });
});

describe('decommissioning', () => {
  test('revokes every key of every user of the company (paged, hand-made ones included), marks the ledger and prints the deletion procedure', async () => {
    // GIVEN a bootstrapped tenant with more users and keys, some made by hand, and another company's user
    world = await bootstrapped();
    const company = world.company()!;
    const admin = world.admin()!;
    const byHand = world.clearml.addKey(admin.id, 'my laptop');
    const others = [1, 2, 3, 4].map((i) => world.clearml.addUser(company.id, `user${i}@acme.com`, 'user'));
    const theirKeys = others.flatMap((u, i) => [world.clearml.addKey(u.id), ...(i % 2 === 0 ? [world.clearml.addKey(u.id, 'clearml-tenancy:agent')] : [])]);
    const outsider = world.clearml.addUser(world.clearml.addCompany('globex').id, 'boss@globex.com');
    const outsiderKey = world.clearml.addKey(outsider.id);
    const requests = world.clearml.requests.length;

    // WHEN the plan says decommissioned (two users per page)
    world.setPlan({ state: 'decommissioned' });
    const result = await world.runChild({ BOOTSTRAP_PAGE_SIZE: '2' });

    // THEN no key of the company is alive, routing is empty and the ledger is marked; the outsider is untouched
    expect({ code: result.code, reason: result.stderr }).toEqual({ code: 0, reason: [] });
    expectDecommissioned(world);
    expect(byHand.revoked).toBe(true);
    for (const k of theirKeys) expect(k.revoked).toBe(true);
    expect(outsiderKey.revoked).toBe(false);
    expect(world.requestsAs(outsider.id)).toEqual([]);
    const pages = world.clearml.requests.slice(requests).filter((r) => r.action === 'users.get_all');
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const p of pages) expect(p).toEqual({ action: 'users.get_all', actAs: admin.id });
    expect(world.kube.changes).toContain(`update secret clearml/${LEDGER}`);
    expect(result.stdout).toContain(`  1. in the apiserver container: python3 -m jobs.management.delete_company_data_from_mongo --id ${company.id} --name acme [--delete-user]`);
    expect(result.stdout).toContain(`  2. then in the apiserver container: python3 -m jobs.management.cleanup_deleted_companies --ids ${company.id} --delete-company`);
    expect(result.stdout).toContain("  3. then delete the company's folder on the fileserver");
    expectNoSecretPrinted(world, result);

    // AND a second decommissioned run changes nothing
    const changes = world.clearml.changes.length;
    const secrets = JSON.stringify([...world.kube.secrets.values()]);
    expect((await world.runChild()).code).toBe(0);
    expect(world.clearml.changes.slice(changes)).toEqual([]);
    expect(JSON.stringify([...world.kube.secrets.values()])).toBe(secrets);
  });

  test('a decommissioned ledger is final: a later active plan stops with a message and changes nothing', async () => {
    world = await bootstrapped();
    world.setPlan({ state: 'decommissioned' });
    expect((await world.runChild()).code).toBe(0);
    const changes = world.clearml.changes.length;
    const kubeChanges = world.kube.changes.length;

    for (const state of ['active', 'suspended'] as const) {
      world.setPlan({ state });
      const result = await world.runChild();

      expect(result.code).toBe(2);
      expect(lastError(result)).toMatch(`tenant "acme" was decommissioned (the ledger Secret clearml/clearml-tenant-ledger-acme says so, company ${world.company()!.id}); decommissioning is final, so the bootstrap does not make it ${state} again`);
    }
    expect(world.clearml.changes.slice(changes)).toEqual([]);
    expect(world.kube.changes.slice(kubeChanges)).toEqual([]);
    expect(world.clearml.calls.slice(-1)).not.toContain('auth.create_credentials');
  });

  test('fails when asked to decommission a company that no ledger names, rather than guessing its admin', async () => {
    world = await worlds.start();
    const company = world.clearml.addCompany('acme');
    world.setPlan({ state: 'decommissioned' });

    const result = await world.runChild();

    expect(result.code).toBe(2);
    expect(lastError(result)).toMatch(`cannot decommission tenant "acme": company ${company.id} exists, but no ledger Secret clearml/clearml-tenant-ledger-acme names its admin`);
    expect(world.clearml.changes).toEqual([]);
  });
});
