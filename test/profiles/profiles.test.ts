/**
 * Install profiles (issue 14): `runbook` and `current` end to end (synth into a temp folder, then
 * validate, check:isolation and lint:policies on it), the current profile's defaults, the command line's
 * `--profile`, the bootstrap program on a current-profile plan, and the rule that every prop the user
 * sets wins over the profile.
 */
import { captureCliRuns } from '../helpers';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as checkIsolation } from '../../lib/tools/check-isolation';
import { main as lintPolicies } from '../../lib/tools/lint-policies';
import { runSynth } from '../../lib/cli';
import { DEFAULT_SOURCES, resolvePlatform } from '../../lib/platform/platform';
import { DEFAULT_CHART_VERSIONS } from '../../lib/config/chart-versions';
import { PlatformProps } from '../../lib/platform/platform-props';
import { TenantSpec } from '../../lib/config/tenant-schema';
import { ConfigError, Problem, Problems } from '../../lib/core/problems';
import { readOutputMarker } from '../../lib/output/marker';
import { filesBelow } from '../../lib/output/write-tree';
import { CURRENT_CHART_VERSIONS, CURRENT_IMAGE_TAGS, CURRENT_OCI_REGISTRY, currentProfileDefaults } from '../../lib/platform/profiles/current';
import { PROFILES, applyProfile } from '../../lib/platform/profiles/profile';
import { renderOutput, resolveInput, synthesize } from '../../lib/synth';
import { bootstrapPlan } from '../../lib/tenant/bootstrap-plan';
import { main as validate } from '../../lib/tools/validate/main';
import { platform as MAIN_PLATFORM } from '../../main';
import { expectBootstrapped, synthesize as synthesizeBootstrap, World } from '../bootstrap/harness';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
const TENANTS_DIR = join(ROOT, 'tenants');

/** A tenant with a stream port range, beside the repository's tenants (whose session ports are 31011-31050). */
const STREAMING: TenantSpec = {
  name: 'hooli',
  admin: { name: 'Hooli Admin', email: 'admin@hooli.example' },
  sessions: { startingPort: 31100, portMode: true },
  router: { streamSession: { portRange: { start: 32000, end: 32009 } } },
};

function problemsOf(run: () => unknown): Problem[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a ConfigError');
}

function parseAll(files: ReadonlyMap<string, string>): any[] {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const YAML = require('yaml');
  return [...files].filter(([p]) => p.endsWith('.yaml')).flatMap(([, text]) => YAML.parseAllDocuments(text).map((d: any) => d.toJSON()).filter(Boolean));
}

describe.each(PROFILES.map((p) => [p]))('profile %s end to end', (profile) => {
  let dir: string;
  let files: Map<string, string>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `profile-${profile}-`));
    // Stream sessions are the app gateway's: a profile that deploys the task traffic router refuses them.
    const gateway = resolvePlatform({ ...MAIN_PLATFORM, profile }).tenantReleases.routerKind === 'app-gateway';
    files = synthesize({ platform: { ...MAIN_PLATFORM, profile }, tenantsDir: TENANTS_DIR, tenants: [gateway ? STREAMING : (({ router, ...rest }) => rest)(STREAMING)] }, dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('validate, check:isolation and lint:policies pass on the folder synth wrote', () => {
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) };
    expect([validate([dir, '--crds', join(ROOT, 'crds')], (l) => lines.push(l)), lines.join('\n')]).toEqual([0, expect.stringContaining('0 problems')]);
    expect([checkIsolation([dir], io), lines.join('')]).toEqual([0, expect.stringContaining('no path between tenant namespaces')]);
    expect([lintPolicies([dir], io), lines.join('')]).toEqual([0, expect.stringContaining('no findings')]);
  });

  test('no floating chart version and no image from docker.io/bitnami/ anywhere', () => {
    const written = filesBelow(dir);
    expect(written.length).toBeGreaterThan(40);
    for (const file of written) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect([file, /version:\s*["']?\*["']?\s*$/m.test(text)]).toEqual([file, false]);
      expect([file, text.includes('docker.io/bitnami/')]).toEqual([file, false]);
    }
    const versions = parseAll(files).flatMap((o) => (o.kind === 'HelmRelease' ? [o.spec.chart?.spec?.version] : o.kind === 'OCIRepository' ? [o.spec.ref?.tag] : []));
    expect(versions.length).toBeGreaterThan(0);
    for (const v of versions.filter((x) => x !== undefined)) expect(v).toMatch(/^v?\d+\.\d+\.\d+/);
  });

  test('the marker names the profile unless it is the runbook', () => {
    expect(readOutputMarker(dir)?.profile).toBe(profile === 'runbook' ? undefined : profile);
  });
});

