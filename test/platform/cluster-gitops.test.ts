/**
 * A cluster's own GitOps settings (`clusters[<i>].gitops`, README "Several clusters"): every problem of them
 * named under the cluster's field path, never the platform's `gitops.…`; and the rule for the cluster's
 * `gitops.path` (where its tree `clusters/<name>/` is committed).
 */
import YAML from 'yaml';
import { resolvePlatform } from '../../lib/platform/platform';
import { ClusterProps, PlatformProps } from '../../lib/platform/platform-props';
import { renderOutput } from '../../lib/synth';
import { platform as twoClusters } from '../../examples/two-clusters';
import { configProblems } from '../helpers';

const FILE = 'examples/two-clusters.ts (platform props)';
/** The two-cluster example with the worker `gpu-east` (clusters[1]) changed. */
const withWorker = (change: Partial<ClusterProps>, platform: Partial<PlatformProps> = {}): PlatformProps => ({
  ...twoClusters,
  ...platform,
  clusters: twoClusters.clusters!.map((c) => (c.name === 'gpu-east' ? { ...c, ...change } : c)),
});
const lines = (run: () => unknown) => configProblems(run).map((p) => `${p.file}: ${p.path}: ${JSON.stringify(p.value)}: ${p.message}`);

describe("a cluster's own GitOps settings: problems under clusters[<i>].gitops", () => {
  test('the generic and the flavor checks (Argo CD) of a cluster name its fields, all at once, never the platform\'s gitops', () => {
    const problems = lines(() => resolvePlatform(withWorker({ gitops: { flavor: 'argocd', argocdProject: 'Bad_Project', argocdNamespace: 'Argo CD', repository: { name: 'Bad' } } }), FILE));
    expect(problems).toEqual([
      expect.stringMatching(/^examples\/two-clusters\.ts \(platform props\): clusters\[1\]\.gitops\.repository\.name: "Bad": must be a DNS-1123 label/),
      expect.stringMatching(/: clusters\[1\]\.gitops\.argocdNamespace: "Argo CD": must be a DNS-1123 label/),
      expect.stringMatching(/: clusters\[1\]\.gitops\.argocdProject: "Bad_Project": must be a DNS-1123 label/),
      expect.stringMatching(/: clusters\[1\]\.gitops\.repoURL: \(missing\)|: clusters\[1\]\.gitops\.repoURL: undefined: is required for the "argocd" flavor/),
    ]);
  });

  test('a flavor given as a string is named where it is written: clusters[<i>].gitops', () => {
    expect(lines(() => resolvePlatform(withWorker({ gitops: 'nope' as never }), FILE))).toEqual([`${FILE}: clusters[1].gitops: "nope": must be one of "flux", "k3s", "argocd"`]);
    expect(lines(() => resolvePlatform(withWorker({ gitops: { flavor: 'nope' as never } }), FILE))).toEqual([`${FILE}: clusters[1].gitops.flavor: "nope": must be one of "flux", "k3s", "argocd"`]);
  });

  test("the platform's fluxLockdown with a cluster that is not Flux: a problem on that cluster's gitops (a cluster has no fluxLockdown of its own)", () => {
    const problems = configProblems(() => resolvePlatform(withWorker({ gitops: { flavor: 'argocd', repoURL: 'https://git.example.com/fleet.git' } }, { fluxLockdown: true }), FILE));
    expect(problems.map((p) => [p.path, p.value])).toEqual([['clusters[1].gitops.flavor', 'argocd']]);
    expect(problems[0].message).toMatch(/fluxLockdown: true .*Flux setting/);
  });

  test("what a cluster's flavor cannot render is named on that cluster's gitops, not the platform's", () => {
    // Argo CD cannot read the router's Secret keys into Helm values: the worker's tenant releases.
    const problems = configProblems(() => renderOutput({ platform: withWorker({ gitops: { flavor: 'argocd', repoURL: 'https://git.example.com/fleet.git' } }), platformFile: FILE, tenantsDir: 'tenants' }));
    expect([...new Set(problems.map((p) => `${p.file}: ${p.path}: ${p.value}`))]).toEqual([`${FILE}: clusters[1].gitops: argocd`]);
    expect(problems[0].message).toMatch(/^release acme\/clearml-ttr: /);
  });

  test('a worker whose flavor cannot install tenants (k3s) is refused for the tenants that run there, naming the tenant file and the cluster', () => {
    const problems = configProblems(() => renderOutput({ platform: withWorker({ gitops: 'k3s' }), platformFile: FILE, tenantsDir: 'tenants' }));
    expect(problems.map((p) => `${p.file}: ${p.path}: ${p.value}`)).toEqual(['tenants/acme.yaml: clusters (default): gpu-east', 'tenants/globex.yaml: clusters (default): gpu-east', 'tenants/initech.yaml: clusters (default): gpu-east']);
    expect(problems[0].message).toMatch(/GitOps flavor "k3s" \(clusters\[1\]\.gitops of the platform props\) cannot install tenants: the k3s helm-controller runs each install as a ServiceAccount bound to cluster-admin/);
    // Without tenants there, the k3s worker is fine: its platform layer as HelmCharts, no tenant folder.
    const files = renderOutput({ platform: withWorker({ gitops: 'k3s' }), platformFile: FILE });
    const worker = [...files.keys()].filter((f) => f.startsWith('clusters/gpu-east/'));
    expect(worker.some((f) => f.startsWith('clusters/gpu-east/tenants/'))).toBe(false);
    expect(worker.filter((f) => f.endsWith('.yaml')).map((f) => files.get(f)!).join('\n')).toMatch(/^kind: HelmChart$/m);
  });
});

