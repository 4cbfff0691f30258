import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { configProblems } from '../helpers';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platform as platformProps } from '../fixtures/platform';
import { resolvePlatform } from '../../lib/platform/platform';
import { ConfigError, Problem } from '../../lib/core/problems';
import { resolveTenants } from '../../lib/tenant/tenants';
import { readTenantFiles, codeTenants, TenantSource } from '../../lib/tenant/tenant-files';

const platform = resolvePlatform(platformProps);

const ACME = `name: acme
admin: { name: Acme Admin, email: admin@acme.com }
sessions: { startingPort: 31010 }
`;

/** A minimal valid file for `name` with ports from `port`, plus extra YAML lines. */
function tenant(name: string, port: number, extra = ''): string {
  return `name: ${name}\nadmin: { name: Admin, email: admin@${name}.example }\nsessions: { startingPort: ${port} }\n${extra}`;
}

function files(byName: Record<string, string>): TenantSource[] {
  return Object.entries(byName).map(([file, text]) => ({ file: `tenants/${file}`, text }));
}

/** The problems of the files (none when they are good). */
function problemsOf(byName: Record<string, string>, on = platform): Problem[] {
  return configProblems(() => resolveTenants(files(byName), on));
}

function expectProblem(problems: Problem[], file: string, path: string, value: unknown, message: RegExp): void {
  expect(problems).toContainEqual({ file, path, value, message: expect.stringMatching(message) });
}