describe('the current profile', () => {
  let objects: any[];
  let files: Map<string, string>;
  beforeAll(() => {
    files = renderOutput({ platform: { ...MAIN_PLATFORM, profile: 'current' }, tenantsDir: TENANTS_DIR, tenants: [STREAMING] });
    objects = parseAll(files);
  });
  const find = (kind: string, name: string, namespace?: string) => {
    const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name && (namespace === undefined || o.metadata?.namespace === namespace));
    if (found.length !== 1) throw new Error(`expected one ${kind} ${namespace ?? ''}/${name}, found ${found.length}`);
    return found[0];
  };

  test('every enterprise chart (server, agent, app gateway, CDMO) comes from oci://docker.io/clearml with the registry Secret', () => {
    const oci = objects.filter((o) => o.kind === 'OCIRepository');
    const byChart = new Map(oci.map((o) => [o.spec.url, o]));
    for (const [chart, version] of [
      ['clearml-enterprise', CURRENT_CHART_VERSIONS.server],
      ['clearml-enterprise-agent', CURRENT_CHART_VERSIONS.agent],
      ['clearml-enterprise-app-gateway', CURRENT_CHART_VERSIONS.appGateway],
      ['clearml-dynamic-mig-operator', CURRENT_CHART_VERSIONS.dynamicMigOperator],
    ]) {
      const source = byChart.get(`${CURRENT_OCI_REGISTRY}/${chart}`);
      expect([chart, source?.spec.ref.tag, source?.spec.secretRef]).toEqual([chart, version, { name: 'clearml-enterprise-oci-registry' }]);
    }
    expect(objects.filter((o) => o.kind === 'HelmRepository' && /clearml/.test(o.spec.url))).toEqual([]);
    const inventory = JSON.parse(files.get('secrets-inventory.json')!);
    expect(inventory.secrets).toContainEqual(expect.objectContaining({ namespace: 'flux-system', name: 'clearml-enterprise-oci-registry', type: 'kubernetes.io/dockerconfigjson' }));
  });

  test('CDMO is release cdmo in namespace cdmo; no billing; the file server is files.<domain>', () => {
    expect(find('HelmRelease', 'cdmo', 'cdmo').spec.chartRef.kind).toBe('OCIRepository');
    expect(objects.filter((o) => o.metadata?.namespace === 'cdmo-operator')).toEqual([]);
    expect(objects.filter((o) => o.metadata?.namespace === 'clearml-billing' || o.metadata?.name === 'clearml-billing')).toEqual([]);
    const server = find('HelmRelease', 'clearml', 'clearml').spec.values;
    expect(server.fileserver.ingress.hostName).toBe('files.clearml.example.com');
    expect(server.fileserver.image).toBeUndefined(); // the chart's own, the release's
    expect(server.apiserver.image).toEqual({ tag: CURRENT_IMAGE_TAGS.apiserver });
    expect(server.webserver.image).toEqual({ tag: CURRENT_IMAGE_TAGS.webserver });
    const env = new Map(server.apiserver.extraEnvs.map((e: any) => [e.name, e.value]));
    expect(env.get('CLEARML__services__organization__features__user_management_advanced')).toBe('true');
    expect(env.get('CLEARML__apiserver__company__unique_names')).toBe('true');
    expect(env.get('CLEARML__billing__enabled')).toBe('false');
    expect([...env.keys()].filter((n) => /KAFKA__BILLING|REDIS__BILLING/.test(String(n)))).toEqual([]);
    // Applications stay global unless the platform asks for per-tenant ones.
    expect(server.clearmlApplications).toEqual({ enabled: true });
    expect(find('HelmRelease', 'clearml-agent', 'acme').spec.values.agentk8sglue.appsQueue).toBeUndefined();
  });

  test('agents take the current chart and image; tenant admins are created internal', () => {
    const agent = find('HelmRelease', 'clearml-agent', 'acme');
    expect(agent.spec.values.agentk8sglue.image).toEqual({ tag: CURRENT_IMAGE_TAGS.agent });
    const { platform, tenants } = resolveInput({ platform: { ...MAIN_PLATFORM, profile: 'current' }, tenantsDir: TENANTS_DIR });
    expect(bootstrapPlan(tenants[0], platform).admin.internal).toBe(true);
  });

  test('the app gateway replaces the task traffic router: router credentials by Secret, public api URL, cookie, ingress, stream sessions', () => {
    expect(objects.filter((o) => o.metadata?.name === 'clearml-ttr')).toEqual([]);
    const gateway = find('HelmRelease', 'clearml-app-gateway', 'hooli');
    expect(gateway.spec.values).toEqual({
      clearml: { apiServerUrlReference: 'https://api.clearml.example.com', authCookieName: 'clearml_token_basic' },
      ingress: { enabled: true, hostName: 'hooli-apps.clearml.example.com' },
      streamSession: { routerAddress: 'hooli-apps.clearml.example.com', service: { type: 'NodePort' }, portRange: { start: 32000, end: 32009 } },
    });
    expect(gateway.spec.valuesFrom).toEqual([
      { kind: 'Secret', name: 'clearml-registry', valuesKey: 'password', targetPath: 'imageCredentials.password' },
      { kind: 'Secret', name: 'clearml-router-credentials', valuesKey: 'access_key', targetPath: 'clearml.apiKey' },
      { kind: 'Secret', name: 'clearml-router-credentials', valuesKey: 'secret_key', targetPath: 'clearml.apiSecret' },
    ]);
    // A tenant without a range opens no NodePorts.
    expect(find('HelmRelease', 'clearml-app-gateway', 'acme').spec.values.streamSession).toEqual({ routerAddress: 'acme-apps.clearml.example.com', service: { type: 'ClusterIP' } });
  });

  test("the tenant's policies admit the ingress controller to the gateway and clients to its stream ports only", () => {
    const toGateway = find('NetworkPolicy', 'allow-ingress-controller-to-app-gateway', 'hooli');
    expect(toGateway.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'clearml-app-gateway' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
    const stream = find('NetworkPolicy', 'allow-stream-session-ports', 'hooli');
    expect(stream.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'clearml-app-gateway' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 32000, endPort: 32009 }, { protocol: 'UDP', port: 32000, endPort: 32009 }] }],
    });
    expect(objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-stream-session-ports' && o.metadata.namespace === 'acme')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-ingress-controller-to-router')).toEqual([]);
  });

  test('per-tenant applications, as a platform option: the server queue mode and every agent', () => {
    const out = parseAll(renderOutput({ platform: { ...MAIN_PLATFORM, profile: 'current', server: { ...MAIN_PLATFORM.server, applicationsQueueMode: 'per_tenant' } }, tenantsDir: TENANTS_DIR }));
    const server = out.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'clearml');
    expect(server.spec.values.clearmlApplications).toEqual({ enabled: true, queueMode: 'per_tenant' });
    const agents = out.filter((o) => o.kind === 'HelmRelease' && o.metadata.name === 'clearml-agent');
    expect(agents).toHaveLength(3);
    for (const a of agents) expect(a.spec.values.agentk8sglue.appsQueue).toEqual({ enabled: true });
  });

  test('per-tenant applications need internal admins: refused in the runbook profile, naming the setting', () => {
    const problems = problemsOf(() => resolvePlatform({ ...MAIN_PLATFORM, server: { ...MAIN_PLATFORM.server, applicationsQueueMode: 'per_tenant' } }));
    expect(problems).toEqual([{ file: 'main.ts (platform props)', path: 'server.applicationsQueueMode', value: 'per_tenant', message: expect.stringMatching(/^needs bootstrap\.adminInternal: true/) }]);
  });
});

