/**
 * Tenants on a platform of several clusters, end to end through the synth (README "Several clusters"): a
 * tenant's `clusters`, NodePorts per cluster, External Secrets per cluster, and a worker cluster leaving the
 * platform (issue 19).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { PlatformProps } from '../../lib/platform/platform-props';
import { renderOutput } from '../../lib/synth';
import { platform as twoClusters } from '../../examples/two-clusters';
import { configProblems } from '../helpers';

const FILE = 'examples/three-clusters.ts (platform props)';
/** The two-cluster example and a second worker, gpu-west; tenants without clusters run in gpu-east. */
const WEST = { name: 'gpu-west', role: 'worker' as const, network: { clusterCidrs: ['10.30.0.0/16', '10.128.0.0/12'] }, apiServer: { url: 'https://203.0.113.30:6443' } };
const THREE: PlatformProps = { ...twoClusters, clusters: [...twoClusters.clusters!, WEST], defaultWorkerCluster: 'gpu-east' };
/** The same with the app gateway (stream sessions). */
const GATEWAY = (p: PlatformProps): PlatformProps => ({ ...p, tenantReleases: { ...p.tenantReleases, routerKind: 'app-gateway' } });

const tenantText = (name: string, startingPort: number, extra = '') => `name: ${name}\nadmin: { name: ${name} admin, email: admin@${name}.example }\nsessions: { startingPort: ${startingPort}, maxServices: 10 }\n${extra}`;

/** A tenants folder with these files (name -> text), removed after the test. */
function withTenants<T>(files: Record<string, string>, run: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'c19-tenants-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const render = (platform: PlatformProps, files: Record<string, string>) => withTenants(files, (dir) => renderOutput({ platform, platformFile: FILE, tenantsDir: dir }));
const problems = (platform: PlatformProps, files: Record<string, string>) =>
  withTenants(files, (dir) => configProblems(() => renderOutput({ platform, platformFile: FILE, tenantsDir: dir })).map((p) => ({ ...p, file: p.file && p.file.startsWith(dir) ? `tenants${p.file.slice(dir.length)}` : p.file })));

const objects = (files: ReadonlyMap<string, string>, prefix: string) =>
  [...files]
    .filter(([p]) => p.startsWith(prefix) && p.endsWith('.yaml') && !p.endsWith('kustomization.yaml'))
    .flatMap(([p, text]) => YAML.parseAllDocuments(text).map((d) => ({ file: p.slice(prefix.length), object: d.toJSON() as any })))
    .filter((o) => o.object);
const planOf = (files: ReadonlyMap<string, string>, tenant: string) =>
  JSON.parse(objects(files, `clusters/hq/tenants/${tenant}/bootstrap/`).find((o) => o.object.kind === 'ConfigMap' && o.object.data?.['plan.json'])!.object.data['plan.json']);

describe("a tenant file's clusters", () => {
  test('one worker named: the namespace and workloads there only, the bootstrap Job and ledger in the control plane with that worker its only target', () => {
    const files = render(THREE, { 'acme.yaml': tenantText('acme', 31010, 'clusters: [gpu-west]\n') });
    const folders = (cluster: string) => [...new Set([...files.keys()].filter((p) => p.startsWith(`clusters/${cluster}/tenants/acme/`)).map((p) => p.split('/').slice(2, 5).join('/')))].sort();
    expect(folders('gpu-west')).toEqual(['tenants/acme/namespace', 'tenants/acme/workloads']);
    expect(folders('gpu-east')).toEqual([]);
    expect(folders('hq')).toEqual(['tenants/acme/bootstrap']);
    const west = objects(files, 'clusters/gpu-west/tenants/acme/');
    expect(west.find((o) => o.object.kind === 'Namespace')?.object.metadata.name).toBe('acme');
    expect(west.filter((o) => o.object.kind === 'HelmRelease').map((o) => o.object.metadata.name).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/agent/)]));
    expect(west.filter((o) => o.object.kind === 'Job')).toEqual([]);
    const hq = objects(files, 'clusters/hq/tenants/acme/');
    expect(hq.filter((o) => o.object.kind === 'Job')).toHaveLength(1);
    expect(hq.filter((o) => o.object.kind === 'HelmRelease')).toEqual([]);
    expect(planOf(files, 'acme').targets).toEqual([{ cluster: 'gpu-west', namespace: 'acme', kubernetes: { url: 'https://203.0.113.30:6443', tokenFile: '/var/run/targets/gpu-west/token', caFile: '/var/run/targets/gpu-west/ca.crt' } }]);
  });

  test('the control plane named: refused, naming the file, the field and the clusters allowed', () => {
    expect(problems(THREE, { 'acme.yaml': tenantText('acme', 31010, 'clusters: [hq]\n') }).map((p) => `${p.file}: ${p.path}: ${p.value}: ${p.message}`)).toEqual([
      'tenants/acme.yaml: clusters[0]: hq: is the control plane (role control-plane), which runs no tenant namespace or workloads; allowed: gpu-east, gpu-west',
    ]);
  });
});

describe('NodePorts are per cluster', () => {
  // beta's session ports 31011-31020 clash with alpha's session ports, gamma's stream ports with alpha's stream ports.
  const ALPHA = tenantText('alpha', 31010, 'router: { streamSession: { portRange: { start: 31500, end: 31509 } } }\n');
  const BETA = (clusters: string) => tenantText('beta', 31010, `clusters: [${clusters}]\n`);
  const GAMMA = (clusters: string) => tenantText('gamma', 31100, `clusters: [${clusters}]\nrouter: { streamSession: { portRange: { start: 31505, end: 31510 } } }\n`);

  test('the same session and stream ports in different clusters: accepted, each cluster with its own tenants', () => {
    const files = render(GATEWAY(THREE), { 'alpha.yaml': ALPHA, 'beta.yaml': BETA('gpu-west'), 'gamma.yaml': GAMMA('gpu-west') });
    expect([...files.keys()].some((p) => p.startsWith('clusters/gpu-east/tenants/alpha/'))).toBe(true);
    expect([...files.keys()].some((p) => p.startsWith('clusters/gpu-west/tenants/beta/'))).toBe(true);
    expect([...files.keys()].some((p) => p.startsWith('clusters/gpu-west/tenants/gamma/'))).toBe(true);
  });

  test('in the same cluster: refused, each clash once, on the later file, all at once', () => {
    const found = problems(GATEWAY(THREE), { 'alpha.yaml': ALPHA, 'beta.yaml': BETA('gpu-east'), 'gamma.yaml': GAMMA('gpu-west, gpu-east') });
    expect(found.map((p) => `${p.file}: ${p.path}`)).toEqual(['tenants/beta.yaml: sessions.startingPort', 'tenants/gamma.yaml: router.streamSession.portRange']);
    expect(found[0].message).toMatch(/overlap the ports 31011-31020 of .*alpha\.yaml/);
    expect(found[1].message).toMatch(/overlap the stream ports 31500-31509 of .*alpha\.yaml/);
  });

  test('on a platform of one cluster every tenant shares it, with clusters: [default] or without', () => {
    const found = problems(GATEWAY({ ...twoClusters, clusters: undefined }), { 'alpha.yaml': ALPHA, 'beta.yaml': BETA('default') });
    expect(found.map((p) => `${p.file}: ${p.path}`)).toEqual(['tenants/beta.yaml: sessions.startingPort']);
  });
});
