/**
 * Several clusters (issue 19, the synth side): cluster props and their problems, the per-cluster passes,
 * the output's layout below clusters/<name>/, the checks per cluster, `synth --platform FILE`. The tenant
 * side (lib/tenant/tenant-folders.ts by cluster) is tested in test/tenant/multi-cluster.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { ConfigError, Problem } from '../../lib/core/problems';
import { resolvePlatform } from '../../lib/platform/platform';
import { PlatformProps } from '../../lib/platform/platform-props';
import { checkTenantClusters, renderOutput, tenantsOfCluster } from '../../lib/synth';
import { MARKER_FILE, tenantDigest } from '../../lib/output/marker';
import { runSynth, withPlatformOption } from '../../lib/cli';
import { loadSchemas, treeFromFiles } from '../../lib/tools/validate/main';
import { validateTree } from '../../lib/tools/validate/validate-output';
import { CRDS_DIR } from '../support/fake-tenants';
import { clusterFolderRules, componentsForRoles, platformFolderRules } from '../../lib/components/derived';
import { COMPONENTS } from '../../lib/components/index';
import { platform as twoClusters } from '../../examples/two-clusters';
import { platform as singleCluster } from '../../main';
import type { ResolvedTenant } from '../../lib/tenant/tenants';


const ROOT = join(__dirname, '..', '..');
const TENANTS = join(ROOT, 'tenants');

const problemsOf = (f: () => unknown): Problem[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a ConfigError');
};

const objectsOf = (files: ReadonlyMap<string, string>, prefix: string) =>
  [...files]
    .filter(([p]) => p.startsWith(prefix) && p.endsWith('.yaml') && !p.endsWith('kustomization.yaml'))
    .flatMap(([p, text]) => YAML.parseAllDocuments(text).map((d) => ({ file: p.slice(prefix.length), object: d.toJSON() as any })))
    .filter((o) => o.object);

/** The files of one cluster, paths relative to its folder. */
const clusterTree = (files: ReadonlyMap<string, string>, name: string) =>
  new Map([...files].filter(([p]) => p.startsWith(`clusters/${name}/`)).map(([p, t]) => [p.slice(`clusters/${name}/`.length), t]));

