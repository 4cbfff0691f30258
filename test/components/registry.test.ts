/** The lists that come from the component registry (lib/components/index.ts and derived.ts). */
import YAML from 'yaml';
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { ComponentDescriptor } from '../../lib/components/component';
import { PLATFORM_FOLDERS, componentCharts, componentEndpoints, componentNamespaces, enabledComponents, platformFolderRules } from '../../lib/components/derived';
import { SOURCES_FOLDER } from '../../lib/core/folders';
import { COMPONENTS } from '../../lib/components/index';
import { serverUpstreams } from '../../lib/components/clearml-server/descriptor';
import { platformFolders } from '../../lib/platform/platform-folders';
import { ResolvedPlatform, resolvePlatform } from '../../lib/platform/platform';
import { PlatformProps } from '../../lib/platform/platform-props';
import { reservedNamespaces, resolveTenants } from '../../lib/tenant/tenants';
import { ConfigError } from '../../lib/core/problems';
import { ociRepositoryName } from '../../lib/core/names';
import { defaultDependencies, planLayout } from '../../lib/gitops/layout';
import { renderFolderObjects } from '../../lib/output/write-tree';
import { renderOutput, renderOutputObjects } from '../../lib/synth';
import { MINIMAL_PLATFORM, platformWith } from '../helpers';

/** Billing on, its chart in an OCI registry; the redis chart (bitnami) is OCI too. */
const WITH_BILLING: PlatformProps = {
  ...MINIMAL_PLATFORM,
  sources: { 'platform-charts': { type: 'oci', url: 'oci://registry.example.com/charts' } },
  billing: { chart: { source: 'platform-charts', chart: 'clearml-billing', version: '1.1.0' } },
};

