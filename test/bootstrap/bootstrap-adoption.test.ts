/**
 * Today's contract (BOOTSTRAP-API.md section 4: every run converges to "exactly one company with the
 * tenant's name"): with no ledger, the bootstrap finds the company by name, so a run adopts an existing
 * company that bears the tenant's name, e.g. one left behind by a tenant removed with --allow-removal
 * (whose ledger is gone). A new tenant file with that name then gets the old company, its users and data.
 *
 * This test documents that behaviour, so that a contract change (e.g. adopting a ledger-less company only
 * with an explicit `adopt: true` in the plan) shows up here as a deliberate change.
 */
import { expectBootstrapped, LEDGER, LEDGER_NAMESPACE, scenarioWorlds, World } from './harness';

jest.setTimeout(60_000);

const worlds = scenarioWorlds();
let world: World;

describe('a company with the tenant name and no ledger (contract section 4, today)', () => {
  test('is adopted: no second company, the ledger records the old company, the new admin joins its old users', async () => {
    // GIVEN a company "acme" left behind by an earlier tenant: its admin and a user, a queue, and no ledger
    world = await worlds.start();
    const old = world.clearml.addCompany('acme');
    const oldAdmin = world.clearml.addUser(old.id, 'former-admin@acme.com');
    const oldUser = world.clearml.addUser(old.id, 'former-user@acme.com', 'user');
    world.clearml.addQueue(old.id, 'default');
    expect(world.secret('ledger')).toBeUndefined();

    // WHEN a new tenant file named acme is bootstrapped
    const result = await world.runChild();

    // THEN the run succeeds on the old company instead of refusing or creating one
    expect(result).toMatchObject({ code: 0, stderr: [] });
    expect(result.stdout).toContain(`company "acme": exists (id ${old.id})`);
    expect(world.clearml.companies.filter((c) => c.name === 'acme').map((c) => c.id)).toEqual([old.id]);
    expect(world.kube.get(LEDGER_NAMESPACE, LEDGER)?.data).toEqual({ company_id: old.id, admin_user_id: world.admin()!.id });
    // The new admin is an admin of the old company, beside the former admin and user, who stay.
    expect(world.admin()).toMatchObject({ company: old.id, role: 'admin' });
    expect(world.clearml.users.filter((u) => u.company === old.id).map((u) => u.id)).toEqual(expect.arrayContaining([oldAdmin.id, oldUser.id, world.admin()!.id]));
    // The old queue is reused, not made again.
    expect(world.clearml.queues.filter((q) => q.company === old.id && q.name === 'default')).toHaveLength(1);
    expectBootstrapped(world);
  });
});
