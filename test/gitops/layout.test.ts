import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { tenantShard } from '../../lib/core/names';
import { renderOutput, synthesize } from '../../lib/synth';
import { basePlatform, fakeTenants } from '../support/fake-tenants';
import { FIXTURE_TENANTS_DIR } from '../support/fixtures';

const TENANTS = FIXTURE_TENANTS_DIR;

function objects(files: Map<string, string>, path: string): Record<string, any>[] {
  return YAML.parseAllDocuments(files.get(path) ?? '').map((d) => d.toJS());
}

describe('Flux layout', () => {
  // GIVEN the platform and two tenants
  const files = renderOutput({ platform: basePlatform(), extraFolders: fakeTenants(['acme', 'globex']) });
  const platform = objects(files, 'flux/kustomizations.yaml');
  const byName = new Map(platform.map((k) => [k.metadata.name, k]));

  test('platform Kustomizations are ordered sources -> gpu -> server -> server-apps', () => {
    expect(byName.get('sources')!.spec.dependsOn).toBeUndefined();
    expect(byName.get('gpu')).toHaveProperty('spec.dependsOn', [{ name: 'sources', namespace: 'flux-system' }]);
    expect(byName.get('server')).toHaveProperty('spec.dependsOn', [{ name: 'gpu', namespace: 'flux-system' }]);
    expect(byName.get('server-apps')).toHaveProperty('spec.dependsOn', [{ name: 'server', namespace: 'flux-system' }]);
    for (const k of platform) {
      expect(k.spec.prune).toBe(true);
      expect(k.spec.timeout).toMatch(/^\d+m$/);
    }
  });

  test('folders with Jobs are forced, paths are relative to the repository root', () => {
    expect(byName.get('server-apps')).toHaveProperty('spec.force', true);
    expect(byName.get('server')!.spec.force).toBeUndefined();
    expect(byName.get('server')).toHaveProperty('spec.path', './dist/server');
    expect(byName.get('server')).toHaveProperty('spec.wait', true);
  });

  test('each tenant has its Kustomizations in its shard, bootstrap after server, workloads after bootstrap', () => {
    const shard = tenantShard('acme');
    expect(byName.get(`tenants-${shard}`)).toHaveProperty('spec.path', `./dist/flux/tenants/${shard}`);
    const acme = objects(files, `flux/tenants/${shard}/acme.yaml`);
    const boot = acme.find((k) => k.metadata.name === 'tenants-acme-bootstrap')!;
    const work = acme.find((k) => k.metadata.name === 'tenants-acme-workloads')!;
    expect(boot).toHaveProperty('spec.dependsOn', [{ name: 'server', namespace: 'flux-system' }]);
    expect(boot).toHaveProperty('spec.force', true);
    expect(work).toHaveProperty('spec.dependsOn', [{ name: 'tenants-acme-bootstrap', namespace: 'flux-system' }]);
    expect(files.get(`flux/tenants/${shard}/kustomization.yaml`)).toContain('acme.yaml');
  });

  test('the flux folder holds one Kustomization per shard, not per tenant', () => {
    // GIVEN 600 tenants
    const many = renderOutput({ platform: basePlatform(), extraFolders: fakeTenants(Array.from({ length: 600 }, (_, i) => `t${i}`)) });
    const root = objects(many, 'flux/kustomizations.yaml');
    const shards = root.filter((k) => k.metadata.name.startsWith('tenants-'));
    expect(shards.length).toBeLessThanOrEqual(256);
    expect(root.length).toBe(shards.length + 4);
    expect(new Set(Array.from({ length: 600 }, (_, i) => tenantShard(`t${i}`))).size).toBe(shards.length);
  });

  test('gitops.path and the repository are props', () => {
    const custom = renderOutput({ platform: basePlatform({ gitops: { flavor: 'flux', path: './clusters/prod', repository: { name: 'platform', namespace: 'gitops' } } }) });
    const k = objects(custom, 'flux/kustomizations.yaml').find((o) => o.metadata.name === 'server')!;
    expect(k).toHaveProperty('spec.path', './clusters/prod/server');
    expect(k).toHaveProperty('spec.sourceRef', { kind: 'GitRepository', name: 'platform', namespace: 'gitops' });
    expect(custom.get('external-objects.json')).toContain('"name": "platform"');
  });

  test('output is byte-identical from run to run, and stale files disappear', () => {
    const again = renderOutput({ platform: basePlatform(), extraFolders: fakeTenants(['acme', 'globex']) });
    expect([...again]).toEqual([...files]);
    const dir = mkdtempSync(join(tmpdir(), 'gitops-'));
    try {
      synthesize({ platform: basePlatform(), extraFolders: fakeTenants(['acme', 'globex']) }, dir);
      synthesize({ platform: basePlatform(), extraFolders: fakeTenants(['acme']) }, dir);
      const listed = execFileSync('find', [dir, '-path', '*globex*'], { encoding: 'utf8' });
      expect(listed).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('ARCHITECTURE.md draws the tenants once, as tenants/<tenant>/, with their count, and draws network paths', () => {
    const many = renderOutput({ platform: basePlatform(), extraFolders: fakeTenants(['a1', 'a2', 'a3', 'a4', 'a5']) });
    const page = many.get('ARCHITECTURE.md')!;
    expect(page).toContain('5 tenants, each with the folders of tenants/<tenant>/');
    expect(page).toContain('tenants/<tenant>/bootstrap/');
    expect(page).not.toMatch(/tenants\/a\d\//);
    expect(page).toContain('ns_ingress_nginx --> ns_clearml');
    expect(page).toContain('ns_clearml --> tenant_namespaces');
  });

  test('adding a tenant changes only the counts of ARCHITECTURE.md, whichever name it has (nothing rotates)', () => {
    const page = (names: string[]) => renderOutput({ platform: basePlatform(), extraFolders: fakeTenants(names) }).get('ARCHITECTURE.md')!;
    const before = page(['m1', 'm2', 'm3']);
    for (const added of ['a0', 'zz']) {
      const after = page(['m1', 'm2', 'm3', added].sort());
      expect(after.replace(/\b4 tenants\b/, '3 tenants').replace('each tenant namespace (4)', 'each tenant namespace (3)')).toBe(before);
    }
  });
});

describe('Flux lockdown', () => {
  // GIVEN fluxLockdown on and the fixture tenants
  const files = renderOutput({ platform: basePlatform({ fluxLockdown: true }), tenantsDir: TENANTS });
  const shardFile = objects(files, `flux/tenants/${tenantShard('acme')}/acme.yaml`);
  const kustomization = (name: string) => shardFile.find((o) => o.kind === 'Kustomization' && o.metadata.name === name)!;

  test('the shard creates the namespace, the reconciler account and its binding in the tenant namespace only', () => {
    const kinds = shardFile.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(kinds).toEqual(expect.arrayContaining(['Namespace//acme', 'ServiceAccount/acme/flux-reconciler', 'RoleBinding/acme/flux-reconciler']));
    expect(shardFile.find((o) => o.kind === 'RoleBinding')).toHaveProperty('roleRef', { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'flux-reconciler' });
    expect(files.get('tenants/acme/bootstrap/namespace.yaml')).not.toContain('kind: Namespace');
  });

  test('no tenant account is bound outside its namespace, nor cluster-wide', () => {
    const everything = [...files].filter(([f]) => f.endsWith('.yaml')).flatMap(([f]) => objects(files, f));
    const bindings = everything.filter((o) => (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') && o.subjects?.some((s: any) => s.name === 'flux-reconciler'));
    expect(bindings.length).toBe(3);
    for (const b of bindings) {
      expect(b.kind).toBe('RoleBinding');
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'flux-reconciler', namespace: b.metadata.namespace }]);
    }
    expect(everything.filter((o) => o.kind === 'Role' && o.metadata.name.startsWith('flux-tenant-'))).toEqual([]);
  });

  test('item 10: the reconciler has its own tokenless account and a Role without policy, RBAC or quota writes', () => {
    expect(shardFile.find((o) => o.kind === 'ServiceAccount')).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'flux-reconciler', namespace: 'acme' }, automountServiceAccountToken: false });
    const role = shardFile.find((o) => o.kind === 'Role' && o.metadata.name === 'flux-reconciler')!;
    expect(role).toHaveProperty('metadata.namespace', 'acme');
    const writes = (role.rules as any[]).filter((r) => r.verbs.some((v: string) => !['get', 'list', 'watch'].includes(v)));
    const written = writes.flatMap((r) => r.resources as string[]);
    for (const forbidden of ['networkpolicies', 'roles', 'rolebindings', 'clusterroles', 'clusterrolebindings', 'resourcequotas', 'limitranges', 'pods', '*']) expect(written).not.toContain(forbidden);
    expect(writes.flatMap((r) => r.apiGroups as string[])).not.toContain('rbac.authorization.k8s.io');
    expect(JSON.stringify(role.rules)).not.toMatch(/"\*"|escalate|bind|impersonate/);
    // the controllers' required flag is listed for the cluster to provide
    const external = JSON.parse(files.get('external-objects.json')!).objects;
    for (const name of ['kustomize-controller', 'helm-controller']) {
      expect(external).toContainEqual(expect.objectContaining({ kind: 'Deployment', namespace: 'flux-system', name, requiredFlags: ['--default-service-account=flux-reconciler'] }));
    }
  });

  test('the bootstrap folder (policies, RBAC, the Job in the server namespace) stays with Flux\'s own account', () => {
    const bootstrap = kustomization('tenants-acme-bootstrap');
    expect(bootstrap).toHaveProperty('metadata.namespace', 'flux-system');
    expect(bootstrap.spec.serviceAccountName).toBeUndefined();
    expect(objects(files, 'tenants/acme/bootstrap/bootstrap.yaml').some((o) => o.kind === 'Job' && o.metadata.namespace === 'clearml')).toBe(true);
  });

  test("the workloads (the tenant's charts) run as the reconciler", () => {
    const workloads = kustomization('tenants-acme-workloads');
    expect(workloads).toHaveProperty('metadata.namespace', 'acme');
    expect(workloads).toHaveProperty('spec.serviceAccountName', 'flux-reconciler');
    expect(workloads.spec.dependsOn).toEqual([{ name: 'tenants-acme-bootstrap', namespace: 'flux-system' }]);
    for (const file of ['agent.yaml', 'router.yaml']) {
      expect(objects(files, `tenants/acme/workloads/${file}`)[0]).toHaveProperty('spec.serviceAccountName', 'flux-reconciler');
    }
  });

  test('fails when fluxLockdown is set for another flavor', () => {
    expect(() => renderOutput({ platform: basePlatform({ fluxLockdown: true, gitops: 'k3s' }) })).toThrow(/fluxLockdown: true: is a Flux setting/);
  });
});

describe('kubectl kustomize', () => {
  const kubectl = (() => {
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  const run = kubectl ? test : test.skip;
  if (!kubectl) console.warn('kubectl is not installed: skipping the kubectl kustomize builds (CI has it)');

  run('builds every folder of every flavor on its own', () => {
    for (const gitops of ['flux', 'k3s', { flavor: 'argocd' as const, repoURL: 'https://git.example.com/platform.git' }] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'gitops-'));
      try {
        const files = synthesize({ platform: basePlatform({ gitops, billing: { enabled: false } }), extraFolders: fakeTenants(['acme']) }, dir);
        const folders = [...files.keys()].filter((f) => f.endsWith('/kustomization.yaml')).map((f) => f.slice(0, -'/kustomization.yaml'.length));
        expect(folders.length).toBeGreaterThan(3);
        for (const folder of folders) {
          const out = execFileSync('kubectl', ['kustomize', join(dir, folder)], { encoding: 'utf8' });
          expect(out).toContain('kind:');
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