describe('resolveTenants', () => {
  test('applies the defaults to a minimal file', () => {
    // WHEN
    const [t] = resolveTenants(files({ 'acme.yaml': ACME }), platform);
    // THEN
    expect(t).toEqual({
      file: 'tenants/acme.yaml',
      name: 'acme',
      // one cluster (no platform clusters given): the tenant names none
      clusters: [],
      namespace: 'acme',
      admin: { name: 'Acme Admin', email: 'admin@acme.com' },
      state: 'active',
      credentialsGeneration: 1,
      login: { admins: [], users: [] },
      ssoDomains: [],
      allowedUsers: 10,
      queues: { default: { maxPods: 10, requiredResources: 0.5 }, gpuFractions: [1, 0.5, 0.25], gpuModel: 'A100-40GB', maxPods: 10 },
      sessions: { portMode: false, externalIP: '0.0.0.0', startingPort: 31010, maxServices: 10 },
      router: { hostName: 'acme-apps.clearml.example.com', streamSession: { routerAddress: 'acme-apps.clearml.example.com' } },
      agent: { imageTag: '1.24-1.8.1rc99-159', defaultContainerImage: 'python:3.9', debugMode: true, maxResources: 3 },
    });
  });

  test('keeps what the file sets; queues.default.maxPods defaults to queues.maxPods', () => {
    const [t] = resolveTenants(
      files({
        'acme.yaml': tenant('acme', 31010, 'namespace: acme-ns\nfeatures: [experiments]\nexcludeFeatures: [app_management]\nqueues: { maxPods: 4, gpuModel: H200-141GB, gpuFractions: [0.125] }\nrouter: { hostName: acme-ml-apps.clearml.example.com }\n'),
      }),
      platform,
    );
    expect(t).toHaveProperty('namespace', 'acme-ns');
    expect(t).toHaveProperty('features', ['experiments']);
    expect(t).toHaveProperty('excludeFeatures', ['app_management']);
    expect(t).toHaveProperty('queues', { default: { maxPods: 4, requiredResources: 0.5 }, gpuFractions: [0.125], gpuModel: 'H200-141GB', maxPods: 4 });
    expect(t).toHaveProperty('router.hostName', 'acme-ml-apps.clearml.example.com');
  });

  test('takes the GPU model, agent image tag and default container image from the platform', () => {
    const p = resolvePlatform({ ...platformProps, tenantReleases: { defaultGpuModel: 'H100-80GB', agentImageTag: '1.25', defaultContainerImage: 'python:3.12' } });
    const [t] = resolveTenants(files({ 'acme.yaml': ACME }), p);
    expect(t).toHaveProperty('queues.gpuModel', 'H100-80GB');
    expect(t).toHaveProperty('agent.imageTag', '1.25');
    expect(t).toHaveProperty('agent.defaultContainerImage', 'python:3.12');
  });

  test('accepts tenants whose port ranges touch', () => {
    // GIVEN 30000-30009 and 30010-30019
    expect(problemsOf({ 'a.yaml': tenant('a', 30000), 'b.yaml': tenant('b', 30010) })).toEqual([]);
  });

  test('fails when the YAML is malformed', () => {
    const problems = problemsOf({ 'acme.yaml': 'name: acme\nadmin: { name: x\n' });
    expectProblem(problems, 'tenants/acme.yaml', '(yaml)', '', /^is not valid YAML: .* at line 3, column 1$/);
  });

  test('fails when a key is repeated', () => {
    const problems = problemsOf({ 'acme.yaml': `${ACME}name: acme\n` });
    expectProblem(problems, 'tenants/acme.yaml', '(yaml)', 'name: acme', /Map keys must be unique at line 4/);
  });

  test('fails when a field is unknown', () => {
    const problems = problemsOf({ 'acme.yaml': `${ACME}queues: { gpuFraction: [1] }\nadmins: x\n` });
    expectProblem(problems, 'tenants/acme.yaml', 'queues.gpuFraction', [1], /^is not a field here; did you mean gpuFractions\? allowed: default, gpuFractions, gpuModel, maxPods$/);
    expectProblem(problems, 'tenants/acme.yaml', 'admins', 'x', /^is not a field here; did you mean admin\? allowed: name, namespace, admin,/);
  });

  test('fails when a required field is missing', () => {
    const problems = problemsOf({ 'acme.yaml': 'name: acme\nadmin: { name: A }\nsessions: { maxServices: 5 }\n' });
    expectProblem(problems, 'tenants/acme.yaml', 'admin.email', undefined, /^is required$/);
    expectProblem(problems, 'tenants/acme.yaml', 'sessions.startingPort', undefined, /^is required$/);
    expect(problemsOf({ 'x.yaml': 'namespace: x\n' }).map((p) => p.path)).toEqual(expect.arrayContaining(['name', 'admin', 'sessions']));
  });

  test('fails when the file is empty', () => {
    expectProblem(problemsOf({ 'acme.yaml': '' }), 'tenants/acme.yaml', '(document)', null, /^must be a mapping of fields/);
  });

  test('fails when the name is not a DNS-1123 label', () => {
    const problems = problemsOf({ 'Acme_1.yaml': tenant('Acme_1', 31010) });
    expectProblem(problems, 'tenants/Acme_1.yaml', 'name', 'Acme_1', /^must be a DNS-1123 label/);
  });

  test('fails when the name is longer than 63 characters', () => {
    const long = 'a'.repeat(64);
    expectProblem(problemsOf({ [`${long}.yaml`]: tenant(long, 31010) }), `tenants/${long}.yaml`, 'name', long, /^must have at most 63 characters \(it has 64\)$/);
  });

  test('fails when the namespace is not a DNS-1123 label', () => {
    const problems = problemsOf({ 'acme.yaml': `${ACME}namespace: -acme\n` });
    expectProblem(problems, 'tenants/acme.yaml', 'namespace', '-acme', /^must be a DNS-1123 label/);
  });

  test('fails when two tenants have the same name, naming each other on both', () => {
    // GIVEN two tenants given in code with the same name (files cannot: the name is the file name)
    const spec = (port: number, email: string) => ({ name: 'acme', admin: { name: 'A', email }, sessions: { startingPort: port } });
    let problems: Problem[] = [];
    try {
      resolveTenants(codeTenants([spec(31010, 'a@acme.com'), spec(31100, 'b@acme2.example')]), platform);
    } catch (e) {
      problems = [...(e as ConfigError).problems];
    }
    // THEN each is told which one has the name too
    expectProblem(problems, '(code) tenants[1]', 'name', 'acme', /^is also the name of \(code\) tenants\[0\]; each tenant needs its own$/);
    expectProblem(problems, '(code) tenants[0]', 'name', 'acme', /^is also the name of \(code\) tenants\[1\]; each tenant needs its own$/);
  });

  test('fails when a file takes another tenant\'s name: only the misnamed file is blamed, the other is not', () => {
    // GIVEN two files naming the same tenant, the later one misnamed
    const problems = problemsOf({ 'acme.yaml': ACME, 'acme2.yaml': tenant('acme', 31100, 'namespace: acme2\n') });
    expectProblem(problems, 'tenants/acme2.yaml', 'name', 'acme', /^must match the file name/);
    // THEN nothing follows from the refused name (no "is also the name" on either file)
    expect(problems.filter((p) => /is also the name/.test(p.message))).toEqual([]);
    expect(problems.filter((p) => p.file === 'tenants/acme.yaml')).toEqual([]);
  });

  test('fails when two tenants have the same namespace, on both files', () => {
    // GIVEN acme's namespace acme-beta (allowed: acme-<suffix>), the default namespace of tenant acme-beta
    const problems = problemsOf({ 'acme.yaml': `${ACME}namespace: acme-beta\n`, 'acme-beta.yaml': tenant('acme-beta', 31100) });
    expectProblem(problems, 'tenants/acme-beta.yaml', 'namespace (defaults to name)', 'acme-beta', /^is also the namespace of tenants\/acme\.yaml/);
    expectProblem(problems, 'tenants/acme.yaml', 'namespace', 'acme-beta', /^is also the namespace of tenants\/acme-beta\.yaml/);
    // a namespace the allowlist refuses is not compared (no follow-on problem on the other file)
    const refused = problemsOf({ 'acme.yaml': ACME, 'beta.yaml': tenant('beta', 31100, 'namespace: acme\n') });
    expect(refused).toEqual([{ file: 'tenants/beta.yaml', path: 'namespace', value: 'acme', message: expect.stringMatching(/^is not allowed for tenant "beta"/) }]);
  });

  test('fails when a tenant namespace is a platform namespace', () => {
    const problems = problemsOf({ 'acme.yaml': `${ACME}namespace: clearml\n`, 'redis-shared.yaml': tenant('redis-shared', 31100), 'kube-foo.yaml': tenant('kube-foo', 31200) });
    expectProblem(problems, 'tenants/acme.yaml', 'namespace', 'clearml', /^is a namespace of the platform \(server\.namespace\); no tenant may use it$/);
    expectProblem(problems, 'tenants/redis-shared.yaml', 'namespace (defaults to name)', 'redis-shared', /^is a namespace of the platform \(redis\.namespace\)/);
    expectProblem(problems, 'tenants/kube-foo.yaml', 'namespace (defaults to name)', 'kube-foo', /^is reserved for Kubernetes \(names starting with "kube-"\)/);
  });

  test('fails when session port ranges overlap', () => {
    // GIVEN the session ports 31011-31020, then 31016-31025 and 31001-31011 (overlapping both ends)
    const problems = problemsOf({ 'acme.yaml': ACME, 'beta.yaml': tenant('beta', 31015), 'gamma.yaml': tenant('gamma', 31000, '').replace('startingPort: 31000 }', 'startingPort: 31000, maxServices: 11 }') });
    expectProblem(problems, 'tenants/beta.yaml', 'sessions.startingPort', 31015, /^makes the session ports 31016-31025 \(startingPort\+1 \.\.\. startingPort\+maxServices\), which overlap the ports 31011-31020 of tenants\/acme\.yaml/);
    expectProblem(problems, 'tenants/gamma.yaml', 'sessions.startingPort', 31000, /^makes the session ports 31001-31011 .* overlap the ports 31011-31020 of tenants\/acme\.yaml/);
    // AND acme, there first, is told too, once per file it clashes with, each naming the other
    expectProblem(problems, 'tenants/acme.yaml', 'sessions.startingPort', 31010, /^makes the session ports 31011-31020 \(startingPort\+1 \.\.\. startingPort\+maxServices\), which overlap the ports 31016-31025 of tenants\/beta\.yaml; pick a free range \(npm run tenant:new does\)$/);
    expectProblem(problems, 'tenants/acme.yaml', 'sessions.startingPort', 31010, /^makes the session ports 31011-31020 .* overlap the ports 31001-31011 of tenants\/gamma\.yaml/);
    expect(problems).toHaveLength(4);
  });

  test('fails when a session port range leaves 30000-32767', () => {
    const problems = problemsOf({ 'acme.yaml': tenant('acme', 29999), 'beta.yaml': tenant('beta', 32760), 'gamma.yaml': tenant('gamma', 32768) });
    expectProblem(problems, 'tenants/acme.yaml', 'sessions.startingPort', 29999, /^must be from 30000 to 32757 \(with maxServices 10, the session ports startingPort\+1 \.\.\. startingPort\+10 lie in the NodePort range 30000-32767, the platform's network\.nodePortRange\)$/);
    expectProblem(problems, 'tenants/beta.yaml', 'sessions.maxServices', 10, /^makes the session ports 32761-32770 \(startingPort\+1 \.\.\. startingPort\+maxServices\), which leave the NodePort range 30000-32767; at most 7 from startingPort 32760$/);
    expectProblem(problems, 'tenants/gamma.yaml', 'sessions.startingPort', 32768, /^must be from 30000 to 32757 /);
  });

  test('the startingPort bound counts maxServices: the highest start is the range end minus maxServices', () => {
    // GIVEN a NodePort range 30000-31020 and the default maxServices 10: 31010 is the last start that fits (31011-31020)
    const narrow = resolvePlatform({ ...platformProps, network: { nodePortRange: { min: 30000, max: 31020 } } });
    expect(problemsOf({ 'acme.yaml': tenant('acme', 31010) }, narrow)).toEqual([]);
    expect(problemsOf({ 'acme.yaml': tenant('acme', 31030) }, narrow)).toEqual([
      {
        file: 'tenants/acme.yaml',
        path: 'sessions.startingPort',
        value: 31030,
        message: "must be from 30000 to 31010 (with maxServices 10, the session ports startingPort+1 ... startingPort+10 lie in the NodePort range 30000-31020, the platform's network.nodePortRange)",
      },
    ]);
    // AND a start inside the bound the message gives passes; 30000 is its lower end
    expect(problemsOf({ 'acme.yaml': tenant('acme', 30000) }, narrow)).toEqual([]);
  });

  test('a platform with a wider NodePort range admits ranges outside 30000-32767', () => {
    const wide = resolvePlatform({ ...platformProps, network: { nodePortRange: { min: 20000, max: 40000 } } });
    expect(problemsOf({ 'acme.yaml': tenant('acme', 20000), 'beta.yaml': tenant('beta', 39990) }, wide)).toEqual([]); // beta: 39991-40000
    expectProblem(problemsOf({ 'acme.yaml': tenant('acme', 19999) }, wide), 'tenants/acme.yaml', 'sessions.startingPort', 19999, /NodePort range 20000-40000/);
  });

  test('fails when two router hosts are alike', () => {
    // GIVEN acme's explicit host equal to the default host of tenant acme-beta
    const problems = problemsOf({ 'acme.yaml': `${ACME}router: { hostName: acme-beta-apps.clearml.example.com }\n`, 'acme-beta.yaml': tenant('acme-beta', 31100) });
    expectProblem(problems, 'tenants/acme-beta.yaml', 'router.hostName (default)', 'acme-beta-apps.clearml.example.com', /^is also the router host name of tenants\/acme\.yaml/);
    expectProblem(problems, 'tenants/acme.yaml', 'router.hostName', 'acme-beta-apps.clearml.example.com', /^is also the router host name of tenants\/acme-beta\.yaml/);
    // GIVEN beta's explicit host equal to acme's default host: refused as not beta's, and acme is not blamed
    const taken = problemsOf({ 'acme.yaml': ACME, 'beta.yaml': tenant('beta', 31100, 'router: { hostName: acme-apps.clearml.example.com }\n') });
    expect(taken).toEqual([{ file: 'tenants/beta.yaml', path: 'router.hostName', value: 'acme-apps.clearml.example.com', message: expect.stringMatching(/^must be beta-apps\.clearml\.example\.com \(the default\) or "beta-<anything>-apps\.clearml\.example\.com"/) }]);
  });

  test('fails when a router host is outside the base domain or is a server host', () => {
    const problems = problemsOf({
      'acme.yaml': `${ACME}router: { hostName: acme.example.org }\n`,
      'beta.yaml': tenant('beta', 31100, 'router: { hostName: api.clearml.example.com }\n'),
      'gamma.yaml': tenant('gamma', 31200, 'router: { hostName: Gamma Apps }\n'),
    });
    expectProblem(problems, 'tenants/acme.yaml', 'router.hostName', 'acme.example.org', /^must be inside the platform's base domain: "<something>\.clearml\.example\.com"$/);
    expectProblem(problems, 'tenants/beta.yaml', 'router.hostName', 'api.clearml.example.com', /^is a host of the ClearML server/);
    expectProblem(problems, 'tenants/gamma.yaml', 'router.hostName', 'Gamma Apps', /^must be a lower-case DNS name/);
  });

  test('fails when a feature is unknown', () => {
    const problems = problemsOf({ 'acme.yaml': `${ACME}features: [experiments, flying]\nexcludeFeatures: [warp]\n` });
    expectProblem(problems, 'tenants/acme.yaml', 'features[1]', 'flying', /^must be one of: app_management, applications,/);
    expectProblem(problems, 'tenants/acme.yaml', 'excludeFeatures[0]', 'warp', /^must be one of: /);
  });

  test('fails when a feature is both added and excluded', () => {
    const problems = problemsOf({ 'acme.yaml': `${ACME}features: [experiments, reports]\nexcludeFeatures: [app_management, reports]\n` });
    expectProblem(problems, 'tenants/acme.yaml', 'excludeFeatures[1]', 'reports', /^is both added \(features\) and excluded; keep it in one list$/);
  });

  test('an unknown field close to a known one asks "did you mean ...?"; a wrong type names the bounds', () => {
    const problems = problemsOf({ 'acme.yaml': `${ACME}alowedUsers: 5
queues: { maxPods: ten }
` });
    expectProblem(problems, 'tenants/acme.yaml', 'alowedUsers', 5, /^is not a field here; did you mean allowedUsers\? allowed: name, namespace, admin, /);
    expectProblem(problems, 'tenants/acme.yaml', 'queues.maxPods', 'ten', /^must be a whole number from 1 to 1000$/);
    expect(problems).toHaveLength(2);
  });

  test.each([
    [0, /^must be at least 1$/],
    [1.5, /^must be a whole number from 1 to 100000$/],
    ['10', /^must be a whole number from 1 to 100000 \(write it without quotes\)$/],
  ])('fails when allowedUsers is %p', (value, message) => {
    const problems = problemsOf({ 'acme.yaml': `${ACME}allowedUsers: ${JSON.stringify(value)}\n` });
    expectProblem(problems, 'tenants/acme.yaml', 'allowedUsers', value, message);
  });

  test('fails when the e-mail is malformed', () => {
    const problems = problemsOf({ 'acme.yaml': ACME.replace('admin@acme.com', 'admin.acme.com') });
    expectProblem(problems, 'tenants/acme.yaml', 'admin.email', 'admin.acme.com', /^must be an e-mail address/);
  });

  test('fails when an SSO domain is malformed', () => {
    const problems = problemsOf({ 'acme.yaml': `${ACME}ssoDomains: [acme.com, "@acme.com", localhost]\n` });
    expectProblem(problems, 'tenants/acme.yaml', 'ssoDomains[1]', '@acme.com', /^must be a lower-case DNS name/);
    expectProblem(problems, 'tenants/acme.yaml', 'ssoDomains[2]', 'localhost', /^must be a lower-case DNS name of two or more labels/);
  });

  test('fails when the GPU model has no MIG profile for a fraction', () => {
    const problems = problemsOf({
      'acme.yaml': `${ACME}queues: { gpuModel: H200-141GB, gpuFractions: [1, 0.75] }\n`,
      'beta.yaml': tenant('beta', 31100, 'queues: { gpuFractions: [0.3] }\n'),
      'gamma.yaml': tenant('gamma', 31200, 'queues: { gpuFractions: [0, 2], gpuModel: V100 }\n'),
    });
    expectProblem(problems, 'tenants/acme.yaml', 'queues.gpuFractions[1]', 0.75, /^has no MIG profile on H200-141GB; allowed: 1, 0\.5, 0\.25, 0\.125$/);
    expectProblem(problems, 'tenants/beta.yaml', 'queues.gpuFractions[0]', 0.3, /^has no MIG profile on the platform's default GPU model A100-40GB/);
    expectProblem(problems, 'tenants/gamma.yaml', 'queues.gpuFractions[0]', 0, /^must be more than 0$/);
    expectProblem(problems, 'tenants/gamma.yaml', 'queues.gpuFractions[1]', 2, /^must be at most 1$/);
    expectProblem(problems, 'tenants/gamma.yaml', 'queues.gpuModel', 'V100', /^must be one of: A100-40GB, A100-80GB, H100-80GB, H200-141GB$/);
  });

  test('fails when maxPods is not positive', () => {
    const problems = problemsOf({ 'acme.yaml': `${ACME}queues: { maxPods: 0, default: { maxPods: -1 } }\n` });
    expectProblem(problems, 'tenants/acme.yaml', 'queues.maxPods', 0, /^must be at least 1$/);
    expectProblem(problems, 'tenants/acme.yaml', 'queues.default.maxPods', -1, /^must be at least 1$/);
  });

  test('fails when a GPU fraction is listed twice', () => {
    const problems = problemsOf({ 'acme.yaml': `${ACME}queues: { gpuFractions: [1, 0.5, 1] }\n` });
    expectProblem(problems, 'tenants/acme.yaml', 'queues.gpuFractions[2]', 1, /^is listed twice \(also at queues\.gpuFractions\[0\]\)/);
  });

  test('fails when the file name is not <name>.yaml', () => {
    const problems = problemsOf({ 'acme-corp.yaml': ACME, 'beta.yml': tenant('beta', 31100) });
    expectProblem(problems, 'tenants/acme-corp.yaml', 'name', 'acme', /^must match the file name: the file is acme-corp\.yaml, so the name must be "acme-corp" \(or rename the file to acme\.yaml\)$/);
    expectProblem(problems, 'tenants/beta.yml', '(document)', 'beta.yml', /^is not a tenant file name: .* rename it to beta\.yaml$/);
  });

  test('fails with every problem of every file at once, in file order', () => {
    // GIVEN three files with problems of different kinds
    const problems = problemsOf({
      'a.yaml': 'name: a\nadmin: {\n',
      'b.yaml': tenant('b', 31010, 'allowedUsers: 0\nextra: 1\n'),
      'c.yaml': tenant('c', 31015, 'features: [nope]\n'),
    });
    // THEN each file's problems are there, grouped by file
    expect(problems.map((p) => `${p.file}: ${p.path}`)).toEqual([
      'tenants/a.yaml: (yaml)',
      'tenants/b.yaml: allowedUsers',
      'tenants/b.yaml: extra',
      'tenants/b.yaml: sessions.startingPort', // its ports overlap c's: both are told
      'tenants/c.yaml: features[0]',
      'tenants/c.yaml: sessions.startingPort',
    ]);
  });

  test('checks tenants given in code without a file name check', () => {
    const problems = (() => {
      try {
        resolveTenants([{ file: '(code) tenants[0]', spec: { name: 'acme', admin: { name: 'A', email: 'bad' }, sessions: { startingPort: 31010 } } }], platform);
        return [];
      } catch (e) {
        return [...(e as ConfigError).problems];
      }
    })();
    expect(problems).toEqual([{ file: '(code) tenants[0]', path: 'admin.email', value: 'bad', message: expect.stringMatching(/^must be an e-mail address/) }]);
  });
});

describe('readTenantFiles', () => {
  test('reads *.yaml sorted, reports every other entry and skips dotfiles', () => {
    // GIVEN a folder with tenant files, a .yml file, a README and a .gitkeep
    const dir = mkdtempSync(join(tmpdir(), 'tenants-'));
    try {
      writeFileSync(join(dir, 'zeta.yaml'), 'name: zeta\n');
      writeFileSync(join(dir, 'alpha.yaml'), 'name: alpha\n');
      writeFileSync(join(dir, 'beta.yml'), 'name: beta\n');
      writeFileSync(join(dir, 'README.md'), '# tenants\n');
      writeFileSync(join(dir, '.gitkeep'), '');
      // WHEN
      const sources = readTenantFiles(dir);
      // THEN the .yaml files have their text; the others are there, unread, with the reason
      expect(sources.map((s) => s.file)).toEqual(['README.md', 'alpha.yaml', 'beta.yml', 'zeta.yaml'].map((f) => join(dir, f)));
      expect(sources[1]).toEqual({ file: join(dir, 'alpha.yaml'), text: 'name: alpha\n' });
      expect(sources[0]).toEqual({ file: join(dir, 'README.md'), unreadable: expect.stringMatching(/^is not a tenant file name: tenant files are named <name>\.yaml \(lower case\); move it out of the tenants folder$/) });
      expect(sources[2]).toEqual({ file: join(dir, 'beta.yml'), unreadable: expect.stringMatching(/; rename it to beta\.yaml$/) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing folder has no tenants', () => {
    expect(readTenantFiles(join(tmpdir(), 'no-such-tenants-folder-x9'))).toEqual([]);
  });
});

describe('resolveTenants: quota and limitRange', () => {
  test('has no quota and no LimitRange when the file sets none', () => {
    const [t] = resolveTenants(files({ 'acme.yaml': ACME }), platform);
    expect(t.quota).toBeUndefined();
    expect(t.limitRange).toBeUndefined();
  });

  test('keeps the quota and LimitRange as written', () => {
    // GIVEN a quota on an H100 tenant and container defaults
    const extra = 'queues: { gpuModel: H100-80GB, gpuFractions: [0.5] }\nquota: { cpu: "8", memory: 32Gi, pods: 20, gpus: 2, mig: { 3g.40gb: 4 } }\nlimitRange: { defaultCpu: 500m, maxMemory: 8Gi }\n';
    // WHEN
    const [t] = resolveTenants(files({ 'acme.yaml': tenant('acme', 31010, extra) }), platform);
    // THEN
    expect(t.quota).toEqual({ cpu: '8', memory: '32Gi', pods: 20, gpus: 2, mig: { '3g.40gb': 4 } });
    expect(t.limitRange).toEqual({ defaultCpu: '500m', maxMemory: '8Gi' });
  });

  test('gives containers the built-in defaults when the quota limits CPU or memory and the file sets no limitRange', () => {
    const [withCpu] = resolveTenants(files({ 'acme.yaml': `${ACME}quota: { limitsMemory: 1Ti }\n` }), platform);
    expect(withCpu.limitRange).toEqual({ defaultRequestCpu: '100m', defaultRequestMemory: '256Mi', defaultCpu: '1', defaultMemory: '1Gi' });
    // A quota of pods and GPUs only needs no container defaults.
    const [gpusOnly] = resolveTenants(files({ 'acme.yaml': `${ACME}quota: { pods: 10, mig: { 1g.5gb: 7 } }\n` }), platform);
    expect(gpusOnly.limitRange).toBeUndefined();
  });

  test('fails when a quantity is not a Kubernetes quantity', () => {
    const problems = problemsOf({ 'acme.yaml': `${ACME}quota: { cpu: 64, memory: 256GB, limitsCpu: "-1" }\nlimitRange: { defaultCpu: 1.5 cores, maxMemory: "" }\n` });
    expectProblem(problems, 'tenants/acme.yaml', 'quota.cpu', 64, /^must be a text string \(put it in quotes: "64"\)$/);
    expectProblem(problems, 'tenants/acme.yaml', 'quota.memory', '256GB', /^must be a Kubernetes quantity: .* e\.g\. "500m", "64", "256Gi"$/);
    expectProblem(problems, 'tenants/acme.yaml', 'quota.limitsCpu', '-1', /^must be a Kubernetes quantity/);
    expectProblem(problems, 'tenants/acme.yaml', 'limitRange.defaultCpu', '1.5 cores', /^must be a Kubernetes quantity/);
    expectProblem(problems, 'tenants/acme.yaml', 'limitRange.maxMemory', '', /^must be a Kubernetes quantity/);
  });

  test('fails when a count is negative or a field is unknown', () => {
    const problems = problemsOf({ 'acme.yaml': `${ACME}quota: { pods: -1, gpus: 1.5, storage: 1Ti }\n` });
    expectProblem(problems, 'tenants/acme.yaml', 'quota.pods', -1, /^must be at least 0$/);
    expectProblem(problems, 'tenants/acme.yaml', 'quota.gpus', 1.5, /^must be a whole number from 0 to 10000$/);
    expectProblem(problems, 'tenants/acme.yaml', 'quota.storage', '1Ti', /^is not a field here; allowed: cpu, memory, limitsCpu, limitsMemory, pods, gpus, mig$/);
  });

  test('fails when a MIG profile does not exist on the tenant\'s GPU model', () => {
    const problems = problemsOf({
      // 3g.40gb is an H100/A100-80GB profile; the default model is A100-40GB.
      'acme.yaml': `${ACME}quota: { mig: { 3g.40gb: 2, 4g.20gb: 1, 1g.5gb: 4 } }\n`,
      'beta.yaml': tenant('beta', 31100, 'queues: { gpuModel: H200-141GB }\nquota: { mig: { 7g.80gb: 1 } }\n'),
    });
    expectProblem(problems, 'tenants/acme.yaml', 'quota.mig.3g.40gb', 2, /^is not a MIG profile of the platform's default GPU model A100-40GB; allowed: 7g\.40gb, 3g\.20gb, 2g\.10gb, 1g\.5gb$/);
    expectProblem(problems, 'tenants/acme.yaml', 'quota.mig.4g.20gb', 1, /^is not a MIG profile of the platform's default GPU model A100-40GB/);
    expectProblem(problems, 'tenants/beta.yaml', 'quota.mig.7g.80gb', 1, /^is not a MIG profile of GPU model H200-141GB \(queues\.gpuModel\); allowed: 7g\.141gb, 3g\.71gb, 2g\.35gb, 1g\.18gb$/);
    expect(problems.filter((p) => p.path.startsWith('quota.mig.1g'))).toEqual([]);
  });

  test('fails when a MIG quota of 0 starves a queue', () => {
    const problems = problemsOf({ 'acme.yaml': `${ACME}quota: { mig: { 3g.20gb: 0, 1g.5gb: 0 } }\n` });
    expectProblem(problems, 'tenants/acme.yaml', 'quota.mig.3g.20gb', 0, /^leaves the queue of GPU fraction 0\.5 \(queues\.gpuFractions\) no device ever/);
    // 1g.5gb is the 0.125 fraction, which the default queues do not have.
    expect(problems).toHaveLength(1);
  });

  test('fails when limits are below requests', () => {
    const problems = problemsOf({
      'acme.yaml': `${ACME}quota: { cpu: "2", limitsCpu: 1500m, memory: 1Gi, limitsMemory: 1024Mi }\nlimitRange: { defaultRequestCpu: "1", defaultCpu: 500m, maxCpu: 250m, defaultRequestMemory: 2Gi, maxMemory: 1Gi }\n`,
    });
    expectProblem(problems, 'tenants/acme.yaml', 'quota.limitsCpu', '1500m', /^must be at least quota\.cpu \("2"\): a container's limit is never below its request$/);
    expectProblem(problems, 'tenants/acme.yaml', 'limitRange.defaultCpu', '500m', /^must be at least limitRange\.defaultRequestCpu \("1"\): Kubernetes requires defaultRequest <= default <= max$/);
    expectProblem(problems, 'tenants/acme.yaml', 'limitRange.maxCpu', '250m', /^must be at least limitRange\.defaultCpu \("500m"\)/);
    expectProblem(problems, 'tenants/acme.yaml', 'limitRange.maxMemory', '1Gi', /^must be at least limitRange\.defaultRequestMemory \("2Gi"\)/);
    // 1Gi and 1024Mi are the same amount.
    expect(problems.filter((p) => p.path === 'quota.limitsMemory')).toEqual([]);
    expect(problems).toHaveLength(4);
  });

  test('fails when the quota limits CPU or memory and limitRange gives containers none', () => {
    const problems = problemsOf({ 'acme.yaml': `${ACME}quota: { cpu: "8", limitsMemory: 16Gi }\nlimitRange: { defaultRequestMemory: 1Gi }\n` });
    expectProblem(problems, 'tenants/acme.yaml', 'limitRange.defaultRequestCpu', undefined, /^is required: quota\.cpu limits CPU requests, .*set defaultRequestCpu, defaultCpu or maxCpu/);
    expectProblem(problems, 'tenants/acme.yaml', 'limitRange.defaultMemory', undefined, /^is required: quota\.limitsMemory limits memory limits, .*set defaultMemory or maxMemory/);
    expect(problems).toHaveLength(2);
  });
});
