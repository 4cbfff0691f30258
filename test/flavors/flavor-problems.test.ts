import { App, Chart } from 'cdk8s';
import { ConfigError, Problem, Problems } from '../../lib/core/problems';
import { ChartCatalog } from '../../lib/gitops/chart-catalog';
import { HelmChartRelease } from '../../lib/gitops/helm-chart-release';
import { renderOutput } from '../../lib/synth';
import { basePlatform } from '../support/fake-tenants';
import { FIXTURE_TENANTS_DIR } from '../support/fixtures';

function problemsOf(run: () => unknown): readonly Problem[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const GIT = { type: 'git' as const, url: 'https://git.example.com/charts.git', tag: 'v1' };

describe('what a flavor cannot render is reported, every release at once', () => {
  test('two k3s releases from Git sources give two problems, each naming the platform props file and its release', () => {
    // GIVEN the k3s flavor and two charts from a Git source (billing and the GPU operator)
    const platform = basePlatform({
      gitops: 'k3s',
      sources: { charts: GIT },
      billing: { chart: { source: 'charts', chart: 'billing.tgz', version: '1.1.0' } },
      gpuOperator: { chart: { source: 'charts', chart: 'gpu-operator.tgz', version: '1.0.0' } },
    });
    // WHEN
    const problems = problemsOf(() => renderOutput({ platform }));
    // THEN
    expect(problems).toHaveLength(2);
    expect(problems.map((p) => [p.file, p.path, p.value])).toEqual([
      ['main.ts (platform props)', 'gitops', 'k3s'],
      ['main.ts (platform props)', 'gitops', 'k3s'],
    ]);
    expect(problems.map((p) => p.message.split(':')[0]).sort()).toEqual(['release clearml-billing/clearml-billing', 'release gpu-operator/gpu-operator']);
    expect(problems[0].message).toContain('is a Git repository, which the k3s helm-controller cannot install from');
  });

  test('the renderers report with the file their caller gives', () => {
    // GIVEN a catalog whose problems belong to another file
    const problems = new Problems('clusters/prod/platform.ts');
    const catalog = new ChartCatalog({ flavor: 'k3s', sourceNamespace: 'flux-system', sources: { charts: GIT }, problems });
    const chart = new Chart(new App({ outdir: 'unused' }), 'c');
    // WHEN two releases from the Git source are built
    for (const name of ['one', 'two']) new HelmChartRelease(chart, name, { name, namespace: 'ns', chart: { source: 'charts', chart: `${name}.tgz`, version: '1.0.0' }, catalog });
    // THEN both are reported there, and nothing is rendered for them
    expect(problems.all.map((p) => `${p.file}: ${p.message.split(':')[0]}`)).toEqual(['clusters/prod/platform.ts: release ns/one', 'clusters/prod/platform.ts: release ns/two']);
    expect(chart.toJson()).toEqual([]);
    expect(() => catalog.throwIfProblems()).toThrow(/^2 problems in the input/);
  });

  test('a release built without a problems list throws at its first problem', () => {
    const catalog = new ChartCatalog({ flavor: 'k3s', sourceNamespace: 'flux-system', sources: { charts: GIT } });
    const chart = new Chart(new App({ outdir: 'unused' }), 'c');
    expect(() => new HelmChartRelease(chart, 'x', { name: 'x', namespace: 'ns', chart: { source: 'charts', chart: 'x.tgz', version: '1.0.0' }, catalog })).toThrow(ConfigError);
  });

  test('Argo CD: every release whose secret value it cannot carry is reported (the router of each tenant)', () => {
    const problems = problemsOf(() =>
      renderOutput({ platform: basePlatform({ gitops: { flavor: 'argocd', repoURL: 'https://git.example.com/platform.git' }, billing: { enabled: false } }), tenantsDir: FIXTURE_TENANTS_DIR }),
    );
    const releases = [...new Set(problems.map((p) => p.message.split(':')[0]))];
    expect(releases).toEqual(['release acme/clearml-ttr', 'release globex/clearml-ttr', 'release initech-ml/clearml-ttr']);
    expect(problems.every((p) => p.file === 'main.ts (platform props)' && p.path === 'gitops' && p.value === 'argocd')).toBe(true);
  });

  test('a flavor that cannot install tenants says so as a problem of the gitops field', () => {
    const problems = problemsOf(() => renderOutput({ platform: basePlatform({ gitops: 'k3s' }), tenantsDir: FIXTURE_TENANTS_DIR }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'main.ts (platform props)', path: 'gitops', value: 'k3s' });
    expect(problems[0].message).toMatch(/^cannot install tenants \(3 tenant files\): the k3s helm-controller/);
  });
});