describe("a cluster's gitops.path: where clusters/<name>/ is committed", () => {
  const flux = (platform: PlatformProps, cluster: string) => {
    const files = renderOutput({ platform, tenantsDir: 'tenants' });
    return YAML.parseAllDocuments(files.get(`clusters/${cluster}/flux/kustomizations.yaml`)!).map((d) => d.toJSON().spec.path as string);
  };

  test("left out: <platform path>/clusters/<name>, so each Flux Kustomization points at that cluster's own folders", () => {
    const paths = flux(twoClusters, 'gpu-east');
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) expect(path).toMatch(/^\.\/fleet\/clusters\/gpu-east\/[a-z]/);
    expect(resolvePlatform({ ...twoClusters, gitops: { flavor: 'flux', path: '.' } }).clusterPlatforms.map((c) => c.platform.gitopsSettings.path)).toEqual(['./clusters/hq', './clusters/gpu-east']);
  });

  test('an explicit path ending with clusters/<name> (the output committed at another root) is taken as given, trailing "/" dropped', () => {
    const p = resolvePlatform(withWorker({ gitops: { path: './mirror/clusters/gpu-east/' } }));
    expect(p.clusterPlatforms[1].platform.gitopsSettings.path).toBe('./mirror/clusters/gpu-east');
    expect(resolvePlatform(withWorker({ gitops: { path: 'clusters/gpu-east' } })).clusterPlatforms[1].platform.gitopsSettings.path).toBe('clusters/gpu-east');
    for (const path of flux(withWorker({ gitops: { path: './mirror/clusters/gpu-east' } }), 'gpu-east')) expect(path).toMatch(/^\.\/mirror\/clusters\/gpu-east\//);
  });

  test('an explicit path that does not end with clusters/<name> is refused, naming the field, the value and what is allowed; all problems at once', () => {
    const platform: PlatformProps = {
      ...twoClusters,
      clusters: [
        { ...twoClusters.clusters![0], gitops: { path: './fleet/clusters/gpu-east' } },
        { ...twoClusters.clusters![1], gitops: { flavor: 'flux', path: './fleet' } },
      ],
    };
    expect(lines(() => resolvePlatform(platform, FILE))).toEqual([
      `${FILE}: clusters[0].gitops.path: "./fleet/clusters/gpu-east": must end with "clusters/hq": the output writes this cluster's tree to clusters/hq/ and its Flux Kustomizations (Argo CD Applications) point below this path; leave it out for "./fleet/clusters/hq" (the output committed at the platform's gitops.path), or give the path of clusters/hq where the output is committed, such as "./other/clusters/hq"`,
      expect.stringMatching(/^examples\/two-clusters\.ts \(platform props\): clusters\[1\]\.gitops\.path: "\.\/fleet": must end with "clusters\/gpu-east"/),
    ]);
  });

  test('a path that is no repository path: one problem (the generic one), not a crash for a value that is no string', () => {
    expect(lines(() => resolvePlatform(withWorker({ gitops: { path: '../clusters/gpu-east' } }), FILE))).toEqual([expect.stringMatching(/^examples\/two-clusters\.ts \(platform props\): clusters\[1\]\.gitops\.path: "\.\.\/clusters\/gpu-east": must be a path relative to the repository root/)]);
    expect(lines(() => resolvePlatform(withWorker({ gitops: { path: 5 as never } }), FILE))).toEqual([expect.stringMatching(/: clusters\[1\]\.gitops\.path: 5: must be a path relative to the repository root/)]);
    expect(lines(() => resolvePlatform({ ...twoClusters, gitops: { path: 5 as never } }, FILE))).toEqual([expect.stringMatching(/: gitops\.path: 5: must be a path relative to the repository root/)]);
  });
});

describe("a cluster's own settings with the platform's mistake repeated", () => {
  test('both are reported at once: the platform\'s field and the cluster\'s own, each where it is written', () => {
    const platform = withWorker(
      { gitops: { argocdProject: 'Bad_P' }, network: { clusterCidrs: ['10.0.0.0/33'] } },
      { gitops: { flavor: 'argocd', repoURL: 'https://git.example.com/fleet.git', argocdProject: 'Bad_P' }, network: { clusterCidrs: ['10.0.0.0/33'] } },
    );
    const found = configProblems(() => resolvePlatform(platform, FILE)).map((p) => `${p.path}: ${p.value}`);
    expect(found).toEqual(expect.arrayContaining(['gitops.argocdProject: Bad_P', 'clusters[1].gitops.argocdProject: Bad_P', 'network.clusterCidrs[0]: 10.0.0.0/33', 'clusters[1].network.clusterCidrs[0]: 10.0.0.0/33']));
    // the settings the cluster takes from the platform are reported once, on the platform's field
    expect(found.filter((p) => p.startsWith('clusters[0].'))).toEqual([]);
    expect(found).toHaveLength(4);
  });
});
