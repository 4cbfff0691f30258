import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { tenantShard } from '../../lib/gitops/layout';
import { renderOutput, synthesize } from '../../lib/synth';
import { basePlatform, fakeTenants } from '../support/fake-tenants';

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

  test('ARCHITECTURE.md collapses tenants beyond three and draws network paths', () => {
    const many = renderOutput({ platform: basePlatform(), extraFolders: fakeTenants(['a1', 'a2', 'a3', 'a4', 'a5']) });
    const page = many.get('ARCHITECTURE.md')!;
    expect(page).toContain('... 2 more tenants');
    expect(page).toContain('tenants/a1/bootstrap/');
    expect(page).not.toContain('tenants/a5/bootstrap/');
    expect(page).toContain('ns_ingress_nginx --> ns_clearml');
    expect(page).toContain('ns_clearml --> ns_tenant_a1');
  });
});

describe('Flux lockdown', () => {
  // GIVEN fluxLockdown on
  const files = renderOutput({ platform: basePlatform({ fluxLockdown: true }), extraFolders: fakeTenants(['acme']) });
  const shardFile = objects(files, `flux/tenants/${tenantShard('acme')}/acme.yaml`);

  test('the shard creates the namespace, the reconciler account and its bindings, never a ClusterRoleBinding', () => {
    const kinds = shardFile.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Namespace//tenant-acme',
        'ServiceAccount/tenant-acme/flux-reconciler',
        'RoleBinding/tenant-acme/flux-reconciler',
        'Role/clearml/flux-tenant-acme',
        'RoleBinding/clearml/flux-tenant-acme',
      ]),
    );
    expect(shardFile.some((o) => o.kind === 'ClusterRoleBinding')).toBe(false);
    expect(shardFile.find((o) => o.kind === 'RoleBinding' && o.metadata.namespace === 'tenant-acme')).toHaveProperty('roleRef.name', 'admin');
    expect(files.get('tenants/acme/bootstrap/tenant.yaml')).not.toContain('kind: Namespace');
  });

  test('the Role in the server namespace allows only the Job it applies', () => {
    const role = shardFile.find((o) => o.kind === 'Role')!;
    expect(role.rules).toContainEqual({ apiGroups: ['batch'], resources: ['jobs'], resourceNames: ['bootstrap-acme'], verbs: ['delete', 'get', 'patch', 'update'] });
    expect(role.rules.every((r: any) => r.resources.every((x: string) => x === 'jobs'))).toBe(true);
  });

  test("the tenant's Kustomizations and HelmReleases run as the reconciler", () => {
    for (const k of shardFile.filter((o) => o.kind === 'Kustomization')) {
      expect(k).toHaveProperty('metadata.namespace', 'tenant-acme');
      expect(k).toHaveProperty('spec.serviceAccountName', 'flux-reconciler');
    }
    expect(objects(files, 'tenants/acme/workloads/agent.yaml')[0]).toHaveProperty('spec.serviceAccountName', 'flux-reconciler');
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
