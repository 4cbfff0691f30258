import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { runSynth } from '../lib/cli';
import { GPU_MODELS } from '../lib/config/gpu-models';
import { ConfigError } from '../lib/core/problems';
import { TenantSpec } from '../lib/config/tenant-schema';
import { TENANT_LABEL } from '../lib/core/labels';
import { renderOutput } from '../lib/synth';
import { platform } from '../main';

const ROOT = join(__dirname, '..');
const FRACTIONS = [[1, 0.5, 0.25], [1], [0.5, 0.125], [], [1, 0.5, 0.25, 0.125]];

/** `n` valid tenants with varied optional fields. */
function generatedTenants(n: number): TenantSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `tenant-${String(i).padStart(3, '0')}`,
    ...(i % 3 === 0 ? { namespace: `tenant-${String(i).padStart(3, '0')}-ns` } : {}), // the name and "-<suffix>" (item 3's allowlist)
    admin: { name: `Admin ${i}`, email: `admin@t${i}.example` },
    ...(i % 2 === 0 ? { ssoDomains: [`t${i}.example`] } : {}),
    ...(i % 4 === 0 ? { features: ['experiments' as const], excludeFeatures: ['app_management' as const] } : {}),
    queues: { gpuModel: GPU_MODELS[i % GPU_MODELS.length], gpuFractions: FRACTIONS[i % FRACTIONS.length] },
    sessions: { startingPort: 30000 + i * 12, maxServices: 1 + (i % 12) },
    ...(i % 5 === 0 ? { router: { hostName: `tenant-${String(i).padStart(3, '0')}-${i}-apps.clearml.example.com` } } : {}),
  }));
}

function docs(text: string): any[] {
  return YAML.parseAllDocuments(text).map((d) => d.toJS());
}

describe('renderOutput with tenants', () => {
  test('200 generated tenants synthesize and keep every invariant', () => {
    // GIVEN
    const specs = generatedTenants(200);
    // WHEN
    const files = renderOutput({ platform, tenants: specs });
    // THEN every tenant has its two folders
    const tenantFiles = [...files.keys()].filter((f) => f.startsWith('tenants/'));
    // bootstrap: namespace, bootstrap Job, ExternalSecrets (main.ts turns ESO on), kustomization; workloads: agent, router, kustomization
    expect(tenantFiles).toHaveLength(200 * 7);
    const namespaces = new Map<string, string>();
    const hosts = new Set<string>();
    const ranges: Array<[number, number]> = [];
    for (const spec of specs) {
      const ns = spec.namespace ?? spec.name;
      for (const folder of ['bootstrap', 'workloads'] as const) {
        const base = `tenants/${spec.name}/${folder}`;
        const kustomization = docs(files.get(`${base}/kustomization.yaml`)!)[0];
        for (const resource of kustomization.resources) {
          // each tenant folder holds only its namespace's objects (the bootstrap Jobs may sit in the server namespace)
          for (const o of docs(files.get(`${base}/${resource}`)!)) {
            if (o.kind === 'Namespace') {
              expect(o.metadata.name).toBe(ns);
              expect(o.metadata.labels[TENANT_LABEL]).toBe(spec.name);
              expect(namespaces.has(ns)).toBe(false);
              namespaces.set(ns, spec.name);
            } else if (!(folder === 'bootstrap' && o.metadata.namespace === 'clearml')) {
              expect(`${base}: ${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`).toBe(`${base}: ${o.kind}/${o.metadata.name} in ${ns}`);
            }
          }
        }
      }
      const [agent] = docs(files.get(`tenants/${spec.name}/workloads/agent.yaml`)!);
      const [router] = docs(files.get(`tenants/${spec.name}/workloads/router.yaml`)!);
      expect(agent.spec.dependsOn).toEqual([{ name: 'clearml', namespace: 'clearml' }]);
      expect(router.spec.dependsOn).toEqual([{ name: 'clearml', namespace: 'clearml' }]);
      const { startingPort, maxServices } = agent.spec.values.sessions;
      ranges.push([startingPort, startingPort + maxServices]);
      expect(agent.spec.values.sessions.agentID).toBe(ns);
      expect(Object.keys(agent.spec.values.agentk8sglue.queues)).toHaveLength(1 + (spec.queues?.gpuFractions?.length ?? 0));
      const host = router.spec.values.ingress.hostName;
      expect(host.endsWith('.clearml.example.com')).toBe(true);
      expect(hosts.has(host)).toBe(false);
      hosts.add(host);
    }
    expect(namespaces.size).toBe(200);
    // port ranges do not overlap and stay in the NodePort range
    ranges.sort((a, b) => a[0] - b[0]);
    ranges.forEach(([start, end], i) => {
      expect(start).toBeGreaterThanOrEqual(30000);
      expect(end - 1).toBeLessThanOrEqual(32767);
      if (i > 0) expect(start).toBeGreaterThanOrEqual(ranges[i - 1][1]);
    });
    // each tenant's bootstrap Secrets are in the inventory
    const inventory = JSON.parse(files.get('secrets-inventory.json')!).secrets;
    expect(inventory.filter((s: any) => s.providedBy === 'bootstrap')).toHaveLength(200 * 4); // ledger, admin, agent and router credentials
  });

  test('fails when any of 200 tenants collide, with every problem', () => {
    // GIVEN 200 tenants where two share a port range (both are told) and one takes another's host (refused as not its own; the owner is not blamed)
    const specs = generatedTenants(200);
    specs[150] = { ...specs[150], sessions: { startingPort: 30000 } };
    specs[199] = { ...specs[199], router: { hostName: 'tenant-000-0-apps.clearml.example.com' } };
    // WHEN / THEN
    let error: ConfigError | undefined;
    try {
      renderOutput({ platform, tenants: specs });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => `${p.file}: ${p.path}`)).toEqual(['(code) tenants[0]: sessions.startingPort', '(code) tenants[150]: sessions.startingPort', '(code) tenants[199]: router.hostName']);
  });

  test('dist/tenants is what the example tenants synthesize (run `npm run synth` when this fails)', () => {
    const files = renderOutput({ platform, tenantsDir: join(ROOT, 'tenants') });
    const expected = [...files].filter(([f]) => f.startsWith('tenants/'));
    const committed = expected.map(([f]) => [f, readFileSync(join(ROOT, 'dist', f), 'utf8')]);
    expect(committed).toEqual(expected);
    const names = readdirSync(join(ROOT, 'tenants')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
    expect(readdirSync(join(ROOT, 'dist', 'tenants')).sort()).toEqual(names.sort());
  });
});

