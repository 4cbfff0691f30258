/**
 * Issue 12 (security hardening), the input side: items 3, 7, 11, 12, 13, 14 and 15. Each test is named
 * after its item and fails on the behaviour before the fix. Fixtures are local (no tenants/ files).
 */
import { configProblems } from '../helpers';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePlatform } from '../../lib/platform/platform';
import { PlatformProps } from '../../lib/platform/platform-props';
import { ConfigError, Problem, formatProblem, shorten } from '../../lib/core/problems';
import { reservedNamespaces, resolveTenants } from '../../lib/tenant/tenants';
import { MAX_TENANT_FILE_BYTES, readTenantFiles, TenantSource } from '../../lib/tenant/tenant-files';
import { runSynth } from '../../lib/cli';

/** Platform props of these tests (not main.ts): billing off, a base domain and a supervisor. */
const PROPS: PlatformProps = {
  baseDomain: 'ml.corp.example',
  server: { supervisor: { email: 'Root@Corp.example' } },
  billing: { enabled: false },
};
const platform = resolvePlatform(PROPS);

/** A valid tenant file for `name` with session ports after `port`, plus extra YAML lines. */
function tenant(name: string, port: number, extra = ''): string {
  return `name: ${name}\nadmin: { name: Admin, email: admin@${name}.example }\nsessions: { startingPort: ${port} }\n${extra}`;
}

function files(byName: Record<string, string>): TenantSource[] {
  return Object.entries(byName).map(([file, text]) => ({ file: `tenants/${file}`, text }));
}

function problemsOf(sources: readonly TenantSource[], on = platform): Problem[] {
  return configProblems(() => resolveTenants(sources, on));
}

const problemsOfFiles = (byName: Record<string, string>, on = platform) => problemsOf(files(byName), on);

function expectProblem(problems: Problem[], file: string, path: string, value: unknown, message: RegExp): void {
  expect(problems).toContainEqual({ file, path, value, message: expect.stringMatching(message) });
}

function platformProblems(props: PlatformProps): Problem[] {
  return configProblems(() => resolvePlatform(props));
}