describe('cluster props', () => {
  test('without clusters: one implicit cluster with both roles and no per-cluster platforms', () => {
    const p = resolvePlatform(singleCluster);
    expect(p.clusters).toEqual([{ name: 'default', role: 'both', controlPlane: true, worker: true, index: -1, folder: '' }]);
    expect(p.defaultWorkerCluster).toBe('default');
    expect(p.clusterPlatforms).toEqual([]);
  });

  test("each cluster gets its own network, MIG nodes and GitOps path over the platform's", () => {
    const p = resolvePlatform(twoClusters);
    expect(p.clusters.map((c) => [c.name, c.role, c.folder])).toEqual([
      ['hq', 'control-plane', 'clusters/hq'],
      ['gpu-east', 'worker', 'clusters/gpu-east'],
    ]);
    expect(p.defaultWorkerCluster).toBe('gpu-east');
    const [hq, east] = p.clusterPlatforms;
    expect(hq.platform.gitopsSettings.path).toBe('./fleet/clusters/hq');
    expect(east.platform.gitopsSettings.path).toBe('./fleet/clusters/gpu-east');
    expect(east.platform.network.kubernetesApiCidrs).toEqual(['10.20.0.1/32']);
    expect(hq.platform.network.clusterCidrs).toEqual(['10.10.0.0/16', '10.96.0.0/12']);
    expect(east.platform.migSetup.nodes.map((n) => n.name)).toEqual(['gpu-node-a100-1']);
    expect(east.cluster.apiServer).toEqual({ url: 'https://gpu-east.k8s.example.com:6443', cidrs: ['203.0.113.20/32'], tokenSecret: 'gpu-east-bootstrap-token', caSecret: 'gpu-east-ca' });
    expect(east.platform.cluster?.name).toBe('gpu-east');
  });

  test('every problem of the cluster props at once, each naming its field', () => {
    const bad: PlatformProps = {
      ...twoClusters,
      defaultWorkerCluster: 'nowhere',
      clusters: [
        { name: 'hq', role: 'control-plane', apiServer: { url: 'https://hq:6443' } },
        { name: 'hq', role: 'both' },
        { name: 'Bad_Name', role: 'worker' },
        { name: 'w2', role: 'gpu' as never },
        { name: 'w3', role: 'worker', apiServer: { url: 'http://w3:6443', caSecret: 'same', tokenSecret: 'same' }, network: { clusterCidrs: ['10.0.0.0/33'] } },
      ],
    };
    const problems = problemsOf(() => resolvePlatform(bad, 'examples/bad.ts (platform props)'));
    const at = (path: string) => problems.filter((p) => p.path === path);
    expect(problems.every((p) => p.file === 'examples/bad.ts (platform props)')).toBe(true);
    expect(at('clusters[0].apiServer')[0].message).toMatch(/only for a "worker"/);
    expect(at('clusters[1].name')[0].message).toMatch(/also the name of clusters\[0\]/);
    expect(at('clusters[2].name')).toHaveLength(1);
    expect(at('clusters[2].apiServer')[0].message).toMatch(/is required for a worker/);
    expect(at('clusters[3].role')[0].message).toMatch(/"control-plane", "worker", "both"/);
    expect(at('clusters[4].apiServer.url')).toHaveLength(1);
    expect(at('clusters[4].apiServer.tokenSecret')[0].message).toMatch(/must differ/);
    expect(at('clusters[4].network.clusterCidrs[0]')[0].value).toBe('10.0.0.0/33');
    expect(at('defaultWorkerCluster')[0].message).toMatch(/must name a cluster with role "worker" or "both"/);
  });

  test('exactly one control plane, at least one worker, a default worker among several', () => {
    const none = problemsOf(() => resolvePlatform({ ...twoClusters, clusters: [{ name: 'a', role: 'worker', apiServer: { url: 'https://a:6443', cidrs: ['203.0.113.1/32'] } }] }));
    expect(none.map((p) => p.message).join('\n')).toMatch(/exactly one cluster with role "control-plane" or "both" \(it has 0: none\)/);
    const two = problemsOf(() => resolvePlatform({ ...twoClusters, clusters: [{ name: 'a', role: 'both' }, { name: 'b', role: 'control-plane' }] }));
    expect(two.map((p) => p.message).join('\n')).toMatch(/it has 2: a, b/);
    const noWorker = problemsOf(() => resolvePlatform({ ...twoClusters, clusters: [{ name: 'a', role: 'control-plane' }] }));
    expect(noWorker.map((p) => p.message).join('\n')).toMatch(/at least one cluster with role "worker" or "both"/);
    const many = problemsOf(() =>
      resolvePlatform({ ...twoClusters, clusters: [{ name: 'a', role: 'both' }, { name: 'b', role: 'worker', apiServer: { url: 'https://b:6443', cidrs: ['203.0.113.2/32'] } }] }),
    );
    expect(many.map((p) => `${p.path}: ${p.message}`)).toEqual([expect.stringMatching(/^defaultWorkerCluster: is required with several worker clusters \(a, b\)/)]);
    const lonely = problemsOf(() => resolvePlatform({ ...singleCluster, defaultWorkerCluster: 'x' }));
    expect(lonely.map((p) => p.path)).toEqual(['defaultWorkerCluster']);
  });
});

describe('components by cluster role', () => {
  const names = (roles: { controlPlane: boolean; worker: boolean }) => componentsForRoles(roles).map((c) => `${c.name}@${c.folder}`);

  test('the control plane: server, shared Redis, billing, bootstrap program, apps upload; a worker: the GPU layer, MIG setup and the Redis in its own folder', () => {
    expect(names({ controlPlane: true, worker: false })).toEqual(['shared-redis@server', 'clearml-server@server', 'billing@server', 'bootstrap-program@server', 'apps-upload@server-apps']);
    expect(names({ controlPlane: false, worker: true })).toEqual(['gpu-operator@gpu', 'dynamic-mig-operator@gpu', 'mig-node-setup@mig-setup', 'shared-redis@redis']);
    expect(componentsForRoles({ controlPlane: true, worker: true })).toEqual([...COMPONENTS]);
  });

  test("folder rules: the control plane's server waits for the chart sources through the missing gpu folder; a worker's server stands for its redis and worker-access folders", () => {
    const cp = clusterFolderRules({ controlPlane: true, worker: false });
    expect(cp.get('server')).toEqual(['gpu']);
    expect(cp.get('gpu')).toEqual(['sources']);
    const worker = clusterFolderRules({ controlPlane: false, worker: true });
    expect(worker.get('server')).toEqual(['redis', 'worker-access']);
    expect(worker.get('worker-access')).toEqual([]);
    expect(worker.get('redis')).toEqual(['gpu']);
    expect(clusterFolderRules({ controlPlane: true, worker: true })).toEqual(platformFolderRules());
  });
});