describe('profile names', () => {
  test('a bad profile in main.ts is a problem naming the file, field, value and the allowed names', () => {
    const problems = problemsOf(() => resolvePlatform({ ...MAIN_PLATFORM, profile: 'latest' as never }));
    expect(problems).toContainEqual({ file: 'main.ts (platform props)', path: 'profile', value: 'latest', message: 'must be one of "runbook", "current" (default "runbook")' });
  });

  test('the default is runbook, and the runbook profile adds nothing', () => {
    expect(resolvePlatform(MAIN_PLATFORM).profile).toBe('runbook');
    const problems = new Problems('x');
    expect(applyProfile(MAIN_PLATFORM, problems).props).toEqual(MAIN_PLATFORM);
    expect(problems.count).toBe(0);
  });
});

describe('synth --profile', () => {
  const { dir, out, err } = captureCliRuns('profile-cli-');

  test('--profile current overrides the setting for one run, and the summary says so', () => {
    const target = join(dir(), 'out');
    expect(runSynth({ platform: MAIN_PLATFORM, tenantsDir: TENANTS_DIR }, ['--profile', 'current', '--out', target])).toBe(0);
    expect(out.join('').split('\n')[1]).toMatch(/^profile: current: /);
    expect(readOutputMarker(target)?.profile).toBe('current');
    expect(readFileSync(join(target, 'tenants', 'acme', 'workloads', 'app-gateway.yaml'), 'utf8')).toContain('clearml-app-gateway');
  });

  test('--profile runbook over a current setting writes the runbook output, with no profile line', () => {
    const target = join(dir(), 'out');
    expect(runSynth({ platform: { ...MAIN_PLATFORM, profile: 'current' }, tenantsDir: TENANTS_DIR }, ['--profile=runbook', '--out', target])).toBe(0);
    expect(out.join('')).not.toMatch(/profile:/);
    expect(readFileSync(join(target, 'tenants', 'acme', 'workloads', 'router.yaml'), 'utf8')).toContain('clearml-ttr');
  });

  test('a bad --profile is a problem on the command line naming the allowed names; nothing is written', () => {
    const target = join(dir(), 'out');
    expect(runSynth({ platform: MAIN_PLATFORM, tenantsDir: TENANTS_DIR }, ['--profile', 'newest', '--out', target])).toBe(1);
    expect(err.join('')).toMatch(/nothing was written[\s\S]*\(command line\): --profile: "newest": must be one of "runbook", "current"/);
    expect(() => filesBelow(target)).toThrow();
  });
});

