/**
 * What a hostile tenant file may not claim: the server's own company, another tenant's people (SSO
 * domains, e-mails), NodePorts beyond the platform's caps, other apps' hosts. Conflicts are reported on
 * both files, each naming the other; the messages of a null value, a `__proto__` key and a file of several
 * YAML documents say what is wrong.
 */
import { configProblems } from '../helpers';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platform as platformProps } from '../fixtures/platform';
import { resolvePlatform } from '../../lib/platform/platform';
import { PlatformProps } from '../../lib/platform/platform-props';
import { Problem } from '../../lib/core/problems';
import { resolveTenants } from '../../lib/tenant/tenants';
import { readTenantFiles, TenantSource } from '../../lib/tenant/tenant-files';
import { createTenantFile, parseNewTenantArgs } from '../../lib/tools/new-tenant';

const platform = resolvePlatform(platformProps);

/** A minimal valid file for `name` with ports from `port`, plus extra YAML lines. */
function tenant(name: string, port: number, extra = '', email = `admin@${name}.example`): string {
  return `name: ${name}\nadmin: { name: Admin, email: ${email} }\nsessions: { startingPort: ${port} }\n${extra}`;
}

function problemsOf(byName: Record<string, string>, on = platform): Problem[] {
  const sources: TenantSource[] = Object.entries(byName).map(([file, text]) => ({ file: `tenants/${file}`, text }));
  return configProblems(() => resolveTenants(sources, on));
}

function platformProblems(props: PlatformProps): Problem[] {
  return configProblems(() => resolvePlatform(props));
}

describe('company names', () => {
  test("fails when a tenant is named clearml (the server's own default company)", () => {
    expect(problemsOf({ 'clearml.yaml': tenant('clearml', 31010, 'namespace: clearml-evil\n') })).toEqual([
      { file: 'tenants/clearml.yaml', path: 'name', value: 'clearml', message: expect.stringMatching(/^is the name of the ClearML server's own default company \("clearml", in any case\); the bootstrap finds a tenant's company by its name/) },
    ]);
  });

  test('fails when a tenant takes a company name the platform reserves (tenancy.reservedCompanyNames), compared in any case', () => {
    const reserving = resolvePlatform({ ...platformProps, tenancy: { reservedCompanyNames: ['Research', 'legacy-team'] } });
    expect(problemsOf({ 'research.yaml': tenant('research', 31010), 'legacy-team.yaml': tenant('legacy-team', 31100), 'acme.yaml': tenant('acme', 31200) }, reserving)).toEqual([
      { file: 'tenants/research.yaml', path: 'name', value: 'research', message: expect.stringMatching(/^is the name of a company that already exists in the ClearML server \(the platform's tenancy\.reservedCompanyNames: Research, legacy-team; compared in any case\)/) },
      { file: 'tenants/legacy-team.yaml', path: 'name', value: 'legacy-team', message: expect.stringMatching(/tenancy\.reservedCompanyNames/) },
    ]);
    // by default nothing but clearml is reserved
    expect(problemsOf({ 'research.yaml': tenant('research', 31010) })).toEqual([]);
  });

  test('fails when the platform reserves company names that are not a list of names, or port caps below 1', () => {
    const problems = platformProblems({ ...platformProps, tenancy: { reservedCompanyNames: 'clearml' as never, maxSessionPorts: 0, maxStreamPorts: 1.5 } });
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'tenancy.reservedCompanyNames', value: 'clearml', message: 'must be a list of company names' }),
      expect.objectContaining({ path: 'tenancy.maxSessionPorts', value: 0, message: 'must be a whole number of at least 1' }),
      expect.objectContaining({ path: 'tenancy.maxStreamPorts', value: 1.5, message: 'must be a whole number of at least 1' }),
    ]));
  });
});