describe('tenants of a cluster', () => {
  const p = resolvePlatform({ ...twoClusters, clusters: [{ name: 'cp', role: 'both' }, { name: 'w', role: 'worker', apiServer: { url: 'https://w:6443', cidrs: ['203.0.113.30/32'] } }], defaultWorkerCluster: 'w' });
  const tenant = (name: string, clusters?: string[]) => ({ name, namespace: name, ...(clusters ? { clusters } : {}) }) as unknown as ResolvedTenant;
  const tenants = [tenant('a'), tenant('b', ['cp']), tenant('c', ['cp', 'w'])];
  const roles = (name: string) => tenantsOfCluster(tenants, p, p.clusters.find((c) => c.name === name)!).map((t) => `${t.tenant.name}:${t.cluster.role}`);

  test('a cluster with both roles: the whole tenant for its own tenants, the control-plane parts of the others', () => {
    expect(roles('cp')).toEqual(['a:control-plane', 'b:both', 'c:both']);
  });

  test("a worker: its own tenants only (the default worker's include those without clusters)", () => {
    expect(roles('w')).toEqual(['a:worker', 'c:worker']);
    expect(tenantsOfCluster(tenants, p, p.clusters[1])[0].cluster.apiServer?.url).toBe('https://w:6443');
  });
});