describe('item 3: tenant namespaces come from an allowlist, with a reserved list always refused', () => {
  test.each(['cert-manager', 'calico-system', 'tigera-operator', 'monitoring', 'argocd', 'kubernetes-dashboard', 'ingress-nginx', 'flux-system'])(
    'item 3: fails when a tenant namespace is reserved (%s)',
    (ns) => {
      // GIVEN a tenant of that name, so that its namespace (the name) passes the allowlist
      const problems = problemsOfFiles({ [`${ns}.yaml`]: tenant(ns, 31010) });
      // THEN the reserved list refuses it, saying which rule
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ file: `tenants/${ns}.yaml`, path: 'namespace (defaults to name)', value: ns });
      expect(problems[0].message).toMatch(/^is (reserved for a common cluster add-on|a namespace of the platform \(ingressNamespace\)|a namespace of the platform \(sourceNamespace\)|the namespace of the GitOps controller \(flux\)); no tenant may use it$/);
    },
  );

  test('item 3: fails when a tenant namespace is default or kube-*', () => {
    const problems = problemsOfFiles({ 'acme.yaml': tenant('acme', 31010, 'namespace: default\n'), 'kube-x.yaml': tenant('kube-x', 31100) });
    expectProblem(problems, 'tenants/acme.yaml', 'namespace', 'default', /^is a namespace of Kubernetes; no tenant may use it$/);
    expectProblem(problems, 'tenants/kube-x.yaml', 'namespace (defaults to name)', 'kube-x', /^is reserved for Kubernetes \(names starting with "kube-"\)/);
  });

  test('item 3: fails when a tenant namespace is a namespace of the resolved platform (not a second list)', () => {
    // GIVEN a platform whose server, Redis and Argo CD live in namespaces of their own choosing
    const custom = resolvePlatform({ ...PROPS, gitops: { flavor: 'argocd', repoURL: 'https://git.example/p.git', argocdNamespace: 'gitops' }, server: { ...PROPS.server, namespace: 'ml-server' }, redis: { namespace: 'ml-redis' } });
    // WHEN tenants take them
    const problems = problemsOfFiles({ 'ml-server.yaml': tenant('ml-server', 31010), 'ml-redis.yaml': tenant('ml-redis', 31100), 'gitops.yaml': tenant('gitops', 31200) }, custom);
    // THEN each is refused with the platform field that owns it
    expectProblem(problems, 'tenants/ml-server.yaml', 'namespace (defaults to name)', 'ml-server', /^is a namespace of the platform \(server\.namespace\)/);
    expectProblem(problems, 'tenants/ml-redis.yaml', 'namespace (defaults to name)', 'ml-redis', /^is a namespace of the platform \(redis\.namespace\)/);
    expectProblem(problems, 'tenants/gitops.yaml', 'namespace (defaults to name)', 'gitops', /^is the namespace of the GitOps controller \(argocd\)/);
    // and the reserved list follows the platform: "clearml" is free here, "ml-server" is not
    expect(reservedNamespaces(custom).has('ml-server')).toBe(true);
    expect(reservedNamespaces(custom).has('clearml')).toBe(false);
  });

  test("item 3: fails when a tenant namespace is outside the platform's allowlist", () => {
    // GIVEN the default allowlist (the tenant's name, or the name and "-<suffix>")
    const problems = problemsOfFiles({ 'acme.yaml': tenant('acme', 31010, 'namespace: linkerd-viz\n'), 'beta.yaml': tenant('beta', 31100, 'namespace: beta-ml\n') });
    expect(problems).toEqual([
      { file: 'tenants/acme.yaml', path: 'namespace', value: 'linkerd-viz', message: 'is not allowed for tenant "acme": a tenant namespace must be the tenant\'s name, or the name followed by "-<suffix>", here "acme" or "acme-..."' },
    ]);
  });

  test('item 3: a namespace prefix puts every tenant namespace under it', () => {
    // GIVEN a platform that requires "tenant-"
    const prefixed = resolvePlatform({ ...PROPS, tenancy: { namespacePrefix: 'tenant-', reservedNamespaces: ['tenant-audit'] } });
    // WHEN one file sets no namespace, one sets a namespace under the prefix, one outside it, one a reserved one
    const sources = files({ 'acme.yaml': tenant('acme', 31010), 'beta.yaml': tenant('beta', 31100, 'namespace: tenant-beta-ml\n'), 'gamma.yaml': tenant('gamma', 31200, 'namespace: gamma\n'), 'audit.yaml': tenant('audit', 31300) });
    const problems = problemsOf(sources, prefixed);
    // THEN the default is <prefix><name>, and what leaves the prefix or is reserved fails
    expect(problems).toEqual([
      { file: 'tenants/gamma.yaml', path: 'namespace', value: 'gamma', message: expect.stringMatching(/^is not allowed for tenant "gamma": a tenant namespace must be "tenant-" \+ the tenant's name, or that followed by "-<suffix>" \(the platform's tenancy\.namespacePrefix\), here "tenant-gamma"/) },
      { file: 'tenants/audit.yaml', path: 'namespace (defaults to name)', value: 'tenant-audit', message: 'is reserved by the platform (tenancy.reservedNamespaces); no tenant may use it' },
    ]);
    const [acme, beta] = resolveTenants(sources.slice(0, 2), prefixed);
    expect(acme.namespace).toBe('tenant-acme');
    expect(beta.namespace).toBe('tenant-beta-ml');
  });

  test('item 3: fails when the namespace prefix is not a namespace prefix', () => {
    const problems = platformProblems({ ...PROPS, tenancy: { namespacePrefix: 'Tenant_', reservedNamespaces: ['ok', 'Not OK'] } });
    expect(problems).toContainEqual(expect.objectContaining({ path: 'tenancy.namespacePrefix', value: 'Tenant_', message: expect.stringMatching(/^must be empty or lower-case letters, digits and "-"/) }));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'tenancy.reservedNamespaces[1]', value: 'Not OK' }));
    expect(platformProblems({ ...PROPS, tenancy: { namespacePrefix: 'kube-t-' } })).toContainEqual(expect.objectContaining({ path: 'tenancy.namespacePrefix', message: expect.stringMatching(/kube-/) }));
  });
});

