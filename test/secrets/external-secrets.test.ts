import { join } from 'node:path';
import YAML from 'yaml';
import { PlatformProps } from '../../lib/platform/platform-props';
import { ConfigError } from '../../lib/core/problems';
import { TenantSpec } from '../../lib/config/tenant-schema';
import { SecretsProps } from '../../lib/secrets/secrets-settings';
import { renderOutput } from '../../lib/synth';
import { loadSchemas, treeFromFiles } from '../../lib/tools/validate/main';
import { readFolderFiles } from '../../lib/analysis/manifests';
import { OutputTree, validateTree } from '../../lib/tools/validate/validate-output';
import { MINIMAL_PLATFORM } from '../helpers';
import { CRDS_DIR } from '../support/fake-tenants';

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');
const ESO: SecretsProps = { provider: 'external-secrets', store: { kind: 'ClusterSecretStore', name: 'team-vault' } };

/** Our own fixture tenants (not tenants/). */
const TENANTS: TenantSpec[] = [
  { name: 'red', admin: { name: 'Red Admin', email: 'admin@red.example' }, sessions: { startingPort: 30000, maxServices: 2 } },
  { name: 'blue', namespace: 'blue-ml', admin: { name: 'Blue Admin', email: 'admin@blue.example' }, sessions: { startingPort: 30100, maxServices: 2 } },
] as TenantSpec[];

function platformWith(extra: Partial<PlatformProps>): PlatformProps {
  return { ...MINIMAL_PLATFORM, sources: { charts: { type: 'oci', url: 'oci://registry.example.com/charts', secretName: 'charts-registry' } }, ...extra } as PlatformProps;
}

interface Placed {
  readonly path: string;
  readonly object: Record<string, any>;
}

function objectsOf(files: ReadonlyMap<string, string>): Placed[] {
  return [...files].filter(([p]) => p.endsWith('.yaml') && !p.endsWith('kustomization.yaml')).flatMap(([path, text]) => YAML.parseAllDocuments(text).map((d) => ({ path, object: d.toJS() })));
}

/** dist/ as files, read by the reader of the checks. */
function distFiles(): Map<string, string> {
  return readFolderFiles(DIST);
}

/** The rendered files as the tree the validator reads (the function loadTree uses). */
const treeOf = (files: ReadonlyMap<string, string>): OutputTree => treeFromFiles(files);

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const externalSecrets = (objects: readonly Placed[]) => objects.filter((o) => o.object.kind === 'ExternalSecret');

