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
import { renderOutput, synthesize } from '../../lib/synth';
import { platform as twoClusters } from '../../examples/two-clusters';
import { configProblems, readTree } from '../helpers';

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

  test('in the same cluster: refused, each clash on both files (each naming the other), all at once', () => {
    const found = problems(GATEWAY(THREE), { 'alpha.yaml': ALPHA, 'beta.yaml': BETA('gpu-east'), 'gamma.yaml': GAMMA('gpu-west, gpu-east') });
    expect(found.map((p) => `${p.file}: ${p.path}`)).toEqual([
      'tenants/alpha.yaml: sessions.startingPort',
      'tenants/alpha.yaml: router.streamSession.portRange',
      'tenants/beta.yaml: sessions.startingPort',
      'tenants/gamma.yaml: router.streamSession.portRange',
    ]);
    expect(found[0].message).toMatch(/overlap the ports 31011-31020 of .*beta\.yaml/);
    expect(found[1].message).toMatch(/overlap the stream ports 31505-31510 of .*gamma\.yaml/);
    expect(found[2].message).toMatch(/overlap the ports 31011-31020 of .*alpha\.yaml/);
    expect(found[3].message).toMatch(/overlap the stream ports 31500-31509 of .*alpha\.yaml/);
  });

  test('on a platform of one cluster every tenant shares it, with clusters: [default] or without', () => {
    const found = problems(GATEWAY({ ...twoClusters, clusters: undefined }), { 'alpha.yaml': ALPHA, 'beta.yaml': BETA('default') });
    expect(found.map((p) => `${p.file}: ${p.path}`)).toEqual(['tenants/alpha.yaml: sessions.startingPort', 'tenants/beta.yaml: sessions.startingPort']);
  });
});

describe('secrets from External Secrets with several clusters', () => {
  const ESO = (p: PlatformProps): PlatformProps => ({ ...p, secrets: { provider: 'external-secrets', store: { kind: 'ClusterSecretStore', name: 'vault' } } });
  const files = render(ESO(THREE), {
    'acme.yaml': tenantText('acme', 31010, 'clusters: [gpu-east, gpu-west]\n'),
    'globex.yaml': tenantText('globex', 31020),
    'initech.yaml': tenantText('initech', 31030, 'clusters: [gpu-west]\n'),
  });
  const externalSecrets = (cluster: string) => objects(files, `clusters/${cluster}/`).filter((o) => o.object.kind === 'ExternalSecret').map((o) => `${o.object.metadata.namespace}/${o.object.spec.target.name}`).sort();
  const fromStore = (cluster: string): string[] =>
    JSON.parse(files.get(`clusters/${cluster}/secrets-inventory.json`)!).secrets.filter((s: any) => s.provision.by === 'external-secrets').map((s: any) => `${s.namespace}/${s.name}`).sort();

  test("each cluster's ExternalSecrets are exactly its inventory's Secrets from the store, in namespaces of that cluster", () => {
    for (const cluster of ['hq', 'gpu-east', 'gpu-west']) {
      expect([cluster, externalSecrets(cluster)]).toEqual([cluster, fromStore(cluster)]);
      expect(externalSecrets(cluster).length).toBeGreaterThan(0);
      const namespaces = new Set(objects(files, `clusters/${cluster}/`).filter((o) => o.object.kind === 'Namespace').map((o) => o.object.metadata.name));
      // flux-system is Flux's own (external-objects.json); every other namespace is the cluster's.
      for (const s of externalSecrets(cluster)) expect([cluster, s, namespaces.has(s.split('/')[0]) || s.startsWith('flux-system/')]).toEqual([cluster, s, true]);
    }
  });

  test("the workers' token and CA Secrets are the control plane's, one token per tenant of each worker; no worker has them, nor the server's", () => {
    expect(externalSecrets('hq').filter((s) => /gpu-(east|west)-/.test(s))).toEqual([
      'clearml/gpu-east-bootstrap-token-acme',
      'clearml/gpu-east-bootstrap-token-globex',
      'clearml/gpu-east-ca',
      'clearml/clearml-cluster-gpu-west-ca',
      'clearml/clearml-cluster-gpu-west-token-acme',
      'clearml/clearml-cluster-gpu-west-token-initech',
    ].sort());
    for (const worker of ['gpu-east', 'gpu-west']) {
      expect(externalSecrets(worker).filter((s) => s.startsWith('clearml/') || /gpu-(east|west)/.test(s))).toEqual([]);
      expect(fromStore(worker).filter((s: string) => s.startsWith('clearml/'))).toEqual([]);
    }
    // a worker holds the tenants that run there, and no other
    const tenantNamespaces = (cluster: string) => [...new Set(externalSecrets(cluster).map((s) => s.split('/')[0]).filter((n) => ['acme', 'globex', 'initech'].includes(n)))];
    expect(tenantNamespaces('gpu-east')).toEqual(['acme', 'globex']);
    expect(tenantNamespaces('gpu-west')).toEqual(['acme', 'initech']);
    expect(tenantNamespaces('hq')).toEqual([]);
  });
});

