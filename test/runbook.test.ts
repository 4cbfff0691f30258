/**
 * Puts the runbook beside the output: every setting of its "Install ClearML Chart" overrides, its
 * GPU operator flags, its Redis install and its tenant charts must be found in what synth writes, with
 * secrets turned into references. The runbook's facts (each release, chart, version, value and
 * `CLEARML__*` setting) are data in test/fixtures/runbook-facts.json, written for this test.
 */
import YAML from 'yaml';
import { renderOutput } from '../lib/synth';
import { platform } from './fixtures/platform';
import { FIXTURE_TENANTS_DIR, readJsonFixture } from './support/fixtures';

/** The runbook's facts, see the fixture's `$comment`. */
interface RunbookFacts {
  readonly placeholders: string[];
  readonly secretValues: string[];
  readonly releases: Array<{ namespace: string; name: string; chart?: string; version?: string }>;
  readonly gpuOperator: { namespace: string; name: string; set: Record<string, string> };
  readonly cdmo: { namespace: string; name: string; values: any };
  readonly server: { namespace: string; name: string; values: any };
  readonly redis: { namespace: string; name: string; version: string; values: any };
  readonly billing: { namespace: string; name: string; chartFile: string };
  readonly agent: { name: string; values: any };
  readonly router: { name: string; values: any };
}

const facts = readJsonFixture<RunbookFacts>('runbook-facts.json');

function objectsOf(files: Map<string, string>): any[] {
  return [...files].filter(([p]) => p.endsWith('.yaml')).flatMap(([, text]) => YAML.parseAllDocuments(text).map((d) => d.toJS()));
}

/** Placeholders of the runbook and the value the example platform gives them. */
const SSO = platform.server.sso!;
const PLACEHOLDERS: Record<string, string> = {
  BASE_DOMAIN: platform.baseDomain,
  SSO_CLIENT_ID: SSO.clientId,
  SSO_CLIENT_URL: SSO.baseUrl,
  SSO_CLIENT_AUTHORIZE_URL: SSO.authorizeUrl,
  SSO_CLIENT_ACCESS_TOKEN_URL: SSO.accessTokenUrl,
  SSO_CLIENT_AUDIENCE: SSO.audience,
  SUPERVISOR_USER_EMAIL: platform.server.supervisor.email,
  TENANT_NAMESPACE: 'acme',
};
/** Runbook values that are secrets: they must arrive as references. */
const SECRET_VALUES = new Set(facts.secretValues);
const isSecret = (value: unknown) => typeof value === 'string' && SECRET_VALUES.has(value);

function substitute(value: string): string {
  return value.replace(/<([A-Z_]+)>/g, (m, name) => {
    if (!(name in PLACEHOLDERS)) throw new Error(`no example value for runbook placeholder ${m}`);
    return PLACEHOLDERS[name];
  });
}

/** Compares a runbook env value with ours the way the apiserver reads them (JSON lists by content). */
function sameSetting(runbook: string, ours: string): boolean {
  if (runbook === ours) return true;
  try {
    return JSON.stringify(JSON.parse(runbook)) === JSON.stringify(JSON.parse(ours));
  } catch {
    return false;
  }
}