describe('item 7: SSO domains and admin e-mails', () => {
  test('item 7: fails when two tenants claim the same SSO domain (both files named)', () => {
    const problems = problemsOfFiles({ 'acme.yaml': tenant('acme', 31010, 'ssoDomains: [acme.example, shared.example]\n'), 'beta.yaml': tenant('beta', 31100, 'ssoDomains: [shared.example]\n') });
    expect(problems).toEqual([
      { file: 'tenants/acme.yaml', path: 'ssoDomains[1]', value: 'shared.example', message: expect.stringMatching(/^is also an SSO domain of tenants\/beta\.yaml \(ssoDomains\[0\]\); a domain may belong to one tenant only/) },
      { file: 'tenants/beta.yaml', path: 'ssoDomains[0]', value: 'shared.example', message: expect.stringMatching(/^is also an SSO domain of tenants\/acme\.yaml \(ssoDomains\[1\]\); a domain may belong to one tenant only/) },
    ]);
  });

  test("item 7: fails when an SSO domain is public webmail, the base domain (or inside it) or the supervisor's domain", () => {
    const problems = problemsOfFiles({ 'acme.yaml': tenant('acme', 31010, 'ssoDomains: [gmail.com, outlook.com, proton.me, ml.corp.example, team.ml.corp.example, corp.example, acme.example]\n') });
    expectProblem(problems, 'tenants/acme.yaml', 'ssoDomains[0]', 'gmail.com', /^is a public webmail domain \(gmail\.com\)/);
    expectProblem(problems, 'tenants/acme.yaml', 'ssoDomains[1]', 'outlook.com', /^is a public webmail domain/);
    expectProblem(problems, 'tenants/acme.yaml', 'ssoDomains[2]', 'proton.me', /^is a public webmail domain/);
    expectProblem(problems, 'tenants/acme.yaml', 'ssoDomains[3]', 'ml.corp.example', /^is the platform's base domain ml\.corp\.example or inside it/);
    expectProblem(problems, 'tenants/acme.yaml', 'ssoDomains[4]', 'team.ml.corp.example', /^is the platform's base domain/);
    expectProblem(problems, 'tenants/acme.yaml', 'ssoDomains[5]', 'corp.example', /^is the domain of the supervisor's e-mail \(server\.supervisor\.email\)/);
    expect(problems).toHaveLength(6); // acme.example is the tenant's own
  });

  test("item 7: fails when admin e-mails repeat across tenants or are the supervisor's", () => {
    const problems = problemsOfFiles({
      'acme.yaml': tenant('acme', 31010).replace('admin@acme.example', 'ops@shared.example'),
      'beta.yaml': tenant('beta', 31100).replace('admin@beta.example', 'OPS@shared.example'),
      'gamma.yaml': tenant('gamma', 31200).replace('admin@gamma.example', 'root@corp.example'),
    });
    expect(problems).toEqual([
      { file: 'tenants/acme.yaml', path: 'admin.email', value: 'ops@shared.example', message: 'is also the admin e-mail of tenants/beta.yaml; each tenant needs its own' },
      { file: 'tenants/beta.yaml', path: 'admin.email', value: 'OPS@shared.example', message: 'is also the admin e-mail of tenants/acme.yaml; each tenant needs its own' },
      { file: 'tenants/gamma.yaml', path: 'admin.email', value: 'root@corp.example', message: "is the supervisor's e-mail (server.supervisor.email); a tenant admin needs an address of its own" },
    ]);
  });
});

describe('item 7: the login whitelist', () => {
  test("item 7: fails when the login whitelist routes the supervisor's e-mail to a tenant", () => {
    const problems = problemsOfFiles({ 'acme.yaml': tenant('acme', 31010, 'login: { admins: [ROOT@corp.example], users: [dev@acme.example] }\n') });
    expect(problems).toEqual([
      { file: 'tenants/acme.yaml', path: 'login.admins[0]', value: 'ROOT@corp.example', message: "is the supervisor's e-mail (server.supervisor.email); the supervisor's login must never be routed to a tenant company" },
    ]);
  });
});

describe("item 7: a tenant's e-mails never belong to another tenant", () => {
  test("item 7: fails when a whitelist names another tenant's admin, or an e-mail inside another tenant's SSO domain", () => {
    // GIVEN acme owning acme.example, and beta trying to route acme's admin and acme's people to itself
    const problems = problemsOfFiles({
      'acme.yaml': tenant('acme', 31010, 'ssoDomains: [acme.example]\n'),
      'beta.yaml': tenant('beta', 31100, 'login: { admins: [ADMIN@acme.example], users: [dev@team.acme.example, dev@beta.example] }\n'),
    });
    // THEN both are refused on beta's file, naming acme's file, and acme's file names beta's; beta's own address passes
    expect(problems).toEqual([
      { file: 'tenants/acme.yaml', path: 'admin.email', value: 'admin@acme.example', message: expect.stringMatching(/^is whitelisted by tenants\/beta\.yaml \(login\.admins\[0\]\); a tenant may not route another tenant's admin to its company/) },
      { file: 'tenants/acme.yaml', path: 'ssoDomains[0]', value: 'acme.example', message: expect.stringMatching(/^is the SSO domain of dev@team\.acme\.example, which tenants\/beta\.yaml lists \(login\.users\[0\]\)/) },
      { file: 'tenants/beta.yaml', path: 'login.admins[0]', value: 'admin@acme.example', message: "is the admin e-mail of tenants/acme.yaml; a tenant may not route another tenant's admin to its company" },
      { file: 'tenants/beta.yaml', path: 'login.users[0]', value: 'dev@team.acme.example', message: expect.stringMatching(/^is inside the SSO domain acme\.example of tenants\/acme\.yaml/) },
    ]);
  });

  test("item 7: fails when a tenant's admin e-mail is inside another tenant's SSO domain", () => {
    const problems = problemsOfFiles({
      'acme.yaml': tenant('acme', 31010, 'ssoDomains: [acme.example]\n'),
      'evil.yaml': tenant('evil', 31100).replace('admin@evil.example', 'ceo@acme.example'),
    });
    expect(problems).toEqual([
      { file: 'tenants/acme.yaml', path: 'ssoDomains[0]', value: 'acme.example', message: expect.stringMatching(/^is the SSO domain of ceo@acme\.example, which tenants\/evil\.yaml lists \(admin\.email\)/) },
      { file: 'tenants/evil.yaml', path: 'admin.email', value: 'ceo@acme.example', message: expect.stringMatching(/^is inside the SSO domain acme\.example of tenants\/acme\.yaml/) },
    ]);
  });
});

describe('item 11: loading the tenant folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tenants-hostile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const problemsOfDir = () => problemsOf(readTenantFiles(dir));
  const fileProblem = (name: string, message: RegExp) => ({ file: join(dir, name), path: '(file)', value: name, message: expect.stringMatching(message) });

  test('item 11: fails when a file is an alias bomb, with a clear error and no hang', () => {
    // GIVEN a billion-laughs file (10^8 strings once expanded)
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 8; i++) levels.push(`${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${Array(10).fill(`*${'abcdefgh'[i - 1]}`).join(',')}]`);
    writeFileSync(join(dir, 'bomb.yaml'), `${levels.join('\n')}\n`);
    // THEN
    expect(problemsOfDir()).toEqual([{ file: join(dir, 'bomb.yaml'), path: '(yaml)', value: undefined, message: expect.stringMatching(/^expands its aliases \(\*name\) too often: at most 100 alias expansions are allowed/) }]);
  });

  test('item 11: fails when an entry is a folder named x.yaml, a symbolic link (dangling or not) or a FIFO', () => {
    // GIVEN
    writeFileSync(join(dir, 'good.yaml'), tenant('good', 31010));
    mkdirSync(join(dir, 'x.yaml'));
    symlinkSync(join(dir, 'missing.yaml'), join(dir, 'dangling.yaml'));
    symlinkSync(join(dir, 'good.yaml'), join(dir, 'linked.yaml'));
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    // WHEN (a FIFO opened for reading would block this test forever)
    const problems = problemsOfDir();
    // THEN each is named with what it is; the good file passes
    expect(problems).toEqual([
      fileProblem('dangling.yaml', /^is a symbolic link; tenant files must be regular files inside the tenants folder/),
      fileProblem('linked.yaml', /^is a symbolic link/),
      fileProblem('pipe.yaml', /^is not a regular file \(a FIFO, socket or device\)/),
      fileProblem('x.yaml', /^is a folder, not a tenant file/),
    ]);
  });

  test('item 11: fails when a file is not UTF-8 or too large', () => {
    writeFileSync(join(dir, 'latin1.yaml'), Buffer.from('name: caf\xe9\n', 'latin1'));
    writeFileSync(join(dir, 'huge.yaml'), `# ${'x'.repeat(MAX_TENANT_FILE_BYTES)}\n`);
    expect(problemsOfDir()).toEqual([fileProblem('huge.yaml', /^has 262147 bytes; a tenant file may have at most 262144 bytes$/), fileProblem('latin1.yaml', /^is not UTF-8 text/)]);
  });

  test('item 11: fails when files in tenants/ are not <name>.yaml (.json, ACME.YAML, acme.yaml~), and skips dotfiles', () => {
    for (const name of ['acme.json', 'ACME.YAML', 'acme.yaml~', '.gitkeep', '.acme.yaml.swp']) writeFileSync(join(dir, name), tenant('acme', 31010));
    expect(problemsOfDir()).toEqual([
      fileProblem('ACME.YAML', /^is not a tenant file name: tenant files are named <name>\.yaml \(lower case\); rename it to acme\.yaml$/),
      fileProblem('acme.json', /; write it as YAML in <name>\.yaml/),
      fileProblem('acme.yaml~', /; this looks like an editor backup: delete it$/),
    ]);
  });

  test('item 11: synth prints these as problems (exit 1, no stack trace) and writes nothing', () => {
    // GIVEN a hostile tenants folder
    mkdirSync(join(dir, 'x.yaml'));
    symlinkSync('/etc/passwd', join(dir, 'passwd.yaml'));
    writeFileSync(join(dir, 'bad.yaml'), Buffer.from([0xff, 0xfe, 0x00]));
    const out = join(dir, 'out');
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const log = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      // WHEN
      const code = runSynth({ platform: PROPS, tenantsDir: dir }, ['--out', out]);
      // THEN
      expect(code).toBe(1);
      const printed = err.mock.calls.map((c) => String(c[0])).join('');
      expect(printed).toMatch(/3 problems in the input/);
      expect(printed).toMatch(/bad\.yaml: \(file\): "bad\.yaml": is not UTF-8 text/);
      expect(printed).toMatch(/passwd\.yaml: \(file\): "passwd\.yaml": is a symbolic link/);
      expect(printed).toMatch(/x\.yaml: \(file\): "x\.yaml": is a folder/);
      expect(printed).not.toMatch(/\n\s+at /); // no stack trace
      expect(printed).not.toMatch(/root:/); // the link was not followed
    } finally {
      err.mockRestore();
      log.mockRestore();
    }
  });
});

describe('item 12: messages shorten long values', () => {
  test('item 12: fails when a long value is echoed whole', () => {
    // GIVEN a 5 MB admin name, a 1000-character unknown key and a 100 kB line of broken YAML
    const big = 'A'.repeat(5 * 1024 * 1024);
    const problems = problemsOf([
      { file: 'tenants/acme.yaml', text: tenant('acme', 31010).replace('name: Admin', `name: ${big}`) },
      { file: 'tenants/beta.yaml', text: `${tenant('beta', 31100)}${'k'.repeat(1000)}: 1\n` },
      { file: 'tenants/gamma.yaml', text: `${'g'.repeat(100_000)}: [\n` },
    ]);
    // WHEN the problems are printed
    const message = new ConfigError(problems).message;
    // THEN each line is short, says how long the value was, and no content is echoed whole
    for (const line of message.split('\n')) expect(line.length).toBeLessThan(600);
    expect(message).toMatch(/tenants\/acme\.yaml: admin\.name: "A+\.\.\. \(5242880 characters\)": must have at most 128 characters \(it has 5242880\)/);
    expect(message).toMatch(/tenants\/beta\.yaml: k+\.\.\. \(1000 characters\): 1: is not a field here/);
    expect(message).toMatch(/tenants\/gamma\.yaml: \(yaml\): "g+\.\.\. \(100003 characters\)": is not valid YAML/);
  });

  test('shorten keeps short text and cuts long text to the limit', () => {
    expect(shorten('short')).toBe('short');
    const cut = shorten('x'.repeat(1000), 50);
    expect(cut).toHaveLength(50);
    expect(cut.endsWith('... (1000 characters)')).toBe(true);
    expect(formatProblem({ path: 'p', value: { list: Array(1000).fill('x') }, message: 'm' }).length).toBeLessThan(200);
  });
});

describe('item 13: bounds', () => {
  test('item 13: fails when numbers, strings and lists exceed their bounds (maxPods 1e23, quota.gpus 1e308, a 5 MB admin name)', () => {
    const problems = problemsOfFiles({
      'acme.yaml': `name: acme
admin: { name: "${'A'.repeat(5 * 1024 * 1024)}", email: admin@acme.example }
ssoDomains: [${Array.from({ length: 51 }, (_, i) => `d${i}.acme.example`).join(', ')}]
allowedUsers: 1e9
queues: { maxPods: 1e23, default: { maxPods: 100000, requiredResources: 1e300 } }
sessions: { startingPort: 31010, maxServices: 5000 }
agent: { maxResources: 1e6 }
quota: { pods: 1e12, gpus: 1e308, cpu: "${'9'.repeat(40)}", mig: { 3g.20gb: 1e9 } }
`,
    });
    const at = (path: string) => problems.find((p) => p.path === path)?.message;
    expect(at('queues.maxPods')).toBe('must be at most 1000');
    expect(at('quota.gpus')).toBe('must be at most 10000');
    expect(at('quota.pods')).toBe('must be at most 1000000');
    expect(at('quota.mig.3g.20gb')).toBe('must be at most 10000');
    expect(at('quota.cpu')).toBe('must have at most 32 characters (it has 40)');
    expect(at('admin.name')).toBe('must have at most 128 characters (it has 5242880)');
    expect(at('ssoDomains')).toBe('must have at most 50 entries (it has 51)');
    expect(at('allowedUsers')).toBe('must be at most 100000');
    expect(at('queues.default.maxPods')).toBe('must be at most 1000');
    expect(at('queues.default.requiredResources')).toBe('must be at most 1000');
    expect(at('sessions.maxServices')).toBe('must be at most 1000');
    expect(at('agent.maxResources')).toBe('must be at most 1000');
  });

  test('item 13: fails when an admin name has a newline or control character', () => {
    const problems = problemsOfFiles({ 'acme.yaml': tenant('acme', 31010).replace('name: Admin', 'name: "Admin\\nX-Injected: yes"') });
    expectProblem(problems, 'tenants/acme.yaml', 'admin.name', 'Admin\nX-Injected: yes', /^must be one line of text, without control characters$/);
  });
});

describe('item 14: image references', () => {
  test.each([
    ['agent.imageTag', 'agent: { imageTag: "1.24\\nmalicious: true" }'],
    ['agent.imageTag', 'agent: { imageTag: "{{ .Values.x }}" }'],
    ['agent.imageTag', "agent: { imageTag: '1.24\"' }"],
    ['agent.defaultContainerImage', 'agent: { defaultContainerImage: "python:3.9\\n" }'],
    ['agent.defaultContainerImage', 'agent: { defaultContainerImage: "{{ template \\"x\\" }}" }'],
    ['agent.defaultContainerImage', "agent: { defaultContainerImage: 'python:3.9\" --privileged' }"],
  ])('item 14: fails when %s is not an image tag or reference (%s)', (path, line) => {
    const problems = problemsOfFiles({ 'acme.yaml': tenant('acme', 31010, `${line}\n`) });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'tenants/acme.yaml', path });
    expect(problems[0].message).toMatch(path === 'agent.imageTag' ? /^must be an image tag/ : /^must be an image reference such as "python:3\.9"/);
  });

  test('item 14: accepts real image references', () => {
    for (const image of ['python:3.9', 'registry.example.com:5000/ml/python:3.12-slim', `ghcr.io/org/img@sha256:${'a'.repeat(64)}`, `python:3.12-slim@sha256:${'b'.repeat(64)}`, 'nvcr.io/nvidia/pytorch:24.01-py3']) {
      expect(problemsOfFiles({ 'acme.yaml': tenant('acme', 31010, `agent: { defaultContainerImage: "${image}", imageTag: 1.24-1.8.1rc99-159 }\n`) })).toEqual([]);
    }
  });

  test('item 14: fails when a platform image or tag is not an image reference', () => {
    const problems = platformProblems({
      ...PROPS,
      tenantReleases: { agentImageTag: 'x"\ny', defaultContainerImage: 'python:3.9 {{ }}' },
      server: { ...PROPS.server, apiserverImageTag: 'a b' },
      bootstrap: { image: `evil\n@sha256:${'a'.repeat(64)}` },
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['bootstrap.image', 'server.apiserverImageTag', 'tenantReleases.agentImageTag', 'tenantReleases.defaultContainerImage']);
  });
});

describe('item 15: session ports are startingPort+1 ... startingPort+maxServices', () => {
  test('item 15: fails when the last session port (startingPort+maxServices) leaves the NodePort range', () => {
    // GIVEN ports 32759-32768 and 32768: each one port past 32767
    expect(problemsOfFiles({ 'acme.yaml': tenant('acme', 32758) })).toEqual([
      { file: 'tenants/acme.yaml', path: 'sessions.maxServices', value: 10, message: 'makes the session ports 32759-32768 (startingPort+1 ... startingPort+maxServices), which leave the NodePort range 30000-32767; at most 9 from startingPort 32758' },
    ]);
    expect(problemsOfFiles({ 'beta.yaml': tenant('beta', 32767).replace('startingPort: 32767 }', 'startingPort: 32767, maxServices: 1 }') })).toEqual([
      { file: 'tenants/beta.yaml', path: 'sessions.startingPort', value: 32767, message: "must be from 30000 to 32766 (with maxServices 1, the session ports startingPort+1 ... startingPort+1 lie in the NodePort range 30000-32767, the platform's network.nodePortRange)" },
    ]);
    // and the last range that fits passes
    expect(problemsOfFiles({ 'acme.yaml': tenant('acme', 32757) })).toEqual([]);
  });

  test('item 15: fails when the session ports of two tenants overlap, naming the ports the chart uses', () => {
    const problems = problemsOfFiles({ 'acme.yaml': tenant('acme', 31010), 'beta.yaml': tenant('beta', 31019) });
    expect(problems).toEqual([
      { file: 'tenants/acme.yaml', path: 'sessions.startingPort', value: 31010, message: expect.stringMatching(/^makes the session ports 31011-31020 .* overlap the ports 31020-31029 of tenants\/beta\.yaml/) },
      { file: 'tenants/beta.yaml', path: 'sessions.startingPort', value: 31019, message: expect.stringMatching(/^makes the session ports 31020-31029 .* overlap the ports 31011-31020 of tenants\/acme\.yaml/) },
    ]);
    expect(problemsOfFiles({ 'acme.yaml': tenant('acme', 31010), 'beta.yaml': tenant('beta', 31020) })).toEqual([]); // 31011-31020, 31021-31030
  });
});

describe('every problem at once', () => {
  test('items 3, 7, 11, 13, 14, 15: fails with every problem of every file at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenants-all-'));
    try {
      // GIVEN a folder where each file breaks another rule
      writeFileSync(join(dir, 'cert-manager.yaml'), tenant('cert-manager', 31010, 'ssoDomains: [gmail.com]\n'));
      writeFileSync(join(dir, 'beta.yaml'), tenant('beta', 32760, 'agent: { imageTag: "{{ x }}" }\nqueues: { maxPods: 1e23 }\n'));
      writeFileSync(join(dir, 'gamma.yaml'), tenant('gamma', 31100, 'ssoDomains: [shared.example]\n'));
      writeFileSync(join(dir, 'delta.yaml'), tenant('delta', 31200, 'ssoDomains: [shared.example]\n'));
      mkdirSync(join(dir, 'x.yaml'));
      writeFileSync(join(dir, 'notes.json'), '{}');
      // WHEN
      const problems = problemsOf(readTenantFiles(dir));
      // THEN all of them come back together, in file order
      expect(problems.map((p) => `${p.file!.slice(dir.length + 1)} ${p.path}`)).toEqual([
        'beta.yaml agent.imageTag',
        'beta.yaml queues.maxPods',
        'beta.yaml sessions.maxServices',
        'cert-manager.yaml ssoDomains[0]',
        'cert-manager.yaml namespace (defaults to name)',
        'delta.yaml ssoDomains[0]',
        'gamma.yaml ssoDomains[0]',
        'notes.json (file)',
        'x.yaml (file)',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
