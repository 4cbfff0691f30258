import { ChartCatalog } from '../../lib/gitops/chart-catalog';
import { FluxSources } from '../../lib/flavors/flux/flux-sources';
import { HelmChartRelease } from '../../lib/gitops/helm-chart-release';
import { isVersionRange, toDnsLabel } from '../../lib/core/names';
import { deepMerge } from '../../lib/core/merge';
import { only, synthOf } from '../helpers';

const catalog = new ChartCatalog({
  flavor: 'flux',
  sourceNamespace: 'flux-system',
  sources: {
    enterprise: { type: 'helm', url: 'https://charts.example.com', secretName: 'enterprise-repo' },
    oci: { type: 'oci', url: 'oci://registry.example.com/charts/', secretName: 'oci-pull' },
    git: { type: 'git', url: 'https://git.example.com/charts.git', tag: 'v1.0.0' },
  },
});

describe('FluxSources', () => {
  const objects = synthOf((s) =>
    new FluxSources(s, 'sources', {
      namespace: 'flux-system',
      sources: catalog.sources,
      charts: [
        { source: 'oci', chart: 'clearml-enterprise-agent', version: '1.2.3' },
        { source: 'oci', chart: 'clearml-enterprise-agent', version: '1.2.3' },
        { source: 'oci', chart: 'clearml-billing', version: '~1.1' },
        { source: 'enterprise', chart: 'x', version: '*' },
      ],
    }),
  );

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('a HelmRepository per Helm source, with the credentials Secret by name', () => {
    expect(only(objects, 'HelmRepository').spec).toEqual({ url: 'https://charts.example.com', interval: '1h', secretRef: { name: 'enterprise-repo' } });
  });

  test('a GitRepository per Git source at its ref', () => {
    expect(only(objects, 'GitRepository').spec.ref).toEqual({ tag: 'v1.0.0' });
  });

  test('one OCIRepository per OCI chart: exact versions as tag, ranges as semver', () => {
    const agent = only(objects, 'OCIRepository', 'oci-clearml-enterprise-agent');
    expect(agent.spec.url).toBe('oci://registry.example.com/charts/clearml-enterprise-agent');
    expect(agent.spec.ref).toEqual({ tag: '1.2.3' });
    expect(agent.spec.secretRef).toEqual({ name: 'oci-pull' });
    expect(only(objects, 'OCIRepository', 'oci-clearml-billing').spec.ref).toEqual({ semver: '~1.1' });
  });
});

describe('HelmChartRelease (flux)', () => {
  test('values from Secrets become valuesFrom and are declared in the inventory', () => {
    let release: HelmChartRelease | undefined;
    const objects = synthOf((s) => {
      release = new HelmChartRelease(s, 'r', {
        name: 'agent',
        namespace: 'acme',
        chart: { source: 'enterprise', chart: 'clearml-enterprise-agent', version: '5.3.2' },
        catalog,
        values: { a: 1 },
        secretValues: [{ secret: { name: 'creds', key: 'token' }, targetPath: 'x.y', purpose: 'test' }],
        dependsOn: [{ name: 'clearml', namespace: 'clearml' }],
      });
    });
    const hr = only(objects, 'HelmRelease');
    expect(hr.spec.valuesFrom).toEqual([{ kind: 'Secret', name: 'creds', valuesKey: 'token', targetPath: 'x.y' }]);
    expect(hr.spec.chart.spec.version).toBe('5.3.2');
    expect(hr.spec.dependsOn).toEqual([{ name: 'clearml', namespace: 'clearml' }]);
    expect(release!.ref).toEqual({ name: 'agent', namespace: 'acme', wave: 2 });
    expect(release!.node.findAll().some((c) => (c as any).requirement?.name === 'creds')).toBe(true);
  });

  test('fails when the chart names an unknown source', () => {
    expect(() => synthOf((s) => new HelmChartRelease(s, 'r', { name: 'x', namespace: 'y', chart: { source: 'nope', chart: 'c', version: '1' }, catalog }))).toThrow(
      /unknown chart source "nope"; known: enterprise, git, oci/,
    );
  });
});

describe('helpers', () => {
  test('toDnsLabel', () => {
    expect(toDnsLabel('Oci_Charts/clearml--billing-')).toBe('oci-charts-clearml-billing');
    expect(toDnsLabel('x'.repeat(80))).toHaveLength(63);
  });

  test('isVersionRange', () => {
    expect(['1.2.3', 'v25.3.0', '1.0.0-rc.1'].map(isVersionRange)).toEqual([false, false, false]);
    expect(['*', '~1.1', '>=1.0.0 <2', '1.x', '^2', '1.2'].map(isVersionRange)).toEqual([true, true, true, true, true, true]);
  });

  test('deepMerge merges objects and replaces lists, leaving inputs unchanged', () => {
    const base = { a: { b: 1, c: [1] }, d: 1 };
    expect(deepMerge(base, { a: { c: [2], e: 3 } })).toEqual({ a: { b: 1, c: [2], e: 3 }, d: 1 });
    expect(base).toEqual({ a: { b: 1, c: [1] }, d: 1 });
  });
});
