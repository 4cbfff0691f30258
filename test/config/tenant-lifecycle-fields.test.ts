/** The lifecycle fields of the tenant files: state, credentialsGeneration and the login whitelist. */
import { configProblems } from '../helpers';
import { platform as platformProps } from '../fixtures/platform';
import { resolvePlatform } from '../../lib/platform/platform';
import { Problem } from '../../lib/core/problems';
import { LIFECYCLE_DEFAULTS, MAX_CREDENTIALS_GENERATION, tenantJsonSchema } from '../../lib/config/tenant-schema';
import { resolveTenants } from '../../lib/tenant/tenants';

const platform = resolvePlatform(platformProps);

function tenant(name: string, port: number, extra = ''): string {
  return `name: ${name}\nadmin: { name: Admin, email: admin@${name}.example }\nsessions: { startingPort: ${port} }\n${extra}`;
}

function resolve(byName: Record<string, string>) {
  return resolveTenants(Object.entries(byName).map(([name, text]) => ({ file: `tenants/${name}.yaml`, text })), platform);
}

function problemsOf(byName: Record<string, string>): Problem[] {
  return configProblems(() => resolve(byName));
}

describe('tenant lifecycle fields', () => {
  test('default to active, generation 1 and no whitelist; the schema shows the same defaults', () => {
    const [t] = resolve({ acme: tenant('acme', 31000) });
    expect(t).toMatchObject({ state: 'active', credentialsGeneration: 1, login: { admins: [], users: [] } });
    const schema = tenantJsonSchema() as any;
    expect(schema.properties.state).toMatchObject({ enum: ['active', 'suspended', 'decommissioned'], default: LIFECYCLE_DEFAULTS.state });
    expect(schema.properties.credentialsGeneration).toMatchObject({ minimum: 1, maximum: MAX_CREDENTIALS_GENERATION, default: LIFECYCLE_DEFAULTS.credentialsGeneration });
  });

  test('keeps what the file sets', () => {
    const [t] = resolve({ acme: tenant('acme', 31000, 'state: suspended\ncredentialsGeneration: 4\nlogin: { admins: [lead@partner.org], users: [dev@partner.org] }\n') });
    expect(t).toMatchObject({ state: 'suspended', credentialsGeneration: 4, login: { admins: ['lead@partner.org'], users: ['dev@partner.org'] } });
  });

  test('fails when state, credentialsGeneration or a whitelist e-mail is wrong, every problem at once', () => {
    const problems = problemsOf({
      acme: tenant('acme', 31000, `state: paused\ncredentialsGeneration: ${MAX_CREDENTIALS_GENERATION + 1}\nlogin: { admins: [not-an-email], users: [ok@partner.org, ok@partner.org] }\n`),
      beta: tenant('beta', 31100, 'credentialsGeneration: 0\n'),
      gamma: tenant('gamma', 31200, 'credentialsGeneration: 1.5\n'),
    });
    const lines = problems.map((p) => `${p.file}: ${p.path}: ${JSON.stringify(p.value)}: ${p.message}`);
    expect(lines).toEqual([
      'tenants/acme.yaml: state: "paused": must be one of: active, suspended, decommissioned',
      `tenants/acme.yaml: credentialsGeneration: ${MAX_CREDENTIALS_GENERATION + 1}: must be at most ${MAX_CREDENTIALS_GENERATION}`,
      'tenants/acme.yaml: login.users[1]: "ok@partner.org": is listed twice (also at login.users[0]); each entry must be unique',
      'tenants/acme.yaml: login.admins[0]: "not-an-email": must be an e-mail address such as "admin@example.com"',
      'tenants/beta.yaml: credentialsGeneration: 0: must be at least 1',
      `tenants/gamma.yaml: credentialsGeneration: 1.5: must be a whole number from 1 to ${MAX_CREDENTIALS_GENERATION}`,
    ]);
  });

  test('fails when an e-mail is both an admin and a user of one tenant', () => {
    expect(problemsOf({ acme: tenant('acme', 31000, 'login: { admins: [Lead@partner.org], users: [lead@partner.org] }\n') })).toEqual([
      { file: 'tenants/acme.yaml', path: 'login.users[0]', value: 'lead@partner.org', message: 'is also in login.admins; list each e-mail once, under admins or under users' },
    ]);
  });

  test('fails when two tenants whitelist the same e-mail, naming both files', () => {
    const problems = problemsOf({
      acme: tenant('acme', 31000, 'login: { users: [shared@partner.org] }\n'),
      beta: tenant('beta', 31100, 'login: { admins: [Shared@Partner.org] }\n'),
    });
    expect(problems).toEqual([
      {
        file: 'tenants/acme.yaml',
        path: 'login.users[0]',
        value: 'shared@partner.org',
        message: 'is also whitelisted by tenants/beta.yaml (login.admins[0]); a login goes to one company only, so list the e-mail in one tenant file (tenants/acme.yaml or tenants/beta.yaml)',
      },
      {
        file: 'tenants/beta.yaml',
        path: 'login.admins[0]',
        value: 'shared@partner.org',
        message: expect.stringMatching(/^is also whitelisted by tenants\/acme\.yaml \(login\.users\[0\]\); a login goes to one company only, so list the e-mail in one tenant file \(tenants\/acme\.yaml or tenants\/beta\.yaml\)$/),
      },
    ]);
  });
});