describe('SSO domains', () => {
  test("fails when an SSO domain is inside, or a parent of, another tenant's SSO domain, on both files", () => {
    const problems = problemsOf({
      'acme.yaml': tenant('acme', 31010, 'ssoDomains: [acme.com]\n'),
      'evil.yaml': tenant('evil', 31100, 'ssoDomains: [eng.acme.com]\n'),
      'grab.yaml': tenant('grab', 31200, 'ssoDomains: [initech.example.org]\n'),
      'initech.yaml': tenant('initech', 31300, 'ssoDomains: [ml.initech.example.org]\n'),
    });
    expect(problems).toEqual([
      { file: 'tenants/acme.yaml', path: 'ssoDomains[0]', value: 'acme.com', message: expect.stringMatching(/^is a parent of the SSO domain eng\.acme\.com of tenants\/evil\.yaml \(ssoDomains\[0\]\); a domain and every domain inside it may belong to one tenant only/) },
      { file: 'tenants/evil.yaml', path: 'ssoDomains[0]', value: 'eng.acme.com', message: expect.stringMatching(/^is inside the SSO domain acme\.com of tenants\/acme\.yaml \(ssoDomains\[0\]\)/) },
      { file: 'tenants/grab.yaml', path: 'ssoDomains[0]', value: 'initech.example.org', message: expect.stringMatching(/^is a parent of the SSO domain ml\.initech\.example\.org of tenants\/initech\.yaml/) },
      { file: 'tenants/initech.yaml', path: 'ssoDomains[0]', value: 'ml.initech.example.org', message: expect.stringMatching(/^is inside the SSO domain initech\.example\.org of tenants\/grab\.yaml/) },
    ]);
  });

  test("fails when an SSO domain is a public suffix, one label, or a parent of or inside the supervisor's e-mail domain", () => {
    // the fixture's supervisor is supervisor@example.com
    const problems = problemsOf({ 'acme.yaml': tenant('acme', 31010, 'ssoDomains: [co.uk, com.au, CO.JP, com, ops.example.com, example.com, acme.co.uk]\n') });
    expect(problems).toEqual([
      { file: 'tenants/acme.yaml', path: 'ssoDomains[0]', value: 'co.uk', message: expect.stringMatching(/^is a public suffix \(companies register their own domains under it\)/) },
      { file: 'tenants/acme.yaml', path: 'ssoDomains[1]', value: 'com.au', message: expect.stringMatching(/^is a public suffix/) },
      { file: 'tenants/acme.yaml', path: 'ssoDomains[2]', value: 'CO.JP', message: expect.stringMatching(/^must be a lower-case DNS name/) },
      { file: 'tenants/acme.yaml', path: 'ssoDomains[3]', value: 'com', message: expect.stringMatching(/^must be a lower-case DNS name of two or more labels/) },
      { file: 'tenants/acme.yaml', path: 'ssoDomains[4]', value: 'ops.example.com', message: expect.stringMatching(/^is the domain of the supervisor's e-mail \(server\.supervisor\.email\), or inside or a parent of it \(example\.com\)/) },
      { file: 'tenants/acme.yaml', path: 'ssoDomains[5]', value: 'example.com', message: expect.stringMatching(/^is the domain of the supervisor's e-mail/) },
    ]);
    const corp = resolvePlatform({ ...platformProps, server: { ...platformProps.server, supervisor: { email: 'root@it.corp.example' } } });
    expect(problemsOf({ 'acme.yaml': tenant('acme', 31010, 'ssoDomains: [corp.example]\n') }, corp)).toEqual([
      { file: 'tenants/acme.yaml', path: 'ssoDomains[0]', value: 'corp.example', message: expect.stringMatching(/^is the domain of the supervisor's e-mail .*\(it\.corp\.example\)/) },
    ]);
  });
});

describe("e-mails of another tenant's people", () => {
  test("fails when a whitelist names an e-mail inside another tenant's admin e-mail domain, on both files", () => {
    const problems = problemsOf({
      'aaa.yaml': tenant('aaa', 31100, 'login: { admins: [cfo@globex.example], users: [dev@eng.globex.example] }\n'),
      'globex.yaml': tenant('globex', 31020),
    });
    expect(problems).toEqual([
      { file: 'tenants/aaa.yaml', path: 'login.admins[0]', value: 'cfo@globex.example', message: "is inside the admin e-mail domain globex.example of tenants/globex.yaml; that tenant's users belong to its company, so use an address outside it" },
      { file: 'tenants/aaa.yaml', path: 'login.users[0]', value: 'dev@eng.globex.example', message: expect.stringMatching(/^is inside the admin e-mail domain globex\.example of tenants\/globex\.yaml/) },
      { file: 'tenants/globex.yaml', path: 'admin.email', value: 'admin@globex.example', message: expect.stringMatching(/^is the admin e-mail domain of cfo@globex\.example, which tenants\/aaa\.yaml lists \(login\.admins\[0\]\)/) },
      { file: 'tenants/globex.yaml', path: 'admin.email', value: 'admin@globex.example', message: expect.stringMatching(/^is the admin e-mail domain of dev@eng\.globex\.example, which tenants\/aaa\.yaml lists \(login\.users\[0\]\)/) },
    ]);
  });

  test("fails when two admins share a domain (once on each file); a webmail admin domain and a tenant's own SSO domain are not claims", () => {
    expect(problemsOf({ 'acme.yaml': tenant('acme', 31010, '', 'ops@shared.example'), 'beta.yaml': tenant('beta', 31100, '', 'lead@shared.example') })).toEqual([
      { file: 'tenants/acme.yaml', path: 'admin.email', value: 'ops@shared.example', message: expect.stringMatching(/^is the admin e-mail domain of lead@shared\.example, which tenants\/beta\.yaml lists \(admin\.email\)/) },
      { file: 'tenants/beta.yaml', path: 'admin.email', value: 'lead@shared.example', message: expect.stringMatching(/^is inside the admin e-mail domain shared\.example of tenants\/acme\.yaml/) },
    ]);
    // webmail: anyone has an address there, so gmail.com is nobody's domain
    expect(problemsOf({ 'acme.yaml': tenant('acme', 31010, '', 'acme.ops@gmail.com'), 'beta.yaml': tenant('beta', 31100, 'login: { users: [friend@gmail.com] }\n', 'beta.ops@gmail.com') })).toEqual([]);
    // acme owns acme.example by SSO; evil's admin there is evil's problem only, acme's admin is not blamed
    const problems = problemsOf({ 'acme.yaml': tenant('acme', 31010, 'ssoDomains: [acme.example]\n'), 'evil.yaml': tenant('evil', 31100, '', 'ceo@acme.example') });
    expect(problems.filter((p) => p.path === 'admin.email').map((p) => p.file)).toEqual(['tenants/evil.yaml']);
  });
});

describe('NodePort caps', () => {
  test('fails when a tenant takes more session ports than the platform allows (tenancy.maxSessionPorts, default 100)', () => {
    expect(problemsOf({ 'acme.yaml': tenant('acme', 31010).replace('startingPort: 31010 }', 'startingPort: 31010, maxServices: 101 }') })).toEqual([
      { file: 'tenants/acme.yaml', path: 'sessions.maxServices', value: 101, message: 'takes 101 session NodePorts; the platform allows at most 100 per tenant (tenancy.maxSessionPorts)' },
    ]);
    const roomy = resolvePlatform({ ...platformProps, tenancy: { maxSessionPorts: 500 } });
    expect(problemsOf({ 'acme.yaml': tenant('acme', 31010).replace('startingPort: 31010 }', 'startingPort: 31010, maxServices: 500 }') }, roomy)).toEqual([]);
  });

  test('fails when tenant:new would give the new tenant session ports inside an existing stream range', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tenant-new-stream-')), 'tenants');
    try {
      mkdirSync(dir);
      // GIVEN acme's sessions 31011-31020 and its stream ports right above them, 31021-31030
      writeFileSync(join(dir, 'acme.yaml'), tenant('acme', 31010, 'router: { streamSession: { portRange: { start: 31021, end: 31030 } } }\n'));
      const props = { ...platformProps, profile: 'current' as const };
      const { text } = createTenantFile(parseNewTenantArgs(['hooli', '--admin-email', 'admin@hooli.example', '--admin-name', 'H', `--dir=${dir}`]), props);
      // THEN hooli starts after the stream range (ports 31031-31040)
      expect(text).toContain('startingPort: 31030');
      expect(resolveTenants(readTenantFiles(dir), resolvePlatform(props)).map((t) => t.name)).toEqual(['acme', 'hooli']);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
});

describe('router hosts', () => {
  test("fails when a router host is another app's host under the base domain or the server's file host in either form", () => {
    const problems = problemsOf({
      'acme.yaml': tenant('acme', 31010, 'router: { hostName: grafana.clearml.example.com }\n'),
      'beta.yaml': tenant('beta', 31100, 'router: { hostName: files.clearml.example.com }\n'),
      'gamma.yaml': tenant('gamma', 31200, 'router: { hostName: gamma-ml-apps.clearml.example.com }\n'),
      'delta.yaml': tenant('delta', 31300, 'router: { hostName: apps.delta.clearml.example.com }\n'),
      'eps.yaml': tenant('eps', 31400, 'router: { hostName: eps-apps.clearml.example.com }\n'),
    });
    expect(problems).toEqual([
      { file: 'tenants/acme.yaml', path: 'router.hostName', value: 'grafana.clearml.example.com', message: 'must be acme-apps.clearml.example.com (the default) or "acme-<anything>-apps.clearml.example.com": a tenant\'s router host starts with its name and ends in "-apps", so that it cannot take the host of another app under the base domain' },
      { file: 'tenants/beta.yaml', path: 'router.hostName', value: 'files.clearml.example.com', message: 'is a host of the ClearML server (api.clearml.example.com, app.clearml.example.com, file.clearml.example.com, files.clearml.example.com); choose beta-apps.clearml.example.com' },
      { file: 'tenants/delta.yaml', path: 'router.hostName', value: 'apps.delta.clearml.example.com', message: expect.stringMatching(/^must be delta-apps\.clearml\.example\.com \(the default\)/) },
    ]);
  });

  test('fails when a tenant name too long for "<name>-apps" sets a router host that does not start with its first 52 characters', () => {
    const name = `${'t'.repeat(60)}-a`;
    const file = (host: string) => ({ [`${name}.yaml`]: tenant(name, 31010, `router: { hostName: ${host} }\n`) });
    expect(problemsOf(file(`${name.slice(0, 52)}-x-apps.clearml.example.com`))).toEqual([]);
    expect(problemsOf(file('x-apps.clearml.example.com'))).toEqual([
      { file: `tenants/${name}.yaml`, path: 'router.hostName', value: 'x-apps.clearml.example.com', message: expect.stringMatching(/the name's first 52 characters: "<name>-apps" is longer than a DNS label/) },
    ]);
  });
});

describe('messages', () => {
  test('fails on an explicit null with "is null", not "(missing)"', () => {
    const problems = problemsOf({ 'acme.yaml': 'name: acme\nadmin: null\nsessions: { startingPort: null }\n' });
    expect(problems).toEqual([
      { file: 'tenants/acme.yaml', path: 'admin', value: null, message: 'is null; it is required: give a mapping of fields (key: value)' },
      { file: 'tenants/acme.yaml', path: 'sessions.startingPort', value: null, message: 'is null; it is required: give a whole number' },
    ]);
  });

  test('fails on a __proto__ key as on any unknown field (not "must be undefined")', () => {
    const problems = problemsOf({ 'acme.yaml': `${tenant('acme', 31010)}__proto__: { polluted: true }\nqueues: { __proto__: 1 }\n` });
    expect(problems).toEqual([
      { file: 'tenants/acme.yaml', path: '__proto__', value: { polluted: true }, message: expect.stringMatching(/^is not a field here; allowed: name, namespace, admin/) },
      { file: 'tenants/acme.yaml', path: 'queues.__proto__', value: 1, message: expect.stringMatching(/^is not a field here; allowed: default, gpuFractions/) },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('fails on a file of several YAML documents, counting them', () => {
    const problems = problemsOf({ 'acme.yaml': `${tenant('acme', 31010)}---\n${tenant('beta', 31100)}---\nname: gamma\n` });
    expect(problems).toEqual([{ file: 'tenants/acme.yaml', path: '(yaml)', value: undefined, message: 'holds 3 YAML documents (separated by "---"); a tenant file holds one: one tenant per file' }]);
  });

  test('fails with no follow-on problem of another tenant when a field already has its own', () => {
    // evil's startingPort is outside the NodePort range: no overlap with acme's ports 30001-30010 follows
    const problems = problemsOf({ 'acme.yaml': tenant('acme', 30000), 'evil.yaml': tenant('evil', 29999) });
    expect(problems).toEqual([{ file: 'tenants/evil.yaml', path: 'sessions.startingPort', value: 29999, message: expect.stringMatching(/^must be from 30000 to 32757 \(with maxServices 10/) }]);
  });
});