describe('the runbook beside the output', () => {
  const objects = objectsOf(renderOutput({ platform, tenantsDir: FIXTURE_TENANTS_DIR }));
  const release = (namespace: string, name: string) => objects.find((o) => o.kind === 'HelmRelease' && o.metadata.namespace === namespace && o.metadata.name === name);

  test('every apiserver variable of "Install ClearML Chart" is set, equal, or a Secret reference', () => {
    const runbook = facts.server.values;
    const ours: any[] = release(facts.server.namespace, facts.server.name).spec.values.apiserver.extraEnvs;
    const mismatches: string[] = [];
    for (const { name, value } of runbook.apiserver.extraEnvs as Array<{ name: string; value: string }>) {
      const mine = ours.find((e) => e.name === name);
      if (!mine) mismatches.push(`${name}: missing`);
      else if (isSecret(value)) {
        if (!mine.valueFrom?.secretKeyRef || 'value' in mine) mismatches.push(`${name}: must be a secretKeyRef, is ${JSON.stringify(mine)}`);
      } else if (!sameSetting(substitute(value), mine.value)) mismatches.push(`${name}: runbook ${JSON.stringify(substitute(value))}, ours ${JSON.stringify(mine.value)}`);
    }
    expect(mismatches).toEqual([]);
    expect(runbook.apiserver.extraEnvs.length).toBe(28);
  });

  test('every other value of "Install ClearML Chart" is in the release values, the token as valuesFrom', () => {
    const runbook = facts.server.values;
    const ours = release(facts.server.namespace, facts.server.name);
    const leaves: Array<[string, unknown]> = [];
    const walk = (node: unknown, path: string[]) => {
      if (node && typeof node === 'object' && !Array.isArray(node)) for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
      else if (path.join('.') !== 'apiserver.extraEnvs') leaves.push([path.join('.'), node]);
    };
    walk(runbook, []);
    expect(leaves.length).toBeGreaterThan(10);
    for (const [path, value] of leaves) {
      if (isSecret(value)) {
        expect(ours.spec.valuesFrom).toContainEqual(expect.objectContaining({ kind: 'Secret', targetPath: path }));
      } else {
        const mine = path.split('.').reduce((o: any, k) => o?.[k], ours.spec.values);
        expect([path, mine]).toEqual([path, typeof value === 'string' ? substitute(value) : value]);
      }
    }
  });

  test('the GPU operator flags and namespace', () => {
    const gpu = release(facts.gpuOperator.namespace, facts.gpuOperator.name);
    expect(gpu).toBeDefined();
    const flags = Object.entries(facts.gpuOperator.set);
    expect(flags.length).toBe(2);
    for (const [path, value] of flags) {
      const mine = path.split('.').reduce((o: any, k) => o?.[k], gpu.spec.values);
      expect([path, String(mine)]).toEqual([path, value]);
    }
  });

  test('shared Redis: namespace, chart version, password by reference', () => {
    const redis = release(facts.redis.namespace, facts.redis.name);
    // The chart comes from Bitnami's OCI registry (charts.bitnami.com no longer lists 17.8.3): the version is the OCIRepository's tag.
    const source = objects.find((o) => o.kind === 'OCIRepository' && o.metadata.name === redis.spec.chartRef.name);
    expect(source.spec.ref).toEqual({ tag: facts.redis.version });
    expect(isSecret(facts.redis.values.auth.password)).toBe(true);
    expect(redis.spec.values.auth.password).toBeUndefined();
    expect(redis.spec.values.auth.existingSecret).toBe('redis-shared-auth');
  });

  test('the CDMO release', () => {
    const cdmo = release(facts.cdmo.namespace, facts.cdmo.name);
    expect(cdmo.spec.chart.spec.chart).toBe('clearml-dynamic-mig-operator');
    expect(isSecret(facts.cdmo.values.imageCredentials.password)).toBe(true);
    expect(cdmo.spec.valuesFrom).toContainEqual(expect.objectContaining({ targetPath: 'imageCredentials.password' }));
  });

  test('the platform namespaces isolate as the runbook asks, without its 0.0.0.0/0', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.find((p) => p.metadata.namespace === 'clearml' && p.metadata.name === 'default-deny-ingress')).toBeDefined();
    // Each allow is its own policy beside the pure deny (issue 12 item 9): billing admits the server namespace.
    const billingPeers = policies.filter((p) => p.metadata.namespace === 'clearml-billing').flatMap((p) => (p.spec.ingress ?? []).flatMap((r: any) => r.from ?? []));
    expect(billingPeers).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'clearml' } } });
    const ingressPeers = policies.flatMap((p) => (p.spec.ingress ?? []).flatMap((r: any) => r.from ?? []));
    expect(ingressPeers.filter((peer: any) => peer.ipBlock)).toEqual([]);
  });

  test('the agent overrides of "Install ClearML Agent Chart" are acme\'s agent values, secrets as references', () => {
    const runbook = facts.agent.values;
    const ours = release('acme', facts.agent.name);
    const values = ours.spec.values;
    // The TODO keys become the bootstrap's Secret; the registry token and the Redis password references.
    expect(runbook.clearml).toEqual({ agentk8sglueKey: '-', agentk8sglueSecret: '-' });
    expect(values.clearml).toEqual({ existingAgentk8sglueSecret: 'clearml-agent-credentials' });
    expect(ours.spec.valuesFrom).toContainEqual(expect.objectContaining({ kind: 'Secret', targetPath: 'imageCredentials.password' }));
    const tenant = (v: unknown) => (typeof v === 'string' ? v.replace(/<BASE_DOMAIN>/g, platform.baseDomain).replace(/<TENANT_NAMESPACE>/g, 'acme') : v);
    const glue = runbook.agentk8sglue;
    for (const { name, value } of glue.extraEnvs as Array<{ name: string; value: string }>) {
      const mine = values.agentk8sglue.extraEnvs.find((e: any) => e.name === name);
      if (isSecret(value)) expect([name, mine.valueFrom?.secretKeyRef?.name]).toEqual([name, 'redis-shared-auth']);
      else expect([name, mine?.value]).toEqual([name, value]);
    }
    // Every runbook value is there; objects may carry more (the task pods' own tokenless ServiceAccount and
    // label, issue 12 item 2).
    for (const key of Object.keys(glue).filter((k) => k !== 'extraEnvs')) {
      if (typeof glue[key] === 'object') expect([key, values.agentk8sglue[key]]).toMatchObject([key, glue[key]]);
      else expect([key, values.agentk8sglue[key]]).toEqual([key, tenant(glue[key])]);
    }
    expect(values.sessions).toEqual(Object.fromEntries(Object.entries(runbook.sessions).map(([k, v]) => [k, tenant(v)])));
  });

  test('the router overrides of "Install the App Gateway Router Chart": the in-cluster apiserver, keys from the bootstrap Secret', () => {
    const runbook = facts.router.values;
    const ours = release('acme', facts.router.name);
    expect(ours.spec.values.clearml.apiServerUrlReference).toBe(runbook.clearml.apiServerUrlReference.replace(/^<|>$/g, ''));
    expect(ours.spec.values.ingress).toEqual({ enabled: runbook.ingress.enabled, hostName: 'acme-apps.clearml.example.com' });
    expect(ours.spec.valuesFrom.map((v: any) => v.targetPath).sort()).toEqual(['clearml.apiserverKey', 'clearml.apiserverSecret', 'imageCredentials.password']);
  });

  test('every release the runbook installs is there, with its chart and version where the runbook names them', () => {
    expect(facts.releases.length).toBe(7);
    const missing: string[] = [];
    for (const r of facts.releases) {
      const namespace = substitute(r.namespace);
      const ours = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.namespace === namespace && o.metadata.name === r.name);
      if (!ours) missing.push(`${namespace}/${r.name}: missing`);
      else {
        // A chart from an OCI source: its name ends the OCIRepository's URL, its version is the tag.
        const oci = ours.spec.chartRef ? objects.find((o) => o.kind === 'OCIRepository' && o.metadata.name === ours.spec.chartRef.name) : undefined;
        const chart = oci ? String(oci.spec.url).split('/').pop() : ours.spec.chart?.spec?.chart;
        const version = oci ? oci.spec.ref?.tag : ours.spec.chart?.spec?.version;
        if (r.chart && chart !== r.chart) missing.push(`${namespace}/${r.name}: chart ${chart}, runbook ${r.chart}`);
        if (r.version && version !== r.version) missing.push(`${namespace}/${r.name}: version ${version}, runbook ${r.version}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('the billing chart is the version of the tarball the runbook names', () => {
    const version = /-(\d+\.\d+\.\d+)\.tgz$/.exec(facts.billing.chartFile)![1];
    expect(platform.billing?.chart?.version).toBe(version);
    expect(release(facts.billing.namespace, facts.billing.name)).toBeDefined();
  });
});

test('fails when a fixture is missing: the error names the file', () => {
  expect(() => readJsonFixture('no-such-fixture.json')).toThrow(/test fixture missing: .*test\/fixtures\/no-such-fixture\.json/);
});