describe('synth of the two-cluster example', () => {
  const files = renderOutput({ platform: twoClusters, tenantsDir: TENANTS });
  const hq = clusterTree(files, 'hq');
  const east = clusterTree(files, 'gpu-east');
  const tenantNamespaces = ['acme', 'globex', 'initech-ml'];

  test('each cluster has its own tree below clusters/<name>/ and the marker at the top lists every file', () => {
    const top = [...files.keys()].filter((p) => !p.startsWith('clusters/'));
    expect(top).toEqual([MARKER_FILE]);
    for (const tree of [hq, east]) {
      for (const name of ['apply-order.txt', 'external-objects.json', 'SECRETS.md', 'secrets-inventory.json', 'platform-facts.json', 'ISOLATION.md', 'ARCHITECTURE.md', 'flux/kustomization.yaml']) expect(tree.has(name)).toBe(true);
    }
    const marker = JSON.parse(files.get(MARKER_FILE)!);
    expect(marker.files).toEqual([...files.keys()].filter((p) => p !== MARKER_FILE).sort());
    expect(marker.tenants.map((t: any) => t.name)).toEqual(['acme', 'globex', 'initech']);
    // A tenant's digest covers its files in every cluster.
    const acme = marker.tenants.find((t: any) => t.name === 'acme').digest;
    expect(acme).toBe(tenantDigest(files, 'acme'));
    expect(acme).not.toBe(tenantDigest(new Map([...files].filter(([p]) => !p.startsWith('clusters/gpu-east/'))), 'acme'));
    expect(acme).not.toBe(tenantDigest(new Map(), 'acme'));
  });

  test('the control plane runs the server, billing, apps upload and the bootstrap program; the worker the GPU layer, MIG setup and the shared Redis', () => {
    expect(hq.get('apply-order.txt')!.split('\n').filter((l) => l && !l.startsWith('tenants/'))).toEqual(['sources', 'server', 'server-apps']);
    expect(east.get('apply-order.txt')!.split('\n').filter((l) => l && !l.startsWith('tenants/'))).toEqual(['sources', 'worker-access', 'gpu', 'mig-setup', 'redis']);
    const sources = (tree: Map<string, string>) => objectsOf(tree, '').filter((o) => o.file.startsWith('sources/')).map((o) => `${o.object.kind}/${o.object.metadata.name}`);
    // Each cluster's chart sources are those of its own charts (the worker: no billing registry and its Secret).
    expect(sources(hq)).toEqual(['HelmRepository/clearml-enterprise', 'OCIRepository/bitnami-redis', 'OCIRepository/platform-charts-clearml-billing']);
    expect(sources(east)).toEqual(['HelmRepository/clearml-enterprise', 'HelmRepository/nvidia', 'OCIRepository/bitnami-redis']);
    expect(JSON.parse(east.get('secrets-inventory.json')!).secrets.some((s: any) => s.name === 'platform-charts-registry')).toBe(false);
    expect([...hq.keys()].filter((p) => p.startsWith('server/'))).toEqual(expect.arrayContaining(['server/clearml-server.yaml', 'server/billing.yaml', 'server/bootstrap-program.yaml', 'server/shared-redis.yaml']));
  });

  test('no server object lands in the worker cluster', () => {
    const serverNamespaces = new Set(['clearml', 'clearml-billing']);
    const objects = objectsOf(east, '');
    expect(objects.filter((o) => serverNamespaces.has(o.object.metadata?.namespace) || (o.object.kind === 'Namespace' && serverNamespaces.has(o.object.metadata?.name)))).toEqual([]);
    expect([...east.keys()].some((p) => p.startsWith('server'))).toBe(false);
  });

  test('no tenant object lands in the control plane but its bootstrap Job, ledger and admin-credentials namespace', () => {
    const objects = objectsOf(hq, '').filter((o) => o.file.startsWith('tenants/'));
    expect(objects.filter((o) => o.object.kind === 'Job').map((o) => o.file)).toEqual(['tenants/acme/bootstrap/bootstrap.yaml', 'tenants/globex/bootstrap/bootstrap.yaml', 'tenants/initech/bootstrap/bootstrap.yaml']);
    // Contract section 7: the admin credentials stay in the Job's cluster, in the plan's namespace. So the tenant's
    // namespace exists in the control plane for that Secret only: no workload, only the Job's rights there.
    const inTenantNamespaces = objects.filter((o) => tenantNamespaces.includes(o.object.metadata?.namespace) || (o.object.kind === 'Namespace' && tenantNamespaces.includes(o.object.metadata?.name)));
    expect([...new Set(inTenantNamespaces.map((o) => o.object.kind))].sort()).toEqual(['Namespace', 'NetworkPolicy', 'ResourceQuota', 'Role', 'RoleBinding'].filter((k) => inTenantNamespaces.some((o) => o.object.kind === k)));
    // No pod may run there: zero pods by quota, and nothing allowed but the default denies.
    for (const ns of ['acme', 'globex', 'initech-ml']) {
      const here = inTenantNamespaces.filter((o) => o.object.metadata?.namespace === ns);
      expect(here.filter((o) => o.object.kind === 'ResourceQuota').map((o) => o.object.spec.hard)).toEqual([{ pods: 0, services: 0, persistentvolumeclaims: 0 }]);
      expect(here.filter((o) => o.object.kind === 'NetworkPolicy').map((o) => o.object.metadata.name).sort()).toEqual(['default-deny-egress', 'default-deny-ingress']);
    }
    for (const o of inTenantNamespaces.filter((x) => x.object.kind === 'Namespace')) expect(o.object.metadata.labels['clearml-tenancy/admin-credentials-of']).toBe(o.object.metadata.labels['clearml-tenancy/tenant']);
    for (const o of inTenantNamespaces.filter((x) => x.object.kind === 'RoleBinding')) expect(o.object.subjects).toEqual([expect.objectContaining({ kind: 'ServiceAccount', namespace: 'clearml' })]);
    expect(objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Pod', 'HelmRelease'].includes(o.object.kind))).toEqual([]);
    expect(objects.filter((o) => !inTenantNamespaces.includes(o)).every((o) => o.object.metadata?.namespace === 'clearml')).toBe(true);
  });

  test("the worker's tenant folders wait for its own folders only (the redis and worker-access folders, not a server folder)", () => {
    const root = YAML.parseAllDocuments(east.get('flux/kustomizations.yaml')!).map((d) => d.toJSON());
    const names = new Set(root.map((k: any) => k.metadata.name));
    for (const k of root) for (const d of k.spec.dependsOn ?? []) expect(names.has(d.name)).toBe(true);
    const order = east.get('apply-order.txt')!.split('\n');
    expect(order.indexOf('tenants/acme/bootstrap')).toBe(-1);
    expect(order.indexOf('redis')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('redis')).toBeLessThan(order.indexOf('tenants/acme/namespace'));
    const all = [...east.keys()].filter((f) => f.startsWith('flux/') && f.endsWith('.yaml')).flatMap((f) => YAML.parseAllDocuments(east.get(f)!).map((d) => d.toJSON()));
    expect(all.find((k: any) => k?.spec?.path?.endsWith('/tenants/acme/namespace'))?.spec.dependsOn.map((d: any) => d.name)).toEqual(['redis', 'worker-access']);
    expect(order.indexOf('worker-access')).toBeLessThan(order.indexOf('tenants/acme/namespace'));
    for (const k of root) expect(k.spec.path.startsWith('./fleet/clusters/gpu-east/')).toBe(true);
  });

  test("the control plane's inventory lists each tenant's token in the worker and the worker's CA", () => {
    const inventory = JSON.parse(hq.get('secrets-inventory.json')!).secrets;
    const found = inventory.filter((s: any) => s.name.startsWith('gpu-east-'));
    expect(found.map((s: any) => [s.namespace, s.name, s.keys])).toEqual([
      ['clearml', 'gpu-east-bootstrap-token-acme', ['token']],
      ['clearml', 'gpu-east-bootstrap-token-globex', ['token']],
      ['clearml', 'gpu-east-bootstrap-token-initech', ['token']],
      ['clearml', 'gpu-east-ca', ['ca.crt']],
    ]);
    expect(JSON.parse(east.get('secrets-inventory.json')!).secrets.some((s: any) => s.name.startsWith('gpu-east-'))).toBe(false);
  });

  test('every folder with manifests has a kustomization.yaml listing its files, and what it lists exists', () => {
    const folders = new Set([...files.keys()].filter((p) => p.endsWith('.yaml')).map((p) => p.slice(0, p.lastIndexOf('/'))));
    for (const folder of folders) {
      const listed: string[] = YAML.parse(files.get(`${folder}/kustomization.yaml`)!).resources;
      const own = [...files.keys()].filter((p) => p.startsWith(`${folder}/`) && !p.slice(folder.length + 1).includes('/') && p.endsWith('.yaml') && !p.endsWith('/kustomization.yaml'));
      expect(listed).toEqual(expect.arrayContaining(own.map((p) => p.slice(folder.length + 1))));
      for (const entry of listed) expect([entry, files.has(`${folder}/${entry}`) || folders.has(`${folder}/${entry}`)]).toEqual([entry, true]);
    }
  });

  test('strict validation passes per cluster', () => {
    const schemas = loadSchemas(CRDS_DIR);
    expect(validateTree(treeFromFiles(hq, 'clusters/hq'), schemas)).toEqual([]);
    expect(validateTree(treeFromFiles(east, 'clusters/gpu-east'), schemas)).toEqual([]);
  });
});

describe('checks per cluster', () => {
  test("a tenant's session ports must lie inside its own cluster's NodePort range", () => {
    const narrow: PlatformProps = {
      ...twoClusters,
      clusters: twoClusters.clusters!.map((c) => (c.name === 'gpu-east' ? { ...c, network: { ...c.network, nodePortRange: { min: 31000, max: 32767 } } } : c)),
    };
    const tenants = [{ name: 'one', admin: { name: 'A', email: 'a@one.example' }, sessions: { startingPort: 30100, maxServices: 10 } } as never];
    // The platform's own range (the default 30000-32767) holds the ports; the worker's does not.
    expect(() => renderOutput({ platform: singleCluster, tenants })).not.toThrow();
    const problems = problemsOf(() => renderOutput({ platform: narrow, tenants }));
    expect(problems.map((p) => `${p.file}: ${p.path}: ${p.message}`)).toEqual([expect.stringMatching(/^\(code\) tenants\[0\]: sessions\.startingPort: .*31000-32767.*\(in cluster gpu-east\)$/)]);
  });

  test("a tenant's clusters must be worker clusters of the platform, each problem naming the tenant file and field", () => {
    const p = resolvePlatform(twoClusters);
    const tenant = (file: string, clusters: string[]) => ({ file, name: file, namespace: file, clusters }) as unknown as ResolvedTenant;
    const problems = problemsOf(() => checkTenantClusters([], [tenant('tenants/a.yaml', ['gpu-east', 'hq']), tenant('tenants/b.yaml', ['mars'])], p));
    expect(problems.map((x) => `${x.file}: ${x.path}: ${x.value}: ${x.message}`)).toEqual([
      'tenants/a.yaml: clusters[1]: hq: is the "control-plane" cluster; a tenant\'s clusters must be worker clusters: gpu-east',
      'tenants/b.yaml: clusters[0]: mars: is not a worker cluster of the platform; they are: gpu-east',
    ]);
  });
});

describe('synth --platform FILE', () => {
  test('loads the platform and tenants folder a module exports, problems named after the file', () => {
    const options = withPlatformOption({ platform: singleCluster }, 'examples/two-clusters.ts', ROOT);
    expect(options.platform).toBe(twoClusters);
    expect(options.tenantsDir).toBe('tenants');
    expect(options.platformFile).toBe('examples/two-clusters.ts (platform props)');
  });

  test('a missing file, or one without `platform`, is a problem on --platform naming the file', () => {
    const missing = problemsOf(() => withPlatformOption({ platform: singleCluster }, 'examples/nope.ts', ROOT));
    expect(missing).toEqual([expect.objectContaining({ path: '--platform', value: 'examples/nope.ts', message: expect.stringMatching(/is not a file/) })]);
    const none = problemsOf(() => withPlatformOption({ platform: singleCluster }, 'lib/core/names.ts', ROOT));
    expect(none).toEqual([expect.objectContaining({ path: '--platform', value: 'lib/core/names.ts', message: expect.stringMatching(/exports no `platform`/) })]);
    // a module the build does not compile (the built synth only loads built modules): the message says where to put it
    const outside = spawnSync(process.execPath, [join(ROOT, 'build', 'main.js'), '--platform', 'test/fixtures/platform.ts', '--out', join(tmpdir(), 'never-written')], { cwd: ROOT, encoding: 'utf8' });
    expect(outside.status).toBe(1);
    expect(outside.stderr).toMatch(/--platform: "test\/fixtures\/platform\.ts": has no build at build\/test\/fixtures\/platform\.js: .*; put the platform module under examples\/$/m);
  });

  test('npm run synth -- --platform examples/two-clusters.ts --out DIR writes each cluster below DIR/clusters/', () => {
    const dir = mkdtempSync(join(tmpdir(), 'two-clusters-'));
    const out = join(dir, 'out');
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(runSynth({ platform: singleCluster, tenantsDir: TENANTS }, ['--platform', join(ROOT, 'examples', 'two-clusters.ts'), '--out', out])).toBe(0);
      expect(write.mock.calls.map((c) => String(c[0])).join('')).toMatch(/tenants: 3 added/);
      for (const path of [MARKER_FILE, 'clusters/hq/flux/kustomizations.yaml', 'clusters/gpu-east/apply-order.txt', 'clusters/gpu-east/platform-facts.json']) expect([path, existsSync(join(out, path))]).toEqual([path, true]);
      expect(existsSync(join(out, 'server'))).toBe(false);
    } finally {
      write.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('no --platform: the options as they are', () => {
    const options = { platform: singleCluster };
    expect(withPlatformOption(options, undefined)).toBe(options);
  });
});

describe('one cluster (no clusters in the props)', () => {
  test('the output is the committed dist/, byte for byte', () => {
    const files = renderOutput({ platform: singleCluster, tenantsDir: TENANTS });
    for (const [path, content] of files) expect([path, readFileSync(join(ROOT, 'dist', path), 'utf8')]).toEqual([path, content]);
  });

test('fails when a worker named by host has no apiServer.cidrs, or they open every address or a never-allowed range', () => {
  const bad = (apiServer: Record<string, unknown>) => {
    try {
      resolvePlatform({ ...twoClusters, clusters: [{ name: 'cp', role: 'control-plane' }, { name: 'w', role: 'worker', apiServer: apiServer as never }], defaultWorkerCluster: 'w' });
    } catch (e) {
      return (e as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
    }
    return [];
  };
  expect(bad({ url: 'https://w.example:6443' })).toEqual([expect.stringMatching(/^clusters\[1\]\.apiServer\.cidrs: is required: the url names the host "w\.example"/)]);
  expect(bad({ url: 'https://w.example:6443', cidrs: ['0.0.0.0/0'] })).toEqual([expect.stringMatching(/^clusters\[1\]\.apiServer\.cidrs\[0\]: must be a prefix of \/16 or longer .*: these are the API server's addresses/)]);
  expect(bad({ url: 'https://w.example:6443', cidrs: ['169.254.169.254/32'] })).toEqual([expect.stringMatching(/^clusters\[1\]\.apiServer\.cidrs\[0\]: /)]);
  expect(bad({ url: 'https://203.0.113.9:6443' })).toEqual([]);
});
});