function problemsOf(props: PlatformProps): string[] {
  try {
    resolvePlatform(props);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: ${JSON.stringify(p.value)}: ${p.message}`);
    throw e;
  }
  return [];
}

describe('component registry', () => {
  test('has one entry per component, with distinct names, and each "after" names an earlier component', () => {
    const names = COMPONENTS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(['gpu-operator', 'dynamic-mig-operator', 'mig-node-setup', 'shared-redis', 'clearml-server', 'billing', 'bootstrap-program', 'apps-upload']);
    COMPONENTS.forEach((c, i) => {
      for (const before of c.after ?? []) expect(names.indexOf(before)).toBeGreaterThanOrEqual(0);
      for (const before of c.after ?? []) expect(names.indexOf(before)).toBeLessThan(i);
    });
  });

  test('the chart list is the charts of the enabled components, then the tenants\' (in registry order)', () => {
    const platform = resolvePlatform(WITH_BILLING);
    const expected = [...componentCharts(platform).map((c) => c.chart), platform.tenantReleases.agentChart, platform.tenantReleases.routerChart];
    expect(platform.charts).toEqual(expected);
    expect(platform.charts.map((c) => c.chart)).toEqual(['gpu-operator', 'clearml-dynamic-mig-operator', 'redis', 'clearml-enterprise', 'clearml-billing', 'clearml-enterprise-agent', 'clearml-task-traffic-router']);
    // A disabled component's chart is not in the list.
    const noGpu = platformWith({ gpuOperator: { enabled: false }, dynamicMigOperator: { enabled: false } });
    expect(noGpu.charts.map((c) => c.chart)).toEqual(['redis', 'clearml-enterprise', 'clearml-enterprise-agent', 'clearml-task-traffic-router']);
    expect(enabledComponents(noGpu).map((c) => c.name)).not.toContain('gpu-operator');
  });

  test('every chart of the list gets its source object in the Flux sources folder', () => {
    const platform = resolvePlatform(WITH_BILLING);
    const sources = renderFolderObjects(platformFolders(platform).filter((f) => f.path === SOURCES_FOLDER))[0];
    const objects = sources.files.flatMap((f) => f.objects);
    const names = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
    for (const chart of platform.charts) {
      const source = platform.sources[chart.source];
      if (source.type === 'oci') expect(names('OCIRepository')).toContain(ociRepositoryName(chart.source, chart.chart));
      else if (source.type === 'helm') expect(names('HelmRepository')).toContain(chart.source);
      else expect(names('GitRepository')).toContain(chart.source);
    }
    // Both OCI charts (the shared Redis and billing) have one each.
    expect(names('OCIRepository')).toEqual([ociRepositoryName('bitnami', 'redis'), ociRepositoryName('platform-charts', 'clearml-billing')]);
  });

  test('the platform folders, their order and what each waits for come from the descriptors', () => {
    expect(PLATFORM_FOLDERS).toEqual(['sources', 'gpu', 'mig-setup', 'server', 'server-apps']);
    expect(Object.fromEntries(platformFolderRules())).toEqual({ 'gpu': ['sources'], 'mig-setup': ['gpu'], 'server': ['gpu'], 'server-apps': ['server'] });
    expect(defaultDependencies('gpu', platformFolderRules())).toEqual(['sources']);
    expect(defaultDependencies('sources', platformFolderRules())).toEqual(['secrets']);
    expect(defaultDependencies('tenants/acme/bootstrap', platformFolderRules())).toEqual(['server']);
    expect(defaultDependencies('tenants/acme/agent', platformFolderRules())).toEqual(['tenants/acme/bootstrap']);

    const platform = platformWith({ migSetup: { nodes: [{ name: 'gpu-node-1' }] } });
    const folders = platformFolders(platform);
    expect(folders.map((f) => f.path)).toEqual(['sources', 'gpu', 'mig-setup', 'server', 'server-apps']);
    // Each component is its own chart (file) in its descriptor's folder.
    expect(Object.fromEntries(folders.map((f) => [f.path, f.app.charts.map((c) => c.node.id)]))).toEqual({
      'sources': ['sources'],
      'gpu': ['gpu-operator', 'dynamic-mig-operator'],
      'mig-setup': ['mig-node-setup'],
      'server': ['shared-redis', 'clearml-server', 'bootstrap-program'],
      'server-apps': ['apps-upload'],
    });
    const nodes = planLayout(renderFolderObjects(folders), platformFolderRules());
    expect(nodes.map((n) => [n.path, n.dependsOn])).toEqual([
      ['sources', []],
      ['gpu', ['sources']],
      ['mig-setup', ['gpu']],
      ['server', ['gpu']],
      ['server-apps', ['server']],
    ]);
    // Without the GPU layer, the server waits for what the gpu folder would have waited for.
    const noGpu = platformWith({ gpuOperator: { enabled: false }, dynamicMigOperator: { enabled: false } });
    expect(planLayout(renderFolderObjects(platformFolders(noGpu)), platformFolderRules()).map((n) => [n.path, n.dependsOn])).toEqual([
      ['sources', []],
      ['server', ['sources']],
      ['server-apps', ['server']],
    ]);
  });

  test('a new component is its folder plus one registration: its folder, rule and chart follow', () => {
    const extra: ComponentDescriptor = {
      name: 'extra-thing',
      folder: 'extra',
      roles: ['control-plane'],
      waitsFor: ['gpu'],
      after: ['clearml-server'],
      enabled: () => true,
      namespaces: () => [{ namespace: 'extra-ns', field: 'extra.namespace' }],
      charts: () => [{ chart: { source: 'bitnami', chart: 'extra', version: '1.0.0' }, field: 'extra.chart' }],
      endpoints: () => [{ name: 'extra', namespace: 'extra-ns', host: 'extra.extra-ns', port: 80, clients: ['tenants'] }],
      build: (chart: Chart, _platform, { releases }) => {
        expect(releases.get('clearml-server')).toBeDefined();
        new k8s.KubeConfigMap(chart, 'Thing', { metadata: { name: 'thing', namespace: 'extra-ns' } });
        return {};
      },
    };
    const registry = [...COMPONENTS, extra];
    const platform = platformWith();
    const folders = platformFolders(platform, registry);
    expect(folders.map((f) => f.path)).toEqual(['sources', 'gpu', 'server', 'server-apps', 'extra']);
    expect(platformFolderRules(registry).get('extra')).toEqual(['gpu']);
    expect(defaultDependencies('extra', platformFolderRules(registry))).toEqual(['gpu']);
    // Unregistered, the folder would fall to the rule of unknown folders.
    expect(defaultDependencies('extra', platformFolderRules())).toEqual(['server']);
    expect(componentCharts(platform, registry).map((c) => c.field)).toContain('extra.chart');
    expect(componentNamespaces(platform, [], registry).map((n) => n.namespace)).toContain('extra-ns');
    expect(componentEndpoints(platform, registry).map((e) => e.host)).toContain('extra.extra-ns');
    expect(planLayout(renderFolderObjects(folders), platformFolderRules(registry)).find((n) => n.path === 'extra')?.dependsOn).toEqual(['gpu']);
  });

  test('a component installing after an unknown one is refused', () => {
    const orphan: ComponentDescriptor = { ...COMPONENTS[0], name: 'orphan', after: ['no-such-component'] };
    expect(() => platformFolders(platformWith(), [orphan])).toThrow(/component "orphan" installs after "no-such-component", which is not a registered component/);
  });

  test('the endpoints others connect to follow the configured namespaces', () => {
    const platform = platformWith({ redis: { namespace: 'redis-x', port: 6380 } });
    expect(componentEndpoints(platform).map((e) => `${e.name} ${e.host}:${e.port}`)).toEqual(['redis redis-master.redis-x:6380', 'apiserver clearml-enterprise-apiserver.clearml:8008']);
    expect(platform.internalApiUrl).toBe('http://clearml-enterprise-apiserver.clearml:8008');
  });

  test('the server\'s egress opens exactly the endpoints that admit the server, where they are configured', () => {
    const platform = resolvePlatform({ ...WITH_BILLING, redis: { namespace: 'redis-x', port: 6380 }, billing: { ...WITH_BILLING.billing, namespace: 'billing-x' } });
    expect(serverUpstreams(componentEndpoints(platform))).toEqual([
      { namespace: 'redis-x', ports: [6380] },
      { namespace: 'billing-x', ports: [9092, 6379] },
    ]);
    const server = renderFolderObjects(platformFolders(platform).filter((f) => f.path === 'server'))[0].files.find((f) => f.name === 'clearml-server.yaml')!;
    const egress = server.objects.filter((o) => o.kind === 'NetworkPolicy').flatMap((o: any) => o.spec.egress ?? []);
    const toNamespace = (ns: string) => egress.filter((r: any) => (r.to ?? []).some((peer: any) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === ns));
    expect(toNamespace('redis-x').flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([6380]);
    expect(toNamespace('billing-x').flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([9092, 6379]);
    expect(toNamespace('clearml-billing')).toEqual([]);
    // Billing off: no egress to its namespace.
    expect(serverUpstreams(componentEndpoints(platformWith()))).toEqual([{ namespace: 'redis-shared', ports: [6379] }]);
  });
});

describe('namespaces from the descriptors', () => {
  const movedBilling = (): ResolvedPlatform => resolvePlatform({ ...WITH_BILLING, billing: { ...WITH_BILLING.billing, namespace: 'billing-x' } });

  test('a component moved to another namespace is reserved there for tenants, and no longer at its default', () => {
    const reserved = reservedNamespaces(movedBilling());
    expect(reserved.get('billing-x')).toBe('a namespace of the platform (billing.namespace)');
    expect(reserved.has('clearml-billing')).toBe(false);
    // Every component's namespace is reserved, with the field that sets it.
    const platform = platformWith({ migSetup: { nodes: [{ name: 'n1' }] } });
    for (const ns of componentNamespaces(platform)) expect(reservedNamespaces(platform).get(ns.namespace)).toMatch(/^a namespace of the platform \(/);
    expect(componentNamespaces(platform).map((n) => n.field)).toEqual(['gpuOperator.namespace', 'dynamicMigOperator.namespace', 'migSetup.namespace', 'redis.namespace', 'server.namespace', 'billing.namespace']);
  });

  test('a tenant in the moved billing namespace is refused', () => {
    const text = 'name: billing-x\nadmin: { name: Admin, email: admin@billing-x.example }\nsessions: { startingPort: 31020 }\n';
    let problems: string[] = [];
    try {
      resolveTenants([{ file: 'tenants/billing-x.yaml', text }], movedBilling());
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems = e.problems.map((p) => `${p.path}: ${JSON.stringify(p.value)}: ${p.message}`);
    }
    expect(problems).toEqual([expect.stringMatching(/^namespace \(defaults to name\): "billing-x": is a namespace of the platform \(billing\.namespace\); no tenant may use it/)]);
  });

  test('the MIG setup may not share a namespace of another component, wherever it is configured', () => {
    const props: PlatformProps = { ...WITH_BILLING, billing: { ...WITH_BILLING.billing, namespace: 'billing-x' }, migSetup: { namespace: 'billing-x', nodes: [{ name: 'n1' }] } };
    expect(problemsOf(props)).toEqual([expect.stringMatching(/^migSetup\.namespace: "billing-x": is used by another part of the platform; .*billing-x/)]);
    expect(problemsOf({ ...props, migSetup: { namespace: 'clearml-billing', nodes: [{ name: 'n1' }] } })).toEqual([]);
  });

  test('the output writes the moved billing namespace', () => {
    const files = renderOutput({ platform: { ...WITH_BILLING, billing: { ...WITH_BILLING.billing, namespace: 'billing-x' } } });
    const billing = YAML.parseAllDocuments(files.get('server/billing.yaml')!).map((d) => d.toJSON());
    expect(billing.find((o) => o.kind === 'Namespace')?.metadata.name).toBe('billing-x');
    expect(renderOutputObjects({ platform: WITH_BILLING }).folders.map((f) => f.path)).toEqual(expect.arrayContaining(['sources', 'gpu', 'server', 'server-apps']));
  });
});
