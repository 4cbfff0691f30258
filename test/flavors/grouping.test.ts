/**
 * The folder-grouping step of a flavor is the one place that changes content folders after they are
 * rendered (plus the prune guard every flavor gets). These tests render the construct tree on its own
 * and the final output, and say exactly which objects differ and how: where they differ, the tests of
 * the final YAML (test/gitops/layout.test.ts, flavors.test.ts) are the ones that count.
 */
import { reservedNamespaces } from '../../lib/tenant/tenants';
import { RenderedFolder } from '../../lib/core/folders';
import { GITOPS_FLAVORS, RELEASE_KINDS, gitopsFlavor } from '../../lib/flavors/index';
import { renderFolderObjects } from '../../lib/output/write-tree';
import { platformFolders } from '../../lib/platform/platform-folders';
import { SynthOptions, renderOutputObjects, resolveInput } from '../../lib/synth';
import { tenantFolders } from '../../lib/tenant/tenant-folders';
import { basePlatform } from '../support/fake-tenants';
import { FIXTURE_TENANTS_DIR } from '../support/fixtures';

type Obj = Record<string, any>;
const id = (o: Obj) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

/** How each object of the construct tree ended up in the output: `<folder> <kind>: <change>`, sorted and deduplicated. */
function changes(options: SynthOptions): string[] {
  const { platform, tenants } = resolveInput(options);
  const constructs = renderFolderObjects([...platformFolders(platform), ...tenants.flatMap((t) => tenantFolders(t, platform))]);
  const final = new Map<string, { folder: string; object: Obj }>();
  for (const folder of renderOutputObjects(options).folders as RenderedFolder[]) {
    for (const file of folder.files) for (const o of file.objects) final.set(`${folder.path}|${id(o)}`, { folder: folder.path, object: o });
  }
  const where = (o: Obj) => [...final.values()].find((f) => id(f.object) === id(o));
  const out = new Set<string>();
  const shown = (path: string) => path.replace(/^tenants\/[^/]+\//, 'tenants/<t>/').replace(/^flux\/tenants\/[0-9a-f]{2}$/, 'flux/tenants/<shard>');
  for (const folder of constructs) {
    for (const o of folder.files.flatMap((f) => f.objects)) {
      const same = final.get(`${folder.path}|${id(o)}`);
      const found = same ?? where(o);
      if (!found) {
        out.add(`${shown(folder.path)} ${o.kind}: dropped`);
        continue;
      }
      const moved = found.folder !== folder.path ? ` moved to ${shown(found.folder)}` : '';
      const before = JSON.parse(JSON.stringify(o));
      const after = found.object;
      const diffs: string[] = [];
      for (const key of new Set([...Object.keys(before.metadata?.annotations ?? {}), ...Object.keys(after.metadata?.annotations ?? {})])) {
        if (before.metadata?.annotations?.[key] !== after.metadata?.annotations?.[key]) diffs.push(`annotation ${key}`);
      }
      if (JSON.stringify(before.metadata?.finalizers) !== JSON.stringify(after.metadata?.finalizers)) diffs.push('finalizers');
      if (JSON.stringify(before.spec) !== JSON.stringify(after.spec)) {
        for (const key of new Set([...Object.keys(before.spec ?? {}), ...Object.keys(after.spec ?? {})])) {
          if (JSON.stringify(before.spec?.[key]) !== JSON.stringify(after.spec?.[key])) diffs.push(`spec.${key}`);
        }
      }
      if (diffs.length > 0 || moved) out.add(`${shown(folder.path)} ${o.kind}:${moved}${diffs.length > 0 ? ` ${diffs.join(', ')}` : ''}`);
    }
  }
  return [...out].sort();
}

const ARGO = { flavor: 'argocd' as const, repoURL: 'https://git.example.com/platform.git' };

describe("the flavors' folder-grouping step", () => {
  test('Flux: only the prune guard on tenant Namespaces', () => {
    expect(changes({ platform: basePlatform(), tenantsDir: FIXTURE_TENANTS_DIR })).toEqual(['tenants/<t>/bootstrap Namespace: annotation kustomize.toolkit.fluxcd.io/prune']);
  });

  test('Flux lockdown: Namespaces and quotas move to the shard folder, the workloads HelmReleases get the reconciler account', () => {
    expect(changes({ platform: basePlatform({ fluxLockdown: true }), tenantsDir: FIXTURE_TENANTS_DIR })).toEqual([
      'tenants/<t>/bootstrap LimitRange: moved to flux/tenants/<shard>',
      'tenants/<t>/bootstrap Namespace: moved to flux/tenants/<shard> annotation kustomize.toolkit.fluxcd.io/prune',
      'tenants/<t>/bootstrap ResourceQuota: moved to flux/tenants/<shard>',
      'tenants/<t>/workloads HelmRelease: spec.serviceAccountName',
    ]);
  });

  test('Argo CD: Jobs are replaced on change, tenant release Applications cascade, tenant Namespaces are guarded', () => {
    expect(changes({ platform: basePlatform({ gitops: ARGO, billing: { enabled: false }, tenantReleases: { routerEnabled: false } }), tenantsDir: FIXTURE_TENANTS_DIR })).toEqual([
      'server-apps Job: annotation argocd.argoproj.io/sync-options',
      'tenants/<t>/bootstrap Job: annotation argocd.argoproj.io/sync-options',
      'tenants/<t>/bootstrap Namespace: annotation kustomize.toolkit.fluxcd.io/prune, annotation argocd.argoproj.io/sync-options',
      'tenants/<t>/workloads Application: finalizers',
    ]);
  });

  test('k3s: the construct tree is the output', () => {
    expect(changes({ platform: basePlatform({ gitops: 'k3s' }) })).toEqual([]);
  });
});

describe('the flavor registry', () => {
  test('the release kinds are those the flavors declare, one per flavor', () => {
    expect([...RELEASE_KINDS].sort()).toEqual(GITOPS_FLAVORS.map((f) => gitopsFlavor(f).releaseKind).sort());
    expect([...RELEASE_KINDS].sort()).toEqual(['Application', 'HelmChart', 'HelmRelease']);
    expect(GITOPS_FLAVORS.every((f) => gitopsFlavor(f).name === f)).toBe(true);
  });

  test('only flavors that render sources get a sources folder', () => {
    for (const name of GITOPS_FLAVORS) {
      const { platform } = resolveInput({ platform: basePlatform({ gitops: name === 'argocd' ? ARGO : name, billing: { enabled: false } }) });
      expect(platformFolders(platform).some((f) => f.path === 'sources')).toBe(gitopsFlavor(name).renderSources !== undefined);
    }
  });

  test("each flavor's controller namespaces are reserved for no tenant", () => {
    const reservedFor = (gitops: Parameters<typeof basePlatform>[0]) => {
      const reserved = reservedNamespaces(resolveInput({ platform: basePlatform({ billing: { enabled: false }, ...gitops }) }).platform);
      return [...reserved].filter(([, why]) => why.startsWith('the namespace of the GitOps controller')).map(([ns, why]) => `${ns}: ${why}`);
    };
    expect(reservedFor({ sourceNamespace: 'sources', gitops: { flavor: 'flux', repository: { name: 'r', namespace: 'gitops' } } })).toEqual([
      'sources: the namespace of the GitOps controller (flux)',
      'gitops: the namespace of the GitOps controller (flux)',
    ]);
    expect(reservedFor({ gitops: { ...ARGO, argocdNamespace: 'argo' } })).toEqual(['argo: the namespace of the GitOps controller (argocd)']);
    // k3s's helm-controller runs in kube-system, which is reserved first as a namespace of Kubernetes.
    expect(gitopsFlavor('k3s').controllerNamespaces(resolveInput({ platform: basePlatform({ gitops: 'k3s' }) }).platform.gitopsSettings, 'flux-system')).toEqual(['kube-system']);
    expect(reservedFor({ gitops: 'k3s' })).toEqual([]);
  });

  test('an unknown flavor name is refused, naming the known ones', () => {
    expect(() => gitopsFlavor('jenkins')).toThrow('unknown GitOps flavor "jenkins"; known: flux, k3s, argocd');
  });
});

describe('ARCHITECTURE.md', () => {
  test('lists Argo CD releases from a Git source too', () => {
    const options = {
      platform: basePlatform({
        gitops: ARGO,
        sources: { charts: { type: 'git', url: 'https://git.example.com/charts.git', tag: 'v1' } },
        gpuOperator: { chart: { source: 'charts', chart: 'charts/gpu-operator', version: '1.0.0' } },
        billing: { enabled: false },
      }),
    } satisfies SynthOptions;
    const page = renderOutputObjects(options).texts.get('ARCHITECTURE.md')!;
    expect(page).toContain('Application argocd/gpu-operator-gpu-operator');
  });
});