describe('runSynth with bad tenant files', () => {
  test('fails when a tenant file is bad: exit code 1, every problem printed, output untouched', () => {
    // GIVEN an output folder with a previous synth and a tenant folder with two bad files
    const work = mkdtempSync(join(tmpdir(), 'synth-'));
    const out = join(work, 'dist');
    const tenants = join(work, 'tenants');
    mkdirSync(out);
    mkdirSync(tenants);
    writeFileSync(join(out, 'previous.yaml'), 'kept: true\n');
    writeFileSync(join(tenants, 'acme.yaml'), 'name: acme\nadmin: { name: A, email: a@acme.com }\nsessions: { startingPort: 31010 }\nqueues: { maxPods: 0 }\n');
    writeFileSync(join(tenants, 'beta.yaml'), 'name: beta\nadmin: { name: B, email: b@beta.com }\nsessions: { startingPort: 31015 }\n');
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      // WHEN
      const code = runSynth({ platform, tenantsDir: tenants }, ['--out', out]);
      // THEN
      expect(code).toBe(1);
      const printed = stderr.mock.calls.map((c) => String(c[0])).join('');
      expect(printed).toContain(`${join(tenants, 'acme.yaml')}: queues.maxPods: 0: must be at least 1`);
      expect(printed).toContain(`${join(tenants, 'beta.yaml')}: sessions.startingPort: 31015: makes the session ports 31016-31025`);
      expect(readdirSync(out)).toEqual(['previous.yaml']);
      expect(readFileSync(join(out, 'previous.yaml'), 'utf8')).toBe('kept: true\n');
    } finally {
      stderr.mockRestore();
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('fails with the platform problems and the tenant schema problems together', () => {
    let error: ConfigError | undefined;
    try {
      renderOutput({ platform: { ...platform, baseDomain: 'not a domain' }, tenants: [{ name: 'acme' } as TenantSpec] });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error!.problems.map((p) => `${p.file}: ${p.path}`)).toEqual(
      expect.arrayContaining(['main.ts (platform props): baseDomain', '(code) tenants[0]: admin', '(code) tenants[0]: sessions']),
    );
  });
});