describe('a worker cluster leaving the platform', () => {
  const TWO_WORKERS = THREE;
  const WITHOUT_WEST: PlatformProps = { ...THREE, clusters: THREE.clusters!.filter((c) => c.name !== 'gpu-west') };
  const before = {
    'acme.yaml': tenantText('acme', 31010, 'clusters: [gpu-east, gpu-west]\n'),
    'globex.yaml': tenantText('globex', 31020),
    'initech.yaml': tenantText('initech', 31030, 'clusters: [gpu-west]\n'),
  };
  const after = { ...before, 'acme.yaml': tenantText('acme', 31010, 'clusters: [gpu-east]\n'), 'initech.yaml': tenantText('initech', 31030) };

  test('while tenant files still name it: a problem on each of them naming the cluster, all at once, and the output is left as it was; then, named no more, its tree leaves the output', () => {
    const out = mkdtempSync(join(tmpdir(), 'c19-out-'));
    try {
      withTenants(before, (dir) => synthesize({ platform: TWO_WORKERS, platformFile: FILE, tenantsDir: dir }, out));
      const written = readTree(out);
      expect([...written.keys()].some((p) => p.startsWith('clusters/gpu-west/'))).toBe(true);
      const found = withTenants(before, (dir) =>
        configProblems(() => synthesize({ platform: WITHOUT_WEST, platformFile: FILE, tenantsDir: dir }, out)).map((p) => `${p.file?.startsWith(dir) ? `tenants${p.file.slice(dir.length)}` : p.file}: ${p.path}: ${p.value}: ${p.message}`),
      );
      expect(found).toEqual([
        'tenants/acme.yaml: clusters[1]: gpu-west: is not a cluster of the platform; allowed: gpu-east',
        'tenants/initech.yaml: clusters[0]: gpu-west: is not a cluster of the platform; allowed: gpu-east',
      ]);
      expect(readTree(out)).toEqual(written);
      // Once no tenant names it, taking its tenants off it is a removal there (lib/tenant/lifecycle-guard.ts):
      // refused, output untouched, until allowed for each of them.
      const refused = withTenants(after, (dir) => configProblems(() => synthesize({ platform: WITHOUT_WEST, platformFile: FILE, tenantsDir: dir }, out)));
      expect(refused.map((p) => p.message.slice(0, p.message.indexOf(' (')))).toEqual([
        'takes tenant acme off cluster gpu-west',
        'takes tenant initech off cluster gpu-west',
      ]);
      expect(readTree(out)).toEqual(written);
      // Then the same output folder loses the cluster's tree (the marker listed its files).
      withTenants(after, (dir) => synthesize({ platform: WITHOUT_WEST, platformFile: FILE, tenantsDir: dir, allowRemoval: ['acme', 'initech'] }, out));
      expect([...readTree(out).keys()].filter((p) => p.startsWith('clusters/gpu-west'))).toEqual([]);
      expect([...readTree(out).keys()].some((p) => p.startsWith('clusters/gpu-east/tenants/acme/'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test("once no tenant names it: the plans have no target there (the bootstrap revokes the keys it made for it), and the control plane neither mounts nor lists its Secrets", () => {
    const cpSecrets = (files: ReadonlyMap<string, string>) => JSON.parse(files.get('clusters/hq/secrets-inventory.json')!).secrets.map((s: any) => s.name as string).filter((n: string) => n.includes('gpu-west'));
    const mounts = (files: ReadonlyMap<string, string>, tenant: string) =>
      objects(files, `clusters/hq/tenants/${tenant}/bootstrap/`).find((o) => o.object.kind === 'Job')!.object.spec.template.spec.containers[0].volumeMounts.map((m: any) => m.mountPath).filter((p: string) => p.startsWith('/var/run/targets/'));
    const was = render(TWO_WORKERS, before);
    expect(planOf(was, 'acme').targets.map((t: any) => t.cluster)).toEqual(['gpu-east', 'gpu-west']);
    expect(planOf(was, 'initech').targets.map((t: any) => t.cluster)).toEqual(['gpu-west']);
    expect(cpSecrets(was).length).toBeGreaterThan(0);
    const now = render(WITHOUT_WEST, after);
    for (const tenant of ['acme', 'globex', 'initech']) {
      expect([tenant, planOf(now, tenant).targets]).toEqual([tenant, [{ cluster: 'gpu-east', namespace: tenant, kubernetes: expect.objectContaining({ url: 'https://gpu-east.k8s.example.com:6443' }) }]]);
      expect(mounts(now, tenant)).toEqual(['/var/run/targets/gpu-east']);
    }
    expect(cpSecrets(now)).toEqual([]);
    expect([...now.keys()].some((p) => p.startsWith('clusters/gpu-west/'))).toBe(false);
    expect(JSON.parse(now.get('.clearml-tenancy')!).files.some((p: string) => p.startsWith('clusters/gpu-west/'))).toBe(false);
  });
});