describe('the committed dist/ with External Secrets on', () => {
  const files = distFiles();
  const inventory: Array<Record<string, any>> = JSON.parse(files.get('secrets-inventory.json')!).secrets;
  const objects = objectsOf(files);
  const es = externalSecrets(objects);

  test('has an ExternalSecret producing every operator-owned Secret of every namespace, exactly, and none for bootstrap-owned ones', () => {
    const operator = inventory.filter((s) => s.providedBy === 'operator');
    expect(operator.length).toBeGreaterThan(10);
    expect(inventory.some((s) => s.providedBy === 'bootstrap')).toBe(true);
    const produced = new Map(es.map((o) => [`${o.object.metadata.namespace}/${o.object.spec.target?.name ?? o.object.metadata.name}`, o.object]));
    expect(produced.size).toBe(es.length);
    for (const s of inventory) {
      const e = produced.get(`${s.namespace}/${s.name}`);
      if (s.providedBy === 'bootstrap') {
        expect([`${s.namespace}/${s.name}`, e]).toEqual([`${s.namespace}/${s.name}`, undefined]);
        continue;
      }
      expect(e).toBeDefined();
      expect(e!.apiVersion).toBe('external-secrets.io/v1');
      expect(e!.spec.target.creationPolicy).toBe('Owner');
      expect(e!.spec.refreshInterval).toBe('1h');
      expect(e!.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'platform-vault' });
      expect(e!.spec.data.map((d: any) => d.secretKey).sort()).toEqual(s.keys);
      expect(e!.spec.target.template?.type ?? 'Opaque').toBe(s.type);
      expect(s.provision).toEqual({ by: 'external-secrets', store: { kind: 'ClusterSecretStore', name: 'platform-vault' }, remoteKey: `clearml/${s.name}`, properties: expect.any(Object) });
      for (const d of e!.spec.data) expect(d.remoteRef).toEqual({ key: s.provision.remoteKey, property: s.provision.properties[d.secretKey] });
    }
    expect(es.length).toBe(operator.length);
    expect(inventory.filter((s) => s.providedBy === 'bootstrap').every((s) => s.provision.by === 'bootstrap')).toBe(true);
  });

  test('registry credentials of type dockerconfigjson are written with that type', () => {
    const docker = es.filter((o) => o.object.spec.target.template?.type === 'kubernetes.io/dockerconfigjson');
    expect(docker.map((o) => o.object.metadata.name)).toEqual(['platform-charts-registry']);
    expect(docker[0].object.spec.data).toEqual([{ secretKey: '.dockerconfigjson', remoteRef: { key: 'clearml/platform-charts-registry', property: 'dockerconfigjson' } }]);
  });

  test("no tenant namespace gets an ExternalSecret for another tenant's Secret or for the server's credentials", () => {
    const tenantNamespaces = new Map<string, string>();
    for (const o of objects) {
      const t = /^tenants\/([^/]+)\//.exec(o.path)?.[1];
      if (t && o.object.kind === 'Namespace') tenantNamespaces.set(o.object.metadata.name, t);
    }
    expect(tenantNamespaces.size).toBe(3);
    const serverSecrets = new Set(inventory.filter((s) => s.namespace === 'clearml').map((s) => s.name));
    let inTenants = 0;
    for (const o of es) {
      const ns = o.object.metadata.namespace;
      const folderTenant = /^tenants\/([^/]+)\//.exec(o.path)?.[1];
      if (tenantNamespaces.has(ns) || folderTenant) {
        inTenants++;
        expect([o.path, ns, tenantNamespaces.get(ns)]).toEqual([o.path, ns, folderTenant]);
        expect(['clearml-registry', 'redis-shared-auth']).toContain(o.object.metadata.name);
        expect(o.object.metadata.name).not.toMatch(/supervisor|sso|admin|agent|router|ledger/);
        expect(serverSecrets.has(o.object.metadata.name) && o.object.metadata.name !== 'clearml-registry').toBe(false);
      }
    }
    expect(inTenants).toBe(6);
  });

  test('every folder with ExternalSecrets waits for them to be Ready, and the releases wait for that folder', () => {
    const kustomizations = objects.filter((o) => o.path.startsWith('flux/') && o.object.kind === 'Kustomization').map((o) => o.object);
    const byPath = new Map(kustomizations.map((k) => [k.spec.path.replace(/^\.\/dist\//, ''), k]));
    const folders = new Set(es.map((o) => o.path.slice(0, o.path.lastIndexOf('/'))));
    expect([...folders].sort()).toEqual(['secrets', 'tenants/acme/bootstrap', 'tenants/globex/bootstrap', 'tenants/initech/bootstrap']);
    for (const f of folders) {
      const k = byPath.get(f)!;
      expect(k.spec.wait).toBe(true);
      expect(k.spec.healthCheckExprs).toEqual([expect.objectContaining({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', current: expect.stringContaining("c.type == 'Ready' && c.status == 'True'") })]);
    }
    // Every other folder reaches `secrets` through dependsOn; tenant folders reach their bootstrap folder.
    const nameToPath = new Map([...byPath].map(([p, k]) => [k.metadata.name, p]));
    const reaches = (from: string, target: string, seen = new Set<string>()): boolean => {
      if (from === target) return true;
      if (seen.has(from)) return false;
      seen.add(from);
      return (byPath.get(from)!.spec.dependsOn ?? []).some((d: any) => reaches(nameToPath.get(d.name)!, target, seen));
    };
    // (The shard Kustomizations `flux/tenants/<shard>` only apply Kustomizations.)
    const content = [...byPath.keys()].filter((p) => !p.startsWith('flux/'));
    expect(content.length).toBeGreaterThan(8);
    for (const p of content) {
      expect([p, reaches(p, 'secrets')]).toEqual([p, true]);
      const t = /^tenants\/([^/]+)\//.exec(p)?.[1];
      if (t) expect([p, reaches(p, `tenants/${t}/bootstrap`)]).toEqual([p, true]);
    }
  });

  test('the store is an external object, and SECRETS.md names the provider of each Secret', () => {
    expect(JSON.parse(files.get('external-objects.json')!).objects).toContainEqual(expect.objectContaining({ apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', name: 'platform-vault' }));
    const md = files.get('SECRETS.md')!;
    expect(md).toContain('## Created by the operator (0)');
    expect(md).toContain('## Written by the External Secrets Operator (16)');
    expect(md).toContain('| acme | redis-shared-auth | Opaque | ClusterSecretStore platform-vault | `clearml/redis-shared-auth` | `redis-password` ← `redis-password` |');
    expect(md).toMatch(/## Created by the tenant bootstrap Jobs \(\d+\)/);
  });
});

describe('secrets settings on a fixture platform', () => {
  test('manual (the default) writes no ExternalSecret and says the operator provides each operator-owned Secret', () => {
    for (const secrets of [undefined, { provider: 'manual' } as const]) {
      const files = renderOutput({ platform: platformWith({ secrets }), tenants: TENANTS });
      expect(externalSecrets(objectsOf(files))).toEqual([]);
      expect([...files.keys()].some((p) => p.startsWith('secrets/'))).toBe(false);
      const inventory: any[] = JSON.parse(files.get('secrets-inventory.json')!).secrets;
      expect(inventory.length).toBeGreaterThan(5);
      for (const s of inventory) expect(s.provision).toEqual({ by: s.providedBy });
      expect(files.get('SECRETS.md')).not.toContain('External Secrets Operator (');
    }
  });

  test("external-secrets with a SecretStore per namespace, overrides, and a custom refresh: each tenant's Secrets sit in its bootstrap folder", () => {
    const files = renderOutput({
      platform: platformWith({
        secrets: {
          provider: 'external-secrets',
          store: { kind: 'SecretStore', name: 'ns-store' },
          refreshInterval: '15m',
          remoteKeyPrefix: 'prod/clearml',
          remoteKeys: { 'blue-ml/clearml-registry': { remoteKey: 'blue/registry', properties: { password: 'token' } } },
        },
      }),
      tenants: TENANTS,
    });
    const es = externalSecrets(objectsOf(files));
    const blue = es.find((o) => o.object.metadata.namespace === 'blue-ml' && o.object.metadata.name === 'clearml-registry')!;
    expect(blue.path).toBe('tenants/blue/bootstrap/external-secrets.yaml');
    expect(blue.object.spec).toEqual({
      refreshInterval: '15m',
      secretStoreRef: { kind: 'SecretStore', name: 'ns-store' },
      target: { name: 'clearml-registry', creationPolicy: 'Owner' },
      data: [{ secretKey: 'password', remoteRef: { key: 'blue/registry', property: 'token' } }],
    });
    const red = es.find((o) => o.object.metadata.namespace === 'red' && o.object.metadata.name === 'clearml-registry')!;
    expect(red.path).toBe('tenants/red/bootstrap/external-secrets.yaml');
    expect(red.object.spec.data).toEqual([{ secretKey: 'password', remoteRef: { key: 'prod/clearml/clearml-registry', property: 'password' } }]);
    // A SecretStore per namespace that has an ExternalSecret is an external object.
    const stores = JSON.parse(files.get('external-objects.json')!).objects.filter((o: any) => o.kind === 'SecretStore');
    expect(stores.map((s: any) => s.namespace).sort()).toEqual([...new Set(es.map((o) => o.object.metadata.namespace))].sort());
    // Platform Namespaces the ExternalSecrets need move to `secrets`, applied first.
    expect(files.get('apply-order.txt')!.split('\n')[0]).toBe('secrets');
    expect(objectsOf(files).filter((o) => o.object.kind === 'Namespace' && o.object.metadata.name === 'clearml').map((o) => o.path)).toEqual(['secrets/namespaces.yaml']);
    expect(validateTree(treeOf(files), loadSchemas(CRDS_DIR))).toEqual([]);
  });

  test.each([
    ['flux with lockdown', { fluxLockdown: true }],
    ['argocd', { gitops: { flavor: 'argocd', repoURL: 'https://git.example.com/platform.git' }, tenantReleases: { routerEnabled: false } }],
  ])('the %s output with External Secrets validates, with the ExternalSecrets in the first wave', (_, extra) => {
    const files = renderOutput({ platform: platformWith({ ...(extra as Partial<PlatformProps>), secrets: ESO }), tenants: TENANTS });
    const es = externalSecrets(objectsOf(files));
    expect(es.length).toBeGreaterThan(4);
    expect(files.get('apply-order.txt')!.split('\n')[0]).toBe('secrets');
    expect(validateTree(treeOf(files), loadSchemas(CRDS_DIR))).toEqual([]);
  });

  test('fails when the store name is not a DNS name, the refresh interval is no duration and the store kind is unknown, all at once', () => {
    expect(
      problemsOf(() =>
        renderOutput({ platform: platformWith({ secrets: { provider: 'external-secrets', store: { kind: 'Vault' as any, name: 'My_Store' }, refreshInterval: 'hourly' } }), tenants: TENANTS }),
      ),
    ).toEqual([
      'secrets.store.kind: must be "ClusterSecretStore" or "SecretStore"',
      'secrets.store.name: must be a DNS-1123 subdomain (lower-case letters, digits, "-" and ".", at most 253 characters), the name of the store the operator provides',
      'secrets.refreshInterval: must be a duration such as "1h" or "15m"',
    ]);
  });

  test('fails when the provider is unknown', () => {
    expect(problemsOf(() => renderOutput({ platform: platformWith({ secrets: { provider: 'vault' } as any }) }))).toEqual(['secrets.provider: must be "manual" or "external-secrets"']);
  });

  test('fails when External Secrets is used with the k3s flavor', () => {
    expect(problemsOf(() => renderOutput({ platform: platformWith({ gitops: 'k3s', secrets: ESO }) }))).toEqual([
      'secrets.provider: cannot be used with the "k3s" flavor: k3s applies the folders without dependencies or health checks, so nothing would make a release wait until its ExternalSecrets are Ready; use "flux" or "argocd", or "manual" secrets',
    ]);
  });

  test('fails when an override names a Secret that does not exist, a bootstrap Secret, or a key the Secret lacks', () => {
    const problems = problemsOf(() =>
      renderOutput({
        platform: platformWith({
          secrets: {
            ...ESO,
            remoteKeys: {
              'red/no-such-secret': { remoteKey: 'x' },
              'red/clearml-agent-credentials': { remoteKey: 'y' },
              'red/clearml-registry': { remoteKey: 'z', properties: { token: 'p' } },
            },
          } as SecretsProps,
        }),
        tenants: TENANTS,
      }),
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^secrets\.remoteKeys\["red\/no-such-secret"\]: names no Secret of the inventory; operator-owned Secrets: .*red\/clearml-registry/);
    expect(problems[1]).toBe('secrets.remoteKeys["red/clearml-agent-credentials"]: is created by the tenant bootstrap Job, never by External Secrets; remove this override');
    expect(problems[2]).toBe('secrets.remoteKeys["red/clearml-registry"].properties.token: is not a key of the Secret; its keys: password');
  });

  test('fails when an override is not keyed namespace/name or has no remote key', () => {
    expect(problemsOf(() => renderOutput({ platform: platformWith({ secrets: { ...ESO, remoteKeys: { 'just-a-name': { remoteKey: '' } } } as SecretsProps }) }))).toEqual([
      'secrets.remoteKeys["just-a-name"]: must be keyed "<namespace>/<secret name>"',
      'secrets.remoteKeys["just-a-name"].remoteKey: must be a remote key: letters, digits and "-_./:@+", starting with a letter or digit',
    ]);
  });
});

describe("validate's reference check", () => {
  const schemas = loadSchemas(CRDS_DIR);
  const files = renderOutput({ platform: platformWith({ secrets: ESO }), tenants: TENANTS });

  /** The fixture output without the inventory's word for `red/clearml-registry`: only its ExternalSecret provides it. */
  function withoutInventoryEntry(tree: OutputTree): OutputTree {
    return { ...tree, secrets: tree.secrets.filter((s) => !(s.namespace === 'red' && s.name === 'clearml-registry')) };
  }

  test('counts the Secret an ExternalSecret produces as present', () => {
    const tree = withoutInventoryEntry(treeOf(files));
    expect(tree.objects.some((o) => o.object.kind === 'ExternalSecret' && o.object.metadata.namespace === 'red' && o.object.metadata.name === 'clearml-registry')).toBe(true);
    expect(validateTree(tree, schemas)).toEqual([]);
  });

  test('fails when a referenced Secret is provided by nobody', () => {
    const base = withoutInventoryEntry(treeOf(files));
    const tree = { ...base, objects: base.objects.filter((o) => !(o.object.kind === 'ExternalSecret' && o.object.metadata.namespace === 'red' && o.object.metadata.name === 'clearml-registry')) };
    const problems = validateTree(tree, schemas);
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).toMatch(/Secret red\/clearml-registry is neither in the output nor in secrets-inventory\.json/);
  });

  test('fails when the store of an ExternalSecret is not an external object', () => {
    const tree = { ...treeOf(files), external: treeOf(files).external.filter((e) => e.kind !== 'ClusterSecretStore') };
    const problems = validateTree(tree, schemas);
    expect(problems.length).toBe(externalSecrets(objectsOf(files)).length);
    expect(problems[0]).toMatch(/ExternalSecret .*: spec\.secretStoreRef: ClusterSecretStore team-vault is not in the output \(nor in external-objects\.json\)/);
  });
});