describe('every prop set in main.ts wins over the profile', () => {
  /** Every prop the current profile sets, set by the user to the runbook's value. */
  const RUNBOOK_VALUES: PlatformProps = {
    ...MAIN_PLATFORM,
    profile: 'current',
    sources: { ...MAIN_PLATFORM.sources, 'clearml-enterprise': DEFAULT_SOURCES['clearml-enterprise'] },
    server: {
      ...MAIN_PLATFORM.server,
      chart: { source: 'clearml-enterprise', chart: 'clearml-enterprise', version: DEFAULT_CHART_VERSIONS.server },
      apiserverImageTag: '3.21.6-1443',
      webserverImageTag: '3.21.3-1657',
      organizationFeatures: ['user_management_advanced'],
      uniqueCompanyNames: true,
      billing: { enabled: true },
      hosts: { file: 'file.clearml.example.com' },
    },
    billing: { ...MAIN_PLATFORM.billing, enabled: true },
    dynamicMigOperator: { namespace: 'cdmo-operator', releaseName: 'cdmo', chart: { source: 'clearml-enterprise', chart: 'clearml-dynamic-mig-operator', version: DEFAULT_CHART_VERSIONS.dynamicMigOperator } },
    tenantReleases: {
      agentChart: { source: 'clearml-enterprise', chart: 'clearml-enterprise-agent', version: DEFAULT_CHART_VERSIONS.agent },
      agentImageTag: '1.24-1.8.1rc99-159',
      routerKind: 'task-traffic-router',
      routerChart: { source: 'clearml-enterprise', chart: 'clearml-task-traffic-router', version: DEFAULT_CHART_VERSIONS.router },
    },
    bootstrap: { adminInternal: false },
  };

  /** Leaf paths of an object (a chart or a source is one leaf). */
  function leaves(o: Record<string, unknown>, prefix = ''): string[] {
    return Object.entries(o).flatMap(([k, v]) => {
      const path = prefix ? `${prefix}.${k}` : k;
      const atomic = typeof v === 'object' && v !== null && !Array.isArray(v) && (('source' in v && 'chart' in v) || /^sources\.[^.]+$/.test(path));
      return typeof v === 'object' && v !== null && !Array.isArray(v) && !atomic ? leaves(v as Record<string, unknown>, path) : [path];
    });
  }

  test('the test sets every prop the current profile sets (so a new profile default is covered too)', () => {
    const set = new Set(leaves(RUNBOOK_VALUES as unknown as Record<string, unknown>));
    const missing = leaves(currentProfileDefaults(MAIN_PLATFORM) as Record<string, unknown>).filter((p) => !set.has(p));
    expect(missing).toEqual([]);
  });

  test("with each of them set to the runbook's value, the current profile writes exactly the runbook's output (the marker's profile aside)", () => {
    const runbook = renderOutput({ platform: MAIN_PLATFORM, tenantsDir: TENANTS_DIR });
    const overridden = renderOutput({ platform: RUNBOOK_VALUES, tenantsDir: TENANTS_DIR });
    expect([...overridden.keys()]).toEqual([...runbook.keys()]);
    for (const [path, text] of runbook) {
      if (path === '.clearml-tenancy') continue;
      expect([path, overridden.get(path)]).toEqual([path, text]);
    }
    expect(JSON.parse(overridden.get('.clearml-tenancy')!)).toEqual({ ...JSON.parse(runbook.get('.clearml-tenancy')!), profile: 'current' });
  });

  test('a user source replaces the profile source whole (no fields of two source types mixed)', () => {
    const p = resolvePlatform({ ...MAIN_PLATFORM, profile: 'current', sources: { 'clearml-enterprise': { type: 'helm', url: 'https://charts.example.com' } } });
    expect(p.sources['clearml-enterprise']).toEqual({ type: 'helm', url: 'https://charts.example.com' });
  });

  test('objects merge: a user key beside the profile keeps both, the user key wins', () => {
    const p = resolvePlatform({ ...MAIN_PLATFORM, profile: 'current', server: { ...MAIN_PLATFORM.server, billing: { redisDb: 3 }, hosts: { api: 'api.ml.clearml.example.com' } } });
    expect(p.server.billing).toMatchObject({ enabled: false, redisDb: 3 });
    expect(p.hosts).toEqual({ api: 'api.ml.clearml.example.com', app: 'app.clearml.example.com', file: 'files.clearml.example.com' });
  });
});

describe('the bootstrap program on a current-profile plan', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  test('creates the tenant admin internal and bootstraps the tenant against the fakes', async () => {
    const { platform, tenants } = resolveInput({ platform: { ...MAIN_PLATFORM, profile: 'current' }, tenantsDir: TENANTS_DIR });
    const acme = tenants.find((t) => t.name === 'acme')!;
    const plan = bootstrapPlan(acme, platform);
    expect(plan.admin.internal).toBe(true);
    const synth = synthesizeBootstrap(plan);
    world = await World.start(synth);
    // Exactly the plan synth wrote (the harness's default adds a whitelist over it).
    world.setPlan({ ...JSON.parse(synth.planJson), whitelist: plan.whitelist });
    const result = await world.runChild();
    expect(result).toMatchObject({ code: 0, stderr: [] });
    expectBootstrapped(world);
    expect(world.admin()).toMatchObject({ internal: true, role: 'admin' });
    expect(world.clearml.changes.filter((c) => c.startsWith('create_user'))).toEqual([expect.stringMatching(/ internal$/)]);
  });
});
