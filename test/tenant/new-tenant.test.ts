import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platform as platformProps } from '../fixtures/platform';
import { FIXTURE_TENANTS_DIR } from '../support/fixtures';
import { resolvePlatform } from '../../lib/platform/platform';
import { resolveTenants } from '../../lib/tenant/tenants';
import { readTenantFiles } from '../../lib/tenant/tenant-files';
import { createTenantFile, nextFreePortRange, parseNewTenantArgs, runTenantNew } from '../../lib/tools/new-tenant';

const EXAMPLES = FIXTURE_TENANTS_DIR;

describe('tenant:new', () => {
  let dir: string;
  beforeEach(() => {
    // GIVEN a copy of the example tenants (ports 31010-31019, 31020-31029, 31030-31049)
    dir = join(mkdtempSync(join(tmpdir(), 'tenant-new-')), 'tenants');
    mkdirSync(dir);
    for (const f of readdirSync(EXAMPLES)) copyFileSync(join(EXAMPLES, f), join(dir, f));
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  test('writes a file that validates, with the next free port range', () => {
    // WHEN
    const { file, text } = createTenantFile(parseNewTenantArgs(['hooli', '--admin-email', 'admin@hooli.example', '--admin-name', 'Hooli Admin', '--sso-domain', 'hooli.example', `--dir=${dir}`]), platformProps);
    // THEN
    expect(file).toBe(join(dir, 'hooli.yaml'));
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(text).toMatchSnapshot();
    const tenants = resolveTenants(readTenantFiles(dir), resolvePlatform(platformProps));
    const hooli = tenants.find((t) => t.name === 'hooli');
    expect(hooli).toHaveProperty('sessions', { portMode: false, externalIP: '0.0.0.0', startingPort: 31050, maxServices: 10 });
    expect(hooli).toHaveProperty('ssoDomains', ['hooli.example']);
  });

  test('passes the options through to the file', () => {
    const { text } = createTenantFile(
      parseNewTenantArgs(['hooli', '--admin-email=a@hooli.example', '--admin-name=H', '--namespace', 'hooli-ml', '--gpu-model', 'H100-80GB', '--gpu-fractions', '1,0.125', '--max-services', '5', '--allowed-users', '3', '--router-host', 'hooli-ml-apps.clearml.example.com', '--dir', dir]),
      platformProps,
    );
    const [t] = resolveTenants([{ file: join(dir, 'hooli.yaml'), text }], resolvePlatform(platformProps));
    expect(t).toHaveProperty('namespace', 'hooli-ml');
    expect(t).toHaveProperty('queues.gpuModel', 'H100-80GB');
    expect(t).toHaveProperty('queues.gpuFractions', [1, 0.125]);
    expect(t).toHaveProperty('sessions.maxServices', 5);
    expect(t).toHaveProperty('allowedUsers', 3);
    expect(t).toHaveProperty('router.hostName', 'hooli-ml-apps.clearml.example.com');
  });

  test('fails when the new tenant does not pass the checks, and writes nothing', () => {
    // GIVEN a port range taken by acme and a bad e-mail
    const errors: string[] = [];
    const code = runTenantNew(['hooli', '--admin-email', 'nope', '--admin-name', 'H', '--starting-port', '31015', '--dir', dir], platformProps, { log: () => {}, error: (s) => errors.push(s) });
    expect(code).toBe(1);
    expect(errors.join('\n')).toMatch(/hooli\.yaml: admin\.email: "nope": must be an e-mail address/);
    expect(errors.join('\n')).toMatch(/hooli\.yaml: sessions\.startingPort: 31015: .* overlap the ports 31011-31020 of .*acme\.yaml; omit --starting-port to get the next free range$/m);
    // AND acme, there first, is told too, with the same hint (the clash comes from the option)
    expect(errors.join('\n')).toMatch(/acme\.yaml: sessions\.startingPort: 31010: .* overlap the ports 31016-31025 of .*hooli\.yaml; omit --starting-port to get the next free range$/m);
    // AND the hint of synth, which tells to run tenant:new, is not given to someone running it
    expect(errors.join('\n')).not.toMatch(/npm run tenant:new does/);
    expect(existsSync(join(dir, 'hooli.yaml'))).toBe(false);
  });

  test('writes the quota given; under tenancy.limits.maxQuota, starts from those maxima for the keys not given', () => {
    const args = ['hooli', '--admin-email', 'a@hooli.example', '--admin-name', 'H', '--dir', dir];
    const { text } = createTenantFile(parseNewTenantArgs([...args, '--quota-cpu', '8', '--quota-memory', '32Gi', '--quota-gpus', '1', '--quota-pods', '20']), platformProps);
    expect(resolveTenants([{ file: join(dir, 'hooli.yaml'), text }], resolvePlatform(platformProps))[0].quota).toEqual({ cpu: '8', memory: '32Gi', gpus: 1, pods: 20 });
    // GIVEN a platform that requires a quota of at most 16 CPUs, 64Gi and 2 GPUs, and a tenant folder of files within it
    for (const f of readdirSync(dir)) rmSync(join(dir, f));
    const limited = { ...platformProps, tenancy: { limits: { requireQuota: true, maxQuota: { cpu: '16', memory: '64Gi', gpus: 2 } } } };
    // WHEN only the GPUs are given, THEN the file passes the limits with the other maxima
    const { file, text: capped } = createTenantFile(parseNewTenantArgs([...args, '--quota-gpus', '1']), limited);
    expect(existsSync(file)).toBe(true);
    expect(resolveTenants([{ file, text: capped }], resolvePlatform(limited))[0].quota).toEqual({ cpu: '16', memory: '64Gi', gpus: 1 });
    // AND a quota above the limits is refused, nothing written
    rmSync(file);
    expect(() => createTenantFile(parseNewTenantArgs([...args, '--quota-gpus', '4']), limited)).toThrow(/quota\.gpus: 4: .*tenancy\.limits\.maxQuota\.gpus/);
    expect(existsSync(file)).toBe(false);
    // AND with no quota option at all the file starts from the maxima
    expect(createTenantFile(parseNewTenantArgs(args), limited).text).toMatch(/^quota:\n {2}cpu: "16"\n {2}memory: 64Gi\n {2}gpus: 2$/m);
  });

  test('fails when the file exists', () => {
    expect(() => createTenantFile(parseNewTenantArgs(['acme', '--admin-email', 'a@acme.com', '--admin-name', 'A', '--dir', dir]), platformProps)).toThrow(/acme\.yaml exists already/);
  });

  test('fails when an existing tenant file is broken, naming it', () => {
    writeFileSync(join(dir, 'broken.yaml'), 'name: broken\n');
    expect(() => createTenantFile(parseNewTenantArgs(['hooli', '--admin-email', 'a@hooli.example', '--admin-name', 'H', '--dir', dir]), platformProps)).toThrow(/broken\.yaml: admin: \(missing\): is required/);
  });

  test.each([
    [['--admin-email', 'a@b.c', '--admin-name', 'A'], /give exactly one tenant name/],
    [['x', '--admin-name', 'A'], /--admin-email and --admin-name are required/],
    [['x', '--admin-email', 'a@b.c', '--admin-name', 'A', '--colour', 'red'], /unknown option --colour/],
    [['x', '--admin-email', 'a@b.c', '--admin-name', 'A', '--max-services', 'ten'], /--max-services needs a number, got "ten"/],
    [['x', '--admin-email'], /--admin-email needs a value/],
    [['x', '--admin-email', 'a@b.c', '--admin-name', 'A', '--quota-gpus', 'two'], /--quota-gpus needs a number, got "two"/],
  ])('fails when the arguments are %p', (argv, message) => {
    expect(() => parseNewTenantArgs(argv)).toThrow(message);
  });
});

describe('nextFreePortRange', () => {
  test('starts at 30000 when no port is taken', () => {
    expect(nextFreePortRange([], 10)).toBe(30000);
  });

  test('starts right after the highest taken port', () => {
    expect(nextFreePortRange([{ start: 31010, count: 10 }, { start: 30000, count: 5 }], 10)).toBe(31020);
  });

  test('uses the lowest gap that fits when the top is full', () => {
    // GIVEN 30000-30009 and 30030-32767 taken
    const taken = [{ start: 30000, count: 10 }, { start: 30030, count: 32768 - 30030 }];
    expect(nextFreePortRange(taken, 20)).toBe(30010);
    expect(nextFreePortRange(taken, 21)).toBeUndefined();
  });
});
